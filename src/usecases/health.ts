import type { Database } from 'better-sqlite3';
import type { NotificationPolicy } from '../domain/notifications.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';
import { wantedNotifications } from './reconcileDeadlines.js';

export interface HealthReport {
  ok: boolean;
  /** The oldest reminder or escalation that should have been queued by now and was not. */
  scheduling: { ok: boolean; oldestOverdue: { key: string; fireAt: string } | null };
  /** The oldest mail that should have gone out by now and is still pending. */
  sending: { ok: boolean; oldestPending: { id: number; notBefore: string } | null };
  /** The last complete pass over the mailbox. */
  intake: { ok: boolean; lastSyncAt: string | null };
  /** Connections whose sign-in (OAuth2 token) keeps failing. */
  auth: { ok: boolean; failing: Array<{ connection: string; since: string; failures: number; error: string }> };
}

/**
 * Health from the system of record, not from pings: a Redis ping stays green while workers are
 * stuck, so this compares what SQLite says should have happened by now with what did.
 */
export function checkHealth(
  db: Database,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
  now: Date,
  opts: { graceMinutes: number; intakeStaleMinutes: number },
): HealthReport {
  const cutoff = now.getTime() - opts.graceMinutes * 60_000;
  const late = wantedNotifications(db, cal, policy)
    .filter((n) => n.fireAt.getTime() < cutoff)
    .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime())[0];
  const pending = db
    .prepare(
      `SELECT id, not_before AS notBefore FROM outbox WHERE status IN ('pending', 'sending') AND not_before < ?
       ORDER BY not_before LIMIT 1`,
    )
    .get(new Date(cutoff).toISOString()) as { id: number; notBefore: string } | undefined;
  const lastSyncAt = db.prepare(`SELECT MAX(last_full_sync_at) FROM mailbox_state`).pluck().get() as string | null;
  const intakeOk = lastSyncAt === null || now.getTime() - Date.parse(lastSyncAt) < opts.intakeStaleMinutes * 60_000;
  const failing = db
    .prepare(
      `SELECT connection, failing_since AS since, failures, last_error AS error FROM auth_state ORDER BY connection`,
    )
    .all() as HealthReport['auth']['failing'];
  const report = {
    auth: { ok: failing.length === 0, failing },
    scheduling: { ok: !late, oldestOverdue: late ? { key: late.key, fireAt: late.fireAt.toISOString() } : null },
    sending: { ok: !pending, oldestPending: pending ?? null },
    intake: { ok: intakeOk, lastSyncAt },
  };
  return { ok: report.scheduling.ok && report.sending.ok && report.intake.ok && report.auth.ok, ...report };
}
