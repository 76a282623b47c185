import { readdirSync, readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { KlachtenbusError } from '../../errors.js';

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/**
 * Applies the numbered migrations (`NNNN_name.sql`) not applied yet, each in its own transaction,
 * in order. `PRAGMA user_version` records the highest applied number, so a database made by a newer
 * version is refused instead of being silently misread.
 */
export function migrate(db: Database): number {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
  const current = db.pragma('user_version', { simple: true }) as number;
  const latest = files.length > 0 ? Number(files[files.length - 1]!.slice(0, 4)) : 0;
  if (current > latest) {
    throw new KlachtenbusError(
      'STORE_MIGRATION_FAILED',
      `the database is at schema version ${current}, newer than this Klachtenbus knows (${latest}); upgrade Klachtenbus`,
    );
  }
  for (const file of files) {
    const version = Number(file.slice(0, 4));
    if (version <= current) continue;
    const sql = readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8');
    try {
      // IMMEDIATE, and the version read again inside: two processes starting on a new database at
      // once must not both apply the same migration.
      db.transaction(() => {
        if ((db.pragma('user_version', { simple: true }) as number) >= version) return;
        db.exec(sql);
        db.pragma(`user_version = ${version}`);
      }).immediate();
    } catch (err) {
      throw new KlachtenbusError('STORE_MIGRATION_FAILED', `migration ${file} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return latest;
}
