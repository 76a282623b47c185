// Klachtenbus throughput: the real worker, from an empty database to done, over a mailbox that
// holds the same generated mails as the baseline's.
//
// "Done" is what the product promises for every mail, checked from outside the worker:
//   - every mail committed: N `intake.committed` log lines, and in SQLite (opened read-only) one
//     case per generated complaint (the replies join their cases);
//   - every acknowledgement accepted by the SMTP server: no outbox row pending or sending, one
//     `sent` acknowledgement per case, and at least as many new files in the capture dir as rows
//     marked sent (the capture server writes the file before it answers 250);
//   - every reminder scheduled: for every case, its contact and feedback reminders are delayed
//     BullMQ jobs in Redis (job ids `<case>.contact.reminder.<due ms>`), or already in the outbox.
// Checked every 200 ms; the time is taken at the first check that finds all three, so it is late
// by at most that. The rate counts from spawning the worker (Node start, migrations and template
// compilation included: that is "from empty"); the time to `imap.connected` is reported apart.
// Peak RSS of the worker (rss.mjs) is sampled over exactly this phase.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { sampleRss } from './rss.mjs';
import { WorkerProcess, writeWorkerConfig } from './worker.mjs';

/** .eml files in the capture dir (the sink's temp files start with a dot). */
export function captureCount(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.eml') && !f.startsWith('.')).length;
}

/**
 * @param {{ dir: string, imapUrl: string, smtpPort: number, redisUrl: string, prefix: string,
 *           captureDir: string, mails: number, complaints: number, afterIngest: 'move'|'flag'|'none',
 *           managerNotice: boolean, timeoutMs: number, profileDir?: string, log: (s: string) => void,
 *           onWorker?: (w: WorkerProcess) => void, signal?: AbortSignal }} o
 * @returns {Promise<{ result: object, worker: WorkerProcess, db: import('better-sqlite3').Database }>}
 */
export async function runKlachtenbus(o) {
  const dataDir = join(o.dir, 'data');
  const config = writeWorkerConfig(join(o.dir, 'config.yaml'), {
    imapUrl: o.imapUrl,
    smtpPort: o.smtpPort,
    redisUrl: o.redisUrl,
    prefix: o.prefix,
    dataDir,
    afterIngest: o.afterIngest,
    managerNotice: o.managerNotice,
  });
  const capturedBefore = captureCount(o.captureDir);
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 3 });
  redis.on('error', () => {}); // a failing check says enough; no unhandled-error noise
  // --profile: V8 CPU profiles of the worker (main thread and parser threads), written when it exits
  const nodeArgs = o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : [];
  const worker = new WorkerProcess(config, join(o.dir, 'worker.log'), nodeArgs);
  o.onWorker?.(worker); // so the caller can stop it on Ctrl-C, whatever phase we are in
  const t0 = worker.startedAt;
  const rss = sampleRss(worker.pid, 100);
  const since = () => (performance.now() - t0) / 1000;
  let db = null;
  const marks = { intakeDone: null, mailDone: null, remindersDone: null };
  let last = {};
  let lastProgress = 0;
  try {
    for (;;) {
      if (o.signal?.aborted) throw new Error('aborted');
      if (worker.exitCode !== undefined)
        throw new Error(`the worker exited (${worker.exitCode})\n${worker.describe()}`);
      if (performance.now() - t0 > o.timeoutMs)
        throw new Error(`not done after ${o.timeoutMs / 1000} s: ${JSON.stringify(last)}\n${worker.describe()}`);
      const dbFile = join(dataDir, 'klachtenbus.sqlite');
      if (!db && worker.count('imap.connected') > 0 && existsSync(dbFile)) {
        db = new Database(dbFile, { readonly: true, fileMustExist: true });
        db.pragma('busy_timeout = 5000');
      }
      const committed = worker.count('intake.committed');
      if (committed >= o.mails && marks.intakeDone === null) marks.intakeDone = worker.seen('intake.committed');
      if (db) {
        last = state(db, o, committed, captureCount(o.captureDir) - capturedBefore);
        if (marks.mailDone === null && last.casesOk && last.mailOk) marks.mailDone = since();
        if (last.casesOk && last.mailOk) {
          const reminders = await remindersScheduled(db, redis, o.prefix);
          last = { ...last, ...reminders };
          if (reminders.casesWithoutReminders === 0) {
            marks.remindersDone = since();
            break;
          }
        }
      }
      if (performance.now() - lastProgress > 2000) {
        lastProgress = performance.now();
        o.log(
          `klachtenbus: ${since().toFixed(1)} s, ${committed}/${o.mails} committed, ${last.cases ?? 0} cases, ` +
            `outbox ${last.sent ?? 0} sent / ${last.outstanding ?? 0} outstanding, ` +
            `${last.captured ?? 0} captured, RSS ${rss.current().lastMb} MB`,
        );
      }
      await sleep(200);
    }
    const seconds = marks.remindersDone;
    const mem = rss.stop();
    if (last.cases !== o.complaints)
      o.log(`klachtenbus: WARNING ${last.cases} cases for ${o.complaints} generated complaints (replies misfiled?)`);
    o.log(
      `klachtenbus: done in ${seconds.toFixed(1)} s (${(o.mails / seconds).toFixed(1)} mails/s), peak RSS ${mem.peakMb} MB`,
    );
    const sync = worker.events.get('imap.sync.done');
    return {
      worker,
      db,
      result: {
        mails: o.mails,
        seconds,
        rate: o.mails / seconds,
        connectedSeconds: worker.seen('imap.connected', 'first'),
        intakeDoneSeconds: marks.intakeDone,
        mailDoneSeconds: marks.mailDone,
        remindersDoneSeconds: marks.remindersDone,
        firstSyncDoneSeconds: sync ? (sync.first - t0) / 1000 : null,
        cases: last.cases,
        casesExpected: o.complaints,
        outbox: last.byStatus,
        captured: last.captured,
        deadlineJobs: last.deadlineJobs,
        warnings: worker.problemCount,
        peakRssMb: mem.peakMb,
        peakRssAtSeconds: mem.peakAtSeconds,
        rssSamples: mem.samples,
        processes: mem.maxProcesses,
        cpuSeconds: mem.cpuSeconds,
        rssMbEvery2s: mem.mbEvery2s,
        afterIngest: o.afterIngest,
        managerNotice: o.managerNotice,
        timeline: timeline(worker, 50),
      },
    };
  } catch (err) {
    rss.stop();
    db?.close();
    await worker.stop(3000);
    throw err;
  } finally {
    redis.disconnect();
  }
}

