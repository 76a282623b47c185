/**
 * The working-day calendar (werkdagenkalender) that deadlines are counted on: Monday to Friday
 * minus Dutch public holidays, the policy days and the organisation's own closing days, with
 * business hours. All arithmetic is in wall-clock time of one zone (Europe/Amsterdam unless
 * told), so "10:00 two working days later" stays 10:00 across a change of summer time. Pure:
 * every instant is a parameter.
 */
import { DateTime, IANAZone } from 'luxon';
import { dutchHolidays, type ClosedDay, type LiberationDayPolicy } from './dutchHolidays.js';

export type { ClosedDay, LiberationDayPolicy } from './dutchHolidays.js';

/** How to build a calendar; normally straight from the config. */
export interface WorkingCalendarOptions {
  /** IANA zone the office lives in. Default `Europe/Amsterdam`. */
  timezone?: string;
  /** Whether Goede Vrijdag is a day off (not by law; depends on the cao). */
  goodFridayOff: boolean;
  liberationDay: LiberationDayPolicy;
  /** The organisation's own closing days, e.g. between Christmas and New Year, as `YYYY-MM-DD`. */
  extraClosedDays: string[];
  /** Opening and closing time as `HH:mm`; a time equal to `end` is already after hours. */
  businessHours: { start: string; end: string };
}

/** Working-day arithmetic. Every `Date` in and out is an instant; days are judged in the calendar's zone. */
export interface WorkingCalendar {
  /** The calendar's zone, e.g. `Europe/Amsterdam`. */
  readonly timezone: string;
  /** Whether the local date of this instant (in the calendar's zone) is a working day. */
  isWorkingDay(date: DateTime | Date): boolean;
  /** The closed days of `year` (holidays, policy days, extra closing days) with names, sorted. */
  holidaysIn(year: number): ClosedDay[];
  /**
   * Due time for "within n working days": same clock time n working days after the mail was
   * received, counting from the next business period when it arrived outside business hours.
   */
  addWorkingDays(received: Date, n: number): Date;
  /** Same clock time n calendar days later; optionally moved on to the next working day. */
  addCalendarDays(received: Date, n: number, opts: { moveToWorkingDay: boolean }): Date;
  /** The instant after `hours` of business time (only time within business hours on working days). */
  addBusinessHours(received: Date, hours: number): Date;
  /** `at` itself when within business hours on a working day, else the next opening time. */
  nextBusinessStart(at: Date): Date;
}

const DEFAULT_TIMEZONE = 'Europe/Amsterdam';
const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const EXTRA_CLOSED_DAY_NAME = 'Sluitingsdag';

interface ClockTime {
  hour: number;
  minute: number;
}

/**
 * Builds a calendar. Throws a RangeError listing every problem at once for a bad zone, a time
 * that is not `HH:mm`, closing not after opening, a malformed or impossible extra date, or an
 * unknown Bevrijdingsdag policy.
 */
