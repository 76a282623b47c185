import type { Database } from 'better-sqlite3';
import type { Worker } from 'bullmq';
import type { Logger } from '../adapters/logger.js';
import { DeadlineQueue, startDeadlineWorker } from '../adapters/queue/deadlineJobs.js';
import { redisConnection } from '../adapters/queue/redis.js';
import type { Config } from '../config/schema.js';
import { coerceError } from '../errors.js';
import { reconcileDeadlines, refreshCaseJobs, scheduleCase } from '../usecases/reconcileDeadlines.js';
import { sendDeadlineNotification, type DeadlineDeps } from '../usecases/sendDeadlineNotification.js';

export interface DeadlineRunner {
  /** Plans the jobs of one case now (after it was registered), instead of at the next reconcile. */
  scheduleCase(caseId: number): void;
  /** Removes the jobs a change made unnecessary and plans new ones, now. */
  refreshCase(caseId: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reminders and escalations: delayed BullMQ jobs, planned from SQLite at start and every
 * `mail.reconcileIntervalSeconds`. A job that fires re-reads the case and queues the mail in the
 * outbox; `dispatch` hands it to the outbox sender.
 */
export function startDeadlineRunner(
  config: Config,
  db: Database,
  deps: DeadlineDeps,
  log: Logger,
  now: () => Date,
  dispatch: (outboxIds: number[]) => void,
): DeadlineRunner {
  const producer = redisConnection(config.redis.url!, 'producer', log);
  const consumer = redisConnection(config.redis.url!, 'worker', log);
  const queue = new DeadlineQueue(producer, config.redis.prefix);

  const worker: Worker = startDeadlineWorker(consumer, config.redis.prefix, async (data) => {
    const r = sendDeadlineNotification(db, deps, data.key, data.caseId, now());
    log.info({ event: `deadline.${r.result}`, key: data.key }, `deadline notification ${data.key}: ${r.result}`);
    if (r.result === 'queued') dispatch([r.outboxId]);
    // 'early': this job's id is still taken while it runs; the next reconcile schedules it again.
  });
  worker.on('error', (err) => log.warn({ event: 'deadline.worker.error', err: err.message }, 'deadline worker error'));

  let running: Promise<void> | null = null;
  let again = false;
  const reconcile = (): void => {
    if (running) {
      again = true; // a case registered during a pass is planned right after it
      return;
    }
    running = reconcileDeadlines(db, queue, deps.calendar, deps.policy, now())
      .then((r) => log.debug({ event: 'deadline.reconciled', ...r }, 'deadline jobs reconciled'))
      .catch((err: unknown) =>
        log.warn({ event: 'deadline.reconcile.failed', err: coerceError(err).message }, 'deadline reconcile failed'),
      )
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          reconcile();
        }
      });
  };
  reconcile();
  const timer = setInterval(reconcile, config.deadlines.reconcileIntervalSeconds * 1000);

  return {
    scheduleCase(caseId) {
      scheduleCase(db, queue, deps.calendar, deps.policy, caseId, now()).catch((err: unknown) =>
        log.warn(
          { event: 'deadline.schedule.failed', caseId, err: coerceError(err).message },
          'planned at next reconcile',
        ),
      );
    },
    async refreshCase(caseId) {
      try {
        const r = await refreshCaseJobs(db, queue, deps.calendar, deps.policy, caseId, now());
        log.info({ event: 'deadline.refreshed', caseId, ...r }, 'deadline jobs of a case refreshed');
      } catch (err: unknown) {
        log.warn(
          { event: 'deadline.refresh.failed', caseId, err: coerceError(err).message },
          'refreshed at next reconcile',
        );
      }
    },
    async stop() {
      clearInterval(timer);
      await running;
      await worker.close();
      await queue.close();
      producer.disconnect();
      consumer.disconnect();
    },
  };
}
