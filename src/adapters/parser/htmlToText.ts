/**
 * A small, linear-time HTML-to-text fallback. mailparser converts HTML only when it is the main
 * body; an HTML part inside multipart/related without a text sibling (e.g. an MHTML page) gets no
 * text at all, and a failed conversion makes mailparser reject the whole mail. Every step below is
 * a single regex pass with no nested quantifiers, so input size bounds the work.
 */

// Latin-1 letters and the punctuation mail clients actually emit; other named entities stay as
// written, which is readable enough for a case description.
const NAMED: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  euro: '€',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  laquo: '«',
  raquo: '»',
  deg: '°',
  sect: '§',
  szlig: 'ß',
};
const ACCENTS: Record<string, string> = {
  acute: '\u0301',
  grave: '\u0300',
  uml: '\u0308',
  circ: '\u0302',
  tilde: '\u0303',
  cedil: '\u0327',
  ring: '\u030a',
};

function decodeEntity(entity: string, body: string): string {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  }
  const named = NAMED[body];
  if (named !== undefined) return named;
  // `eacute`, `euml`, `Ccedil` …: base letter plus combining mark, then composed.
  const accent = /^([a-zA-Z])(acute|grave|uml|circ|tilde|cedil|ring)$/.exec(body);
  if (accent?.[1] !== undefined && accent[2] !== undefined) {
    return (accent[1] + (ACCENTS[accent[2]] ?? '')).normalize('NFC');
  }
  return entity;
}

/** Decodes the HTML character references common in mail. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});/g, decodeEntity);
}

/**
 * Removes every span from an `open` match up to and including the next `close` match. An unclosed
 * span runs to the end, as in browsers; both searches only move forward, so the pass stays linear
 * even when thousands of spans are left open. Both patterns must have the `g` flag.
 */
function removeSpans(html: string, open: RegExp, close: RegExp): string {
  const out: string[] = [];
  let pos = 0;
  open.lastIndex = 0;
  for (let match = open.exec(html); match !== null; match = open.exec(html)) {
    out.push(html.slice(pos, match.index));
    close.lastIndex = open.lastIndex;
    const end = close.exec(html);
    if (end === null) return out.join('');
    pos = close.lastIndex;
    open.lastIndex = pos;
  }
  out.push(html.slice(pos));
  return out.join('');
}

/** Visible text of an HTML document: scripts, styles and comments dropped, blocks on own lines. */
export function htmlToText(html: string): string {
  let text = removeSpans(html, /<!--/g, /-->/g);
  for (const tag of ['script', 'style', 'head', 'title']) {
    text = removeSpans(text, new RegExp(`<${tag}\\b`, 'gi'), new RegExp(`</${tag}\\s*>`, 'gi'));
  }
  // `[^<>]*` rather than `[^>]*`: a stray `<` then ends the attempt at the next `<`, so a body
  // full of unmatched brackets cannot make each attempt scan to the end.
  text = text
    .replace(/<br\b[^<>]*>/gi, '\n')
    .replace(/<li\b[^<>]*>/gi, '\n- ')
    .replace(/<\/?(p|div|tr|table|h[1-6]|ul|ol|blockquote|section|article|header|footer)\b[^<>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^<>]*>/g, '');
  return decodeEntities(text)
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
