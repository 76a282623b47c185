#!/usr/bin/env node
// The project's private mail stack for integration tests and the demo: a Dovecot IMAP server, a
// Redis, an SMTP capture server (smtp-sink.mjs) and an OAuth2 authorisation server
// (oauth2-server.mjs) whose tokens Dovecot and the sink accept, all on 127.0.0.1, on free ports
// picked per run, inside one temp dir. Nothing of the machine's own config (/etc/dovecot, the
// system Redis on 6379) is used or touched.
//
//   node scripts/mailstack.mjs start [--dir D] [--user name:pass]...   # prints stack.json, exits
//   node scripts/mailstack.mjs status --dir D                          # exit 0 = all running
//   node scripts/mailstack.mjs stop --dir D
//
// Every server is a foreground child in its own process group (Dovecot with -F), so stopping
// kills the group and leaves no orphans. `<dir>/stack.json` records ports, pids and paths, so any
// process (e.g. a jest worker) can add users or stop/start a service with the functions below;
// the process that started the stack (its owner: jest's globalSetup, or the detached `serve`
// process behind `start`) does the actual spawning, see "control.sock" below.
// `--dir`/`dir` should be new or empty. KEEP_MAILSTACK=1 keeps the dir (logs, Maildirs, captures)
// after stop; otherwise a temp dir the stack created is removed.
import { spawn, execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { emptyRegistry, lockedUpdate, readJson } from './oauth2-server.mjs';

const HOST = '127.0.0.1';
const HERE = dirname(fileURLToPath(import.meta.url));
const TMP_PREFIX = 'klachtenbus-mailstack-';
// Dovecot refuses mail uid 0, so as root the Maildirs belong to nobody/nogroup.
const ROOT_MAIL_ID = 65534;

/** @typedef {'imap' | 'redis' | 'smtp' | 'oauth2'} ServiceName */
/** @typedef {'accept' | 'down' | 'refuse' | 'hang'} OAuth2Mode */
/** @typedef {'token' | 'introspect' | 'revoke'} OAuth2Endpoint */
/** @typedef {'accept' | 'reject-5xx' | 'reject-4xx' | 'drop' | 'drop-after-store'} SmtpMode */
/**
 * Contents of `<dir>/stack.json`.
 * @typedef {{
 *   version: 1, dir: string, ownsDir: boolean, root: boolean, owner: number | null,
 *   imap: { host: string, port: number, pid: number | null, config: string, log: string,
 *           usersDir: string, usersGid: number, mailRoot: string, mailUid: number, mailGid: number },
 *   redis: { host: string, port: number, url: string, pid: number | null, dataDir: string },
 *   smtp: { host: string, port: number, pid: number | null, controlFile: string },
 *   oauth2: { host: string, port: number, pid: number | null, url: string, tokenUrl: string,
 *             introspectUrl: string, revokeUrl: string, stateDir: string, clientsFile: string,
 *             controlFile: string, statsFile: string, dovecotConfig: string },
 *   captureDir: string,
 * }} StackState
 */
/**
 * @typedef {{
 *   url: string, tokenUrl: string, introspectUrl: string, revokeUrl: string,
 *   addClient(id: string, c: { secret?: string, user: string, scope?: string,
 *             tokenLifetimeSeconds?: number, rotateRefreshTokens?: boolean }): void,
 *   removeClient(id: string): void,
 *   addRefreshToken(token: string, r: { clientId: string, user: string, scope?: string }): void,
 *   setMode(mode: OAuth2Mode, opts?: { endpoint?: OAuth2Endpoint, times?: number }): void,
 *   stats(): OAuth2Stats,
 *   stop(): Promise<void>, start(): Promise<void>, restart(): Promise<void>,
 * }} OAuth2Control
 */
/** @typedef {Record<OAuth2Endpoint, { total: number, byClient: Record<string, number>, byOutcome: Record<string, number> }>} OAuth2Stats */
/** @typedef {{ stop(): Promise<void>, start(): Promise<void>, restart(): Promise<void> }} ServiceControl */
/**
 * @typedef {{
 *   dir: string, imap: { host: string, port: number },
 *   redis: { host: string, port: number, url: string }, smtp: { host: string, port: number },
 *   captureDir: string,
 *   addUser(user: string, pass: string): void,
 *   stopImap(): Promise<void>, startImap(): Promise<void>, restartImap(): Promise<void>,
 *   stopRedis(): Promise<void>, startRedis(): Promise<void>,
 *   stopSmtp(): Promise<void>, startSmtp(): Promise<void>,
 *   oauth2: OAuth2Control & { host: string, port: number },
 *   stop(): Promise<void>,
 * }} Stack
 */

// ---------------------------------------------------------------- stack.json and users

/** @param {string} dir @returns {StackState} */
export function readStackState(dir) {
  return JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8'));
}

/** Atomic rewrite, so a reader in another process never sees a half-written file. */
function writeStackState(/** @type {StackState} */ state) {
  const file = join(state.dir, 'stack.json');
  writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.${process.pid}.tmp`, file);
}

/**
 * One Dovecot passwd-file line: `user:{PLAIN}pass:uid:gid:gecos:home:shell:extra`.
 * @param {string} user @param {string} pass @param {number} uid @param {number} gid @param {string} home
 */
export function passwdLine(user, pass, uid, gid, home) {
  // the name is also a file name (users.d/<user>, mail/<user>): no '/', no leading dot
  if (!/^[A-Za-z0-9][A-Za-z0-9._+@-]*$/.test(user)) throw new Error(`mailstack: bad user name ${JSON.stringify(user)}`);
  if (!pass || /[:\r\n]/.test(pass)) throw new Error('mailstack: password must be non-empty without ":" or newlines');
  return `${user}:{PLAIN}${pass}:${uid}:${gid}::${home}::\n`;
}

/**
 * Adds an IMAP user from any process; the user can log in at once. Each user has its own
 * passwd-file, `users.d/<user>`: Dovecot stats a passwd-file at most once a second, so a line
 * appended to one shared file can stay unseen for up to a second (a login right after it fails),
 * while a new file is read on the first lookup. Creating the home dir first makes a duplicate
 * name fail (EEXIST).
 * @param {string} dir @param {string} user @param {string} pass
 */
export function addMailUser(dir, user, pass) {
  const { imap } = readStackState(dir);
  const home = join(imap.mailRoot, user);
  const line = passwdLine(user, pass, imap.mailUid, imap.mailGid, home);
  mkdirSync(home, { mode: 0o700 });
  const tmp = join(imap.usersDir, `.${user}.${process.pid}.tmp`);
  writeFileSync(tmp, line, { mode: 0o640 });
  if (process.getuid?.() === 0) {
    // root (CI, or a root test process on a rootless stack) hands the home to the mail uid, and
    // the passwd-file to the group Dovecot's auth process runs as
    chownSync(home, imap.mailUid, imap.mailGid);
    chownSync(tmp, process.getuid(), imap.usersGid);
  }
  renameSync(tmp, join(imap.usersDir, user)); // Dovecot never sees a half-written file
}

/**
 * Switches the SMTP sink's fault mode (see smtp-sink.mjs); `times` limits it to the next N messages.
 * @param {string} dir @param {SmtpMode} mode @param {number} [times]
 */
export function setSmtpMode(dir, mode, times) {
  const file = readStackState(dir).smtp.controlFile;
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(times ? { mode, times } : { mode }));
  renameSync(`${file}.${process.pid}.tmp`, file);
}

// ---------------------------------------------------------------- OAuth2 (oauth2-server.mjs)

/** The OAuth2 part of stack.json; throws for a stack started before the stack had one. */
function oauth2State(/** @type {string} */ dir) {
  const { oauth2 } = readStackState(dir);
  if (!oauth2) throw new Error(`mailstack: the stack in ${dir} has no OAuth2 server`);
  return oauth2;
}

/**
 * Registers an OAuth2 client from any process; the server re-reads its registry on each request,
 * so the client can get tokens at once. `user` is the mailbox user its tokens log in as.
 * Registering an existing id again replaces it.
 * @param {string} dir @param {string} id
 * @param {{ secret?: string, user: string, scope?: string, tokenLifetimeSeconds?: number, rotateRefreshTokens?: boolean }} client
 */
export function addOAuth2Client(dir, id, client) {
  if (!id || /[:\s]/.test(id)) throw new Error(`mailstack: bad OAuth2 client id ${JSON.stringify(id)}`);
  if (!client.user) throw new Error('mailstack: an OAuth2 client needs the mailbox user it acts for');
  /** @type {Record<string, unknown>} */
  const entry = { user: client.user };
  if (client.secret !== undefined) entry.secret = client.secret;
  if (client.scope !== undefined) entry.scope = client.scope;
  if (client.tokenLifetimeSeconds !== undefined) entry.tokenLifetimeSeconds = client.tokenLifetimeSeconds;
  if (client.rotateRefreshTokens !== undefined) entry.rotateRefreshTokens = client.rotateRefreshTokens;
  lockedUpdate(oauth2State(dir).clientsFile, emptyRegistry(), (reg) => {
    reg.clients = { ...reg.clients, [id]: /** @type {any} */ (entry) };
  });
}

/** Removes a client: its token requests then fail with invalid_client (issued tokens stay valid). */
export function removeOAuth2Client(/** @type {string} */ dir, /** @type {string} */ id) {
  lockedUpdate(oauth2State(dir).clientsFile, emptyRegistry(), (reg) => {
    delete reg.clients?.[id];
  });
}

/**
 * Registers a refresh token (as if the user had consented earlier), for the refresh_token grant.
 * @param {string} dir @param {string} token @param {{ clientId: string, user: string, scope?: string }} r
 */
export function addOAuth2RefreshToken(dir, token, r) {
  if (!token) throw new Error('mailstack: empty refresh token');
  lockedUpdate(oauth2State(dir).clientsFile, emptyRegistry(), (reg) => {
    reg.refreshTokens = {
      ...reg.refreshTokens,
      [token]: { client_id: r.clientId, user: r.user, ...(r.scope !== undefined ? { scope: r.scope } : {}) },
    };
  });
}

/**
 * Sets the OAuth2 server's fault mode for one endpoint (default: token), from any process; see
 * oauth2-server.mjs. `times` limits it to the next N requests to that endpoint.
 * @param {string} dir @param {OAuth2Mode} mode @param {{ endpoint?: OAuth2Endpoint, times?: number }} [opts]
 */
export function setOAuth2Mode(dir, mode, opts = {}) {
  const endpoint = opts.endpoint ?? 'token';
  lockedUpdate(oauth2State(dir).controlFile, /** @type {Record<string, unknown>} */ ({}), (ctl) => {
    const next = typeof ctl === 'object' && ctl ? { ...ctl } : {};
    if ('mode' in next) {
      // short form {"mode": ...} (token endpoint) written by hand: convert
      next.token = { mode: next.mode, ...(next.times ? { times: next.times } : {}) };
      delete next.mode;
      delete next.times;
    }
    if (mode === 'accept') delete next[endpoint];
    else next[endpoint] = opts.times ? { mode, times: opts.times } : { mode };
    return next;
  });
}

/** The OAuth2 server's request counters (stats.json). @returns {OAuth2Stats} */
export function oauth2Stats(/** @type {string} */ dir) {
  const empty = () => ({ total: 0, byClient: {}, byOutcome: {} });
  const s = readJson(oauth2State(dir).statsFile, {});
  return { token: s.token ?? empty(), introspect: s.introspect ?? empty(), revoke: s.revoke ?? empty() };
}

/**
 * Everything about the stack's OAuth2 server, usable from any process (like addMailUser).
 * @param {string} dir @returns {OAuth2Control}
 */
export function oauth2Control(dir) {
  const o = oauth2State(dir);
  const svc = serviceControl(dir, 'oauth2');
  return {
    url: o.url,
    tokenUrl: o.tokenUrl,
    introspectUrl: o.introspectUrl,
    revokeUrl: o.revokeUrl,
    addClient: (id, c) => addOAuth2Client(dir, id, c),
    removeClient: (id) => removeOAuth2Client(dir, id),
    addRefreshToken: (token, r) => addOAuth2RefreshToken(dir, token, r),
    setMode: (mode, opts) => setOAuth2Mode(dir, mode, opts),
    stats: () => oauth2Stats(dir),
    stop: svc.stop,
    start: svc.start,
    restart: svc.restart,
  };
}

// ---------------------------------------------------------------- processes

/** Non-zombie pids whose process group is `pgid` (Linux /proc; elsewhere a kill(0) probe). */
function groupMembers(/** @type {number} */ pgid) {
  if (!existsSync('/proc/self/stat')) {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  /** @type {number[]} */
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // fields after "(comm)": state ppid pgrp ...; comm may contain spaces, so cut at the last ')'
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') pids.push(Number(name));
    } catch {
      // the process exited while we looked
    }
  }
  return pids;
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @param {number} pgid @param {NodeJS.Signals} sig */
function killGroup(pgid, sig) {
  try {
    process.kill(-pgid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM the group, wait until every member is gone, SIGKILL stragglers after 10 s. */
async function stopGroup(/** @type {number} */ pgid) {
  killGroup(pgid, 'SIGTERM');
  for (const [sig, ms] of /** @type {const} */ ([
    ['SIGKILL', 10_000],
    [null, 5_000],
  ])) {
    const deadline = Date.now() + ms;
    while (groupMembers(pgid).length > 0 && Date.now() < deadline) await sleep(25);
    if (groupMembers(pgid).length === 0) return;
    if (sig) killGroup(pgid, sig);
  }
  throw new Error(`mailstack: process group ${pgid} did not exit`);
}

/**
 * Connects and reads the first line(s) the server sends. Resolves true when `ok` accepts them.
 * @param {number} port @param {(text: string) => boolean} ok @param {string} [send]
 * @returns {Promise<boolean>}
 */
function probe(port, ok, send) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port });
    let text = '';
    const done = (/** @type {boolean} */ v) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(2000, () => done(false));
    sock.on('error', () => done(false));
    sock.on('end', () => done(false));
    sock.on('connect', () => send && sock.write(send));
    sock.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\n')) done(ok(text));
    });
  });
}

/** How to run each service, rebuilt from stack.json so any process can (re)start it. */
const SERVICES = {
  imap: (/** @type {StackState} */ s) => ({
    cmd: findBin('dovecot'),
    args: ['-F', '-c', s.imap.config],
    out: join(s.dir, 'dovecot', 'master.out'),
    logs: [join(s.dir, 'dovecot', 'master.out'), s.imap.log],
    // Right after start Dovecot greets with "* OK Waiting for authentication process to
    // respond.." and logins would stall; only the real greeting means ready.
    ready: () => probe(s.imap.port, (t) => t.startsWith('* OK') && !/Waiting for auth/i.test(t)),
  }),
  redis: (/** @type {StackState} */ s) => ({
    cmd: findBin('redis-server'),
    // No persistence (a restarted Redis comes back empty, as the tests expect) and noeviction,
    // which BullMQ requires. protected-mode stays on; we only bind loopback anyway.
    args: [
      '--port',
      String(s.redis.port),
      '--bind',
      HOST,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--dir',
      s.redis.dataDir,
      '--daemonize',
      'no',
      '--logfile',
      join(s.redis.dataDir, 'redis.log'),
    ],
    out: join(s.redis.dataDir, 'redis.out'),
    logs: [join(s.redis.dataDir, 'redis.out'), join(s.redis.dataDir, 'redis.log')],
    ready: () => probe(s.redis.port, (t) => t.startsWith('+PONG'), 'PING\r\n'),
  }),
  smtp: (/** @type {StackState} */ s) => ({
    cmd: process.execPath,
    args: [
      join(HERE, 'smtp-sink.mjs'),
      '--port',
      String(s.smtp.port),
      '--capture-dir',
      s.captureDir,
      '--control',
      s.smtp.controlFile,
      // AUTH XOAUTH2 tokens are checked against the OAuth2 server (a stack from before it had
      // none: the sink offers PLAIN/LOGIN only)
      ...(s.oauth2 ? ['--introspect-url', s.oauth2.introspectUrl] : []),
    ],
    out: join(s.dir, 'smtp', 'smtp-sink.out'),
    logs: [join(s.dir, 'smtp', 'smtp-sink.out')],
    ready: () => probe(s.smtp.port, (t) => t.startsWith('220')),
  }),
  oauth2: (/** @type {StackState} */ s) => ({
    cmd: process.execPath,
    args: [join(HERE, 'oauth2-server.mjs'), '--port', String(s.oauth2.port), '--state-dir', s.oauth2.stateDir],
    out: join(s.oauth2.stateDir, 'oauth2-server.out'),
    logs: [join(s.oauth2.stateDir, 'oauth2-server.out')],
    ready: () => probe(s.oauth2.port, (t) => t.startsWith('HTTP/1.1 200'), 'GET /health HTTP/1.0\r\n\r\n'),
  }),
};

/** Last lines of the service's logs, for error messages. */
function logTail(/** @type {string[]} */ files) {
  return files
    .filter((f) => existsSync(f))
    .map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`)
    .join('\n');
}

