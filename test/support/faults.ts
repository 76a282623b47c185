// Helpers for the fault-injection suite (test/integration/faults/): sizes, a private mail stack
// per file, delivery straight into a Maildir, and the end-state summary every scenario prints.
//
// The summary is computed from the worker's SQLite database (opened read-only) and the SMTP capture
// directory, never from the worker's logs: the logs of a SIGKILLed process are not evidence.
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  fchownSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStackState, type Stack } from '../../scripts/mailstack.mjs';
import type { Mailbox } from './mailstack.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm run test:faults` sets KLACHTENBUS_FAULTS=full; `npm test` runs the short versions. */
export const FULL = process.env.KLACHTENBUS_FAULTS === 'full';

/** The short figure inside `npm test`, the full one under `npm run test:faults`. */
export function sized<T>(short: T, full: T): T {
  return FULL ? full : short;
}

/** A fresh IMAP user on a private stack. */
export function privateBox(stack: Stack, prefix: string): Mailbox {
  const user = `${prefix}-${randomBytes(4).toString('hex')}`;
  const pass = randomBytes(6).toString('hex');
  stack.addUser(user, pass);
  return { user, pass, imapUrl: `imap://${user}:${pass}@127.0.0.1:${stack.imap.port}/INBOX` };
}

/** The data dir of a config written by writeTestConfig (`./data` beside the config file). */
export function dataDirOf(configFile: string): string {
  return path.join(path.dirname(configFile), 'data');
}

