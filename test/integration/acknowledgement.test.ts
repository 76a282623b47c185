/**
 * Outgoing mail for new cases, against the real SMTP capture server and Redis: one Dutch
 * acknowledgement per complaint, threaded, with the deadlines; the manager notice; nothing for
 * automatic mail; a capped number of acknowledgements for a looping auto-responder.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { mail } from '../support/intakeHarness.js';
import { appendMail, capturedMails, newMailbox, waitFor, type CapturedMail } from '../support/mailstack.js';
import { cliJson, WorkerProcess, writeTestConfig } from '../support/worker.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

interface OutboxJson {
  id: number;
  kind: string;
  caseNumber: string | null;
  messageId: string;
  to: string[];
  status: string;
  statusReason: string | null;
}

const workers: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

/** The mails about new cases (a case received days ago also gets reminders and escalations at once). */
const outbox = (config: string) =>
  cliJson<OutboxJson[]>(config, ['outbox', 'list']).filter((o) =>
    ['acknowledgement', 'manager-notice'].includes(o.kind),
  );
const capturedTo = (address: string): CapturedMail[] =>
  capturedMails().filter((m) => m.envelope.rcptTo.includes(address));

/** Waits until every outbox row is final (sent, suppressed, failed, ambiguous) and returns them. */
function settledOutbox(config: string, atLeast: number): Promise<OutboxJson[]> {
  return waitFor(
    () => {
      const rows = outbox(config);
      return rows.length >= atLeast && rows.every((r) => !['pending', 'sending'].includes(r.status)) ? rows : null;
    },
    { timeoutMs: 20000, intervalMs: 200, message: `expected ${atLeast} settled outbox rows` },
  );
}

test('a complaint gets exactly one Dutch acknowledgement, threaded, with the deadlines; the manager is told', async () => {
  const box = await newMailbox('ack');
  const config = writeTestConfig(box.imapUrl, {
    staff: {
      domains: ['studijob.test'],
      members: [{ name: 'Debby Kooiman', email: 'debby@studijob.test', role: 'manager' }],
    },
    procedure: 'studijob',
  });
  const complainant = `sanne.${Date.now()}@klant.test`;
  // Received Tue 3 Nov 2026 10:00 in Amsterdam (the IMAP INTERNALDATE is the receipt time; Dovecot
  // ignores an INTERNALDATE in the future, so it lies in the past).
  await appendMail(
    box,
    mail({ from: `Sanne Jansen <${complainant}>`, subject: 'Loonstrook ontbreekt', messageId: 'klacht-1@klant.test' }),
    { internalDate: new Date('2026-11-03T09:00:00Z') },
  );
  const worker = new WorkerProcess(config);
  workers.push(worker);
  const rows = await settledOutbox(config, 2);
  expect(rows.map((r) => [r.kind, r.status])).toEqual([
    ['acknowledgement', 'sent'],
    ['manager-notice', 'sent'],
  ]);

  const acks = capturedTo(complainant);
  expect(acks).toHaveLength(1);
  const ack = await simpleParser(acks[0]!.raw);
  expect(ack.subject).toBe('[KL-2026-0001] Loonstrook ontbreekt');
  expect(ack.inReplyTo).toBe('<klacht-1@klant.test>');
  expect(ack.references).toContain('<klacht-1@klant.test>');
  expect(ack.messageId).toBe(`<${rows[0]!.messageId}>`);
  expect(ack.headers.get('auto-submitted')).toBe('auto-replied');
  expect(ack.replyTo?.value[0]?.address).toBe('klachten@studijob.test');
  expect(ack.from?.value[0]?.address).toBe('klachten@studijob.test');
  // Contact within two working days: Thursday 5 November; feedback within a week: Tuesday 10 November.
  expect(ack.text).toContain('donderdag 5 november 2026');
  expect(ack.text).toContain('dinsdag 10 november 2026');
  expect(ack.text).toContain('Debby Kooiman');
  expect(ack.text).toContain('KL-2026-0001');

  const notices = capturedTo('debby@studijob.test').filter((m) => m.raw.includes(rows[1]!.messageId));
  expect(notices).toHaveLength(1);
  expect(notices[0]!.raw).toMatch(/Auto-Submitted: auto-generated/i);

  // The customer's reply to the acknowledgement threads by its Message-ID, and gets no new acknowledgement.
  await appendMail(
    box,
    mail({ from: complainant, subject: 'Re: [KL-2026-0001] Loonstrook ontbreekt', inReplyTo: rows[0]!.messageId }),
  );
  await waitFor(() => cliJson<Array<{ classification: string }>>(config, ['mail', 'list']).length === 2, {
    timeoutMs: 15000,
    message: 'reply not ingested',
  });
  expect(cliJson<Array<{ classification: string; caseNumber: string }>>(config, ['mail', 'list'])[1]).toMatchObject({
    classification: 'reply',
    caseNumber: 'KL-2026-0001',
  });
  expect(outbox(config)).toHaveLength(2);
  const shown = cliJson<{ outgoing: OutboxJson[] }>(config, ['cases', 'show', 'KL-2026-0001']);
  expect(shown.outgoing.map((o) => o.kind).slice(0, 2)).toEqual(['acknowledgement', 'manager-notice']);
});

