import { Option, type Command } from 'commander';
import { openDatabase } from '../../adapters/sqlite/open.js';
import { addNote, closeCase, reopenCase } from '../../usecases/closeCase.js';
import { recordDiscussion } from '../../usecases/recordMilestone.js';
import { setCaseFields, type SettableField } from '../../usecases/setCaseFields.js';
import { actorName, cliNow, commandContext, parseInstant } from '../context.js';

/** CLI option → field. Every registered and handling field the procedures ask for. */
const FIELD_OPTIONS: Array<[string, SettableField, string]> = [
  ['--type <type>', 'complainantType', 'who complained: client, temp-worker, other, unknown'],
  ['--name <name>', 'complainantName', "the complainant's name"],
  ['--email <address>', 'complainantEmail', "the complainant's address"],
  ['--customer <name>', 'customerName', 'the customer (organisation)'],
  ['--subject <text>', 'subject', 'subject'],
  ['--description <text>', 'description', 'short description'],
  ['--people <text>', 'peopleInvolved', 'people involved'],
  ['--handler <name>', 'handler', 'the handler'],
  ['--category <name>', 'category', 'category (from cases.categories)'],
  ['--locale <nl|en>', 'locale', "language of the case's mails"],
  ['--control-measures <text>', 'controlMeasures', 'control measures (beheersmaatregelen)'],
  ['--cause <text>', 'cause', 'cause (oorzaak)'],
  ['--structural-solution <text>', 'structuralSolution', 'structural solution'],
  ['--preventive-measures <text>', 'preventiveMeasures', 'preventive measures'],
  ['--internal-communication <text>', 'internalCommunication', 'how it is communicated internally'],
  ['--internal-communication-at <iso>', 'internalCommunicationAt', 'when it is communicated internally'],
];

const camel = (flag: string) =>
  flag
    .split(' ')[0]!
    .replace(/^--/, '')
    .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

export function registerHandlingCommands(cases: Command): void {
  const set = cases
    .command('set')
    .description('set registration and handling fields (each change is audited; "" clears a field)')
    .argument('<number>', 'case number')
    .option('--by <name>', 'who changes it (default: KLACHTENBUS_USER or your user name)');
  for (const [flag, , help] of FIELD_OPTIONS) set.option(flag, help);
  set.action((number: string, opts: Record<string, string | undefined>, cmd: Command) => {
    const { config } = commandContext(cmd);
    const fields: Partial<Record<SettableField, string>> = {};
    for (const [flag, field] of FIELD_OPTIONS) {
      const value = opts[camel(flag)];
      if (value === undefined) continue;
      fields[field] =
        field === 'internalCommunicationAt' && value
          ? parseInstant(value, config.calendar.timezone, flag).toISOString()
          : value;
    }
    const db = openDatabase(config.dataDir);
    try {
      const r = setCaseFields(db, number, fields, actorName(opts.by), cliNow(), {
        categories: config.cases.categories,
      });
      process.stdout.write(
        `${number.toUpperCase()}: ${r.changed.length ? `set ${r.changed.join(', ')}` : 'nothing changed'}\n`,
      );
    } finally {
      db.close();
    }
  });

  cases
    .command('discussed')
    .description('record that the complaint was discussed with the employee concerned')
    .argument('<number>', 'case number')
    .requiredOption('--with <employee>', 'the employee concerned')
    .option('--at <iso>', 'when (default: now)')
    .option('--note <text>', 'what was discussed')
    .option('--by <name>', 'who records it')
    .action((number: string, opts: { with: string; at?: string; note?: string; by?: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const now = cliNow();
      const db = openDatabase(config.dataDir);
      try {
        const at = opts.at ? parseInstant(opts.at, config.calendar.timezone, '--at') : now;
        recordDiscussion(db, number, { employee: opts.with, at, note: opts.note ?? null }, actorName(opts.by), now);
        process.stdout.write(`${number.toUpperCase()}: discussion with ${opts.with} recorded\n`);
      } finally {
        db.close();
      }
    });

  cases
    .command('close')
    .description("close a handled case; says what the case's procedure still asks for")
    .argument('<number>', 'case number')
    .option('--by <name>', 'who closes it')
    .addOption(
      new Option('--satisfied <answer>', 'is the customer satisfied?')
        .choices(['yes', 'no', 'unknown'])
        .default('unknown'),
    )
    .action((number: string, opts: { by?: string; satisfied: 'yes' | 'no' | 'unknown' }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const satisfaction =
        opts.satisfied === 'yes' ? 'satisfied' : opts.satisfied === 'no' ? 'not-satisfied' : 'unknown';
      const db = openDatabase(config.dataDir);
      try {
        const requires = (p: string) => config.procedures[p]?.closeRequires ?? ['solution'];
        const c = closeCase(db, number, actorName(opts.by), satisfaction, requires, cliNow());
        process.stdout.write(`${c.number}: closed (customer: ${satisfaction})\n`);
      } finally {
        db.close();
      }
    });

  cases
    .command('reopen')
    .description('reopen a closed case')
    .argument('<number>', 'case number')
    .option('--by <name>', 'who reopens it')
    .option('--reason <text>', 'why')
    .action((number: string, opts: { by?: string; reason?: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const db = openDatabase(config.dataDir);
      try {
        const c = reopenCase(db, number, actorName(opts.by), opts.reason ?? null, cliNow());
        process.stdout.write(`${c.number}: reopened\n`);
      } finally {
        db.close();
      }
    });

  cases
    .command('note')
    .description("add a note to the case's timeline (a call, oral communication)")
    .argument('<number>', 'case number')
    .argument('<text>', 'the note')
    .option('--by <name>', 'who writes it')
    .action((number: string, text: string, opts: { by?: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const db = openDatabase(config.dataDir);
      try {
        addNote(db, number, actorName(opts.by), text, cliNow());
        process.stdout.write(`${number.toUpperCase()}: note added\n`);
      } finally {
        db.close();
      }
    });
}
