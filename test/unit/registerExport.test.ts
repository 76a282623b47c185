import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { REGISTER_COLUMNS, registerCsv } from '../../src/adapters/export/registerCsv.js';
import { DATE_FORMAT, REGISTER_SHEET, writeRegisterXlsx } from '../../src/adapters/export/registerXlsx.js';
import type { RegisterRow } from '../../src/usecases/registerRows.js';

const TZ = 'Europe/Amsterdam';

function row(over: Partial<RegisterRow> = {}): RegisterRow {
  return {
    number: 'KL-2026-0001',
    status: 'open',
    receivedAt: '2026-11-24T09:00:00.000Z',
    registeredBy: 'intake',
    complainantName: 'Petra de Vries',
    complainantEmail: 'p.devries@bouwbedrijf-devries.test',
    complainantType: 'client',
    customerName: 'Bouwbedrijf De Vries',
    subject: 'Klacht over factuur',
    description: 'De factuur klopt niet.',
    peopleInvolved: null,
    handler: 'Debby',
    category: null,
    procedure: 'default',
    contactDueAt: '2026-11-26T09:00:00.000Z',
    contactAt: '2026-11-25T13:30:00.000Z',
    contactMet: true,
    feedbackDueAt: '2026-12-01T09:00:00.000Z',
    feedbackAt: null,
    feedbackMet: null,
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
    ...over,
  };
}

const tricky = 'Eerste regel; met "aanhalingstekens"\nen een tweede regel';

async function readBack(file: string): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  const ws = wb.getWorksheet(REGISTER_SHEET);
  if (!ws) throw new Error('sheet missing');
  return ws;
}

const col = (header: string): number => REGISTER_COLUMNS.findIndex((c) => c.header === header) + 1;

