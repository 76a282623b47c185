// Latency: how long a customer waits for the acknowledgement. With the worker idle and connected
// (IDLE on the INBOX, right after the throughput run), M mails are delivered one at a time by a
// real IMAP APPEND, as a mail server would; the clock runs from just before the APPEND command
// to the moment the acknowledgement file appears in the SMTP capture dir (inotify via fs.watch,
// with a 100 ms rescan as a fallback). The acknowledgement is recognised by its In-Reply-To
// header, which carries the complaint's Message-ID.
//
// The appending IMAP connection is opened once beforehand, so no login is measured. The next mail
// goes only after the previous one was acknowledged and the worker logged `imap.idle` again (or
// 2 s passed): the worker is idle for every mail, which is the situation the target (p95 <= 1 s)
// is about. The latency mails are small (2-10 KB), new complaints from new senders.
// Each sample also records when the worker logged the commit, splitting the wait into intake
// (APPEND -> committed) and sending (committed -> captured).
import { watch, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { generateMails } from './generate.mjs';
import { epochOf } from './worker.mjs';

/** Percentile by nearest rank. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Watches the capture dir; calls onMail(inReplyTo, atMs) once per new .eml. */
function watchCaptures(dir, onMail) {
  const seen = new Set(readdirSync(dir));
  const look = (name) => {
    if (!name || seen.has(name) || !name.endsWith('.eml') || name.startsWith('.')) return;
    const at = performance.now();
    seen.add(name);
    let head;
    try {
      head = readFileSync(join(dir, name), 'latin1');
    } catch {
      seen.delete(name); // renamed away meanwhile? look again on the next scan
      return;
    }
    head = head.slice(0, Math.max(0, head.indexOf('\r\n\r\n')) || 8192);
    const m = /^In-Reply-To:\s*(<[^>]+>)/im.exec(head);
    onMail(m ? m[1] : null, at);
  };
  const watcher = watch(dir, (_type, name) => look(name ? String(name) : null));
  const rescan = setInterval(() => readdirSync(dir).forEach(look), 100);
  return () => {
    watcher.close();
    clearInterval(rescan);
  };
}

/**
 * @param {{ worker: import('./worker.mjs').WorkerProcess, imap: { host: string, port: number },
 *           user: string, pass: string, captureDir: string, count: number, seed: string,
 *           timeoutMs?: number, log: (s: string) => void, signal?: AbortSignal }} o
 */
export async function runLatency(o) {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const waiting = new Map(); // "<message-id>" -> resolve(atMs)
  const stopWatching = watchCaptures(o.captureDir, (inReplyTo, at) => {
    const w = inReplyTo && waiting.get(inReplyTo);
    if (w) w(at);
  });
  const imap = new ImapFlow({
    host: o.imap.host,
    port: o.imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: o.user, pass: o.pass },
    logger: false,
  });
  const samples = [];
  try {
    await imap.connect();
    const mails = generateMails({
      n: o.count,
      seed: `${o.seed}-latency`,
      tag: 'lat',
      smallOnly: true,
      noReplies: true,
      dateOf: () => new Date(),
    });
    for (const mail of mails) {
      if (o.signal?.aborted) throw new Error('aborted');
      await waitIdle(o.worker);
      const id = `<${mail.messageId}>`;
      const captured = new Promise((resolve, reject) => {
        waiting.set(id, resolve);
        setTimeout(() => reject(new Error(`no acknowledgement for ${id} within ${timeoutMs} ms`)), timeoutMs).unref();
      });
      const committed = o.worker
        .waitFor((l) => l.event === 'intake.committed' && `<${l.messageId}>` === id, timeoutMs, `the commit of ${id}`)
        .then(
          () => performance.now(),
          () => null,
        );
      const synced = o.worker
        .waitFor((l) => l.event === 'imap.sync.done' && l.committed > 0, timeoutMs, 'a sync that commits')
        .catch(() => null);
      const t0Epoch = Date.now();
      const t0 = performance.now();
      // The generator writes LF line ends (Maildir files); over IMAP a mail has CRLF.
      await imap.append('INBOX', Buffer.from(mail.raw.toString('utf8').replace(/\n/g, '\r\n')), []);
      const appended = performance.now();
      const at = await captured;
      waiting.delete(id);
      const commitSeen = (await committed) ?? at;
      const sync = await synced;
      const s = { ms: at - t0, appendMs: appended - t0, intakeMs: Math.min(commitSeen, at) - t0 };
      // the worker's sync began at (its log time - its duration): APPEND -> sync start is the
      // server's new-mail notification plus imapflow; the sync itself is fetch, parse, commit, move
      if (sync && epochOf(sync) !== null && typeof sync.ms === 'number') {
        s.toSyncStartMs = epochOf(sync) - sync.ms - t0Epoch;
        s.syncMs = sync.ms;
      }
      samples.push(s);
      o.log(
        `latency: mail ${samples.length}/${o.count}: ${s.ms.toFixed(0)} ms (sync started after ${s.toSyncStartMs ?? '?'} ms, ` +
          `took ${s.syncMs ?? '?'} ms; committed after ${s.intakeMs.toFixed(0)} ms)`,
      );
    }
  } finally {
    stopWatching();
    await imap.logout().catch(() => imap.close());
  }
  const ms = samples.map((s) => s.ms);
  const round = (v) => (v === null ? null : Math.round(v));
  return {
    count: samples.length,
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    maxMs: round(Math.max(...ms)),
    minMs: round(Math.min(...ms)),
    intakeP50Ms: round(
      percentile(
        samples.map((s) => s.intakeMs),
        50,
      ),
    ),
    intakeP95Ms: round(
      percentile(
        samples.map((s) => s.intakeMs),
        95,
      ),
    ),
    toSyncStartP50Ms: round(
      percentile(
        samples.filter((s) => s.syncMs !== undefined).map((s) => s.toSyncStartMs),
        50,
      ),
    ),
    syncP50Ms: round(
      percentile(
        samples.filter((s) => s.syncMs !== undefined).map((s) => s.syncMs),
        50,
      ),
    ),
    samplesMs: ms.map(round),
  };
}

/** Resolves once the worker logged `imap.idle` after its last commit (or after 2 s). */
async function waitIdle(worker) {
  const deadline = performance.now() + 2000;
  while (performance.now() < deadline) {
    const idle = worker.events.get('imap.idle')?.last ?? 0;
    const commit = worker.events.get('intake.committed')?.last ?? 0;
    const sync = worker.events.get('imap.sync.done')?.last ?? 0;
    if (idle > commit && idle >= sync) break;
    await sleep(20);
  }
  // a moment more: imapflow enters IDLE 500 ms after its last command (autoIdleDelay)
  await sleep(600);
}
