import type { AutomaticVerdict } from '../../src/domain/types.js';
import { complainantTypeFor, decideIntake, isStaffAddress, type IntakeFacts } from '../../src/domain/intakeDecision.js';

const human: AutomaticVerdict = { automatic: false, reasons: [], kind: null };
const auto: AutomaticVerdict = { automatic: true, reasons: ['header:auto-submitted'], kind: 'auto-reply' };
const openCase = { id: 1, number: 'KL-2026-0001', status: 'open' as const, complainantEmail: 'klant@a.test' };
const closedCase = { ...openCase, status: 'closed' as const };

function facts(over: Partial<IntakeFacts>): IntakeFacts {
  return {
    sender: { name: 'Klant', address: 'klant@a.test' },
    automatic: human,
    referencedCase: null,
    taggedCase: null,
    senderIsStaff: false,
    replyToClosedCase: 'reopen',
    ...over,
  };
}

describe('decideIntake', () => {
  test('a mail with no thread is a new complaint', () => {
    expect(decideIntake(facts({}))).toEqual({ action: 'new-case', linkedTo: null, reason: 'new-complaint' });
  });

  test('a reply found by Message-ID joins its case, whoever sends it', () => {
    const d = decideIntake(facts({ referencedCase: openCase, sender: { name: '', address: 'other@b.test' } }));
    expect(d).toEqual({ action: 'reply', case: openCase, reopen: false, threadedBy: 'message-id' });
  });

  test('a subject tag is trusted from the complainant', () => {
    expect(decideIntake(facts({ taggedCase: openCase }))).toMatchObject({ action: 'reply', threadedBy: 'subject-tag' });
  });

  test('a subject tag is trusted from staff', () => {
    const d = decideIntake(
      facts({ taggedCase: openCase, senderIsStaff: true, sender: { name: '', address: 'jan@org.test' } }),
    );
    expect(d).toMatchObject({ action: 'reply' });
  });

  test("a case number pasted into another customer's mail does not join that case", () => {
    const d = decideIntake(facts({ taggedCase: openCase, sender: { name: '', address: 'stranger@c.test' } }));
    expect(d).toEqual({ action: 'new-case', linkedTo: null, reason: 'untrusted-subject-tag' });
  });

  test('a reply to a closed case reopens it, or opens a linked case when so configured', () => {
    expect(decideIntake(facts({ referencedCase: closedCase }))).toMatchObject({ action: 'reply', reopen: true });
    expect(decideIntake(facts({ referencedCase: closedCase, replyToClosedCase: 'new-linked' }))).toEqual({
      action: 'new-case',
      linkedTo: closedCase,
      reason: 'reply-to-closed-case',
    });
  });

  test('automatic mail never opens a case: attached when it belongs to one, else ignored', () => {
    expect(decideIntake(facts({ automatic: auto }))).toEqual({ action: 'automatic-ignored' });
    expect(decideIntake(facts({ automatic: auto, referencedCase: closedCase }))).toEqual({
      action: 'automatic-attached',
      case: closedCase,
    });
  });
});

describe('complainantTypeFor and isStaffAddress', () => {
  const rules = { clientDomains: ['bouw.test'], tempWorkerDomains: ['flex.test'] };
  test('types come from configured domains, subdomains included', () => {
    expect(complainantTypeFor('p@bouw.test', rules)).toBe('client');
    expect(complainantTypeFor('p@nl.bouw.test', rules)).toBe('client');
    expect(complainantTypeFor('p@flex.test', rules)).toBe('temp-worker');
    expect(complainantTypeFor('p@notbouw.test', rules)).toBe('unknown');
    expect(complainantTypeFor(null, rules)).toBe('unknown');
  });
  test('staff by domain or by member address', () => {
    const staff = { domains: ['studijob.test'], members: ['extern@partner.test'] };
    expect(isStaffAddress('jan@studijob.test', staff)).toBe(true);
    expect(isStaffAddress('extern@partner.test', staff)).toBe(true);
    expect(isStaffAddress('klant@studijob.test.evil', staff)).toBe(false);
    expect(isStaffAddress(null, staff)).toBe(false);
  });
});
