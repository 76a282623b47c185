/**
 * The quarterly report and the yearly analysis go to the directie on the first working day after
 * the period (Mon 4 Jan 2027: New Year is a holiday), once, even when the worker restarts at the
 * boundary. Real Redis (the repeatable job), real SMTP, a controllable clock.
 */
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { capturedMails, newMailbox, waitFor } from '../support/mailstack.js';
import { cli, cliJson, WorkerProcess, writeTestConfig } from '../support/worker.js';

const workers: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

test('sent once for the quarter and once for the year, across a restart at the boundary', async () => {
  const director = `directie.${randomBytes(4).toString('hex')}@studijob.test`;
  const box = newMailbox('reports');
  const config = writeTestConfig(box.imapUrl, {
    organisation: { name: 'StudiJob' },
    staff: { domains: ['studijob.test'], members: [{ name: 'Mariska', email: director, role: 'director' }] },
    reports: { checkIntervalSeconds: 1 },
    mail: { managerNotice: { enabled: false } },
  });
  for (const [i, when] of ['2026-10-05T10:00', '2026-11-10T14:00', '2026-12-21T09:00'].entries()) {
    const r = cli(
      [
        '--config',
        config,
        'cases',
        'register',
        '--name',
        `Klant ${i}`,
        '--description',
        `Klacht ${i}`,
        '--received',
        when,
        '--by',
        'Jan',
      ],
      { KLACHTENBUS_NOW: '2026-12-31T12:00:00+01:00' },
    );
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
  }
  const start = (at: string) => {
    const w = new WorkerProcess(config, { KLACHTENBUS_NOW: at });
    workers.push(w);
    return w;
  };
  const reports = () =>
    cliJson<Array<{ kind: string; status: string; subject: string }>>(config, ['outbox', 'list']).filter(
      (o) => o.kind === 'report',
    );

  // Friday 1 January 2027 is New Year's Day: nothing yet.
  const holiday = start('2027-01-01T10:00:00+01:00');
  await holiday.waitIdle();
  await new Promise((r) => setTimeout(r, 2500)); // a couple of scheduler ticks
  expect(reports()).toEqual([]);
  await holiday.kill();

  // Monday 4 January: a worker runs until just before opening and stops; the next one starts at
  // the boundary and sends the reports; a third one after that sends nothing more.
  const early = start('2027-01-04T08:29:40+01:00');
  await early.waitIdle();
  expect(reports()).toEqual([]);
  await early.kill();
  const boundary = start('2027-01-04T08:29:58+01:00');
  await waitFor(() => reports().length === 2 && reports().every((r) => r.status === 'sent'), {
    timeoutMs: 30000,
    message: 'reports sent',
  });
  await boundary.kill();
  const after = start('2027-01-04T08:31:00+01:00');
  await after.waitIdle();
  await new Promise((r) => setTimeout(r, 2500)); // a couple of scheduler ticks
  expect(reports().map((r) => r.subject)).toEqual([
    'Klachtenrapportage 2026-Q4 — StudiJob',
    'Jaaranalyse klachten 2026 — StudiJob',
  ]);
  // The director also gets escalations (these cases' deadlines passed long ago): only the reports here.
  const ids = cliJson<Array<{ kind: string; messageId: string }>>(config, ['outbox', 'list'])
    .filter((o) => o.kind === 'report')
    .map((o) => o.messageId);
  const got = capturedMails().filter(
    (m) => m.envelope.rcptTo.includes(director) && ids.some((id) => m.raw.includes(id)),
  );
  expect(got).toHaveLength(2);
  const q4 = await simpleParser(got.find((m) => m.raw.includes('2026-Q4'))!.raw);
  expect(q4.html).toContain('<svg');
  expect(q4.text).toContain('3'); // three complaints in the quarter
});
