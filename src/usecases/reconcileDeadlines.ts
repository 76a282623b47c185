import type { Database } from 'better-sqlite3';
import { deadlineStateOf, openDeadlineStates } from '../adapters/sqlite/milestones.js';
import {
  planNotificationsRemembered,
  type NotificationPolicy,
  type PlannedNotification,
} from '../domain/notifications.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';

/** What reconciling needs from the deadline queue. Scheduling a job that exists must be harmless. */
export interface DeadlineJobs {
  schedule(data: { key: string; caseId: number; milestone: string; kind: string }, delayMs: number): Promise<void>;
  pendingJobs(): Promise<Array<{ id: string; runAtMs: number }>>;
  remove(id: string): Promise<void>;
}

/** Every notification that open cases still need (planned, and not yet queued in the outbox). */
export function wantedNotifications(
  db: Database,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
): PlannedNotification[] {
  const notQueued = notQueuedYet(db);
  return openDeadlineStates(db).flatMap((s) => planNotificationsRemembered(s, cal, policy).filter(notQueued));
}

/** A filter: notifications whose mail is not in the outbox yet (a fired job queues it there). */
function notQueuedYet(db: Database): (n: PlannedNotification) => boolean {
  const queued = db.prepare(`SELECT 1 FROM outbox WHERE idempotency_key = ?`).pluck();
  return (n) => queued.get(n.key) === undefined;
}

/** One case's number and the notifications it still needs; null for an unknown case. */
function wantedForCase(
  db: Database,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
  caseId: number,
): { caseNumber: string; wanted: PlannedNotification[] } | null {
  const state = deadlineStateOf(db, caseId);
  if (!state) return null;
  return {
    caseNumber: state.caseNumber,
    wanted: planNotificationsRemembered(state, cal, policy).filter(notQueuedYet(db)),
  };
}

/** Schedules each notification as a delayed job (its key is the job id: scheduling one that exists is harmless). */
async function scheduleAll(
  jobs: Pick<DeadlineJobs, 'schedule'>,
  wanted: PlannedNotification[],
  now: Date,
): Promise<void> {
  for (const n of wanted)
    await jobs.schedule(
      { key: n.key, caseId: n.caseId, milestone: n.milestone, kind: n.kind },
      n.fireAt.getTime() - now.getTime(),
    );
}

/** Schedules the notifications of one case (just registered, say), without a full pass. */
export async function scheduleCase(
  db: Database,
  jobs: Pick<DeadlineJobs, 'schedule'>,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
  caseId: number,
  now: Date,
): Promise<number> {
  const plan = wantedForCase(db, cal, policy, caseId);
  if (!plan) return 0;
  await scheduleAll(jobs, plan.wanted, now);
  return plan.wanted.length;
}

/**
 * Makes Redis match SQLite: a job for every wanted notification (after Redis restarted empty or was
 * flushed, or a case was registered by another process), and no job for what is no longer wanted
 * (milestone recorded, case closed, deadline changed). Run at start and periodically.
 */
export async function reconcileDeadlines(
  db: Database,
  jobs: DeadlineJobs,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
  now: Date,
  /** The queue's clock (epoch ms) at `now`; differs from `now` only when the clock is set (tests, demos). */
  queueNowMs: number = Date.now(),
): Promise<{ scheduled: number; removed: number; moved: number }> {
  const wanted = wantedNotifications(db, cal, policy);
  const wantedKeys = new Map(wanted.map((n) => [n.key, n]));
  let removed = 0;
  let moved = 0;
  const pending = new Map<string, number>();
  for (const job of await jobs.pendingJobs()) {
    const n = wantedKeys.get(job.id);
    if (!n) {
      await jobs.remove(job.id);
      removed++;
      continue;
    }
    // Same notification, other moment (the policy changed, or the clock was set): schedule anew.
    const runAt = queueNowMs + (n.fireAt.getTime() - now.getTime());
    if (Math.abs(job.runAtMs - runAt) > 5000 && job.runAtMs > queueNowMs) {
      await jobs.remove(job.id);
      moved++;
    } else pending.set(job.id, job.runAtMs);
  }
  const missing = wanted.filter((n) => !pending.has(n.key));
  await scheduleAll(jobs, missing, now);
  return { scheduled: missing.length, removed, moved };
}

/**
 * Makes one case's jobs match SQLite right after a change (a milestone recorded in the web
 * workspace, the case closed or reopened): jobs no longer wanted are removed at once, new ones
 * scheduled. The periodic reconcile would do the same, later.
 */
export async function refreshCaseJobs(
  db: Database,
  jobs: DeadlineJobs,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
  caseId: number,
  now: Date,
): Promise<{ scheduled: number; removed: number }> {
  const plan = wantedForCase(db, cal, policy, caseId);
  if (!plan) return { scheduled: 0, removed: 0 };
  const wanted = new Set(plan.wanted.map((n) => n.key));
  let removed = 0;
  for (const job of await jobs.pendingJobs()) {
    if (!job.id.startsWith(`${plan.caseNumber}.`) || wanted.has(job.id)) continue;
    await jobs.remove(job.id);
    removed++;
  }
  await scheduleAll(jobs, plan.wanted, now);
  return { scheduled: plan.wanted.length, removed };
}
