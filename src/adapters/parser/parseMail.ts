/**
 * The mail parser adapter: raw RFC 5322 bytes in, the plain `ParsedMail` the domain works on out.
 * It wraps mailparser and never throws, because an unparseable mail must still become a case for
 * review rather than crash the intake. It does no I/O; the caller runs it in a worker thread with
 * a timeout, which is the guard against inputs that make mailparser itself spin.
 */
import { simpleParser } from 'mailparser';
import type { Attachment, ParsedMail as MailparserMail, SimpleParserOptions, StructuredHeader } from 'mailparser';
import type { ParsedAttachment, ParsedMail, ParseOutcome } from '../../domain/types.js';
import { addressesOf, headersFromLines, isoDate, messageIds, messageIdsOf } from './headerValues.js';
import { htmlToText } from './htmlToText.js';
import { normaliseSource, scanMimeTypes } from './rawSource.js';

/** Limits for one parse. */
export interface ParseMailOptions {
  /** Attachment bytes kept per mail; attachments past this running total keep only metadata. */
  maxAttachmentBytes: number;
}

// keepDeliveryStatus: a message/delivery-status part stays an attachment instead of being glued
// into `text`, so the body of a bounce is not mistaken for what a person wrote.
// skipImageLinks / skipTextToHtml / skipTextLinks: we never render mailparser's derived HTML, and
// inlining cid: images as data: URLs or linkifying a 1 MB text body costs time and memory for
// nothing. (`keepDeliveryStatus` is real but missing from @types/mailparser, hence the widening.)
const PARSER_OPTIONS: SimpleParserOptions & { keepDeliveryStatus: boolean } = {
  keepDeliveryStatus: true,
  skipImageLinks: true,
  skipTextToHtml: true,
  skipTextLinks: true,
};

/**
 * Parses one raw mail. Resolves `{ ok: false, error }` instead of rejecting, whatever the input.
 * Warnings name the repairs made: `bare-cr-line-endings`, `mbox-from-line`,
 * `html-conversion-failed`, `attachment-size-cap`.
 */
export async function parseMail(raw: Buffer, opts: ParseMailOptions): Promise<ParseOutcome> {
  try {
    const { raw: source, warnings } = normaliseSource(raw);
    let parsed: MailparserMail;
    try {
      parsed = await simpleParser(source, PARSER_OPTIONS);
    } catch {
      // mailparser rejects the whole mail when its HTML-to-text step fails, even though headers
      // and parts were read fine. One retry without that step (we convert HTML ourselves below);
      // if this fails too the error is real and reported.
      parsed = await simpleParser(source, { ...PARSER_OPTIONS, skipHtmlToText: true });
      warnings.push('html-conversion-failed');
    }
    return { ok: true, mail: toParsedMail(parsed, source, warnings, opts) };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

function toParsedMail(parsed: MailparserMail, source: Buffer, warnings: string[], opts: ParseMailOptions): ParsedMail {
  // headerLines is unset when the source has no header block at all.
  const headers = headersFromLines(parsed.headerLines ?? []);
  const html = typeof parsed.html === 'string' ? parsed.html : null;
  let text = parsed.text ?? '';
  // mailparser leaves `text` empty when the only HTML part is not the root (e.g. MHTML inside
  // multipart/related); a case description needs words, so convert it ourselves.
  if (text.trim() === '' && html !== null) text = htmlToText(html);
  const contentType = parsed.headers.get('content-type') as StructuredHeader | undefined;
  return {
    headers,
    messageId: messageIds(headers['message-id']?.[0])[0] ?? null,
    inReplyTo: messageIdsOf(headers['in-reply-to']),
    references: messageIdsOf(headers['references']),
    from: addressesOf(parsed.headers.get('from'))[0] ?? null,
    sender: addressesOf(parsed.headers.get('sender'))[0] ?? null,
    replyTo: addressesOf(parsed.headers.get('reply-to')),
    to: addressesOf(parsed.headers.get('to')),
    cc: addressesOf(parsed.headers.get('cc')),
    returnPath: headers['return-path']?.[0] ?? null,
    subject: parsed.subject ?? '',
    date: isoDate(headers['date']?.[0]),
    contentType: (contentType?.value || 'text/plain').toLowerCase(),
    mimeTypes: scanMimeTypes(source),
    text,
    html,
    attachments: capAttachments(parsed.attachments, opts.maxAttachmentBytes, warnings),
    warnings,
  };
}

/**
 * Keeps attachment content while the running total of kept bytes stays within the cap. The total
 * counts kept attachments only, so one huge file does not cost the small ones after it.
 */
function capAttachments(attachments: Attachment[], maxBytes: number, warnings: string[]): ParsedAttachment[] {
  let kept = 0;
  const out = attachments.map((attachment): ParsedAttachment => {
    const content: Buffer | undefined = attachment.content;
    const size = content?.length ?? attachment.size ?? 0;
    const base = {
      filename: attachment.filename ?? null,
      contentType: (attachment.contentType || 'application/octet-stream').toLowerCase(),
      size,
      // Without brackets, as the HTML refers to it in `cid:` links.
      contentId: attachment.cid ?? messageIds(attachment.contentId)[0] ?? null,
      inline: attachment.contentDisposition === 'inline' || attachment.related === true,
    };
    if (content === undefined || kept + size > maxBytes) return { ...base, withheld: 'size-cap' };
    kept += size;
    // A copy, not a view: a Buffer may sit in a shared pool slab that would be cloned whole when
    // the result crosses the worker-thread boundary.
    return { ...base, content: new Uint8Array(content), withheld: null };
  });
  if (out.some((attachment) => attachment.withheld !== null)) warnings.push('attachment-size-cap');
  return out;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return typeof err === 'string' ? err : 'unknown parse error';
}
