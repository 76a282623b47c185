/**
 * The composition root: builds the real adapters from the configuration and hands them to the use
 * cases. Only entry points (worker, CLI) import this module.
 */
import path from 'node:path';
import { ContentStore } from './adapters/files.js';
import { ParserPool } from './adapters/parser/pool.js';
import { openDatabase, type Database } from './adapters/sqlite/open.js';
import type { Config } from './config/schema.js';
import type { IntakeDeps, IntakeSettings } from './usecases/intakeMessage.js';

export function intakeSettings(config: Config): IntakeSettings {
  return {
    complaintsAddress: config.complaintsAddress ?? null,
    ownAddresses: config.intake.ownAddresses,
    messageIdDomain: config.intake.messageIdDomain,
    numberPrefix: config.cases.numberPrefix,
    timezone: config.cases.timezone,
    replyToClosedCase: config.intake.replyToClosedCase,
    staffDomains: config.staff.domains,
    staffMembers: config.staff.members.map((m) => m.email),
    clientDomains: config.complainants.clientDomains,
    tempWorkerDomains: config.complainants.tempWorkerDomains,
  };
}

export interface IntakeRuntime {
  db: Database;
  pool: ParserPool;
  deps: IntakeDeps;
  close(): Promise<void>;
}

/** The database, content stores and parser threads intake runs on. */
export function createIntakeRuntime(config: Config, now: () => Date = () => new Date()): IntakeRuntime {
  const db = openDatabase(config.dataDir);
  const pool = new ParserPool({
    threads: config.intake.parserThreads,
    timeoutMs: config.intake.parseTimeoutMs,
    maxAttachmentBytes: config.intake.maxAttachmentBytes,
  });
  const deps: IntakeDeps = {
    db,
    rawStore: new ContentStore(path.join(config.dataDir), 'raw', '.eml'),
    attachmentStore: new ContentStore(path.join(config.dataDir), 'attachments', ''),
    parse: (raw) => pool.parse(raw),
    now,
    settings: intakeSettings(config),
  };
  return {
    db,
    pool,
    deps,
    async close() {
      await pool.close();
      db.close();
    },
  };
}
