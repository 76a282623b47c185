/**
 * Helpers available to every mail template. They are registered on an isolated Handlebars
 * environment, never on the global one, so nothing else in the process can add or replace them.
 *
 * Dates are rendered in the configured timezone and in the locale of the mail being rendered; the
 * renderer passes that locale in the data frame (`@locale`), because helpers are shared by both
 * languages.
 */
import type Handlebars from 'handlebars';
import type { HelperDelegate, HelperOptions } from 'handlebars';
import { DateTime } from 'luxon';

import { KlachtenbusError } from '../../errors.js';

/** The languages a mail can be rendered in. */
export type Locale = 'nl' | 'en';

/** Name of the data-frame variable (`@locale`) the renderer sets. */
export const LOCALE_DATA_KEY = 'locale';

/** Our helpers, with the exact number of arguments each takes (checked when templates load). */
export const CUSTOM_HELPER_ARITY: Readonly<Record<string, number>> = {
  longDate: 1,
  dateTime: 1,
  eq: 2,
  complainantType: 1,
};

const DATE_FORMAT: Record<Locale, string> = { nl: 'cccc d LLLL yyyy', en: 'cccc d LLLL yyyy' };
// The literal word between date and time is quoted so luxon does not read its letters as tokens.
const DATE_TIME_FORMAT: Record<Locale, string> = {
  nl: "cccc d LLLL yyyy 'om' HH:mm",
  en: "cccc d LLLL yyyy 'at' HH:mm",
};

const COMPLAINANT_TYPES: Record<Locale, Record<string, string>> = {
  nl: { client: 'opdrachtgever', 'temp-worker': 'uitzendkracht', other: 'anders', unknown: 'onbekend' },
  en: { client: 'client', 'temp-worker': 'temp worker', other: 'other', unknown: 'unknown' },
};

function localeOf(options: HelperOptions | undefined): Locale {
  const value: unknown = (options?.data as Record<string, unknown> | undefined)?.[LOCALE_DATA_KEY];
  return value === 'en' ? 'en' : 'nl';
}

// A missing or malformed date is a bug in the caller's data. Rendering "uiterlijk ." in a mail to
// a customer is worse than failing the send job, which is retried and logged.
function toDateTime(value: unknown, helper: string, timezone: string): DateTime {
  const parsed =
    value instanceof Date
      ? DateTime.fromJSDate(value)
      : typeof value === 'string'
        ? DateTime.fromISO(value, { setZone: true })
        : null;
  if (!parsed?.isValid) {
    throw new KlachtenbusError('INPUT_INVALID', `template helper ${helper}: not a date: ${JSON.stringify(value)}`);
  }
  return parsed.setZone(timezone);
}

/**
 * Registers `longDate`, `dateTime`, `eq` and `complainantType` on `env`.
 *
 * - `{{longDate iso}}` → nl `donderdag 26 november 2026`, en `Thursday 26 November 2026`
 * - `{{dateTime iso}}` → nl `donderdag 26 november 2026 om 10:00`, en `Thursday 26 November 2026 at 10:00`
 * - `{{#if (eq a b)}}` → strict equality
 * - `{{complainantType type}}` → nl `opdrachtgever` / `uitzendkracht` / `anders` / `onbekend`,
 *   en `client` / `temp worker` / `other` / `unknown` (anything unexpected reads as unknown)
 *
 * Throws KlachtenbusError `INPUT_INVALID` at render time for a date that is not an ISO string or Date.
 */
export function registerHelpers(env: typeof Handlebars, timezone: string): void {
  const helpers: Record<string, HelperDelegate> = {
    longDate: (iso: unknown, options?: HelperOptions) => {
      const locale = localeOf(options);
      return toDateTime(iso, 'longDate', timezone).setLocale(locale).toFormat(DATE_FORMAT[locale]);
    },
    dateTime: (iso: unknown, options?: HelperOptions) => {
      const locale = localeOf(options);
      return toDateTime(iso, 'dateTime', timezone).setLocale(locale).toFormat(DATE_TIME_FORMAT[locale]);
    },
    eq: (a: unknown, b: unknown) => a === b,
    complainantType: (type: unknown, options?: HelperOptions) => {
      const words = COMPLAINANT_TYPES[localeOf(options)];
      return (typeof type === 'string' ? words[type] : undefined) ?? words.unknown;
    },
  };
  for (const [name, fn] of Object.entries(helpers)) env.registerHelper(name, fn);
}

/** Whether `timezone` is an IANA zone luxon knows (e.g. `Europe/Amsterdam`). */
export function isValidTimezone(timezone: string): boolean {
  return DateTime.now().setZone(timezone).isValid;
}
