import type { Logger } from '../adapters/logger.js';
import { parseImapUrl, requireOptions } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createIntakeRuntime, deadlineDeps, reportDeps, tokenSourceFor, webBaseUrl } from '../composition.js';
import { startReportRunner } from './reportRunner.js';
import type { TokenSource } from '../adapters/oauth/tokenProvider.js';
import { monitoredTokens } from '../usecases/authMonitor.js';
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
export function startWorker(
  config: Config,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
  opts: { web?: boolean } = {},
): WorkerHandle {
  requireOptions(config, ['imap', 'complaintsAddress']);
  // First, so a missing secret is a configuration error before anything starts.
  const rawImapTokens = tokenSourceFor(config, 'imap');
  const rawSmtpTokens = tokenSourceFor(config, 'smtp');
  const runtime = createIntakeRuntime(config);
  let outbox: OutboxRunner | null = null;
  const operators = config.operators.length
    ? config.operators
    : config.staff.members.filter((m) => m.role === 'admin').map((m) => m.email);
  // Token failures are recorded (health) and, when they keep coming, the operators are told once a day.
  const monitor = (t: TokenSource | undefined, connection: 'imap' | 'smtp') =>
    t &&
    monitoredTokens(t, {
      db: runtime.db,
      connection,
      operators,
      templates: runtime.deps.outgoing?.templates,
      settings: runtime.deps.outgoing?.settings ?? {
        from: config.complaintsAddress!,
        complaintsAddress: config.complaintsAddress!,
        messageIdDomain: config.intake.messageIdDomain,
        organisationName: config.organisation.name,
      },
      notifyAfter: 3,
      now: runtime.deps.now,
      dispatch: (ids) => outbox?.dispatch(ids),
    });
  const imapTokens = monitor(rawImapTokens, 'imap');
  const smtpTokens = monitor(rawSmtpTokens, 'smtp');
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
  outbox =
    runtime.deps.outgoing && config.redis.url
      ? startOutboxRunner(config, runtime.db, log, runtime.deps.now, smtpTokens)
      : null;
  if (!outbox) log.warn({ event: 'outbox.disabled' }, 'smtp.url or redis.url not set: no mail is sent');
  const deadlines: DeadlineRunner | null =
    outbox && runtime.deps.outgoing
      ? startDeadlineRunner(
          config,
          runtime.db,
          deadlineDeps(config, runtime.deps.outgoing, runtime.deps.procedure.calendar),
          log,
          runtime.deps.now,
          (ids) => outbox?.dispatch(ids),
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
    tokens: imapTokens,
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
          (ids) => outbox?.dispatch(ids),
        ).catch((err: unknown) => {
          log.warn({ event: 'report.runner.failed', err: String(err) }, 'scheduled reports not running');
          return null;
        })
      : Promise.resolve(null);
  watcher.start();
  // The web workspace shares the worker's database, clock and runners (a change made in the
  // browser reschedules the case's reminders at once).
  const web =
    opts.web !== false && config.web.enabled
      ? import('../web/server.js')
          .then(({ startWebServer }) =>
            startWebServer({
              config,
              db: runtime.db,
              now: runtime.deps.now,
              log,
              outgoing: runtime.deps.outgoing,
              dispatch: (ids) => outbox?.dispatch(ids),
              refreshCase: (caseId) => deadlines?.refreshCase(caseId) ?? Promise.resolve(),
              attachments: runtime.deps.attachmentStore,
              baseUrl: webBaseUrl(config) ?? `http://${config.web.host}:${config.web.port}`,
            }),
          )
          .then((server) => {
            log.info({ event: 'web.listening', url: server.url }, `web workspace at ${server.url}`);
            return server;
          })
          .catch((err: unknown) => {
            log.error(
              { event: 'web.failed', err: String(err) },
              `web workspace not started: ${String(err)} (intake and mail go on)`,
            );
            return null;
          })
      : Promise.resolve(null);
  log.info({ event: 'worker.started', dataDir: config.dataDir }, 'worker started');
  return {
    async stop() {
      await (await web)?.close();
      await watcher.stop();
      await deadlines?.stop();
      await (await reports)?.stop();
      await outbox?.stop();
      await runtime.close();
      log.info({ event: 'worker.stopped' }, 'worker stopped');
    },
  };
}
