import { setCaseStatus } from '../../src/adapters/sqlite/cases.js';
import { DEFAULT_POLICY } from '../../src/domain/notifications.js';
import { reconcileDeadlines, refreshCaseJobs, type DeadlineJobs } from '../../src/usecases/reconcileDeadlines.js';
import { recordContact } from '../../src/usecases/recordMilestone.js';
import { registerCase } from '../../src/usecases/registerCase.js';
import { intakeHarness, PROCEDURE } from '../support/intakeHarness.js';

/** An in-memory queue with the semantics reconcile relies on: adding an existing id does nothing. */
class FakeJobs implements DeadlineJobs {
  jobs = new Map<string, number>();
  constructor(private readonly clockMs: () => number) {}
  async schedule(data: { key: string }, delayMs: number) {
    if (!this.jobs.has(data.key)) this.jobs.set(data.key, this.clockMs() + Math.max(0, delayMs));
  }
  async pendingJobs() {
    return [...this.jobs].map(([id, runAtMs]) => ({ id, runAtMs }));
  }
  async remove(id: string) {
    this.jobs.delete(id);
  }
}

describe('reconcileDeadlines', () => {
  const now = new Date('2026-11-24T09:00:00Z'); // Tue 10:00 Amsterdam, the case's receipt
  function setup() {
    const h = intakeHarness({}, now);
    registerCase(h.deps, { email: 'a@k.test', name: 'A', description: 'x', by: 'Jan', acknowledge: false });
    return h;
  }

  test('schedules every notification once; a second pass changes nothing', async () => {
    const h = setup();
    const jobs = new FakeJobs(() => now.getTime());
    const first = await reconcileDeadlines(h.db, jobs, PROCEDURE.calendar, DEFAULT_POLICY, now, now.getTime());
    expect(first).toEqual({ scheduled: 6, removed: 0, moved: 0 }); // contact and feedback × 3 kinds
    // Contact due Thu 26 Nov 10:00: the reminder at 08:30 that day.
    expect(jobs.jobs.get([...jobs.jobs.keys()].find((k) => k.includes('.contact.reminder.'))!)).toBe(
      Date.parse('2026-11-26T08:30:00+01:00'),
    );
    const second = await reconcileDeadlines(h.db, jobs, PROCEDURE.calendar, DEFAULT_POLICY, now, now.getTime());
    expect(second).toEqual({ scheduled: 0, removed: 0, moved: 0 });
  });

  test('a policy change that moves a notification reschedules it; a closed case loses its jobs', async () => {
    const h = setup();
    const jobs = new FakeJobs(() => now.getTime());
    await reconcileDeadlines(h.db, jobs, PROCEDURE.calendar, DEFAULT_POLICY, now, now.getTime());
    const lateReminders = { ...DEFAULT_POLICY, reminder: { leadBusinessHours: 1, atStartOfDueDay: false } };
    const r = await reconcileDeadlines(h.db, jobs, PROCEDURE.calendar, lateReminders, now, now.getTime());
    expect(r).toEqual({ scheduled: 2, removed: 0, moved: 2 });
    const reminder = [...jobs.jobs].find(([k]) => k.includes('.contact.reminder.'))!;
    expect(reminder[1]).toBe(Date.parse('2026-11-26T09:00:00+01:00'));

    setCaseStatus(h.db, 1, 'closed', now.toISOString());
    expect(await reconcileDeadlines(h.db, jobs, PROCEDURE.calendar, DEFAULT_POLICY, now, now.getTime())).toEqual({
      scheduled: 0,
      removed: 6,
      moved: 0,
    });
  });
});

describe('recomputeDeadlines', () => {
  test('only for profiles that ask; recorded milestones keep their deadline; audited', async () => {
    const { recomputeDeadlines } = await import('../../src/usecases/recomputeDeadlines.js');
    const { recordContact } = await import('../../src/usecases/recordMilestone.js');
    const now = new Date('2026-11-24T09:00:00Z');
    const h = intakeHarness({}, now);
    registerCase(h.deps, { email: 'a@k.test', name: 'A', description: 'x', by: 'Jan', acknowledge: false });
    registerCase(h.deps, { email: 'b@k.test', name: 'B', description: 'y', by: 'Jan', acknowledge: false });
    recordContact(h.db, 'KL-2026-0002', 'Jan', null, now);
    const longer = { contact: { workingDays: 3 }, feedback: { workingDays: 10 } };
    expect(recomputeDeadlines(h.db, { default: { rules: longer, recompute: false } }, PROCEDURE.calendar, now)).toBe(0);
    expect(recomputeDeadlines(h.db, { default: { rules: longer, recompute: true } }, PROCEDURE.calendar, now)).toBe(2);
    const rows = h.db.prepare('SELECT contact_due_at AS c, feedback_due_at AS f FROM cases ORDER BY id').all();
    expect(rows).toEqual([
      { c: '2026-11-27T09:00:00.000Z', f: '2026-12-08T09:00:00.000Z' }, // Fri 27 Nov; Tue 8 Dec
      { c: '2026-11-26T09:00:00.000Z', f: '2026-12-08T09:00:00.000Z' }, // contact recorded: unchanged
    ]);
    expect(h.db.prepare(`SELECT COUNT(*) FROM events WHERE type = 'case.deadlines-recomputed'`).pluck().get()).toBe(2);
  });
});

describe('refreshCaseJobs', () => {
  const now = new Date('2026-11-24T09:00:00Z');

  test('refreshing one case after a milestone removes its stale jobs at once and leaves other cases alone', async () => {
    const h = intakeHarness({}, now);
    registerCase(h.deps, { email: 'a@k.test', name: 'A', description: 'x', by: 'Jan', acknowledge: false });
    registerCase(h.deps, { email: 'b@k.test', name: 'B', description: 'y', by: 'Jan', acknowledge: false });
    const jobs = new FakeJobs(() => now.getTime());
    await reconcileDeadlines(h.db, jobs, PROCEDURE.calendar, DEFAULT_POLICY, now, now.getTime());
    expect(jobs.jobs.size).toBe(12);
    recordContact(h.db, 'KL-2026-0001', 'Jan', null, now);
    const r = await refreshCaseJobs(h.db, jobs, PROCEDURE.calendar, DEFAULT_POLICY, 1, now);
    expect(r).toEqual({ scheduled: 3, removed: 3 }); // the feedback jobs stay (scheduling them again is a no-op)
    const ids = [...jobs.jobs.keys()];
    expect(ids.filter((k) => k.startsWith('KL-2026-0001.contact.'))).toEqual([]);
    expect(ids.filter((k) => k.startsWith('KL-2026-0001.feedback.'))).toHaveLength(3);
    expect(ids.filter((k) => k.startsWith('KL-2026-0002.'))).toHaveLength(6);
    expect(await refreshCaseJobs(h.db, jobs, PROCEDURE.calendar, DEFAULT_POLICY, 99, now)).toEqual({
      scheduled: 0,
      removed: 0,
    });
  });
});
