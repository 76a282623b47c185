import type { Database } from 'better-sqlite3';
import { casesReceivedBetween, type CaseRow } from '../adapters/sqlite/cases.js';
import { isOverdueRow } from './caseViews.js';

/**
 * One case as a row of the complaints register (the "Klachten-verzamelformulier"): every field the
 * procedures record, the milestones, and whether each deadline was met. The export, the archive and
 * the reports all read these rows. Times are ISO 8601 (UTC); formatting is the reader's business.
 */
export interface RegisterRow {
  number: string;
  status: 'open' | 'closed';
  receivedAt: string;
  registeredBy: string;
  complainantName: string | null;
  complainantEmail: string | null;
  complainantType: 'client' | 'temp-worker' | 'other' | 'unknown';
  customerName: string | null;
  subject: string;
  description: string;
  peopleInvolved: string | null;
  handler: string | null;
  category: string | null;
  procedure: string;
  contactDueAt: string | null;
  contactAt: string | null;
  /** Contact recorded by the deadline; null while neither recorded nor overdue. */
  contactMet: boolean | null;
  feedbackDueAt: string | null;
  feedbackAt: string | null;
  feedbackMet: boolean | null;
  solution: string | null;
  solutionDueAt: string | null;
  solutionAt: string | null;
  controlMeasures: string | null;
  cause: string | null;
  structuralSolution: string | null;
  preventiveMeasures: string | null;
  internalCommunication: string | null;
  internalCommunicationAt: string | null;
  discussedWith: string | null;
  discussedAt: string | null;
  discussedNote: string | null;
  satisfaction: 'satisfied' | 'not-satisfied' | 'unknown';
  closedAt: string | null;
  closedBy: string | null;
  /** Open with a deadline passed and its milestone not recorded, at `now`. */
  overdue: boolean;
}

/** Whether a milestone met its deadline: true/false once decided, null while it still can be met. */
export function deadlineMet(dueAt: string | null, doneAt: string | null, now: Date): boolean | null {
  if (!dueAt) return null;
  if (doneAt) return Date.parse(doneAt) <= Date.parse(dueAt);
  return now.getTime() > Date.parse(dueAt) ? false : null;
}

export function toRegisterRow(c: CaseRow, now: Date): RegisterRow {
  const contactMet = deadlineMet(c.contactDueAt, c.contactAt, now);
  const feedbackMet = deadlineMet(c.feedbackDueAt, c.feedbackAt, now);
  return {
    number: c.number,
    status: c.status,
    receivedAt: c.receivedAt,
    registeredBy: c.registeredBy,
    complainantName: c.complainantName,
    complainantEmail: c.complainantEmail,
    complainantType: c.complainantType,
    customerName: c.customerName,
    subject: c.subject,
    description: c.description,
    peopleInvolved: c.peopleInvolved,
    handler: c.handler,
    category: c.category,
    procedure: c.procedure,
    contactDueAt: c.contactDueAt,
    contactAt: c.contactAt,
    contactMet,
    feedbackDueAt: c.feedbackDueAt,
    feedbackAt: c.feedbackAt,
    feedbackMet,
    solution: c.solution,
    solutionDueAt: c.solutionDueAt,
    solutionAt: c.solutionAt,
    controlMeasures: c.controlMeasures,
    cause: c.cause,
    structuralSolution: c.structuralSolution,
    preventiveMeasures: c.preventiveMeasures,
    internalCommunication: c.internalCommunication,
    internalCommunicationAt: c.internalCommunicationAt,
    discussedWith: c.discussedWith,
    discussedAt: c.discussedAt,
    discussedNote: c.discussedNote,
    satisfaction: c.satisfaction,
    closedAt: c.closedAt,
    closedBy: c.closedBy,
    overdue: isOverdueRow(c, now),
  };
}

/** The register of cases received in [from, to). */
export function registerRows(db: Database, from: Date, to: Date, now: Date): RegisterRow[] {
  return casesReceivedBetween(db, from.toISOString(), to.toISOString()).map((c) => toRegisterRow(c, now));
}
