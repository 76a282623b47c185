import type { Database } from 'better-sqlite3';
import { statement } from './statements.js';

export interface EventRow {
  id: number;
  caseId: number | null;
  messageId: number | null;
  at: string;
  actor: string;
  type: string;
  data: Record<string, unknown>;
}

/** Appends to the audit trail. The table refuses updates and deletes (triggers in 0001_init.sql). */
export function appendEvent(
  db: Database,
  e: { caseId: number | null; messageId?: number | null; at: string; actor: string; type: string; data?: object },
): void {
  statement(db, `INSERT INTO events (case_id, message_id, at, actor, type, data_json) VALUES (?, ?, ?, ?, ?, ?)`).run(
    e.caseId,
    e.messageId ?? null,
    e.at,
    e.actor,
    e.type,
    JSON.stringify(e.data ?? {}),
  );
}

export function eventsForCase(db: Database, caseId: number): EventRow[] {
  const rows = db
    .prepare(
      `SELECT id, case_id AS caseId, message_id AS messageId, at, actor, type, data_json AS dataJson
       FROM events WHERE case_id = ? ORDER BY id`,
    )
    .all(caseId) as Array<Omit<EventRow, 'data'> & { dataJson: string }>;
  return rows.map(({ dataJson, ...r }) => ({ ...r, data: JSON.parse(dataJson) as Record<string, unknown> }));
}
