import type { Database } from 'better-sqlite3';
import { getCaseById, getCaseByNumber, listCases, type CaseRow } from '../adapters/sqlite/cases.js';
import { eventsForCase } from '../adapters/sqlite/events.js';
import { attachmentsForMessage, messagesForCase } from '../adapters/sqlite/messages.js';
import type { CaseStatus } from '../domain/types.js';
import { KlachtenbusError } from '../errors.js';
import { listOutbox } from '../adapters/sqlite/outbox.js';
import { outboxView, type OutboxView } from './outboxViews.js';

/**
 * The stable JSON shape of a case (`cases list --json`, `cases show --json`). Fields are only ever
 * added, never renamed or removed; documented in the README.
 */
export interface CaseView {
  number: string;
  status: CaseStatus;
  needsReview: boolean;
  receivedAt: string;
  registeredBy: string;
  complainant: { name: string | null; email: string | null; type: string };
  customerName: string | null;
  subject: string;
  description: string;
  peopleInvolved: string | null;
  handler: string | null;
  linkedCase: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  procedure: string;
  locale: string;
  deadlines: { contact: string | null; feedback: string | null; solution: string | null };
  /** The milestones recorded: when and by whom (null while open). */
  milestones: {
    contact: { at: string; by: string | null } | null;
    feedback: { at: string; by: string | null } | null;
    solution: { at: string; text: string | null } | null;
  };
  /** Whether a deadline passed without its milestone (open cases only). */
  overdue: boolean;
  category: string | null;
  /** What the handler and manager recorded (StudiJob's form, Spijtenburg's procedure). */
  handling: {
    controlMeasures: string | null;
    cause: string | null;
    structuralSolution: string | null;
    preventiveMeasures: string | null;
    internalCommunication: { how: string | null; at: string | null };
    discussedWithEmployee: { with: string; at: string | null; note: string | null } | null;
  };
  satisfaction: 'satisfied' | 'not-satisfied' | 'unknown';
  closedBy: string | null;
}

export interface CaseDetailView extends CaseView {
  messages: Array<{
    messageId: string;
    from: string | null;
    subject: string;
    receivedAt: string;
    classification: string;
    text: string;
    attachments: Array<{ filename: string; contentType: string; size: number; withheld: string | null }>;
  }>;
  timeline: Array<{ at: string; actor: string; type: string; data: Record<string, unknown> }>;
  /** Every mail sent (or queued, or suppressed) about this case. */
  outgoing: OutboxView[];
}

function toView(db: Database, row: CaseRow, now: Date = new Date()): CaseView {
  return {
    number: row.number,
    status: row.status,
    needsReview: row.needsReview,
    receivedAt: row.receivedAt,
    registeredBy: row.registeredBy,
    complainant: { name: row.complainantName, email: row.complainantEmail, type: row.complainantType },
    customerName: row.customerName,
    subject: row.subject,
    description: row.description,
    peopleInvolved: row.peopleInvolved,
    handler: row.handler,
    linkedCase: row.linkedCaseId ? (getCaseById(db, row.linkedCaseId)?.number ?? null) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    closedAt: row.closedAt,
    procedure: row.procedure,
    locale: row.locale,
    deadlines: { contact: row.contactDueAt, feedback: row.feedbackDueAt, solution: row.solutionDueAt },
    milestones: {
      contact: row.contactAt ? { at: row.contactAt, by: row.contactBy } : null,
      feedback: row.feedbackAt ? { at: row.feedbackAt, by: row.feedbackBy } : null,
      solution: row.solutionAt ? { at: row.solutionAt, text: row.solution } : null,
    },
    overdue: isOverdueRow(row, now),
    category: row.category,
    handling: {
      controlMeasures: row.controlMeasures,
      cause: row.cause,
      structuralSolution: row.structuralSolution,
      preventiveMeasures: row.preventiveMeasures,
      internalCommunication: { how: row.internalCommunication, at: row.internalCommunicationAt },
      discussedWithEmployee: row.discussedWith
        ? { with: row.discussedWith, at: row.discussedAt, note: row.discussedNote }
        : null,
    },
    satisfaction: row.satisfaction,
    closedBy: row.closedBy,
  };
}

/** An open case with a deadline passed and its milestone not recorded. */
export function isOverdueRow(row: CaseRow, now: Date): boolean {
  if (row.status !== 'open') return false;
  const late = (due: string | null, done: string | null) => due !== null && done === null && new Date(due) < now;
  return (
    late(row.contactDueAt, row.contactAt) ||
    late(row.feedbackDueAt, row.feedbackAt) ||
    late(row.solutionDueAt, row.solutionAt)
  );
}

/** Cases, oldest first, optionally by status. */
export function listCaseViews(
  db: Database,
  filter: { status?: CaseStatus | undefined; overdue?: boolean | undefined },
  now: Date = new Date(),
): CaseView[] {
  const views = listCases(db, { status: filter.status }).map((r) => toView(db, r, now));
  return filter.overdue ? views.filter((v) => v.overdue) : views;
}

/** One case with its mails and its audit timeline. Throws CASE_NOT_FOUND. */
export function showCase(db: Database, number: string, now: Date = new Date()): CaseDetailView {
  const row = getCaseByNumber(db, number);
  if (!row) throw new KlachtenbusError('CASE_NOT_FOUND', `no case ${number}`);
  return {
    ...toView(db, row, now),
    messages: messagesForCase(db, row.id).map((m) => ({
      messageId: m.messageId,
      from: m.from,
      subject: m.subject,
      receivedAt: m.receivedAt,
      classification: m.classification,
      text: m.text,
      attachments: attachmentsForMessage(db, m.id).map(({ sha256: _sha, ...a }) => a),
    })),
    timeline: eventsForCase(db, row.id).map((e) => ({ at: e.at, actor: e.actor, type: e.type, data: e.data })),
    outgoing: listOutbox(db, { caseId: row.id }).map(outboxView),
  };
}