export function createWorkingCalendar(opts: WorkingCalendarOptions): WorkingCalendar {
  const { zone, start, end } = checkOptions(opts);

  const policy = { goodFridayOff: opts.goodFridayOff, liberationDay: opts.liberationDay };
  const extra = new Set(opts.extraClosedDays);
  // Closed days per year, built on first use: date → name. Deterministic, so caching keeps it pure.
  const byYear = new Map<number, Map<string, string>>();

  function closedDays(year: number): Map<string, string> {
    let days = byYear.get(year);
    if (!days) {
      days = new Map(dutchHolidays(year, policy).map((d) => [d.date, d.name]));
      for (const d of extra) if (d.startsWith(`${year}-`) && !days.has(d)) days.set(d, EXTRA_CLOSED_DAY_NAME);
      byYear.set(year, days);
    }
    return days;
  }

  function local(at: DateTime | Date): DateTime {
    const dt = at instanceof Date ? DateTime.fromJSDate(at) : at;
    if (!dt.isValid) throw new RangeError('working calendar: invalid date');
    return dt.setZone(zone);
  }

  function isWorking(dt: DateTime): boolean {
    return dt.weekday <= 5 && !closedDays(dt.year).has(dt.toISODate() ?? '');
  }

  // Wall-clock time on the same local date: 10:00 stays 10:00 whatever the UTC offset that day.
  function atClock(day: DateTime, t: ClockTime): DateTime {
    return day.set({ hour: t.hour, minute: t.minute, second: 0, millisecond: 0 });
  }

  // Terminates: every week has weekdays, and only finitely many of them are closed.
  function nextWorkingDay(day: DateTime): DateTime {
    let d = day.startOf('day').plus({ days: 1 });
    while (!isWorking(d)) d = d.plus({ days: 1 });
    return d;
  }

  function businessStart(dt: DateTime): DateTime {
    if (isWorking(dt)) {
      if (dt < atClock(dt, start)) return atClock(dt, start);
      if (dt < atClock(dt, end)) return dt;
    }
    return atClock(nextWorkingDay(dt), start);
  }

  return {
    timezone: zone,

    isWorkingDay: (date) => isWorking(local(date)),

    holidaysIn(year) {
      if (!Number.isInteger(year)) throw new RangeError(`working calendar: invalid year ${year}`);
      return [...closedDays(year)].map(([date, name]) => ({ date, name })).sort((a, b) => a.date.localeCompare(b.date));
    },

    addWorkingDays(received, n) {
      requireCount('working days', n);
      const from = businessStart(local(received));
      let day = from;
      for (let i = 0; i < n; i++) day = nextWorkingDay(day);
      return day
        .set({ hour: from.hour, minute: from.minute, second: from.second, millisecond: from.millisecond })
        .toJSDate();
    },

    addCalendarDays(received, n, { moveToWorkingDay }) {
      requireCount('calendar days', n);
      // luxon adds days in wall-clock time: across a DST change the result is 23 or 25 hours per day.
      let due = local(received).plus({ days: n });
      if (moveToWorkingDay && !isWorking(due)) {
        due = nextWorkingDay(due).set({
          hour: due.hour,
          minute: due.minute,
          second: due.second,
          millisecond: due.millisecond,
        });
      }
      return due.toJSDate();
    },

    addBusinessHours(received, hours) {
      if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`working calendar: invalid hours ${hours}`);
      let remaining = Math.round(hours * 3_600_000);
      let cursor = businessStart(local(received));
      // Each step consumes the rest of one business period, in elapsed time. In European zones a
      // period never contains a DST change (those happen on Sunday night), so that equals clock time.
      for (;;) {
        const available = atClock(cursor, end).toMillis() - cursor.toMillis();
        // `<=`: a total that ends exactly at closing time is due at closing, not next morning.
        if (remaining <= available) return cursor.plus({ milliseconds: remaining }).toJSDate();
        remaining -= available;
        cursor = atClock(nextWorkingDay(cursor), start);
      }
    },

    nextBusinessStart: (at) => businessStart(local(at)).toJSDate(),
  };
}

interface CheckedOptions {
  zone: string;
  start: ClockTime;
  end: ClockTime;
}

function checkOptions(opts: WorkingCalendarOptions): CheckedOptions {
  const problems: string[] = [];
  const zone = opts.timezone ?? DEFAULT_TIMEZONE;
  if (!IANAZone.isValidZone(zone)) problems.push(`unknown timezone ${JSON.stringify(zone)}`);
  const start = parseClock('businessHours.start', opts.businessHours.start, problems);
  const end = parseClock('businessHours.end', opts.businessHours.end, problems);
  if (start && end && minutes(end) <= minutes(start)) {
    problems.push(`businessHours.end ${opts.businessHours.end} must be after start ${opts.businessHours.start}`);
  }
  if (!['every-year', 'lustrum', 'never'].includes(opts.liberationDay)) {
    problems.push(`liberationDay must be every-year, lustrum or never, not ${JSON.stringify(opts.liberationDay)}`);
  }
  for (const day of opts.extraClosedDays) {
    // The regex rejects other ISO spellings (20261231, 2026-W53); luxon rejects 2026-02-30.
    if (!ISO_DATE.test(day) || !DateTime.fromISO(day).isValid) {
      problems.push(`extraClosedDays: ${JSON.stringify(day)} is not a date YYYY-MM-DD`);
    }
  }
  if (problems.length > 0 || !start || !end) {
    throw new RangeError(`invalid working calendar options: ${problems.join('; ')}`);
  }
  return { zone, start, end };
}

function parseClock(field: string, value: string, problems: string[]): ClockTime | null {
  const match = HH_MM.exec(value);
  if (!match) {
    problems.push(`${field} must be HH:mm, not ${JSON.stringify(value)}`);
    return null;
  }
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

function minutes(t: ClockTime): number {
  return t.hour * 60 + t.minute;
}

function requireCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new RangeError(`working calendar: ${what} must be a whole number >= 0, not ${n}`);
}
