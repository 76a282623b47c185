#!/usr/bin/env node
// `npm run bench` (issue 6): how fast Klachtenbus turns a full complaints mailbox into cases and
// acknowledgements, compared with what the same libraries manage without any product logic; how
// long one customer waits for the acknowledgement; and how much memory the worker needs.
//
//   node bench/run.mjs [--n 1000] [--latency 20] [--seed S] [--after-ingest move|flag|none]
//                      [--no-manager-notice] [--baseline-nodelay] [--keep] [--profile DIR]
//
// Steps, each in its own module:
//   1. generate.mjs     N deterministic mails (vocabulary.mjs), written by maildir.mjs straight into
//                       two fresh Maildirs (the second by hard links)
//   2. baseline.mjs     one process: imapflow + mailparser + better-sqlite3 + BullMQ + nodemailer
//   3. klachtenbus.mjs  the real worker (bin/klachtenbus.js start) from empty to done; rss.mjs
//                       samples its peak RSS meanwhile
//   4. latency.mjs      the same worker, idle: APPEND one mail at a time -> acknowledgement captured
// Everything runs on a private mail stack (scripts/mailstack.mjs: Dovecot, Redis, SMTP capture)
// in a temp dir, which is removed afterwards unless --keep. Every process started here is stopped
// on success, failure and Ctrl-C.
//
// --profile DIR writes V8 CPU profiles of the worker (.cpuprofile, open in Chrome DevTools) into
// DIR; profiling slows the worker down, so figures from such a run are not results.
//
// Output: progress on stderr; then one JSON line on stdout (also saved as bench/out/<time>.json)
// and a small table on stderr (so stdout stays one parseable line).
//
// Expects a built dist/ (`npm run build`; the npm script does that first).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readStackState, startMailStack } from '../scripts/mailstack.mjs';
import { generateMails } from './generate.mjs';
import { ensureMaildir, linkMaildir, writeMaildir } from './maildir.mjs';
import { captureCount, runKlachtenbus } from './klachtenbus.mjs';
import { runLatency } from './latency.mjs';
import { sampleRss } from './rss.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const log = (s) => process.stderr.write(`${s}\n`);

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    seed: { type: 'string', default: 'klachtenbus-bench-1' },
    'after-ingest': { type: 'string', default: 'move' },
    'no-manager-notice': { type: 'boolean', default: false },
    'baseline-nodelay': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    profile: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  log(
    'usage: node bench/run.mjs [--n 1000] [--latency 20] [--seed S] [--after-ingest move|flag|none] ' +
      '[--no-manager-notice] [--baseline-nodelay] [--keep] [--profile DIR]',
  );
  process.exit(0);
}
const N = Number(args.n);
const M = Number(args.latency);
const afterIngest = args['after-ingest'];
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(M) || M < 0 || !['move', 'flag', 'none'].includes(afterIngest)) {
  log('bench: --n must be >= 1, --latency >= 0, --after-ingest move|flag|none');
  process.exit(2);
}
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
  log('bench: dist/ is missing; run `npm run build` first (npm run bench does)');
  process.exit(2);
}

// ---------------------------------------------------------------- cleanup, whatever happens

