/**
 * The Dutch days off (feestdagen) that close the office, per year. Dates and names come from
 * `date-holidays` (data only: no I/O, no clock); the choices the law leaves to the employer or
 * the cao — Goede Vrijdag and Bevrijdingsdag — are taken as a policy. Pure.
 */
import Holidays from 'date-holidays';

/** A day the office is closed, with a name to show. */
export interface ClosedDay {
  /** Local date `YYYY-MM-DD`. */
  date: string;
  name: string;
}

/** Whether Bevrijdingsdag (5 May) is a day off: every year, only in lustrum years (year % 5 === 0), or never. */
export type LiberationDayPolicy = 'every-year' | 'lustrum' | 'never';

/** The days off that are not fixed by law, so each organisation decides. */
export interface DutchHolidayPolicy {
  goodFridayOff: boolean;
  liberationDay: LiberationDayPolicy;
}

// date-holidays types only the generally recognised days as `public` (Nieuwjaar, Pasen, Tweede
// paasdag, Koningsdag, Hemelvaartsdag, Pinksteren, Tweede pinksterdag, Kerstmis, Tweede kerstdag).
// Goede Vrijdag and Bevrijdingsdag are typed `school`, and Oudejaarsavond `bank`: we never take
// the non-public types wholesale, only the two policy days by their rule.
const GOOD_FRIDAY_RULE = 'easter -2';

// One instance for the module: it is only read, never configured after construction.
const nl = new Holidays('NL');

/**
 * The closed days of `year` by Dutch law plus the policy days, sorted by date. Weekend holidays
 * (Pasen, Pinksteren, Koningsdag on Saturday 26 April when 27 April is a Sunday) are included:
 * they change nothing for working days, but they are shown.
 */
export function dutchHolidays(year: number, policy: DutchHolidayPolicy): ClosedDay[] {
  const days: ClosedDay[] = [];
  for (const h of nl.getHolidays(year, 'nl')) {
    // `date` is the local date ('2026-04-27 00:00:00'), independent of the process time zone.
    const date = h.date.slice(0, 10);
    if (h.type === 'public') days.push({ date, name: h.name });
    else if (h.rule === GOOD_FRIDAY_RULE && policy.goodFridayOff) days.push({ date, name: h.name });
  }
  if (liberationDayOff(year, policy.liberationDay)) {
    days.push({ date: `${String(year).padStart(4, '0')}-05-05`, name: 'Bevrijdingsdag' });
  }
  return days.sort((a, b) => a.date.localeCompare(b.date));
}

// The government makes 5 May a national day off once every five years (2025, 2030, …); many
// cao's follow that, others give it every year.
function liberationDayOff(year: number, policy: LiberationDayPolicy): boolean {
  switch (policy) {
    case 'every-year':
      return true;
    case 'lustrum':
      return year % 5 === 0;
    case 'never':
      return false;
  }
}
