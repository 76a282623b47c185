import { Option, type Command } from 'commander';
import { listMail } from '../../usecases/listMail.js';
import { printJson, withDatabase } from '../context.js';
import { mailTable } from '../output.js';

const CLASSIFICATIONS = ['complaint', 'reply', 'automatic-attached', 'automatic-ignored', 'duplicate', 'unparseable'];

export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('every ingested mail, whatever became of it');
  mail
    .command('list')
    .description('list ingested mail, oldest first')
    .addOption(new Option('--classification <c>', 'only mail classified so').choices(CLASSIFICATIONS))
    .option('--json', 'print JSON (stable fields, see the README)')
    .action((opts: { classification?: string; json?: boolean }, cmd: Command) => {
      withDatabase(cmd, (db) => {
        const views = listMail(db, { classification: opts.classification });
        if (opts.json) printJson(views);
        else process.stdout.write(`${mailTable(views)}\n`);
      });
    });
}
