import { createHash } from 'node:crypto';

/**
 * The Message-ID a mail is known by. When the mail has none, one is synthesised from the SHA-256
 * of the raw source with line endings normalised to LF, so the same mail fetched again (over IMAP,
 * which serves CRLF, or from a file with LF) gets the same id and is not stored twice.
 */
export function synthesiseMessageId(raw: Uint8Array): string {
  return `sha256-${normalisedHash(raw)}@synthesised.klachtenbus`;
}

/** SHA-256 (hex) of the source with CRLF and bare CR turned into LF. */
export function normalisedHash(raw: Uint8Array): string {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  return createHash('sha256').update(text.replace(/\r\n?/g, '\n'), 'latin1').digest('hex');
}
