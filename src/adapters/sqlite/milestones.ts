import type { Database } from 'better-sqlite3';
import { statement } from './statements.js';
import type { DeadlineState } from '../../domain/notifications.js';

interface Row {
  id: number;
  number: string;
  status: string;
  contactDueAt: string | null;
  contactAt: string | null;
  feedbackDueAt: string | null;
  feedbackAt: string | null;
  solutionDueAt: string | null;
  solutionAt: string | null;
}

const SELECT = `SELECT id, number, status, contact_due_at AS contactDueAt, contact_at AS contactAt,
  feedback_due_at AS feedbackDueAt, feedback_at AS feedbackAt, solution_due_at AS solutionDueAt,
  solution_at AS solutionAt FROM cases`;

const date = (s: string | null) => (s ? new Date(s) : null);

function toState(r: Row): DeadlineState {
  return {
    caseId: r.id,
    caseNumber: r.number,
    open: r.status === 'open',
    milestones: [
      { milestone: 'contact', dueAt: date(r.contactDueAt), doneAt: date(r.contactAt) },
      { milestone: 'feedback', dueAt: date(r.feedbackDueAt), doneAt: date(r.feedbackAt) },
      { milestone: 'solution', dueAt: date(r.solutionDueAt), doneAt: date(r.solutionAt) },
    ],
  };
}

/** The deadline state of every open case (what the scheduler plans from). */
export function openDeadlineStates(db: Database): DeadlineState[] {
  return (db.prepare(`${SELECT} WHERE status = 'open' ORDER BY id`).all() as Row[]).map(toState);
}

export function deadlineStateOf(db: Database, caseId: number): DeadlineState | null {
  const row = statement(db, `${SELECT} WHERE id = ?`).get(caseId) as Row | undefined;
  return row ? toState(row) : null;
}

export function setContact(db: Database, caseId: number, at: string, by: string): void {
  db.prepare(`UPDATE cases SET contact_at = ?, contact_by = ?, updated_at = ? WHERE id = ?`).run(at, by, at, caseId);
}

/** Feedback with a solution (solution given now) or with the date a solution will come. */
export function setFeedback(
  db: Database,
  caseId: number,
  at: string,
  by: string,
  f: { solution: string } | { expectedAt: string },
): void {
  if ('solution' in f)
    db.prepare(
      `UPDATE cases SET feedback_at = COALESCE(feedback_at, ?), feedback_by = COALESCE(feedback_by, ?), solution = ?,
       solution_at = ?, updated_at = ? WHERE id = ?`,
    ).run(at, by, f.solution, at, at, caseId);
  else
    db.prepare(
      `UPDATE cases SET feedback_at = COALESCE(feedback_at, ?), feedback_by = COALESCE(feedback_by, ?),
       solution_due_at = ?, updated_at = ? WHERE id = ?`,
    ).run(at, by, f.expectedAt, at, caseId);
}

export function setHandler(db: Database, caseId: number, handler: string, at: string): void {
  db.prepare(`UPDATE cases SET handler = ?, updated_at = ? WHERE id = ?`).run(handler, at, caseId);
}