/** Things to stop, newest first: { name, fn }. */
const cleanups = [];
let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c.fn();
      } catch (err) {
        log(`bench: cleanup of ${c.name} failed: ${err?.message ?? err}`);
      }
    }
  })();
  return cleaning;
}
process.on('uncaughtException', (err) => {
  log(`bench: ${err?.stack ?? err}`);
  cleanup().finally(() => process.exit(1));
});
/* global AbortController */
/** Tells the running phase to give up (the mail stack's own signal handler kills it at once). */
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (abort.signal.aborted) return;
    abort.abort();
    log(`bench: ${sig}, stopping everything`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- facts about the run

function lockVersions() {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  const v = (p) => lock.packages?.[`node_modules/${p}`]?.version ?? null;
  return {
    klachtenbus: lock.packages?.['']?.version ?? null,
    node: process.versions.node,
    imapflow: v('imapflow'),
    mailparser: v('mailparser'),
    'better-sqlite3': v('better-sqlite3'),
    bullmq: v('bullmq'),
    ioredis: v('ioredis'),
    nodemailer: v('nodemailer'),
    'smtp-server': v('smtp-server'),
  };
}

function tryRun(cmd, argv) {
  try {
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? null,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()}`,
    loadAvgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

// ---------------------------------------------------------------- the phases

/** Runs baseline.mjs as a child process (its own memory and event loop); resolves its result. */
function runBaselineChild(options) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(HERE, 'baseline.mjs'), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanups.push({ name: 'baseline', fn: () => child.exitCode === null && child.kill('SIGKILL') });
    const rss = sampleRss(child.pid, 100);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      const mem = rss.stop();
      if (code !== 0) return reject(new Error(`baseline exited with ${code}`));
      resolve({ ...JSON.parse(out.trim().split('\n').pop()), peakRssMb: mem.peakMb, cpuSeconds: mem.cpuSeconds });
    });
  });
}

async function main() {
  const started = new Date();
  const facts = { date: started.toISOString(), machine: machine(), versions: lockVersions() };
  facts.versions.dovecot = tryRun(findSbin('dovecot'), ['--version']);
  facts.versions.redis = tryRun('redis-server', ['--version'])?.match(/v=(\S+)/)?.[1] ?? null;
  const head = tryRun('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = tryRun('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src']);
  facts.commit = head ? `${head}${dirty ? ' (src/ modified)' : ''}` : null;
  log(
    `bench: N=${N}, latency M=${M}, seed ${args.seed}, afterIngest ${afterIngest}; ${facts.machine.cores} cores, load ${facts.machine.loadAvgAtStart.join(' ')}`,
  );

  const tmp = mkdtempSync(join(os.tmpdir(), 'klachtenbus-bench-'));
  chmodSync(tmp, 0o755); // Dovecot's unprivileged processes must traverse it
  cleanups.push({
    name: 'temp dir',
    fn: () => (args.keep ? log(`bench: kept ${tmp}`) : rmSync(tmp, { recursive: true, force: true })),
  });
  const pass = Math.random().toString(36).slice(2);
  const stack = await startMailStack({
    dir: join(tmp, 'stack'),
    users: [
      { user: 'bench-base', pass },
      { user: 'bench-kb', pass },
    ],
  });
  cleanups.push({ name: 'mail stack', fn: () => stack.stop() });
  const st = readStackState(stack.dir);
  log(`bench: mail stack in ${stack.dir}: IMAP ${stack.imap.port}, Redis ${stack.redis.port}, SMTP ${stack.smtp.port}`);

  // 1. the corpus
  const owner = st.root ? { uid: st.imap.mailUid, gid: st.imap.mailGid } : null;
  const baseDir = ensureMaildir(join(st.imap.mailRoot, 'bench-base'), owner);
  const kbDir = ensureMaildir(join(st.imap.mailRoot, 'bench-kb'), owner);
  const baseTime = Date.now();
  let t = performance.now();
  const corpus = writeMaildir(baseDir, generateMails({ n: N, seed: args.seed, baseTime }), owner, (k) =>
    log(`generate: ${k}/${N} mails written`),
  );
  linkMaildir(baseDir, kbDir);
  corpus.seconds = Math.round((performance.now() - t) / 100) / 10;
  corpus.complaints = corpus.files - corpus.replies;
  corpus.mb = Math.round(corpus.bytes / 1024 ** 2);
  log(
    `generate: ${corpus.files} mails (${corpus.bySize.small} small, ${corpus.bySize.medium} 50-300 KB, ` +
      `${corpus.bySize.large} 2-5 MB; ${corpus.replies} replies), ${corpus.mb} MB in ${corpus.seconds} s`,
  );

  // 2. baseline
  const baseline = await runBaselineChild({
    imap: { ...stack.imap, user: 'bench-base', pass },
    redisUrl: stack.redis.url,
    prefix: 'bench-base',
    smtp: stack.smtp,
    dbFile: join(tmp, 'baseline.sqlite'),
    batch: 50,
    noDelay: args['baseline-nodelay'],
  });
  const capturedAfterBaseline = captureCount(stack.captureDir);

  // 3. Klachtenbus
  const kbRoot = join(tmp, 'klachtenbus');
  mkdirSync(kbRoot);
  const timeoutMs = Math.max(180_000, N * 1000);
  const kb = await runKlachtenbus({
    dir: kbRoot,
    imapUrl: `imap://bench-kb:${pass}@${stack.imap.host}:${stack.imap.port}/INBOX`,
    smtpPort: stack.smtp.port,
    redisUrl: stack.redis.url,
    prefix: 'bench-kb',
    captureDir: stack.captureDir,
    mails: N,
    complaints: corpus.complaints,
    afterIngest,
    managerNotice: !args['no-manager-notice'],
    timeoutMs,
    profileDir: args.profile ? resolve(args.profile) : undefined,
    log,
    onWorker: (w) => cleanups.push({ name: 'worker', fn: () => w.stop(abort.signal.aborted ? 3000 : 15_000) }),
    signal: abort.signal,
  });
  const worker = kb.worker;
  cleanups.push({ name: 'database', fn: () => kb.db?.close() });

  // 4. latency, on the same worker, now idle
  let latency = null;
  if (M > 0) {
    const rssLatency = sampleRss(worker.pid, 100);
    try {
      latency = await runLatency({
        worker,
        imap: stack.imap,
        user: 'bench-kb',
        pass,
        captureDir: stack.captureDir,
        count: M,
        seed: args.seed,
        log,
        signal: abort.signal,
      });
    } catch (err) {
      latency = { error: String(err?.message ?? err).split('\n')[0] };
      log(`latency: failed: ${err?.message ?? err}`);
    }
    latency.peakRssMb = rssLatency.stop().peakMb;
  }
  const stopT = performance.now();
  const exitCode = await worker.stop();
  const stopSeconds = Math.round((performance.now() - stopT) / 100) / 10;

  // what the worker told us, for the reading of the results
  const ev = Object.fromEntries([...worker.events].map(([k, v]) => [k, v.count]));
  const result = {
    bench: 'klachtenbus',
    ...facts,
    n: N,
    seed: args.seed,
    // a profiled worker is slower: such a run's figures are not results
    profiled: Boolean(args.profile),
    corpus,
    baseline: { ...round(baseline), tcpNoDelay: args['baseline-nodelay'] },
    klachtenbus: round({ ...kb.result, stopSeconds, exitCode, events: ev }),
    ratio: Math.round((kb.result.rate / baseline.rate) * 1000) / 1000,
    latency,
    peakRssMb: kb.result.peakRssMb,
    capturedBaseline: capturedAfterBaseline,
    loadAvgAtEnd: os.loadavg().map((x) => Math.round(x * 100) / 100),
    targets: {
      ratioAtLeast1AtN10000: N >= 10000 ? kb.result.rate / baseline.rate >= 1 : 'not measured (N < 10000)',
      latencyP95AtMost1000Ms: latency?.p95Ms != null ? latency.p95Ms <= 1000 : 'not measured',
      peakRssAtMost300Mb: kb.result.peakRssMb <= 300,
    },
  };
  mkdirSync(join(HERE, 'out'), { recursive: true });
  writeFileSync(
    join(HERE, 'out', `${started.toISOString().replace(/[:.]/g, '-')}-n${N}.json`),
    `${JSON.stringify(result, null, 2)}\n`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  printTable(result);
}

