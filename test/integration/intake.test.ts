/**
 * The worker against a real Dovecot: mail delivered by IMAP APPEND becomes cases in SQLite, the
 * mailbox is left tidy, and crashes and server restarts lose and double nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { appendMail, connectImap, listMessages, newMailbox, waitFor } from '../support/mailstack.js';
import { mail } from '../support/intakeHarness.js';
import { cliJson, WorkerProcess, writeTestConfig, type CaseJson, type MailJson } from '../support/worker.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

const workers: WorkerProcess[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.kill()));
});

function startWorker(config: string, env: Record<string, string> = {}): WorkerProcess {
  const w = new WorkerProcess(config, env);
  workers.push(w);
  return w;
}

/** INBOX empty? A read racing the worker's MOVE can fail on a just-emptied mailbox: then not yet. */
async function inboxEmpty(box: Parameters<typeof listMessages>[0]): Promise<boolean> {
  try {
    return (await listMessages(box, 'INBOX')).length === 0;
  } catch {
    return false;
  }
}

const cases = (config: string) => cliJson<CaseJson[]>(config, ['cases', 'list']);
const mails = (config: string) => cliJson<MailJson[]>(config, ['mail', 'list']);

async function waitForMailCount(config: string, n: number): Promise<MailJson[]> {
  return waitFor(
    () => {
      const m = mails(config);
      return m.length >= n ? m : null;
    },
    { timeoutMs: 20000, intervalMs: 200, message: `expected ${n} ingested mails` },
  );
}

