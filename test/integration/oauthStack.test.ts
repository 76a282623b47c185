// The mail stack's OAuth2 side (scripts/oauth2-server.mjs, Dovecot's oauth2 passdb, the SMTP
// sink's AUTH XOAUTH2): real, expiring bearer tokens that Dovecot and the sink validate through
// the OAuth2 server's introspection endpoint. If this fails, the product's OAuth2 tests would fail
// for reasons unrelated to klachtenbus.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { oauth2Control, readStackState, startMailStack } from '../../scripts/mailstack.mjs';
import type { OAuth2Control, Stack } from '../../scripts/mailstack.mjs';
import { capturedMails, connectImap, newMailbox, testStack, waitFor } from '../support/mailstack.js';

const unique = () => `${Date.now()}-${randomBytes(3).toString('hex')}`;

interface TokenAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** POST a form to the token endpoint (or any URL); `basic` = HTTP Basic client authentication. */
async function postForm(url: string, form: Record<string, string>, basic?: [string, string]): Promise<TokenAnswer> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (basic) {
    const [id, secret] = basic.map(encodeURIComponent) as [string, string];
    headers.Authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(form) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

/** A fresh mailbox user bound to a fresh OAuth2 client on the given (default: shared) stack. */
function oauthUser(
  oauth2: OAuth2Control,
  opts: { tokenLifetimeSeconds?: number; scope?: string; addUser?: (user: string, pass: string) => void } = {},
) {
  const box = opts.addUser
    ? (() => {
        const user = `oauth-${unique()}`;
        const pass = randomBytes(9).toString('hex');
        opts.addUser(user, pass);
        return { user, pass };
      })()
    : newMailbox('oauth');
  const clientId = `client-${unique()}`;
  const secret = randomBytes(12).toString('hex');
  oauth2.addClient(clientId, {
    secret,
    user: box.user,
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(opts.tokenLifetimeSeconds ? { tokenLifetimeSeconds: opts.tokenLifetimeSeconds } : {}),
  });
  const token = async (): Promise<string> => {
    const res = await postForm(oauth2.tokenUrl, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  return { ...box, clientId, secret, token };
}

async function imapLoginWithToken(port: number, user: string, accessToken: string): Promise<void> {
  // imapflow uses OAUTHBEARER when the server offers it (Dovecot here offers both), else XOAUTH2
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, accessToken },
    logger: false,
  });
  await client.connect();
  try {
    const mailbox = await client.mailboxOpen('INBOX');
    expect(mailbox.path).toBe('INBOX');
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * A raw IMAP session: sends each command once the previous one got its tagged answer, answers a
 * "+" continuation (an XOAUTH2/OAUTHBEARER failure's JSON error) with an empty line as the SASL
 * abort, and resolves with everything the server said.
 */
function rawImap(port: number, commands: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let text = '';
    let next = 0;
    let greeted = false;
    sock.setTimeout(10_000, () => sock.destroy(new Error(`raw IMAP timed out; got: ${text}`)));
    sock.on('data', (d) => {
      text += d.toString('utf8');
      if (!text.endsWith('\r\n')) return;
      const last = text.trimEnd().split('\r\n').pop() ?? '';
      if (last.startsWith('+')) return void sock.write('\r\n');
      const ready =
        (!greeted && /^\* OK/.test(last) && !/Waiting for auth/.test(last)) || /^t\d+ (OK|NO|BAD)/.test(last);
      if (!ready) return;
      greeted = true;
      if (next < commands.length) sock.write(`${commands[next++]}\r\n`);
      else sock.end();
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(text));
  });
}

const xoauth2 = (user: string, token: string) =>
  Buffer.from(`user=${user}\x01auth=Bearer ${token}\x01\x01`).toString('base64');

function smtpTransport(port: number, auth?: { user: string; accessToken: string } | { user: string; pass: string }) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    ...(auth ? { auth: 'accessToken' in auth ? { type: 'OAuth2' as const, ...auth } : auth } : {}),
  });
}

