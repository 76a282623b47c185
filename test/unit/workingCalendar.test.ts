import { DateTime } from 'luxon';
import { createWorkingCalendar, type WorkingCalendarOptions } from '../../src/domain/workingCalendar.js';

// Every expected instant is written by hand with its Amsterdam UTC offset: +01:00 in winter time,
// +02:00 in summer time (2026: from Sun 29 Mar to Sun 25 Oct; 2027: from Sun 28 Mar).
const at = (iso: string): Date => new Date(iso);
const iso = (d: Date): string => d.toISOString();

const base: WorkingCalendarOptions = {
  goodFridayOff: false,
  liberationDay: 'lustrum',
  extraClosedDays: [],
  businessHours: { start: '08:30', end: '17:30' },
};
const calendar = (over: Partial<WorkingCalendarOptions> = {}) => createWorkingCalendar({ ...base, ...over });
const cal = calendar();

describe('addWorkingDays: the counting rule', () => {
  test.each([
    ['received Tue during hours: same clock time', '2026-11-24T10:00+01:00', 2, '2026-11-26T10:00+01:00'],
    ['received Fri during hours: the weekend does not count', '2026-11-27T16:00+01:00', 2, '2026-12-01T16:00+01:00'],
    ['received Sat: counts from Mon opening', '2026-11-28T11:00+01:00', 2, '2026-12-02T08:30+01:00'],
    [
      'before opening on a working day: counts from that opening',
      '2026-11-24T07:00+01:00',
      2,
      '2026-11-26T08:30+01:00',
    ],
    ['after closing: counts from next opening', '2026-11-24T18:00+01:00', 2, '2026-11-27T08:30+01:00'],
    ['exactly at closing is after hours', '2026-11-24T17:30+01:00', 2, '2026-11-27T08:30+01:00'],
    ['exactly at opening is within hours', '2026-11-24T08:30+01:00', 1, '2026-11-25T08:30+01:00'],
    ['seconds are kept', '2026-11-24T10:15:42+01:00', 1, '2026-11-25T10:15:42+01:00'],
    ['n = 0 during hours is the received time', '2026-11-24T10:00+01:00', 0, '2026-11-24T10:00+01:00'],
    ['n = 0 on Sunday is the next opening', '2026-11-29T20:00+01:00', 0, '2026-11-30T08:30+01:00'],
    ['one week = 5 working days', '2026-11-24T10:00+01:00', 5, '2026-12-01T10:00+01:00'],
  ])('%s', (_name, received, n, due) => {
    expect(iso(cal.addWorkingDays(at(received), n))).toBe(iso(at(due)));
  });

  test('rejects a negative or fractional count', () => {
    expect(() => cal.addWorkingDays(at('2026-11-24T10:00+01:00'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(at('2026-11-24T10:00+01:00'), 1.5)).toThrow(RangeError);
    expect(() => cal.addWorkingDays(new Date('nonsense'), 1)).toThrow(RangeError);
  });
});

describe('summer time changes keep the wall-clock time', () => {
  test('end of summer time (Sun 25 Oct 2026): Fri 10:00 CEST → Tue 10:00 CET', () => {
    const due = cal.addWorkingDays(at('2026-10-23T10:00+02:00'), 2);
    expect(iso(due)).toBe(iso(at('2026-10-27T10:00+01:00')));
    // 4 days and 1 hour of real time: not a multiple of 24 h.
    expect(due.getTime() - at('2026-10-23T10:00+02:00').getTime()).toBe((4 * 24 + 1) * 3_600_000);
  });

  test('start of summer time (Sun 29 Mar 2026): Fri 10:00 CET → Tue 10:00 CEST', () => {
    expect(iso(cal.addWorkingDays(at('2026-03-27T10:00+01:00'), 2))).toBe(iso(at('2026-03-31T10:00+02:00')));
  });

  test('a Saturday-night mail before the March change counts from Monday 08:30 summer time', () => {
    expect(iso(cal.addWorkingDays(at('2026-03-28T23:00+01:00'), 1))).toBe(iso(at('2026-03-31T08:30+02:00')));
  });

  test('addCalendarDays adds wall-clock days: 25 h across October, 23 h across March', () => {
    const oct = cal.addCalendarDays(at('2026-10-24T12:00+02:00'), 1, { moveToWorkingDay: false });
    expect(iso(oct)).toBe(iso(at('2026-10-25T12:00+01:00')));
    const mar = cal.addCalendarDays(at('2026-03-28T09:00+01:00'), 1, { moveToWorkingDay: false });
    expect(iso(mar)).toBe(iso(at('2026-03-29T09:00+02:00')));
    const week = cal.addCalendarDays(at('2026-10-23T10:00+02:00'), 7, { moveToWorkingDay: false });
    expect(iso(week)).toBe(iso(at('2026-10-30T10:00+01:00')));
  });
});

describe('addCalendarDays', () => {
  test('a Sunday due date moves to Monday at the same time only when asked', () => {
    const received = at('2026-11-22T14:00+01:00'); // Sunday
    expect(iso(cal.addCalendarDays(received, 7, { moveToWorkingDay: false }))).toBe(iso(at('2026-11-29T14:00+01:00')));
    expect(iso(cal.addCalendarDays(received, 7, { moveToWorkingDay: true }))).toBe(iso(at('2026-11-30T14:00+01:00')));
  });

  test('a due date on Christmas moves past the whole holiday and weekend', () => {
    const due = cal.addCalendarDays(at('2026-12-18T11:00+01:00'), 7, { moveToWorkingDay: true });
    expect(iso(due)).toBe(iso(at('2026-12-28T11:00+01:00')));
  });

  test('counts from the received time even outside business hours', () => {
    const due = cal.addCalendarDays(at('2026-11-24T22:00+01:00'), 1, { moveToWorkingDay: true });
    expect(iso(due)).toBe(iso(at('2026-11-25T22:00+01:00')));
  });
});

describe('Easter 2027 (Sunday 28 March)', () => {
  test('Goede Vrijdag (Fri 26 Mar) is a working day unless goodFridayOff', () => {
    const friday = at('2027-03-26T12:00+01:00');
    expect(cal.isWorkingDay(friday)).toBe(true);
    expect(calendar({ goodFridayOff: true }).isWorkingDay(friday)).toBe(false);
  });

  test('Tweede Paasdag (Mon 29 Mar) is never a working day', () => {
    expect(cal.isWorkingDay(at('2027-03-29T12:00+02:00'))).toBe(false);
    expect(cal.isWorkingDay(at('2027-03-30T12:00+02:00'))).toBe(true);
  });

  test('Thu 25 Mar + 1 working day: Fri 26 with Goede Vrijdag worked, Tue 30 (summer time) without', () => {
    const received = at('2027-03-25T10:00+01:00');
    expect(iso(cal.addWorkingDays(received, 1))).toBe(iso(at('2027-03-26T10:00+01:00')));
    expect(iso(calendar({ goodFridayOff: true }).addWorkingDays(received, 1))).toBe(iso(at('2027-03-30T10:00+02:00')));
  });
});

describe('Koningsdag', () => {
  test('Mon 27 Apr 2026 is closed: Fri 24 Apr + 1 → Tue 28 Apr', () => {
    expect(cal.isWorkingDay(at('2026-04-27T12:00+02:00'))).toBe(false);
    expect(iso(cal.addWorkingDays(at('2026-04-24T16:00+02:00'), 1))).toBe(iso(at('2026-04-28T16:00+02:00')));
  });

  test('in 2025 it fell on Sat 26 Apr (27 Apr was a Sunday), so no weekday was lost', () => {
    const days = cal.holidaysIn(2025).map((d) => d.date);
    expect(days).toContain('2025-04-26');
    expect(days).not.toContain('2025-04-27');
    expect(cal.isWorkingDay(at('2025-04-25T12:00+02:00'))).toBe(true);
    expect(cal.isWorkingDay(at('2025-04-28T12:00+02:00'))).toBe(true);
  });
});

describe('Hemelvaart and Pinksteren 2027', () => {
  test('Hemelvaartsdag Thu 6 May: Wed 5 May + 1 → Fri 7 May (5 May 2027 is no lustrum)', () => {
    expect(cal.isWorkingDay(at('2027-05-06T12:00+02:00'))).toBe(false);
    expect(iso(cal.addWorkingDays(at('2027-05-05T10:00+02:00'), 1))).toBe(iso(at('2027-05-07T10:00+02:00')));
  });

  test('Tweede Pinksterdag Mon 17 May: Fri 14 May + 1 → Tue 18 May', () => {
    expect(cal.isWorkingDay(at('2027-05-17T12:00+02:00'))).toBe(false);
    expect(iso(cal.addWorkingDays(at('2027-05-14T10:00+02:00'), 1))).toBe(iso(at('2027-05-18T10:00+02:00')));
  });
});

describe('Christmas 2026 (Fri 25 and Sat 26 Dec)', () => {
  test('Thu 24 Dec 16:00 + 2 working days → Tue 29 Dec 16:00', () => {
    expect(cal.isWorkingDay(at('2026-12-25T12:00+01:00'))).toBe(false);
    expect(iso(cal.addWorkingDays(at('2026-12-24T16:00+01:00'), 2))).toBe(iso(at('2026-12-29T16:00+01:00')));
  });

  test('with the office closed 28–31 Dec, the count resumes after Nieuwjaarsdag (Fri 1 Jan 2027)', () => {
    const closed = calendar({ extraClosedDays: ['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31'] });
    expect(closed.isWorkingDay(at('2026-12-29T12:00+01:00'))).toBe(false);
    expect(closed.isWorkingDay(at('2027-01-01T12:00+01:00'))).toBe(false);
    expect(iso(closed.addWorkingDays(at('2026-12-24T16:00+01:00'), 2))).toBe(iso(at('2027-01-05T16:00+01:00')));
    expect(iso(closed.nextBusinessStart(at('2026-12-24T18:00+01:00')))).toBe(iso(at('2027-01-04T08:30+01:00')));
    expect(closed.holidaysIn(2026).filter((d) => d.date >= '2026-12-24')).toEqual([
      { date: '2026-12-25', name: 'Kerstmis' },
      { date: '2026-12-26', name: 'Tweede kerstdag' },
      { date: '2026-12-28', name: 'Sluitingsdag' },
      { date: '2026-12-29', name: 'Sluitingsdag' },
      { date: '2026-12-30', name: 'Sluitingsdag' },
      { date: '2026-12-31', name: 'Sluitingsdag' },
    ]);
    expect(closed.holidaysIn(2027).map((d) => d.date)).not.toContain('2026-12-28');
  });
});

describe('Bevrijdingsdag (5 May): Mon 5 May 2025 is a lustrum year, Tue 5 May 2026 is not', () => {
  test.each([
    ['every-year', false, false],
    ['lustrum', false, true],
    ['never', true, true],
  ] as const)('%s: working 2025 = %s, working 2026 = %s', (liberationDay, working2025, working2026) => {
    const c = calendar({ liberationDay });
    expect(c.isWorkingDay(at('2025-05-05T12:00+02:00'))).toBe(working2025);
    expect(c.isWorkingDay(at('2026-05-05T12:00+02:00'))).toBe(working2026);
    expect(c.holidaysIn(2026).some((d) => d.name === 'Bevrijdingsdag')).toBe(!working2026);
  });
});

describe('holidaysIn', () => {
  test('2026: the public holidays plus Goede Vrijdag when off, sorted, weekend ones included', () => {
    expect(calendar({ goodFridayOff: true }).holidaysIn(2026)).toEqual([
      { date: '2026-01-01', name: 'Nieuwjaar' },
      { date: '2026-04-03', name: 'Goede Vrijdag' },
      { date: '2026-04-05', name: 'Pasen' },
      { date: '2026-04-06', name: 'Tweede paasdag' },
      { date: '2026-04-27', name: 'Koningsdag' },
      { date: '2026-05-14', name: 'Hemelvaartsdag' },
      { date: '2026-05-24', name: 'Pinksteren' },
      { date: '2026-05-25', name: 'Tweede pinksterdag' },
      { date: '2026-12-25', name: 'Kerstmis' },
      { date: '2026-12-26', name: 'Tweede kerstdag' },
    ]);
  });

  test('observances and Oudejaarsdag do not close the office', () => {
    const days = cal.holidaysIn(2026).map((d) => d.date);
    for (const open of ['2026-05-04', '2026-12-05', '2026-12-15', '2026-12-31']) expect(days).not.toContain(open);
    expect(cal.isWorkingDay(at('2026-12-31T12:00+01:00'))).toBe(true);
  });
});

describe('addBusinessHours', () => {
  test.each([
    ['within one day', '2026-11-24T09:00+01:00', 3, '2026-11-24T12:00+01:00'],
    ['ending exactly at closing stays on that day', '2026-11-24T16:30+01:00', 1, '2026-11-24T17:30+01:00'],
    ['across the weekend: 1.5 h on Fri, 2.5 h on Mon', '2026-11-27T16:00+01:00', 4, '2026-11-30T11:00+01:00'],
    ['from Saturday: starts at Mon opening', '2026-11-28T11:00+01:00', 1, '2026-11-30T09:30+01:00'],
    ['two 9-hour days: 7.5 h Tue, 9 h Wed, 1.5 h Thu', '2026-11-24T10:00+01:00', 18, '2026-11-26T10:00+01:00'],
    ['half an hour', '2026-11-24T17:15+01:00', 0.5, '2026-11-25T08:45+01:00'],
    ['over Christmas', '2026-12-24T17:00+01:00', 1, '2026-12-28T09:00+01:00'],
  ])('%s', (_name, received, hours, due) => {
    expect(iso(cal.addBusinessHours(at(received), hours))).toBe(iso(at(due)));
  });

  test('rejects negative or infinite hours', () => {
    expect(() => cal.addBusinessHours(at('2026-11-24T10:00+01:00'), -1)).toThrow(RangeError);
    expect(() => cal.addBusinessHours(at('2026-11-24T10:00+01:00'), Infinity)).toThrow(RangeError);
  });
});

describe('nextBusinessStart', () => {
  test.each([
    ['during hours: the instant itself', '2026-11-24T10:15:30+01:00', '2026-11-24T10:15:30+01:00'],
    ['at night: next morning', '2026-11-24T23:00+01:00', '2026-11-25T08:30+01:00'],
    ['early morning: that morning', '2026-11-25T03:00+01:00', '2026-11-25T08:30+01:00'],
    ['exactly at closing: next morning', '2026-11-24T17:30+01:00', '2026-11-25T08:30+01:00'],
    ['Friday evening: Monday', '2026-11-27T19:00+01:00', '2026-11-30T08:30+01:00'],
    ['Saturday: Monday', '2026-11-28T11:00+01:00', '2026-11-30T08:30+01:00'],
    ['Christmas Eve evening: Mon 28 Dec', '2026-12-24T18:00+01:00', '2026-12-28T08:30+01:00'],
  ])('%s', (_name, input, expected) => {
    expect(iso(cal.nextBusinessStart(at(input)))).toBe(iso(at(expected)));
  });

  test('follows custom business hours', () => {
    const c = calendar({ businessHours: { start: '09:00', end: '17:00' } });
    expect(iso(c.nextBusinessStart(at('2026-11-24T17:10+01:00')))).toBe(iso(at('2026-11-25T09:00+01:00')));
    expect(iso(c.nextBusinessStart(at('2026-11-24T08:45+01:00')))).toBe(iso(at('2026-11-24T09:00+01:00')));
  });
});

describe('isWorkingDay', () => {
  test('judges the date in the calendar zone, not UTC', () => {
    // Fri 27 Nov 23:30 UTC is already Saturday 00:30 in Amsterdam.
    const instant = at('2026-11-27T23:30:00Z');
    expect(cal.isWorkingDay(instant)).toBe(false);
    expect(calendar({ timezone: 'UTC' }).isWorkingDay(instant)).toBe(true);
  });

  test('accepts a luxon DateTime', () => {
    expect(cal.isWorkingDay(DateTime.fromISO('2026-12-25T10:00', { zone: 'Europe/Amsterdam' }))).toBe(false);
    expect(cal.isWorkingDay(DateTime.fromISO('2026-12-24T10:00', { zone: 'Europe/Amsterdam' }))).toBe(true);
  });
});

describe('invalid options', () => {
  test.each([
    ['opening not HH:mm', { businessHours: { start: '8:30', end: '17:30' } }, /businessHours\.start/],
    ['closing hour 24', { businessHours: { start: '08:30', end: '24:00' } }, /businessHours\.end/],
    ['closing equal to opening', { businessHours: { start: '08:30', end: '08:30' } }, /must be after start/],
    ['closing before opening', { businessHours: { start: '17:30', end: '08:30' } }, /must be after start/],
    ['extra day not YYYY-MM-DD', { extraClosedDays: ['28-12-2026'] }, /28-12-2026/],
    ['impossible extra day', { extraClosedDays: ['2026-02-30'] }, /2026-02-30/],
    ['unknown zone', { timezone: 'Mars/Olympus' }, /timezone/],
    ['unknown Bevrijdingsdag policy', { liberationDay: 'sometimes' as 'never' }, /liberationDay/],
  ])('%s', (_name, over, message) => {
    expect(() => calendar(over)).toThrow(RangeError);
    expect(() => calendar(over)).toThrow(message);
  });

  test('lists every problem at once', () => {
    expect(() => calendar({ businessHours: { start: 'x', end: 'y' }, extraClosedDays: ['z'] })).toThrow(
      /businessHours\.start.*businessHours\.end.*extraClosedDays/,
    );
  });
});
