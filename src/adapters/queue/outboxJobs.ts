import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { OutboxJobs } from '../../usecases/reconcileOutbox.js';

export const OUTBOX_QUEUE = 'klachtenbus-outbox';

/** The payload of a send job: only the outbox row's id, never mail content. */
export interface SendJobData {
  outboxId: number;
}

export interface OutboxQueueOptions {
  attempts: number;
  backoffMs: number;
  /** Redis key prefix, so instances sharing a Redis never see each other's jobs. */
  prefix: string;
}

/**
 * The queue of send jobs. One job per outbox row, with the deterministic id `outbox-<id>`, so adding
 * it twice (after a restart, by the reconciler) is harmless. Finished jobs are removed: the row in
 * SQLite records the outcome, and a removed job can be added again for a row still pending.
 */
export class OutboxQueue implements OutboxJobs {
  private readonly queue: Queue<SendJobData>;

  constructor(
    connection: Redis,
    private readonly opts: OutboxQueueOptions,
  ) {
    this.queue = new Queue<SendJobData>(OUTBOX_QUEUE, { connection, prefix: opts.prefix });
  }

  async enqueue(outboxId: number, delayMs = 0): Promise<void> {
    await this.queue.add(
      'send',
      { outboxId },
      {
        jobId: `outbox-${outboxId}`,
        attempts: this.opts.attempts,
        backoff: { type: 'exponential', delay: this.opts.backoffMs },
        delay: Math.max(0, delayMs),
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** Thrown by the processor to have BullMQ retry the job after its backoff. */
export class RetryLater extends Error {}

/** Runs send jobs. `perform` decides; throwing RetryLater asks for another attempt. */
export function startOutboxWorker(
  connection: Redis,
  opts: { concurrency: number; prefix: string },
  perform: (data: SendJobData, job: Job<SendJobData>) => Promise<void>,
): Worker<SendJobData> {
  return new Worker<SendJobData>(OUTBOX_QUEUE, (job) => perform(job.data, job), {
    connection,
    concurrency: opts.concurrency,
    prefix: opts.prefix,
  });
}
