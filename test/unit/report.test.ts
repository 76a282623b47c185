import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, Option } from 'commander';
import { insertCase } from '../../src/adapters/sqlite/cases.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';
import { registerReportCommand } from '../../src/cli/commands/report.js';
import { computeReport, normaliseCause, parsePeriod } from '../../src/domain/report.js';
import { createWorkingCalendar } from '../../src/domain/workingCalendar.js';
import { renderReportHtml } from '../../src/adapters/report/renderHtml.js';
import { escapeMarkdown, renderReportMarkdown } from '../../src/adapters/report/renderMarkdown.js';
import { escapeHtml } from '../../src/adapters/report/svgCharts.js';
import type { RegisterRow } from '../../src/usecases/registerRows.js';

// The seeded register of 2026-Q4. Deadlines are counted on the real working-day calendar (contact
// within 2 working days, feedback within 5), and met/missed is decided as the register does:
// done by the due time, or missed once `now` is past it. Every expected figure below was worked
// out by hand from this table (hours after receipt; `-` = not recorded):
//
//  case  received (Amsterdam)  type         category      handler  contact  met   feedback  met
//  0001  Thu 01 Oct 00:00      client       Planning      Anna      30 h    yes   100 h     yes
//  0002  Tue 06 Oct 10:00      temp-worker  Loon          Bram       4 h    yes    50 h     yes
//  0003  Thu 15 Oct 14:00      temp-worker  Loon          Bram      10 h    yes    60 h     yes
//  0004  Tue 03 Nov 09:00      client       Planning      Anna      60 h    NO    200 h     NO
//  0005  Wed 18 Nov 11:00      other        -             -          2 h    yes     -       NO (open, overdue)
//  0006  Mon 30 Nov 09:00      unknown      Communicatie  Anna       8 h    yes    40 h     yes
//  0007  Wed 09 Dec 10:00      client       Communicatie  Chris     20 h    yes   180 h     NO
//  0008  Wed 23 Dec 10:00      client       Planning      Chris    119 h    yes   191 h     yes  (Kerstmis)
//  0009  Thu 24 Dec 10:00      temp-worker  Loon          Bram     144 h    NO    168 h     yes
//  0010  Thu 31 Dec 16:00      client       Planning      -          -      open    -       open (open)
//
// Contact: met 7, missed 2 → 7/9; hours [2,4,8,10,20,30,60,119,144] → median 20, p90 (rank 9) 144.
// Feedback: met 6, missed 3 → 6/9; hours [40,50,60,100,168,180,191,200] → median 134, p90 (rank 8) 200.
const NOW = new Date('2027-01-02T12:00:00+01:00');
const ZONE = 'Europe/Amsterdam';
const cal = createWorkingCalendar({
  timezone: ZONE,
  goodFridayOff: false,
  liberationDay: 'lustrum',
  extraClosedDays: [],
  businessHours: { start: '08:30', end: '17:30' },
});

const HOUR = 3_600_000;
const plus = (iso: string, h: number | null): string | null =>
  h === null ? null : new Date(Date.parse(iso) + h * HOUR).toISOString();
const met = (due: string, at: string | null): boolean | null =>
  at ? Date.parse(at) <= Date.parse(due) : NOW.getTime() > Date.parse(due) ? false : null;

