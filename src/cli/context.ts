import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { DateTime } from 'luxon';
import { KlachtenbusError } from '../errors.js';
import { clockFromEnv } from '../clock.js';
import { createLogger, type Logger } from '../adapters/logger.js';
import { openDatabase, type Database } from '../adapters/sqlite/open.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** Now, as the CLI sees it: KLACHTENBUS_NOW sets it, as for the worker (tests and demos only). */
export function cliNow(env: NodeJS.ProcessEnv = process.env): Date {
  return clockFromEnv(env)();
}

/** The configuration (parsed once) and a logger, for a command. */
export function commandContext(cmd: Command, logTo: 1 | 2 = 2): { config: Config; log: Logger } {
  const opts = cmd.optsWithGlobals<{ config?: string }>();
  const config = loadConfig({ file: opts.config, env: process.env, cwd: process.cwd() });
  const log = createLogger({ level: config.log.level, destination: logTo });
  return { config, log };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Runs a read command against the database of the configured data dir, closing it afterwards. */
export function withDatabase<T>(cmd: Command, fn: (db: Database) => T): T {
  const { config } = commandContext(cmd);
  const db = openDatabase(config.dataDir);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/**
 * A moment given on the command line: ISO 8601, with or without an offset; without one it is read
 * in the configured timezone (Europe/Amsterdam), and a bare date means 17:00 that day.
 */
export function parseInstant(value: string, zone: string, what: string): Date {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T17:00` : value;
  const d = DateTime.fromISO(text, { zone, setZone: false });
  if (!d.isValid) throw new KlachtenbusError('INPUT_INVALID', `${what}: not an ISO 8601 date or time: ${value}`);
  return d.toJSDate();
}

/** Who runs a command, for the audit trail: --by, else KLACHTENBUS_USER, else the OS user. */
export function actorName(by: string | undefined): string {
  if (by?.trim()) return by.trim();
  if (process.env.KLACHTENBUS_USER?.trim()) return process.env.KLACHTENBUS_USER.trim();
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}