/**
 * Where the time went, from the pino times of the worker's own log lines: the intake works in
 * batches (fetch 50 sources, parse them all, then commit one by one, then flag and move), so the
 * gaps between batches are fetch + parse + move and the spans inside a batch are the commits.
 */
function timeline(worker, batch) {
  const c = worker.times['intake.committed'];
  const sent = worker.times['outbox.sent'];
  const t0 = worker.startedEpoch;
  const s = (ms) => Math.round(ms / 10) / 100;
  let spans = 0;
  let gaps = 0;
  let batches = 0;
  for (let i = 0; i < c.length; i += batch) {
    const last = c[Math.min(i + batch, c.length) - 1];
    spans += last - c[i];
    if (i + batch < c.length) gaps += c[i + batch] - last;
    batches++;
  }
  const intakeEnd = c.length ? c[c.length - 1] : null;
  return {
    firstCommitSeconds: c.length ? s(c[0] - t0) : null,
    lastCommitSeconds: intakeEnd ? s(intakeEnd - t0) : null,
    batches,
    commitMsPerMail: c.length > batches ? Math.round((spans / (c.length - batches)) * 10) / 10 : null,
    gapBetweenBatchesMs: batches > 1 ? Math.round(gaps / (batches - 1)) : null,
    sentByIntakeEnd: intakeEnd ? sent.filter((t) => t <= intakeEnd).length : 0,
    sent: sent.length,
    lastSentSeconds: sent.length ? s(sent[sent.length - 1] - t0) : null,
    sendRateAfterIntake:
      intakeEnd && sent.length && sent[sent.length - 1] > intakeEnd
        ? Math.round((sent.filter((t) => t > intakeEnd).length / ((sent[sent.length - 1] - intakeEnd) / 1000)) * 10) /
          10
        : null,
  };
}

/** What SQLite says (read-only), and whether intake and outgoing mail are complete. */
function state(db, o, committed, captured) {
  const cases = db.prepare('SELECT count(*) FROM cases').pluck().get();
  const rows = db.prepare('SELECT kind, status, count(*) AS n FROM outbox GROUP BY kind, status').all();
  const byStatus = {};
  let acksSent = 0;
  for (const r of rows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
    if (r.kind === 'acknowledgement' && r.status === 'sent') acksSent += r.n;
  }
  const outstanding = (byStatus.pending ?? 0) + (byStatus.sending ?? 0);
  const sent = byStatus.sent ?? 0;
  return {
    committed,
    cases,
    byStatus,
    sent,
    outstanding,
    acksSent,
    captured,
    casesOk: committed >= o.mails && cases >= o.complaints,
    mailOk: outstanding === 0 && acksSent >= o.complaints && captured >= sent,
  };
}

/** Cases lacking a contact or feedback reminder (neither a delayed job nor an outbox row). */
async function remindersScheduled(db, redis, prefix) {
  const ids = new Set();
  for (const state of ['delayed', 'wait', 'prioritized', 'active']) {
    const key = `${prefix}:klachtenbus-deadlines:${state}`;
    const type = await redis.type(key);
    if (type === 'zset') for (const id of await redis.zrange(key, 0, -1)) ids.add(id);
    else if (type === 'list') for (const id of await redis.lrange(key, 0, -1)) ids.add(id);
  }
  const queued = new Set(
    db.prepare(`SELECT idempotency_key FROM outbox WHERE idempotency_key LIKE '%.reminder.%'`).pluck().all(),
  );
  const numbers = db.prepare(`SELECT number FROM cases WHERE status = 'open'`).pluck().all();
  const prefixes = new Set();
  for (const id of [...ids, ...queued]) {
    const m = /^(.+)\.(contact|feedback)\.reminder\./.exec(id);
    if (m) prefixes.add(`${m[1]}.${m[2]}`);
  }
  let missing = 0;
  for (const n of numbers) if (!prefixes.has(`${n}.contact`) || !prefixes.has(`${n}.feedback`)) missing++;
  return { deadlineJobs: ids.size, casesWithoutReminders: missing };
}
