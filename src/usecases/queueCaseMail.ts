import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { countAcknowledgementsTo, insertOutbox } from '../adapters/sqlite/outbox.js';
import { installationSecret } from '../adapters/sqlite/installation.js';
import type { Locale, TemplateSet } from '../adapters/templates/templates.js';
import { acknowledgementBlocker } from '../domain/recipients.js';

/** What queuing outgoing mail needs from the configuration. */
export interface OutgoingSettings {
  /** RFC 5322 From of our mail, e.g. `StudiJob Klachten <klachten@studijob.nl>`. */
  from: string;
  complaintsAddress: string;
  organisationName: string;
  messageIdDomain: string;
  ownAddresses: string[];
  acknowledgement: { enabled: boolean; maxPerSenderPerHour: number };
  managerNotice: { enabled: boolean; to: string[] };
  /** The web workspace's address (config web.baseUrl); mails to staff then link to the case. */
  webBaseUrl?: string | null;
}

/** The case page in the web workspace, or null when no web address is configured. */
export function caseUrlFor(s: Pick<OutgoingSettings, 'webBaseUrl'>, caseNumber: string): string | null {
  if (!s.webBaseUrl) return null;
  return `${s.webBaseUrl.replace(/\/+$/, '')}/cases/${encodeURIComponent(caseNumber)}`;
}

export interface OutgoingDeps {
  templates: TemplateSet;
  settings: OutgoingSettings;
}

/** A newly registered case, as the mails about it need to know it. */
export interface RegisteredCase {
  caseId: number;
  number: string;
  locale: Locale;
  subject: string;
  description: string;
  receivedAt: string;
  registeredBy: string;
  complainant: { name: string | null; email: string | null; type: string };
  contactDueAt: string;
  feedbackDueAt: string;
  escalationContacts: Array<{ name: string; email: string; role: string }>;
  /** The complaint mail, to thread the acknowledgement to it; null for a case registered by hand. */
  complaint: { messageId: string; synthetic: boolean; references: string[] } | null;
  /** False when the complaint must not be acknowledged (e.g. registered by hand without the flag). */
  acknowledge: boolean;
}

/** One mail of ours to queue: what differs between them. */
export interface MailToQueue {
  key: string;
  kind: string;
  caseId: number | null;
  to: string[];
  rendered: { subject: string; text: string; html: string | null };
  inReplyTo?: string | null;
  references?: string[];
  /** Set when the mail must not go out; it is recorded as suppressed, with this reason. */
  suppressedBecause?: string | null;
  now: Date;
}

/**
 * Queues a mail of ours in the outbox: our sender, Reply-To the complaints address, a Message-ID
 * derived from the idempotency key. Returns the row id, or null when the key was queued before.
 */
export function queueMail(
  db: Database,
  s: Pick<OutgoingSettings, 'from' | 'complaintsAddress' | 'messageIdDomain'>,
  m: MailToQueue,
): number | null {
  const at = m.now.toISOString();
  return insertOutbox(db, {
    idempotencyKey: m.key,
    kind: m.kind,
    caseId: m.caseId,
    messageId: outgoingMessageId(m.key, s.messageIdDomain, installationSecret(db)),
    from: s.from,
    to: m.to,
    replyTo: s.complaintsAddress,
    inReplyTo: m.inReplyTo ?? null,
    references: m.references ?? [],
    ...m.rendered,
    status: m.suppressedBecause ? 'suppressed' : 'pending',
    statusReason: m.suppressedBecause ?? null,
    notBefore: at,
    now: at,
  });
}

/**
 * A stable, unique Message-ID for an outgoing mail, derived from its idempotency key and this
 * installation's secret (another installation's mail with the same key gets another id).
 */
export function outgoingMessageId(idempotencyKey: string, domain: string, installation = ''): string {
  const hash = createHash('sha256').update(`${installation}:${idempotencyKey}`).digest('hex').slice(0, 20);
  return `${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}.${hash}@${domain}`;
}

/**
 * Queues the acknowledgement to the complainant and the notice to the manager(s) for a new case.
 * Call inside the transaction that registers the case: the mails exist exactly when the case does.
 * An acknowledgement that must not go out is still recorded, as `suppressed` with the reason.
 * Returns the ids of the rows to send.
 */
export function queueCaseRegisteredMail(db: Database, deps: OutgoingDeps, c: RegisteredCase, now: Date): number[] {
  const s = deps.settings;
  const ids: number[] = [];

  if (s.acknowledgement.enabled && c.acknowledge) {
    const to = c.complainant.email;
    let blocker = acknowledgementBlocker(to, [s.complaintsAddress, ...s.ownAddresses]);
    if (!blocker && to) {
      const since = new Date(now.getTime() - 3600_000).toISOString();
      if (countAcknowledgementsTo(db, to, since) >= s.acknowledgement.maxPerSenderPerHour) blocker = 'rate-limit';
    }
    const key = `ack:${c.number}`;
    const rendered = deps.templates.render('acknowledgement', c.locale, {
      caseNumber: c.number,
      originalSubject: c.subject,
      complainantName: c.complainant.name,
      receivedAt: c.receivedAt,
      contactDueAt: c.contactDueAt,
      feedbackDueAt: c.feedbackDueAt,
      organisationName: s.organisationName,
      complaintsAddress: s.complaintsAddress,
      escalationContacts: c.escalationContacts,
    });
    const thread = c.complaint && !c.complaint.synthetic ? c.complaint.messageId : null;
    const id = queueMail(db, s, {
      key,
      kind: 'acknowledgement',
      caseId: c.caseId,
      to: to ? [to] : [],
      rendered,
      inReplyTo: thread,
      references: thread ? [...(c.complaint?.references ?? []), thread].slice(-20) : [],
      suppressedBecause: blocker,
      now,
    });
    if (id !== null && !blocker) ids.push(id);
  }

  if (s.managerNotice.enabled && s.managerNotice.to.length > 0) {
    const key = `notice:${c.number}`;
    const rendered = deps.templates.render('manager-notice', c.locale, {
      caseNumber: c.number,
      subject: c.subject,
      description: c.description,
      receivedAt: c.receivedAt,
      registeredBy: c.registeredBy,
      complainant: c.complainant,
      contactDueAt: c.contactDueAt,
      feedbackDueAt: c.feedbackDueAt,
      caseUrl: caseUrlFor(s, c.number),
    });
    const id = queueMail(db, s, {
      key,
      kind: 'manager-notice',
      caseId: c.caseId,
      to: s.managerNotice.to,
      rendered,
      now,
    });
    if (id !== null) ids.push(id);
  }
  return ids;
}
