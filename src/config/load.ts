import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.js';
import { authProblems } from './auth.js';
import { BUILTIN_PROFILES, profileSchema } from './profiles.js';
import { configSchema, type Config } from './schema.js';

/** Environment variables that override connection settings from the file. */
export const ENV_OVERRIDES = {
  KLACHTENBUS_IMAP_URL: ['imap', 'url'],
  KLACHTENBUS_SMTP_URL: ['smtp', 'url'],
  KLACHTENBUS_REDIS_URL: ['redis', 'url'],
  KLACHTENBUS_DATA_DIR: ['dataDir'],
  KLACHTENBUS_COMPLAINTS_ADDRESS: ['complaintsAddress'],
  KLACHTENBUS_LOG_LEVEL: ['log', 'level'],
} as const;

export interface LoadOptions {
  /** Path of the YAML file; falls back to env KLACHTENBUS_CONFIG; none means defaults + env. */
  file?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * Reads, merges and validates the configuration once. Throws ConfigError listing every problem.
 * A relative `dataDir` is resolved against the config file's folder (so the worker finds the same
 * data whatever its working directory), or against `cwd` when it comes from the environment.
 */
export function loadConfig(opts: LoadOptions): Config {
  const file = opts.file ?? opts.env.KLACHTENBUS_CONFIG;
  const problems: string[] = [];
  let raw: Record<string, unknown> = {};
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
      if (parsed === null || parsed === undefined) raw = {};
      else if (typeof parsed === 'object' && !Array.isArray(parsed)) raw = parsed as Record<string, unknown>;
      else problems.push(`${file}: the top level must be a mapping of options`);
    } catch (err) {
      const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new ConfigError([`${file}: cannot read or parse: ${msg}`]);
    }
  }
  let dataDirFromEnv = false;
  for (const [name, keyPath] of Object.entries(ENV_OVERRIDES)) {
    const value = opts.env[name];
    if (value === undefined || value === '') continue;
    setPath(raw, keyPath, value);
    if (name === 'KLACHTENBUS_DATA_DIR') dataDirFromEnv = true;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      problems.push(`${where}: ${issue.message}`);
    }
  }
  if (result.success) {
    problems.push(...checkUrls(result.data));
    problems.push(...mergeProfiles(result.data));
    problems.push(...authProblems('imap.auth', result.data.imap.auth, 'imap'));
    problems.push(...authProblems('smtp.auth', result.data.smtp.auth, 'smtp'));
    if (!isValidTimezone(result.data.calendar.timezone))
      problems.push(`calendar.timezone: unknown timezone "${result.data.calendar.timezone}"`);
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  const config = result.data;
  const base = file && !dataDirFromEnv ? path.dirname(path.resolve(opts.cwd, file)) : opts.cwd;
  config.dataDir = path.resolve(base, config.dataDir);
  if (config.mail.templatesDir && file)
    config.mail.templatesDir = path.resolve(path.dirname(path.resolve(opts.cwd, file)), config.mail.templatesDir);
  return config;
}

/** Problems a command has when an option it needs is missing. */
export function requireOptions(config: Config, needs: Array<'imap' | 'complaintsAddress'>): void {
  const problems: string[] = [];
  if (needs.includes('imap') && !config.imap.url) problems.push('imap.url: required (or set KLACHTENBUS_IMAP_URL)');
  if (needs.includes('complaintsAddress') && !config.complaintsAddress)
    problems.push('complaintsAddress: required (or set KLACHTENBUS_COMPLAINTS_ADDRESS)');
  if (problems.length > 0) throw new ConfigError(problems);
}

/** Adds the shipped profiles under the configured ones and checks that the chosen one exists. */
function mergeProfiles(config: Config): string[] {
  const builtin = Object.fromEntries(Object.entries(BUILTIN_PROFILES).map(([k, v]) => [k, profileSchema.parse(v)]));
  config.procedures = { ...builtin, ...config.procedures };
  if (config.procedures[config.procedure]) return [];
  return [`procedure: unknown profile "${config.procedure}" (known: ${Object.keys(config.procedures).join(', ')})`];
}

function isValidTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkUrls(config: Config): string[] {
  const problems: string[] = [];
  const check = (key: string, value: string | undefined, schemes: string[]) => {
    if (!value) return;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${key}: not a valid URL`); // the value itself may hold a password: not echoed
      return;
    }
    if (!schemes.includes(url.protocol.replace(/:$/, '')))
      problems.push(`${key}: scheme must be one of ${schemes.join(', ')} (got ${url.protocol})`);
    if (!url.hostname) problems.push(`${key}: host is missing`);
  };
  check('imap.url', config.imap.url, ['imap', 'imaps']);
  check('smtp.url', config.smtp.url, ['smtp', 'smtps']);
  check('redis.url', config.redis.url, ['redis', 'rediss']);
  return problems;
}

function setPath(obj: Record<string, unknown>, keyPath: readonly string[], value: string): void {
  let node = obj;
  for (const key of keyPath.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keyPath[keyPath.length - 1] as string] = value;
}

/** The parts of an IMAP URL, with credentials percent-decoded. */
export interface ImapTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

export function parseImapUrl(value: string): ImapTarget {
  const url = new URL(value);
  const secure = url.protocol === 'imaps:';
  const mailbox = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(url.username),
    pass: decodeURIComponent(url.password),
    mailbox,
  };
}
