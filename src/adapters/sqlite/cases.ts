import type { Database } from 'better-sqlite3';
import { statement } from './statements.js';
import type { CaseStatus, ComplainantType } from '../../domain/types.js';

/** A case row as stored (snake_case columns mapped to camelCase). */
export interface CaseRow {
  id: number;
  number: string;
  status: CaseStatus;
  needsReview: boolean;
  receivedAt: string;
  registeredBy: string;
  complainantName: string | null;
  complainantEmail: string | null;
  complainantType: ComplainantType;
  customerName: string | null;
  subject: string;
  description: string;
  peopleInvolved: string | null;
  handler: string | null;
  linkedCaseId: number | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  procedure: string;
  locale: 'nl' | 'en';
  contactDueAt: string | null;
  feedbackDueAt: string | null;
  contactAt: string | null;
  contactBy: string | null;
  feedbackAt: string | null;
  feedbackBy: string | null;
  solution: string | null;
  solutionDueAt: string | null;
  solutionAt: string | null;
  category: string | null;
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
  closedBy: string | null;
}

const SELECT = `SELECT id, number, status, needs_review AS needsReview, received_at AS receivedAt,
  registered_by AS registeredBy, complainant_name AS complainantName, complainant_email AS complainantEmail,
  complainant_type AS complainantType, customer_name AS customerName, subject, description,
  people_involved AS peopleInvolved, handler, linked_case_id AS linkedCaseId, created_at AS createdAt,
  updated_at AS updatedAt, closed_at AS closedAt, procedure, locale, contact_due_at AS contactDueAt,
  feedback_due_at AS feedbackDueAt, contact_at AS contactAt, contact_by AS contactBy, feedback_at AS feedbackAt,
  feedback_by AS feedbackBy, solution, solution_due_at AS solutionDueAt, solution_at AS solutionAt, category,
  control_measures AS controlMeasures, cause, structural_solution AS structuralSolution,
  preventive_measures AS preventiveMeasures, internal_communication AS internalCommunication,
  internal_communication_at AS internalCommunicationAt, discussed_with AS discussedWith, discussed_at AS discussedAt,
  discussed_note AS discussedNote, satisfaction, closed_by AS closedBy FROM cases`;

function fix(row: unknown): CaseRow {
  const r = row as CaseRow & { needsReview: number | boolean };
  return { ...r, needsReview: Boolean(r.needsReview) };
}

/** Reserves the next sequence number for a year. Call inside the transaction that inserts the case. */
export function nextSeq(db: Database, year: number): number {
  const row = db
    .prepare(
      `INSERT INTO case_counters (year, last_seq) VALUES (?, 1)
       ON CONFLICT(year) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
    )
    .get(year) as { last_seq: number };
  return row.last_seq;
}

export interface NewCase {
  number: string;
  year: number;
  seq: number;
  needsReview: boolean;
  receivedAt: string;
  registeredBy: string;
  complainantName: string | null;
  complainantEmail: string | null;
  complainantType: ComplainantType;
  subject: string;
  description: string;
  linkedCaseId: number | null;
  procedure: string;
  locale: 'nl' | 'en';
  contactDueAt: string | null;
  feedbackDueAt: string | null;
  now: string;
}

export function insertCase(db: Database, c: NewCase): number {
  const info = statement(
    db,
    `INSERT INTO cases (number, year, seq, status, needs_review, received_at, registered_by, complainant_name,
        complainant_email, complainant_type, subject, description, linked_case_id, procedure, locale,
        contact_due_at, feedback_due_at, created_at, updated_at)
       VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.number,
    c.year,
    c.seq,
    c.needsReview ? 1 : 0,
    c.receivedAt,
    c.registeredBy,
    c.complainantName,
    c.complainantEmail,
    c.complainantType,
    c.subject,
    c.description,
    c.linkedCaseId,
    c.procedure,
    c.locale,
    c.contactDueAt,
    c.feedbackDueAt,
    c.now,
    c.now,
  );
  return Number(info.lastInsertRowid);
}

export function getCaseById(db: Database, id: number): CaseRow | null {
  const row = statement(db, `${SELECT} WHERE id = ?`).get(id);
  return row ? fix(row) : null;
}

export function getCaseByNumber(db: Database, number: string): CaseRow | null {
  const row = statement(db, `${SELECT} WHERE number = ?`).get(number.toUpperCase());
  return row ? fix(row) : null;
}

/** Cases received in [from, to), oldest first: the register of a period. */
export function casesReceivedBetween(db: Database, from: string, to: string): CaseRow[] {
  return db
    .prepare(`${SELECT} WHERE received_at >= ? AND received_at < ? ORDER BY received_at, id`)
    .all(from, to)
    .map(fix);
}

export function listCases(db: Database, filter: { status?: CaseStatus | undefined }): CaseRow[] {
  const rows = filter.status
    ? db.prepare(`${SELECT} WHERE status = ? ORDER BY received_at, id`).all(filter.status)
    : db.prepare(`${SELECT} ORDER BY received_at, id`).all();
  return rows.map(fix);
}

export function setCaseStatus(db: Database, id: number, status: CaseStatus, now: string): void {
  db.prepare(
    `UPDATE cases SET status = ?, updated_at = ?, closed_at = CASE WHEN ? = 'closed' THEN ? ELSE NULL END WHERE id = ?`,
  ).run(status, now, status, now, id);
}

export function touchCase(db: Database, id: number, now: string): void {
  db.prepare(`UPDATE cases SET updated_at = ? WHERE id = ?`).run(now, id);
}
