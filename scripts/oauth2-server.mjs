#!/usr/bin/env node
// A small OAuth2 authorisation server for tests and the demo (plain node:http on 127.0.0.1), so
// the product can be tested against a Dovecot (and an SMTP sink) that validate real, expiring
// bearer tokens. mailstack.mjs runs it as a child process, like smtp-sink.mjs.
//
//   node scripts/oauth2-server.mjs --port N --state-dir DIR     (--port 0: any free port; the
//                                                                  first stdout line names it)
//
// Endpoints (bodies application/x-www-form-urlencoded, answers JSON):
//   POST /token       RFC 6749. grant_type=client_credentials (client_id + client_secret in the
//                     body or HTTP Basic; optional scope) and grant_type=refresh_token
//                     (refresh_token, client_id[, client_secret]; a client registered with a
//                     secret must send it, in the body or as Basic). Answers
//                     {access_token, token_type: "Bearer", expires_in, scope?, refresh_token?}.
//                     Access tokens are opaque random strings (no JWT), valid for the client's
//                     tokenLifetimeSeconds (default 3600). Errors are RFC 6749 5.2 JSON:
//                     invalid_request 400, invalid_client 401, invalid_grant 400,
//                     unauthorized_client 400, unsupported_grant_type 400, invalid_scope 400.
//   POST /introspect  RFC 7662 (form token=...). {active: true, username, sub, scope, exp, iat,
//                     client_id, token_type} for a live access token, else {active: false}.
//                     Dovecot's oauth2 passdb and smtp-sink.mjs call this. No caller
//                     authentication (loopback test server).
//   POST /revoke      RFC 7009 (form token=...): revokes an access or refresh token; always 200.
//   GET  /stats       the request counters (same content as stats.json, see below).
//   GET  /health      200 "ok" (the stack's readiness probe).
//
// Files in --state-dir (mailstack.mjs: <stack>/oauth2/):
//   clients.json  the registry, re-read on every request so any process can add clients:
//                 { clients: { [client_id]: { secret?, user, scope?, tokenLifetimeSeconds?,
//                                             rotateRefreshTokens? } },
//                   refreshTokens: { [token]: { client_id, user, scope? } } }
//                 `user` is the mailbox user the client (or refresh token) acts for: the
//                 introspection `username`. No `secret` = a public client (refresh_token grant
//                 only). `scope`: space-separated scopes the client may get (none = any
//                 requested scope is granted). rotateRefreshTokens: each refresh_token grant
//                 returns a new refresh token and the old one stops working (Microsoft style);
//                 without it, refresh tokens stay valid and none is returned (Google style).
//                 Writers take the lock file clients.json.lock (see lockedUpdate), as this server
//                 does when it rotates or revokes a refresh token.
//   control.json  fault injection per endpoint, re-read on every request:
//                 { "token": { "mode": M, "times"?: N }, "introspect": {...}, "revoke": {...} }
//                 or the short form { "mode": M, "times"?: N } (= the token endpoint only).
//                 M is one of
//                   accept  (default) answer normally
//                   down    503 {"error":"temporarily_unavailable"} with Retry-After: 1
//                   refuse  close the connection without an answer (a reset / "socket hang up")
//                   hang    never answer (the client's own timeout must fire)
//                 `times`: only the next N requests to that endpoint, then back to accept (this
//                 server rewrites the file as it counts down).
//   stats.json    request counters, rewritten (atomically) before each answer, so a test that got
//                 its answer sees its request counted:
//                 { [endpoint]: { total, byClient: { [client_id]: n }, byOutcome: { [o]: n } } }
//                 for endpoints token, introspect, revoke. Outcomes: ok, active, inactive, the
//                 OAuth error codes, and the fault modes. Per-client counts let tests on a
//                 shared stack look at their own client only.
//   issued.json   the access tokens issued (owned by this server), so a restart keeps them valid.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { URLSearchParams, fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const DEFAULT_LIFETIME_SECONDS = 3600;
export const MODES = ['accept', 'down', 'refuse', 'hang'];
export const ENDPOINTS = ['token', 'introspect', 'revoke'];

