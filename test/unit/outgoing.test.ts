import { claimForSending, listOutbox, markSent } from '../../src/adapters/sqlite/outbox.js';
import { acknowledgementBlocker } from '../../src/domain/recipients.js';
import { intakeMessage } from '../../src/usecases/intakeMessage.js';
import { registerCase } from '../../src/usecases/registerCase.js';
import { outgoingMessageId } from '../../src/usecases/queueCaseMail.js';
import { installationSecret } from '../../src/adapters/sqlite/installation.js';
import { intakeHarness, mail, outgoing } from '../support/intakeHarness.js';

function withOutgoing(over: Parameters<typeof outgoing>[0] = {}) {
  const h = intakeHarness();
  h.deps.outgoing = outgoing(over);
  return h;
}

describe('acknowledgement and manager notice queued with the case', () => {
  test('a complaint queues one threaded acknowledgement and one manager notice, in the same transaction', async () => {
    const h = withOutgoing();
    const r = await intakeMessage(h.deps, {
      raw: mail({ from: 'Sanne <sanne@klant.test>', subject: 'Loonstrook', messageId: 'k1@klant.test' }),
      source: 'file',
    });
    expect(r.outboxIds).toHaveLength(2);
    const [ack, notice] = listOutbox(h.db, {});
    expect(ack).toMatchObject({
      kind: 'acknowledgement',
      to: ['sanne@klant.test'],
      status: 'pending',
      inReplyTo: 'k1@klant.test',
      references: ['k1@klant.test'],
      replyTo: 'klachten@studijob.test',
      subject: '[KL-2026-0001] Loonstrook',
      idempotencyKey: 'ack:KL-2026-0001',
    });
    expect(ack!.messageId).toMatch(/@klachtenbus\.test$/);
    // Received Tue 24 Nov 2026 10:00: contact by Thursday, feedback by Tuesday 1 December.
    expect(ack!.text).toContain('donderdag 26 november 2026');
    expect(ack!.text).toContain('dinsdag 1 december 2026');
    expect(notice).toMatchObject({ kind: 'manager-notice', to: ['debby@studijob.test'], status: 'pending' });
  });

  test('two installations never send two mails under one Message-ID; one installation keeps its ids', async () => {
    const a = withOutgoing();
    const b = withOutgoing();
    const raw = mail({ from: 'Sanne <sanne@klant.test>', subject: 'Loonstrook', messageId: 'k1@klant.test' });
    await intakeMessage(a.deps, { raw, source: 'file' });
    await intakeMessage(b.deps, { raw, source: 'file' });
    const [ackA] = listOutbox(a.db, {});
    const [ackB] = listOutbox(b.db, {});
    // Same case number, same key, same domain: still other ids.
    expect(ackA!.idempotencyKey).toBe(ackB!.idempotencyKey);
    expect(ackA!.messageId).not.toBe(ackB!.messageId);
    expect(ackA!.messageId).toMatch(/^ack\.KL-2026-0001\.[0-9a-f]{20}@klachtenbus\.test$/);
    const again = outgoingMessageId('ack:KL-2026-0001', 'klachtenbus.test', installationSecret(a.db));
    expect(again).toBe(ackA!.messageId);
  });

  test('the same mail again queues nothing new', async () => {
    const h = withOutgoing();
    const raw = mail({ from: 'a@klant.test', subject: 'x', messageId: 'again@klant.test' });
    await intakeMessage(h.deps, { raw, source: 'file' });
    const again = await intakeMessage(h.deps, { raw, source: 'file' });
    expect(again.outboxIds).toEqual([]);
    expect(listOutbox(h.db, {})).toHaveLength(2);
  });

  test('no acknowledgement to a no-reply sender or to ourselves: recorded as suppressed, with the reason', async () => {
    const h = withOutgoing({ ownAddresses: ['info@studijob.test'] });
    // By mail, such senders are automatic already: no case, nothing queued.
    await intakeMessage(h.deps, { raw: mail({ from: 'noreply@shop.test', subject: 'Bestelling' }), source: 'file' });
    expect(listOutbox(h.db, {})).toHaveLength(0);
    // Registered by hand with such an address, the case opens but the acknowledgement does not go out.
    for (const email of ['noreply@shop.test', 'info@studijob.test'])
      registerCase(h.deps, { email, name: 'X', description: 'Klacht', by: 'Jan', acknowledge: true });
    const acks = listOutbox(h.db, {}).filter((o) => o.kind === 'acknowledgement');
    expect(acks.map((a) => [a.status, a.statusReason])).toEqual([
      ['suppressed', 'no-reply-address'],
      ['suppressed', 'own-address'],
    ]);
  });

  test('at most N acknowledgements per sender per hour', async () => {
    const h = withOutgoing({ acknowledgement: { enabled: true, maxPerSenderPerHour: 2 } });
    for (let i = 0; i < 4; i++)
      await intakeMessage(h.deps, { raw: mail({ from: 'loop@robot.test', subject: `Re ${i}` }), source: 'file' });
    const acks = listOutbox(h.db, {}).filter((o) => o.kind === 'acknowledgement');
    expect(acks.map((a) => a.status)).toEqual(['pending', 'pending', 'suppressed', 'suppressed']);
    expect(acks[3]!.statusReason).toBe('rate-limit');
  });

  test('an unreadable mail: the case is opened, no acknowledgement can go anywhere', async () => {
    const h = withOutgoing();
    h.deps.parse = () => Promise.resolve({ ok: false, error: 'broken' });
    await intakeMessage(h.deps, { raw: Buffer.from('???'), source: 'file' });
    const acks = listOutbox(h.db, {}).filter((o) => o.kind === 'acknowledgement');
    expect(acks.map((a) => a.statusReason)).toEqual(['no-usable-address']);
  });
});