test('automatic mail gets nothing: out-of-office, bounce, list mail, our own acknowledgement coming back', async () => {
  const box = await newMailbox('noack');
  const config = writeTestConfig(box.imapUrl);
  for (const f of ['outlook-ooo.eml', 'dsn-bounce.eml', 'mailing-list.eml']) await appendMail(box, fixture(f));
  const worker = new WorkerProcess(config);
  workers.push(worker);
  await worker.waitIdle();
  await waitFor(() => cliJson<unknown[]>(config, ['mail', 'list']).length === 3, { message: 'mails not ingested' });
  // One real complaint afterwards, so we know the sender is running when we look.
  const me = `control.${Date.now()}@klant.test`;
  await appendMail(box, mail({ from: me, subject: 'Echte klacht' }));
  await settledOutbox(config, 1);
  expect(outbox(config).map((r) => r.to)).toEqual([[me]]);
  // Our own acknowledgement delivered back into the mailbox (a forwarding loop) is ours: no case, no answer.
  const ownAck = capturedTo(me)[0]!.raw;
  await appendMail(box, ownAck);
  await waitFor(() => cliJson<unknown[]>(config, ['mail', 'list']).length === 5, { message: 'own ack not ingested' });
  const last = cliJson<Array<{ classification: string }>>(config, ['mail', 'list'])[4];
  expect(last?.classification).toMatch(/^automatic/);
  expect(outbox(config)).toHaveLength(1);
});

test('an auto-responder that answers every acknowledgement with a new mail gets at most 3 per hour', async () => {
  const box = await newMailbox('loop');
  const config = writeTestConfig(box.imapUrl);
  const responder = `robot.${Date.now()}@responder.test`;
  const worker = new WorkerProcess(config);
  workers.push(worker);
  await worker.waitIdle();
  // A badly behaved responder: plain mails, no auto headers, a fresh subject each time.
  let acksSeen = 0;
  for (let round = 1; round <= 6; round++) {
    await appendMail(box, mail({ from: responder, subject: `Re: uw bericht ${round}` }));
    const rows = await settledOutbox(config, round);
    const sent = rows.filter((r) => r.status === 'sent').length;
    if (sent > acksSeen) acksSeen = sent;
  }
  const rows = outbox(config);
  expect(rows).toHaveLength(6);
  expect(rows.filter((r) => r.status === 'sent')).toHaveLength(3);
  expect(rows.filter((r) => r.status === 'suppressed').map((r) => r.statusReason)).toEqual([
    'rate-limit',
    'rate-limit',
    'rate-limit',
  ]);
  await waitFor(() => capturedTo(responder).length === 3, { message: 'three acknowledgements captured' });
  expect(acksSeen).toBe(3);
});