/** Rounds every number to 3 significant decimals, for readable JSON. */
function round(obj) {
  return JSON.parse(
    JSON.stringify(obj, (_k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v)),
  );
}

function printTable(r) {
  const rows = [
    ['N mails', `${r.n} (${r.corpus.mb} MB; ${r.corpus.complaints} complaints, ${r.corpus.replies} replies)`],
    ['baseline', `${r.baseline.rate.toFixed(1)} mails/s (${r.baseline.seconds.toFixed(1)} s)`],
    [
      'klachtenbus',
      `${r.klachtenbus.rate.toFixed(1)} mails/s (${r.klachtenbus.seconds.toFixed(1)} s; afterIngest ${r.klachtenbus.afterIngest})`,
    ],
    ['ratio kb/baseline', `${r.ratio.toFixed(3)}  (target >= 1.0 at N=10000)`],
    [
      'ack latency',
      r.latency?.p50Ms != null
        ? `p50 ${r.latency.p50Ms} ms, p95 ${r.latency.p95Ms} ms over ${r.latency.count} mails  (target p95 <= 1000 ms)`
        : `not measured${r.latency?.error ? `: ${r.latency.error}` : ''}`,
    ],
    ['peak RSS worker', `${r.peakRssMb} MB during the N-mail run  (target <= 300 MB)`],
    ['machine', `${r.machine.cores} cores, ${r.machine.memoryGb} GB, load ${r.machine.loadAvgAtStart.join(' ')}`],
    [
      'versions',
      Object.entries(r.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  log('');
  for (const [k, v] of rows) log(`${k.padEnd(w)}  ${v}`);
}

function findSbin(name) {
  for (const d of ['/usr/sbin', '/usr/local/sbin', '/sbin']) if (existsSync(join(d, name))) return join(d, name);
  return name;
}

main()
  .then(() => cleanup())
  .then(
    () => process.exit(0),
    (err) => {
      if (!abort.signal.aborted) log(`bench: failed: ${err?.stack ?? err}`);
      cleanup().finally(() => process.exit(abort.signal.aborted ? 130 : 1));
    },
  );
