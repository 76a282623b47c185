#!/usr/bin/env node
// SMTP capture server for tests and the demo: accepts every message on 127.0.0.1 and stores it on
// disk so a test (in another process) can read what the service "sent".
//
//   node scripts/smtp-sink.mjs --port 2525 --capture-dir /tmp/x/capture [--control /tmp/x/smtp/control.json]
//                              [--introspect-url http://127.0.0.1:N/introspect]
//
// Each message becomes `<capture-dir>/<seq, 6 digits>-<epoch ms>.eml` (the raw bytes as received)
// plus a sibling `.json` with the envelope {mailFrom, rcptTo, size, receivedAt}. Both are written
// under a dot-prefixed temp name and renamed, the .json first, so a reader that lists `*.eml`
// never sees half a file or an .eml without its envelope.
//
// No TLS (STARTTLS is disabled, so clients never try to upgrade), AUTH is optional, and AUTH
// PLAIN/LOGIN accept any user and password.
//
// AUTH XOAUTH2 (offered only with --introspect-url, which mailstack.mjs passes: the URL of its
// OAuth2 server's RFC 7662 endpoint, see oauth2-server.mjs): the bearer token is introspected, and
// the login succeeds only if the token is active and bound to the user named in the XOAUTH2
// `user=` field. An inactive, unknown or expired token, or another user's: 535 5.7.8. The
// introspection endpoint not answering (down, refused, timeout): 454 4.7.0, a temporary failure,
// as a real server would answer when its token validation backend is unavailable.
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
import { URLSearchParams } from 'node:url';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';

const MODES = ['accept', 'reject-5xx', 'reject-4xx', 'drop', 'drop-after-store'];

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'capture-dir': { type: 'string' },
    control: { type: 'string' },
    'introspect-url': { type: 'string' },
  },
});
const introspectUrl = values['introspect-url'];
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

/** An smtp-server auth error with an SMTP reply code. @param {number} code @param {string} text */
const authError = (code, text) => Object.assign(new Error(text), { responseCode: code });

/**
 * Checks an XOAUTH2 login against the OAuth2 server: resolves the user or rejects with an SMTP error.
 * @param {string} username @param {string} accessToken
 */
async function verifyBearer(username, accessToken) {
  let info;
  try {
    const res = await globalThis.fetch(/** @type {string} */ (introspectUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }),
      signal: globalThis.AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`introspection answered HTTP ${res.status}`);
    info = await res.json();
  } catch (err) {
    console.error('smtp-sink: token introspection failed:', err instanceof Error ? err.message : err);
    throw authError(454, '4.7.0 Temporary authentication failure (token validation unavailable)');
  }
  if (info?.active !== true) throw authError(535, '5.7.8 Authentication failed: invalid or expired token');
  if (info.username !== username) throw authError(535, '5.7.8 Authentication failed: token belongs to another user');
  return username;
}

const server = new SMTPServer({
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  authMethods: introspectUrl ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
  logger: false,
  onAuth(auth, _session, cb) {
    if (auth.method === 'XOAUTH2') {
      // smtp-server only calls onAuth for methods in authMethods, so introspectUrl is set here
      verifyBearer(auth.username ?? '', auth.accessToken ?? '').then(
        (user) => cb(null, { user }),
        (err) => cb(err),
      );
      return;
    }
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
// Nagle off, as mail servers answer: otherwise each reply waits on the client's delayed ACK and the
// sink, not the sender under test, caps a connection at about 20 mails/s.
server.server.on('connection', (socket) => socket.setNoDelay(true));
server.listen(port, '127.0.0.1', () => console.log(`smtp-sink listening on 127.0.0.1:${port}`));

// Exit promptly on stop: smtp-server would otherwise wait up to 30 s for idle clients.
for (const sig of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}
