/**
 * Dutch wording and number formats shared by the report renderers. Month names are spelled out
 * here rather than taken from ICU, so the output is the same on every Node build.
 */
import { DateTime } from 'luxon';
import type { ReportData } from '../../domain/report.js';

export const TYPE_LABELS: Record<ReportData['cases'][number]['complainantType'], string> = {
  client: 'Opdrachtgever',
  'temp-worker': 'Uitzendkracht',
  other: 'Anders',
  unknown: 'Onbekend',
};

export const STATUS_LABELS: Record<'open' | 'closed', string> = { open: 'Open', closed: 'Afgesloten' };

export const MEASURE_LABELS: Record<ReportData['measures'][number]['kind'], string> = {
  preventive: 'Preventieve maatregel',
  structural: 'Structurele oplossing',
};

const MONTHS = [
  'januari',
  'februari',
  'maart',
  'april',
  'mei',
  'juni',
  'juli',
  'augustus',
  'september',
  'oktober',
  'november',
  'december',
];
const MONTHS_SHORT = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];

/** `2026-10` → `oktober 2026`, or `okt` when short. */
export function monthLabel(yyyyMm: string, short = false): string {
  const [year, month] = yyyyMm.split('-');
  const i = Number(month) - 1;
  return short ? (MONTHS_SHORT[i] ?? yyyyMm) : `${MONTHS[i] ?? month} ${year}`;
}

/** `2026-10-01` → `1 oktober 2026`. */
export function longDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${Number(day)} ${MONTHS[Number(month) - 1] ?? month} ${year}`;
}

/** `2026-12-23` → `23-12-2026`, the Dutch short date. */
export function shortDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}-${month}-${year}`;
}

/** Decimal comma: 12.5 → `12,5`. */
export function decimal(x: number, digits = 1): string {
  const fixed = x.toFixed(digits);
  return (/\.0+$/.test(fixed) ? fixed.replace(/\.0+$/, '') : fixed).replace('.', ',');
}

/** A 0..1 rate as a percentage with at most one decimal; `–` when there is none. */
export function percent(rate: number | null): string {
  return rate === null ? '–' : `${decimal(rate * 100)}%`;
}

export function hours(h: number | null): string {
  return h === null ? '–' : `${decimal(h)} uur`;
}

export function reportTitle(data: ReportData): string {
  return data.period.kind === 'quarter'
    ? `Klachtenrapportage ${data.period.label}`
    : `Jaaranalyse klachten ${data.period.label}`;
}

export function periodText(data: ReportData): string {
  return `${longDate(data.period.firstDay)} t/m ${longDate(data.period.lastDay)}`;
}

/** When the report was made, in the report's zone: `dd-MM-yyyy HH:mm`. */
export function generatedText(data: ReportData): string {
  return DateTime.fromISO(data.generatedAt, { zone: data.timezone }).toFormat('dd-MM-yyyy HH:mm');
}

/** Labels of the complainant-type counts, for charts and tables. */
export function typeRows(data: ReportData): { label: string; value: number }[] {
  return data.byComplainantType.map((c) => ({
    label: TYPE_LABELS[c.key as keyof typeof TYPE_LABELS] ?? c.key,
    value: c.count,
  }));
}

export function satisfactionRows(data: ReportData): { label: string; value: number }[] {
  return [
    { label: 'Tevreden', value: data.satisfaction.satisfied },
    { label: 'Niet tevreden', value: data.satisfaction.notSatisfied },
    { label: 'Onbekend', value: data.satisfaction.unknown },
  ];
}
