/**
 * Fault 4: the SMTP server down for a while (connection refused), long enough that every mail
 * used up its queue attempts and was queued again by the reconciler, then back. Every pending
 * mail is delivered, none twice.
 */
import { startMailStack, type Stack } from '../../../scripts/mailstack.mjs';
import { captured, complaint, outboxRows, privateBox, report, sized, summarise } from '../../support/faults.js';
import { appendMail, waitFor } from '../../support/mailstack.js';
import { WorkerProcess, writeTestConfig } from '../../support/worker.js';

const N = sized(10, 100);
const ATTEMPTS = 3; // writeTestConfig's mail.attempts

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

test(
  `SMTP down while ${N} complaints come in: all ${2 * N} mails delivered once when it is back`,
  async () => {
    const box = privateBox(stack, 'smtp');
    const config = writeTestConfig(
      box.imapUrl,
      {
        staff: {
          domains: ['studijob.test'],
          members: [{ name: 'Manager', email: 'manager@studijob.test', role: 'manager' }],
        },
      },
      { smtpPort: stack.smtp.port, redisUrl: stack.redis.url },
    );
    await stack.stopSmtp();
    worker = new WorkerProcess(config);
    await worker.waitIdle();
    const ids: string[] = [];
    for (let i = 1; i <= N; i++) {
      ids.push(`smtp.${i}.${box.user}@klant.test`);
      await appendMail(
        box,
        complaint({ from: `klant${i}@klant.test`, subject: `Klacht ${i}`, messageId: ids[i - 1]! }),
      );
    }
    // Down for longer than the queue's own retries: each row tried more often than `attempts`, so
    // the reconciler must have queued it again.
    await waitFor(
      () => {
        const rows = outboxRows(config);
        return rows.length === 2 * N && rows.every((r) => r.status === 'pending');
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'every mail pending' },
    );
    await waitFor(() => outboxRows(config).every((r) => r.attempts > ATTEMPTS), {
      timeoutMs: 60_000,
      intervalMs: 250,
      message: `every mail tried more than ${ATTEMPTS} times`,
    });
    expect(captured(stack.captureDir)).toHaveLength(0);
    await stack.startSmtp();

    const rows = await waitFor(
      () => {
        const r = outboxRows(config);
        return r.every((x) => x.status === 'sent') ? r : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'every mail sent after the outage' },
    );
    await worker.stop();
    const copies = new Map<string, number>();
    for (const m of captured(stack.captureDir))
      if (m.messageId) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    const s = summarise(config, ids, stack.captureDir);
    report('smtp-down', s, {
      'mails-sent': rows.filter((r) => copies.get(r.messageId) === 1).length,
      'attempts-min': Math.min(...rows.map((r) => r.attempts)),
    });
    expect(s).toMatchObject({
      mailsIn: N,
      cases: N,
      lost: 0,
      duplicated: 0,
      acksSent: N,
      acksDuplicated: 0,
      acksAmbiguous: 0,
    });
    expect(rows).toHaveLength(2 * N);
    for (const r of rows) expect([r.messageId, copies.get(r.messageId)]).toEqual([r.messageId, 1]);
    expect([...copies.values()].reduce((a, b) => a + b, 0)).toBe(2 * N);
  },
  sized(150_000, 300_000),
);