describe('intake from a real IMAP mailbox', () => {
  test('each kind of mail gets its treatment; the mailbox is left tidy; a restart changes nothing', async () => {
    const box = await newMailbox('kinds');
    const config = writeTestConfig(box.imapUrl);
    const delivered = [
      'plain-dutch-complaint.eml',
      'html-only.eml',
      'windows-1252.eml',
      'with-attachment.eml',
      'outlook-ooo.eml',
      'dsn-bounce.eml',
      'no-message-id.eml',
      'forwarded-by-employee.eml',
    ];
    for (const f of delivered) await appendMail(box, fixture(f));
    // A mail somebody already opened in Outlook must still be ingested.
    await appendMail(
      box,
      mail({ from: 'gelezen@klant.test', subject: 'Al gelezen klacht', messageId: 'seen@klant.test' }),
      {
        flags: ['\\Seen'],
      },
    );

    const worker = startWorker(config);
    await worker.waitIdle();
    const all = await waitForMailCount(config, delivered.length + 1);
    expect(all).toHaveLength(delivered.length + 1);

    const bySubject = (s: string) => all.find((m) => m.subject.includes(s));
    const auto = all.filter((m) => m.classification === 'automatic-ignored');
    expect(auto).toHaveLength(2); // the out-of-office reply and the bounce
    for (const m of auto) {
      expect(m.caseNumber).toBeNull();
      expect(m.reasons.length).toBeGreaterThan(0);
    }
    const complaints = all.filter((m) => m.classification === 'complaint');
    expect(complaints).toHaveLength(7);
    expect(new Set(complaints.map((m) => m.caseNumber)).size).toBe(7);
    expect(bySubject('Al gelezen')?.classification).toBe('complaint');
    expect(all.filter((m) => m.messageIdSynthesised)).toHaveLength(1);

    const list = cases(config);
    expect(list.map((c) => c.number)).toEqual(expect.arrayContaining(['KL-2026-0001', 'KL-2026-0007']));
    // The forwarded complaint names the original sender as complainant and the employee as registrar.
    const forwarded = list.find((c) => c.complainant.email === 'p.devries@bouwbedrijf-devries.test');
    expect(forwarded).toMatchObject({ registeredBy: 'jan@studijob.test', complainant: { type: 'client' } });
    // Charsets decoded: windows-1252 quoted-printable text arrives as proper Unicode.
    const cp1252 = list.find((c) => c.description.includes('€ 150'));
    expect(cp1252).toBeDefined();
    // HTML-only mail: text extracted, markup and script gone.
    for (const c of list) expect(c.description).not.toMatch(/<\/?[a-z][^>]*>|alert\(/i);
    expect(list.every((c) => c.description.trim().length > 0)).toBe(true);

    // Committed mail is flagged and moved out of the INBOX.
    await waitFor(() => inboxEmpty(box), { timeoutMs: 10000, message: 'INBOX not emptied' });
    const processed = await listMessages(box, 'Processed');
    expect(processed).toHaveLength(delivered.length + 1);
    for (const m of processed) expect(m.flags).toContain('$Klachtenbus');

    // The mailbox password never reaches the logs.
    expect(JSON.stringify(worker.logs) + worker.stderr).not.toContain(box.pass);

    // A restart over the same mailbox creates nothing new.
    expect(await worker.stop()).toBe(0);
    const again = startWorker(config);
    await again.waitIdle();
    expect(mails(config)).toHaveLength(all.length);
    expect(cases(config)).toHaveLength(list.length);
  });

  test('an attachment is stored and listed; a reply threads; a reply to a closed case reopens it', async () => {
    const box = await newMailbox('thread');
    const config = writeTestConfig(box.imapUrl);
    const worker = startWorker(config);
    await worker.waitIdle();

    await appendMail(box, fixture('with-attachment.eml'));
    const [first] = await waitForMailCount(config, 1);
    expect(first?.classification).toBe('complaint');
    const shown = cliJson<{ messages: Array<{ attachments: Array<{ filename: string; size: number }> }> }>(config, [
      'cases',
      'show',
      first!.caseNumber!,
    ]);
    expect(shown.messages[0]?.attachments[0]?.filename).toMatch(/\.pdf$/);

    const complainant = first!.from!;
    await appendMail(box, mail({ from: complainant, subject: 'Re: mijn klacht', inReplyTo: first!.messageId }));
    const afterReply = await waitForMailCount(config, 2);
    expect(afterReply[1]).toMatchObject({ classification: 'reply', caseNumber: first!.caseNumber });

    // Close the case directly in the database (the close command comes with case handling).
    const db = new BetterSqlite3(path.join(path.dirname(config), 'data', 'klachtenbus.sqlite'));
    db.prepare(`UPDATE cases SET status = 'closed', closed_at = updated_at WHERE number = ?`).run(first!.caseNumber);
    db.close();
    await appendMail(box, mail({ from: complainant, subject: `Re: [${first!.caseNumber}] nog steeds niet opgelost` }));
    const afterClosed = await waitForMailCount(config, 3);
    expect(afterClosed[2]).toMatchObject({ classification: 'reply', caseNumber: first!.caseNumber });
    const reopened = cases(config).find((c) => c.number === first!.caseNumber);
    expect(reopened?.status).toBe('open');
    expect(cases(config)).toHaveLength(1);
  });

  test('a crash after commit and before the move, then a restart: one case per mail, all moved', async () => {
    const box = await newMailbox('crash');
    const config = writeTestConfig(box.imapUrl);
    for (let i = 1; i <= 6; i++) {
      await appendMail(
        box,
        mail({ from: `klant${i}@klant.test`, subject: `Klacht ${i}`, messageId: `crash${i}@klant.test` }),
      );
    }
    const crashing = startWorker(config, { KLACHTENBUS_FAULT_KILL_AFTER_COMMITS: '3' });
    expect(await crashing.exited).toBeNull(); // killed by SIGKILL
    expect(mails(config)).toHaveLength(3);
    expect(await listMessages(box, 'INBOX')).toHaveLength(6); // nothing moved: the batch was cut short

    const worker = startWorker(config);
    await worker.waitIdle();
    expect(mails(config)).toHaveLength(6);
    const list = cases(config);
    expect(list).toHaveLength(6);
    expect(new Set(list.map((c) => c.complainant.email)).size).toBe(6);
    expect(await listMessages(box, 'INBOX')).toHaveLength(0);
    expect(await listMessages(box, 'Processed')).toHaveLength(6);
  });

  test('afterIngest flag: mail stays in the INBOX with the flag, and later passes leave it alone', async () => {
    const box = await newMailbox('flag');
    const config = writeTestConfig(box.imapUrl, { imap: { afterIngest: 'flag' } });
    await appendMail(box, mail({ from: 'f@klant.test', subject: 'Blijft staan', messageId: 'stay@klant.test' }));
    const worker = startWorker(config);
    await worker.waitIdle();
    await appendMail(box, mail({ from: 'g@klant.test', subject: 'Later', messageId: 'later@klant.test' }));
    await waitForMailCount(config, 2);
    const inbox = await waitFor(
      async () => {
        const m = await listMessages(box, 'INBOX');
        return m.length === 2 && m.every((x) => x.flags.includes('$Klachtenbus')) ? m : null;
      },
      { timeoutMs: 10000, message: 'both mails flagged in place' },
    );
    expect(inbox.every((m) => !m.flags.includes('\\Seen'))).toBe(true);
    expect(await worker.stop()).toBe(0);
    const again = startWorker(config);
    await again.waitIdle();
    expect(mails(config)).toHaveLength(2);
    expect(cases(config)).toHaveLength(2);
  });

  test('a MOVE refused because the Processed folder went missing: the folder is made again and the mail moved', async () => {
    const box = await newMailbox('refused');
    const config = writeTestConfig(box.imapUrl);
    const worker = startWorker(config);
    await worker.waitIdle();
    // Another client deletes the folder under the running worker: the next MOVE is refused (TRYCREATE).
    const client = await connectImap(box);
    await client.mailboxDelete('Processed');
    await client.logout();
    await appendMail(box, mail({ from: 'h@klant.test', subject: 'Weigering', messageId: 'refused@klant.test' }));
    await waitFor(() => inboxEmpty(box), { timeoutMs: 15000, message: 'INBOX emptied' });
    expect(await listMessages(box, 'Processed')).toHaveLength(1);
    expect(cases(config)).toHaveLength(1);
  });

  test('two workers racing over one mailbox and one database create each case once', async () => {
    const box = await newMailbox('race');
    const config = writeTestConfig(box.imapUrl);
    for (let i = 1; i <= 10; i++) {
      await appendMail(box, mail({ from: `r${i}@klant.test`, subject: `Race ${i}`, messageId: `race${i}@klant.test` }));
    }
    const a = startWorker(config);
    const b = startWorker(config);
    await Promise.all([a.waitIdle(), b.waitIdle()]);
    await waitFor(() => inboxEmpty(box), { timeoutMs: 15000, message: 'INBOX not emptied' });
    expect(cases(config)).toHaveLength(10);
    expect(mails(config)).toHaveLength(10);
  });
});
