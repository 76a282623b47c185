/**
 * Byte-level work on a raw mail before and beside MIME parsing: repairing line endings that would
 * hide every header from the parser, and listing MIME types straight from the source text.
 */

/** A raw source made parseable, with what had to be repaired. */
export interface NormalisedSource {
  raw: Buffer;
  warnings: string[];
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Repairs what makes a mail unreadable to mailparser without changing what it says:
 * - bare CR line endings (classic Mac OS) become CRLF, else the parser sees one endless header
 *   line and loses From, Subject and the MIME structure;
 * - a leading mbox `From ` envelope line is dropped, else it is read as a broken first header.
 * The stored raw source is never this buffer: callers keep the original bytes.
 */
export function normaliseSource(input: Buffer): NormalisedSource {
  const warnings: string[] = [];
  let raw = input;
  if (raw.includes(CR) && !raw.includes(LF)) {
    raw = Buffer.from(raw.toString('latin1').replace(/\r/g, '\r\n'), 'latin1');
    warnings.push('bare-cr-line-endings');
  }
  // `From sender date`, not the obsolete header syntax `From  : Name <addr>` (RFC 5322 §4.5.3).
  if (/^From [^\s:]/.test(raw.subarray(0, 6).toString('latin1'))) {
    const eol = raw.indexOf(LF);
    raw = eol === -1 ? Buffer.alloc(0) : raw.subarray(eol + 1);
    warnings.push('mbox-from-line');
  }
  return { raw, warnings };
}

// A Content-Type field at the start of a line, possibly folded right after the colon. The token
// grammar is RFC 2045's; matching the whole source (not just the parsed tree) finds types inside
// attached messages and parts the parser gave up on, e.g. a multipart/report nested in a
// multipart/mixed wrapper or behind a broken boundary.
const CONTENT_TYPE_FIELD = /^content-type[ \t]*:\s*([a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*)/gim;

/**
 * Every MIME type named in a Content-Type field anywhere in the source, lower-cased, deduplicated,
 * in order of first appearance. Base64 parts cannot match (their alphabet has no colon), so only
 * headers and readable text are seen.
 */
export function scanMimeTypes(raw: Buffer): string[] {
  const seen = new Set<string>();
  // latin1 maps each byte to one code unit: no decoding errors, and offsets stay byte offsets.
  for (const match of raw.toString('latin1').matchAll(CONTENT_TYPE_FIELD)) {
    const type = match[1];
    if (type !== undefined) seen.add(type.toLowerCase());
  }
  return [...seen];
}
