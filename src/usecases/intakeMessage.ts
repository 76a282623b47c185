import type { Database } from 'better-sqlite3';
import { detectAutomatic } from '../domain/automatic.js';
import { findCaseNumberInSubject } from '../domain/caseNumber.js';
import { shortDescription } from '../domain/description.js';
import { findForwardedOriginal } from '../domain/forwarded.js';
import {
  complainantTypeFor,
  decideIntake,
  isStaffAddress,
  type CaseRef,
  type IntakeDecision,
} from '../domain/intakeDecision.js';
import { normalisedHash, synthesiseMessageId } from '../domain/messageId.js';
import type { AutomaticVerdict, Classification, ParsedMail, ParseOutcome } from '../domain/types.js';
import { sanitiseFilename, type ContentStore } from '../adapters/files.js';
import { storageProblem } from '../adapters/storage.js';
import * as cases from '../adapters/sqlite/cases.js';
import { appendEvent } from '../adapters/sqlite/events.js';
import { recordUid } from '../adapters/sqlite/mailbox.js';
import * as messages from '../adapters/sqlite/messages.js';
import type { Locale } from '../adapters/templates/templates.js';
import type { DeadlineRules } from '../domain/deadlines.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';
import { openCase } from './openCase.js';
import type { OutgoingDeps } from './queueCaseMail.js';

/** What intake needs from the configuration. */
export interface IntakeSettings {
  complaintsAddress: string | null;
  ownAddresses: string[];
  messageIdDomain: string;
  numberPrefix: string;
  replyToClosedCase: 'reopen' | 'new-linked';
  staffDomains: string[];
  staffMembers: string[];
  clientDomains: string[];
  tempWorkerDomains: string[];
}

/** The procedure profile that applies to new cases, with the calendar its deadlines count on. */
export interface ProcedureContext {
  name: string;
  locale: Locale;
  rules: DeadlineRules;
  escalationContacts: Array<{ name: string; email: string; role: string }>;
  calendar: WorkingCalendar;
}

export interface IntakeDeps {
  db: Database;
  rawStore: ContentStore;
  attachmentStore: ContentStore;
  parse: (raw: Buffer) => Promise<ParseOutcome>;
  now: () => Date;
  settings: IntakeSettings;
  procedure: ProcedureContext;
  /** Outgoing mail about new cases (acknowledgement, manager notice); absent: none is queued. */
  outgoing?: OutgoingDeps | undefined;
}

export interface IncomingMail {
  raw: Buffer;
  /** `imap:<mailbox>` or `file`. */
  source: string;
  /** IMAP INTERNALDATE when known. */
  receivedAt?: Date | undefined;
  imap?: { mailbox: string; uidvalidity: string; uid: number } | undefined;
}

export interface IntakeResult {
  messageRowId: number;
  messageId: string;
  classification: Classification;
  caseNumber: string | null;
  /** false when the mail was already stored (a re-run, a race, a re-fetch): nothing was created. */
  created: boolean;
  caseCreated: boolean;
  /** Outbox rows queued by this mail, to be handed to the sender once the transaction committed. */
  outboxIds: number[];
  /** The case the mail opened or joined, if any. */
  caseId: number | null;
}

/** A mail whose raw source is stored and which has been parsed, ready to commit. */
export interface PreparedMail {
  mail: IncomingMail;
  rawSha256: string;
  outcome: ParseOutcome;
  attachmentShas: Array<string | null>;
}

/**
 * Ingests one mail: keeps its raw source, parses it, decides what it is, and commits the message,
 * its attachments, the case change and the audit events in one transaction. Idempotent: the same
 * mail again (same Message-ID, or same content when it has none) creates nothing.
 */
export async function intakeMessage(deps: IntakeDeps, mail: IncomingMail): Promise<IntakeResult> {
  return commitIntake(deps, await prepareIntake(deps, mail));
}

/**
 * First half of intake, safe to run for several mails at once: the raw source is on disk (nothing
 * is lost) before the mail is parsed, and attachments are stored content-addressed.
 */
export async function prepareIntake(deps: IntakeDeps, mail: IncomingMail): Promise<PreparedMail> {
  // The raw source is written (off the main thread) while a parser thread reads it; both are done
  // before the caller may commit.
  const [rawSha256, outcome] = await Promise.all([
    storingAsync(deps, () => deps.rawStore.put(mail.raw)),
    deps.parse(mail.raw),
  ]);
  const attachmentShas = outcome.ok ? await storingAsync(deps, () => storeAttachments(deps, outcome.mail)) : [];
  return { mail, rawSha256, outcome, attachmentShas };
}

async function storingAsync<T>(deps: IntakeDeps, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw storageProblem(deps.rawStore.root, err) ?? err;
  }
}

/**
 * Runs a write to the data dir; a failure that means the data dir cannot take writes (full,
 * read-only) is thrown as a StorageError, so the caller can stop taking mail and say why.
 */
