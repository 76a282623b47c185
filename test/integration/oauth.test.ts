/**
 * The worker signing in with OAuth2 against a Dovecot that validates real, expiring tokens through
 * token introspection, and an SMTP server that accepts XOAUTH2. A private stack: these tests stop
 * the token endpoint and restart Dovecot.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startMailStack, type Stack } from '../../scripts/mailstack.mjs';
import { mail } from '../support/intakeHarness.js';
import { appendMail, waitFor, type Mailbox } from '../support/mailstack.js';
import { cli, cliJson, WorkerProcess, writeTestConfig } from '../support/worker.js';

let stack: Stack;
const workers: WorkerProcess[] = [];
beforeAll(async () => {
  stack = await startMailStack();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
  stack.oauth2.setMode('accept');
});
afterAll(async () => {
  await stack?.stop();
});

/** A mailbox user with a password (for delivering) and an OAuth2 app bound to it. */
function setup(opts: { lifetime?: number; secret?: string; operators?: string[] } = {}) {
  const user = `oa${randomBytes(4).toString('hex')}`;
  stack.addUser(user, 'pw');
  const clientId = `app-${user}`;
  stack.oauth2.addClient(clientId, { secret: 'right-secret', user, tokenLifetimeSeconds: opts.lifetime ?? 3600 });
  const box: Mailbox = { user, pass: 'pw', imapUrl: `imap://${user}:pw@127.0.0.1:${stack.imap.port}/INBOX` };
  const auth = {
    type: 'oauth2',
    provider: 'custom',
    grant: 'client-credentials',
    tokenUrl: stack.oauth2.tokenUrl,
    clientId,
    clientSecret: { env: 'KB_TEST_SECRET' },
  };
  const config = writeTestConfig(
    `imap://${user}@127.0.0.1:${stack.imap.port}/INBOX`,
    {
      imap: { auth },
      operators: opts.operators ?? [],
      staff: { domains: ['studijob.test'] },
    },
    { smtpPort: stack.smtp.port, redisUrl: stack.redis.url },
  );
  // SMTP signs in with the same app (the sink checks the token is this user's).
  const yaml = readFileSync(config, 'utf8').replace(
    /smtp:\n {2}url: (.*)\n/,
    (_m, url: string) =>
      `smtp:\n  url: ${url.replace('smtp://', `smtp://${user}@`)}\n  auth: ${JSON.stringify(auth)}\n`,
  );
  writeFileSync(config, yaml);
  const env = { KB_TEST_SECRET: opts.secret ?? 'right-secret' };
  return { box, config, env, clientId, user };
}

const tokenRequests = (clientId: string) => stack.oauth2.stats().token.byClient[clientId] ?? 0;
const captured = () =>
  readdirSync(stack.captureDir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(path.join(stack.captureDir, f), 'utf8'));
const mails = (config: string) => cliJson<Array<{ subject: string }>>(config, ['mail', 'list']);

test('with an app token: the mailbox is ingested and the acknowledgement goes out over XOAUTH2; check says all is well', async () => {
  const { box, config, env, clientId } = setup();
  const check = cli(['--config', config, 'check'], env);
  expect(check.code).toBe(0);
  expect(check.stdout).toMatch(/ok\s+oauth2 \(imap\)/);
  expect(check.stdout).toMatch(/ok\s+imap [\s\S]*?logged in as/);
  expect(check.stdout).toMatch(/ok\s+smtp [\s\S]*?logged in/);
  expect(check.stdout).not.toContain('right-secret');

  const w = new WorkerProcess(config, env);
  workers.push(w);
  await w.waitIdle();
  const from = `klant.${randomBytes(3).toString('hex')}@klant.test`;
  await appendMail(box, mail({ from, subject: 'Via OAuth2' }));
  await waitFor(() => captured().some((m) => m.includes(`To: ${from}`)), {
    timeoutMs: 20000,
    message: 'ack over XOAUTH2',
  });
  expect(mails(config)).toHaveLength(1);
  // check: IMAP and SMTP; the worker: IMAP and SMTP. One each, no hammering.
  expect(tokenRequests(clientId)).toBe(4);
  expect(JSON.stringify(w.logs)).not.toContain('right-secret');
});

