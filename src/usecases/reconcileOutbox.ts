import type { Database } from 'better-sqlite3';
import { dueOutboxIds, laterOutbox, markFinal, markRetry, staleSendingIds } from '../adapters/sqlite/outbox.js';

/** What reconciling needs from the job queue. Adding a job that exists already must be harmless. */
export interface OutboxJobs {
  enqueue(outboxId: number, delayMs?: number): Promise<void>;
}

export interface ReconcileReport {
  enqueued: number;
  staleSending: number;
}

/**
 * Makes the job queue match SQLite, the system of record: every pending row gets its job (Redis
 * restarted empty, flushed, or jobs that used up their attempts during a long SMTP outage), and a
 * row left 'sending' by a process that died becomes ambiguous (or pending, when resending
 * ambiguous mail is allowed). Run at start and periodically.
 */
export async function reconcileOutbox(
  db: Database,
  jobs: OutboxJobs,
  now: Date,
  opts: { sendingTimeoutSeconds: number; resendAmbiguous: boolean },
): Promise<ReconcileReport> {
  const at = now.toISOString();
  const stale = staleSendingIds(db, new Date(now.getTime() - opts.sendingTimeoutSeconds * 1000).toISOString());
  for (const id of stale) {
    if (opts.resendAmbiguous) markRetry(db, id, 'the sending process stopped before it finished', at);
    else markFinal(db, id, 'ambiguous', 'the sending process stopped before it finished', null, at);
  }
  let enqueued = 0;
  for (const id of dueOutboxIds(db, at)) {
    await jobs.enqueue(id);
    enqueued++;
  }
  for (const later of laterOutbox(db, at)) {
    await jobs.enqueue(later.id, new Date(later.notBefore).getTime() - now.getTime());
    enqueued++;
  }
  return { enqueued, staleSending: stale.length };
}
