/**
 * The report as Markdown in Dutch: the same figures as the HTML page, as lists and tables, for a
 * wiki, a ticket or a plain-text mail. Case text is escaped so it cannot break a table or inject
 * markup or HTML into whatever renders the Markdown.
 */
import type { DeadlineStats, NamedCount, ReportData } from '../../domain/report.js';
import {
  MEASURE_LABELS,
  STATUS_LABELS,
  TYPE_LABELS,
  generatedText,
  hours,
  monthLabel,
  percent,
  periodText,
  reportTitle,
  satisfactionRows,
  shortDate,
  typeRows,
} from './format.js';

/**
 * Text for Markdown, on one line: backslash-escapes what could make markup inside a sentence or a
 * table cell (emphasis, code, links, table pipes, tags, entities) and nothing more, because the
 * same Markdown is also sent as the plain-text part of the report mail and should read well there.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~]|&(?=#?\w+;)/g, (c) => `\\${c}`);
}

/** The whole report; `organisationName` is escaped like case text. */
export function renderReportMarkdown(data: ReportData, opts: { organisationName?: string } = {}): string {
  const { contact, feedback } = data.deadlines;
  const md = escapeMarkdown;
  const out: string[] = [
    `# ${md(reportTitle(data))}`,
    '',
    `${opts.organisationName ? `${md(opts.organisationName)} · ` : ''}${md(periodText(data))}`,
    '',
    '## Kerncijfers',
    '',
    `- Klachten ontvangen: **${data.totals.received}** (open: ${data.totals.open}, afgesloten: ${data.totals.closed})`,
    `- Open met overschreden termijn: **${data.totals.overdue}**`,
    `- Contact op tijd: **${md(percent(contact.rate))}** (${contact.met} van ${contact.decided})`,
    `- Terugkoppeling op tijd: **${md(percent(feedback.rate))}** (${feedback.met} van ${feedback.decided})`,
    `- Tijd tot contact: mediaan ${md(hours(contact.medianHours))}, 90e percentiel ${md(hours(contact.p90Hours))}`,
    `- Tijd tot terugkoppeling: mediaan ${md(hours(feedback.medianHours))}, 90e percentiel ${md(hours(feedback.p90Hours))}`,
    '',
    '## Klachten per maand',
    '',
    ...table(
      ['Maand', 'Aantal'],
      [
        ...data.byMonth.map((m) => [md(monthLabel(m.month)), String(m.count)]),
        ['**Totaal**', String(data.totals.received)],
      ],
    ),
    '',
    '## Termijnen',
    '',
    ...table(
      ['Termijn', 'Op tijd', 'Te laat', 'Loopt nog', 'Op tijd %', 'Mediaan', '90e percentiel'],
      [deadlineRow('Contact', contact), deadlineRow('Terugkoppeling', feedback)],
    ),
    '',
    'Op tijd % = op tijd ÷ (op tijd + te laat); zaken waarvan de termijn nog loopt tellen niet mee.',
    '',
    ...countTable('Klachten per categorie', 'Categorie', data.byCategory),
    ...countTable(
      'Klachten per soort klager',
      'Soort klager',
      typeRows(data).map((r) => ({ key: r.label, count: r.value })),
    ),
    ...countTable('Klachten per behandelaar', 'Behandelaar', data.byHandler),
    ...countTable(
      'Tevredenheid over de afhandeling',
      'Tevreden',
      satisfactionRows(data).map((r) => ({ key: r.label, count: r.value })),
    ),
    '## Aandachtspunten',
    '',
    `- Open dossiers (${data.openCases.length}): ${list(data.openCases)}`,
    `- Termijn overschreden (${data.overdueCases.length}): ${list(data.overdueCases)}`,
    '',
    '### Herhaalde klagers',
    '',
    ...(data.repeatComplainants.length
      ? table(
          ['E-mailadres', 'Klachten', 'Dossiers'],
          data.repeatComplainants.map((r) => [md(r.email), String(r.count), list(r.numbers)]),
        )
      : ['Geen klagers met meer dan één klacht.']),
    '',
    '### Terugkerende oorzaken',
    '',
    ...(data.recurringCauses.length
      ? table(
          ['Oorzaak', 'Klachten', 'Dossiers'],
          data.recurringCauses.map((c) => [md(c.cause), String(c.count), list(c.numbers)]),
        )
      : ['Geen oorzaak kwam meer dan één keer voor.']),
    '',
    '## Preventieve maatregelen en structurele oplossingen',
    '',
    ...(data.measures.length
      ? table(
          ['Dossier', 'Soort', 'Maatregel'],
          data.measures.map((m) => [md(m.number), MEASURE_LABELS[m.kind], md(m.text)]),
        )
      : ['Geen vastgelegd in deze periode.']),
    '',
    '## Klachten in deze periode',
    '',
    ...(data.cases.length
      ? table(
          ['Dossier', 'Ontvangen', 'Soort klager', 'Categorie', 'Behandelaar', 'Status'],
          data.cases.map((c) => [
            md(c.number),
            shortDate(c.date),
            TYPE_LABELS[c.complainantType],
            c.category === null ? '(geen)' : md(c.category),
            c.handler === null ? '(niet toegewezen)' : md(c.handler),
            STATUS_LABELS[c.status] + (c.overdue ? ' (te laat)' : ''),
          ]),
        )
      : ['Geen klachten ontvangen in deze periode.']),
    '',
    `_Gemaakt door Klachtenbus op ${md(generatedText(data))} (${md(data.timezone)})._`,
    '',
  ];
  return out.join('\n');
}

function deadlineRow(name: string, s: DeadlineStats): string[] {
  return [
    name,
    String(s.met),
    String(s.missed),
    String(s.undecided),
    escapeMarkdown(percent(s.rate)),
    hours(s.medianHours),
    hours(s.p90Hours),
  ];
}

function countTable(title: string, heading: string, counts: readonly NamedCount[]): string[] {
  const rows = counts.map((c) => [escapeMarkdown(c.key), String(c.count)]);
  return [`## ${title}`, '', ...(rows.length ? table([heading, 'Aantal'], rows) : ['Geen.']), ''];
}

function list(numbers: readonly string[]): string {
  return numbers.length ? numbers.map(escapeMarkdown).join(', ') : 'geen';
}

/** Cells must be escaped already. Columns holding only numbers (or `–`) are right-aligned. */
function table(headings: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const numeric = (i: number): boolean =>
    i > 0 && rows.every((r) => /^(\*\*)?(\d+(,\d+)?( uur|%)?|–)(\*\*)?$/.test(r[i] ?? ''));
  return [
    `| ${headings.join(' | ')} |`,
    `| ${headings.map((_, i) => (numeric(i) ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}
