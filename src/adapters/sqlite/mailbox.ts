import type { Database } from 'better-sqlite3';

/** IMAP sync state. UIDVALIDITY is kept as text (see 0001_init.sql). */
export interface MailboxState {
  uidvalidity: string | null;
  lastUid: number;
}

export function getMailboxState(db: Database, mailbox: string): MailboxState {
  const row = db
    .prepare(`SELECT uidvalidity, last_uid AS lastUid FROM mailbox_state WHERE mailbox = ?`)
    .get(mailbox) as MailboxState | undefined;
  return row ?? { uidvalidity: null, lastUid: 0 };
}

export function setMailboxState(db: Database, mailbox: string, state: MailboxState, now: string): void {
  db.prepare(
    `INSERT INTO mailbox_state (mailbox, uidvalidity, last_uid, last_full_sync_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,
       last_full_sync_at = excluded.last_full_sync_at`,
  ).run(mailbox, state.uidvalidity, state.lastUid, now);
}

/** Records that a UID was committed (as message row `messageRowId`). Idempotent. */
export function recordUid(db: Database, mailbox: string, uidvalidity: string, uid: number, messageRowId: number): void {
  db.prepare(
    `INSERT INTO mailbox_uids (mailbox, uidvalidity, uid, message_row_id) VALUES (?, ?, ?, ?)
     ON CONFLICT DO NOTHING`,
  ).run(mailbox, uidvalidity, uid, messageRowId);
}

/** The UIDs (of this UIDVALIDITY) already committed, from the given ones. */
export function knownUids(db: Database, mailbox: string, uidvalidity: string, uids: number[]): Set<number> {
  const known = new Set<number>();
  const stmt = db.prepare(`SELECT uid FROM mailbox_uids WHERE mailbox = ? AND uidvalidity = ? AND uid = ?`).pluck();
  for (const uid of uids) if (stmt.get(mailbox, uidvalidity, uid) !== undefined) known.add(uid);
  return known;
}

/** Committed UIDs whose flag/move has not been confirmed yet (e.g. the worker died in between). */
export function pendingDoneUids(db: Database, mailbox: string, uidvalidity: string): number[] {
  return db
    .prepare(`SELECT uid FROM mailbox_uids WHERE mailbox = ? AND uidvalidity = ? AND done = 0 ORDER BY uid`)
    .pluck()
    .all(mailbox, uidvalidity) as number[];
}

export function markUidsDone(db: Database, mailbox: string, uidvalidity: string, uids: number[]): void {
  const stmt = db.prepare(`UPDATE mailbox_uids SET done = 1 WHERE mailbox = ? AND uidvalidity = ? AND uid = ?`);
  db.transaction(() => {
    for (const uid of uids) stmt.run(mailbox, uidvalidity, uid);
  })();
}
