import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { testStack } from './mailstack.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/klachtenbus.js');

export interface LogLine {
  event?: string;
  msg?: string;
  level?: number;
  [k: string]: unknown;
}

/** Where a test's worker sends mail: the shared stack's SMTP and Redis, unless a test brings its own. */
export interface MailTarget {
  smtpPort: number;
  redisUrl: string;
}

/**
 * Writes a config file for a test in a fresh temp dir and returns its path (data dir beside it).
 * Mail goes to the shared stack's SMTP capture server, with a Redis key prefix of its own so that
 * workers of parallel tests never see each other's jobs.
 */
export function writeTestConfig(
  imapUrl: string,
  over: Record<string, unknown> = {},
  target: MailTarget = { smtpPort: testStack().smtp.port, redisUrl: testStack().redis.url },
): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-it-'));
  const file = path.join(dir, 'config.yaml');
  const base = {
    complaintsAddress: 'klachten@studijob.test',
    organisation: { name: 'StudiJob' },
    dataDir: './data',
    imap: {
      url: imapUrl,
      pollIntervalSeconds: 5,
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000 },
      connectTimeoutSeconds: 5,
      ...((over.imap as object) ?? {}),
    },
    smtp: { url: `smtp://127.0.0.1:${target.smtpPort}` },
    redis: { url: target.redisUrl, prefix: `t${randomBytes(6).toString('hex')}` },
    staff: { domains: ['studijob.test'] },
    complainants: { clientDomains: ['bouwbedrijf-devries.test'], tempWorkerDomains: [] },
    intake: { messageIdDomain: 'klachtenbus.test', ...((over.intake as object) ?? {}) },
    mail: {
      attempts: 3,
      backoffMs: 100,
      reconcileIntervalSeconds: 1,
      sendingTimeoutSeconds: 10,
      ...((over.mail as object) ?? {}),
    },
    log: { level: 'info' },
  };
  // The web workspace only where a test asks for it: parallel workers would fight over its port.
  const web = { enabled: false, ...((over.web as object) ?? {}) };
  writeFileSync(file, stringify({ ...base, ...over, imap: base.imap, intake: base.intake, mail: base.mail, web }));
  return file;
}

/** The real worker (`klachtenbus start`) as a child process, with its JSON log lines collected. */
export class WorkerProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private listeners: Array<() => void> = [];
  stderr = '';

  constructor(configFile: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [BIN, 'start', '--config', configFile], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
        this.listeners.forEach((l) => l());
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.listeners.forEach((l) => l());
        resolve(signal ? null : code);
      }),
    );
  }

  /** The worker's process id (for /proc/<pid>/status, e.g. its peak RSS). */
  get pid(): number {
    return this.child.pid!;
  }

  count(event: string): number {
    return this.logs.filter((l) => l.event === event).length;
  }

  /** Resolves when `pred` holds for the collected logs; fails with the log tail on timeout or exit. */
  waitForLog(pred: (logs: LogLine[]) => boolean, timeoutMs = 20000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pred(this.logs)) {
          cleanup();
          resolve();
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          cleanup();
          reject(new Error(`worker exited; stderr: ${this.stderr}\nlogs: ${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for worker log; stderr: ${this.stderr}\nlogs: ${this.tail()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
      };
      this.listeners.push(check);
      check();
    });
  }

  /** Waits until the worker has synced and is waiting for mail, `n` times in all. */
  waitIdle(n = 1, timeoutMs?: number): Promise<void> {
    return this.waitForLog((logs) => logs.filter((l) => l.event === 'imap.idle').length >= n, timeoutMs);
  }

  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    return this.exited;
  }

  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  private tail(): string {
    return this.logs
      .slice(-15)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }
}

/** Runs a CLI command to completion. */
export function cli(
  args: string[],
  env: Record<string, string> = {},
): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliJson<T>(configFile: string, args: string[], env: Record<string, string> = {}): T {
  const r = cli(['--config', configFile, ...args, '--json'], env);
  if (r.code !== 0) throw new Error(`klachtenbus ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface CaseJson {
  number: string;
  status: string;
  needsReview: boolean;
  receivedAt: string;
  registeredBy: string;
  complainant: { name: string | null; email: string | null; type: string };
  subject: string;
  description: string;
  handler: string | null;
}

export interface MailJson {
  messageId: string;
  messageIdSynthesised: boolean;
  from: string | null;
  subject: string;
  classification: string;
  caseNumber: string | null;
  reasons: string[];
}

/** The Redis key prefix of a test config's queues. */
export function redisPrefix(configFile: string): string {
  return (parse(readFileSync(configFile, 'utf8')) as { redis: { prefix: string } }).redis.prefix;
}

/** The ids of the reminder and escalation jobs waiting in Redis for a test config's worker, sorted. */
export async function deadlineJobIds(configFile: string): Promise<string[]> {
  const connection = new Redis(testStack().redis.url, { maxRetriesPerRequest: null });
  const queue = new Queue('klachtenbus-deadlines', { connection, prefix: redisPrefix(configFile) });
  try {
    return (await queue.getJobs(['delayed', 'waiting'])).map((j) => j.id!).sort();
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
