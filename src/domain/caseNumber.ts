/**
 * Case numbers (`KL-2026-0001`): prefix, year, and a sequence that restarts every year. The
 * sequence has at least four digits and simply grows past 9999 (`KL-2026-10000`), so numbers stay
 * unique without a format change. Pure.
 */

/** The parts of a case number. */
export interface CaseNumberParts {
  prefix: string;
  year: number;
  seq: number;
}

const PREFIX = /^[A-Z][A-Z0-9]*$/;

/**
 * `formatCaseNumber('KL', 2026, 1)` → `KL-2026-0001`. Throws RangeError on a prefix that is not
 * upper-case letters/digits, a year outside 1000–9999 or a sequence below 1: those are
 * programming or configuration errors, and a malformed number must never reach a customer.
 */
export function formatCaseNumber(prefix: string, year: number, seq: number): string {
  if (!PREFIX.test(prefix)) throw new RangeError(`invalid case number prefix: ${JSON.stringify(prefix)}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new RangeError(`invalid case year: ${year}`);
  if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`invalid case sequence: ${seq}`);
  return `${prefix}-${year}-${String(seq).padStart(4, '0')}`;
}

// Canonical form only: four digits, or more without a leading zero, so every case has exactly
// one spelling (`KL-2026-00001` is not a second name for `KL-2026-0001`).
const NUMBER = String.raw`([A-Za-z][A-Za-z0-9]*)-(\d{4})-(\d{4}|[1-9]\d{4,})`;

/**
 * Parses `KL-2026-0001` (surrounding whitespace allowed, prefix in any case, returned upper-case)
 * into its parts; null for anything else, including sequence 0000.
 */
export function parseCaseNumber(s: string): CaseNumberParts | null {
  const match = new RegExp(`^${NUMBER}$`).exec(s.trim());
  if (!match?.[1] || !match[2] || !match[3]) return null;
  const seq = Number(match[3]);
  if (seq < 1 || !Number.isSafeInteger(seq)) return null;
  return { prefix: match[1].toUpperCase(), year: Number(match[2]), seq };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Reply and forward prefixes mail clients put in front of a subject, in the languages we meet.
const PREFIXES = String.raw`(?:re|antw|aw|sv|fwd?|doorst|wg|tr)\s*:\s*`;

/**
 * The case number tagged in a subject, canonical (`KL-2026-0001`), or null.
 *
 * Accepted: a bracketed tag anywhere (`Re: [KL-2026-0001] Ontvangstbevestiging`, also behind a
 * gateway tag like `[EXTERN]`), and a bare number directly after one or more reply prefixes
 * (`Re: KL-2026-0001 …`), which is what a person retyping the subject writes. Not accepted: a bare
 * number elsewhere (`factuur KL-2026-0001 van leverancier`): joining a mail to the wrong case
 * hides a new complaint inside an old one, while missing a tag only opens a second case that a
 * handler can link, so we err towards missing. The first tag wins: `tagSubject` puts the newest
 * tag in front.
 */
export function findCaseNumberInSubject(subject: string, prefix: string): string | null {
  const p = escapeRegExp(prefix);
  const tagged = new RegExp(String.raw`\[\s*(${p}-\d{4}-\d{4,})\s*\]`, 'i').exec(subject)?.[1];
  const bare = new RegExp(String.raw`^\s*(?:${PREFIXES})+(${p}-\d{4}-\d{4,})(?![\w-])`, 'i').exec(subject)?.[1];
  for (const candidate of [tagged, bare]) {
    const parts = candidate === undefined ? null : parseCaseNumber(candidate);
    if (parts && parts.prefix === prefix.toUpperCase()) return formatCaseNumber(parts.prefix, parts.year, parts.seq);
  }
  return null;
}

/**
 * `[KL-2026-0001] original subject`. A subject already carrying this tag is returned unchanged, so
 * replies do not pile up tags; a different tag stays, behind ours.
 */
export function tagSubject(number: string, subject: string): string {
  const tag = `[${number}]`;
  if (subject.toLowerCase().includes(tag.toLowerCase())) return subject;
  const rest = subject.trim();
  return rest === '' ? tag : `${tag} ${rest}`;
}