function row(n: string, received: string, over: Partial<RegisterRow> & { c?: number; f?: number }): RegisterRow {
  const receivedAt = new Date(received).toISOString();
  const contactDueAt = cal.addWorkingDays(new Date(receivedAt), 2).toISOString();
  const feedbackDueAt = cal.addWorkingDays(new Date(receivedAt), 5).toISOString();
  const contactAt = plus(receivedAt, over.c ?? null);
  const feedbackAt = plus(receivedAt, over.f ?? null);
  const { c: _c, f: _f, ...fields } = over;
  return {
    number: `KL-2026-${n}`,
    status: 'closed',
    receivedAt,
    registeredBy: 'intake',
    complainantName: null,
    complainantEmail: null,
    complainantType: 'client',
    customerName: null,
    subject: 'Klacht',
    description: 'Omschrijving',
    peopleInvolved: null,
    handler: null,
    category: null,
    procedure: 'spijtenburg',
    contactDueAt,
    contactAt,
    contactMet: met(contactDueAt, contactAt),
    feedbackDueAt,
    feedbackAt,
    feedbackMet: met(feedbackDueAt, feedbackAt),
    solution: null,
    solutionDueAt: null,
    solutionAt: null,
    controlMeasures: null,
    cause: null,
    structuralSolution: null,
    preventiveMeasures: null,
    internalCommunication: null,
    internalCommunicationAt: null,
    discussedWith: null,
    discussedAt: null,
    discussedNote: null,
    satisfaction: 'unknown',
    closedAt: null,
    closedBy: null,
    overdue: false,
    ...fields,
  };
}

const SCRIPT_CAUSE = '<script>alert("x")</script> & co';
const IMG_MEASURE = '<img src=x onerror=alert(1)> | *nieuw*';
const seeded: RegisterRow[] = [
  row('0001', '2026-10-01T00:00+02:00', {
    ...{ c: 30, f: 100, handler: 'Anna', category: 'Planning', satisfaction: 'satisfied' },
    ...{ complainantEmail: 'a@x.nl', cause: 'Planning niet doorgegeven', preventiveMeasures: 'Checklist planning' },
  }),
  row('0002', '2026-10-06T10:00+02:00', {
    ...{ c: 4, f: 50, complainantType: 'temp-worker', handler: 'Bram', category: 'Loon' },
    ...{ complainantEmail: 'w1@x.nl', satisfaction: 'satisfied' },
  }),
  row('0003', '2026-10-15T14:00+02:00', {
    ...{ c: 10, f: 60, complainantType: 'temp-worker', handler: 'Bram', category: 'Loon' },
    ...{ complainantEmail: 'w1@x.nl', satisfaction: 'not-satisfied', cause: 'Loonstrook te laat' },
  }),
  row('0004', '2026-11-03T09:00+01:00', {
    ...{ c: 60, f: 200, handler: 'Anna', category: 'Planning', complainantEmail: 'b@x.nl' },
    ...{ satisfaction: 'not-satisfied', cause: '  planning NIET   doorgegeven. ' },
    ...{ structuralSolution: 'Planningstool koppelen aan CRM', preventiveMeasures: 'Wekelijkse controle planning' },
  }),
  row('0005', '2026-11-18T11:00+01:00', {
    ...{ c: 2, complainantType: 'other', status: 'open', overdue: true, cause: SCRIPT_CAUSE },
  }),
  row('0006', '2026-11-30T09:00+01:00', {
    ...{ c: 8, f: 40, complainantType: 'unknown', handler: 'Anna', category: 'Communicatie' },
    ...{ complainantEmail: ' W1@X.nl ', satisfaction: 'satisfied', cause: '   ' },
  }),
  row('0007', '2026-12-09T10:00+01:00', {
    ...{ c: 20, f: 180, handler: 'Chris', category: 'Communicatie', complainantEmail: 'c@x.nl' },
    ...{ satisfaction: 'satisfied', cause: 'loonstrook te laat', preventiveMeasures: '  ' },
  }),
  row('0008', '2026-12-23T10:00+01:00', {
    ...{ c: 119, f: 191, handler: 'Chris', category: 'Planning', complainantEmail: 'A@x.nl' },
    ...{ satisfaction: 'satisfied', cause: 'Planning niet doorgegeven!' },
  }),
  row('0009', '2026-12-24T10:00+01:00', {
    ...{ c: 144, f: 168, complainantType: 'temp-worker', handler: 'Bram', category: 'Loon' },
    ...{ complainantEmail: 'w2@x.nl', cause: 'Loonstrook te laat verstuurd' },
  }),
  row('0010', '2026-12-31T16:00+01:00', {
    ...{
      category: 'Planning',
      status: 'open',
      cause: `${SCRIPT_CAUSE.toUpperCase()}.`,
      structuralSolution: IMG_MEASURE,
    },
  }),
];
// Just outside the quarter on either side, with a repeat address and a recurring cause: they must
// change nothing in the quarter (the year report counts the September one).
const outside: RegisterRow[] = [
  row('0900', '2026-09-30T23:59:59+02:00', { complainantEmail: 'w1@x.nl', cause: 'Loonstrook te laat', c: 1, f: 1 }),
  row('0901', '2027-01-01T00:00:00+01:00', { complainantEmail: 'w1@x.nl', cause: 'Loonstrook te laat' }),
];
// Shuffled, so the report's own ordering is what the assertions see.
const input = [seeded[6], outside[1], seeded[2], seeded[9], seeded[0], seeded[4], outside[0], seeded[8]]
  .concat([seeded[1], seeded[7], seeded[3], seeded[5]])
  .filter((r): r is RegisterRow => r !== undefined);