// ---------------------------------------------------------------- files (shared with mailstack.mjs)

/** Writes JSON atomically: a reader sees the old or the new content, never half of it. */
export function writeJsonAtomic(/** @type {string} */ file, /** @type {unknown} */ value) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

/** @param {string} file @param {any} fallback */
export function readJson(file, fallback) {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return text ? JSON.parse(text) : fallback;
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') return fallback;
    throw err;
  }
}

const sleepSync = (/** @type {number} */ ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Read-modify-write of a JSON file under an exclusive lock file (`<file>.lock`, created with O_EXCL),
 * so parallel jest workers adding clients, and this server rotating refresh tokens, never lose
 * each other's updates. A lock older than 5 s is taken to be left over by a killed process.
 * @template T @param {string} file @param {T} empty @param {(value: T) => T | void} fn
 */
export function lockedUpdate(file, empty, fn) {
  const lock = `${file}.lock`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5000) rmSync(lock, { force: true });
      } catch {
        // released meanwhile
      }
      if (Date.now() > deadline) throw new Error(`oauth2: could not lock ${file}`, { cause: err });
      sleepSync(5);
    }
  }
  try {
    const value = readJson(file, empty);
    const next = fn(value) ?? value;
    writeJsonAtomic(file, next);
    return next;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** @typedef {{ secret?: string, user: string, scope?: string, tokenLifetimeSeconds?: number, rotateRefreshTokens?: boolean }} ClientEntry */
/** @typedef {{ client_id: string, user: string, scope?: string }} RefreshEntry */
/** @typedef {{ clients: Record<string, ClientEntry>, refreshTokens: Record<string, RefreshEntry> }} Registry */
/** @returns {Registry} */
export const emptyRegistry = () => ({ clients: {}, refreshTokens: {} });

// ---------------------------------------------------------------- the server

function main() {
  const { values } = parseArgs({ options: { port: { type: 'string' }, 'state-dir': { type: 'string' } } });
  const port = Number(values.port);
  const stateDir = values['state-dir'] ?? '';
  if (!Number.isInteger(port) || !stateDir) {
    console.error('usage: oauth2-server.mjs --port N --state-dir DIR');
    process.exit(2);
  }
  mkdirSync(stateDir, { recursive: true });
  const files = {
    clients: join(stateDir, 'clients.json'),
    control: join(stateDir, 'control.json'),
    stats: join(stateDir, 'stats.json'),
    issued: join(stateDir, 'issued.json'),
  };
  if (!existsSync(files.clients)) lockedUpdate(files.clients, emptyRegistry(), () => undefined);

  /** Issued access tokens, token -> entry; persisted so that a restarted server keeps them. */
  /** @type {Record<string, { client_id: string, user: string, scope: string, iat: number, exp: number }>} */
  const issued = readJson(files.issued, {});
  /** @type {Record<string, { total: number, byClient: Record<string, number>, byOutcome: Record<string, number> }>} */
  const stats = readJson(files.stats, {});
  for (const e of ENDPOINTS) stats[e] ??= { total: 0, byClient: {}, byOutcome: {} };

  const now = () => Math.floor(Date.now() / 1000);

  function saveIssued() {
    const t = now();
    for (const [tok, e] of Object.entries(issued)) if (e.exp < t - 3600) delete issued[tok]; // long dead
    writeJsonAtomic(files.issued, issued);
  }

  /** @param {string} endpoint @param {string | undefined} clientId @param {string} outcome */
  function count(endpoint, clientId, outcome) {
    const s = /** @type {NonNullable<typeof stats[string]>} */ (stats[endpoint]);
    s.total += 1;
    const c = clientId || '(none)';
    s.byClient[c] = (s.byClient[c] ?? 0) + 1;
    s.byOutcome[outcome] = (s.byOutcome[outcome] ?? 0) + 1;
    writeJsonAtomic(files.stats, stats);
  }

  /** The fault mode for one request to `endpoint`; counts down `times` (under the file's lock). */
  function takeMode(/** @type {string} */ endpoint) {
    /** @param {any} raw */
    const entryOf = (raw) => {
      const ctl = typeof raw === 'string' ? { mode: raw } : raw;
      // short form {"mode": ...}: the token endpoint
      return ctl[endpoint] ?? (endpoint === 'token' && ctl.mode ? { mode: ctl.mode, times: ctl.times } : null);
    };
    let text = '';
    try {
      text = readFileSync(files.control, 'utf8').trim();
    } catch {
      // no control file: accept
    }
    if (!text) return 'accept';
    // a bare word ("down") is the short form too
    const entry = entryOf(text.startsWith('{') ? JSON.parse(text) : text);
    if (!entry) return 'accept';
    if (!MODES.includes(entry.mode)) throw new Error(`oauth2: unknown mode ${entry.mode}`);
    if (typeof entry.times === 'number') {
      lockedUpdate(files.control, /** @type {any} */ ({}), (raw) => {
        const now = entryOf(raw);
        const next = typeof raw === 'string' ? {} : { ...raw };
        delete next.mode;
        delete next.times;
        const left = (now?.times ?? 1) - 1;
        if (now && left > 0) next[endpoint] = { mode: now.mode, times: left };
        else delete next[endpoint];
        return next;
      });
    }
    return /** @type {string} */ (entry.mode);
  }

  /** @param {http.ServerResponse} res @param {number} status @param {object} body @param {Record<string, string>} [headers] */
  function send(res, status, body, headers = {}) {
    res.writeHead(status, {
      'Content-Type': 'application/json;charset=UTF-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  /** An RFC 6749 error answer. */
  class OAuthError extends Error {
    /** @param {number} status @param {string} error @param {string} description @param {Record<string,string>} [headers] */
    constructor(status, error, description, headers = {}) {
      super(description);
      this.status = status;
      this.error = error;
      this.headers = headers;
    }
  }

  const safeEqual = (/** @type {string} */ a, /** @type {string} */ b) => {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  };

  /** Client credentials from HTTP Basic (RFC 6749 2.3.1: form-urlencoded id and secret) or the body. */
  function clientCredentials(/** @type {http.IncomingMessage} */ req, /** @type {URLSearchParams} */ form) {
    const auth = req.headers.authorization;
    if (auth && /^basic /i.test(auth)) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0)
        throw new OAuthError(401, 'invalid_client', 'malformed Basic credentials', { 'WWW-Authenticate': 'Basic' });
      const dec = (/** @type {string} */ s) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          throw new OAuthError(401, 'invalid_client', 'malformed Basic credentials', { 'WWW-Authenticate': 'Basic' });
        }
      };
      if (form.has('client_secret'))
        throw new OAuthError(400, 'invalid_request', 'client authenticated twice (Basic and client_secret)');
      return { id: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)), basic: true };
    }
    return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? undefined, basic: false };
  }

  /** The client id of an HTTP Basic header, if any (only for the counters). */
  function basicUser(/** @type {http.IncomingMessage} */ req) {
    const auth = req.headers.authorization;
    if (!auth || !/^basic /i.test(auth)) return undefined;
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    try {
      return decodeURIComponent(decoded.split(':')[0] ?? '') || undefined;
    } catch {
      return undefined;
    }
  }

  /** Grants `requested` (space-separated) if the client may have it; none requested = the client's scope. */
  function grantScope(/** @type {ClientEntry} */ client, /** @type {string | null} */ requested) {
    const allowed = client.scope?.split(/\s+/).filter(Boolean);
    const want = requested?.split(/\s+/).filter(Boolean) ?? [];
    if (want.length === 0) return allowed?.join(' ') ?? '';
    const bad = allowed ? want.filter((s) => !allowed.includes(s)) : [];
    if (bad.length) throw new OAuthError(400, 'invalid_scope', `scope not allowed for this client: ${bad.join(' ')}`);
    return [...new Set(want)].join(' ');
  }

  /** @param {string} clientId @param {ClientEntry} client @param {string} user @param {string} scope */
  function issue(clientId, client, user, scope) {
    const lifetime = client.tokenLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
    const token = randomBytes(24).toString('base64url');
    const iat = now();
    issued[token] = { client_id: clientId, user, scope, iat, exp: iat + lifetime };
    saveIssued();
    /** @type {Record<string, unknown>} */
    const body = { access_token: token, token_type: 'Bearer', expires_in: lifetime };
    if (scope) body.scope = scope;
    return body;
  }

  /** @param {http.IncomingMessage} req @param {URLSearchParams} form @returns {{ clientId: string, body: object }} */
  function tokenEndpoint(req, form) {
    const grant = form.get('grant_type');
    const cred = clientCredentials(req, form);
    const unauthorised = (/** @type {string} */ why) =>
      new OAuthError(
        401,
        'invalid_client',
        why,
        cred.basic ? { 'WWW-Authenticate': 'Basic realm="oauth2-server"' } : {},
      );
    if (!grant) throw new OAuthError(400, 'invalid_request', 'grant_type is missing');
    if (grant !== 'client_credentials' && grant !== 'refresh_token')
      throw new OAuthError(400, 'unsupported_grant_type', `grant_type ${grant} is not supported`);
    if (!cred.id) throw unauthorised('client_id is missing');
    const registry = /** @type {Registry} */ (readJson(files.clients, emptyRegistry()));
    const client = registry.clients?.[cred.id];
    if (!client) throw unauthorised(`unknown client ${cred.id}`);

    if (grant === 'client_credentials') {
      if (!client.secret)
        throw new OAuthError(400, 'unauthorized_client', 'a public client cannot use client_credentials');
      if (cred.secret === undefined || !safeEqual(cred.secret, client.secret))
        throw unauthorised('bad client credentials');
      return { clientId: cred.id, body: issue(cred.id, client, client.user, grantScope(client, form.get('scope'))) };
    }

    // refresh_token: a client with a secret must authenticate; a public client sends only its id
    if (client.secret && (cred.secret === undefined || !safeEqual(cred.secret, client.secret)))
      throw unauthorised('bad client credentials');
    if (!client.secret && cred.secret !== undefined) throw unauthorised('this client has no secret');
    const refresh = form.get('refresh_token');
    if (!refresh) throw new OAuthError(400, 'invalid_request', 'refresh_token is missing');
    /** @type {{ clientId: string, body: Record<string, unknown> } | undefined} */
    let result;
    // under the lock: a rotated refresh token must not be usable twice, even by parallel requests
    lockedUpdate(files.clients, emptyRegistry(), (reg) => {
      reg.refreshTokens ??= {};
      const entry = reg.refreshTokens[refresh];
      if (!entry) throw new OAuthError(400, 'invalid_grant', 'unknown, revoked or already used refresh token');
      if (entry.client_id !== cred.id)
        throw new OAuthError(400, 'invalid_grant', 'refresh token was issued to another client');
      // requested scope may narrow the refresh token's scope, never widen it (RFC 6749 6)
      const scope = entry.scope
        ? grantScope({ ...client, scope: entry.scope }, form.get('scope'))
        : grantScope(client, form.get('scope'));
      const body = issue(cred.id, client, entry.user, scope);
      if (client.rotateRefreshTokens) {
        const next = randomBytes(24).toString('base64url');
        delete reg.refreshTokens[refresh];
        reg.refreshTokens[next] = entry;
        body.refresh_token = next;
      }
      result = { clientId: cred.id, body };
      return reg;
    });
    return /** @type {NonNullable<typeof result>} */ (result);
  }

  /** @param {URLSearchParams} form */
  function introspectEndpoint(form) {
    const token = form.get('token') ?? '';
    const e = issued[token];
    if (!e || e.exp <= now()) return { clientId: e?.client_id, outcome: 'inactive', body: { active: false } };
    /** @type {Record<string, unknown>} */
    const body = {
      active: true,
      username: e.user,
      sub: e.user,
      client_id: e.client_id,
      token_type: 'Bearer',
      exp: e.exp,
      iat: e.iat,
    };
    if (e.scope) body.scope = e.scope;
    return { clientId: e.client_id, outcome: 'active', body };
  }

  /** @param {URLSearchParams} form */
  function revokeEndpoint(form) {
    const token = form.get('token') ?? '';
    /** @type {string | undefined} */
    let clientId = issued[token]?.client_id;
    if (issued[token]) {
      delete issued[token];
      saveIssued();
    }
    lockedUpdate(files.clients, emptyRegistry(), (reg) => {
      const entry = reg.refreshTokens?.[token];
      if (!entry) return undefined;
      clientId = entry.client_id;
      delete reg.refreshTokens[token];
      return reg;
    });
    return clientId;
  }

  /** @type {Set<import('node:net').Socket>} */
  const hung = new Set();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return res.end('ok\n');
    }
    if (req.method === 'GET' && path === '/stats') return send(res, 200, stats);
    const endpoint = { '/token': 'token', '/introspect': 'introspect', '/revoke': 'revoke' }[path];
    if (!endpoint) return send(res, 404, { error: 'not_found' });
    if (req.method !== 'POST')
      return send(res, 405, { error: 'invalid_request', error_description: 'use POST' }, { Allow: 'POST' });

    const chunks = /** @type {Buffer[]} */ ([]);
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      // for the counters: the client the request names (body, Basic user, or the token's client)
      const named = form.get('client_id') || basicUser(req) || issued[form.get('token') ?? '']?.client_id;
      let mode;
      try {
        mode = takeMode(endpoint);
      } catch (err) {
        return send(res, 500, { error: 'server_error', error_description: String(err) });
      }
      if (mode !== 'accept') {
        // counted under the client the request names, when it names one
        count(endpoint, named, mode);
        if (mode === 'down')
          return send(
            res,
            503,
            { error: 'temporarily_unavailable', error_description: 'token endpoint down (test fault)' },
            { 'Retry-After': '1' },
          );
        if (mode === 'refuse') return req.socket.destroy();
        hung.add(req.socket); // 'hang': no answer at all
        req.socket.once('close', () => hung.delete(req.socket));
        return undefined;
      }
      try {
        if (endpoint === 'token') {
          const { clientId, body } = tokenEndpoint(req, form);
          count('token', clientId, 'ok');
          return send(res, 200, body);
        }
        if (endpoint === 'introspect') {
          const { clientId, outcome, body } = introspectEndpoint(form);
          count('introspect', clientId, outcome);
          return send(res, 200, body);
        }
        count('revoke', revokeEndpoint(form), 'ok');
        return send(res, 200, {});
      } catch (err) {
        if (err instanceof OAuthError) {
          count(endpoint, named, err.error);
          return send(res, err.status, { error: err.error, error_description: err.message }, err.headers);
        }
        console.error('oauth2-server:', err);
        count(endpoint, named, 'server_error');
        return send(res, 500, { error: 'server_error', error_description: String(err) });
      }
    });
    return undefined;
  });
  server.keepAliveTimeout = 2000;
  server.on('error', (err) => {
    console.error('oauth2-server:', err.message);
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
    console.log(`oauth2-server listening on http://127.0.0.1:${addr.port}`);
  });

  for (const sig of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
    process.on(sig, () => {
      for (const s of hung) s.destroy();
      server.close();
      process.exit(0);
    });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
