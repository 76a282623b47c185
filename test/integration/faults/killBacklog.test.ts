/**
 * Fault 1: the worker SIGKILLed at random moments while it ingests a backlog, restarted each time.
 * End state: exactly one case per complaint mail, every mail in `mail list`, every mail moved off
 * the INBOX, and every acknowledgement at the SMTP server once, except those recorded as
 * ambiguous (killed while the message data was on the wire), which are reported.
 *
 * Short (npm test): 150 mails, 4 kills. Full (npm run test:faults): 1,000 mails, 12 kills.
 * KLACHTENBUS_FAULTS_SEED repeats a run's kill moments.
 */
import { startMailStack, type Stack } from '../../../scripts/mailstack.mjs';
import {
  complaint,
  deliverToMaildir,
  outboxRows,
  captured,
  privateBox,
  prng,
  report,
  sized,
  summarise,
  withDb,
} from '../../support/faults.js';
import { listMessages, waitFor } from '../../support/mailstack.js';
import { cliJson, WorkerProcess, writeTestConfig, type MailJson } from '../../support/worker.js';

const N = sized(150, 1000);
const KILLS = sized(4, 12);
const SEED = Number(process.env.KLACHTENBUS_FAULTS_SEED ?? Date.now() % 1_000_000);

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

/** Resolves when `worker` logged `n` commits, exited, or `ms` passed. */
function commitsOrTimeout(w: WorkerProcess, n: number, ms: number): Promise<void> {
  return w.waitForLog((logs) => logs.filter((l) => l.event === 'intake.committed').length >= n, ms).catch(() => {});
}

test(
  `SIGKILL ${KILLS} times at random moments during a backlog of ${N} mails: nothing lost, nothing doubled`,
  async () => {
    const random = prng(SEED);
    const box = privateBox(stack, 'kill');
    const config = writeTestConfig(box.imapUrl, {}, { smtpPort: stack.smtp.port, redisUrl: stack.redis.url });
    const ids: string[] = [];
    const raws: Buffer[] = [];
    for (let i = 1; i <= N; i++) {
      ids.push(`kill.${SEED}.${i}@klant.test`);
      // distinct senders: the acknowledgement rate limit must not be what keeps a mail from going out
      raws.push(
        complaint({ from: `klant${i}@klant.test`, subject: `Klacht ${i}`, messageId: ids[i - 1]!, crlf: false }),
      );
    }
    deliverToMaildir(stack, box, raws);

    const moments: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      worker = new WorkerProcess(config);
      // Half the kills land after a random number of commits (inside a batch, between commit and
      // move, or while acknowledgements are on the wire); half at a random time after the spawn
      // (during start-up, migrations, the reconciler or the first fetch).
      if (k % 2 === 0) {
        const after = 1 + Math.floor(random() * Math.ceil((1.5 * N) / KILLS));
        await commitsOrTimeout(worker, after, 30_000);
        const jitter = Math.floor(random() * 40);
        await new Promise((r) => setTimeout(r, jitter));
        moments.push(`c${after}+${jitter}ms`);
      } else {
        const ms = 150 + Math.floor(random() * 2500);
        await new Promise((r) => setTimeout(r, ms));
        moments.push(`${ms}ms`);
      }
      await worker.kill();
    }

    worker = new WorkerProcess(config);
    await waitFor(
      () =>
        withDb(config, (db) => {
          const stored = db.prepare(`SELECT COUNT(*) FROM messages`).pluck().get() as number;
          const open = db
            .prepare(`SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`)
            .pluck()
            .get() as number;
          return stored === N && open === 0;
        }),
      { timeoutMs: sized(90_000, 300_000), intervalMs: 500, message: 'every mail stored and every outbox row settled' },
    );
    // The worker moves what it committed; the last pass may still be moving the last batch.
    await waitFor(async () => (await listMessages(box)).length === 0, {
      timeoutMs: 30_000,
      intervalMs: 250,
      message: 'INBOX empty',
    });

    const s = summarise(config, ids, stack.captureDir);
    const line = report('sigkill-backlog', s, { kills: KILLS, seed: SEED, moments: moments.join(',') });
    expect(s).toMatchObject({ mailsIn: N, cases: N, lost: 0, duplicated: 0, acksDuplicated: 0 });
    expect(line).toContain('lost=0 duplicated=0');

    // Every mail in `mail list`, each a complaint with its own case.
    const mails = cliJson<MailJson[]>(config, ['mail', 'list']);
    expect(mails.map((m) => m.messageId).sort()).toEqual([...ids].sort());
    expect(mails.every((m) => m.classification === 'complaint' && m.caseNumber !== null)).toBe(true);
    expect(new Set(mails.map((m) => m.caseNumber)).size).toBe(N);
    // Every mail moved to Processed exactly once.
    const processed = await listMessages(box, 'Processed');
    expect(processed.map((m) => m.messageId?.replace(/^<|>$/g, '')).sort()).toEqual([...ids].sort());

    // One acknowledgement per case; each sent one arrived once, an ambiguous one at most once.
    const rows = outboxRows(config);
    const acks = rows.filter((r) => r.kind === 'acknowledgement');
    expect(acks).toHaveLength(N);
    expect(acks.every((a) => a.status === 'sent' || a.status === 'ambiguous')).toBe(true);
    const copies = new Map<string, number>();
    for (const m of captured(stack.captureDir))
      if (m.messageId) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    for (const r of rows) {
      if (r.status === 'sent') expect([r.messageId, copies.get(r.messageId)]).toEqual([r.messageId, 1]);
      else expect(copies.get(r.messageId) ?? 0).toBeLessThanOrEqual(1);
    }
    expect(s.acksSent).toBeGreaterThanOrEqual(N - s.acksAmbiguous);
    // The ambiguous ones are reported where an operator looks: `outbox list --status ambiguous`.
    const reported = cliJson<Array<{ id: number; kind: string; statusReason: string | null }>>(config, [
      'outbox',
      'list',
      '--status',
      'ambiguous',
    ]);
    expect(reported.map((r) => r.id).sort((a, b) => a - b)).toEqual(
      rows.filter((r) => r.status === 'ambiguous').map((r) => r.id),
    );
    expect(reported.every((r) => r.statusReason)).toBe(true);
  },
  sized(240_000, 900_000),
);
