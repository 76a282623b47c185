/**
 * Fault 2: Redis killed and restarted EMPTY while reminders (delayed jobs) and outgoing mails
 * (acknowledgements and manager notices held back by an SMTP server answering 4xx) are pending.
 * Everything is rebuilt from SQLite and goes out exactly once.
 *
 * The worker's clock (KLACHTENBUS_NOW) starts shortly before 08:30 on the day contact is due for
 * complaints received two working days earlier, so the contact reminders fall due during the test.
 * A private stack: restarting the shared Redis would disturb the tests running beside this one.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { setSmtpMode, startMailStack, type Stack } from '../../../scripts/mailstack.mjs';
import { captured, complaint, outboxRows, privateBox, report, sized, summarise } from '../../support/faults.js';
import { appendMail, waitFor } from '../../support/mailstack.js';
import { WorkerProcess, writeTestConfig } from '../../support/worker.js';

const N = sized(6, 40);
const TEAM = 'team@studijob.test';
const MANAGER = 'manager@studijob.test';
// Received Tue 3 Nov 2026 10:00 Amsterdam: contact due Thu 5 Nov 10:00, reminder Thu 08:30.
const RECEIVED = new Date('2026-11-03T10:00:00+01:00');
const REMINDER_AT = Date.parse('2026-11-05T08:30:00+01:00');

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

async function delayedDeadlineJobs(config: string): Promise<string[]> {
  const prefix = (parse(readFileSync(config, 'utf8')) as { redis: { prefix: string } }).redis.prefix;
  const connection = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('klachtenbus-deadlines', { connection, prefix });
  try {
    return (await queue.getJobs(['delayed', 'waiting'])).map((j) => j.id!);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

test(
  `Redis restarted empty with ${N} reminders and ${2 * N} mails pending: all rebuilt from SQLite, each sent once`,
  async () => {
    const box = privateBox(stack, 'redis');
    const config = writeTestConfig(
      box.imapUrl,
      {
        staff: { domains: ['studijob.test'], members: [{ name: 'Manager', email: MANAGER, role: 'manager' }] },
        deadlines: { team: [TEAM], reconcileIntervalSeconds: 1 },
      },
      { smtpPort: stack.smtp.port, redisUrl: stack.redis.url },
    );
    setSmtpMode(stack.dir, 'reject-4xx', 1_000_000);
    // The clock starts early enough for the intake below to finish before the reminders fall due.
    worker = new WorkerProcess(config, {
      KLACHTENBUS_NOW: new Date(REMINDER_AT - sized(15_000, 45_000)).toISOString(),
    });
    await worker.waitIdle();
    const ids: string[] = [];
    for (let i = 1; i <= N; i++) {
      ids.push(`redis.${i}.${box.user}@klant.test`);
      await appendMail(
        box,
        complaint({ from: `klant${i}@klant.test`, subject: `Klacht ${i}`, messageId: ids[i - 1]! }),
        {
          internalDate: RECEIVED,
        },
      );
    }
    // Pending: every acknowledgement and notice tried and refused (4xx); every reminder a delayed job.
    await waitFor(
      () => {
        // (retries keep going, so some row may be 'sending' at any moment; none may be sent)
        const rows = outboxRows(config).filter((r) => r.kind !== 'reminder');
        return rows.length === 2 * N && rows.every((r) => r.attempts >= 1 && r.status !== 'sent');
      },
      { timeoutMs: sized(30_000, 60_000), intervalMs: 250, message: 'acknowledgements and notices pending' },
    );
    // (On a slow machine a reminder may already have fallen due: then it is a pending outbox row.)
    await waitFor(
      async () =>
        (await delayedDeadlineJobs(config)).filter((id) => id.includes('.contact.reminder.')).length +
          outboxRows(config).filter((r) => r.kind === 'reminder').length ===
        N,
      { timeoutMs: 30_000, intervalMs: 250, message: 'reminder jobs queued' },
    );

    // What Redis loses: the reminders still waiting as delayed jobs, and the mails' send jobs.
    const delayedAtRestart = (await delayedDeadlineJobs(config)).filter((id) =>
      id.includes('.contact.reminder.'),
    ).length;
    await stack.stopRedis();
    await stack.startRedis(); // same port, no persistence: empty
    setSmtpMode(stack.dir, 'accept');

    const settled = await waitFor(
      () => {
        const rows = outboxRows(config);
        const reminders = rows.filter((r) => r.kind === 'reminder');
        return reminders.length === N && rows.every((r) => r.status === 'sent') ? rows : null;
      },
      {
        timeoutMs: sized(90_000, 180_000),
        intervalMs: 500,
        message: 'every mail and reminder sent after Redis came back',
      },
    );
    await worker.stop(); // graceful: nothing in flight when the capture is counted

    const copies = new Map<string, number>();
    for (const m of captured(stack.captureDir))
      if (m.messageId) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    const s = summarise(config, ids, stack.captureDir);
    const reminders = settled.filter((r) => r.kind === 'reminder');
    const remindersTwice = reminders.filter((r) => (copies.get(r.messageId) ?? 0) > 1).length;
    report('redis-restarted-empty', s, {
      'reminders-sent': reminders.filter((r) => copies.get(r.messageId) === 1).length,
      'reminders-duplicated': remindersTwice,
      'notices-sent': settled.filter((r) => r.kind === 'manager-notice' && copies.has(r.messageId)).length,
      'reminder-jobs-lost-in-restart': delayedAtRestart,
    });
    expect(s).toMatchObject({ mailsIn: N, cases: N, lost: 0, duplicated: 0, acksSent: N, acksDuplicated: 0 });
    expect(settled.filter((r) => r.kind === 'acknowledgement')).toHaveLength(N);
    expect(settled.filter((r) => r.kind === 'manager-notice')).toHaveLength(N);
    expect(reminders.every((r) => r.to.includes(TEAM))).toBe(true);
    // Each row of the outbox reached the SMTP server exactly once, and nothing else did.
    for (const r of settled) expect([r.kind, r.messageId, copies.get(r.messageId)]).toEqual([r.kind, r.messageId, 1]);
    expect([...copies.values()].reduce((a, b) => a + b, 0)).toBe(settled.length);
  },
  sized(150_000, 300_000),
);
