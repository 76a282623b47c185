import { Option, type Command } from 'commander';
import { openDatabase } from '../../adapters/sqlite/open.js';
import { listMail } from '../../usecases/listMail.js';
import { commandContext, printJson } from '../context.js';
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
      const { config } = commandContext(cmd);
      const db = openDatabase(config.dataDir);
      try {
        const views = listMail(db, { classification: opts.classification });
        if (opts.json) printJson(views);
        else process.stdout.write(`${mailTable(views)}\n`);
      } finally {
        db.close();
      }
    });
}
