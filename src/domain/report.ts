/**
 * The periodic complaints report (kwartaalrapportage, jaaranalyse): the procedures ask for a total
 * report of all complaints per quarter and a yearly analysis with advice on preventive measures.
 * This module turns the register rows of one period into plain figures; rendering them (HTML,
 * Markdown, JSON) is an adapter's business. Pure: the clock and the zone are parameters.
 */
import { DateTime, IANAZone } from 'luxon';
import type { ComplainantType } from './types.js';

/**
 * The fields of a register row the report reads. `RegisterRow` (usecases/registerRows.ts) has all
 * of them; the domain names only what it needs so it does not depend on the use-case layer.
 */
export interface ReportRow {
  number: string;
  status: 'open' | 'closed';
  /** ISO 8601 instant. */
  receivedAt: string;
  complainantEmail: string | null;
  complainantType: ComplainantType;
  handler: string | null;
  category: string | null;
  contactAt: string | null;
  contactMet: boolean | null;
  feedbackAt: string | null;
  feedbackMet: boolean | null;
  cause: string | null;
  structuralSolution: string | null;
  preventiveMeasures: string | null;
  satisfaction: 'satisfied' | 'not-satisfied' | 'unknown';
  overdue: boolean;
}

/** A reporting period: [from, to) in instants, whole local months of the calendar's zone. */
export interface ReportPeriod {
  label: string;
  from: Date;
  to: Date;
  kind: 'quarter' | 'year';
}

export interface NamedCount {
  key: string;
  count: number;
}

/** How one deadline (contact or feedback) fared over the period. */
export interface DeadlineStats {
  met: number;
  missed: number;
  /** met + missed: the cases whose deadline is decided. */
  decided: number;
  /** Cases with a deadline still open (neither met nor missed yet), or without a deadline. */
  undecided: number;
  /** met / decided, 0..1; null when nothing is decided. */
  rate: number | null;
  /** Cases with the milestone recorded: the sample of the times below. */
  measured: number;
  /** Elapsed hours from receipt to the milestone, rounded to 0.1; null without data. */
  medianHours: number | null;
  /** 90th percentile (nearest rank) of the same hours; null without data. */
  p90Hours: number | null;
}

/** Everything the report shows; plain JSON (strings, numbers, booleans, arrays, objects). */
export interface ReportData {
  period: {
    label: string;
    kind: 'quarter' | 'year';
    from: string;
    to: string;
    /** First and last local day, `YYYY-MM-DD`. */
    firstDay: string;
    lastDay: string;
  };
  timezone: string;
  generatedAt: string;
  totals: { received: number; open: number; closed: number; overdue: number };
  /** Every month of the period in order, zeros included; `month` is `YYYY-MM`. */
  byMonth: { month: string; count: number }[];
  /** All four types in a fixed order (client, temp-worker, other, unknown), zeros included. */
  byComplainantType: NamedCount[];
  /** Most first, then by name; `(geen)` for cases without a category. */
  byCategory: NamedCount[];
  /** Most first, then by name; `(niet toegewezen)` for cases without a handler. */
  byHandler: NamedCount[];
  deadlines: { contact: DeadlineStats; feedback: DeadlineStats };
  openCases: string[];
  overdueCases: string[];
  satisfaction: { satisfied: number; notSatisfied: number; unknown: number };
  /** Mail addresses with two or more cases in the period. */
  repeatComplainants: { email: string; count: number; numbers: string[] }[];
  /** Causes (compared case- and whitespace-insensitively) recorded for two or more cases. */
  recurringCauses: { cause: string; count: number; numbers: string[] }[];
  measures: { number: string; kind: 'preventive' | 'structural'; text: string }[];
  cases: {
    number: string;
    receivedAt: string;
    /** Local date of receipt, `YYYY-MM-DD`. */
    date: string;
    complainantType: ComplainantType;
    category: string | null;
    handler: string | null;
    status: 'open' | 'closed';
    overdue: boolean;
  }[];
}

export const NO_CATEGORY = '(geen)';
export const NO_HANDLER = '(niet toegewezen)';
export const COMPLAINANT_TYPES: readonly ComplainantType[] = ['client', 'temp-worker', 'other', 'unknown'];

const QUARTER = /^(\d{4})-Q([1-4])$/i;
const YEAR = /^(\d{4})$/;

/**
 * The period of `--quarter 2026-Q4` or `--year 2026`: from local midnight on its first day to
 * local midnight after its last, in `timezone`. Throws a RangeError for a bad or missing spec,
 * for both at once, or for an unknown zone.
 */
