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
  // SQLite does not always call the busy handler for this lock change, so retry it ourselves.
  retryWhileBusy(() => db.pragma('journal_mode = WAL'), 10_000);
  // FULL: a commit must survive a power loss, because the mail is moved on the server right after.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

/** Runs `fn` again while it fails with SQLITE_BUSY, for at most `timeoutMs`, waiting 20 ms between. */
function retryWhileBusy<T>(fn: () => T, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, 20); // a synchronous sleep: opening the database is synchronous
    }
  }
}