/**
 * Servers this process spawned, by pid, with a promise that resolves once Node has reaped it.
 * @type {Map<number, { child: import('node:child_process').ChildProcess, exited: Promise<unknown> }>}
 */
const spawned = new Map();

/** @param {string} dir @param {ServiceName} name */
async function startService(dir, name) {
  const state = readStackState(dir);
  const current = state[name].pid;
  if (current && groupMembers(current).length > 0) return; // already running
  const svc = SERVICES[name](state);
  const out = openSync(svc.out, 'a');
  // detached = own session and process group (pgid = pid), so stop can kill the whole group and
  // the service outlives the process that started it (a CLI call or a jest worker).
  const child = spawn(svc.cmd, svc.args, { cwd: dir, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new Error(`mailstack: could not spawn ${svc.cmd}`);
  /** @type {number | null} */
  let exitCode = null;
  const exited = new Promise((r) => child.once('exit', (code, sig) => r((exitCode = code ?? (sig ? 128 : 1)))));
  spawned.set(pid, { child, exited });
  state[name].pid = pid;
  writeStackState({ ...readStackState(dir), [name]: state[name] });

  const deadline = Date.now() + 20_000;
  while (!(await svc.ready())) {
    if (exitCode !== null || Date.now() > deadline) {
      await stopGroup(pid).catch(() => {});
      const why = exitCode !== null ? `exited with code ${exitCode}` : 'not ready after 20 s';
      throw new Error(`mailstack: ${name} (${svc.cmd}) ${why}\n${logTail(svc.logs)}`);
    }
    await sleep(50);
  }
}

/** @param {string} dir @param {ServiceName} name */
async function stopService(dir, name) {
  if (!readStackState(dir)[name]) return; // a stack.json from before this service existed
  const pid = readStackState(dir)[name].pid;
  const own = pid ? spawned.get(pid) : undefined;
  // The child is unref'd (so a CLI or jest can exit while it runs); while we wait for it to die,
  // it must hold the event loop open, or this process could exit before reaping it (a zombie).
  own?.child.ref();
  if (pid) await stopGroup(pid);
  await own?.exited;
  if (pid) spawned.delete(pid);
  const state = readStackState(dir);
  writeStackState({ ...state, [name]: { ...state[name], pid: null } });
}

// Every server should stay the child of one long-lived process that reaps it: a server whose
// parent has exited is re-parented to init, and some container inits reap late or never, which
// leaves <defunct> entries behind. So the process that started the stack (its "owner": the
// jest globalSetup process, or the CLI's `serve` process) listens on <dir>/control.sock, and other
// processes (jest workers, `mailstack stop`) ask it to stop/start services instead of spawning
// them themselves. If the owner is gone, they act directly.

/** @param {string} dir @param {ServiceName} name @param {'stop' | 'start' | 'restart'} op */
async function localOp(dir, name, op) {
  if (op !== 'start') await stopService(dir, name);
  if (op !== 'stop') await startService(dir, name); // same port: it is in stack.json
}

/** Sends one JSON line to the owner; resolves its JSON reply, or null when nobody answers. */
function request(/** @type {string} */ sock, /** @type {object} */ msg) {
  return new Promise((resolve) => {
    const c = net.connect(sock);
    let text = '';
    c.on('connect', () => c.write(`${JSON.stringify(msg)}\n`));
    c.on('data', (d) => (text += d));
    c.on('error', () => resolve(null));
    c.on('close', () => resolve(text ? JSON.parse(text) : null));
  });
}

/**
 * Runs `local` in this process if it owns the stack (or the owner is gone), else in the owner.
 * @param {string} dir @param {object} msg @param {() => Promise<void>} local
 */
async function viaOwner(dir, msg, local) {
  const { owner } = readStackState(dir);
  if (owner && owner !== process.pid) {
    const reply = await request(join(dir, 'control.sock'), msg);
    if (reply?.error) throw new Error(reply.error);
    if (reply) return;
  }
  await local();
}

/** The owner's side of control.sock. `shutdown` stops the stack, then calls onShutdown. */
function serveControl(/** @type {string} */ dir, /** @type {() => void} */ onShutdown) {
  const server = net.createServer((sock) => {
    let text = '';
    sock.on('error', () => {});
    sock.on('data', (d) => {
      text += d;
      if (!text.includes('\n')) return;
      const msg = JSON.parse(text);
      const done = msg.op === 'shutdown' ? stopMailStack(dir, true) : localOp(dir, msg.service, msg.op);
      done.then(
        // reply first: a `serve` owner exits in onShutdown
        () => sock.end('{"ok":true}\n', () => msg.op === 'shutdown' && onShutdown()),
        (err) => sock.end(`${JSON.stringify({ error: String(err?.message ?? err) })}\n`),
      );
    });
  });
  rmSync(join(dir, 'control.sock'), { force: true });
  server.listen(join(dir, 'control.sock'));
  server.unref(); // must not keep a jest run alive
  return server;
}

/** @param {string} dir @param {ServiceName} service @returns {ServiceControl} */
function serviceControl(dir, service) {
  /** @param {'stop' | 'start' | 'restart'} op */
  const run = (op) => viaOwner(dir, { service, op }, () => localOp(dir, service, op));
  return { stop: () => run('stop'), start: () => run('start'), restart: () => run('restart') };
}

/** Stop/start the stack's Dovecot from any process (same port, same users and Maildirs). */
export const imapControl = (/** @type {string} */ dir) => serviceControl(dir, 'imap');
/** Stop/start the stack's Redis from any process; it comes back on the same port, empty. */
export const redisControl = (/** @type {string} */ dir) => serviceControl(dir, 'redis');
/** Stop/start the stack's SMTP capture server (an SMTP outage); captured mail is kept. */
export const smtpControl = (/** @type {string} */ dir) => serviceControl(dir, 'smtp');
// oauth2Control(dir) (above) also stops/starts the OAuth2 server: a real outage, connection
// refused, for Dovecot's introspection too. Issued tokens and clients survive a restart.

// ---------------------------------------------------------------- setup

/** Finds a binary in PATH or the sbin dirs (often not in a non-root PATH). Throws with a hint. */
export function findBin(/** @type {string} */ name) {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const d of dirs) if (d && existsSync(join(d, name))) return join(d, name);
  throw new Error(`mailstack: ${name} not found; run: node scripts/ensure-mailstack-deps.mjs`);
}

/** Distinct free loopback ports: all listeners stay open until each has its port. */
async function freePorts(/** @type {number} */ n) {
  const servers = Array.from({ length: n }, () => net.createServer());
  await Promise.all(servers.map((s) => new Promise((r) => s.listen(0, HOST, () => r(null)))));
  const ports = servers.map((s) => /** @type {net.AddressInfo} */ (s.address()).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/**
 * A standalone Dovecot config (no includes from /etc/dovecot); see /work/shared/mailstack.md for
 * why each line is there.
 * @param {{ dir: string, port: number, root: boolean, usersDir: string, oauth2Config: string }} o
 */
function dovecotConfig({ dir, port, root, usersDir, oauth2Config }) {
  const d = join(dir, 'dovecot');
  const log = join(d, 'dovecot.log');
  // Rootless: every Dovecot process runs as the current user, which can neither chown to other
  // users nor chroot (hence also `chroot =` for anvil and imap-login below), and whose uid may be
  // below the default first_valid_uid (500).
  const { username, uid, gid } = userInfo();
  const rootless = root
    ? ''
    : `
default_internal_user = ${username}
default_internal_group = ${execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim()}
default_login_user = ${username}
first_valid_uid = ${uid}
last_valid_uid = ${uid}
first_valid_gid = ${gid}
last_valid_gid = ${gid}
`;
  return `# generated by scripts/mailstack.mjs
instance_name = mailstack-${port}
base_dir = ${d}/run
state_dir = ${d}/state
log_path = ${log}
info_log_path = ${log}
debug_log_path = ${log}

# without protocols nothing listens, silently
protocols = imap
listen = ${HOST}
# ssl defaults to yes: STARTTLS would be advertised without a certificate and clients break
ssl = no
disable_plaintext_auth = no
# Password users (PLAIN/LOGIN) and OAuth2 users (XOAUTH2, Google/Microsoft style, and OAUTHBEARER,
# RFC 7628; imapflow prefers OAUTHBEARER when both are offered) on the same server.
auth_mechanisms = plain login xoauth2 oauthbearer
# tests with a wrong password should not wait the default 2 s
auth_failure_delay = 0
# No auth cache (0 is the compiled-in default; explicit because it matters): with a cache, a
# token's successful introspection is reused, so a token that expired or was revoked still logs in
# until the cache TTL ends (tried: auth_cache_size = 10M, auth_cache_ttl = 1h -> an expired
# 2-second token still logged in, without a new introspection request). Every OAuth2 login must
# be validated by the OAuth2 server, which is what the tests count on.
auth_cache_size = 0
# throwaway test mail: skip fsync for speed
mail_fsync = never
${rootless}
# Two passdbs, each limited by \`mechanisms\` to its own SASL mechanisms (a passdb that does not
# match the mechanism in use is skipped: "skipping passdb: mechanism filtered" in auth_debug).
# Both filters are needed (each was removed on its own and the result checked):
# - passwd-file without the filter: XOAUTH2/OAUTHBEARER hand the bearer token to every passdb as
#   the password, so AUTHENTICATE XOAUTH2 with the user's *password* in place of the token logged
#   in. The filter keeps passwords and tokens apart.
# - oauth2 without the filter: every failed password login (wrong password, unknown user) falls
#   through to the oauth2 passdb and becomes an introspection request (with the password as the
#   token), which adds load on the OAuth2 server and noise to its request counters.
# The order does not matter with the filters; both keep the default result_failure = continue.
# One passwd-file per user (see addMailUser).
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u ${usersDir}/%u
}
# Bearer tokens: validated by the stack's OAuth2 server (oauth2-server.mjs), see
# dovecotOAuth2Config for the args file. An OAuth2 login needs a userdb entry too (the passwd-file
# userdb below), so the token's user must be a mailbox user (addMailUser).
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${oauth2Config}
}
userdb {
  driver = passwd-file
  args = username_format=%u ${usersDir}/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
protocol imap {
  # a worker plus test helpers may hold many connections for one user from 127.0.0.1
  mail_max_userip_connections = 100
}
# No growing per-IP delay after failed logins (anvil's auth penalty, up to 15 s): every test
# connects from 127.0.0.1, so one wrong-password test would slow down all the others.
service anvil {
${root ? '' : '  chroot =\n'}  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
${root ? '' : '  chroot =\n'}  inet_listener imap {
    address = ${HOST}
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/**
 * The args file of Dovecot's oauth2 passdb (Dovecot 2.3): validate every bearer token through the
 * stack's OAuth2 server's RFC 7662 introspection endpoint (one request per login, no cache).
 * @param {string} introspectUrl
 */
function dovecotOAuth2Config(introspectUrl) {
  return `# generated by scripts/mailstack.mjs
# Opaque tokens, so no tokeninfo_url and no local (JWT) validation: introspection only.
introspection_url = ${introspectUrl}
# RFC 7662: POST with the form body token=<token>. The default (auth) is a GET with the token as
# "Authorization: Bearer"; oauth2-server.mjs answers that with 405 and the login fails with
# "NO [UNAVAILABLE] Temporary authentication failure".
introspection_mode = post
# The user the token belongs to (the default is "email"). Dovecot normalises it with
# username_format and compares it with the login name (XOAUTH2 user=, OAUTHBEARER a=), which
# auth_username_format (default %Lu) has lowercased; a token of another user fails the login
# ("Username ... did not match ..."). username_format must lowercase like auth_username_format:
# with %u, a client bound to "Carol" failed with "Username 'carol' did not match 'Carol'". (Mixed
# case mailbox users cannot log in anyway, by password or token: the passwd-file is looked up as
# users.d/<lowercased name>. Use lower-case user names.)
username_attribute = username
username_format = %Lu
# RFC 7662 answers {"active": false} for expired, revoked and unknown tokens; require true
# (our server then also leaves out username, which alone would fail the login too).
active_attribute = active
active_value = true
# A hanging introspection endpoint fails the login after 5 s with NO [UNAVAILABLE] (a temporary
# failure) instead of the default, much longer HTTP client timeout.
timeout_msecs = 5000
`;
}

/**
 * Starts Dovecot, Redis and the SMTP sink in a fresh temp dir (or `dir`) on free loopback ports.
 * This process becomes the stack's owner: its servers are killed if it exits without stop().
 * `onShutdown` is called after another process stopped the stack (`mailstack stop`).
 * @param {{ dir?: string, users?: Array<{ user: string, pass: string }>, onShutdown?: () => void }} [opts]
 * @returns {Promise<Stack>}
 */
export async function startMailStack(opts = {}) {
  const root = process.getuid?.() === 0;
  for (const bin of ['dovecot', 'doveconf', 'redis-server']) findBin(bin);
  const ownsDir = !opts.dir;
  const dir = opts.dir ? resolve(opts.dir) : mkdtempSync(join(tmpdir(), TMP_PREFIX));
  if (existsSync(join(dir, 'stack.json'))) throw new Error(`mailstack: ${dir} already has a stack.json`);
  mkdirSync(dir, { recursive: true });
  // mktemp makes the dir 0700; Dovecot's unprivileged processes must be able to traverse it.
  chmodSync(dir, 0o755);
  const [imapPort = 0, redisPort = 0, smtpPort = 0, oauth2Port = 0] = await freePorts(4);
  for (const sub of ['dovecot', 'mail', 'redis', 'smtp', 'capture', 'oauth2'])
    mkdirSync(join(dir, sub), { recursive: true });

  // As root, the passwd-files are read by the auth process, which runs as group "dovecot".
  const usersDir = join(dir, 'dovecot', 'users.d');
  mkdirSync(usersDir, { recursive: true, mode: root ? 0o755 : 0o700 });
  const usersGid = root ? Number(execFileSync('id', ['-g', 'dovecot'], { encoding: 'utf8' })) : userInfo().gid;
  const config = join(dir, 'dovecot', 'dovecot.conf');
  const oauth2Config = join(dir, 'dovecot', 'dovecot-oauth2.conf.ext');
  const oauth2Url = `http://${HOST}:${oauth2Port}`;
  writeFileSync(oauth2Config, dovecotOAuth2Config(`${oauth2Url}/introspect`));
  writeFileSync(config, dovecotConfig({ dir, port: imapPort, root, usersDir, oauth2Config }));
  try {
    execFileSync(findBin('doveconf'), ['-c', config, '-n'], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`mailstack: doveconf rejected ${config}: ${/** @type {any} */ (err).stderr}`, { cause: err });
  }

  const { uid, gid } = userInfo();
  /** @type {StackState} */
  const state = {
    version: 1,
    dir,
    ownsDir,
    root,
    owner: process.pid,
    imap: {
      host: HOST,
      port: imapPort,
      pid: null,
      config,
      log: join(dir, 'dovecot', 'dovecot.log'),
      usersDir,
      usersGid,
      mailRoot: join(dir, 'mail'),
      mailUid: root ? ROOT_MAIL_ID : uid,
      mailGid: root ? ROOT_MAIL_ID : gid,
    },
    redis: { host: HOST, port: redisPort, url: `redis://${HOST}:${redisPort}`, pid: null, dataDir: join(dir, 'redis') },
    smtp: { host: HOST, port: smtpPort, pid: null, controlFile: join(dir, 'smtp', 'control.json') },
    oauth2: {
      host: HOST,
      port: oauth2Port,
      pid: null,
      url: oauth2Url,
      tokenUrl: `${oauth2Url}/token`,
      introspectUrl: `${oauth2Url}/introspect`,
      revokeUrl: `${oauth2Url}/revoke`,
      stateDir: join(dir, 'oauth2'),
      clientsFile: join(dir, 'oauth2', 'clients.json'),
      controlFile: join(dir, 'oauth2', 'control.json'),
      statsFile: join(dir, 'oauth2', 'stats.json'),
      dovecotConfig: oauth2Config,
    },
    captureDir: join(dir, 'capture'),
  };
  writeStackState(state);

  // Last resort if this process ends without stop() (jest exits early, Ctrl-C): kill the servers,
  // which run in their own sessions and so get neither the terminal's SIGINT nor our exit.
  const onExit = () => killMailStackSync(dir);
  const onSignal = (/** @type {NodeJS.Signals} */ sig) => {
    killMailStackSync(dir);
    // Then die of the signal as if we had not listened, unless someone else handles it.
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  process.once('exit', onExit);
  for (const sig of SIGNALS) process.once(sig, onSignal);
  const control = serveControl(dir, opts.onShutdown ?? (() => {}));
  const stop = async () => {
    control.close();
    process.removeListener('exit', onExit);
    for (const sig of SIGNALS) process.removeListener(sig, onSignal);
    await stopMailStack(dir, true);
  };
  try {
    await Promise.all(ALL.map((n) => startService(dir, n)));
    for (const u of opts.users ?? []) addMailUser(dir, u.user, u.pass);
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }

  const imap = imapControl(dir);
  const redis = redisControl(dir);
  const smtp = smtpControl(dir);
  const oauth2 = oauth2Control(dir);
  return {
    dir,
    imap: { host: HOST, port: imapPort },
    redis: { host: HOST, port: redisPort, url: state.redis.url },
    smtp: { host: HOST, port: smtpPort },
    captureDir: state.captureDir,
    addUser: (user, pass) => addMailUser(dir, user, pass),
    stopImap: imap.stop,
    startImap: imap.start,
    restartImap: imap.restart,
    stopRedis: redis.stop,
    startRedis: redis.start,
    stopSmtp: smtp.stop,
    startSmtp: smtp.start,
    oauth2: { host: HOST, port: oauth2Port, ...oauth2 },
    stop,
  };
}

/** @type {ServiceName[]} */
const ALL = ['imap', 'redis', 'smtp', 'oauth2'];
/** @type {NodeJS.Signals[]} */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Stops every service of the stack in `dir` (from any process; via its owner while that lives)
 * and removes the dir if the stack created it, unless KEEP_MAILSTACK=1.
 * @param {string} dir @param {boolean} [local] skip the owner (the owner itself calls this)
 */
export async function stopMailStack(dir, local = false) {
  if (!existsSync(join(dir, 'stack.json'))) return; // already stopped (e.g. by `mailstack stop`)
  const doStop = async () => {
    const state = readStackState(dir);
    await Promise.all(ALL.map((n) => stopService(dir, n)));
    if (state.ownsDir && process.env.KEEP_MAILSTACK !== '1') rmSync(dir, { recursive: true, force: true });
    else {
      // a kept dir stays for inspection, marked as no longer running
      rmSync(join(dir, 'control.sock'), { force: true });
      renameSync(join(dir, 'stack.json'), join(dir, 'stack.stopped.json'));
    }
  };
  await (local ? doStop() : viaOwner(dir, { op: 'shutdown' }, doStop));
}

/** Synchronous cleanup for process 'exit': SIGTERM every server's group, without waiting. */
export function killMailStackSync(/** @type {string} */ dir) {
  try {
    const state = readStackState(dir);
    for (const n of ALL) if (state[n]?.pid) killGroup(/** @type {number} */ (state[n].pid), 'SIGTERM');
  } catch {
    // stack.json already gone: stopped normally
  }
}

/**
 * Which services of the stack in `dir` are running and answering.
 * @param {string} dir @returns {Promise<Record<string, { port: number, pid: number | null, up: boolean }>>}
 */
export async function mailStackStatus(dir) {
  const s = readStackState(dir);
  /** @param {ServiceName} n */
  const one = async (n) => {
    const pid = s[n].pid;
    return { port: s[n].port, pid, up: !!pid && groupMembers(pid).length > 0 && (await SERVICES[n](s).ready()) };
  };
  return {
    imap: await one('imap'),
    redis: await one('redis'),
    smtp: await one('smtp'),
    ...(s.oauth2 ? { oauth2: await one('oauth2') } : {}),
  };
}

/**
 * Stops stacks in the temp dir whose owner process is gone (a killed test run or `serve`), so
 * repeated runs do not pile up servers.
 */
export async function reapStaleStacks() {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(TMP_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let owner;
    try {
      owner = readStackState(dir).owner;
    } catch {
      continue; // no (readable) stack.json: not ours to judge
    }
    if (owner && !isAlive(owner)) await stopMailStack(dir, true);
  }
}

function isAlive(/** @type {number} */ pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- CLI

/** `serve`: the detached owner process behind `start`. Prints one JSON line, then stays silent. */
async function serve(
  /** @type {string | undefined} */ dir,
  /** @type {Array<{ user: string, pass: string }>} */ users,
) {
  try {
    // `mailstack stop` sends "shutdown" through control.sock; once the stack is stopped, leave.
    const stack = await startMailStack({ dir, users, onShutdown: () => process.exit(0) });
    // The owner's control socket is unref'd (for jest); here a timer keeps the process alive.
    setInterval(() => {}, 1 << 30);
    const shutdown = () => stack.stop().finally(() => process.exit(0));
    for (const sig of SIGNALS) process.on(sig, shutdown);
    console.log(JSON.stringify(readStackState(stack.dir)));
  } catch (err) {
    console.log(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
    process.exit(1);
  }
}

/** `start`: runs `serve` detached, relays its JSON line and exits, leaving the stack running. */
function startDetached(/** @type {string[]} */ args) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolvePromise) => {
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      if (!text.includes('\n')) return;
      const line = text.slice(0, text.indexOf('\n'));
      const ok = !JSON.parse(line).error;
      (ok ? console.log : console.error)(line);
      child.stdout.destroy();
      child.unref();
      resolvePromise(ok ? 0 : 1);
    });
    child.on('exit', (code) => resolvePromise(code || 1));
  });
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { dir: { type: 'string' }, user: { type: 'string', multiple: true } },
  });
  const [cmd] = positionals;
  const users = (values.user ?? []).map((u) => {
    const i = u.indexOf(':');
    if (i < 1) throw new Error(`--user expects name:pass, got ${u}`);
    return { user: u.slice(0, i), pass: u.slice(i + 1) };
  });
  if (cmd === 'start') return startDetached(process.argv.slice(3));
  if (cmd === 'serve') return serve(values.dir, users).then(() => undefined);
  if ((cmd === 'stop' || cmd === 'status') && values.dir && !existsSync(join(values.dir, 'stack.json'))) {
    console.error(`mailstack: no running stack in ${values.dir}`);
    return cmd === 'stop' ? 0 : 3;
  }
  if (cmd === 'stop' && values.dir) {
    await stopMailStack(values.dir);
    console.log(`mailstack stopped: ${values.dir}`);
    return 0;
  }
  if (cmd === 'status' && values.dir) {
    const status = await mailStackStatus(values.dir);
    console.log(JSON.stringify(status));
    return Object.values(status).every((s) => s.up) ? 0 : 3;
  }
  console.error('usage: mailstack.mjs start [--dir D] [--user name:pass]... | stop --dir D | status --dir D');
  return 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => code !== undefined && process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
