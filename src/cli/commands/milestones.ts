import type { Command } from 'commander';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../adapters/logger.js';
import { openDatabase } from '../../adapters/sqlite/open.js';
import { KlachtenbusError } from '../../errors.js';
import {
  assignHandler,
  recordContact,
  recordFeedback,
  requireCase as recordLookup,
} from '../../usecases/recordMilestone.js';
import { cliNow, commandContext, parseInstant } from '../context.js';

/**
 * Removes the pending jobs of a case's milestone right away. Best effort: a job that still fires
 * re-reads the case and sends nothing, and the worker's reconciler removes it too.
 */
async function forgetJobs(config: Config, log: Logger, caseId: number, milestone: string): Promise<void> {
  if (!config.redis.url) return;
  const { redisConnection } = await import('../../adapters/queue/redis.js');
  const { DeadlineQueue } = await import('../../adapters/queue/deadlineJobs.js');
  const redis = redisConnection(config.redis.url, 'producer', log);
  const queue = new DeadlineQueue(redis, config.redis.prefix);
  try {
    const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(0), 3000).unref());
    await Promise.race([queue.removeFor(caseId, milestone), timeout]);
  } catch {
    // Redis unreachable: the worker cleans up when it reconciles.
  } finally {
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}

export function registerMilestoneCommands(cases: Command): void {
  cases
    .command('contact')
    .description('record that the customer was contacted (cancels the contact reminders)')
    .argument('<number>', 'case number')
    .requiredOption('--by <name>', 'who contacted the customer')
    .option('--note <text>', 'what was agreed')
    .action(async (number: string, opts: { by: string; note?: string }, cmd: Command) => {
      const { config, log } = commandContext(cmd);
      const db = openDatabase(config.dataDir);
      try {
        const c = recordContact(db, number, opts.by, opts.note ?? null, cliNow());
        await forgetJobs(config, log, c.id, 'contact');
        process.stdout.write(`${c.number}: contact recorded (${c.contactAt})\n`);
      } finally {
        db.close();
      }
    });
  cases
    .command('feedback')
    .description('record the feedback: a solution, or the date when one can be expected')
    .argument('<number>', 'case number')
    .requiredOption('--by <name>', 'who gave the feedback')
    .option('--solution <text>', 'the solution offered')
    .option('--expected <date>', 'when the solution can be expected (becomes a deadline of its own)')
    .action(async (number: string, opts: { by: string; solution?: string; expected?: string }, cmd: Command) => {
      if (Boolean(opts.solution) === Boolean(opts.expected))
        throw new KlachtenbusError('INPUT_INVALID', 'give exactly one of --solution or --expected');
      const { config, log } = commandContext(cmd);
      const db = openDatabase(config.dataDir);
      try {
        const f = opts.solution
          ? { solution: opts.solution }
          : { expected: parseInstant(opts.expected!, config.calendar.timezone, '--expected') };
        const c = recordFeedback(db, number, opts.by, f, cliNow());
        await forgetJobs(config, log, c.id, 'feedback');
        if (opts.solution) await forgetJobs(config, log, c.id, 'solution');
        process.stdout.write(
          `${c.number}: feedback recorded${c.solutionDueAt && !c.solutionAt ? `; solution promised by ${c.solutionDueAt}` : ''}\n`,
        );
      } finally {
        db.close();
      }
    });
  cases
    .command('escalate')
    .description("the customer is not satisfied: mail the contacts the case's procedure names")
    .argument('<number>', 'case number')
    .requiredOption('--by <name>', 'who escalates')
    .requiredOption('--note <text>', 'what the customer is not satisfied with')
    .action(async (number: string, opts: { by: string; note: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const { outgoingDeps } = await import('../../composition.js');
      const { escalateForCustomer } = await import('../../usecases/escalateForCustomer.js');
      const out = config.smtp.url && config.redis.url ? outgoingDeps(config) : undefined;
      if (!out) throw new KlachtenbusError('INPUT_INVALID', 'escalating needs smtp.url and redis.url (it sends mail)');
      const db = openDatabase(config.dataDir);
      try {
        const c = recordLookup(db, number);
        const contacts = config.procedures[c.procedure]?.escalationContacts ?? [];
        const r = escalateForCustomer(db, out, contacts, number, opts.by, opts.note, cliNow());
        process.stdout.write(`${c.number}: escalated to ${r.to.join(', ')} (the worker sends it)\n`);
      } finally {
        db.close();
      }
    });
  cases
    .command('assign')
    .description('assign the handler; reminders go to them')
    .argument('<number>', 'case number')
    .argument('<handler>', "the handler's name or address (as in staff.members)")
    .requiredOption('--by <name>', 'who assigns')
    .action((number: string, handler: string, opts: { by: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const db = openDatabase(config.dataDir);
      try {
        const c = assignHandler(db, number, handler, opts.by, cliNow());
        process.stdout.write(`${c.number}: handler ${c.handler}\n`);
      } finally {
        db.close();
      }
    });
}
