import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../../src/adapters/sqlite/migrate.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';

describe('migrate', () => {
  test('applies every migration once; a second run changes nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kb-mig-'));
    const db = openDatabase(dir);
    const version = db.pragma('user_version', { simple: true }) as number;
    expect(version).toBeGreaterThanOrEqual(2);
    expect(migrate(db)).toBe(version);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'outbox'").pluck().get()).toBe(1);
  });

  test('a database from a newer version is refused with a clear error', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kb-mig-'));
    const db = new BetterSqlite3(path.join(dir, 'x.sqlite'));
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(/schema version 999, newer than this Klachtenbus knows/);
  });
});
