import type { Database } from 'better-sqlite3';
import type { Worker } from 'bullmq';
import type { Logger } from '../adapters/logger.js';
import { OutboxQueue, RetryLater, startOutboxWorker } from '../adapters/queue/outboxJobs.js';
import { checkEvictionPolicy, redisConnection } from '../adapters/queue/redis.js';
import { SmtpSender } from '../adapters/smtp/smtpSender.js';
import type { TokenSource } from '../adapters/oauth/tokenProvider.js';
import type { Config } from '../config/schema.js';
import { coerceError } from '../errors.js';
import { reconcileOutbox } from '../usecases/reconcileOutbox.js';
import { sendOutboxMail } from '../usecases/sendOutboxMail.js';

export interface OutboxRunner {
  /** Hands freshly committed rows to the queue (best effort: the reconciler catches up). */
  dispatch(ids: number[]): void;
  stop(): Promise<void>;
}

/**
 * Sends the outbox: BullMQ jobs on Redis, nodemailer to SMTP, and a reconciler that rebuilds the
 * jobs from SQLite at start and every `mail.reconcileIntervalSeconds`.
 */
export function startOutboxRunner(
  config: Config,
  db: Database,
  log: Logger,
  now: () => Date,
  smtpTokens?: TokenSource,
): OutboxRunner {
  const redisUrl = config.redis.url!;
  const producer = redisConnection(redisUrl, 'producer', log);
  const consumer = redisConnection(redisUrl, 'worker', log);
  void checkEvictionPolicy(producer, log);
  const queue = new OutboxQueue(producer, {
    attempts: config.mail.attempts,
    backoffMs: config.mail.backoffMs,
    prefix: config.redis.prefix,
  });
  const sender = new SmtpSender({ url: config.smtp.url!, tokens: smtpTokens });
  const opts = { resendAmbiguous: config.mail.resendAmbiguous };

  const worker: Worker = startOutboxWorker(
    consumer,
    { concurrency: config.mail.concurrency, prefix: config.redis.prefix },
    async ({ outboxId }, job) => {
      const result = await sendOutboxMail(db, sender, outboxId, now, opts);
      log.info(
        { event: `outbox.${result}`, outboxId, attempt: job.attemptsMade + 1 },
        `outbox mail ${outboxId}: ${result}`,
      );
      if (result === 'retry') throw new RetryLater(`outbox mail ${outboxId}: will retry`);
    },
  );
  worker.on('error', (err) => log.warn({ event: 'outbox.worker.error', err: err.message }, 'outbox worker error'));

  let reconciling: Promise<void> | null = null;
  const reconcile = () => {
    reconciling ??= reconcileOutbox(db, queue, now(), {
      sendingTimeoutSeconds: config.mail.sendingTimeoutSeconds,
      resendAmbiguous: config.mail.resendAmbiguous,
    })
      .then((r) => {
        if (r.enqueued > 0 || r.staleSending > 0) log.info({ event: 'outbox.reconciled', ...r }, 'outbox reconciled');
      })
      .catch((err: unknown) =>
        log.warn({ event: 'outbox.reconcile.failed', err: coerceError(err).message }, 'outbox reconcile failed'),
      )
      .finally(() => (reconciling = null));
  };
  reconcile();
  const timer = setInterval(reconcile, config.mail.reconcileIntervalSeconds * 1000);

  return {
    dispatch(ids) {
      for (const id of ids)
        queue
          .enqueue(id)
          .catch((err: unknown) =>
            log.warn({ event: 'outbox.enqueue.failed', outboxId: id, err: coerceError(err).message }, 'queued later'),
          );
    },
    async stop() {
      clearInterval(timer);
      await reconciling;
      await worker.close();
      await queue.close();
      sender.close();
      producer.disconnect();
      consumer.disconnect();
    },
  };
}
