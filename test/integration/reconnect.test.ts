/**
 * An IMAP server restart while the worker idles. Runs on a private stack of its own: restarting
 * the shared one would cut the connections of tests running in parallel.
 */
import { randomBytes } from 'node:crypto';
import { startMailStack, type Stack } from '../../scripts/mailstack.mjs';
import { mail } from '../support/intakeHarness.js';
import { appendMail, waitFor, type Mailbox } from '../support/mailstack.js';
import { cliJson, WorkerProcess, writeTestConfig, type MailJson } from '../support/worker.js';

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

test('the worker reconnects with backoff after an IMAP server restart while idle, and ingests new mail', async () => {
  const user = `restart-${randomBytes(3).toString('hex')}`;
  stack.addUser(user, 'pw');
  const box: Mailbox = { user, pass: 'pw', imapUrl: `imap://${user}:pw@127.0.0.1:${stack.imap.port}/INBOX` };
  const config = writeTestConfig(box.imapUrl);
  worker = new WorkerProcess(config);
  await worker.waitIdle();

  await stack.restartImap();
  await worker.waitForLog((logs) => logs.filter((l) => l.event === 'imap.connected').length >= 2, 30000);
  expect(worker.count('imap.reconnect.wait')).toBeGreaterThan(0);

  await appendMail(box, mail({ from: 'na@herstart.test', subject: 'Na de herstart', messageId: 'after@restart.test' }));
  const [m] = await waitFor(
    () => {
      const list = cliJson<MailJson[]>(config, ['mail', 'list']);
      return list.length > 0 ? list : null;
    },
    { timeoutMs: 15000, message: 'mail after the restart was not ingested' },
  );
  expect(m).toMatchObject({ classification: 'complaint', subject: 'Na de herstart' });
});
