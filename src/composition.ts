/**
 * The composition root: builds the real adapters from the configuration and hands them to the use
 * cases. Only entry points (worker, CLI) import this module.
 */
import path from 'node:path';
import { clockFromEnv } from './clock.js';
import { providerDefaults, type SecretRef } from './config/auth.js';
import { resolveSecret } from './adapters/oauth/secrets.js';
import { OAuth2TokenProvider } from './adapters/oauth/tokenProvider.js';
import { fileURLToPath } from 'node:url';
import { ContentStore } from './adapters/files.js';
import { ParserPool } from './adapters/parser/pool.js';
import { openDatabase, type Database } from './adapters/sqlite/open.js';
import type { Config } from './config/schema.js';
import { loadTemplates, type TemplateSet } from './adapters/templates/templates.js';
import { createWorkingCalendar, type WorkingCalendar } from './domain/workingCalendar.js';
import type { IntakeDeps, IntakeSettings, ProcedureContext } from './usecases/intakeMessage.js';
import type { OutgoingDeps } from './usecases/queueCaseMail.js';
import type { DeadlineDeps } from './usecases/sendDeadlineNotification.js';
import type { ReportDeliveryDeps } from './usecases/deliverReports.js';

/** Where the shipped templates are: templates/ at the package root (same from src/ and dist/). */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL('../templates/', import.meta.url));

export function workingCalendar(config: Config): WorkingCalendar {
  const c = config.calendar;
  return createWorkingCalendar({
    timezone: c.timezone,
    goodFridayOff: c.goodFridayOff,
    liberationDay: c.liberationDay,
    extraClosedDays: c.extraClosedDays,
    businessHours: c.businessHours,
  });
}

/** The procedure profile named by `procedure` (load.ts checked that it exists). */
export function procedureContext(
  config: Config,
  calendar: WorkingCalendar = workingCalendar(config),
): ProcedureContext {
  const profile = config.procedures[config.procedure]!;
  return {
    name: config.procedure,
    locale: profile.locale,
    rules: { contact: profile.contact, feedback: profile.feedback } as ProcedureContext['rules'],
    escalationContacts: profile.escalationContacts,
    calendar,
  };
}

/** Templates compiled and checked now: a broken override stops the start with file and line. */
export function templateSet(config: Config): TemplateSet {
  return loadTemplates({
    builtinDir: BUILTIN_TEMPLATES,
    overrideDir: config.mail.templatesDir ?? null,
    timezone: config.calendar.timezone,
  });
}

/** Who is told about deadlines, and when (the pure planner's policy). */
export function deadlineDeps(config: Config, outgoing: OutgoingDeps, calendar: WorkingCalendar): DeadlineDeps {
  const role = (r: string) => config.staff.members.filter((m) => m.role === r).map((m) => m.email);
  const managers = config.mail.managerNotice.to.length ? config.mail.managerNotice.to : role('manager');
  const handlers = role('handler');
  return {
    calendar,
    policy: {
      reminder: config.deadlines.reminder,
      directorAfterWorkingDays: config.deadlines.directorAfterWorkingDays,
    },
    outgoing,
    recipients: {
      team: config.deadlines.team.length ? config.deadlines.team : handlers.length ? handlers : managers,
      managers,
      directors: role('director'),
      staff: config.staff.members.map((m) => ({ name: m.name, email: m.email })),
    },
  };
}

/**
 * The token source of a connection configured with OAuth2, or undefined for password auth. Secrets
 * are resolved here (from env or file); a missing one is a configuration error.
 */
export function tokenSourceFor(
  config: Config,
  use: 'imap' | 'smtp',
  env: NodeJS.ProcessEnv = process.env,
): OAuth2TokenProvider | undefined {
  const a = use === 'imap' ? config.imap.auth : config.smtp.auth;
  if (!a || a.type !== 'oauth2') return undefined;
  const where = `${use}.auth`;
  const url = use === 'imap' ? config.imap.url : config.smtp.url;
  const d = providerDefaults(a, use);
  const secret = (r: SecretRef | undefined, name: string) =>
    r ? resolveSecret(r, `${where}.${name}`, env) : undefined;
  return new OAuth2TokenProvider({
    grant: a.grant,
    user: a.user ?? decodeURIComponent(url ? new URL(url).username : ''),
    tokenUrl: a.tokenUrl ?? d.tokenUrl,
    scope: a.scope ?? d.scope,
    clientId: a.clientId,
    clientSecret: secret(a.clientSecret, 'clientSecret'),
    clientCertificate: a.clientCertificate
      ? {
          key: secret(a.clientCertificate.key, 'clientCertificate.key')!,
          cert: secret(a.clientCertificate.cert, 'clientCertificate.cert')!,
        }
      : undefined,
    refreshToken: secret(a.refreshToken, 'refreshToken'),
    command: a.command,
  });
}

/** The scheduled reports: to the directors (else the managers) unless `reports.to` says otherwise. */
export function reportDeps(config: Config, outgoing: OutgoingDeps, calendar: WorkingCalendar): ReportDeliveryDeps {
  const role = (r: string) => config.staff.members.filter((m) => m.role === r).map((m) => m.email);
  const directors = role('director');
  return {
    calendar,
    settings: outgoing.settings,
    recipients: config.reports.to.length ? config.reports.to : directors.length ? directors : role('manager'),
    quarterly: config.reports.quarterly,
    yearly: config.reports.yearly,
    catchUpDays: config.reports.catchUpDays,
  };
}

export function outgoingDeps(config: Config, templates: TemplateSet = templateSet(config)): OutgoingDeps | undefined {
  if (!config.complaintsAddress) return undefined;
  const managers = config.mail.managerNotice.to.length
    ? config.mail.managerNotice.to
    : config.staff.members.filter((m) => m.role === 'manager').map((m) => m.email);
  return {
    templates,
    settings: {
      from: config.mail.from ?? `"${config.organisation.name.replace(/"/g, '')}" <${config.complaintsAddress}>`,
      complaintsAddress: config.complaintsAddress,
      organisationName: config.organisation.name,
      messageIdDomain: config.intake.messageIdDomain,
      ownAddresses: config.intake.ownAddresses,
      acknowledgement: config.mail.acknowledgement,
      managerNotice: { enabled: config.mail.managerNotice.enabled, to: managers },
      webBaseUrl: webBaseUrl(config),
    },
  };
}

/**
 * The address of the web workspace: web.baseUrl, else (when the workspace runs) its own host and
 * port. Null when the workspace is off and no baseUrl is set: mails then carry no link.
 */
export function webBaseUrl(config: Config): string | null {
  if (config.web.baseUrl) return config.web.baseUrl.replace(/\/+$/, '');
  if (!config.web.enabled || config.web.port === 0) return null;
  const host = config.web.host.includes(':') ? `[${config.web.host}]` : config.web.host;
  return `http://${host}:${config.web.port}`;
}

export function intakeSettings(config: Config): IntakeSettings {
  return {
    complaintsAddress: config.complaintsAddress ?? null,
    ownAddresses: config.intake.ownAddresses,
    messageIdDomain: config.intake.messageIdDomain,
    numberPrefix: config.cases.numberPrefix,
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
export function createIntakeRuntime(config: Config, now: () => Date = clockFromEnv(process.env)): IntakeRuntime {
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
    procedure: procedureContext(config),
    outgoing: config.smtp.url && config.redis.url ? outgoingDeps(config) : undefined,
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
