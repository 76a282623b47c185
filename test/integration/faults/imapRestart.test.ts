/**
 * Fault 3: Dovecot stopped while the worker idles, mail delivered into the Maildir while it is
 * down (as the MTA's delivery agent would), then started again. The worker retries with an
 * exponential backoff while the server is away, reconnects, and ingests every mail.
 *
 * Short: one outage, 20 mails. Full: three outages, 70 mails each.
 */
import { startMailStack, type Stack } from '../../../scripts/mailstack.mjs';
import {
  complaint,
  deliverToMaildir,
  outboxRows,
  privateBox,
  report,
  sized,
  summarise,
  withDb,
} from '../../support/faults.js';
import { listMessages, waitFor } from '../../support/mailstack.js';
import { WorkerProcess, writeTestConfig } from '../../support/worker.js';

const ROUNDS = sized(1, 3);
const PER_ROUND = sized(20, 70);
const MAX_DELAY_MS = 1000; // writeTestConfig's imap.reconnect.maxDelayMs

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
  `Dovecot down ${ROUNDS}x while ${PER_ROUND} mails arrive each time: reconnects with backoff, ingests all`,
  async () => {
    const box = privateBox(stack, 'restart');
    const config = writeTestConfig(box.imapUrl, {}, { smtpPort: stack.smtp.port, redisUrl: stack.redis.url });
    worker = new WorkerProcess(config);
    const w = worker;
    await w.waitIdle();
    const ids: string[] = [];
    const outages: number[][] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const waitsBefore = w.count('imap.reconnect.wait');
      const connectedBefore = w.count('imap.connected');
      await stack.stopImap();
      // Several failed attempts while the server is away, then the mail arrives.
      await w.waitForLog(
        (logs) => logs.filter((l) => l.event === 'imap.reconnect.wait').length >= waitsBefore + 5,
        30_000,
      );
      const raws: Buffer[] = [];
      for (let i = 1; i <= PER_ROUND; i++) {
        const id = `down.${round}.${i}.${box.user}@klant.test`;
        ids.push(id);
        raws.push(
          complaint({
            from: `klant${round}.${i}@klant.test`,
            subject: `Klacht ${round}.${i}`,
            messageId: id,
            crlf: false,
          }),
        );
      }
      deliverToMaildir(stack, box, raws);
      await stack.startImap();
      await w.waitForLog((logs) => logs.filter((l) => l.event === 'imap.connected').length > connectedBefore, 30_000);
      outages.push(
        w.logs
          .filter((l) => l.event === 'imap.reconnect.wait')
          .slice(waitsBefore, w.count('imap.reconnect.wait'))
          .map((l) => l.delayMs as number),
      );
      await waitFor(
        () => withDb(config, (db) => db.prepare(`SELECT COUNT(*) FROM messages`).pluck().get() === ids.length),
        {
          timeoutMs: 30_000,
          intervalMs: 250,
          message: `round ${round}: every mail delivered while Dovecot was down is stored`,
        },
      );
    }
    await waitFor(() => outboxRows(config).every((r) => r.status === 'sent'), {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: 'acknowledgements sent',
    });
    await waitFor(async () => (await listMessages(box)).length === 0, { timeoutMs: 15_000, message: 'INBOX empty' });
    await w.stop();

    const s = summarise(config, ids, stack.captureDir);
    report('dovecot-restart', s, { outages: ROUNDS, 'reconnect-delays-ms': outages.map((o) => o.join('/')).join(';') });
    expect(s).toMatchObject({ mailsIn: ROUNDS * PER_ROUND, cases: ROUNDS * PER_ROUND, lost: 0, duplicated: 0 });
    expect(s).toMatchObject({ acksSent: ROUNDS * PER_ROUND, acksDuplicated: 0, acksAmbiguous: 0 });
    expect((await listMessages(box, 'Processed')).length).toBe(ROUNDS * PER_ROUND);
    // Backoff: within an outage the cap doubles up to the maximum and each wait is random in
    // [cap/2, cap], so a wait is at least the one before (or half the maximum), never above it.
    for (const delays of outages) {
      expect(delays.length).toBeGreaterThanOrEqual(5);
      delays.forEach((d, i) => {
        expect(d).toBeLessThanOrEqual(MAX_DELAY_MS);
        // d(i) >= cap(i)/2 = min(max, 2 cap(i-1))/2 >= min(max/2, d(i-1))
        if (i > 0) expect(d).toBeGreaterThanOrEqual(Math.min(MAX_DELAY_MS / 2, delays[i - 1]!));
      });
      expect(delays[delays.length - 1]).toBeGreaterThan(delays[0]!);
    }
  },
  sized(90_000, 240_000),
);
