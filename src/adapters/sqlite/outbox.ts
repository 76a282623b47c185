import type { Database } from 'better-sqlite3';
import { statement } from './statements.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'ambiguous' | 'suppressed';

export interface NewOutboxMail {
  idempotencyKey: string;
  kind: string;
  caseId: number | null;
  messageId: string;
  from: string;
  to: string[];
  replyTo: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  text: string;
  html: string | null;
  /** 'suppressed' records a mail we decided not to send (and why), so that decision is visible. */
  status: 'pending' | 'suppressed';
  statusReason: string | null;
  notBefore: string;
  now: string;
}

export interface OutboxRow {
  id: number;
  idempotencyKey: string;
  kind: string;
  caseId: number | null;
  caseNumber: string | null;
  messageId: string;
  from: string;
  to: string[];
  replyTo: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  text: string;
  html: string | null;
  status: OutboxStatus;
  statusReason: string | null;
  attempts: number;
  lastError: string | null;
  smtpResponse: string | null;
  notBefore: string;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

/** Queues a mail. Returns its id, or null when a mail with this idempotency key exists already. */
export function insertOutbox(db: Database, m: NewOutboxMail): number | null {
  const info = statement(
    db,
    `INSERT INTO outbox (idempotency_key, kind, case_id, message_id, from_addr, to_json, reply_to, in_reply_to,
        references_json, subject, body_text, body_html, status, status_reason, not_before, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(idempotency_key) DO NOTHING`,
  ).run(
    m.idempotencyKey,
    m.kind,
    m.caseId,
    m.messageId,
    m.from,
    JSON.stringify(m.to),
    m.replyTo,
    m.inReplyTo,
    JSON.stringify(m.references),
    m.subject,
    m.text,
    m.html,
    m.status,
    m.statusReason,
    m.notBefore,
    m.now,
    m.now,
  );
  return info.changes === 1 ? Number(info.lastInsertRowid) : null;
}

const SELECT = `SELECT o.id, o.idempotency_key AS idempotencyKey, o.kind, o.case_id AS caseId, c.number AS caseNumber,
  o.message_id AS messageId, o.from_addr AS "from", o.to_json AS toJson, o.reply_to AS replyTo,
  o.in_reply_to AS inReplyTo, o.references_json AS referencesJson, o.subject, o.body_text AS text,
  o.body_html AS html, o.status, o.status_reason AS statusReason, o.attempts, o.last_error AS lastError,
  o.smtp_response AS smtpResponse, o.not_before AS notBefore, o.created_at AS createdAt,
  o.updated_at AS updatedAt, o.sent_at AS sentAt
  FROM outbox o LEFT JOIN cases c ON c.id = o.case_id`;

type Raw = Omit<OutboxRow, 'to' | 'references'> & { toJson: string; referencesJson: string };

function fix({ toJson, referencesJson, ...r }: Raw): OutboxRow {
  return { ...r, to: JSON.parse(toJson) as string[], references: JSON.parse(referencesJson) as string[] };
}

export function getOutbox(db: Database, id: number): OutboxRow | null {
  const row = statement(db, `${SELECT} WHERE o.id = ?`).get(id) as Raw | undefined;
  return row ? fix(row) : null;
}

export function listOutbox(db: Database, filter: { status?: OutboxStatus | undefined; caseId?: number }): OutboxRow[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.status) {
    where.push('o.status = ?');
    args.push(filter.status);
  }
  if (filter.caseId !== undefined) {
    where.push('o.case_id = ?');
    args.push(filter.caseId);
  }
  const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY o.id`;
  return (db.prepare(sql).all(...args) as Raw[]).map(fix);
}

/**
 * Claims a pending mail for one send attempt. Atomic: of two workers, only one gets it, so a mail
 * is never handed to the SMTP server twice by a race.
 */
export function claimForSending(db: Database, id: number, now: string): boolean {
  return (
    statement(
      db,
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?
         WHERE id = ? AND status = 'pending' AND not_before <= ?`,
    ).run(now, id, now).changes === 1
  );
}

/**
 * The SMTP server took the mail. This one commit is not fsynced on its own (synchronous=NORMAL
 * for this statement; WAL makes it durable with the next fsynced commit): it halves the disk
 * flushes per sent mail. What a power loss right after it can cost is only this mark: the row
 * stays 'sending', becomes ambiguous after mail.sendingTimeoutSeconds and is reported, never
 * resent. The claim before the send stays fully durable, so a mail is never sent twice.
 */
export function markSent(db: Database, id: number, smtpResponse: string, now: string): void {
  db.pragma('synchronous = NORMAL');
  try {
    statement(
      db,
      `UPDATE outbox SET status = 'sent', smtp_response = ?, last_error = NULL, sent_at = ?, updated_at = ? WHERE id = ?`,
    ).run(smtpResponse, now, now, id);
  } finally {
    db.pragma('synchronous = FULL');
  }
}

/** After a failed attempt that is safe to repeat: back to pending, with the error kept. */
export function markRetry(db: Database, id: number, error: string, now: string): void {
  statement(db, `UPDATE outbox SET status = 'pending', last_error = ?, updated_at = ? WHERE id = ?`).run(
    error,
    now,
    id,
  );
}

export function markFinal(
  db: Database,
  id: number,
  status: 'failed' | 'ambiguous',
  reason: string,
  error: string | null,
  now: string,
): void {
  statement(
    db,
    `UPDATE outbox SET status = ?, status_reason = ?, last_error = COALESCE(?, last_error), updated_at = ? WHERE id = ?`,
  ).run(status, reason, error, now, id);
}

/** Pending mails that may be sent now. */
export function dueOutboxIds(db: Database, now: string, limit = 1000): number[] {
  return db
    .prepare(`SELECT id FROM outbox WHERE status = 'pending' AND not_before <= ? ORDER BY id LIMIT ?`)
    .pluck()
    .all(now, limit) as number[];
}

/** Pending mails with a later send time (their jobs are delayed). */
export function laterOutbox(db: Database, now: string, limit = 1000): Array<{ id: number; notBefore: string }> {
  return db
    .prepare(
      `SELECT id, not_before AS notBefore FROM outbox WHERE status = 'pending' AND not_before > ? ORDER BY id LIMIT ?`,
    )
    .all(now, limit) as Array<{ id: number; notBefore: string }>;
}

/**
 * Mails left in 'sending' since before `before`: the process sending them died, or lost track.
 * Whether the SMTP server took them is unknown.
 */
export function staleSendingIds(db: Database, before: string): number[] {
  return db
    .prepare(`SELECT id FROM outbox WHERE status = 'sending' AND updated_at < ?`)
    .pluck()
    .all(before) as number[];
}

/** Acknowledgements queued or sent to this address since `since` (the per-sender cap). */
export function countAcknowledgementsTo(db: Database, address: string, since: string): number {
  return db
    .prepare(
      `SELECT COUNT(*) FROM outbox WHERE kind = 'acknowledgement' AND to_json = ? AND created_at >= ?
       AND status != 'suppressed'`,
    )
    .pluck()
    .get(JSON.stringify([address]), since) as number;
}

/** An operator's retry of a failed or ambiguous mail. Returns false when it is in another state. */
export function requeue(db: Database, id: number, now: string): boolean {
  return (
    db
      .prepare(
        `UPDATE outbox SET status = 'pending', status_reason = NULL, not_before = ?, updated_at = ?
         WHERE id = ? AND status IN ('failed', 'ambiguous')`,
      )
      .run(now, now, id).changes === 1
  );
}
