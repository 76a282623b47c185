/**
 * A complaints officer runs a complaint from registration to closing with the CLI alone, recording
 * everything both seed procedures ask; the register export and the quarterly report show it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { cli } from '../support/worker.js';

test('registration to closing with the CLI alone; the export and the report show it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-life-'));
  const config = path.join(dir, 'config.yaml');
  writeFileSync(
    config,
    ['complaintsAddress: klachten@spijtenburg.test', 'procedure: spijtenburg', 'dataDir: ./data'].join('\n'),
  );
  const env = { KLACHTENBUS_NOW: '2026-11-25T15:00:00+01:00', KLACHTENBUS_USER: 'Ilse (klachtenfunctionaris)' };
  const run = (...args: string[]) => {
    const r = cli(['--config', config, ...args], env);
    if (r.code !== 0) throw new Error(`klachtenbus ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  run(
    'cases',
    'register',
    '--from',
    'p.devries@bouw.test',
    '--name',
    'Petra de Vries',
    '--type',
    'client',
    '--description',
    'De uitzendkracht kwam twee dagen te laat',
    '--received',
    '2026-11-24T10:00',
    '--by',
    'Jan (receptie)',
  );
  run(
    'cases',
    'set',
    'KL-2026-0001',
    '--customer',
    'Bouwbedrijf De Vries',
    '--people',
    'Kees (uitzendkracht)',
    '--category',
    'werkwijze',
    '--handler',
    'Ilse',
  );
  run('cases', 'contact', 'KL-2026-0001', '--by', 'Ilse', '--note', 'Gebeld, excuses aangeboden');
  // Not closable yet: Spijtenburg asks for the solution, the discussion, the cause and the measures.
  const early = cli(['--config', config, 'cases', 'close', 'KL-2026-0001', '--satisfied', 'yes'], env);
  expect(early.code).toBe(2);
  for (const what of ['the solution', 'the discussion with the employee', 'the cause', 'the measures'])
    expect(early.stderr).toContain(what);
  run('cases', 'feedback', 'KL-2026-0001', '--by', 'Ilse', '--solution', 'Vervangende uitzendkracht vanaf maandag');
  run(
    'cases',
    'discussed',
    'KL-2026-0001',
    '--with',
    'Kees',
    '--at',
    '2026-11-25T11:00',
    '--note',
    'Afspraken over tijden',
  );
  run(
    'cases',
    'set',
    'KL-2026-0001',
    '--cause',
    'Planning niet doorgegeven',
    '--control-measures',
    'Planning dubbel gecontroleerd',
    '--preventive-measures',
    'Planning wekelijks bevestigen',
    '--internal-communication',
    'Teamoverleg',
    '--internal-communication-at',
    '2026-11-30T09:00',
  );
  run('cases', 'note', 'KL-2026-0001', 'Klant belde tevreden terug');
  run('cases', 'close', 'KL-2026-0001', '--satisfied', 'yes');

  const c = JSON.parse(run('cases', 'show', 'KL-2026-0001', '--json'));
  expect(c).toMatchObject({
    status: 'closed',
    satisfaction: 'satisfied',
    closedBy: 'Ilse (klachtenfunctionaris)',
    registeredBy: 'Jan (receptie)',
    customerName: 'Bouwbedrijf De Vries',
    peopleInvolved: 'Kees (uitzendkracht)',
    category: 'werkwijze',
    complainant: { type: 'client', name: 'Petra de Vries' },
    deadlines: { contact: '2026-11-26T09:00:00.000Z' },
    milestones: { contact: { by: 'Ilse' }, solution: { text: 'Vervangende uitzendkracht vanaf maandag' } },
    handling: {
      cause: 'Planning niet doorgegeven',
      discussedWithEmployee: { with: 'Kees', at: '2026-11-25T10:00:00.000Z', note: 'Afspraken over tijden' },
      internalCommunication: { how: 'Teamoverleg', at: '2026-11-30T08:00:00.000Z' },
    },
  });
  const types = (c.timeline as Array<{ type: string }>).map((e) => e.type);
  for (const t of [
    'case.registered',
    'case.field-set',
    'milestone.contact',
    'milestone.feedback',
    'milestone.discussed',
    'case.note',
    'case.closed',
  ])
    expect(types).toContain(t);

  // The register, opened back with a spreadsheet library.
  const xlsx = path.join(dir, 'register.xlsx');
  run('export', '--from', '2026-10-01', '--to', '2026-12-31', '--format', 'xlsx', '--out', xlsx);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(xlsx);
  const sheet = book.worksheets[0]!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  const row = (sheet.getRow(2).values as unknown[]).slice(1);
  const cell = (name: string) => row[header.indexOf(name)];
  expect(cell('Nummer')).toBe('KL-2026-0001');
  expect(cell('Klant')).toBe('Bouwbedrijf De Vries');
  expect(cell('Oorzaak')).toBe('Planning niet doorgegeven');
  expect(cell('Contact op tijd')).toBe('ja');
  expect(cell('Datum ontvangst')).toEqual(new Date('2026-11-24T10:00:00Z')); // Amsterdam wall clock as Excel shows it

  const report = JSON.parse(run('report', '--quarter', '2026-Q4', '--format', 'json'));
  expect(report.totals).toMatchObject({ received: 1, closed: 1, open: 0 });
  expect(report.deadlines.contact).toMatchObject({ met: 1, decided: 1 });
  expect(report.satisfaction).toMatchObject({ satisfied: 1 });
});
