import type { Database } from 'better-sqlite3';
import type { CaseRow } from '../adapters/sqlite/cases.js';
import { appendEvent } from '../adapters/sqlite/events.js';
import { KlachtenbusError } from '../errors.js';
import { requireCase } from './recordMilestone.js';

export type CloseRequirement = 'solution' | 'cause' | 'measures' | 'discussed' | 'category' | 'internal-communication';

/** The requirements of its procedure that a case does not meet yet (pure). */
export function unmetRequirements(c: CaseRow, requires: CloseRequirement[]): CloseRequirement[] {
  const met: Record<CloseRequirement, boolean> = {
    solution: Boolean(c.solution),
    cause: Boolean(c.cause),
    measures: Boolean(c.controlMeasures || c.structuralSolution || c.preventiveMeasures),
    discussed: Boolean(c.discussedWith),
    category: Boolean(c.category),
    'internal-communication': Boolean(c.internalCommunication),
  };
  return requires.filter((r) => !met[r]);
}

const CLI_WORDS: Record<CloseRequirement, string> = {
  solution: 'the solution (cases feedback --solution)',
  cause: 'the cause (cases set --cause)',
  measures: 'the measures (cases set --control-measures, --structural-solution or --preventive-measures)',
  discussed: 'the discussion with the employee (cases discussed)',
  category: 'the category (cases set --category)',
  'internal-communication': 'how it is communicated internally (cases set --internal-communication)',
};

/** What a case still lacks before its procedure allows closing it, in the CLI's words (pure). */
export function missingForClose(c: CaseRow, requires: CloseRequirement[]): string[] {
  return unmetRequirements(c, requires).map((r) => CLI_WORDS[r]);
}

/**
 * Closes a case when it has been handled: the procedure's requirements are checked and every
 * missing item is named at once. Records the customer's satisfaction and who closed it.
 */
export function closeCase(
  db: Database,
  number: string,
  by: string,
  satisfaction: 'satisfied' | 'not-satisfied' | 'unknown',
  requires: (procedure: string) => CloseRequirement[],
  now: Date,
): CaseRow {
  const actor = by.trim();
  if (!actor) throw new KlachtenbusError('INPUT_INVALID', 'say who closes the case (--by)');
  return db.transaction(() => {
    const c = requireCase(db, number);
    if (c.status === 'closed') throw new KlachtenbusError('INPUT_INVALID', `${c.number} is already closed`);
    const missing = missingForClose(c, requires(c.procedure));
    if (missing.length > 0)
      throw new KlachtenbusError(
        'INPUT_INVALID',
        `${c.number} cannot be closed yet; the ${c.procedure} procedure asks for:\n${missing.map((m) => `  - ${m}`).join('\n')}`,
      );
    const at = now.toISOString();
    db.prepare(
      `UPDATE cases SET status = 'closed', closed_at = ?, closed_by = ?, satisfaction = ?, updated_at = ? WHERE id = ?`,
    ).run(at, actor, satisfaction, at, c.id);
    appendEvent(db, { caseId: c.id, at, actor, type: 'case.closed', data: { satisfaction } });
    return requireCase(db, number);
  })();
}

/** Reopens a closed case (e.g. the customer comes back); its open milestones are due again. */
export function reopenCase(db: Database, number: string, by: string, reason: string | null, now: Date): CaseRow {
  const actor = by.trim();
  if (!actor) throw new KlachtenbusError('INPUT_INVALID', 'say who reopens the case (--by)');
  return db.transaction(() => {
    const c = requireCase(db, number);
    if (c.status === 'open') throw new KlachtenbusError('INPUT_INVALID', `${c.number} is open`);
    const at = now.toISOString();
    db.prepare(`UPDATE cases SET status = 'open', closed_at = NULL, closed_by = NULL, updated_at = ? WHERE id = ?`).run(
      at,
      c.id,
    );
    appendEvent(db, { caseId: c.id, at, actor, type: 'case.reopened', data: reason ? { reason } : {} });
    return requireCase(db, number);
  })();
}

/** A note on the case's timeline (oral communication, a phone call, anything worth keeping). */
export function addNote(db: Database, number: string, by: string, text: string, now: Date): void {
  if (!by.trim()) throw new KlachtenbusError('INPUT_INVALID', 'say who writes the note (--by)');
  if (!text.trim()) throw new KlachtenbusError('INPUT_INVALID', 'the note is empty');
  db.transaction(() => {
    const c = requireCase(db, number);
    appendEvent(db, {
      caseId: c.id,
      at: now.toISOString(),
      actor: by.trim(),
      type: 'case.note',
      data: { text: text.trim() },
    });
  })();
}
