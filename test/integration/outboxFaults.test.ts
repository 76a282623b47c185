/**
 * The outbox under faults, on a private mail stack (these tests stop servers): an SMTP outage, a
 * permanent rejection, a connection lost after the message data, and Redis emptied while mail is
 * pending. In every case: nothing lost, nothing sent twice that was not recorded as ambiguous.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { setSmtpMode, startMailStack, type Stack } from '../../scripts/mailstack.mjs';
import { mail } from '../support/intakeHarness.js';
import { appendMail, waitFor, type Mailbox } from '../support/mailstack.js';
import { cli, cliJson, WorkerProcess, writeTestConfig } from '../support/worker.js';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface OutboxJson {
  id: number;
  to: string[];
  status: string;
  statusReason: string | null;
  attempts: number;
  lastError: string | null;
}

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startMailStack();
});
afterEach(async () => {
  await worker?.kill();
  worker = null;
  setSmtpMode(stack.dir, 'accept');
});
afterAll(async () => {
  await stack?.stop();
});

function setup(): { box: Mailbox; config: string } {
  const user = `f${randomBytes(4).toString('hex')}`;
  stack.addUser(user, 'pw');
  const box = { user, pass: 'pw', imapUrl: `imap://${user}:pw@127.0.0.1:${stack.imap.port}/INBOX` };
  const config = writeTestConfig(box.imapUrl, {}, { smtpPort: stack.smtp.port, redisUrl: stack.redis.url });
  return { box, config };
}

/** Captured mails to `address` at this private stack's SMTP server. */
function capturedTo(address: string): string[] {
  return readdirSync(stack.captureDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(stack.captureDir, f), 'utf8')) as { rcptTo: string[] })
    .filter((e) => e.rcptTo.includes(address))
    .map((e) => e.rcptTo.join(','));
}

const outbox = (config: string) => cliJson<OutboxJson[]>(config, ['outbox', 'list']);

function waitOutbox(config: string, pred: (rows: OutboxJson[]) => boolean, message: string, timeoutMs = 30000) {
  return waitFor(
    () => {
      const rows = outbox(config);
      return pred(rows) ? rows : null;
    },
    { timeoutMs, intervalMs: 250, message },
  );
}

async function deliver(box: Mailbox, n: number): Promise<string[]> {
  const tag = randomBytes(3).toString('hex');
  const senders: string[] = [];
  for (let i = 1; i <= n; i++) {
    const from = `klant${i}.${tag}@klant.test`;
    senders.push(from);
    await appendMail(box, mail({ from, subject: `Klacht ${i}`, messageId: `${tag}.${i}@klant.test` }));
  }
  return senders;
}

test('SMTP down for a while: every acknowledgement goes out once when it is back', async () => {
  const { box, config } = setup();
  await stack.stopSmtp();
  worker = new WorkerProcess(config);
  await worker.waitIdle();
  const senders = await deliver(box, 3);
  // All three tried and failed (connection refused), still pending.
  await waitOutbox(
    config,
    (r) => r.length === 3 && r.every((x) => x.attempts >= 1 && x.status === 'pending'),
    'attempts',
  );
  await stack.startSmtp();
  const rows = await waitOutbox(config, (r) => r.every((x) => x.status === 'sent'), 'all sent after the outage');
  expect(rows).toHaveLength(3);
  for (const s of senders) expect(capturedTo(s)).toHaveLength(1);
});

test('a permanent rejection (5xx) is recorded and visible; outbox retry sends it', async () => {
  const { box, config } = setup();
  setSmtpMode(stack.dir, 'reject-5xx', 1);
  worker = new WorkerProcess(config);
  await worker.waitIdle();
  const [sender] = await deliver(box, 1);
  const [row] = await waitOutbox(config, (r) => r[0]?.status === 'failed', 'failed');
  expect(row).toMatchObject({ status: 'failed', statusReason: 'rejected by the SMTP server', attempts: 1 });
  expect(row!.lastError).toContain('554');
  expect(cliJson<OutboxJson[]>(config, ['outbox', 'list', '--status', 'failed'])).toHaveLength(1);
  expect(capturedTo(sender!)).toHaveLength(0);

  expect(cli(['--config', config, 'outbox', 'retry', String(row!.id)]).code).toBe(0);
  await waitOutbox(config, (r) => r[0]?.status === 'sent', 'sent after retry');
  expect(capturedTo(sender!)).toHaveLength(1);
});

test('the connection lost after the message data: recorded as ambiguous, not resent blindly', async () => {
  const { box, config } = setup();
  setSmtpMode(stack.dir, 'drop-after-store', 1);
  worker = new WorkerProcess(config);
  await worker.waitIdle();
  const [sender] = await deliver(box, 1);
  const [row] = await waitOutbox(config, (r) => r[0]?.status === 'ambiguous', 'ambiguous');
  expect(row!.statusReason).toBe('connection lost after the message data was sent');
  // The sink stored it: the customer got it once, and no retry sends it again.
  const more = await deliver(box, 1); // a later mail goes through: the sender keeps working
  await waitOutbox(config, (r) => r.length === 2 && r[1]?.status === 'sent', 'second sent');
  expect(capturedTo(sender!)).toHaveLength(1);
  expect(capturedTo(more[0]!)).toHaveLength(1);
});

test('Redis emptied while mails are pending: the jobs are rebuilt from SQLite and each mail goes out once', async () => {
  const { box, config } = setup();
  setSmtpMode(stack.dir, 'reject-4xx', 1000);
  worker = new WorkerProcess(config);
  await worker.waitIdle();
  const senders = await deliver(box, 3);
  await waitOutbox(
    config,
    (r) => r.length === 3 && r.every((x) => x.attempts >= 1 && x.status === 'pending'),
    'pending',
  );
  const redis = new Redis(stack.redis.url);
  await redis.flushall();
  await redis.quit();
  setSmtpMode(stack.dir, 'accept');
  await waitOutbox(config, (r) => r.every((x) => x.status === 'sent'), 'all sent after the flush');
  for (const s of senders) expect(capturedTo(s)).toHaveLength(1);
});

test('Redis down while mail comes in, back empty: intake goes on, and every mail goes out once', async () => {
  const { box, config } = setup();
  worker = new WorkerProcess(config);
  await worker.waitIdle();
  await stack.stopRedis();
  const senders = await deliver(box, 2);
  // Intake does not need Redis: the cases and their outbox rows are committed.
  await waitOutbox(config, (r) => r.length === 2 && r.every((x) => x.status === 'pending'), 'queued in SQLite');
  await stack.startRedis();
  await waitOutbox(config, (r) => r.every((x) => x.status === 'sent'), 'all sent after Redis came back', 45000);
  for (const s of senders) expect(capturedTo(s)).toHaveLength(1);
});

test('the worker killed right after the commit, before the job was queued: sent once after the restart', async () => {
  const { box, config } = setup();
  const [sender] = await deliver(box, 1);
  const crashing = new WorkerProcess(config, { KLACHTENBUS_FAULT_KILL_AFTER_COMMITS: '1' });
  expect(await crashing.exited).toBeNull();
  expect(outbox(config).map((r) => r.status)).toEqual(['pending']);
  worker = new WorkerProcess(config);
  await waitOutbox(config, (r) => r[0]?.status === 'sent', 'sent after the restart');
  expect(capturedTo(sender!)).toHaveLength(1);
});