describe('register export: xlsx', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-export-'));

  test('headers, local date cells, ja/nee, frozen header, filter, and awkward text survive', async () => {
    const file = path.join(dir, 'register.xlsx');
    await writeRegisterXlsx(
      [
        row(),
        row({
          number: 'KL-2026-0002',
          status: 'closed',
          // Summer time: 14:15 UTC is 16:15 in Amsterdam.
          receivedAt: '2026-07-01T14:15:00.000Z',
          description: tricky,
          contactMet: false,
          feedbackMet: true,
          complainantType: 'temp-worker',
          satisfaction: 'not-satisfied',
          closedAt: '2026-07-03T08:00:00.000Z',
          overdue: true,
        }),
      ],
      file,
      { timezone: TZ },
    );
    const ws = await readBack(file);

    expect(ws.rowCount).toBe(3);
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(REGISTER_COLUMNS.map((c) => c.header));
    expect(headers).toHaveLength(36);
    expect(headers.slice(0, 3)).toEqual(['Nummer', 'Status', 'Datum ontvangst']);
    expect(headers.at(-1)).toBe('Te laat');
    expect(ws.getRow(1).getCell(1).font?.bold).toBe(true);

    // 2026-11-24T09:00Z is 10:00 in Amsterdam (winter time): the cell shows 24-11-2026 10:00.
    const received = ws.getRow(2).getCell(col('Datum ontvangst'));
    expect(received.value).toBeInstanceOf(Date);
    expect((received.value as Date).toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(received.numFmt).toBe(DATE_FORMAT);
    expect((ws.getRow(2).getCell(col('Contact op')).value as Date).toISOString()).toBe('2026-11-25T14:30:00.000Z');
    expect((ws.getRow(3).getCell(col('Datum ontvangst')).value as Date).toISOString()).toBe('2026-07-01T16:15:00.000Z');

    const r2 = ws.getRow(2);
    const r3 = ws.getRow(3);
    expect(r2.getCell(col('Contact op tijd')).value).toBe('ja');
    expect(r2.getCell(col('Terugkoppeling op tijd')).value).toBeNull();
    expect(r2.getCell(col('Terugkoppeling op')).value).toBeNull();
    expect(r2.getCell(col('Te laat')).value).toBe('nee');
    expect(r2.getCell(col('Type klager')).value).toBe('opdrachtgever');
    expect(r2.getCell(col('Status')).value).toBe('open');
    expect(r3.getCell(col('Contact op tijd')).value).toBe('nee');
    expect(r3.getCell(col('Terugkoppeling op tijd')).value).toBe('ja');
    expect(r3.getCell(col('Te laat')).value).toBe('ja');
    expect(r3.getCell(col('Type klager')).value).toBe('uitzendkracht');
    expect(r3.getCell(col('Tevredenheid')).value).toBe('niet tevreden');
    expect(r3.getCell(col('Status')).value).toBe('gesloten');
    expect(r3.getCell(col('Korte omschrijving')).value).toBe(tricky);
    expect(r3.getCell(col('Korte omschrijving')).alignment?.wrapText).toBe(true);

    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBe('A1:AJ3');
    expect(ws.getColumn(col('Korte omschrijving')).width).toBe(60);
  });

  test('dates around the summer-time changes show the local wall clock', async () => {
    const file = path.join(dir, 'dst.xlsx');
    const moments = [
      ['2026-03-29T00:59:00.000Z', '2026-03-29T01:59:00.000Z'], // last minute of winter time
      ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00:00.000Z'], // 02:00 skipped
      ['2026-10-25T00:30:00.000Z', '2026-10-25T02:30:00.000Z'], // 02:30 summer time
      ['2026-10-25T01:30:00.000Z', '2026-10-25T02:30:00.000Z'], // 02:30 again, winter time
    ] as const;
    await writeRegisterXlsx(
      moments.map(([utc]) => row({ receivedAt: utc })),
      file,
      { timezone: TZ },
    );
    const ws = await readBack(file);
    moments.forEach(([, local], i) => {
      expect((ws.getRow(i + 2).getCell(col('Datum ontvangst')).value as Date).toISOString()).toBe(local);
    });
  });

  test('control characters a mail may carry do not corrupt the workbook', async () => {
    const file = path.join(dir, 'control.xlsx');
    await writeRegisterXlsx([row({ description: 'a\u0000b\u0007c\td' })], file, { timezone: TZ });
    const ws = await readBack(file);
    expect(ws.getRow(2).getCell(col('Korte omschrijving')).value).toBe('abc\td');
  });

  test('2,000 rows write and read back: no cap', async () => {
    const file = path.join(dir, 'many.xlsx');
    const rows = Array.from({ length: 2000 }, (_, i) =>
      row({ number: `KL-2026-${String(i + 1).padStart(4, '0')}`, subject: `Klacht ${i + 1}` }),
    );
    await writeRegisterXlsx(rows, file, { timezone: TZ });
    const ws = await readBack(file);
    expect(ws.rowCount).toBe(2001);
    expect(ws.getRow(2001).getCell(1).value).toBe('KL-2026-2000');
    expect(ws.getRow(2001).getCell(col('Onderwerp')).value).toBe('Klacht 2000');
    expect(ws.autoFilter).toBe('A1:AJ2001');
  });

  test('an empty register is a header row only', async () => {
    const file = path.join(dir, 'empty.xlsx');
    await writeRegisterXlsx([], file, { timezone: TZ });
    const ws = await readBack(file);
    expect(ws.rowCount).toBe(1);
    expect(ws.getRow(1).getCell(1).value).toBe('Nummer');
  });
});

describe('register export: csv', () => {
  test('BOM, semicolons, CRLF, Dutch local dates, RFC 4180 quoting', () => {
    const csv = registerCsv([row(), row({ number: 'KL-2026-0002', description: tricky, contactMet: null })], {
      timezone: TZ,
    });
    expect(csv.startsWith('\uFEFFNummer;Status;Datum ontvangst;Geregistreerd door;')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    // Split on CRLF only: the LF inside the quoted description is part of the field.
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]?.split(';')).toEqual(REGISTER_COLUMNS.map((c) => c.header));
    const first = lines[1]?.split(';') ?? [];
    expect(first).toHaveLength(36);
    expect(first[col('Datum ontvangst') - 1]).toBe('24-11-2026 10:00');
    expect(first[col('Contact op') - 1]).toBe('25-11-2026 14:30');
    expect(first[col('Contact op tijd') - 1]).toBe('ja');
    expect(first[col('Terugkoppeling op') - 1]).toBe('');
    expect(first[col('Type klager') - 1]).toBe('opdrachtgever');
    expect(lines[2]).toContain(';"Eerste regel; met ""aanhalingstekens""\nen een tweede regel";');
    expect(lines[3]).toBe('');
  });

  test('text that Excel would run as a formula is defused', () => {
    const csv = registerCsv([row({ subject: '=HYPERLINK("http://x.test")', description: '-1+2' })], { timezone: TZ });
    expect(csv).toContain(`;"'=HYPERLINK(""http://x.test"")";'-1+2;`);
  });

  test('an empty register is the header line', () => {
    expect(registerCsv([], { timezone: TZ }).split('\r\n')).toHaveLength(2);
  });
});
