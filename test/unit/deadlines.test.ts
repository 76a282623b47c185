import { computeDeadlines } from '../../src/domain/deadlines.js';
import { createWorkingCalendar } from '../../src/domain/workingCalendar.js';

const cal = createWorkingCalendar({
  goodFridayOff: false,
  liberationDay: 'lustrum',
  extraClosedDays: [],
  businessHours: { start: '08:30', end: '17:30' },
});
const iso = (d: Date) => d.toISOString();

describe('computeDeadlines (default profile: contact 2 working days, feedback 7 calendar days)', () => {
  const rules = { contact: { workingDays: 2 }, feedback: { calendarDays: 7, moveToWorkingDay: true } };

  test('received Tue 24 Nov 2026 10:00 Amsterdam: contact Thu 26 Nov 10:00, feedback Tue 1 Dec 10:00', () => {
    const d = computeDeadlines(cal, new Date('2026-11-24T09:00:00Z'), rules);
    expect(iso(d.contact)).toBe('2026-11-26T09:00:00.000Z');
    expect(iso(d.feedback)).toBe('2026-12-01T09:00:00.000Z');
  });

  test('a week after Fri 18 Dec 2026 is Fri 25 Dec (Christmas): moved to Mon 28 Dec', () => {
    const d = computeDeadlines(cal, new Date('2026-12-18T10:00:00Z'), rules);
    expect(iso(d.feedback)).toBe('2026-12-28T10:00:00.000Z');
  });

  test('received Sun 22 Nov 2026 01:15: contact Wed 25 Nov 08:30, feedback Mon 30 Nov 08:30 (not at night)', () => {
    const d = computeDeadlines(cal, new Date('2026-11-22T00:15:00Z'), rules);
    expect(iso(d.contact)).toBe('2026-11-25T07:30:00.000Z');
    expect(iso(d.feedback)).toBe('2026-11-30T07:30:00.000Z');
  });

  test('business hours: 4 hours from Fri 27 Nov 2026 16:00 is Mon 30 Nov 11:00 (1.5 h Friday, 2.5 h Monday)', () => {
    const d = computeDeadlines(cal, new Date('2026-11-27T15:00:00Z'), {
      contact: { hours: 4 },
      feedback: { workingDays: 5 },
    });
    expect(iso(d.contact)).toBe('2026-11-30T10:00:00.000Z');
    expect(iso(d.feedback)).toBe('2026-12-04T15:00:00.000Z');
  });

  test.each([
    // received (Amsterdam)           contact due (2 working days)     why
    ['2026-11-25T23:59+01:00', '2026-11-30T08:30+01:00'], // 23:59 counts from Thu 08:30: Fri, Mon
    ['2026-11-26T00:00+01:00', '2026-11-30T08:30+01:00'], // midnight: the same
    ['2026-11-26T08:30+01:00', '2026-11-30T08:30+01:00'], // at opening: counts from then
    ['2026-11-26T17:30+01:00', '2026-12-01T08:30+01:00'], // at closing: from Fri 08:30
    ['2027-04-27T10:00+02:00', '2027-04-30T08:30+02:00'], // on Koningsdag: from Wed 28 Apr 08:30
    ['2026-12-31T16:00+01:00', '2027-01-05T16:00+01:00'], // New Year and a weekend in between
    ['2027-03-29T11:00+02:00', '2027-04-01T08:30+02:00'], // on Easter Monday: from Tue 08:30
    ['2027-05-05T10:00+02:00', '2027-05-10T10:00+02:00'], // Hemelvaart (Thu 6 May) skipped
    ['2027-05-14T12:00+02:00', '2027-05-19T12:00+02:00'], // Tweede Pinksterdag (Mon 17 May) skipped
  ])('received %s: contact due %s', (received, contact) => {
    const d = computeDeadlines(cal, new Date(received), rules);
    expect(iso(d.contact)).toBe(new Date(contact).toISOString());
  });
});