test('the token expires while the worker idles: after a reconnect it signs in with a fresh token', async () => {
  const { box, config, env, clientId } = setup({ lifetime: 2 });
  const w = new WorkerProcess(config, env);
  workers.push(w);
  await w.waitIdle();
  const before = tokenRequests(clientId);
  await new Promise((r) => setTimeout(r, 2500)); // the token is expired now
  await stack.restartImap(); // the connection drops; the old token would be refused
  await w.waitForLog((l) => l.filter((x) => x.event === 'imap.connected').length >= 2, 30000);
  expect(tokenRequests(clientId)).toBeGreaterThan(before);
  await appendMail(box, mail({ from: 'na@vernieuwing.test', subject: 'Na het nieuwe token' }));
  await waitFor(() => mails(config).length === 1, { timeoutMs: 20000, message: 'ingested with a fresh token' });
});

test('token endpoint down: backoff, the health check says so, nothing lost, recovery when it returns', async () => {
  const { box, config, env, clientId } = setup({ lifetime: 2 });
  const w = new WorkerProcess(config, env);
  workers.push(w);
  await w.waitIdle();
  stack.oauth2.setMode('down');
  await new Promise((r) => setTimeout(r, 2500));
  await stack.restartImap();
  await appendMail(box, mail({ from: 'tijdens@storing.test', subject: 'Tijdens de storing' }));
  await w.waitForLog(
    (l) => l.some((x) => x.event === 'imap.error' && String(x.err).includes('temporarily_unavailable')),
    20000,
  );
  const health = cli(['--config', config, 'health', '--json'], env);
  expect(health.code).toBe(1);
  expect(JSON.parse(health.stdout).auth.failing[0]).toMatchObject({ connection: 'imap' });
  // Backoff: a few requests during the outage, not one per reconnect attempt.
  const during = tokenRequests(clientId);
  await new Promise((r) => setTimeout(r, 3000));
  expect(tokenRequests(clientId) - during).toBeLessThanOrEqual(1);
  stack.oauth2.setMode('accept');
  await waitFor(() => mails(config).length === 1, {
    timeoutMs: 40000,
    intervalMs: 500,
    message: 'ingested after recovery',
  });
  await waitFor(() => cli(['--config', config, 'health'], env).code === 0, {
    timeoutMs: 10000,
    message: 'healthy again',
  });
});

test('a wrong secret: check says so in plain words; the operators are told once', async () => {
  const operator = `beheer.${randomBytes(3).toString('hex')}@studijob.test`;
  const { config, env } = setup({ secret: 'wrong-secret', operators: [operator] });
  const check = cli(['--config', config, 'check'], env);
  expect(check.code).toBe(1);
  expect(check.stdout).toMatch(/FAIL\s+oauth2 \(imap\)[\s\S]*invalid_client/);
  // SMTP uses the same wrong secret here, so the notice could not go out: give SMTP a password.
  const yaml = readFileSync(config, 'utf8').replace(
    /smtp:\n {2}url: .*\n {2}auth: .*\n/,
    `smtp:\n  url: smtp://127.0.0.1:${stack.smtp.port}\n`,
  );
  writeFileSync(config, yaml);
  const w = new WorkerProcess(config, env);
  workers.push(w);
  await waitFor(() => captured().filter((m) => m.includes(operator)).length === 1, {
    timeoutMs: 45000,
    intervalMs: 500,
    message: 'operator notice',
  });
  await new Promise((r) => setTimeout(r, 3000));
  expect(captured().filter((m) => m.includes(operator))).toHaveLength(1);
  const notice = captured().find((m) => m.includes(operator))!;
  expect(notice).toContain('invalid_client');
});
