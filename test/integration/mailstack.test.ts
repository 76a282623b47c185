// Smoke test of the private mail stack itself (scripts/mailstack.mjs + test/support): if this
// fails, every other integration test would fail for reasons unrelated to klachtenbus.
import { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import { startMailStack } from '../../scripts/mailstack.mjs';
import {
  appendMail,
  capturedMails,
  connectImap,
  listFolders,
  listMessages,
  newMailbox,
  testStack,
  waitFor,
} from '../support/mailstack.js';

const unique = () => `${Date.now()}.${Math.random().toString(36).slice(2)}`;

function rawMail(messageId: string, subject: string): string {
  return [
    'From: Klant <klant@bouwbedrijf-devries.test>',
    'To: klachten@studijob.test',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'Date: Sat, 21 Nov 2026 10:00:00 +0100',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'De uitzendkracht kwam niet opdagen.',
    '',
  ].join('\r\n');
}

describe('private mail stack', () => {
  test('IMAP: a new user logs in, appends, and fetches back the same Message-ID and \\Seen', async () => {
    const box = newMailbox('smoke');
    const messageId = `<${unique()}@smoke.test>`;
    const uid = await appendMail(box, rawMail(messageId, 'Klacht 1'), { flags: ['\\Seen'] });
    await appendMail(box, rawMail(`<${unique()}@smoke.test>`, 'Archief'), { folder: 'Klachten/Archief' });

    const inbox = await listMessages(box);
    expect(inbox).toEqual([{ uid, flags: ['\\Seen'], messageId, subject: 'Klacht 1' }]);
    expect(await listFolders(box)).toEqual(expect.arrayContaining(['INBOX', 'Klachten/Archief']));
    expect(box.imapUrl).toBe(`imap://${box.user}:${box.pass}@127.0.0.1:${testStack().imap.port}/INBOX`);
  });

  test('IMAP: a wrong password is refused', async () => {
    const box = newMailbox('smoke');
    await expect(connectImap({ ...box, pass: 'wrong' })).rejects.toThrow();
  });

  test('Redis: PING and SET/GET on the private instance (not the system one on 6379)', async () => {
    const { redis } = testStack();
    expect(redis.port).not.toBe(6379);
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    try {
      expect(await client.ping()).toBe('PONG');
      const key = `smoke:${unique()}`;
      await client.set(key, 'klacht');
      expect(await client.get(key)).toBe('klacht');
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    } finally {
      client.disconnect();
    }
  });

  test('SMTP: a mail sent with nodemailer is captured with its envelope', async () => {
    const { smtp } = testStack();
    const transport = nodemailer.createTransport({ host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true });
    const subject = `Ontvangstbevestiging ${unique()}`;
    await transport.sendMail({
      from: 'klachten@studijob.test',
      to: ['klant@bouwbedrijf-devries.test', 'kopie@studijob.test'],
      subject,
      text: 'Wij hebben uw klacht ontvangen.',
    });
    transport.close();

    const mail = await waitFor(() => capturedMails().find((m) => m.raw.includes(subject)), {
      timeoutMs: 5000,
      message: 'sent mail not captured',
    });
    expect(mail.envelope).toMatchObject({
      mailFrom: 'klachten@studijob.test',
      rcptTo: ['klant@bouwbedrijf-devries.test', 'kopie@studijob.test'],
      size: Buffer.byteLength(mail.raw),
    });
    expect(mail.file).toMatch(/\/\d{6}-\d+\.eml$/);
  });

  test('IMAP: after stop/start and restart the same user logs in again and mail is kept', async () => {
    // A private stack: stopping the shared one would cut the connections of tests running in parallel.
    const own = await startMailStack();
    try {
      own.addUser('restart', 'pw');
      const box = { user: 'restart', pass: 'pw', imapUrl: `imap://restart:pw@127.0.0.1:${own.imap.port}/INBOX` };
      const messageId = `<${unique()}@smoke.test>`;
      await appendMail(box, rawMail(messageId, 'voor herstart'));

      await own.stopImap();
      await expect(connectImap(box)).rejects.toThrow();
      await own.startImap();
      expect((await listMessages(box)).map((m) => m.messageId)).toEqual([messageId]);

      await own.restartImap();
      const client = await connectImap(box);
      await client.logout();
    } finally {
      await own.stop();
    }
  });
});
