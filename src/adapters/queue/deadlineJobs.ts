import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';

export const DEADLINE_QUEUE = 'klachtenbus-deadlines';

/** A notification job: ids and times only, never complaint text. */
export interface DeadlineJobData {
  /** The planned notification's key (also its outbox idempotency key). */
  key: string;
  caseId: number;
  milestone: string;
  kind: string;
}

/**
 * Delayed jobs, one per planned reminder or escalation, with the plan's deterministic key as job id:
 * planning twice is harmless. The SQLite case is the truth; a job only says "look again at this
 * case at this moment".
 */
export class DeadlineQueue {
  private readonly queue: Queue<DeadlineJobData>;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue<DeadlineJobData>(DEADLINE_QUEUE, { connection, prefix });
  }

  async schedule(data: DeadlineJobData, delayMs: number): Promise<void> {
    await this.queue.add('notify', data, {
      jobId: data.key,
      delay: Math.max(0, delayMs),
      attempts: 5,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  /** The jobs still to run (delayed or waiting), with when they will run (epoch ms, Redis' clock). */
  async pendingJobs(): Promise<Array<{ id: string; data: DeadlineJobData; runAtMs: number }>> {
    const jobs = await this.queue.getJobs(['delayed', 'waiting', 'prioritized'], 0, -1);
    return jobs
      .filter((j): j is Job<DeadlineJobData> & { id: string } => Boolean(j?.id))
      .map((j) => ({ id: j.id, data: j.data, runAtMs: j.timestamp + (j.delay ?? 0) }));
  }

  async remove(id: string): Promise<void> {
    await this.queue.remove(id).catch(() => undefined); // an active or just-finished job: it re-checks SQLite
  }

  /** Removes the pending jobs of a case (all of them, or one milestone's). */
  async removeFor(caseId: number, milestone?: string): Promise<number> {
    const doomed = (await this.pendingJobs()).filter(
      (j) => j.data.caseId === caseId && (milestone === undefined || j.data.milestone === milestone),
    );
    for (const j of doomed) await this.remove(j.id);
    return doomed.length;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export function startDeadlineWorker(
  connection: Redis,
  prefix: string,
  perform: (data: DeadlineJobData) => Promise<void>,
): Worker<DeadlineJobData> {
  return new Worker<DeadlineJobData>(DEADLINE_QUEUE, (job) => perform(job.data), {
    connection,
    prefix,
    concurrency: 2,
  });
}