export function parsePeriod(spec: { quarter?: string; year?: string }, timezone: string): ReportPeriod {
  if (!IANAZone.isValidZone(timezone)) throw new RangeError(`report period: unknown timezone ${timezone}`);
  if (spec.quarter !== undefined && spec.year !== undefined)
    throw new RangeError('report period: give a quarter or a year, not both');
  if (spec.quarter !== undefined) {
    const m = QUARTER.exec(spec.quarter.trim());
    if (!m) throw new RangeError(`report period: not a quarter like 2026-Q4: ${JSON.stringify(spec.quarter)}`);
    const year = Number(m[1]);
    const q = Number(m[2]);
    const from = DateTime.fromObject({ year, month: (q - 1) * 3 + 1, day: 1 }, { zone: timezone });
    return { label: `${year}-Q${q}`, from: from.toJSDate(), to: from.plus({ months: 3 }).toJSDate(), kind: 'quarter' };
  }
  if (spec.year !== undefined) {
    const m = YEAR.exec(spec.year.trim());
    if (!m) throw new RangeError(`report period: not a year like 2026: ${JSON.stringify(spec.year)}`);
    const from = DateTime.fromObject({ year: Number(m[1]), month: 1, day: 1 }, { zone: timezone });
    return { label: m[1] ?? '', from: from.toJSDate(), to: from.plus({ years: 1 }).toJSDate(), kind: 'year' };
  }
  throw new RangeError('report period: give a quarter (2026-Q4) or a year (2026)');
}

/**
 * The figures of the report. Rows received outside the period are ignored, so a caller may pass a
 * wider register. Deadline results are taken from the rows (`contactMet`, `feedbackMet`, decided
 * at the `now` the rows were built with); `now` here only stamps the report.
 */
export function computeReport(
  rows: readonly ReportRow[],
  period: ReportPeriod,
  now: Date,
  opts: { timezone: string },
): ReportData {
  const zone = opts.timezone;
  const local = (iso: string): DateTime => DateTime.fromISO(iso, { zone });
  const inPeriod = rows
    .filter((r) => {
      const t = Date.parse(r.receivedAt);
      return t >= period.from.getTime() && t < period.to.getTime();
    })
    .sort((a, b) => Date.parse(a.receivedAt) - Date.parse(b.receivedAt) || compareText(a.number, b.number));

  const first = DateTime.fromJSDate(period.from, { zone });
  const last = DateTime.fromJSDate(period.to, { zone }).minus({ days: 1 });

  const months = new Map<string, number>();
  for (let m = first.startOf('month'); m < DateTime.fromJSDate(period.to, { zone }); m = m.plus({ months: 1 }))
    months.set(m.toFormat('yyyy-MM'), 0);
  for (const r of inPeriod) {
    const key = local(r.receivedAt).toFormat('yyyy-MM');
    months.set(key, (months.get(key) ?? 0) + 1);
  }

  const count = (pick: (r: ReportRow) => boolean): number => inPeriod.filter(pick).length;
  const numbers = (pick: (r: ReportRow) => boolean): string[] =>
    inPeriod
      .filter(pick)
      .map((r) => r.number)
      .sort(compareText);

  return {
    period: {
      label: period.label,
      kind: period.kind,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
      firstDay: first.toISODate() ?? '',
      lastDay: last.toISODate() ?? '',
    },
    timezone: zone,
    generatedAt: now.toISOString(),
    totals: {
      received: inPeriod.length,
      open: count((r) => r.status === 'open'),
      closed: count((r) => r.status === 'closed'),
      overdue: count((r) => r.overdue),
    },
    byMonth: [...months].map(([month, count]) => ({ month, count })),
    byComplainantType: COMPLAINANT_TYPES.map((key) => ({ key, count: count((r) => r.complainantType === key) })),
    byCategory: countBy(inPeriod, (r) => blankToNull(r.category) ?? NO_CATEGORY),
    byHandler: countBy(inPeriod, (r) => blankToNull(r.handler) ?? NO_HANDLER),
    deadlines: {
      contact: deadlineStats(inPeriod, (r) => [r.contactMet, r.contactAt]),
      feedback: deadlineStats(inPeriod, (r) => [r.feedbackMet, r.feedbackAt]),
    },
    openCases: numbers((r) => r.status === 'open'),
    overdueCases: numbers((r) => r.overdue),
    satisfaction: {
      satisfied: count((r) => r.satisfaction === 'satisfied'),
      notSatisfied: count((r) => r.satisfaction === 'not-satisfied'),
      unknown: count((r) => r.satisfaction === 'unknown'),
    },
    repeatComplainants: groupsOfTwoOrMore(inPeriod, (r) => blankToNull(r.complainantEmail)?.toLowerCase() ?? null).map(
      (g) => ({ email: g.key, count: g.numbers.length, numbers: g.numbers }),
    ),
    recurringCauses: recurringCauses(inPeriod),
    measures: measures(inPeriod),
    cases: inPeriod.map((r) => ({
      number: r.number,
      receivedAt: r.receivedAt,
      date: local(r.receivedAt).toISODate() ?? '',
      complainantType: r.complainantType,
      category: blankToNull(r.category),
      handler: blankToNull(r.handler),
      status: r.status,
      overdue: r.overdue,
    })),
  };
}

