import type { Database } from 'better-sqlite3';
import { DateTime } from 'luxon';
import * as cases from '../adapters/sqlite/cases.js';
import { formatCaseNumber } from '../domain/caseNumber.js';
import { computeDeadlines } from '../domain/deadlines.js';
import type { ComplainantType } from '../domain/types.js';
import type { ProcedureContext } from './intakeMessage.js';
import { queueCaseRegisteredMail, type OutgoingDeps } from './queueCaseMail.js';

/** Everything a new case is registered with, whether it came by mail or by phone. */
export interface NewCaseInput {
  receivedAt: string;
  registeredBy: string;
  complainant: { name: string | null; email: string | null; type: ComplainantType };
  subject: string;
  description: string;
  needsReview: boolean;
  linkedCaseId: number | null;
  /** The complaint mail, to thread the acknowledgement to; null when registered by hand. */
  complaint: { messageId: string; synthetic: boolean; references: string[] } | null;
  acknowledge: boolean;
  /** The case's language, when it differs from the procedure's (e.g. an English-speaking customer). */
  locale?: 'nl' | 'en' | undefined;
  now: string;
}

/**
 * Registers a case: a gap-free number for the year of receipt, the deadlines of the procedure
 * computed on the working-day calendar, and the acknowledgement and manager notice queued in the
 * outbox. Call inside a transaction (the caller adds its own audit events).
 */
export function openCase(
  db: Database,
  ctx: { procedure: ProcedureContext; numberPrefix: string; outgoing?: OutgoingDeps | undefined },
  input: NewCaseInput,
): { id: number; number: string; outboxIds: number[] } {
  const { procedure } = ctx;
  const locale = input.locale ?? procedure.locale;
  const year = DateTime.fromISO(input.receivedAt, { zone: procedure.calendar.timezone }).year;
  const seq = cases.nextSeq(db, year);
  const number = formatCaseNumber(ctx.numberPrefix, year, seq);
  const due = computeDeadlines(procedure.calendar, new Date(input.receivedAt), procedure.rules);
  const id = cases.insertCase(db, {
    number,
    year,
    seq,
    needsReview: input.needsReview,
    receivedAt: input.receivedAt,
    registeredBy: input.registeredBy,
    complainantName: input.complainant.name,
    complainantEmail: input.complainant.email,
    complainantType: input.complainant.type,
    subject: input.subject,
    description: input.description,
    linkedCaseId: input.linkedCaseId,
    procedure: procedure.name,
    locale,
    contactDueAt: due.contact.toISOString(),
    feedbackDueAt: due.feedback.toISOString(),
    now: input.now,
  });
  const outboxIds = ctx.outgoing
    ? queueCaseRegisteredMail(
        db,
        ctx.outgoing,
        {
          caseId: id,
          number,
          locale,
          subject: input.subject,
          description: input.description,
          receivedAt: input.receivedAt,
          registeredBy: input.registeredBy,
          complainant: input.complainant,
          contactDueAt: due.contact.toISOString(),
          feedbackDueAt: due.feedback.toISOString(),
          escalationContacts: procedure.escalationContacts,
          complaint: input.complaint,
          acknowledge: input.acknowledge,
        },
        new Date(input.now),
      )
    : [];
  return { id, number, outboxIds };
}
