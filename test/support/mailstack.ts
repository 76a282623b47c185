// Helpers for integration tests against the private mail stack that globalSetup started.
// The stack object lives in the jest main process; tests run in workers, so everything here works
// from the stack.json file whose path globalSetup put in KLACHTENBUS_TEST_STACK.
//
// Stopping/starting IMAP or Redis affects every test file running in parallel on the shared stack.
// A test that needs that should run its own stack (startMailStack() from scripts/mailstack.mjs).
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImapFlow } from 'imapflow';
import {
  addMailUser,
  imapControl,
  readStackState,
  redisControl,
  setSmtpMode as setSinkMode,
} from '../../scripts/mailstack.mjs';
import type { SmtpMode, StackState } from '../../scripts/mailstack.mjs';

export interface TestStack {
  dir: string;
  imap: { host: string; port: number };
  redis: { host: string; port: number; url: string };
  smtp: { host: string; port: number };
  captureDir: string;
}

export interface Mailbox {
  user: string;
  pass: string;
  /** imap://user:pass@127.0.0.1:PORT/INBOX, the form the service's config takes */
  imapUrl: string;
}

export interface ListedMessage {
  uid: number;
  flags: string[];
  messageId: string | undefined;
  subject: string | undefined;
}

export interface CapturedMail {
  file: string;
  raw: string;
  envelope: { mailFrom: string | null; rcptTo: string[]; size: number; receivedAt: string };
}

function state(): StackState {
  const file = process.env.KLACHTENBUS_TEST_STACK;
  if (!file) throw new Error('KLACHTENBUS_TEST_STACK is not set: run with the jest "integration" project');
  return readStackState(dirname(file));
}

/** Hosts and ports of the shared stack. Read on each call: ports never change, pids may. */
export function testStack(): TestStack {
  const s = state();
  return { dir: s.dir, imap: s.imap, redis: s.redis, smtp: s.smtp, captureDir: s.captureDir };
}

let counter = 0;

/** A fresh IMAP user, unique across parallel workers (pid + counter + random). */
export function newMailbox(prefix = 'box'): Mailbox {
  counter += 1;
  const user = `${prefix}-${process.pid}-${counter}-${randomBytes(3).toString('hex')}`;
  const pass = randomBytes(9).toString('hex');
  const { dir, imap } = testStack();
  addMailUser(dir, user, pass);
  return { user, pass, imapUrl: `imap://${user}:${pass}@${imap.host}:${imap.port}/INBOX` };
}

/** A logged-in imapflow client for `box`; the caller logs out. */
export async function connectImap(box: Mailbox): Promise<ImapFlow> {
  // From the box's own URL, so a box on a test's private stack works with every helper too.
  const url = new URL(box.imapUrl);
  const host = url.hostname;
  const port = Number(url.port);
  const client = new ImapFlow({
    host,
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: box.user, pass: box.pass },
    logger: false,
  });
  await client.connect();
  return client;
}

async function withImap<T>(box: Mailbox, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = await connectImap(box);
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * Delivers a mail the way a mail server would for the test: a real IMAP APPEND. The folder is
 * created when missing. Returns the new message's UID.
 */
export async function appendMail(
  box: Mailbox,
  raw: Buffer | string,
  opts: { flags?: string[]; folder?: string; internalDate?: Date } = {},
): Promise<number> {
  const folder = opts.folder ?? 'INBOX';
  return withImap(box, async (client) => {
    if (folder !== 'INBOX') await client.mailboxCreate(folder); // no-op when it exists
    const res = await client.append(folder, raw, opts.flags ?? [], opts.internalDate);
    if (!res || res.uid === undefined) throw new Error(`APPEND to ${folder} returned no UID`);
    return res.uid;
  });
}

/** Every message in `folder`, in UID order. */
export async function listMessages(box: Mailbox, folder = 'INBOX'): Promise<ListedMessage[]> {
  return withImap(box, async (client) => {
    const mailbox = await client.mailboxOpen(folder, { readOnly: true });
    if (mailbox.exists === 0) return [];
    const msgs = await client.fetchAll('1:*', { uid: true, flags: true, envelope: true });
    return msgs
      .map((m) => ({
        uid: m.uid,
        // \Recent depends on which session saw the mail first: noise for assertions
        flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
        messageId: m.envelope?.messageId,
        subject: m.envelope?.subject,
      }))
      .sort((a, b) => a.uid - b.uid);
  });
}

/** Folder paths of the mailbox ('/'-separated), sorted. */
export async function listFolders(box: Mailbox): Promise<string[]> {
  return withImap(box, async (client) => (await client.list()).map((f) => f.path).sort());
}

/** Mails the SMTP sink received so far, oldest first. */
export function capturedMails(): CapturedMail[] {
  const dir = testStack().captureDir;
  // zero-padded sequence first in the name, so a plain sort is arrival order
  return readdirSync(dir)
    .filter((f) => /^\d+-\d+\.eml$/.test(f))
    .sort()
    .map((f) => ({
      file: join(dir, f),
      raw: readFileSync(join(dir, f), 'utf8'),
      envelope: JSON.parse(readFileSync(join(dir, f.replace(/\.eml$/, '.json')), 'utf8')),
    }));
}

/** Sets the SMTP sink's fault mode (see scripts/smtp-sink.mjs); `times` = next N messages only. */
export function setSmtpMode(mode: SmtpMode, times?: number): void {
  setSinkMode(testStack().dir, mode, times);
}

/**
 * Polls `fn` until it returns something truthy and resolves with that. On timeout it throws with
 * `message` and the last value seen (or the last error fn threw).
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 50, message = 'condition not met' } = opts;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.stack : JSON.stringify(last);
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${message}; last value: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// Restarting servers of the shared stack: the stack's owner (the jest main process) does the
// work, so the servers stay its children (see scripts/mailstack.mjs). CAUTION: this cuts every
// connection of test files running in parallel; a test that restarts a server should start a
// private stack with startMailStack() instead (see reconnect.test.ts).
export const stopImap = (): Promise<void> => imapControl(testStack().dir).stop();
export const startImap = (): Promise<void> => imapControl(testStack().dir).start();
export const restartImap = (): Promise<void> => imapControl(testStack().dir).restart();
/** Redis comes back on the same port, empty (no persistence). */
export const stopRedis = (): Promise<void> => redisControl(testStack().dir).stop();
export const startRedis = (): Promise<void> => redisControl(testStack().dir).start();
