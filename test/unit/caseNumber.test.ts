import { findCaseNumberInSubject, formatCaseNumber, parseCaseNumber, tagSubject } from '../../src/domain/caseNumber.js';

describe('formatCaseNumber', () => {
  test.each([
    [1, 'KL-2026-0001'],
    [42, 'KL-2026-0042'],
    [9999, 'KL-2026-9999'],
    [10000, 'KL-2026-10000'],
    [123456, 'KL-2026-123456'],
  ])('seq %i → %s', (seq, expected) => {
    expect(formatCaseNumber('KL', 2026, seq)).toBe(expected);
  });

  test.each([
    ['kl', 2026, 1],
    ['K-L', 2026, 1],
    ['', 2026, 1],
    ['KL', 26, 1],
    ['KL', 2026.5, 1],
    ['KL', 2026, 0],
    ['KL', 2026, -3],
    ['KL', 2026, 1.5],
    ['KL', 2026, Number.NaN],
  ])('rejects prefix %j, year %s, seq %s', (prefix, year, seq) => {
    expect(() => formatCaseNumber(prefix, year, seq)).toThrow(RangeError);
  });
});

describe('parseCaseNumber', () => {
  test('round-trips what formatCaseNumber writes', () => {
    for (const seq of [1, 999, 9999, 10000, 2_000_000]) {
      expect(parseCaseNumber(formatCaseNumber('KL', 2027, seq))).toEqual({ prefix: 'KL', year: 2027, seq });
    }
  });

  test('tolerates surrounding whitespace and a lower-case prefix', () => {
    expect(parseCaseNumber('  kl-2026-0007 ')).toEqual({ prefix: 'KL', year: 2026, seq: 7 });
  });

  test.each([
    'KL-2026-001',
    'KL-2026-00001',
    'KL-2026-0000',
    'KL-26-0001',
    'KL2026-0001',
    '[KL-2026-0001]',
    'KL-2026-0001x',
    '',
  ])('rejects %j', (s) => {
    expect(parseCaseNumber(s)).toBeNull();
  });
});

describe('findCaseNumberInSubject', () => {
  test.each([
    ['[KL-2026-0001] Ontvangstbevestiging', 'KL-2026-0001'],
    ['Re: [KL-2026-0001] Ontvangstbevestiging van uw klacht', 'KL-2026-0001'],
    ['AW: WG: Antw: [KL-2026-0012] x', 'KL-2026-0012'],
    ['[EXTERN] RE: [KL-2026-10001] nog steeds niets', 'KL-2026-10001'],
    ['Re: [ kl-2026-0003 ] x', 'KL-2026-0003'],
    ['Re: KL-2026-0001 nog geen reactie', 'KL-2026-0001'],
    ['Antw: Fwd: KL-2026-0004', 'KL-2026-0004'],
    ['[KL-2026-0002] Fwd: [KL-2025-0003] oude klacht', 'KL-2026-0002'],
  ])('%j → %s', (subject, expected) => {
    expect(findCaseNumberInSubject(subject, 'KL')).toBe(expected);
  });

  test.each([
    'Factuur KL-2026-0001 van leverancier',
    'KL-2026-0001',
    'Re: over KL-2026-0001',
    'Re: KL-2026-00012',
    'Re: KL-2026-0001-B',
    '[KL-2026-001] te kort',
    '[AB-2026-0001] ander systeem',
    'Loonstrook ontbreekt',
    '',
  ])('no case number in %j', (subject) => {
    expect(findCaseNumberInSubject(subject, 'KL')).toBeNull();
  });

  test('uses the configured prefix, with regex characters taken literally', () => {
    expect(findCaseNumberInSubject('Re: [KB-2026-0001] x', 'KB')).toBe('KB-2026-0001');
    expect(findCaseNumberInSubject('Re: [KL-2026-0001] x', 'KB')).toBeNull();
    expect(findCaseNumberInSubject('Re: [KLX2026-0001] x', 'K.')).toBeNull();
  });
});

describe('tagSubject', () => {
  test('puts the tag in front', () => {
    expect(tagSubject('KL-2026-0001', 'Loonstrook ontbreekt')).toBe('[KL-2026-0001] Loonstrook ontbreekt');
  });

  test('does not tag twice, even behind reply prefixes or in another case', () => {
    expect(tagSubject('KL-2026-0001', 'Re: [KL-2026-0001] Loonstrook')).toBe('Re: [KL-2026-0001] Loonstrook');
    expect(tagSubject('KL-2026-0001', 'Re: [kl-2026-0001] Loonstrook')).toBe('Re: [kl-2026-0001] Loonstrook');
  });

  test('an older tag stays, behind the new one, so the new one is found first', () => {
    const tagged = tagSubject('KL-2026-0002', 'Fwd: [KL-2025-0003] oude klacht');
    expect(tagged).toBe('[KL-2026-0002] Fwd: [KL-2025-0003] oude klacht');
    expect(findCaseNumberInSubject(tagged, 'KL')).toBe('KL-2026-0002');
  });

  test('an empty subject becomes the bare tag', () => {
    expect(tagSubject('KL-2026-0001', '   ')).toBe('[KL-2026-0001]');
  });
});
