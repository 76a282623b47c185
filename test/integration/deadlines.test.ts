/**
 * Reminders and escalations with real Redis and SMTP and a controllable clock (KLACHTENBUS_NOW):
 * no sleeping for days. A case received Tue 3 Nov 2026 10:00 (Amsterdam) must be contacted by
 * Thu 5 Nov 10:00: reminder Thu 08:30, manager escalation Thu 10:00, director Mon 9 Nov 10:00.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { capturedMails, newMailbox, testStack, waitFor } from '../support/mailstack.js';
import { cli, cliJson, deadlineJobIds, redisPrefix, WorkerProcess, writeTestConfig } from '../support/worker.js';

interface OutboxJson {
  kind: string;
  caseNumber: string | null;
  to: string[];
  status: string;
  subject: string;
}

const workers: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

function setup() {
  const tag = randomBytes(4).toString('hex');
  const people = {
    team: `team.${tag}@studijob.test`,
    manager: `manager.${tag}@studijob.test`,
    director: `director.${tag}@studijob.test`,
  };
  const box = newMailbox('deadline');
  {
    const config = writeTestConfig(box.imapUrl, {
      staff: {
        domains: ['studijob.test'],
        members: [
          { name: 'Manager', email: people.manager, role: 'manager' },
          { name: 'Directeur', email: people.director, role: 'director' },
        ],
      },
      deadlines: { team: [people.team], reconcileIntervalSeconds: 1 },
      mail: { managerNotice: { enabled: false } },
    });
    const reg = cli([
      '--config',
      config,
      'cases',
      'register',
      '--name',
      'Petra',
      '--from',
      `petra.${tag}@klant.test`,
      '--description',
      'Uitzendkracht kwam niet opdagen',
      '--received',
      '2026-11-03T10:00',
      '--by',
      'Jan',
      '--json',
    ]);
    if (reg.code !== 0) throw new Error(reg.stderr);
    return { config, people, number: (JSON.parse(reg.stdout) as { number: string }).number };
  }
}

function startAt(config: string, amsterdam: string): WorkerProcess {
  const w = new WorkerProcess(config, { KLACHTENBUS_NOW: new Date(amsterdam).toISOString() });
  workers.push(w);
  return w;
}

const outbox = (config: string) => cliJson<OutboxJson[]>(config, ['outbox', 'list']);
const sentTo = (config: string, address: string) =>
  outbox(config).filter((o) => o.status === 'sent' && o.to.includes(address));

test('calendar due gives the deadlines of the worked examples', () => {
  const due = (received: string) =>
    cliJson<Record<string, string>>('/dev/null', ['calendar', 'due', '--received', received]);
  expect(due('2026-11-24T10:00').contact).toBe('2026-11-26T10:00:00+01:00');
  expect(due('2026-11-27T16:00').contact).toBe('2026-12-01T16:00:00+01:00');
  expect(due('2026-11-28T11:00').contact).toBe('2026-12-02T08:30:00+01:00');
  expect(due('2026-11-24T10:00').feedback).toBe('2026-12-01T10:00:00+01:00');
});

test('the reminder fires at 08:30 on the due day; recording contact cancels the escalations', async () => {
  const { config, people, number } = setup();
  startAt(config, '2026-11-05T08:29:57+01:00');
  await waitFor(() => sentTo(config, people.team).length === 1, { timeoutMs: 20000, message: 'reminder sent' });
  const [reminder] = sentTo(config, people.team);
  expect(reminder).toMatchObject({ kind: 'reminder', caseNumber: number });
  expect(reminder!.subject).toContain('contact opnemen met de klant');
  expect(capturedMails().filter((m) => m.envelope.rcptTo.includes(people.team))).toHaveLength(1);
  const before = await deadlineJobIds(config);
  expect(before.some((id) => id.includes('.contact.escalation-manager.'))).toBe(true);

  const thursday = { KLACHTENBUS_NOW: '2026-11-05T08:45:00+01:00' };
  expect(cli(['--config', config, 'cases', 'contact', number, '--by', 'Jan', '--note', 'gebeld'], thursday).code).toBe(
    0,
  );
  const after = await deadlineJobIds(config);
  expect(after.filter((id) => id.includes('.contact.'))).toEqual([]);
  expect(after.some((id) => id.includes('.feedback.'))).toBe(true); // feedback is still due
  expect(cliJson<Array<{ number: string }>>(config, ['cases', 'list', '--overdue'], thursday)).toEqual([]);
  // A week later the feedback is overdue (no feedback recorded).
  const later = { KLACHTENBUS_NOW: '2026-11-10T11:00:00+01:00' };
  expect(
    cliJson<Array<{ number: string }>>(config, ['cases', 'list', '--overdue'], later).map((c) => c.number),
  ).toEqual([number]);
});

test('escalation chain: the manager when the deadline passes, the director two working days later, each once', async () => {
  const { config, people } = setup();
  const first = startAt(config, '2026-11-05T09:59:57+01:00');
  // At start the 08:30 reminder is already due (sent at once), the 10:00 escalation in 3 s.
  await waitFor(() => sentTo(config, people.manager).length === 1, { timeoutMs: 20000, message: 'manager escalation' });
  expect(sentTo(config, people.team)).toHaveLength(1);
  expect(sentTo(config, people.manager)[0]!.subject).toMatch(/Termijn verstreken/);
  expect(
    cliJson<unknown[]>(config, ['cases', 'list', '--overdue'], { KLACHTENBUS_NOW: '2026-11-05T10:01:00+01:00' }),
  ).toHaveLength(1);
  await first.kill();

  // Monday 9 November 09:59:57: the director's turn. A worker killed between schedule and fire and
  // started again sends it once.
  const second = startAt(config, '2026-11-09T09:59:50+01:00');
  await second.waitIdle();
  await second.kill();
  startAt(config, '2026-11-09T09:59:57+01:00');
  await waitFor(() => sentTo(config, people.director).length === 1, {
    timeoutMs: 20000,
    message: 'director escalation',
  });
  await new Promise((r) => setTimeout(r, 1500)); // another reconcile pass: nothing more
  expect(sentTo(config, people.director)).toHaveLength(1);
  expect(sentTo(config, people.manager)).toHaveLength(1);
  expect(sentTo(config, people.team)).toHaveLength(1);
});

test('Redis flushed between schedule and fire: the reconciler puts the job back and it fires once', async () => {
  const { config, people } = setup();
  const w = startAt(config, '2026-11-05T08:29:52+01:00');
  await w.waitIdle();
  await waitFor(async () => (await deadlineJobIds(config)).some((id) => id.includes('.contact.reminder.')), {
    message: 'reminder scheduled',
  });
  const redis = new Redis(testStack().redis.url);
  const prefix = redisPrefix(config);
  // Only this test's keys: other tests share this Redis.
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  expect(await deadlineJobIds(config)).toEqual([]);
  await waitFor(() => sentTo(config, people.team).length === 1, { timeoutMs: 25000, message: 'reminder after flush' });
  expect(capturedMails().filter((m) => m.envelope.rcptTo.includes(people.team))).toHaveLength(1);
});