const Q4 = parsePeriod({ quarter: '2026-Q4' }, ZONE);
const report = computeReport(input, Q4, NOW, { timezone: ZONE });
const n = (...xs: number[]): string[] => xs.map((x) => `KL-2026-${String(x).padStart(4, '0')}`);

describe('parsePeriod', () => {
  test.each([
    [{ quarter: '2026-Q4' }, '2026-Q4', 'quarter', '2026-09-30T22:00:00.000Z', '2026-12-31T23:00:00.000Z'],
    [{ quarter: '2027-q1' }, '2027-Q1', 'quarter', '2026-12-31T23:00:00.000Z', '2027-03-31T22:00:00.000Z'],
    [{ quarter: '2026-Q2' }, '2026-Q2', 'quarter', '2026-03-31T22:00:00.000Z', '2026-06-30T22:00:00.000Z'],
    [{ year: '2026' }, '2026', 'year', '2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z'],
  ])('%j in Amsterdam', (spec, label, kind, from, to) => {
    const p = parsePeriod(spec, ZONE);
    expect({ label: p.label, kind: p.kind, from: p.from.toISOString(), to: p.to.toISOString() }).toEqual({
      label,
      kind,
      from,
      to,
    });
  });

  test.each([
    [{ quarter: '2026-Q5' }, /not a quarter/],
    [{ quarter: '2026Q4' }, /not a quarter/],
    [{ quarter: 'Q4' }, /not a quarter/],
    [{ year: '26' }, /not a year/],
    [{ year: '2026-01' }, /not a year/],
    [{}, /give a quarter .* or a year/],
    [{ quarter: '2026-Q4', year: '2026' }, /not both/],
  ])('rejects %j', (spec, message) => {
    expect(() => parsePeriod(spec, ZONE)).toThrow(RangeError);
    expect(() => parsePeriod(spec, ZONE)).toThrow(message);
  });

  test('rejects an unknown zone', () => {
    expect(() => parsePeriod({ year: '2026' }, 'Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('the seeded fixture is what the table says', () => {
  test('Kerstmis: 0008 is on time only because 25 and 26 December are not working days', () => {
    const r8 = seeded[7];
    expect(r8?.contactDueAt).toBe(new Date('2026-12-28T10:00+01:00').toISOString());
    expect(r8?.contactAt).toBe(new Date('2026-12-28T09:00+01:00').toISOString());
    // Counting weekdays only (Thu 24, Fri 25), it would have been due on Christmas Day.
    expect(Date.parse(r8?.contactAt ?? '')).toBeGreaterThan(Date.parse('2026-12-25T10:00+01:00'));
    expect(r8?.contactMet).toBe(true);
  });

  test('0009 misses contact across the holiday, and its feedback deadline skips Nieuwjaarsdag', () => {
    const r9 = seeded[8];
    expect(r9?.contactDueAt).toBe(new Date('2026-12-29T10:00+01:00').toISOString());
    expect(r9?.contactMet).toBe(false);
    expect(r9?.feedbackDueAt).toBe(new Date('2027-01-04T10:00+01:00').toISOString());
  });

  test('met flags per case', () => {
    expect(seeded.map((r) => r.contactMet)).toEqual([true, true, true, false, true, true, true, true, false, null]);
    expect(seeded.map((r) => r.feedbackMet)).toEqual([true, true, true, false, false, true, false, true, true, null]);
  });
});

describe('computeReport on the seeded quarter', () => {
  test('period and totals', () => {
    expect(report.period).toEqual({
      label: '2026-Q4',
      kind: 'quarter',
      from: '2026-09-30T22:00:00.000Z',
      to: '2026-12-31T23:00:00.000Z',
      firstDay: '2026-10-01',
      lastDay: '2026-12-31',
    });
    expect(report.generatedAt).toBe('2027-01-02T11:00:00.000Z');
    expect(report.totals).toEqual({ received: 10, open: 2, closed: 8, overdue: 1 });
  });

  test('counts by month, complainant type, category and handler', () => {
    expect(report.byMonth).toEqual([
      { month: '2026-10', count: 3 },
      { month: '2026-11', count: 3 },
      { month: '2026-12', count: 4 },
    ]);
    expect(report.byComplainantType).toEqual([
      { key: 'client', count: 5 },
      { key: 'temp-worker', count: 3 },
      { key: 'other', count: 1 },
      { key: 'unknown', count: 1 },
    ]);
    expect(report.byCategory).toEqual([
      { key: 'Planning', count: 4 },
      { key: 'Loon', count: 3 },
      { key: 'Communicatie', count: 2 },
      { key: '(geen)', count: 1 },
    ]);
    // Ties go by name in code-point order: '(' sorts before 'C'.
    expect(report.byHandler).toEqual([
      { key: 'Anna', count: 3 },
      { key: 'Bram', count: 3 },
      { key: '(niet toegewezen)', count: 2 },
      { key: 'Chris', count: 2 },
    ]);
  });

  test('deadline rates, medians and 90th percentiles', () => {
    expect(report.deadlines.contact).toEqual({
      ...{ met: 7, missed: 2, decided: 9, undecided: 1, rate: 7 / 9 },
      ...{ measured: 9, medianHours: 20, p90Hours: 144 },
    });
    expect(report.deadlines.feedback).toEqual({
      ...{ met: 6, missed: 3, decided: 9, undecided: 1, rate: 6 / 9 },
      ...{ measured: 8, medianHours: 134, p90Hours: 200 },
    });
  });

  test('open and overdue cases, satisfaction', () => {
    expect(report.openCases).toEqual(n(5, 10));
    expect(report.overdueCases).toEqual(n(5));
    expect(report.satisfaction).toEqual({ satisfied: 5, notSatisfied: 2, unknown: 3 });
  });

  test('repeat complainants (address compared case-insensitively) and recurring causes', () => {
    expect(report.repeatComplainants).toEqual([
      { email: 'w1@x.nl', count: 3, numbers: n(2, 3, 6) },
      { email: 'a@x.nl', count: 2, numbers: n(1, 8) },
    ]);
    // Shown as first written (0001, 0003, 0005); ties by normalised text: '<' sorts before 'l'.
    expect(report.recurringCauses).toEqual([
      { cause: 'Planning niet doorgegeven', count: 3, numbers: n(1, 4, 8) },
      { cause: SCRIPT_CAUSE, count: 2, numbers: n(5, 10) },
      { cause: 'Loonstrook te laat', count: 2, numbers: n(3, 7) },
    ]);
  });

  test('measures, blank ones left out', () => {
    expect(report.measures).toEqual([
      { number: 'KL-2026-0001', kind: 'preventive', text: 'Checklist planning' },
      { number: 'KL-2026-0004', kind: 'preventive', text: 'Wekelijkse controle planning' },
      { number: 'KL-2026-0004', kind: 'structural', text: 'Planningstool koppelen aan CRM' },
      { number: 'KL-2026-0010', kind: 'structural', text: IMG_MEASURE },
    ]);
  });

  test('case list in order of receipt with local dates', () => {
    expect(report.cases.map((c) => c.number)).toEqual(n(1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    expect(report.cases.map((c) => c.date)).toEqual([
      ...['2026-10-01', '2026-10-06', '2026-10-15', '2026-11-03', '2026-11-18'],
      ...['2026-11-30', '2026-12-09', '2026-12-23', '2026-12-24', '2026-12-31'],
    ]);
    expect(report.cases[4]).toEqual({
      number: 'KL-2026-0005',
      receivedAt: '2026-11-18T10:00:00.000Z',
      date: '2026-11-18',
      complainantType: 'other',
      category: null,
      handler: null,
      status: 'open',
      overdue: true,
    });
  });

  test('is plain JSON and does not depend on the order of the rows', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const reversed = computeReport([...input].reverse(), Q4, NOW, { timezone: ZONE });
    expect(reversed).toEqual(report);
  });
});

describe('computeReport: other periods and edge cases', () => {
  test('the year shows every month, zeros included, and counts the September case', () => {
    const year = computeReport(input, parsePeriod({ year: '2026' }, ZONE), NOW, { timezone: ZONE });
    expect(year.byMonth.map((m) => m.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 4]);
    expect(year.byMonth[0]?.month).toBe('2026-01');
    expect(year.totals.received).toBe(11);
    expect(year.repeatComplainants[0]).toEqual({ email: 'w1@x.nl', count: 4, numbers: n(2, 3, 6, 900) });
    expect(year.recurringCauses.map((c) => [c.cause, c.count])).toEqual([
      ['Loonstrook te laat', 3],
      ['Planning niet doorgegeven', 3],
      [SCRIPT_CAUSE, 2],
    ]);
    expect(year.recurringCauses[0]?.numbers).toEqual(n(3, 7, 900));
  });

  test('an empty period: zeros, and null rates and times', () => {
    const empty = computeReport([], Q4, NOW, { timezone: ZONE });
    expect(empty.totals).toEqual({ received: 0, open: 0, closed: 0, overdue: 0 });
    expect(empty.byMonth.map((m) => m.count)).toEqual([0, 0, 0]);
    expect(empty.byCategory).toEqual([]);
    expect(empty.deadlines.contact).toEqual({
      ...{ met: 0, missed: 0, decided: 0, undecided: 0, rate: null },
      ...{ measured: 0, medianHours: null, p90Hours: null },
    });
  });

  test('median of an even sample is the mean of the middle two, rounded to 0.1 h', () => {
    const rows = [
      row('0001', '2026-10-06T10:00+02:00', { c: 1.5 }),
      row('0002', '2026-10-06T10:00+02:00', { c: 100 / 60 }),
    ];
    const r = computeReport(rows, Q4, NOW, { timezone: ZONE });
    // (1.5 + 1.6667) / 2 = 1.5833 → 1.6; p90 = rank ceil(1.8) = 2 → 1.6667 → 1.7
    expect(r.deadlines.contact.medianHours).toBe(1.6);
    expect(r.deadlines.contact.p90Hours).toBe(1.7);
  });

  test('normaliseCause ignores case, spacing and end punctuation', () => {
    expect(normaliseCause('  Planning   NIET doorgegeven!! ')).toBe('planning niet doorgegeven');
    expect(normaliseCause('Loon\n te laat.')).toBe('loon te laat');
  });
});

describe('renderReportHtml', () => {
  const org = 'Uitzendbureau <Test> & Zn';
  const html = renderReportHtml(report, { organisationName: org, locale: 'nl' });
  // Look at it: REPORT_SAMPLE_OUT=/tmp/report-sample.html node --experimental-vm-modules … test/unit/report
  if (process.env.REPORT_SAMPLE_OUT) writeFileSync(process.env.REPORT_SAMPLE_OUT, html);

  test('a titled Dutch page with the key figures', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('<h1>Klachtenrapportage 2026-Q4</h1>');
    expect(html).toContain('1 oktober 2026 t/m 31 december 2026');
    expect(html).toContain('<b>10</b><span>klachten ontvangen</span>');
    expect(html).toContain('<b>77,8%</b><span>contact op tijd (7 van 9)</span>');
    expect(html).toContain('<b>66,7%</b><span>terugkoppeling op tijd (6 van 9)</span>');
    expect(html).toContain('<b>20 uur</b><span>mediaan tot contact</span>');
    expect(html).toContain('@media print');
  });

  test('an SVG per chart, each with a table of the same numbers', () => {
    // month columns, two deadline bars, category, complainant type, handler, satisfaction
    expect(html.match(/<svg /g)).toHaveLength(7);
    expect(html.match(/<title>/g)).toHaveLength(8);
    expect(html).toContain('<td>Planning</td><td class="n">4</td>');
    expect(html).toContain('<td>oktober 2026</td><td class="n">3</td>');
    expect(html).toContain('<td>Uitzendkracht</td><td class="n">3</td>');
  });

  test('escapes case text and the organisation name; no script, no external resource', () => {
    expect(html).toContain(escapeHtml(SCRIPT_CAUSE));
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; | *nieuw*');
    expect(html).toContain('Uitzendbureau &lt;Test&gt; &amp; Zn');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:/i);
    // Attributes inside tags only: escaped case text may well read "src=" as text.
    expect(html).not.toMatch(/<link|<img|<iframe|<object|<embed|url\(|@import|<[^>]*\s(src|href|on\w+)=/i);
  });

  test('the year report has its own title', () => {
    const year = computeReport(input, parsePeriod({ year: '2026' }, ZONE), NOW, { timezone: ZONE });
    const page = renderReportHtml(year, { organisationName: 'X', locale: 'nl' });
    expect(page).toContain('<h1>Jaaranalyse klachten 2026</h1>');
    expect(page).toContain('<td>september 2026</td><td class="n">1</td>');
  });

  test('an empty period still renders, with "geen gegevens" in the charts', () => {
    const page = renderReportHtml(computeReport([], Q4, NOW, { timezone: ZONE }), {
      organisationName: 'X',
      locale: 'nl',
    });
    expect(page).toContain('geen gegevens');
    expect(page).toContain('Geen klachten ontvangen in deze periode.');
  });
});

describe('renderReportMarkdown', () => {
  const md = renderReportMarkdown(report, { organisationName: 'Spijtenburg' });

  test('the key figures', () => {
    expect(md.startsWith('# Klachtenrapportage 2026-Q4\n')).toBe(true);
    expect(md).toContain('- Klachten ontvangen: **10** (open: 2, afgesloten: 8)');
    expect(md).toContain('- Open met overschreden termijn: **1**');
    expect(md).toContain('- Contact op tijd: **77,8%** (7 van 9)');
    expect(md).toContain('- Terugkoppeling op tijd: **66,7%** (6 van 9)');
    expect(md).toContain('- Tijd tot contact: mediaan 20 uur, 90e percentiel 144 uur');
    expect(md).toContain('- Tijd tot terugkoppeling: mediaan 134 uur, 90e percentiel 200 uur');
    expect(md).toContain('| Planning | 4 |');
    expect(md).toContain('| w1@x.nl | 3 | KL-2026-0002, KL-2026-0003, KL-2026-0006 |');
    expect(md).toContain('| KL-2026-0004 | Structurele oplossing | Planningstool koppelen aan CRM |');
  });

  test('escapes only what makes markup, so the text still reads as plain text', () => {
    expect(escapeMarkdown('Jansen & Zn (Utrecht) #1 &amp; _x_')).toBe('Jansen & Zn (Utrecht) #1 \\&amp; \\_x\\_');
    expect(escapeMarkdown('a\n  b\t|c')).toBe('a b \\|c');
  });

  test('escapes case text', () => {
    // No `<` that is not backslash-escaped, so no Markdown renderer sees a tag.
    expect(md).not.toMatch(/(^|[^\\])</m);
    expect(md).toContain('\\<script\\>alert("x")\\</script\\> & co');
    expect(md).toContain('| KL-2026-0010 | Structurele oplossing | \\<img src=x onerror=alert(1)\\> \\| \\*nieuw\\* |');
  });
});

describe('the report command', () => {
  // A real (temporary) SQLite register with two cases in 2026-Q4 and one in 2027, read by the command.
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-report-'));
  const configFile = path.join(dir, 'config.yaml');
  writeFileSync(configFile, `dataDir: ${JSON.stringify(path.join(dir, 'data'))}\norganisation:\n  name: Spijtenburg\n`);
  const db = openDatabase(path.join(dir, 'data'));
  const cases: [string, string][] = [
    ['KL-2026-0001', '2026-10-06T08:00:00.000Z'],
    ['KL-2026-0002', '2026-12-23T09:00:00.000Z'],
    ['KL-2027-0001', '2027-01-05T09:00:00.000Z'],
  ];
  cases.forEach(([number, receivedAt], i) =>
    insertCase(db, {
      ...{ number, year: Number(number.slice(3, 7)), seq: i + 1, needsReview: false, receivedAt },
      ...{ registeredBy: 'intake', complainantName: null, complainantEmail: 'k@x.nl', complainantType: 'client' },
      ...{ subject: 'Klacht', description: 'Omschrijving', linkedCaseId: null, procedure: 'default', locale: 'nl' },
      ...{ contactDueAt: null, feedbackDueAt: null, now: receivedAt },
    }),
  );
  db.close();

  async function run(...args: string[]): Promise<string> {
    const program = new Command()
      .addOption(new Option('-c, --config <file>'))
      .exitOverride()
      .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerReportCommand(program);
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    let out = '';
    process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    process.env.KLACHTENBUS_NOW = '2027-01-10T12:00:00+01:00';
    try {
      await program.parseAsync(['node', 'klachtenbus', '-c', configFile, 'report', ...args]);
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
      delete process.env.KLACHTENBUS_NOW;
    }
    return out;
  }

  test('--format json prints the figures of the period only', async () => {
    const data = JSON.parse(await run('--quarter', '2026-Q4', '--format', 'json')) as ReturnType<typeof computeReport>;
    expect(data.period.label).toBe('2026-Q4');
    expect(data.generatedAt).toBe('2027-01-10T11:00:00.000Z');
    expect(data.cases.map((c) => c.number)).toEqual(['KL-2026-0001', 'KL-2026-0002']);
    expect(data.repeatComplainants).toEqual([{ email: 'k@x.nl', count: 2, numbers: ['KL-2026-0001', 'KL-2026-0002'] }]);
  });

  test('HTML by default; --out writes a file', async () => {
    expect(await run('--year', '2027')).toContain('<h1>Jaaranalyse klachten 2027</h1>');
    const file = path.join(dir, 'q4.md');
    expect(await run('--quarter', '2026-Q4', '--format', 'md', '--out', file)).toBe('');
    expect(readFileSync(file, 'utf8')).toContain('Spijtenburg · 1 oktober 2026 t/m 31 december 2026');
  });

  test('a bad period is a usage error', async () => {
    await expect(run('--quarter', '2026-Q5')).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(run()).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(run('--quarter', '2026-Q4', '--year', '2026')).rejects.toMatchObject({
      code: 'commander.conflictingOption',
    });
  });
});
