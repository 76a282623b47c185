/**
 * The report as one self-contained HTML page in Dutch, for the management team: key figures first,
 * then a section per subject with a chart (inline SVG) and a table of the same numbers beside it.
 * No script and no external resource, so it can be mailed, archived and printed as is. Every text
 * that comes from a case (categories, handlers, causes, measures, addresses) is escaped.
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
import { barChart, columnChart, escapeHtml as esc, rateBar, type Bar } from './svgCharts.js';

export interface RenderHtmlOptions {
  organisationName: string;
  locale: 'nl';
}

const CSS = `
body{font-family:"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1f2933;margin:0 auto;max-width:980px;padding:24px;line-height:1.45}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 12px;border-bottom:2px solid #2f6db5;padding-bottom:4px}
h3{font-size:15px;margin:16px 0 6px}
.sub{color:#52606d;margin:0 0 20px}
.kpis{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 8px}
.kpi{flex:1 1 140px;border:1px solid #d9e2ec;border-radius:6px;padding:10px 14px;background:#f5f7fa}
.kpi b{display:block;font-size:26px}
.kpi span{font-size:13px;color:#52606d}
.pair{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start;break-inside:avoid;page-break-inside:avoid}
.chart{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:14px;margin:0 0 8px}
th,td{border:1px solid #d9e2ec;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.text{white-space:pre-wrap;max-width:560px}
.note,.muted{color:#616e7c;font-size:13px}
.late{color:#c0392b;font-weight:bold}
footer{margin-top:40px;color:#7b8794;font-size:12px}
@page{size:A4;margin:15mm}
@media print{body{max-width:none;padding:0;font-size:10.5pt}.kpi{background:none}h2{break-after:avoid;page-break-after:avoid}tr{break-inside:avoid}}
`;

/** The whole page; `opts.organisationName` comes from the config and is escaped like case text. */
export function renderReportHtml(data: ReportData, opts: RenderHtmlOptions): string {
  const title = reportTitle(data);
  const { contact, feedback } = data.deadlines;
  return [
    '<!DOCTYPE html>',
    `<html lang="${opts.locale}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(`${title} — ${opts.organisationName}`)}</title>`,
    `<style>${CSS}</style></head>`,
    '<body>',
    `<header><h1>${esc(title)}</h1>`,
    `<p class="sub">${esc(opts.organisationName)} · ${esc(periodText(data))}</p></header>`,
    keyFigures(data),
    section(
      'Klachten per maand',
      columnChart(
        data.byMonth.map((m) => ({ label: monthLabel(m.month, true), value: m.count })),
        { title: 'Klachten per maand', width: data.byMonth.length > 3 ? 620 : 420 },
      ),
      table(
        ['Maand', 'Aantal'],
        [
          ...data.byMonth.map((m) => [esc(monthLabel(m.month)), num(m.count)]),
          ['<b>Totaal</b>', num(data.totals.received)],
        ],
      ),
    ),
    deadlines(contact, feedback),
    countSection('Klachten per categorie', 'Categorie', data.byCategory),
    section(
      'Klachten per soort klager',
      barChart(typeRows(data), { title: 'Klachten per soort klager' }),
      barTable('Soort klager', typeRows(data)),
    ),
    countSection('Klachten per behandelaar', 'Behandelaar', data.byHandler),
    section(
      'Tevredenheid over de afhandeling',
      barChart(satisfactionRows(data), { title: 'Tevredenheid over de afhandeling' }),
      barTable('Tevreden', satisfactionRows(data)),
    ),
    attention(data),
    measures(data),
    caseList(data),
    `<footer>Gemaakt door Klachtenbus op ${esc(generatedText(data))} (${esc(data.timezone)}).</footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

function keyFigures(data: ReportData): string {
  const figure = (value: string, label: string): string =>
    `<div class="kpi"><b>${esc(value)}</b><span>${esc(label)}</span></div>`;
  const { contact, feedback } = data.deadlines;
  return [
    '<section class="kpis">',
    figure(String(data.totals.received), 'klachten ontvangen'),
    figure(String(data.totals.open), 'nog open'),
    figure(String(data.totals.overdue), 'open met overschreden termijn'),
    figure(percent(contact.rate), `contact op tijd (${contact.met} van ${contact.decided})`),
    figure(percent(feedback.rate), `terugkoppeling op tijd (${feedback.met} van ${feedback.decided})`),
    figure(hours(contact.medianHours), 'mediaan tot contact'),
    '</section>',
  ].join('\n');
}

function deadlines(contact: DeadlineStats, feedback: DeadlineStats): string {
  const row = (name: string, s: DeadlineStats): string[] => [
    esc(name),
    num(s.met),
    num(s.missed),
    num(s.undecided),
    `<td class="n"><b>${esc(percent(s.rate))}</b></td>`,
    `<td class="n">${esc(hours(s.medianHours))}</td>`,
    `<td class="n">${esc(hours(s.p90Hours))}</td>`,
  ];
  const charts =
    `<div>${rateBar(contact, { title: 'Contact binnen de termijn', rateText: percent(contact.rate) })}<br>` +
    `${rateBar(feedback, { title: 'Terugkoppeling binnen de termijn', rateText: percent(feedback.rate) })}</div>`;
  return section(
    'Termijnen',
    charts,
    table(
      ['Termijn', 'Op tijd', 'Te laat', 'Loopt nog', 'Op tijd %', 'Mediaan', '90e percentiel'],
      [row('Contact', contact), row('Terugkoppeling', feedback)],
    ),
    '<p class="note">Op tijd % = op tijd gedaan ÷ (op tijd + te laat); zaken waarvan de termijn nog loopt tellen niet mee. ' +
      'Mediaan en 90e percentiel: kalenderuren van ontvangst tot het vastgelegde contact of de terugkoppeling.</p>',
  );
}

function countSection(title: string, heading: string, counts: readonly NamedCount[]): string {
  const bars = counts.map((c) => ({ label: c.key, value: c.count }));
  return section(title, barChart(bars, { title }), barTable(heading, bars));
}

function attention(data: ReportData): string {
  const list = (numbers: readonly string[]): string =>
    numbers.length ? `<p>${numbers.map(esc).join(', ')}</p>` : '<p class="muted">Geen.</p>';
  const repeat = data.repeatComplainants.length
    ? table(
        ['E-mailadres', 'Klachten', 'Dossiers'],
        data.repeatComplainants.map((r) => [esc(r.email), num(r.count), esc(r.numbers.join(', '))]),
      )
    : '<p class="muted">Geen klagers met meer dan één klacht.</p>';
  const causes = data.recurringCauses.length
    ? table(
        ['Oorzaak', 'Klachten', 'Dossiers'],
        data.recurringCauses.map((c) => [esc(c.cause), num(c.count), esc(c.numbers.join(', '))]),
      )
    : '<p class="muted">Geen oorzaak kwam meer dan één keer voor.</p>';
  return [
    '<section><h2>Aandachtspunten</h2>',
    `<h3>Open dossiers (${data.openCases.length})</h3>`,
    list(data.openCases),
    `<h3>Termijn overschreden (${data.overdueCases.length})</h3>`,
    list(data.overdueCases),
    '<h3>Herhaalde klagers</h3>',
    repeat,
    '<h3>Terugkerende oorzaken</h3>',
    causes,
    '</section>',
  ].join('\n');
}

function measures(data: ReportData): string {
  const body = data.measures.length
    ? table(
        ['Dossier', 'Soort', 'Maatregel'],
        data.measures.map((m) => [esc(m.number), esc(MEASURE_LABELS[m.kind]), `<td class="text">${esc(m.text)}</td>`]),
      )
    : '<p class="muted">Er zijn in deze periode geen preventieve maatregelen of structurele oplossingen vastgelegd.</p>';
  return `<section><h2>Preventieve maatregelen en structurele oplossingen</h2>\n${body}\n</section>`;
}

function caseList(data: ReportData): string {
  const body = data.cases.length
    ? table(
        ['Dossier', 'Ontvangen', 'Soort klager', 'Categorie', 'Behandelaar', 'Status'],
        data.cases.map((c) => [
          esc(c.number),
          esc(shortDate(c.date)),
          esc(TYPE_LABELS[c.complainantType]),
          c.category === null ? '<span class="muted">(geen)</span>' : esc(c.category),
          c.handler === null ? '<span class="muted">(niet toegewezen)</span>' : esc(c.handler),
          esc(STATUS_LABELS[c.status]) + (c.overdue ? ' <span class="late">te laat</span>' : ''),
        ]),
      )
    : '<p class="muted">Geen klachten ontvangen in deze periode.</p>';
  return `<section><h2>Klachten in deze periode</h2>\n${body}\n</section>`;
}

function section(title: string, chart: string, tableHtml: string, note = ''): string {
  return `<section><h2>${esc(title)}</h2>\n<div class="pair">${chart}\n${tableHtml}</div>${note}</section>`;
}

function barTable(heading: string, bars: readonly Bar[]): string {
  return table(
    [heading, 'Aantal'],
    bars.map((b) => [esc(b.label), num(b.value)]),
  );
}

/**
 * Cells are HTML already: plain ones get wrapped in <td>, ones starting with `<td` pass as is.
 * Escaped text never starts with `<td` (its `<` became `&lt;`), so case text cannot pose as a cell.
 */
function table(headings: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headings.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((cell) => (cell.startsWith('<td') ? cell : `<td>${cell}</td>`)).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function num(n: number): string {
  return `<td class="n">${n}</td>`;
}
