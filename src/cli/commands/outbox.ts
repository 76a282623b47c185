import { Option, type Command } from 'commander';
import { listOutbox, requeue, type OutboxStatus } from '../../adapters/sqlite/outbox.js';
import { KlachtenbusError } from '../../errors.js';
import { outboxView } from '../../usecases/outboxViews.js';
import { cliNow, printJson, withDatabase } from '../context.js';
import { outboxTable } from '../output.js';

const STATUSES = ['pending', 'sending', 'sent', 'failed', 'ambiguous', 'suppressed'];

export function registerOutboxCommands(program: Command): void {
  const outbox = program.command('outbox').description('every mail Klachtenbus sends, and what became of it');
  outbox
    .command('list')
    .description('list outgoing mail, oldest first')
    .addOption(new Option('--status <status>', 'only mail in this state').choices(STATUSES))
    .option('--json', 'print JSON (stable fields, see the README)')
    .action((opts: { status?: OutboxStatus; json?: boolean }, cmd: Command) => {
      withDatabase(cmd, (db) => {
        const views = listOutbox(db, { status: opts.status }).map(outboxView);
        if (opts.json) printJson(views);
        else process.stdout.write(`${outboxTable(views)}\n`);
      });
    });
  outbox
    .command('retry')
    .description('send a failed or ambiguous mail again (the running worker picks it up)')
    .argument('<id>', 'outbox id (see outbox list)')
    .action((id: string, _opts: unknown, cmd: Command) => {
      withDatabase(cmd, (db) => {
        if (!/^\d+$/.test(id)) throw new KlachtenbusError('INPUT_INVALID', `not an outbox id: ${id}`);
        if (!requeue(db, Number(id), cliNow().toISOString()))
          throw new KlachtenbusError('INPUT_INVALID', `outbox mail ${id} does not exist or is not failed or ambiguous`);
        process.stdout.write(`outbox mail ${id} queued again\n`);
      });
    });
}
