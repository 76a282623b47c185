import { execFileSync } from 'node:child_process';
import { createVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientAssertion, OAuth2TokenProvider } from '../../src/adapters/oauth/tokenProvider.js';
import { authProblems } from '../../src/config/auth.js';

/** A token endpoint in this process: answers as told, counts requests, records the last form. */
function endpoint(answer: (form: URLSearchParams) => { status: number; body: unknown }) {
  const seen: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (d: Buffer) => (data += d.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(data);
      seen.push(form);
      const a = answer(form);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body));
    });
  });
  return new Promise<{ url: string; seen: URLSearchParams[]; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
        seen,
        close: () => server.close(),
      }),
    ),
  );
}

describe('OAuth2TokenProvider', () => {
  test('client credentials: one request, cached until a minute before expiry, then refreshed', async () => {
    let n = 0;
    const ep = await endpoint(() => ({
      status: 200,
      body: { access_token: `tok${++n}`, expires_in: 3600, token_type: 'Bearer' },
    }));
    let now = 1_000_000;
    const p = new OAuth2TokenProvider(
      {
        grant: 'client-credentials',
        user: 'klachten@x.test',
        tokenUrl: ep.url,
        clientId: 'app',
        clientSecret: 's3',
        scope: 'https://outlook.office365.com/.default',
      },
      () => now,
    );
    const [a, b] = await Promise.all([p.getToken(), p.getToken()]); // single flight
    expect([a, b]).toEqual(['tok1', 'tok1']);
    expect(ep.seen).toHaveLength(1);
    expect(Object.fromEntries(ep.seen[0]!)).toEqual({
      client_id: 'app',
      scope: 'https://outlook.office365.com/.default',
      grant_type: 'client_credentials',
      client_secret: 's3',
    });
    now += 3500_000; // 100 s before expiry: still cached
    expect(await p.getToken()).toBe('tok1');
    now += 50_000; // 50 s before expiry: refreshed early
    expect(await p.getToken()).toBe('tok2');
    ep.close();
  });

  test("the endpoint's own words, and a backoff that keeps a reconnect loop from hammering it", async () => {
    const ep = await endpoint(() => ({
      status: 401,
      body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' },
    }));
    let now = 0;
    const p = new OAuth2TokenProvider(
      { grant: 'client-credentials', user: 'u', tokenUrl: ep.url, clientId: 'app', clientSecret: 'wrong' },
      () => now,
    );
    await expect(p.getToken()).rejects.toThrow(
      'token endpoint said: invalid_client: AADSTS7000215: Invalid client secret provided.',
    );
    for (let i = 0; i < 5; i++) await expect(p.getToken()).rejects.toThrow(/next try in 5 s/);
    expect(ep.seen).toHaveLength(1);
    now += 5000;
    await expect(p.getToken()).rejects.toThrow('invalid_client');
    expect(ep.seen).toHaveLength(2);
    await expect(p.getToken()).rejects.toThrow(/next try in 10 s/); // doubled
    expect(p.failing.count).toBe(2);
    ep.close();
  });

  test('refresh token grant, and an unreachable endpoint said plainly', async () => {
    const ep = await endpoint(() => ({ status: 200, body: { access_token: 'g1', expires_in: 3599 } }));
    const p = new OAuth2TokenProvider({
      grant: 'refresh-token',
      user: 'u@gmail.test',
      tokenUrl: ep.url,
      clientId: 'c',
      clientSecret: 's',
      refreshToken: 'r1',
    });
    expect(await p.getToken()).toBe('g1');
    expect(ep.seen[0]!.get('grant_type')).toBe('refresh_token');
    expect(ep.seen[0]!.get('refresh_token')).toBe('r1');
    ep.close();
    // A port nobody listens on: the one the endpoint just gave up.
    const closedUrl = ep.url;
    await new Promise((r) => setTimeout(r, 50));
    const down = new OAuth2TokenProvider({
      grant: 'client-credentials',
      user: 'u',
      tokenUrl: closedUrl,
      clientId: 'c',
      clientSecret: 's',
    });
    await expect(down.getToken()).rejects.toThrow(`token endpoint ${closedUrl} unreachable: ECONNREFUSED`);
  });

  test('a command that prints a token (bare or JSON)', async () => {
    const bare = new OAuth2TokenProvider({ grant: 'command', user: 'u', command: 'echo abc123' });
    expect(await bare.getToken()).toBe('abc123');
    const json = new OAuth2TokenProvider({
      grant: 'command',
      user: 'u',
      command: `echo '{"access_token":"xyz","expires_in":60}'`,
    });
    expect(await json.getToken()).toBe('xyz');
    const failing = new OAuth2TokenProvider({ grant: 'command', user: 'u', command: 'echo "no session" >&2; exit 3' });
    await expect(failing.getToken()).rejects.toThrow('token command failed: no session');
  });
});

test('clientAssertion: an RS256 JWT with the certificate thumbprint, verifiable with its public key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-cert-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=klachtenbus-test',
      '-days',
      '1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(path.join(dir, 'key.pem'), 'utf8');
  const jwt = clientAssertion(
    'app-id',
    'https://login.microsoftonline.com/t/oauth2/v2.0/token',
    { key, cert },
    1_800_000_000_000,
  );
  const [h, p, sig] = jwt.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, string>;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  const x509 = new X509Certificate(cert);
  expect(header).toEqual({
    alg: 'RS256',
    typ: 'JWT',
    x5t: Buffer.from(x509.fingerprint.replace(/:/g, ''), 'hex').toString('base64url'),
  });
  expect(payload).toMatchObject({
    aud: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
    iss: 'app-id',
    sub: 'app-id',
    nbf: 1_800_000_000,
    exp: 1_800_000_600,
  });
  expect(createVerify('RSA-SHA256').update(`${h}.${p}`).verify(x509.publicKey, Buffer.from(sig, 'base64url'))).toBe(
    true,
  );
});

describe('authProblems', () => {
  test('microsoft365 client credentials need a tenant, a client id and a secret from env or file', () => {
    expect(
      authProblems(
        'imap.auth',
        {
          type: 'oauth2',
          provider: 'microsoft365',
          grant: 'client-credentials',
          clientSecret: 'clear',
          allowInlineSecret: false,
        },
        'imap',
      ),
    ).toEqual([
      'imap.auth.tenant: required for microsoft365',
      'imap.auth.tokenUrl: required for a custom provider',
      'imap.auth.clientId: required',
      'imap.auth: a secret is written in the file in clear; use { env: NAME } or { file: PATH } (or set allowInlineSecret: true)',
    ]);
    expect(
      authProblems(
        'imap.auth',
        {
          type: 'oauth2',
          provider: 'microsoft365',
          grant: 'client-credentials',
          tenant: 't',
          clientId: 'c',
          clientSecret: { env: 'S' },
          allowInlineSecret: false,
        },
        'imap',
      ),
    ).toEqual([]);
  });
});