function storing<T>(deps: IntakeDeps, write: () => T): T {
  try {
    return write();
  } catch (err) {
    throw storageProblem(deps.rawStore.root, err) ?? err;
  }
}

/** Second half of intake: one transaction. Commit prepared mails in the order they arrived. */
export function commitIntake(deps: IntakeDeps, prepared: PreparedMail): IntakeResult {
  const { mail, rawSha256, outcome, attachmentShas } = prepared;
  const parsed = outcome.ok ? outcome.mail : null;

  const run = deps.db.transaction((): IntakeResult => {
    const now = deps.now().toISOString();
    const baseId = parsed?.messageId ?? synthesiseMessageId(mail.raw);
    const existing = messages.findMessageByMessageId(deps.db, baseId);
    let messageId = baseId;
    let duplicateOf: number | null = null;
    if (existing) {
      const same = existing.rawSha256 === rawSha256 || sameContent(deps, existing.rawSha256, mail.raw);
      if (same) return alreadyStored(deps, mail, existing.id, baseId);
      // Another mail reusing a Message-ID: kept and visible, never a case, never confused with the first.
      messageId = `${baseId}#${normalisedHash(mail.raw).slice(0, 16)}`;
      const again = messages.findMessageByMessageId(deps.db, messageId);
      if (again) return alreadyStored(deps, mail, again.id, messageId);
      duplicateOf = existing.id;
    }
    const receivedAt = (mail.receivedAt ?? (parsed?.date ? new Date(parsed.date) : deps.now())).toISOString();
    const automatic = parsed ? detectAutomatic(parsed, ownContext(deps.settings)) : null;
    const decision = parsed && duplicateOf === null ? decide(deps, parsed, automatic!) : null;

    let caseId: number | null = null;
    let caseNumber: string | null = null;
    let caseCreated = false;
    let outboxIds: number[] = [];
    let classification: Classification;
    if (duplicateOf !== null) classification = 'duplicate';
    else if (!parsed) classification = 'unparseable';
    else classification = classificationOf(decision!);

    if (classification === 'unparseable' || decision?.action === 'new-case') {
      const c = createCase(deps, parsed, receivedAt, now, mail.raw, decision);
      caseId = c.id;
      caseNumber = c.number;
      caseCreated = true;
      outboxIds = c.outboxIds;
    } else if (decision && decision.action !== 'automatic-ignored') {
      caseId = decision.case.id;
      caseNumber = decision.case.number;
    }

    const messageRowId = messages.insertMessage(deps.db, {
      messageId,
      synthetic: !parsed?.messageId,
      rawSha256,
      rawSize: mail.raw.length,
      source: mail.source,
      receivedAt,
      dateHeader: parsed?.date ?? null,
      from: parsed?.from ?? null,
      to: parsed?.to ?? [],
      subject: parsed?.subject ?? '',
      inReplyTo: parsed?.inReplyTo[0] ?? null,
      references: parsed?.references ?? [],
      text: parsed?.text ?? '',
      html: parsed?.html ?? null,
      classification,
      reasons: automatic?.reasons ?? (duplicateOf !== null ? [`duplicate-message-id-of:${duplicateOf}`] : []),
      parseError: outcome.ok ? null : outcome.error,
      caseId,
      now,
    });
    parsed?.attachments.forEach((a, i) =>
      messages.insertAttachment(deps.db, {
        messageRowId,
        filename: sanitiseFilename(a.filename),
        contentType: a.contentType,
        size: a.size,
        sha256: attachmentShas[i] ?? null,
        inline: a.inline,
        withheld: a.withheld,
      }),
    );
    recordEvents(deps, { decision, caseId, caseCreated, messageRowId, now, classification, parsed, outcome });
    if (mail.imap) recordUid(deps.db, mail.imap.mailbox, mail.imap.uidvalidity, mail.imap.uid, messageRowId);
    return { messageRowId, messageId, classification, caseNumber, created: true, caseCreated, outboxIds, caseId };
  });
  // IMMEDIATE: take the write lock before reading, so two workers racing on the same mail serialise
  // and the second one sees the first one's row.
  return storing(deps, () => run.immediate());
}

function alreadyStored(deps: IntakeDeps, mail: IncomingMail, rowId: number, messageId: string): IntakeResult {
  if (mail.imap) recordUid(deps.db, mail.imap.mailbox, mail.imap.uidvalidity, mail.imap.uid, rowId);
  const row = deps.db
    .prepare(`SELECT m.classification, c.number FROM messages m LEFT JOIN cases c ON c.id = m.case_id WHERE m.id = ?`)
    .get(rowId) as { classification: Classification; number: string | null };
  return {
    messageRowId: rowId,
    messageId,
    classification: row.classification,
    caseNumber: row.number,
    created: false,
    caseCreated: false,
    outboxIds: [],
    caseId: null,
  };
}

function sameContent(deps: IntakeDeps, storedSha: string, raw: Buffer): boolean {
  try {
    return normalisedHash(deps.rawStore.get(storedSha)) === normalisedHash(raw);
  } catch {
    return false;
  }
}

