#!/usr/bin/env node
// SMTP capture server for tests and the demo: accepts every message on 127.0.0.1 and stores it on
// disk so a test (in another process) can read what the service "sent".
//
//   node scripts/smtp-sink.mjs --port 2525 --capture-dir /tmp/x/capture [--control /tmp/x/smtp/control.json]
//
// Each message becomes `<capture-dir>/<seq, 6 digits>-<epoch ms>.eml` (the raw bytes as received)
// plus a sibling `.json` with the envelope {mailFrom, rcptTo, size, receivedAt}. Both are written
// under a dot-prefixed temp name and renamed, the .json first, so a reader that lists `*.eml`
// never sees half a file or an .eml without its envelope.
//
// No TLS (STARTTLS is disabled, so clients never try to upgrade), any AUTH is accepted, AUTH is
// optional.
//
// Fault injection (for retry/idempotency tests). The control file (path from --control or env
// SMTP_SINK_CONTROL) is re-read at the end of every message, so a test can switch modes while the
// sink runs. It holds JSON `{"mode": MODE, "times": N}` (or just the bare word MODE):
//   accept            (default) store the message, reply 250
//   reject-5xx        reply 554 (permanent failure), store nothing
//   reject-4xx        reply 451 (temporary failure), store nothing
//   drop              close the TCP connection after the final dot, store nothing, no reply
//   drop-after-store  store the message, then close the connection without replying (the client
//                     cannot know it was delivered: the "maybe sent" case)
// `times` (optional): apply the mode to the next N messages only, then fall back to accept (the
// sink rewrites the file as it counts down). Without a control file, env SMTP_SINK_MODE gives the
// mode (default accept). mailstack.mjs exports setSmtpMode(dir, mode, times) for this.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const MODES = ['accept', 'reject-5xx', 'reject-4xx', 'drop', 'drop-after-store'];

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'capture-dir': { type: 'string' },
    control: { type: 'string' },
  },
});
const port = Number(values.port);
const captureDir = values['capture-dir'] ?? '';
const controlFile = values.control ?? process.env.SMTP_SINK_CONTROL;
if (!Number.isInteger(port) || !captureDir) {
  console.error('usage: smtp-sink.mjs --port N --capture-dir DIR [--control FILE]');
  process.exit(2);
}
mkdirSync(captureDir, { recursive: true });

// Continue numbering after what is already there, so a restarted sink never overwrites a capture.
let seq = readdirSync(captureDir)
  .map((f) => /^(\d+)-\d+\.eml$/.exec(f)?.[1])
  .reduce((max, s) => Math.max(max, s ? Number(s) : 0), 0);

/** @returns {{ mode: string, times?: number }} */
function readControl() {
  let text = '';
  try {
    if (controlFile) text = readFileSync(controlFile, 'utf8').trim();
  } catch {
    // no control file: fall through to the env default
  }
  if (!text) return { mode: process.env.SMTP_SINK_MODE || 'accept' };
  const ctl = text.startsWith('{') ? JSON.parse(text) : { mode: text };
  if (!MODES.includes(ctl.mode)) throw new Error(`smtp-sink: unknown mode ${ctl.mode}`);
  return ctl;
}

/** Takes the mode for one message and counts down `times`, so "fail once" works. */
function takeMode() {
  const ctl = readControl();
  if (typeof ctl.times === 'number' && controlFile) {
    const left = ctl.times - 1;
    const next = left > 0 ? { mode: ctl.mode, times: left } : { mode: 'accept' };
    writeFileSync(`${controlFile}.tmp`, JSON.stringify(next));
    renameSync(`${controlFile}.tmp`, controlFile);
  }
  return ctl.mode;
}

/** Writes `name` atomically: a reader sees either nothing or the whole file.
 * @param {string} name @param {string | Buffer} data */
function writeAtomic(name, data) {
  const tmp = join(captureDir, `.tmp-${name}`);
  writeFileSync(tmp, data);
  renameSync(tmp, join(captureDir, name));
}

/** @param {Buffer} raw @param {import('smtp-server').SMTPServerSession} session */
function store(raw, session) {
  seq += 1;
  const base = `${String(seq).padStart(6, '0')}-${Date.now()}`;
  const envelope = {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    size: raw.length,
    receivedAt: new Date().toISOString(),
  };
  writeAtomic(`${base}.json`, JSON.stringify(envelope, null, 2));
  writeAtomic(`${base}.eml`, raw);
}

/** Closes the client's socket without a reply (smtp-server has no public API for that).
 * @param {import('smtp-server').SMTPServerSession} session */
function dropConnection(session) {
  // id and _socket are internals of SMTPConnection
  for (const conn of /** @type {Set<any>} */ (server.connections)) {
    if (conn.id === session.id) conn._socket.destroy();
  }
}

const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  logger: false,
  onAuth(auth, _session, cb) {
    cb(null, { user: auth.username ?? 'anonymous' });
  },
  onData(stream, session, cb) {
    /** @type {Buffer[]} */
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      let mode;
      try {
        mode = takeMode();
        const raw = Buffer.concat(chunks);
        if (mode === 'accept' || mode === 'drop-after-store') store(raw, session);
      } catch (err) {
        return cb(Object.assign(new Error(`sink error: ${err}`), { responseCode: 451 }));
      }
      if (mode === 'drop' || mode === 'drop-after-store') return dropConnection(session);
      if (mode === 'reject-5xx') return cb(Object.assign(new Error('rejected by smtp-sink'), { responseCode: 554 }));
      if (mode === 'reject-4xx')
        return cb(Object.assign(new Error('try again later (smtp-sink)'), { responseCode: 451 }));
      cb(null, `queued as ${seq}`);
    });
  },
});

server.on('error', (err) => console.error('smtp-sink:', err.message));
server.listen(port, '127.0.0.1', () => console.log(`smtp-sink listening on 127.0.0.1:${port}`));

// Exit promptly on stop: smtp-server would otherwise wait up to 30 s for idle clients.
for (const sig of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}
