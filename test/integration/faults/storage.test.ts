/**
 * Fault 6: the data directory full, or read-only. The worker must stop taking mail (nothing
 * flagged or moved on the server), say clearly why, and take the mail once the problem is fixed.
 *
 * Real file systems, no mocks: the data dir is a small tmpfs mounted for the test. "Full" is that
 * tmpfs filled to the last byte; "read-only" is a read-only bind mount laid over it (root ignores
 * permission bits, so chmod would prove nothing; the bind mount refuses writes even to root, and
 * the worker's already open database stays writable, as on a real remount that spares open files).
 * Mounting needs root (CAP_SYS_ADMIN): without it the test is skipped and says so.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMailStack, type Stack } from '../../../scripts/mailstack.mjs';
import {
  complaint,
  dataDirOf,
  outboxRows,
  privateBox,
  report,
  sized,
  summarise,
  withDb,
} from '../../support/faults.js';
import { appendMail, listMessages, waitFor, type Mailbox } from '../../support/mailstack.js';
import { WorkerProcess, writeTestConfig, type LogLine } from '../../support/worker.js';

const N = sized(5, 30);
const mounted: string[] = [];

/** Why mounting is impossible here, or null when it works. */
function mountUnavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root: mounting a tmpfs needs CAP_SYS_ADMIN';
  const probe = path.join(tmpdir(), `kb-mount-probe-${process.pid}`);
  mkdirSync(probe, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const unavailable = mountUnavailable();
if (unavailable) process.stdout.write(`faults: storage scenarios SKIPPED: ${unavailable}\n`);
const maybe = unavailable ? test.skip : test;

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  if (!unavailable) stack = await startMailStack();
});
afterEach(async () => {
  await worker?.kill();
  worker = null;
  for (const m of mounted.splice(0).reverse()) execFileSync('umount', ['-l', m], { stdio: 'pipe' });
});
afterAll(async () => {
  await stack?.stop();
});

function mount(args: string[], target: string): void {
  execFileSync('mount', [...args, target], { stdio: 'pipe' });
  mounted.push(target);
}
function umount(target: string): void {
  execFileSync('umount', [target], { stdio: 'pipe' });
  mounted.splice(mounted.lastIndexOf(target), 1);
}

/** A config whose data dir is a fresh tmpfs of `mb` MB. */
function setup(prefix: string, mb: number): { box: Mailbox; config: string; data: string } {
  const box = privateBox(stack, prefix);
  const config = writeTestConfig(box.imapUrl, {}, { smtpPort: stack.smtp.port, redisUrl: stack.redis.url });
  const data = dataDirOf(config);
  mkdirSync(data);
  mount(['-t', 'tmpfs', '-o', `size=${mb}m,mode=0700`, 'tmpfs'], data);
  return { box, config, data };
}

/** Fills the file system of `dir` to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = openSync(file, 'w');
  try {
    for (const size of [1 << 20, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0x61);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

async function deliver(box: Mailbox, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= N; i++) {
    ids.push(`${tag}.${i}.${box.user}@klant.test`);
    await appendMail(
      box,
      complaint({ from: `klant${i}.${box.user}@klant.test`, subject: `Klacht ${i}`, messageId: ids.at(-1)! }),
    );
  }
  return ids;
}

/** Files left under `dir` whose name ends in .tmp (half-written content). */
function tmpFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.tmp')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const storageLog = (logs: LogLine[]) => logs.filter((l) => l.event === 'intake.storage.unavailable');

async function expectHeld(box: Mailbox, ids: string[]): Promise<void> {
  // Left as they were: in the INBOX, not flagged, not moved.
  const inbox = await listMessages(box);
  expect(inbox.map((m) => m.messageId?.replace(/^<|>$/g, '')).sort()).toEqual([...ids].sort());
  expect(inbox.every((m) => !m.flags.includes('$Klachtenbus'))).toBe(true);
}

async function expectResumed(box: Mailbox, config: string, ids: string[]): Promise<void> {
  await waitFor(() => withDb(config, (db) => db.prepare(`SELECT COUNT(*) FROM cases`).pluck().get() === ids.length), {
    timeoutMs: 30_000,
    intervalMs: 250,
    message: 'every held mail a case after the fix',
  });
  await waitFor(() => outboxRows(config).every((r) => r.status === 'sent'), {
    timeoutMs: 30_000,
    intervalMs: 250,
    message: 'acknowledgements sent',
  });
  await waitFor(async () => (await listMessages(box)).length === 0, { timeoutMs: 15_000, message: 'INBOX empty' });
}

maybe(
  'disk full: no mail taken, the reason logged, mail left on the server; all taken once there is room',
  async () => {
    const { box, config, data } = setup('full', 24);
    worker = new WorkerProcess(config);
    await worker.waitIdle();
    const filler = fill(data);
    const ids = await deliver(box, 'full');
    // Several attempts, each refused with the reason, none taking a mail.
    await worker.waitForLog((logs) => storageLog(logs).length >= 3, 30_000);
    await expectHeld(box, ids);
    const [first] = storageLog(worker.logs);
    expect(first).toMatchObject({ level: 50, reason: 'full', code: expect.stringMatching(/^(ENOSPC|SQLITE_FULL)$/) });
    expect(first!.msg).toMatch(/data directory .*full/i);
    expect(first!.msg).toMatch(/left on the server/);

    rmSync(filler);
    await expectResumed(box, config, ids);
    // A refused write leaves no half-written file behind to eat the space again.
    expect(tmpFiles(data)).toEqual([]);
    await worker.stop();
    const s = summarise(config, ids, stack.captureDir);
    report('disk-full', s, { 'refusals-logged': storageLog(worker.logs).length });
    expect(s).toMatchObject({ mailsIn: N, cases: N, lost: 0, duplicated: 0, acksSent: N, acksDuplicated: 0 });
  },
  90_000,
);

maybe(
  'data dir read-only: no mail taken, the reason logged, mail left on the server; all taken once writable',
  async () => {
    const { box, config, data } = setup('ro', 64);
    worker = new WorkerProcess(config);
    await worker.waitIdle();
    // The tmpfs bound over itself, and that layer made read-only.
    mount(['--bind', data], data);
    execFileSync('mount', ['-o', 'remount,bind,ro', data], { stdio: 'pipe' });
    expect(() => closeSync(openSync(path.join(data, 'probe'), 'w'))).toThrow(/EROFS/);
    const ids = await deliver(box, 'ro');
    await worker.waitForLog((logs) => storageLog(logs).length >= 3, 30_000);
    await expectHeld(box, ids);
    const [first] = storageLog(worker.logs);
    expect(first).toMatchObject({
      level: 50,
      reason: 'read-only',
      code: expect.stringMatching(/^(EROFS|SQLITE_READONLY.*)$/),
    });
    expect(first!.msg).toMatch(/data directory .*read-only/i);

    umount(data); // writable again
    await expectResumed(box, config, ids);
    await worker.stop();
    const s = summarise(config, ids, stack.captureDir);
    report('data-dir-read-only', s, { 'refusals-logged': storageLog(worker.logs).length });
    expect(s).toMatchObject({ mailsIn: N, cases: N, lost: 0, duplicated: 0, acksSent: N, acksDuplicated: 0 });
    expect(statSync(data).isDirectory()).toBe(true);
  },
  90_000,
);
