#!/usr/bin/env node
// `npm run bench:web` (issue 7): how fast the web workspace renders its pages with many cases.
// Target: the case list with 10,000 cases renders in under 200 ms on the 2-core machine.
//
//   node bench/web.mjs [--cases 10000] [--requests 40] [--keep]
//
// 1. Fills a fresh data dir with N complaints through the real intake use case (parsed mails, so
//    the mail text that the list's search looks in is there), received over the past 18 months;
//    about a third of the open ones are past their contact deadline.
// 2. Starts the real web app (dist/web/server.js) on loopback with a signed-in session and times
//    each page over real HTTP: the case list as a manager first sees it (open cases), all N cases
//    sorted by deadline, filtered on overdue, a
//    search through subject, complainant and mail text, a late page sorted by receipt, a case page.
// 3. Baseline, same process and data: the raw building blocks with no product logic — a Fastify
//    route that runs one SELECT of 50 rows and concatenates them into an HTML table.
// Prints one JSON line on stdout and a table on stderr: p50 / p95 per page, and the ratio of the
// case list's p95 to the baseline's.
/* global fetch */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const log = (s) => process.stderr.write(`${s}\n`);
const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    requests: { type: 'string', default: '40' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.cases);
const R = Number(args.requests);

const dist = (p) => import(new URL(`../dist/${p}`, import.meta.url).href);
const { loadConfig } = await dist('config/load.js');
const { outgoingDeps, procedureContext, intakeSettings } = await dist('composition.js');
const { openDatabase } = await dist('adapters/sqlite/open.js');
const { ContentStore } = await dist('adapters/files.js');
const { parseMail } = await dist('adapters/parser/parseMail.js');
const { intakeMessage } = await dist('usecases/intakeMessage.js');
const { openSession } = await dist('usecases/webSignIn.js');
const { buildWebApp } = await dist('web/server.js');
const { createLogger } = await dist('adapters/logger.js');
const { default: Fastify } = await import('fastify');

const dir = mkdtempSync(join(os.tmpdir(), 'kb-bench-web-'));
const configFile = join(dir, 'config.yaml');
writeFileSync(
  configFile,
  JSON.stringify({
    complaintsAddress: 'klachten@studijob.test',
    organisation: { name: 'StudiJob' },
    procedure: 'studijob',
    dataDir: './data',
    smtp: { url: 'smtp://127.0.0.1:1' },
    redis: { url: 'redis://127.0.0.1:1' },
    staff: {
      domains: ['studijob.test'],
      members: [
        { name: 'Debby Kooiman', email: 'debby@studijob.test', role: 'manager' },
        { name: 'Anna de Vries', email: 'anna@studijob.test', role: 'handler' },
      ],
    },
    complainants: { clientDomains: ['bouw.test'], tempWorkerDomains: ['mail.test'] },
    web: { port: 0 },
    log: { level: 'silent' },
  }),
);
const config = loadConfig({ file: configFile, env: {}, cwd: dir });
const db = openDatabase(config.dataDir);
const NOW = new Date('2026-11-24T11:00:00Z');

