// Baseline: the same libraries as Klachtenbus, doing the same kinds of work per mail, in one
// process and without any product logic. It answers "how fast could this stack go at all?", so the
// product's rate means something: Klachtenbus / baseline is the price of everything the product
// adds (raw source fsynced before anything else, parser threads, classification, threading, one
// transaction per mail with synchronous=FULL, the outbox, audit events, deadline planning, flag and
// move on the server).
//
// Per mail, as the issue describes it:
//   - imapflow: every UID first (UID SEARCH ALL), then the full sources in batches of 50 (the
//     product's fetchBatchSize), BODY.PEEK[] so nothing changes on the server;
//   - mailparser simpleParser on each source, in this one thread;
//   - better-sqlite3: one INSERT per mail, one transaction per batch (WAL, synchronous=FULL like the
//     product, so the commit is as durable; the product commits per mail);
//   - BullMQ: addBulk of two delayed jobs per mail (a 2-working-day and a 7-day deadline);
//   - nodemailer: one small mail per mail to the complainant over a pooled SMTP transport
//     (3 connections, like the product) to the stack's capture server.
// Sends are not awaited per batch (the pool queues them while the next batch is fetched and
// parsed); the run ends when the last one was accepted (250). Time from the start of the process
// (like the worker's, which counts from its spawn) to that moment.
//
//   node bench/baseline.mjs '<json options>'   → progress on stderr, one JSON result line on stdout
// Options: { imap: {host, port, user, pass}, redisUrl, prefix, smtp: {host, port}, dbFile, batch }
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';

const DAY = 24 * 3600_000;

/** Runs the baseline; resolves { mails, seconds, rate, ... }. */
export async function runBaseline(o, log = (s) => process.stderr.write(`${s}\n`)) {
  const batchSize = o.batch ?? 50;
  const t0 = performance.now();
  const imap = new ImapFlow({
    host: o.imap.host,
    port: o.imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: o.imap.user, pass: o.imap.pass },
    logger: false,
  });
  const db = new Database(o.dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS mails (
    id INTEGER PRIMARY KEY, uid INTEGER NOT NULL, message_id TEXT UNIQUE, from_addr TEXT, subject TEXT,
    date TEXT, in_reply_to TEXT, text TEXT, html TEXT, attachments INTEGER, attachment_bytes INTEGER, size INTEGER)`);
  const insert = db.prepare(
    `INSERT INTO mails (uid, message_id, from_addr, subject, date, in_reply_to, text, html, attachments, attachment_bytes, size)
     VALUES (@uid, @messageId, @from, @subject, @date, @inReplyTo, @text, @html, @attachments, @attachmentBytes, @size)`,
  );
  const insertBatch = db.transaction((rows) => rows.forEach((r) => insert.run(r)));
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bench-deadlines', { connection: redis, prefix: o.prefix });
  const smtp = nodemailer.createTransport({
    pool: true,
    maxConnections: 3,
    host: o.smtp.host,
    port: o.smtp.port,
    secure: false,
    ignoreTLS: true,
    // --baseline-nodelay: the same TCP_NODELAY connection as the product's SmtpSender, to show how
    // much of the ratio is that one setting (nodemailer's default leaves Nagle on).
    ...(o.noDelay
      ? {
          getSocket: (opts, callback) => {
            const connection = connect({ host: opts.host, port: opts.port });
            connection.setNoDelay(true);
            callback(null, { connection });
          },
        }
      : {}),
  });

  const sends = [];
  /** Send failures, collected (a rejection left unhandled until the end would kill the process). */
  const errors = [];
  let sent = 0;
  let parsed = 0;
  let bytes = 0;
  let firstMailMs = null;
  try {
    await imap.connect();
    await imap.mailboxOpen('INBOX', { readOnly: true });
    const uids = ((await imap.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
    log(`baseline: ${uids.length} mails in the mailbox`);
    for (let i = 0; i < uids.length; i += batchSize) {
      const batch = uids.slice(i, i + batchSize);
      const fetched = [];
      for await (const msg of imap.fetch(batch, { uid: true, source: true }, { uid: true })) {
        if (msg.source) fetched.push({ uid: msg.uid, source: msg.source });
      }
      const rows = [];
      for (const m of fetched) {
        const p = await simpleParser(m.source);
        bytes += m.source.length;
        parsed++;
        rows.push({
          uid: m.uid,
          messageId: p.messageId ?? `uid-${m.uid}`,
          from: p.from?.value?.[0]?.address ?? null,
          fromName: p.from?.value?.[0]?.name ?? '',
          subject: p.subject ?? '',
          date: p.date ? p.date.toISOString() : null,
          inReplyTo: typeof p.inReplyTo === 'string' ? p.inReplyTo : null,
          text: p.text ?? '',
          html: typeof p.html === 'string' ? p.html : null,
          attachments: p.attachments.length,
          attachmentBytes: p.attachments.reduce((s, a) => s + a.size, 0),
          size: m.source.length,
        });
      }
      insertBatch(rows);
      const now = Date.now();
      await queue.addBulk(
        rows.flatMap((r) => [
          { name: 'contact', data: { uid: r.uid }, opts: { delay: 2 * DAY, removeOnComplete: true } },
          { name: 'feedback', data: { uid: r.uid }, opts: { delay: 7 * DAY + (now % 1000), removeOnComplete: true } },
        ]),
      );
      for (const r of rows) {
        if (!r.from) continue;
        sends.push(
          smtp
            .sendMail({
              from: '"StudiJob Klachten" <klachten@studijob.test>',
              to: r.from,
              subject: `Ontvangen: ${r.subject}`,
              text: `Beste ${r.fromName || 'klant'},\n\nWe hebben uw bericht ontvangen en nemen binnen twee werkdagen contact met u op.\n\nStudiJob`,
              inReplyTo: r.messageId,
            })
            .then(
              () => {
                sent++;
                firstMailMs ??= performance.now() - t0;
              },
              (err) => errors.push(err),
            ),
        );
      }
      if ((i / batchSize) % 4 === 3 || i + batchSize >= uids.length)
        log(`baseline: ${parsed}/${uids.length} parsed and stored, ${sent} mails sent`);
    }
    await Promise.all(sends);
    if (errors.length > 0) throw new Error(`${errors.length} mails not accepted, first: ${errors[0]?.message}`);
    // performance.now() counts from the start of this process, so `seconds` includes Node's start
    // and the imports, as the worker's time includes its start
    const seconds = performance.now() / 1000;
    log(`baseline: done, ${parsed} mails, ${sent} sent in ${seconds.toFixed(1)} s`);
    return {
      mails: parsed,
      sent,
      delayedJobs: await queue.getDelayedCount(),
      imapBytes: bytes,
      seconds,
      rate: parsed / seconds,
      startupSeconds: t0 / 1000,
      firstMailSentSeconds: firstMailMs === null ? null : (t0 + firstMailMs) / 1000,
    };
  } finally {
    smtp.close();
    await queue.close().catch(() => {});
    redis.disconnect();
    db.close();
    await imap.logout().catch(() => imap.close());
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runBaseline(JSON.parse(process.argv[2] ?? '{}')).then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (err) => {
      process.stderr.write(`baseline failed: ${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
