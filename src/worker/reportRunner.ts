import type { Database } from 'better-sqlite3';
import { Queue, Worker } from 'bullmq';
import type { Logger } from '../adapters/logger.js';
import { redisConnection } from '../adapters/queue/redis.js';
import type { Config } from '../config/schema.js';
import { coerceError } from '../errors.js';
import { deliverDueReports, type ReportDeliveryDeps } from '../usecases/deliverReports.js';

export const REPORT_QUEUE = 'klachtenbus-reports';

/**
 * The scheduled reports: a BullMQ repeatable job (a job scheduler, upserted at every start, so it
 * exists once) checks every `reports.checkIntervalSeconds` whether a quarterly or yearly report is
 * due; `deliverDueReports` makes sure each period is sent once.
 */
export async function startReportRunner(
  config: Config,
  db: Database,
  deps: ReportDeliveryDeps,
  log: Logger,
  now: () => Date,
  dispatch: (ids: number[]) => void,
): Promise<{ stop(): Promise<void> }> {
  const producer = redisConnection(config.redis.url!, 'producer', log);
  const consumer = redisConnection(config.redis.url!, 'worker', log);
  const queue = new Queue(REPORT_QUEUE, { connection: producer, prefix: config.redis.prefix });
  const check = () => {
    const ids = deliverDueReports(db, deps, now());
    if (ids.length > 0) {
      log.info({ event: 'report.queued', outboxIds: ids }, 'scheduled report queued');
      dispatch(ids);
    }
  };
  const worker = new Worker(REPORT_QUEUE, async () => check(), {
    connection: consumer,
    prefix: config.redis.prefix,
  });
  worker.on('error', (err) => log.warn({ event: 'report.worker.error', err: err.message }, 'report worker error'));
  try {
    await queue.upsertJobScheduler(
      'report-check',
      { every: config.reports.checkIntervalSeconds * 1000 },
      { name: 'check', opts: { removeOnComplete: true, removeOnFail: true } },
    );
  } catch (err) {
    log.warn({ event: 'report.schedule.failed', err: coerceError(err).message }, 'report job not scheduled (Redis?)');
  }
  try {
    check(); // at start too: a period that ended while the worker was down
  } catch (err) {
    log.warn({ event: 'report.check.failed', err: coerceError(err).message }, 'report check failed');
  }
  return {
    async stop() {
      await worker.close();
      await queue.close();
      producer.disconnect();
      consumer.disconnect();
    },
  };
}
