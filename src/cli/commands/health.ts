import type { Command } from 'commander';
import { cliNow, printJson, withDatabase, commandContext } from '../context.js';

export function registerHealthCommand(program: Command): void {
  program
    .command('health')
    .description('is anything overdue that should have happened? (exit 0 healthy, 1 not)')
    .option('--grace-minutes <n>', 'how late something may be before it counts', '10')
    .option('--json', 'print JSON')
    .action(async (opts: { graceMinutes: string; json?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const { deadlineDeps, outgoingDeps, workingCalendar } = await import('../../composition.js');
      const { checkHealth } = await import('../../usecases/health.js');
      const cal = workingCalendar(config);
      const out = outgoingDeps(config);
      const policy = out
        ? deadlineDeps(config, out, cal).policy
        : { reminder: config.deadlines.reminder, directorAfterWorkingDays: config.deadlines.directorAfterWorkingDays };
      const report = withDatabase(cmd, (db) =>
        checkHealth(db, cal, policy, cliNow(), {
          graceMinutes: Number(opts.graceMinutes),
          intakeStaleMinutes: Math.max(5, (3 * config.imap.pollIntervalSeconds) / 60),
        }),
      );
      if (opts.json) printJson(report);
      else
        process.stdout.write(
          [
            `health: ${report.ok ? 'ok' : 'NOT OK'}`,
            `scheduling: ${report.scheduling.ok ? 'ok' : `overdue since ${report.scheduling.oldestOverdue?.fireAt}: ${report.scheduling.oldestOverdue?.key}`}`,
            `sending:    ${report.sending.ok ? 'ok' : `outbox mail ${report.sending.oldestPending?.id} pending since ${report.sending.oldestPending?.notBefore}`}`,
            `intake:     ${report.intake.ok ? 'ok' : 'stale'} (last full pass ${report.intake.lastSyncAt ?? 'never'})`,
            ...(report.auth.ok
              ? ['sign-in:    ok']
              : report.auth.failing.map(
                  (f) => `sign-in:    ${f.connection} failing since ${f.since} (${f.failures}×): ${f.error}`,
                )),
          ].join('\n') + '\n',
        );
      if (!report.ok) process.exitCode = 1;
    });
}