/** The worker's database, read-only (the worker may still be running: WAL lets both work). */
export function openDb(configFile: string): Database {
  return new BetterSqlite3(path.join(dataDirOf(configFile), 'klachtenbus.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
}

/** Runs `fn` on a short-lived read-only connection. */
export function withDb<T>(configFile: string, fn: (db: Database) => T): T {
  const db = openDb(configFile);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** sfc32-ish PRNG, so a failing run can be repeated with the seed it printed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

/**
 * Delivers mails the way a local delivery agent does while IMAP may be down: straight into the
 * user's Maildir (`tmp/`, then a rename into `new/`), owned by the mail uid. Dovecot picks them up
 * on its next scan. Sizes are not put into the names, so Dovecot reads them.
 */
export function deliverToMaildir(stack: Stack, box: Mailbox, raws: Buffer[]): void {
  const { imap } = readStackState(stack.dir);
  const maildir = path.join(imap.mailRoot, box.user, 'Maildir');
  const root = process.getuid?.() === 0;
  for (const d of [maildir, ...['cur', 'new', 'tmp'].map((s) => path.join(maildir, s))]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    if (root) chownPath(d, imap.mailUid, imap.mailGid);
  }
  raws.forEach((raw, i) => {
    const name = `${Math.floor(Date.now() / 1000)}.M${process.hrtime.bigint()}P${process.pid}Q${i}.faults`;
    const tmp = path.join(maildir, 'tmp', name);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      let off = 0;
      while (off < raw.length) off += writeSync(fd, raw, off, raw.length - off);
      if (root) fchownSync(fd, imap.mailUid, imap.mailGid);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path.join(maildir, 'new', name));
  });
}

function chownPath(p: string, uid: number, gid: number): void {
  const fd = openSync(p, 'r');
  try {
    fchownSync(fd, uid, gid);
  } finally {
    closeSync(fd);
  }
}

/** A small complaint mail with LF line ends (as a Maildir holds them) or CRLF (as APPEND sends). */
export function complaint(o: {
  from: string;
  subject: string;
  messageId: string;
  body?: string;
  crlf?: boolean;
}): Buffer {
  const lines = [
    `From: ${o.from}`,
    'To: klachten@studijob.test',
    `Subject: ${o.subject}`,
    'Date: Tue, 24 Nov 2026 10:00:00 +0100',
    `Message-ID: <${o.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.body ?? 'Geachte heer/mevrouw,\n\nDe uitzendkracht kwam niet opdagen.\n\nMet vriendelijke groet,\nKlant',
  ];
  return Buffer.from(lines.join(o.crlf === false ? '\n' : '\r\n'));
}

export interface CapturedHeaders {
  file: string;
  rcptTo: string[];
  /** Header lines, unfolded, as `[name lower-case, value]`. */
  headers: Array<[string, string]>;
  messageId: string | null;
}

/** Every mail the SMTP capture server of `captureDir` received, with its headers. */
export function captured(captureDir: string): CapturedHeaders[] {
  return readdirSync(captureDir)
    .filter((f) => /^\d+-\d+\.eml$/.test(f))
    .sort()
    .map((f) => {
      const raw = readFileSync(path.join(captureDir, f), 'utf8');
      const env = JSON.parse(readFileSync(path.join(captureDir, f.replace(/\.eml$/, '.json')), 'utf8')) as {
        rcptTo: string[];
      };
      const headers = headerLines(raw);
      const mid = headers.find(([n]) => n === 'message-id')?.[1] ?? null;
      return { file: f, rcptTo: env.rcptTo, headers, messageId: mid ? mid.trim().replace(/^<|>$/g, '') : null };
    });
}

/** The header block of a raw mail, unfolded, as `[name lower-case, value]`. */
export function headerLines(raw: string): Array<[string, string]> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = end >= 0 ? raw.slice(0, end) : raw;
  const out: Array<[string, string]> = [];
  for (const line of block.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length > 0) out[out.length - 1]![1] += line;
    else {
      const colon = line.indexOf(':');
      out.push([colon > 0 ? line.slice(0, colon).trim().toLowerCase() : line, line.slice(colon + 1).trim()]);
    }
  }
  return out;
}

/** The figures the issue asks every scenario to print. */
export interface FaultSummary {
  mailsIn: number;
  cases: number;
  /** Delivered Message-IDs not in the database. */
  lost: number;
  /** Complaint Message-IDs with more than one case, plus Message-IDs stored more than once. */
  duplicated: number;
  acksSent: number;
  /** Acknowledgements the SMTP server received more than once (each extra copy counts). */
  acksDuplicated: number;
  /** Acknowledgements recorded as ambiguous (connection lost after the data; not resent). */
  acksAmbiguous: number;
  /** Of those, how many the SMTP server did receive (the others never reached the customer). */
  acksAmbiguousDelivered: number;
}

export interface OutboxRow {
  id: number;
  kind: string;
  messageId: string;
  to: string[];
  status: string;
  statusReason: string | null;
  attempts: number;
  caseId: number | null;
}

export function outboxRows(configFile: string): OutboxRow[] {
  return withDb(configFile, (db) =>
    (
      db
        .prepare(
          `SELECT id, kind, message_id AS messageId, to_json AS toJson, status, status_reason AS statusReason,
                  attempts, case_id AS caseId FROM outbox ORDER BY id`,
        )
        .all() as Array<Omit<OutboxRow, 'to'> & { toJson: string }>
    ).map(({ toJson, ...r }) => ({ ...r, to: JSON.parse(toJson) as string[] })),
  );
}

/**
 * How many times the SMTP server of `captureDir` received an outbox row's mail: same Message-ID,
 * same recipients. (Our Message-IDs derive from the case number, so workers with separate data
 * dirs sending to one capture server can reuse them; the recipients tell them apart.)
 */
export function deliveries(captureDir: string): (row: Pick<OutboxRow, 'messageId' | 'to'>) => number {
  const key = (id: string, to: string[]) => `${id} ${[...to].sort().join(',')}`;
  const copies = new Map<string, number>();
  for (const m of captured(captureDir))
    if (m.messageId) copies.set(key(m.messageId, m.rcptTo), (copies.get(key(m.messageId, m.rcptTo)) ?? 0) + 1);
  return (row) => copies.get(key(row.messageId, row.to)) ?? 0;
}

/**
 * The end state: `delivered` are the Message-IDs (without <>) of the complaints put into the
 * mailbox (or, per mail, the names it may be stored under); `captureDir` the SMTP capture dir of the stack the worker sent to.
 */
export function summarise(configFile: string, delivered: Array<string | string[]>, captureDir: string): FaultSummary {
  const { stored, storedTwice, caseDup, cases } = withDb(configFile, (db) => {
    const ids = db.prepare(`SELECT message_id FROM messages`).pluck().all() as string[];
    const stored = new Set(ids);
    // message_id is UNIQUE, so a second copy of a mail can only hide as a '#'-suffixed duplicate
    const storedTwice = ids.filter((m) => m.includes('#') && stored.has(m.split('#')[0]!)).length;
    const caseDup = db
      .prepare(
        `SELECT COUNT(*) FROM (SELECT m.message_id FROM messages m JOIN cases c ON c.id = m.case_id
          WHERE m.classification = 'complaint' GROUP BY m.message_id HAVING COUNT(DISTINCT c.id) > 1)`,
      )
      .pluck()
      .get() as number;
    const cases = db.prepare(`SELECT COUNT(*) FROM cases`).pluck().get() as number;
    return { stored, storedTwice, caseDup, cases };
  });
  const acks = outboxRows(configFile).filter((r) => r.kind === 'acknowledgement');
  const copies = deliveries(captureDir);
  return {
    mailsIn: delivered.length,
    cases,
    // A mail counts as stored under any of its names (a Message-ID, or the id synthesised from
    // the content of a mail the parser could not read).
    lost: delivered.filter((names) => ![names].flat().some((id) => stored.has(id))).length,
    duplicated: storedTwice + caseDup,
    acksSent: acks.filter((a) => copies(a) > 0).length,
    acksDuplicated: acks.reduce((n, a) => n + Math.max(0, copies(a) - 1), 0),
    acksAmbiguous: acks.filter((a) => a.status === 'ambiguous').length,
    acksAmbiguousDelivered: acks.filter((a) => a.status === 'ambiguous' && copies(a) > 0).length,
  };
}

/**
 * Prints the scenario's summary line (`faults: …`) and appends it to
 * test-artifacts/faults-summary.txt.
 */
export function report(scenario: string, s: FaultSummary, extra: Record<string, string | number> = {}): string {
  const more = Object.entries(extra).map(([k, v]) => ` ${k}=${v}`);
  const line =
    `faults: ${scenario} [${FULL ? 'full' : 'short'}] mails-in=${s.mailsIn} cases=${s.cases} lost=${s.lost} ` +
    `duplicated=${s.duplicated} acks-sent=${s.acksSent} acks-duplicated=${s.acksDuplicated} ` +
    `acks-ambiguous=${s.acksAmbiguous} (delivered ${s.acksAmbiguousDelivered})${more.join('')}`;
  process.stdout.write(`${line}\n`);
  const dir = path.join(ROOT, 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, 'faults-summary.txt'), `${new Date().toISOString()} ${line}\n`);
  return line;
}