describe('OAuth2 on the shared mail stack', () => {
  const oauth2 = () => oauth2Control(testStack().dir);

  test('stack.json describes the OAuth2 server', () => {
    const s = readStackState(testStack().dir);
    expect(s.oauth2).toMatchObject({ host: '127.0.0.1', url: `http://127.0.0.1:${s.oauth2.port}` });
    expect(s.oauth2.tokenUrl).toBe(`${s.oauth2.url}/token`);
    expect(s.oauth2.introspectUrl).toBe(`${s.oauth2.url}/introspect`);
    expect(s.oauth2.pid).toEqual(expect.any(Number));
    expect(oauth2().tokenUrl).toBe(s.oauth2.tokenUrl);
  });

  test('client_credentials: a bearer token (body or Basic credentials) that introspects to the bound user', async () => {
    const o = oauth2();
    const u = oauthUser(o, { scope: 'imap smtp', tokenLifetimeSeconds: 120 });

    const viaBody = await postForm(o.tokenUrl, {
      grant_type: 'client_credentials',
      client_id: u.clientId,
      client_secret: u.secret,
    });
    expect(viaBody.status).toBe(200);
    expect(viaBody.headers.get('cache-control')).toBe('no-store');
    expect(viaBody.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 120,
      scope: 'imap smtp',
    });

    const viaBasic = await postForm(o.tokenUrl, { grant_type: 'client_credentials', scope: 'imap' }, [
      u.clientId,
      u.secret,
    ]);
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.body).toMatchObject({ token_type: 'Bearer', scope: 'imap' });
    expect(viaBasic.body.access_token).not.toBe(viaBody.body.access_token);

    const info = await postForm(o.introspectUrl, { token: viaBasic.body.access_token as string });
    const now = Math.floor(Date.now() / 1000);
    expect(info.body).toMatchObject({ active: true, username: u.user, client_id: u.clientId, scope: 'imap' });
    expect(info.body.exp).toBeGreaterThanOrEqual(now + 118);
    expect(info.body.exp).toBeLessThanOrEqual(now + 121);
    expect((await postForm(o.introspectUrl, { token: 'no-such-token' })).body).toEqual({ active: false });
  });

  test('token endpoint errors are RFC 6749 JSON', async () => {
    const o = oauth2();
    const u = oauthUser(o, { scope: 'imap' });
    const cc = { grant_type: 'client_credentials', client_id: u.clientId };

    const badSecret = await postForm(o.tokenUrl, { ...cc, client_secret: 'wrong' });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    const badBasic = await postForm(o.tokenUrl, { grant_type: 'client_credentials' }, [u.clientId, 'wrong']);
    expect(badBasic.status).toBe(401);
    expect(badBasic.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await postForm(o.tokenUrl, { ...cc, client_id: 'nobody', client_secret: 'x' })).body.error).toBe(
      'invalid_client',
    );

    const scope = await postForm(o.tokenUrl, { ...cc, client_secret: u.secret, scope: 'imap admin' });
    expect(scope.status).toBe(400);
    expect(scope.body.error).toBe('invalid_scope');

    const grant = await postForm(o.tokenUrl, { ...cc, client_secret: u.secret, grant_type: 'password' });
    expect([grant.status, grant.body.error]).toEqual([400, 'unsupported_grant_type']);
    const unknownRefresh = await postForm(o.tokenUrl, {
      grant_type: 'refresh_token',
      client_id: u.clientId,
      client_secret: u.secret,
      refresh_token: 'never-issued',
    });
    expect([unknownRefresh.status, unknownRefresh.body.error]).toEqual([400, 'invalid_grant']);
  });

  test('refresh_token grant: static and rotating refresh tokens, revocation', async () => {
    const o = oauth2();
    const box = newMailbox('oauth');
    const staticClient = `static-${unique()}`;
    const rotating = `rotating-${unique()}`;
    o.addClient(staticClient, { secret: 's3cret', user: box.user, tokenLifetimeSeconds: 60 });
    o.addClient(rotating, { user: box.user, rotateRefreshTokens: true }); // public: no secret
    const rt1 = `rt-${unique()}`;
    const rt2 = `rt-${unique()}`;
    o.addRefreshToken(rt1, { clientId: staticClient, user: box.user });
    o.addRefreshToken(rt2, { clientId: rotating, user: box.user, scope: 'imap' });

    const refresh = (client: string, token: string, secret?: string) =>
      postForm(o.tokenUrl, {
        grant_type: 'refresh_token',
        client_id: client,
        refresh_token: token,
        ...(secret ? { client_secret: secret } : {}),
      });

    // Google style: the same refresh token keeps working; none is returned
    for (let i = 0; i < 2; i += 1) {
      const r = await refresh(staticClient, rt1, 's3cret');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 60 });
    }
    // a confidential client must authenticate; another client cannot use the token
    expect((await refresh(staticClient, rt1)).body.error).toBe('invalid_client');
    expect((await refresh(rotating, rt1)).body.error).toBe('invalid_grant');

    // Microsoft style: each use returns a new refresh token and retires the old one
    const first = await refresh(rotating, rt2);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'imap' });
    const rt3 = first.body.refresh_token as string;
    expect(rt3).toEqual(expect.any(String));
    expect((await refresh(rotating, rt2)).body.error).toBe('invalid_grant');
    expect((await refresh(rotating, rt3)).status).toBe(200);

    // RFC 7009 revocation of an access token and of a refresh token
    const access = (await refresh(staticClient, rt1, 's3cret')).body.access_token as string;
    expect((await postForm(o.introspectUrl, { token: access })).body.active).toBe(true);
    expect((await postForm(o.revokeUrl, { token: access })).status).toBe(200);
    expect((await postForm(o.introspectUrl, { token: access })).body).toEqual({ active: false });
    await postForm(o.revokeUrl, { token: rt1 });
    expect((await refresh(staticClient, rt1, 's3cret')).body.error).toBe('invalid_grant');
  });

  test('IMAP: a token logs in (imapflow accessToken, and raw AUTHENTICATE XOAUTH2 / OAUTHBEARER)', async () => {
    const o = oauth2();
    const { imap } = testStack();
    const u = oauthUser(o);
    const token = await u.token();

    await imapLoginWithToken(imap.port, u.user, token);

    const x = await rawImap(imap.port, [
      `t1 AUTHENTICATE XOAUTH2 ${xoauth2(u.user, token)}`,
      't2 SELECT INBOX',
      't3 LOGOUT',
    ]);
    expect(x).toMatch(/^t1 OK .*Logged in/m);
    expect(x).toMatch(/^t2 OK /m);
    const bearer = Buffer.from(
      `n,a=${u.user},\x01host=127.0.0.1\x01port=${imap.port}\x01auth=Bearer ${token}\x01\x01`,
    ).toString('base64');
    expect(await rawImap(imap.port, [`t1 AUTHENTICATE OAUTHBEARER ${bearer}`, 't2 LOGOUT'])).toMatch(
      /^t1 OK .*Logged in/m,
    );
  });

  test("IMAP: a wrong token, another user's token, and the password as a token are refused", async () => {
    const o = oauth2();
    const { imap } = testStack();
    const u = oauthUser(o);
    const other = oauthUser(o);
    const token = await u.token();

    for (const [user, bad] of [
      [u.user, 'not-a-token'],
      [other.user, token], // valid token, but bound to u.user
      [u.user, u.pass], // passwords are only for PLAIN/LOGIN (passdb mechanisms filter)
    ] as const) {
      const err = await imapLoginWithToken(imap.port, user, bad).then(
        () => null,
        (e: { authenticationFailed?: boolean }) => e,
      );
      expect(err).toMatchObject({ authenticationFailed: true });
    }
    // XOAUTH2 failure: a "+" continuation with the JSON error (RFC 7628 style), then NO
    const raw = await rawImap(imap.port, [`t1 AUTHENTICATE XOAUTH2 ${xoauth2(u.user, 'not-a-token')}`]);
    const challenge = /^\+ (\S+)/m.exec(raw)?.[1] ?? '';
    expect(JSON.parse(Buffer.from(challenge, 'base64').toString())).toMatchObject({ status: '401' });
    expect(raw).toMatch(/^t1 NO \[AUTHENTICATIONFAILED\]/m);
    // and a token is no password
    expect(await rawImap(imap.port, [`t1 LOGIN ${u.user} ${token}`])).toMatch(/^t1 NO \[AUTHENTICATIONFAILED\]/m);
  });

  test('IMAP: a token stops working once it expires (no auth cache), a fresh one works', async () => {
    const o = oauth2();
    const { imap } = testStack();
    const u = oauthUser(o, { tokenLifetimeSeconds: 2 });
    const token = await u.token();
    await imapLoginWithToken(imap.port, u.user, token);

    await new Promise((r) => setTimeout(r, 3100)); // exp is whole seconds: wait past 2 s + rounding
    expect((await postForm(o.introspectUrl, { token })).body).toEqual({ active: false });
    await expect(imapLoginWithToken(imap.port, u.user, token)).rejects.toMatchObject({ authenticationFailed: true });
    await imapLoginWithToken(imap.port, u.user, await u.token());
  });

  test('IMAP: password users still log in', async () => {
    const box = newMailbox('pw');
    const client = await connectImap(box);
    expect(client.authenticated).toBeTruthy();
    await client.logout();
    const plain = Buffer.from(`\0${box.user}\0${box.pass}`).toString('base64');
    expect(await rawImap(testStack().imap.port, [`t1 AUTHENTICATE PLAIN ${plain}`])).toMatch(/^t1 OK .*Logged in/m);
    await expect(connectImap({ ...box, pass: 'wrong' })).rejects.toThrow();
  });

  test('SMTP: AUTH XOAUTH2 with a valid token is accepted and the mail captured; a bad token gets 535', async () => {
    const o = oauth2();
    const { smtp } = testStack();
    const u = oauthUser(o);
    const subject = `OAuth2 verzonden ${unique()}`;
    const good = smtpTransport(smtp.port, { user: u.user, accessToken: await u.token() });
    try {
      await good.sendMail({ from: `${u.user}@studijob.test`, to: 'klant@example.test', subject, text: 'via XOAUTH2' });
    } finally {
      good.close();
    }
    await waitFor(() => capturedMails().find((m) => m.raw.includes(subject)), {
      timeoutMs: 5000,
      message: 'mail not captured',
    });

    for (const auth of [
      { user: u.user, accessToken: 'not-a-token' },
      { user: `someone-else-${unique()}`, accessToken: await u.token() },
    ]) {
      const bad = smtpTransport(smtp.port, auth);
      try {
        await expect(
          bad.sendMail({ from: 'a@studijob.test', to: 'b@example.test', subject, text: 'x' }),
        ).rejects.toMatchObject({
          code: 'EAUTH',
          responseCode: 535,
        });
      } finally {
        bad.close();
      }
    }

    // password AUTH keeps accepting anything
    const pw = smtpTransport(smtp.port, { user: 'whoever', pass: 'whatever' });
    try {
      await pw.sendMail({ from: 'a@studijob.test', to: 'b@example.test', subject: `pw ${subject}`, text: 'x' });
    } finally {
      pw.close();
    }
  });

  test('stats count each endpoint per client (the worker must not hammer the endpoint)', async () => {
    const o = oauth2();
    const { imap } = testStack();
    const u = oauthUser(o);
    const before = o.stats();
    expect(before.token.byClient[u.clientId]).toBeUndefined();

    const t1 = await u.token();
    await u.token();
    await postForm(o.tokenUrl, { grant_type: 'client_credentials', client_id: u.clientId, client_secret: 'wrong' });
    await imapLoginWithToken(imap.port, u.user, t1);
    await imapLoginWithToken(imap.port, u.user, t1);

    const after = o.stats();
    expect(after.token.byClient[u.clientId]).toBe(3);
    expect(after.introspect.byClient[u.clientId]).toBe(2); // one introspection per Dovecot login
    expect(after.token.total - before.token.total).toBeGreaterThanOrEqual(3); // other files share the stack
    expect(after.token.byOutcome.invalid_client).toBeGreaterThanOrEqual(1);
    // the same counters over HTTP
    const http = (await (await fetch(`${o.url}/stats`)).json()) as typeof after;
    expect(http.token.byClient[u.clientId]).toBe(3);
  });
});

