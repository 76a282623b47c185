import type { Database } from 'better-sqlite3';
import { statement } from './statements.js';
import type { Address, Classification } from '../../domain/types.js';

export interface NewMessage {
  messageId: string;
  synthetic: boolean;
  rawSha256: string;
  rawSize: number;
  source: string;
  receivedAt: string;
  dateHeader: string | null;
  from: Address | null;
  to: Address[];
  subject: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  html: string | null;
  classification: Classification;
  reasons: string[];
  parseError: string | null;
  caseId: number | null;
  now: string;
}

/** A message as listed by `mail list`. */
export interface MessageSummary {
  id: number;
  messageId: string;
  synthetic: boolean;
  from: string | null;
  fromName: string | null;
  subject: string;
  receivedAt: string;
  classification: Classification;
  reasons: string[];
  parseError: string | null;
  caseNumber: string | null;
  rawSha256: string;
  rawSize: number;
  source: string;
}

export function insertMessage(db: Database, m: NewMessage): number {
  const info = statement(
    db,
    `INSERT INTO messages (message_id, message_id_synthetic, raw_sha256, raw_size, source, received_at, date_header,
        from_name, from_email, to_json, subject, in_reply_to, references_json, body_text, body_html,
        classification, reasons_json, parse_error, case_id, ingested_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    m.messageId,
    m.synthetic ? 1 : 0,
    m.rawSha256,
    m.rawSize,
    m.source,
    m.receivedAt,
    m.dateHeader,
    m.from?.name ?? null,
    m.from?.address ?? null,
    JSON.stringify(m.to),
    m.subject,
    m.inReplyTo,
    JSON.stringify(m.references),
    m.text,
    m.html,
    m.classification,
    JSON.stringify(m.reasons),
    m.parseError,
    m.caseId,
    m.now,
  );
  return Number(info.lastInsertRowid);
}

export function findMessageByMessageId(
  db: Database,
  messageId: string,
): { id: number; rawSha256: string; caseId: number | null } | null {
  const row = statement(
    db,
    `SELECT id, raw_sha256 AS rawSha256, case_id AS caseId FROM messages WHERE message_id = ?`,
  ).get(messageId) as { id: number; rawSha256: string; caseId: number | null } | undefined;
  return row ?? null;
}

/**
 * The case that one of `ids` belongs to: a mail we stored, or a mail we sent (the outbox), so a
 * reply to an acknowledgement threads by its Message-ID. The most recent match wins.
 */
export function findCaseIdByMessageIds(db: Database, ids: string[]): number | null {
  if (ids.length === 0) return null;
  const unique = [...new Set(ids)].slice(0, 200);
  const marks = unique.map(() => '?').join(',');
  const sent = db
    .prepare(
      `SELECT case_id FROM outbox WHERE case_id IS NOT NULL AND message_id IN (${marks}) ORDER BY id DESC LIMIT 1`,
    )
    .pluck()
    .get(...unique) as number | undefined;
  if (sent !== undefined) return sent;
  const received = db
    .prepare(
      `SELECT case_id FROM messages WHERE case_id IS NOT NULL AND message_id IN (${marks}) ORDER BY id DESC LIMIT 1`,
    )
    .pluck()
    .get(...unique) as number | undefined;
  return received ?? null;
}

const SUMMARY = `SELECT m.id, m.message_id AS messageId, m.message_id_synthetic AS synthetic, m.from_email AS "from",
  m.from_name AS fromName, m.subject, m.received_at AS receivedAt, m.classification, m.reasons_json AS reasonsJson,
  m.parse_error AS parseError, c.number AS caseNumber, m.raw_sha256 AS rawSha256, m.raw_size AS rawSize, m.source
  FROM messages m LEFT JOIN cases c ON c.id = m.case_id`;

type SummaryRow = Omit<MessageSummary, 'reasons' | 'synthetic'> & { reasonsJson: string; synthetic: number };

function toSummary({ reasonsJson, synthetic, ...r }: SummaryRow): MessageSummary {
  return { ...r, synthetic: Boolean(synthetic), reasons: JSON.parse(reasonsJson) as string[] };
}

export function listMessages(db: Database, filter: { classification?: string | undefined } = {}): MessageSummary[] {
  const rows = filter.classification
    ? db.prepare(`${SUMMARY} WHERE m.classification = ? ORDER BY m.received_at, m.id`).all(filter.classification)
    : db.prepare(`${SUMMARY} ORDER BY m.received_at, m.id`).all();
  return (rows as SummaryRow[]).map(toSummary);
}

export function messagesForCase(db: Database, caseId: number): Array<MessageSummary & { text: string }> {
  const rows = db
    .prepare(
      `${SUMMARY.replace('m.source', 'm.source, m.body_text AS text')} WHERE m.case_id = ? ORDER BY m.received_at, m.id`,
    )
    .all(caseId) as Array<SummaryRow & { text: string }>;
  return rows.map((r) => ({ ...toSummary(r), text: r.text }));
}

export interface NewAttachment {
  messageRowId: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string | null;
  inline: boolean;
  withheld: string | null;
}

export function insertAttachment(db: Database, a: NewAttachment): void {
  db.prepare(
    `INSERT INTO attachments (message_id, filename, content_type, size, sha256, inline, withheld) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(a.messageRowId, a.filename, a.contentType, a.size, a.sha256, a.inline ? 1 : 0, a.withheld);
}

export function attachmentsForMessage(
  db: Database,
  messageRowId: number,
): Array<{ filename: string; contentType: string; size: number; sha256: string | null; withheld: string | null }> {
  return db
    .prepare(
      `SELECT filename, content_type AS contentType, size, sha256, withheld FROM attachments WHERE message_id = ? ORDER BY id`,
    )
    .all(messageRowId) as Array<{
    filename: string;
    contentType: string;
    size: number;
    sha256: string | null;
    withheld: string | null;
  }>;
}