function ownContext(s: IntakeSettings) {
  const ownAddresses = [...s.ownAddresses, ...(s.complaintsAddress ? [s.complaintsAddress] : [])];
  return { ownAddresses, ownMessageIdDomains: [s.messageIdDomain] };
}

function caseRef(row: cases.CaseRow | null): CaseRef | null {
  return row ? { id: row.id, number: row.number, status: row.status, complainantEmail: row.complainantEmail } : null;
}

function decide(deps: IntakeDeps, mail: ParsedMail, automatic: AutomaticVerdict): IntakeDecision {
  const { db, settings } = deps;
  const referencedId = messages.findCaseIdByMessageIds(db, [...mail.inReplyTo, ...mail.references]);
  const tagged = findCaseNumberInSubject(mail.subject, settings.numberPrefix);
  return decideIntake({
    sender: mail.from,
    automatic,
    referencedCase: referencedId ? caseRef(cases.getCaseById(db, referencedId)) : null,
    taggedCase: tagged ? caseRef(cases.getCaseByNumber(db, tagged)) : null,
    senderIsStaff: isStaffAddress(mail.from?.address ?? null, {
      domains: settings.staffDomains,
      members: settings.staffMembers,
    }),
    replyToClosedCase: settings.replyToClosedCase,
  });
}

function classificationOf(d: IntakeDecision): Classification {
  switch (d.action) {
    case 'new-case':
      return 'complaint';
    case 'reply':
      return 'reply';
    case 'automatic-attached':
      return 'automatic-attached';
    case 'automatic-ignored':
      return 'automatic-ignored';
  }
}

function createCase(
  deps: IntakeDeps,
  mail: ParsedMail | null,
  receivedAt: string,
  now: string,
  raw: Buffer,
  decision: IntakeDecision | null,
): { id: number; number: string; outboxIds: number[] } {
  const { settings } = deps;
  const sender = mail?.from ?? null;
  const staff = { domains: settings.staffDomains, members: settings.staffMembers };
  // A complaint forwarded by an employee: the original sender complained, the employee registered it.
  const forwarded = mail && isStaffAddress(sender?.address ?? null, staff) ? findForwardedOriginal(mail) : null;
  const complainant = forwarded?.from ?? sender;
  const subject = mail ? (forwarded?.subject ?? mail.subject) : '';
  return openCase(
    deps.db,
    { procedure: deps.procedure, numberPrefix: settings.numberPrefix, outgoing: deps.outgoing },
    {
      receivedAt,
      registeredBy: forwarded && sender ? sender.address : 'intake',
      complainant: {
        name: complainant?.name || null,
        email: complainant?.address || null,
        type: complainantTypeFor(complainant?.address ?? null, {
          clientDomains: settings.clientDomains,
          tempWorkerDomains: settings.tempWorkerDomains,
        }),
      },
      subject,
      description: mail
        ? shortDescription(subject, mail.text)
        : `Unreadable mail (${raw.length} bytes); see the raw source.`,
      needsReview: mail === null,
      linkedCaseId: decision?.action === 'new-case' ? (decision.linkedTo?.id ?? null) : null,
      complaint: mail
        ? { messageId: mail.messageId ?? '', synthetic: !mail.messageId, references: mail.references }
        : null,
      acknowledge: true,
      now,
    },
  );
}

function storeAttachments(deps: IntakeDeps, mail: ParsedMail): Promise<Array<string | null>> {
  return Promise.all(mail.attachments.map((a) => (a.content ? deps.attachmentStore.put(a.content) : null)));
}

function recordEvents(
  deps: IntakeDeps,
  e: {
    decision: IntakeDecision | null;
    caseId: number | null;
    caseCreated: boolean;
    messageRowId: number;
    now: string;
    classification: Classification;
    parsed: ParsedMail | null;
    outcome: ParseOutcome;
  },
): void {
  const { db } = deps;
  const base = { caseId: e.caseId, messageId: e.messageRowId, at: e.now, actor: 'intake' };
  if (e.caseCreated) {
    const data: Record<string, unknown> = { via: 'mail' };
    if (!e.outcome.ok) data.needsReview = `unparseable: ${e.outcome.error}`;
    if (e.decision?.action === 'new-case' && e.decision.linkedTo) data.linkedTo = e.decision.linkedTo.number;
    appendEvent(db, { ...base, type: 'case.registered', data });
  }
  if (e.decision?.action === 'reply' && e.decision.reopen && e.caseId !== null) {
    cases.setCaseStatus(db, e.caseId, 'open', e.now);
    appendEvent(db, { ...base, type: 'case.reopened', data: { reason: 'reply-to-closed-case' } });
  } else if (e.caseId !== null && !e.caseCreated) {
    cases.touchCase(db, e.caseId, e.now);
  }
  appendEvent(db, {
    ...base,
    type: 'message.received',
    data: { classification: e.classification, from: e.parsed?.from?.address ?? null, subject: e.parsed?.subject ?? '' },
  });
}
