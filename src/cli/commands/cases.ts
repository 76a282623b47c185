import { Option, type Command } from 'commander';
import type { CaseStatus } from '../../domain/types.js';
import { listCaseViews, showCase } from '../../usecases/caseViews.js';
import { cliNow, printJson, withDatabase } from '../context.js';
import { registerHandlingCommands } from './handling.js';
import { registerMilestoneCommands } from './milestones.js';
import { registerRegisterCommand } from './register.js';
import { caseDetail, casesTable } from '../output.js';

export function registerCaseCommands(program: Command): void {
  const cases = program.command('cases').description('complaint cases');
  registerRegisterCommand(cases);
  registerMilestoneCommands(cases);
  registerHandlingCommands(cases);
  cases
    .command('list')
    .description('list cases, oldest first')
    .addOption(new Option('--status <status>', 'only cases with this status').choices(['open', 'closed']))
    .option('--overdue', 'only open cases with a deadline passed and its milestone not recorded')
    .option('--json', 'print JSON (stable fields, see the README)')
    .action((opts: { status?: CaseStatus; overdue?: boolean; json?: boolean }, cmd: Command) => {
      withDatabase(cmd, (db) => {
        const views = listCaseViews(db, { status: opts.status, overdue: opts.overdue }, cliNow());
        if (opts.json) printJson(views);
        else process.stdout.write(`${casesTable(views)}\n`);
      });
    });
  cases
    .command('show')
    .description('show one case with its mails and timeline')
    .argument('<number>', 'case number, e.g. KL-2026-0001')
    .option('--json', 'print JSON (stable fields, see the README)')
    .action((number: string, opts: { json?: boolean }, cmd: Command) => {
      withDatabase(cmd, (db) => {
        const view = showCase(db, number, cliNow());
        if (opts.json) printJson(view);
        else process.stdout.write(`${caseDetail(view)}\n`);
      });
    });
}
