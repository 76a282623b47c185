/**
 * The short description stored on a case and shown in lists and notices: the subject plus the
 * first lines the complainant actually wrote. Pure.
 */

// Where the complainant's own words end and quoted history begins: "Op ma 17 nov 2025 om 09:12
// schreef Petra <p@x>:", "On … wrote:", Apple's "… heeft … het volgende geschreven:". It must
// name an address or a time, so a complainant's own "Op 3 november schreef ik u al:" rarely
// ends it.
const REPLY_HEADER_START = /^(op|on|am|le|el)\s/i;
const REPLY_HEADER_END = /(schreef|geschreven|wrote|schrieb|a écrit|escribió)\b[^:]{0,80}:$/i;
const REPLY_HEADER_EVIDENCE = /@|\d{1,2}[:.]\d{2}/;
const SIGNATURE = /^--\s*$/;
const REPLY_SEPARATOR =
  /^(-{2,}\s*(original message|oorspronkelijk bericht|urspr[üu]ngliche nachricht)\s*-{2,}|_{10,})$/i;
// Forward separators and the header lines under them: skipped, because in a forwarded complaint
// the complaint itself comes after them.
const FORWARD_SEPARATOR =
  /^(-{2,}\s*(forwarded message|doorgestuurd bericht|weitergeleitete nachricht)\s*-{2,}|begin (forwarded message|doorgestuurd bericht)\s*:)$/i;
const FORWARD_HEADER = /^\*?(from|van|von|sent|verzonden|date|datum|to|aan|cc|subject|onderwerp)\*?\s*:/i;
// A line that is only a salutation ("Geachte heer/mevrouw,", "Beste,", "Hallo Jan") says nothing.
const GREETING_WORDS = '(geachte|beste|hallo|hoi|dag|goedemorgen|goedemiddag|goedenavond|dear|hello|hi)';
const GREETING = new RegExp(`^${GREETING_WORDS}\\b([^.?!,]{0,40},|( [^\\s.?!,]+){0,3})$`, 'i');
// A closing starts the signature block even without the `-- ` delimiter.
const CLOSING =
  /^(met )?(vriendelijke|hartelijke|beste) groet(en)?\b.{0,20}$|^(mvg|groeten|groet|(kind |best )?regards)\b.{0,20}$/i;
// A line that is only a link, as HTML-to-text renders a tracking pixel or a logo: `[http://…]`.
const LINK_ONLY = /^\[?(https?|mailto|cid):[^\s\]]*\]?$/i;
const FORWARD_SUBJECT = /^\s*(fwd?|doorst|wg|tr)\s*:/i;

/** Whether line `i` opens a quoted reply ("Op … schreef …:"), possibly wrapped over two lines. */
function isReplyHeader(lines: string[], i: number): boolean {
  const line = (lines[i] ?? '').trim();
  if (!REPLY_HEADER_START.test(line)) return false;
  const joined = `${line} ${(lines[i + 1] ?? '').trim()}`;
  return [line, joined].some((l) => l.length < 200 && REPLY_HEADER_END.test(l) && REPLY_HEADER_EVIDENCE.test(l));
}

/**
 * The meaningful body lines. Skipped: quoted (`>`) lines, greeting-only and link-only lines,
 * forward separators with the header lines under them. Reading stops at a signature (`-- `, or a
 * closing such as "Met vriendelijke groet") and at quoted history: a reply header ("Op …
 * schreef …:", "On … wrote:") or Outlook's "Oorspronkelijk bericht" separator — unless nothing
 * has been read yet (a bottom-posted reply), in which case the history is passed over and
 * reading goes on.
 *
 * In a forward the complaint is the forwarded text, so there a signature only pauses reading
 * until the next separator, and separators never stop it.
 */
function meaningfulLines(text: string, isForward: boolean): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let state: 'reading' | 'headers' | 'signature' = 'reading';
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const history = isReplyHeader(lines, i) || REPLY_SEPARATOR.test(line);
    if (history || FORWARD_SEPARATOR.test(line)) {
      if (history && out.length > 0 && !isForward) break;
      state = 'headers';
      continue;
    }
    if (state === 'signature') continue;
    if (SIGNATURE.test(lines[i] ?? '') || CLOSING.test(line)) {
      if (!isForward) break;
      state = 'signature';
      continue;
    }
    if (state === 'headers' && (FORWARD_HEADER.test(line) || line === '')) continue;
    state = 'reading';
    if (line === '' || line.startsWith('>') || GREETING.test(line) || LINK_ONLY.test(line)) continue;
    out.push(line);
  }
  return out;
}

/** Cuts at the last word boundary that fits, with `…`; a single overlong word is cut hard. */
function truncate(s: string, maxChars: number): string {
  if (s.length <= maxChars) return s;
  if (maxChars <= 1) return '…'.slice(0, maxChars);
  const room = s.slice(0, maxChars - 1);
  const space = room.lastIndexOf(' ');
  const cut = space > 0 ? room.slice(0, space) : room;
  return `${cut.replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * `Subject — first meaningful body lines`, whitespace collapsed, at most `maxChars` characters
 * (truncated at a word boundary with `…`). Either part may be missing; an empty mail gives ''.
 */
export function shortDescription(subject: string, text: string, maxChars = 500): string {
  const head = subject.replace(/\s+/g, ' ').trim();
  // Enough lines to fill the description; the rest of a 1 MB body is never looked at twice.
  const body = meaningfulLines(text.slice(0, maxChars * 20), FORWARD_SUBJECT.test(subject))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
  const full = head !== '' && body !== '' ? `${head} — ${body}` : head || body;
  return truncate(full, maxChars);
}