describe('OAuth2 faults (private stack: modes would disturb parallel tests)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startMailStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('token endpoint down / refuse / hang, while introspection (IMAP logins) keeps working', async () => {
    const o = stack.oauth2;
    const u = oauthUser(o, { addUser: stack.addUser });
    const token = await u.token();
    const form = { grant_type: 'client_credentials', client_id: u.clientId, client_secret: u.secret };

    o.setMode('down');
    const down = await postForm(o.tokenUrl, form);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('1');
    expect(down.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    await imapLoginWithToken(stack.imap.port, u.user, token); // Dovecot's introspection unaffected

    o.setMode('refuse');
    await expect(postForm(o.tokenUrl, form)).rejects.toThrow(); // socket closed without an answer

    o.setMode('hang');
    await expect(
      fetch(o.tokenUrl, { method: 'POST', body: new URLSearchParams(form), signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();

    o.setMode('down', { times: 1 }); // fail once, then answer again
    expect((await postForm(o.tokenUrl, form)).status).toBe(503);
    expect((await postForm(o.tokenUrl, form)).status).toBe(200);

    o.setMode('accept');
    expect((await postForm(o.tokenUrl, form)).status).toBe(200);
    const s = o.stats();
    expect(s.token.byClient[u.clientId]).toBe(7);
    expect(s.token.byOutcome).toMatchObject({ down: 2, refuse: 1, hang: 1, ok: 3 });
  });

  test('introspection down: Dovecot answers NO [UNAVAILABLE] (temporary), the sink 454', async () => {
    const o = stack.oauth2;
    const u = oauthUser(o, { addUser: stack.addUser });
    const token = await u.token();

    o.setMode('down', { endpoint: 'introspect' });
    try {
      const raw = await rawImap(stack.imap.port, [`t1 AUTHENTICATE XOAUTH2 ${xoauth2(u.user, token)}`]);
      expect(raw).toMatch(/^t1 NO \[UNAVAILABLE\]/m);
      const t = smtpTransport(stack.smtp.port, { user: u.user, accessToken: token });
      try {
        await expect(
          t.sendMail({ from: 'a@studijob.test', to: 'b@example.test', subject: 's', text: 'x' }),
        ).rejects.toMatchObject({
          code: 'EAUTH',
          responseCode: 454,
        });
      } finally {
        t.close();
      }
    } finally {
      o.setMode('accept', { endpoint: 'introspect' });
    }
    await imapLoginWithToken(stack.imap.port, u.user, token);
  });

  test('a stopped OAuth2 server refuses connections; after start, clients and issued tokens are kept', async () => {
    const o = stack.oauth2;
    const u = oauthUser(o, { addUser: stack.addUser });
    const token = await u.token();

    await o.stop();
    await expect(u.token()).rejects.toThrow(); // ECONNREFUSED
    expect(await rawImap(stack.imap.port, [`t1 AUTHENTICATE XOAUTH2 ${xoauth2(u.user, token)}`])).toMatch(
      /^t1 NO \[UNAVAILABLE\]/m,
    );
    await o.start();
    await imapLoginWithToken(stack.imap.port, u.user, token);
    await imapLoginWithToken(stack.imap.port, u.user, await u.token());
  });
});
