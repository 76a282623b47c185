import type { Database } from 'better-sqlite3';
import { appendEvent } from '../adapters/sqlite/events.js';
import { computeDeadlines, type DeadlineRules } from '../domain/deadlines.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';

/**
 * Recomputes the deadlines of the open cases of the profiles that ask for it (`recomputeDeadlines`),
 * from their receipt time, with today's rules and calendar. Deadlines of milestones already
 * recorded stay as they were. Each change is an audited event. Returns the number of cases changed.
 */
export function recomputeDeadlines(
  db: Database,
  profiles: Record<string, { rules: DeadlineRules; recompute: boolean }>,
  cal: WorkingCalendar,
  now: Date,
): number {
  const names = Object.entries(profiles)
    .filter(([, p]) => p.recompute)
    .map(([n]) => n);
  if (names.length === 0) return 0;
  const rows = db
    .prepare(
      `SELECT id, procedure, received_at AS receivedAt, contact_due_at AS contactDueAt, feedback_due_at AS feedbackDueAt,
         contact_at AS contactAt, feedback_at AS feedbackAt
       FROM cases WHERE status = 'open' AND procedure IN (${names.map(() => '?').join(',')})`,
    )
    .all(...names) as Array<{
    id: number;
    procedure: string;
    receivedAt: string;
    contactDueAt: string | null;
    feedbackDueAt: string | null;
    contactAt: string | null;
    feedbackAt: string | null;
  }>;
  const update = db.prepare(`UPDATE cases SET contact_due_at = ?, feedback_due_at = ?, updated_at = ? WHERE id = ?`);
  let changed = 0;
  db.transaction(() => {
    for (const r of rows) {
      const due = computeDeadlines(cal, new Date(r.receivedAt), profiles[r.procedure]!.rules);
      const contact = r.contactAt ? r.contactDueAt : due.contact.toISOString();
      const feedback = r.feedbackAt ? r.feedbackDueAt : due.feedback.toISOString();
      if (contact === r.contactDueAt && feedback === r.feedbackDueAt) continue;
      update.run(contact, feedback, now.toISOString(), r.id);
      appendEvent(db, {
        caseId: r.id,
        at: now.toISOString(),
        actor: 'scheduler',
        type: 'case.deadlines-recomputed',
        data: { contact: { from: r.contactDueAt, to: contact }, feedback: { from: r.feedbackDueAt, to: feedback } },
      });
      changed++;
    }
  })();
  return changed;
}
