import type { Database } from 'better-sqlite3';
import { getCaseByNumber, type CaseRow } from '../adapters/sqlite/cases.js';
import { appendEvent } from '../adapters/sqlite/events.js';
import { setContact, setFeedback, setHandler } from '../adapters/sqlite/milestones.js';
import { KlachtenbusError } from '../errors.js';

/** The case by number, or CASE_NOT_FOUND. */
export function requireCase(db: Database, number: string): CaseRow {
  const c = getCaseByNumber(db, number);
  if (!c) throw new KlachtenbusError('CASE_NOT_FOUND', `no case ${number}`);
  return c;
}

function requireActor(by: string): string {
  const actor = by.trim();
  if (!actor) throw new KlachtenbusError('INPUT_INVALID', 'say who did it (--by)');
  return actor;
}

/**
 * The customer was contacted (Spijtenburg: within two working days). Cancels the contact reminder
 * and escalations: the scheduler re-reads the case before it sends anything.
 */
export function recordContact(db: Database, number: string, by: string, note: string | null, now: Date): CaseRow {
  const actor = requireActor(by);
  return db.transaction(() => {
    const c = requireCase(db, number);
    if (c.contactAt) throw new KlachtenbusError('INPUT_INVALID', `contact was already recorded on ${c.contactAt}`);
    const at = now.toISOString();
    setContact(db, c.id, at, actor);
    appendEvent(db, { caseId: c.id, at, actor, type: 'milestone.contact', data: note ? { note } : {} });
    return requireCase(db, number);
  })();
}

/**
 * Feedback to the customer (StudiJob: within a week): a solution, or when one can be expected.
 * A promised date becomes a deadline of its own ('solution'), with its own reminder.
 */
export function recordFeedback(
  db: Database,
  number: string,
  by: string,
  f: { solution: string } | { expected: Date },
  now: Date,
): CaseRow {
  const actor = requireActor(by);
  return db.transaction(() => {
    const c = requireCase(db, number);
    const at = now.toISOString();
    if ('solution' in f) {
      if (!f.solution.trim()) throw new KlachtenbusError('INPUT_INVALID', 'the solution is empty');
      if (c.solutionAt)
        throw new KlachtenbusError('INPUT_INVALID', `a solution was already recorded on ${c.solutionAt}`);
      setFeedback(db, c.id, at, actor, { solution: f.solution.trim() });
      appendEvent(db, { caseId: c.id, at, actor, type: 'milestone.feedback', data: { solution: f.solution.trim() } });
    } else {
      if (Number.isNaN(f.expected.getTime()))
        throw new KlachtenbusError('INPUT_INVALID', 'the expected date is not a date');
      if (f.expected.getTime() <= now.getTime())
        throw new KlachtenbusError('INPUT_INVALID', 'the expected date must lie in the future');
      if (c.solutionAt)
        throw new KlachtenbusError('INPUT_INVALID', `a solution was already recorded on ${c.solutionAt}`);
      setFeedback(db, c.id, at, actor, { expectedAt: f.expected.toISOString() });
      appendEvent(db, {
        caseId: c.id,
        at,
        actor,
        type: 'milestone.feedback',
        data: { solutionExpectedAt: f.expected.toISOString() },
      });
    }
    return requireCase(db, number);
  })();
}

/** Assigns the handler (klachtenbehandelaar); reminders go to them from now on. */
export function assignHandler(db: Database, number: string, handler: string, by: string, now: Date): CaseRow {
  const actor = requireActor(by);
  if (!handler.trim()) throw new KlachtenbusError('INPUT_INVALID', 'name the handler');
  return db.transaction(() => {
    const c = requireCase(db, number);
    const at = now.toISOString();
    setHandler(db, c.id, handler.trim(), at);
    appendEvent(db, {
      caseId: c.id,
      at,
      actor,
      type: 'case.assigned',
      data: { handler: handler.trim(), previous: c.handler },
    });
    return requireCase(db, number);
  })();
}

/** The complaint was discussed with the employee concerned (Spijtenburg: "Bespreking medewerker"). */
export function recordDiscussion(
  db: Database,
  number: string,
  d: { employee: string; at: Date; note: string | null },
  by: string,
  now: Date,
): CaseRow {
  const actor = requireActor(by);
  if (!d.employee.trim()) throw new KlachtenbusError('INPUT_INVALID', 'name the employee (--with)');
  if (d.at.getTime() > now.getTime() + 60_000)
    throw new KlachtenbusError('INPUT_INVALID', 'the discussion lies in the future');
  return db.transaction(() => {
    const c = requireCase(db, number);
    const at = now.toISOString();
    db.prepare(
      `UPDATE cases SET discussed_with = ?, discussed_at = ?, discussed_note = ?, updated_at = ? WHERE id = ?`,
    ).run(d.employee.trim(), d.at.toISOString(), d.note, at, c.id);
    appendEvent(db, {
      caseId: c.id,
      at,
      actor,
      type: 'milestone.discussed',
      data: { with: d.employee.trim(), at: d.at.toISOString(), note: d.note },
    });
    return requireCase(db, number);
  })();
}
