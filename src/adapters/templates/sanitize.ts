/**
 * Cleans the data a template receives before it is inserted into a mail part that is not HTML.
 * Handlebars' escaping only protects HTML; the subject ends up in a mail header, where a CR or LF
 * in a customer's subject line ("…\r\nBcc: x@evil.test") would start a header of its own, and the
 * plain-text body is read in terminals and mail clients where other control characters do harm.
 * Pure.
 */

// C0 controls, DEL and C1 controls; also the Unicode line and paragraph separators, which some
// clients display as line breaks.
const ALL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
// The same except TAB and LF, which plain text may keep.
const CONTROLS_EXCEPT_TAB_LF = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** How strings in the data are cleaned. */
export type CleanMode = 'single-line' | 'multi-line';

function cleanString(s: string, mode: CleanMode): string {
  // Each run of control characters becomes one space, so "a\r\nb" reads "a b", not "ab".
  if (mode === 'single-line') return s.replace(ALL_CONTROLS, ' ');
  return s.replace(/\r\n?|[\u2028\u2029]/g, '\n').replace(CONTROLS_EXCEPT_TAB_LF, '');
}

/**
 * A deep copy of `value` with every string cleaned: `single-line` turns each run of control
 * characters (CR and LF included) into one space, `multi-line` normalises line breaks to LF and
 * drops the other control characters. Plain objects and arrays are copied; other values (numbers,
 * Dates, null) are kept as they are. A cycle (not expected in template data) is cut: the repeated
 * object becomes undefined.
 */
export function cleanData<T>(value: T, mode: CleanMode, seen: WeakSet<object> = new WeakSet()): T {
  if (typeof value === 'string') return cleanString(value, mode) as T;
  if (!value || typeof value !== 'object') return value;
  if (seen.has(value)) return undefined as T;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  // `seen` holds the ancestors only, so an object that is merely shared (not cyclic) is copied twice.
  seen.add(value);
  let copy: unknown;
  if (Array.isArray(value)) copy = value.map((item: unknown) => cleanData(item, mode, seen));
  else {
    const record: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) record[key] = cleanData(item, mode, seen);
    copy = record;
  }
  seen.delete(value);
  return copy as T;
}

/** Collapses a rendered subject to one line: whitespace runs become one space, ends trimmed. */
export function collapseToOneLine(s: string): string {
  return s.replace(ALL_CONTROLS, ' ').replace(/\s+/g, ' ').trim();
}
