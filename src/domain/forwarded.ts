/**
 * Finding who really complained when an employee forwards a complaint to the complaints address:
 * the original sender's name and address in the first forwarded-message block of the text.
 * Pure: text in, address out.
 *
 * Layouts recognised (English, Dutch, German, French labels):
 * - Gmail:       `---------- Forwarded message ---------` / `Doorgestuurd bericht`, From/Van
 *                first;
 * - Outlook:     `-----Original Message-----` / `-----Oorspronkelijk bericht-----`, or a line of
 *                underscores, then `Van:` / `Verzonden:` / `Aan:` / `Onderwerp:`;
 * - Apple Mail:  `Begin forwarded message:` / `Begin doorgestuurd bericht:`, a blank line,
 *                then the headers;
 * - Thunderbird: `-------- Forwarded Message --------`, Subject and Date before From;
 * - any bare block of two or more such header lines when the subject says it is a forward.
 */
import type { Address } from './types.js';

/** The original sender of a forwarded complaint, and its subject when the block names one. */
export interface ForwardedOriginal {
  from: Address;
  subject: string | null;
}

// Bracketed tags such as `[EXTERNAL]` that gateways put in front of the subject.
const TAGS = String.raw`^\s*(?:\[[^\]]*\]\s*)*`;
const FORWARD_SUBJECT = new RegExp(`${TAGS}(?:(?:re|antw|aw|sv)\\s*:\\s*)*(?:fwd?|doorst|tr|wg|wtr)\\s*:`, 'i');
const REPLY_SUBJECT = new RegExp(`${TAGS}(?:re|antw|aw|sv)\\s*:`, 'i');

// Separators that only a forward produces.
const FORWARD_MARKER =
  /^(?:-{2,}\s*(?:forwarded message|doorgestuurd bericht|weitergeleitete nachricht|message transf[ée]r[ée])\s*-{2,}|begin (?:forwarded message|doorgestuurd bericht)\s*:)$/i;
// Separators Outlook writes for replies as well as forwards.
const GENERIC_MARKER =
  /^(?:-{2,}\s*(?:original message|oorspronkelijk bericht|urspr[üu]ngliche nachricht|message d'origine)\s*-{2,}|_{10,})$/i;

const HEADER_LINE = /^\*?([\p{L}][\p{L} ]{0,18}?)\*?\s*:\s*(.*)$/u;
const FROM_KEYS = new Set(['from', 'van', 'von', 'de']);
const SUBJECT_KEYS = new Set(['subject', 'onderwerp', 'betreff', 'objet']);
const OTHER_KEYS = new Set([
  'sent',
  'verzonden',
  'date',
  'datum',
  'gesendet',
  'envoyé',
  'to',
  'aan',
  'an',
  'à',
  'cc',
  'bcc',
]);

const EMAIL = /[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/i;

function headerKey(line: string): string | null {
  const match = HEADER_LINE.exec(line);
  const key = match?.[1]?.trim().toLowerCase();
  if (key === undefined) return null;
  return FROM_KEYS.has(key) || SUBJECT_KEYS.has(key) || OTHER_KEYS.has(key) ? key : null;
}

function headerValue(line: string): string {
  return HEADER_LINE.exec(line)?.[2]?.trim() ?? '';
}

/** Index of the first header line of the first forwarded block, or -1. */
function blockStart(lines: string[], subjectSaysForward: boolean): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (FORWARD_MARKER.test(line) || GENERIC_MARKER.test(line)) return i + 1;
    // Without a separator, insist on two header lines in a row, one of them From/Van.
    const key = headerKey(line);
    const next = headerKey(lines[i + 1] ?? '');
    if (subjectSaysForward && key !== null && next !== null && (FROM_KEYS.has(key) || FROM_KEYS.has(next))) return i;
  }
  return -1;
}

/** `Petra de Vries <p@x>`, `"Vries, Petra de" [mailto:p@x]`, `*Petra* <p@x>`, `p@x` → Address. */
function parseSender(value: string): Address | null {
  const email = EMAIL.exec(value)?.[0];
  if (email === undefined) return null;
  const name = value
    .replace(/\[mailto:[^\]]*\]/gi, ' ')
    .replace(/<[^>]*>|\([^)]*\)/g, ' ')
    .replace(EMAIL, ' ')
    .replace(/["'*<>[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { name: name.includes('@') ? '' : name, address: email.toLowerCase() };
}

/**
 * The original sender of a forwarded mail, from the first forwarded block in its text; null when
 * the mail is not a forward or no address can be found there.
 *
 * A mail whose subject marks it as a reply (`Re:`/`Antw:` without `Fwd:`) is never a forward:
 * Outlook writes the same `Van:`/`Verzonden:` block for quoted replies, and the person in it is
 * whoever was answered (often ourselves), not a complainant.
 */
export function findForwardedOriginal(mail: { subject: string; text: string }): ForwardedOriginal | null {
  const subjectSaysForward = FORWARD_SUBJECT.test(mail.subject);
  if (!subjectSaysForward && REPLY_SUBJECT.test(mail.subject)) return null;
  // Some clients quote forwarded text with `>`; the block reads the same without the markers.
  const lines = mail.text.split(/\r\n|\r|\n/).map((line) => line.replace(/^(?:\s*>)+/, '').trim());
  let i = blockStart(lines, subjectSaysForward);
  if (i === -1) return null;
  while (i < lines.length && lines[i] === '') i++;

  let from: Address | null = null;
  let subject: string | null = null;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const key = headerKey(line);
    if (key === null) break;
    if (FROM_KEYS.has(key) && from === null) {
      let value = headerValue(line);
      // A wrapped From line (`Van: Petra de Vries` / `<p.devries@…>`) continues on the next.
      const following = lines[i + 1] ?? '';
      if (!EMAIL.test(value) && following !== '' && headerKey(following) === null) {
        value += ` ${following}`;
        i++;
      }
      from = parseSender(value);
    } else if (SUBJECT_KEYS.has(key) && subject === null) {
      subject = headerValue(line) || null;
    }
  }
  return from === null ? null : { from, subject };
}
