import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrate.js';

export type { Database };

/**
 * Opens (creating if needed) the system of record: `<dataDir>/klachtenbus.sqlite`, WAL mode,
 * foreign keys on, migrations applied. `busy_timeout` lets a CLI command and the worker share it.
 */
export function openDatabase(dataDir: string): Database {
  mkdirSync(dataDir, { recursive: true });
  const db = new BetterSqlite3(path.join(dataDir, 'klachtenbus.sqlite'));
  // First: switching to WAL needs a moment of exclusive access, and a process opening the same new
  // database at that moment must wait for it, not fail with SQLITE_BUSY.
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  // FULL: a commit must survive a power loss, because the mail is moved on the server right after.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}
