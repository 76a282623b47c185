/**
 * Glossary (English term — Dutch term in the procedures):
 *
 * - complaint (klacht): an expression of dissatisfaction by a customer that reaches the organisation.
 * - complainant (klager): who complained; a client (opdrachtgever), a temp worker (uitzendkracht),
 *   someone else, or not yet known.
 * - case (klachtdossier): the tracked record of one complaint, numbered `KL-YYYY-NNNN`.
 * - registrar (registreerder): who registered the case: `intake` for mail, otherwise a person.
 * - handler (klachtenbehandelaar / klachtenfunctionaris): the employee who handles the case.
 * - manager (leidinggevende) and directors (directie): receive notices and escalations.
 * - working day (werkdag): Monday to Friday except Dutch public holidays and closing days.
 * - deadline (termijn): contact within two working days, feedback within one week.
 * - acknowledgement (ontvangstbevestiging), reminder (herinnering), escalation (escalatie).
 * - automatic mail: out-of-office, vacation reply, bounce, delivery or read report, list or bulk
 *   mail. It never opens a case and is never answered.
 *
 * This module holds only types: the shapes the pure core and the adapters agree on.
 */

/** A mail address with an optional display name. `address` is lower-cased and trimmed. */
export interface Address {
  name: string;
  address: string;
}

/** An attachment as the parser saw it. `content` is absent when it was withheld. */
export interface ParsedAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  /** true for inline parts (e.g. images referenced by the HTML). */
  inline: boolean;
  content?: Uint8Array;
  /** Why the content was not kept (e.g. `size-cap`), or null when kept. */
  withheld: string | null;
}

/**
 * What the parser extracts from a raw mail. It is structured-cloneable (it crosses a worker-thread
 * boundary), so it holds plain data only.
 */
export interface ParsedMail {
  /** Header fields by lower-case name, each value unfolded but not decoded, in order of appearance. */
  headers: Record<string, string[]>;
  /** Message-ID without angle brackets, or null when the mail has none. */
  messageId: string | null;
  /** Message-IDs (without angle brackets) from In-Reply-To. */
  inReplyTo: string[];
  /** Message-IDs (without angle brackets) from References. */
  references: string[];
  from: Address | null;
  /** The Sender field, when present. */
  sender: Address | null;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  /** The Return-Path value as written (may be `<>`), or null when absent. */
  returnPath: string | null;
  /** Decoded subject; empty string when absent. */
  subject: string;
  /** The Date header as an ISO timestamp, or null when absent or unparseable. */
  date: string | null;
  /** Top-level MIME type, lower-case, e.g. `multipart/report`. `text/plain` when absent. */
  contentType: string;
  /** Every MIME type named in any Content-Type field of the mail (lower-case, deduplicated). */
  mimeTypes: string[];
  /** Plain text body: from text/plain, or converted from HTML when there is no text part. */
  text: string;
  /** HTML body when the mail had one, else null. */
  html: string | null;
  attachments: ParsedAttachment[];
  /** Problems the parser noticed but worked around (e.g. `bare-cr-line-endings`). */
  warnings: string[];
}

/** The outcome of parsing: parsed, or failed with a reason (the raw source is still kept). */
export type ParseOutcome = { ok: true; mail: ParsedMail } | { ok: false; error: string };

/** Who complained, per the procedures. */
export type ComplainantType = 'client' | 'temp-worker' | 'other' | 'unknown';

export type CaseStatus = 'open' | 'closed';

/** Why a mail is automatic; each string names the signal that matched, e.g. `header:auto-submitted`. */
export interface AutomaticVerdict {
  automatic: boolean;
  reasons: string[];
  /** Finer kind, for the operator: bounce, auto-reply, report, list, own-mail. */
  kind: 'bounce' | 'auto-reply' | 'report' | 'list' | 'own-mail' | null;
}

/** How an ingested mail was treated; stored on the message row and shown by `mail list`. */
export type Classification =
  /** Opened a new case. */
  | 'complaint'
  /** Joined an existing case as a reply. */
  | 'reply'
  /** Automatic mail attached to the case it belongs to. */
  | 'automatic-attached'
  /** Automatic mail that belongs to no case: kept, listed, never answered. */
  | 'automatic-ignored'
  /** Same Message-ID as a mail already stored, with other content: kept, not a case. */
  | 'duplicate'
  /** Could not be parsed: became a case marked for review. */
  | 'unparseable';