// ---------------------------------------------------------------- 1. the cases
const SUBJECTS = [
  'Loonstrook ontbreekt',
  'Factuur klopt niet',
  'Uitzendkracht kwam niet opdagen',
  'Onvriendelijk behandeld aan de telefoon',
  'Vacature was al vervuld',
  'Te laat uitbetaald',
  'Werktijden niet doorgegeven',
  'Payslip missing',
];
const WORDS = 'de het een klacht loonstrook week factuur planning uren contract vestiging telefoon'.split(' ');
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = (a) => a[Math.floor(rnd() * a.length)];
let clock = new Date(NOW.getTime() - 548 * 86400_000);
const step = (NOW.getTime() - 3 * 86400_000 - clock.getTime()) / N;
const deps = {
  db,
  rawStore: new ContentStore(config.dataDir, 'raw', '.eml'),
  attachmentStore: new ContentStore(config.dataDir, 'attachments', ''),
  parse: (raw) => parseMail(raw, { maxAttachmentBytes: 1024 * 1024 }),
  now: () => clock,
  settings: intakeSettings(config),
  procedure: procedureContext(config),
  outgoing: outgoingDeps(config),
};
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  clock = new Date(clock.getTime() + step);
  const domain = pick(['bouw.test', 'mail.test', 'klant.test']);
  const body = Array.from({ length: 60 + Math.floor(rnd() * 200) }, () => pick(WORDS)).join(' ');
  const raw = Buffer.from(
    [
      `From: Klant ${i} <klant${i}@${domain}>`,
      'To: klachten@studijob.test',
      `Subject: ${pick(SUBJECTS)} (${i})`,
      `Date: ${clock.toUTCString()}`,
      `Message-ID: <bench-web-${i}@${domain}>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
  await intakeMessage(deps, { raw, source: 'file' });
  if ((i + 1) % 1000 === 0) log(`bench:web: ${i + 1}/${N} cases (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
// Most old cases were handled and closed; the last months' stay open, a third of them overdue.
const cutoff = new Date(NOW.getTime() - 40 * 86400_000).toISOString();
db.prepare(
  `UPDATE cases SET status = 'closed', closed_at = received_at, contact_at = received_at, feedback_at = received_at
   WHERE received_at < ?`,
).run(cutoff);
db.prepare(`UPDATE cases SET contact_at = received_at WHERE status = 'open' AND id % 3 != 0`).run();
const counts = db.prepare(`SELECT COUNT(*) AS total, SUM(status = 'open') AS open FROM cases`).get();
log(`bench:web: ${counts.total} cases (${counts.open} open) in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

// ---------------------------------------------------------------- 2. the pages
const app = await buildWebApp({
  config,
  db,
  now: () => NOW,
  log: createLogger({ level: 'silent' }),
  outgoing: deps.outgoing,
  dispatch: () => undefined,
  refreshCase: async () => undefined,
  attachments: deps.attachmentStore,
  baseUrl: 'http://127.0.0.1',
});
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${app.server.address().port}`;
const { id } = openSession(db, 'debby@studijob.test', 1, NOW);
const cookie = `kb_session=${id}`;

// ---------------------------------------------------------------- 3. the baseline
const raw = Fastify({ logger: false });
const select = db.prepare(
  `SELECT number, subject, complainant_name, handler, contact_due_at, received_at FROM cases
   WHERE status = 'open' ORDER BY contact_due_at LIMIT 50`,
);
const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
raw.get('/', async (_req, reply) =>
  reply.type('text/html').send(
    `<table>${select
      .all()
      .map(
        (r) =>
          `<tr>${Object.values(r)
            .map((v) => `<td>${esc(v)}</td>`)
            .join('')}</tr>`,
      )
      .join('')}</table>`,
  ),
);
await raw.listen({ host: '127.0.0.1', port: 0 });
const rawBase = `http://127.0.0.1:${raw.server.address().port}`;

async function time(url, withCookie = true) {
  const ms = [];
  let bytes = 0;
  let status = 0;
  for (let i = 0; i < R + 5; i++) {
    const t = performance.now();
    const res = await fetch(url, { headers: withCookie ? { cookie } : {}, redirect: 'manual' });
    const text = await res.text();
    const d = performance.now() - t;
    status = res.status;
    bytes = text.length;
    if (i >= 5) ms.push(d); // 5 warm-up requests
  }
  ms.sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  return { p50: +q(0.5).toFixed(1), p95: +q(0.95).toFixed(1), status, kb: +(bytes / 1024).toFixed(0) };
}

const someCase = db.prepare(`SELECT number FROM cases WHERE status = 'open' ORDER BY id DESC LIMIT 1`).pluck().get();
const pages = {
  list: await time(`${base}/cases`),
  listAll: await time(`${base}/cases?status=all`),
  overdue: await time(`${base}/cases?overdue=1`),
  search: await time(`${base}/cases?q=loonstrook+planning&status=all`),
  lastPage: await time(`${base}/cases?status=all&sort=received-desc&page=150`),
  case: await time(`${base}/cases/${someCase}`),
  baseline: await time(rawBase, false),
};
await app.close();
await raw.close();
db.close();
if (!args.keep) rmSync(dir, { recursive: true, force: true });
else log(`bench:web: data kept in ${dir}`);

const result = {
  date: new Date().toISOString(),
  node: process.version,
  cases: counts.total,
  open: counts.open,
  requests: R,
  pages,
  ratioListToBaselineP95: +(pages.list.p95 / pages.baseline.p95).toFixed(1),
  targetListP95Ms: 200,
  listMeetsTarget: pages.list.p95 < 200,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
log('');
log('page        status   p50 ms   p95 ms   KB');
for (const [name, p] of Object.entries(pages))
  log(
    `${name.padEnd(10)}  ${String(p.status).padStart(6)}  ${String(p.p50).padStart(7)}  ${String(p.p95).padStart(7)}  ${String(p.kb).padStart(4)}`,
  );
log(`case list p95 ${pages.list.p95} ms (target < 200 ms); ${result.ratioListToBaselineP95}x the baseline`);
