import type { Database } from 'better-sqlite3';

const secrets = new WeakMap<Database, string>();

/** This installation's random secret (migration 0007), read once per database connection. */
export function installationSecret(db: Database): string {
  let secret = secrets.get(db);
  if (secret === undefined) {
    secret = db.prepare(`SELECT secret FROM installation WHERE id = 1`).pluck().get() as string;
    secrets.set(db, secret);
  }
  return secret;
}
