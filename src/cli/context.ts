import type { Command } from 'commander';
import { createLogger, type Logger } from '../adapters/logger.js';
import { openDatabase, type Database } from '../adapters/sqlite/open.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

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
