// The real Klachtenbus worker as a child process of the benchmark: writes its config, starts
// `node bin/klachtenbus.js start --config FILE` and follows its JSON log lines (stdout).
//
// Why a child process and the compiled CLI: the benchmark measures what an operator runs, with the
// worker's own memory (see rss.mjs) and without the benchmark's code in its event loop. The log is
// only counted (events by name, with the time each was seen), never kept whole, so following
// 10,000 mails costs the benchmark next to nothing.
import { spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { CLIENT_DOMAINS } from './generate.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'klachtenbus.js');

/**
 * The worker's config: the product's defaults except the connections, the data dir, a Redis prefix
 * of its own, staff (one manager, who gets the manager notice) and the generator's client domains.
 * JSON is YAML, so the file is JSON.
 * @param {string} file
 * @param {{ imapUrl: string, smtpPort: number, redisUrl: string, prefix: string, dataDir: string,
 *           afterIngest: 'move' | 'flag' | 'none', managerNotice: boolean }} o
 */
export function writeWorkerConfig(file, o) {
  const config = {
    complaintsAddress: 'klachten@studijob.test',
    organisation: { name: 'StudiJob' },
    procedure: 'studijob',
    dataDir: o.dataDir,
    imap: { url: o.imapUrl, afterIngest: o.afterIngest },
    smtp: { url: `smtp://127.0.0.1:${o.smtpPort}` },
    redis: { url: o.redisUrl, prefix: o.prefix },
    intake: { messageIdDomain: 'klachtenbus.test' },
    mail: { managerNotice: { enabled: o.managerNotice } },
    staff: {
      domains: ['studijob.test'],
      members: [{ name: 'Debby Kooiman', email: 'debby@studijob.test', role: 'manager' }],
    },
    complainants: { clientDomains: CLIENT_DOMAINS },
    // Measured on its own (bench/web.mjs); here it would only take a port.
    web: { enabled: false },
    log: { level: 'info' },
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** A log line's time in epoch ms (pino writes ISO strings here; epoch numbers by default). */
export function epochOf(line) {
  const t = typeof line.time === 'string' ? Date.parse(line.time) : line.time;
  return Number.isFinite(t) ? t : null;
}

/** The worker process with counted log events. */
export class WorkerProcess {
  /**
   * @param {string} configFile @param {string} [logFile] a copy of the log (kept with --keep)
   * @param {string[]} [nodeArgs] e.g. --cpu-prof for --profile (not allowed in NODE_OPTIONS)
   */
  constructor(configFile, logFile, nodeArgs = []) {
    /** event name -> { count, first, last } (performance.now() ms when seen) */
    this.events = new Map();
    /** pino `time` (epoch ms) of every intake.committed and outbox.sent line, for the timeline */
    this.times = { 'intake.committed': [], 'outbox.sent': [] };
    /** the last 40 log lines, for error messages */
    this.tail = [];
    /** warn/error lines (level >= 40), first 20 kept */
    this.problems = [];
    this.problemCount = 0;
    this.stderr = '';
    this.listeners = new Set();
    // No KLACHTENBUS_* from our environment: they would override the config file.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KLACHTENBUS_')));
    this.startedAt = performance.now();
    this.startedEpoch = Date.now();
    this.child = spawn(process.execPath, [...nodeArgs, BIN, 'start', '--config', configFile], {
      env,
      cwd: dirname(configFile),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.pid = this.child.pid;
    let buf = '';
    if (logFile) this.child.stdout.pipe(createWriteStream(logFile));
    this.child.stdout.on('data', (d) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        this.onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    this.child.stderr.on('data', (d) => {
      if (this.stderr.length < 20_000) this.stderr += d;
    });
    this.exitCode = undefined;
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exitCode = signal ? signal : code;
        this.listeners.forEach((l) => l(null));
        resolve(this.exitCode);
      }),
    );
  }

  onLine(text) {
    const at = performance.now();
    this.tail.push(text);
    if (this.tail.length > 40) this.tail.shift();
    let line;
    try {
      line = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof line.level === 'number' && line.level >= 40) {
      this.problemCount++;
      if (this.problems.length < 20) this.problems.push(line);
    }
    const name = line.event;
    if (typeof name !== 'string') return;
    if (this.times[name]) this.times[name].push(epochOf(line) ?? Date.now());
    const e = this.events.get(name);
    if (e) {
      e.count++;
      e.last = at;
    } else this.events.set(name, { count: 1, first: at, last: at });
    this.listeners.forEach((l) => l(line));
  }

  count(event) {
    return this.events.get(event)?.count ?? 0;
  }

  /** Seconds since spawn at which `event` was first / last seen, or null. */
  seen(event, which = 'last') {
    const e = this.events.get(event);
    return e ? (e[which] - this.startedAt) / 1000 : null;
  }

  /** Resolves with the first log line for which `pred` holds; rejects on exit or timeout. */
  waitFor(pred, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const done = (fn, v) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        fn(v);
      };
      const listener = (line) => {
        if (line === null)
          done(reject, new Error(`the worker exited (${this.exitCode}) waiting for ${what}\n${this.describe()}`));
        else if (pred(line)) done(resolve, line);
      };
      const timer = setTimeout(
        () => done(reject, new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.describe()}`)),
        timeoutMs,
      );
      if (this.exitCode !== undefined) listener(null);
      else this.listeners.add(listener);
    });
  }

  describe() {
    return `stderr: ${this.stderr.slice(-2000)}\nlast log lines:\n${this.tail.slice(-15).join('\n')}`;
  }

  /** SIGTERM (the worker finishes its batch and exits 0); SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000) {
    if (this.exitCode !== undefined) return this.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