describe('acknowledgementBlocker', () => {
  test.each([
    [null, 'no-usable-address'],
    ['not-an-address', 'no-usable-address'],
    ['klachten@studijob.test', 'own-address'],
    ['no-reply@x.test', 'no-reply-address'],
    ['donotreply@x.test', 'no-reply-address'],
    ['MAILER-DAEMON@x.test', 'no-reply-address'],
    ['bounces+123@x.test', 'no-reply-address'],
    ['noreen@x.test', null],
    ['sanne@klant.test', null],
  ])('%s → %s', (address, expected) => {
    expect(acknowledgementBlocker(address, ['klachten@studijob.test'])).toBe(expected);
  });
});

describe('registerCase (by phone or at the desk)', () => {
  test('registers with the employee as registrar; acknowledges only when asked', () => {
    const h = withOutgoing();
    const quiet = registerCase(h.deps, {
      email: 'p@bouwbedrijf-devries.test',
      name: 'Petra de Vries',
      description: 'Belde over een te late uitzendkracht',
      by: 'Jan Jansen',
      acknowledge: false,
    });
    const loud = registerCase(h.deps, {
      email: 'x@klant.test',
      name: 'X',
      description: 'Klacht aan de balie',
      by: 'Jan Jansen',
      acknowledge: true,
      receivedAt: new Date('2026-11-23T10:00:00Z'),
    });
    expect([quiet.number, loud.number]).toEqual(['KL-2026-0001', 'KL-2026-0002']);
    const rows = h.db.prepare('SELECT registered_by, complainant_type FROM cases ORDER BY id').all();
    expect(rows).toEqual([
      { registered_by: 'Jan Jansen', complainant_type: 'client' },
      { registered_by: 'Jan Jansen', complainant_type: 'unknown' },
    ]);
    const kinds = listOutbox(h.db, {}).map((o) => `${o.caseNumber}:${o.kind}`);
    expect(kinds).toEqual([
      'KL-2026-0001:manager-notice',
      'KL-2026-0002:acknowledgement',
      'KL-2026-0002:manager-notice',
    ]);
  });

  test('a per-case locale: an English acknowledgement for an English-speaking customer', () => {
    const h = withOutgoing();
    registerCase(h.deps, {
      email: 'j@client.test',
      name: 'John',
      description: 'Late invoice',
      by: 'Jan',
      acknowledge: true,
      locale: 'en',
    });
    const [ack] = listOutbox(h.db, {});
    expect(ack!.text).toContain('Thursday 26 November 2026');
    expect(h.db.prepare('SELECT locale FROM cases').pluck().get()).toBe('en');
  });

  test('a receipt time in the future is refused', () => {
    const h = withOutgoing();
    expect(() =>
      registerCase(h.deps, {
        email: null,
        name: 'X',
        description: 'x',
        by: 'Jan',
        acknowledge: false,
        receivedAt: new Date('2027-01-01T00:00:00Z'),
      }),
    ).toThrow('future');
  });
});

describe('marking a mail sent', () => {
  test('is recorded, and leaves the connection fully durable (synchronous=FULL) for the next commit', async () => {
    const h = withOutgoing();
    await intakeMessage(h.deps, {
      raw: mail({ from: 'a@klant.test', subject: 'x', messageId: 's1@k.test' }),
      source: 'file',
    });
    const [ack] = listOutbox(h.db, {});
    expect(h.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(claimForSending(h.db, ack!.id, '2026-11-24T09:00:01.000Z')).toBe(true);
    markSent(h.db, ack!.id, '250 OK', '2026-11-24T09:00:02.000Z');
    expect(listOutbox(h.db, {})[0]).toMatchObject({ status: 'sent', smtpResponse: '250 OK' });
    expect(h.db.pragma('synchronous', { simple: true })).toBe(2);
  });
});