/** `milestone` picks one deadline's result and the time its milestone was recorded. */
function deadlineStats(
  rows: readonly ReportRow[],
  milestone: (r: ReportRow) => [met: boolean | null, doneAt: string | null],
): DeadlineStats {
  const nMet = rows.filter((r) => milestone(r)[0] === true).length;
  const nMissed = rows.filter((r) => milestone(r)[0] === false).length;
  const hours: number[] = [];
  for (const r of rows) {
    const at = milestone(r)[1];
    if (at) hours.push((Date.parse(at) - Date.parse(r.receivedAt)) / 3_600_000);
  }
  hours.sort((a, b) => a - b);
  return {
    met: nMet,
    missed: nMissed,
    decided: nMet + nMissed,
    undecided: rows.length - nMet - nMissed,
    rate: nMet + nMissed === 0 ? null : nMet / (nMet + nMissed),
    measured: hours.length,
    medianHours: roundTenth(median(hours)),
    p90Hours: roundTenth(nearestRank(hours, 90)),
  };
}

/** The classic median: the middle value, or the mean of the two middle values. Input sorted. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  const hi = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? hi : ((sorted[mid - 1] ?? 0) + hi) / 2;
}

/** Nearest-rank percentile: the value at rank ceil(p/100 · n) of the sorted input. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** Cause text compared for recurrence: case, spacing, accents' composition and end punctuation ignored. */
export function normaliseCause(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.,;:!?]+$/, '');
}

function recurringCauses(rows: readonly ReportRow[]): ReportData['recurringCauses'] {
  // The text shown is the cause as first written (by case number), with its spacing tidied.
  const shown = new Map<string, string>();
  for (const r of [...rows].sort((a, b) => compareText(a.number, b.number))) {
    const key = r.cause ? normaliseCause(r.cause) : '';
    if (key && !shown.has(key)) shown.set(key, (r.cause ?? '').replace(/\s+/g, ' ').trim());
  }
  return groupsOfTwoOrMore(rows, (r) => (r.cause ? normaliseCause(r.cause) || null : null)).map((g) => ({
    cause: shown.get(g.key) ?? g.key,
    count: g.numbers.length,
    numbers: g.numbers,
  }));
}

function measures(rows: readonly ReportRow[]): ReportData['measures'] {
  const out: ReportData['measures'] = [];
  for (const r of [...rows].sort((a, b) => compareText(a.number, b.number))) {
    const preventive = blankToNull(r.preventiveMeasures);
    const structural = blankToNull(r.structuralSolution);
    if (preventive) out.push({ number: r.number, kind: 'preventive', text: preventive });
    if (structural) out.push({ number: r.number, kind: 'structural', text: structural });
  }
  return out;
}

function countBy(rows: readonly ReportRow[], key: (r: ReportRow) => string): NamedCount[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return [...counts]
    .map(([k, count]) => ({ key: k, count }))
    .sort((a, b) => b.count - a.count || compareText(a.key, b.key));
}

function groupsOfTwoOrMore(
  rows: readonly ReportRow[],
  key: (r: ReportRow) => string | null,
): { key: string; numbers: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const k = key(r);
    if (k !== null) groups.set(k, [...(groups.get(k) ?? []), r.number]);
  }
  return [...groups]
    .filter(([, ns]) => ns.length >= 2)
    .map(([k, ns]) => ({ key: k, numbers: ns.sort(compareText) }))
    .sort((a, b) => b.numbers.length - a.numbers.length || compareText(a.key, b.key));
}

function blankToNull(text: string | null): string | null {
  const t = text?.trim();
  return t ? t : null;
}

function roundTenth(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10) / 10;
}

// Code-point order: the same on every machine, whatever the ICU data or locale.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
