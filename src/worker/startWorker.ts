import type { Logger } from '../adapters/logger.js';
import { parseImapUrl, requireOptions } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createIntakeRuntime, deadlineDeps, reportDeps } from '../composition.js';
import { startReportRunner } from './reportRunner.js';
import { startDeadlineRunner, type DeadlineRunner } from './deadlineRunner.js';
import { MailboxWatcher } from './mailboxWatcher.js';
import type { DeadlineRules } from '../domain/deadlines.js';
import { recomputeDeadlines } from '../usecases/recomputeDeadlines.js';
import { startOutboxRunner, type OutboxRunner } from './outboxRunner.js';

export interface WorkerHandle {
  stop(): Promise<void>;
}

/**
 * Starts the long-lived worker: the mailbox watcher over the intake pipeline.
 *
 * Fault injection (tests only): with KLACHTENBUS_FAULT_KILL_AFTER_COMMITS=N the process kills itself
 * with SIGKILL right after the N-th commit, before the server is told, to prove a crash there
 * loses and doubles nothing.
 */
export function startWorker(config: Config, log: Logger, env: NodeJS.ProcessEnv = process.env): WorkerHandle {
  requireOptions(config, ['imap', 'complaintsAddress']);
  const runtime = createIntakeRuntime(config);
  const recomputed = recomputeDeadlines(
    runtime.db,
    Object.fromEntries(
      Object.entries(config.procedures).map(([name, p]) => [
        name,
        { rules: { contact: p.contact, feedback: p.feedback } as DeadlineRules, recompute: p.recomputeDeadlines },
      ]),
    ),
    runtime.deps.procedure.calendar,
    runtime.deps.now(),
  );
  if (recomputed > 0) log.info({ event: 'deadlines.recomputed', cases: recomputed }, 'deadlines recomputed');
  // Outgoing mail needs SMTP and Redis; without them intake still runs (and queues nothing).
  const outbox: OutboxRunner | null =
    runtime.deps.outgoing && config.redis.url ? startOutboxRunner(config, runtime.db, log, runtime.deps.now) : null;
  if (!outbox) log.warn({ event: 'outbox.disabled' }, 'smtp.url or redis.url not set: no mail is sent');
  const deadlines: DeadlineRunner | null =
    outbox && runtime.deps.outgoing
      ? startDeadlineRunner(
          config,
          runtime.db,
          deadlineDeps(config, runtime.deps.outgoing, runtime.deps.procedure.calendar),
          log,
          runtime.deps.now,
          (ids) => outbox.dispatch(ids),
        )
      : null;
  const killAfter = Number(env.KLACHTENBUS_FAULT_KILL_AFTER_COMMITS ?? 0);
  let commits = 0;
  const watcher = new MailboxWatcher({
    target: parseImapUrl(config.imap.url!),
    imap: config.imap,
    pollIntervalSeconds: config.imap.pollIntervalSeconds,
    batchSize: config.imap.fetchBatchSize,
    reconnect: config.imap.reconnect,
    db: runtime.db,
    intake: runtime.deps,
    log,
    onCommitted: (r, uid) => {
      log.info(
        {
          event: 'intake.committed',
          uid,
          messageId: r.messageId,
          classification: r.classification,
          case: r.caseNumber,
          created: r.created,
        },
        r.caseCreated ? `registered case ${r.caseNumber}` : `stored mail (${r.classification})`,
      );
      if (r.outboxIds.length > 0) outbox?.dispatch(r.outboxIds);
      if (r.caseCreated) deadlines?.scheduleCase(r.caseId!);
      commits++;
      if (killAfter > 0 && commits >= killAfter) process.kill(process.pid, 'SIGKILL');
    },
  });
  const reports =
    outbox && runtime.deps.outgoing
      ? startReportRunner(
          config,
          runtime.db,
          reportDeps(config, runtime.deps.outgoing, runtime.deps.procedure.calendar),
          log,
          runtime.deps.now,
          (ids) => outbox.dispatch(ids),
        ).catch((err: unknown) => {
          log.warn({ event: 'report.runner.failed', err: String(err) }, 'scheduled reports not running');
          return null;
        })
      : Promise.resolve(null);
  watcher.start();
  log.info({ event: 'worker.started', dataDir: config.dataDir }, 'worker started');
  return {
    async stop() {
      await watcher.stop();
      await deadlines?.stop();
      await (await reports)?.stop();
      await outbox?.stop();
      await runtime.close();
      log.info({ event: 'worker.stopped' }, 'worker stopped');
    },
  };
}
