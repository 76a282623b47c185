import { existsSync } from 'node:fs';
import path from 'node:path';
import { setCaseStatus } from '../../src/adapters/sqlite/cases.js';
import { intakeMessage } from '../../src/usecases/intakeMessage.js';
import { showCase } from '../../src/usecases/caseViews.js';
import { intakeHarness, mail } from '../support/intakeHarness.js';

describe('intakeMessage', () => {
  test('a complaint becomes case KL-2026-0001 with its registration fields, raw source kept', async () => {
    const h = intakeHarness();
    const raw = mail({
      from: 'Petra de Vries <P.deVries@bouwbedrijf-devries.test>',
      subject: 'Klacht over factuur',
      messageId: 'a1@x.test',
    });
    const r = await intakeMessage(h.deps, { raw, source: 'file' });
    expect(r).toMatchObject({
      classification: 'complaint',
      caseNumber: 'KL-2026-0001',
      created: true,
      caseCreated: true,
    });
    const c = showCase(h.db, 'KL-2026-0001');
    expect(c).toMatchObject({
      status: 'open',
      registeredBy: 'intake',
      receivedAt: '2026-11-24T09:00:00.000Z',
      complainant: { name: 'Petra de Vries', email: 'p.devries@bouwbedrijf-devries.test', type: 'client' },
      subject: 'Klacht over factuur',
    });
    expect(c.description).toContain('niet tevreden');
    expect(c.timeline.map((e) => e.type)).toEqual(['case.registered', 'message.received']);
    const sha = h.db.prepare('SELECT raw_sha256 FROM messages').pluck().get() as string;
    expect(existsSync(path.join(h.dir, 'raw', sha.slice(0, 2), `${sha}.eml`))).toBe(true);
  });

  test('the same mail again creates nothing (by Message-ID, and by content when it has none)', async () => {
    const h = intakeHarness();
    const withId = mail({ from: 'a@klant.test', subject: 'Klacht', messageId: 'same@x.test' });
    const withoutId = mail({ from: 'b@klant.test', subject: 'Andere klacht', messageId: null });
    await intakeMessage(h.deps, { raw: withId, source: 'file' });
    await intakeMessage(h.deps, { raw: withoutId, source: 'file' });
    const again1 = await intakeMessage(h.deps, { raw: withId, source: 'file' });
    // The same bytes with other line endings (IMAP serves CRLF, a file may have LF) are the same mail.
    const lf = Buffer.from(withoutId.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    const again2 = await intakeMessage(h.deps, { raw: lf, source: 'file' });
    expect(again1.created).toBe(false);
    expect(again2.created).toBe(false);
    expect(again2.caseNumber).toBe('KL-2026-0002');
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(2);
    expect(h.count('SELECT COUNT(*) FROM messages')).toBe(2);
    expect(h.db.prepare('SELECT message_id FROM messages WHERE message_id_synthetic = 1').pluck().get()).toMatch(
      /^sha256-[0-9a-f]{64}@synthesised\.klachtenbus$/,
    );
  });

  test('another mail reusing a Message-ID is kept as a duplicate, not a case', async () => {
    const h = intakeHarness();
    await intakeMessage(h.deps, {
      raw: mail({ from: 'a@klant.test', subject: 'Een', messageId: 'reused@x.test' }),
      source: 'file',
    });
    const r = await intakeMessage(h.deps, {
      raw: mail({ from: 'b@klant.test', subject: 'Twee', messageId: 'reused@x.test' }),
      source: 'file',
    });
    expect(r).toMatchObject({ classification: 'duplicate', caseNumber: null, created: true });
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(1);
    expect(h.count('SELECT COUNT(*) FROM messages')).toBe(2);
  });

  test('a reply threads by Message-ID; a reply to a closed case reopens it', async () => {
    const h = intakeHarness();
    await intakeMessage(h.deps, {
      raw: mail({ from: 'a@klant.test', subject: 'Klacht', messageId: 'orig@x.test' }),
      source: 'file',
    });
    setCaseStatus(h.db, 1, 'closed', '2026-11-24T10:00:00Z');
    const r = await intakeMessage(h.deps, {
      raw: mail({ from: 'a@klant.test', subject: 'Re: Klacht', inReplyTo: 'orig@x.test' }),
      source: 'file',
    });
    expect(r).toMatchObject({ classification: 'reply', caseNumber: 'KL-2026-0001', caseCreated: false });
    const c = showCase(h.db, 'KL-2026-0001');
    expect(c.status).toBe('open');
    expect(c.timeline.map((e) => e.type)).toContain('case.reopened');
    expect(c.messages).toHaveLength(2);
  });

  test('with new-linked, a reply to a closed case opens a new case linked to the old one', async () => {
    const h = intakeHarness({ replyToClosedCase: 'new-linked' });
    await intakeMessage(h.deps, {
      raw: mail({ from: 'a@klant.test', subject: 'Klacht', messageId: 'o@x.test' }),
      source: 'file',
    });
    setCaseStatus(h.db, 1, 'closed', '2026-11-24T10:00:00Z');
    const r = await intakeMessage(h.deps, {
      raw: mail({ from: 'a@klant.test', subject: 'Re: Klacht', inReplyTo: 'o@x.test' }),
      source: 'file',
    });
    expect(r).toMatchObject({ classification: 'complaint', caseNumber: 'KL-2026-0002' });
    expect(showCase(h.db, 'KL-2026-0002').linkedCase).toBe('KL-2026-0001');
    expect(showCase(h.db, 'KL-2026-0001').status).toBe('closed');
  });

  test('a subject tag joins only from the complainant; from a stranger it is a new case', async () => {
    const h = intakeHarness();
    await intakeMessage(h.deps, { raw: mail({ from: 'a@klant.test', subject: 'Klacht' }), source: 'file' });
    const own = await intakeMessage(h.deps, {
      raw: mail({ from: 'a@klant.test', subject: 'Re: [KL-2026-0001] Klacht' }),
      source: 'file',
    });
    const stranger = await intakeMessage(h.deps, {
      raw: mail({ from: 'x@ander.test', subject: 'Fwd: [KL-2026-0001] Klacht' }),
      source: 'file',
    });
    expect(own).toMatchObject({ classification: 'reply', caseNumber: 'KL-2026-0001' });
    expect(stranger).toMatchObject({ classification: 'complaint', caseNumber: 'KL-2026-0002' });
  });

  test('automatic mail never opens a case', async () => {
    const h = intakeHarness();
    const r = await intakeMessage(h.deps, {
      raw: mail({ from: 'Jan <jan@klant.test>', subject: 'Afwezig', extra: ['Auto-Submitted: auto-replied'] }),
      source: 'file',
    });
    expect(r).toMatchObject({ classification: 'automatic-ignored', caseNumber: null });
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(0);
    const reasons = JSON.parse(h.db.prepare('SELECT reasons_json FROM messages').pluck().get() as string) as string[];
    expect(reasons.length).toBeGreaterThan(0);
  });

  test('an unparseable mail still becomes a case marked for review', async () => {
    const h = intakeHarness();
    h.deps.parse = () => Promise.resolve({ ok: false, error: 'boom' });
    const r = await intakeMessage(h.deps, { raw: Buffer.from('garbage'), source: 'file' });
    expect(r).toMatchObject({ classification: 'unparseable', caseNumber: 'KL-2026-0001' });
    const c = showCase(h.db, 'KL-2026-0001');
    expect(c.needsReview).toBe(true);
    expect(c.timeline[0]?.data).toMatchObject({ needsReview: 'unparseable: boom' });
  });

  test('case numbers are gap-free per year of receipt in Amsterdam time', async () => {
    const h = intakeHarness();
    // 31 Dec 2026 23:30 UTC is already 1 Jan 2027 in Amsterdam.
    const at = (iso: string) => new Date(iso);
    await intakeMessage(h.deps, {
      raw: mail({ from: 'a@k.test', subject: 'x' }),
      source: 'file',
      receivedAt: at('2026-12-31T22:30:00Z'),
    });
    await intakeMessage(h.deps, {
      raw: mail({ from: 'b@k.test', subject: 'y' }),
      source: 'file',
      receivedAt: at('2026-12-31T23:30:00Z'),
    });
    await intakeMessage(h.deps, {
      raw: mail({ from: 'c@k.test', subject: 'z' }),
      source: 'file',
      receivedAt: at('2026-12-31T22:59:00Z'),
    });
    const numbers = h.db.prepare('SELECT number FROM cases ORDER BY id').pluck().all();
    expect(numbers).toEqual(['KL-2026-0001', 'KL-2027-0001', 'KL-2026-0002']);
  });

  test('the audit trail is append-only', async () => {
    const h = intakeHarness();
    await intakeMessage(h.deps, { raw: mail({ from: 'a@k.test', subject: 'x' }), source: 'file' });
    expect(() => h.db.prepare("UPDATE events SET actor = 'someone'").run()).toThrow(/append-only/);
    expect(() => h.db.prepare('DELETE FROM events').run()).toThrow(/append-only/);
  });
});
