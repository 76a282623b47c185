import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { KlachtenbusError } from '../../errors.js';
import { commandContext, parseInstant, printJson } from '../context.js';

export function registerCalendarCommands(program: Command): void {
  const calendar = program.command('calendar').description('the working-day calendar the deadlines count on');
  calendar
    .command('due')
    .description('every deadline a complaint received at that moment would get')
    .requiredOption('--received <iso>', 'when the complaint was received (ISO 8601; without offset: local time)')
    .option('--profile <name>', 'procedure profile (default: the configured one)')
    .option('--json', 'one object: milestone → ISO 8601 time with its offset, in Europe/Amsterdam')
    .action(async (opts: { received: string; profile?: string; json?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const { procedureContext, workingCalendar } = await import('../../composition.js');
      const name = opts.profile ?? config.procedure;
      if (!config.procedures[name])
        throw new KlachtenbusError(
          'INPUT_INVALID',
          `unknown profile "${name}" (known: ${Object.keys(config.procedures).join(', ')})`,
        );
      const zone = config.calendar.timezone;
      const received = parseInstant(opts.received, zone, '--received');
      const procedure = procedureContext({ ...config, procedure: name }, workingCalendar(config));
      const { computeDeadlines } = await import('../../domain/deadlines.js');
      const due = computeDeadlines(procedure.calendar, received, procedure.rules);
      const local = (d: Date) => DateTime.fromJSDate(d, { zone }).toISO({ suppressMilliseconds: true })!;
      if (opts.json) {
        printJson({ contact: local(due.contact), feedback: local(due.feedback) });
        return;
      }
      const fmt = (d: Date) => DateTime.fromJSDate(d, { zone }).setLocale('nl').toFormat("cccc d LLLL yyyy 'om' HH:mm");
      process.stdout.write(
        [
          `profile ${name}; received ${fmt(received)}`,
          `contact   ${fmt(due.contact)}   (${local(due.contact)})`,
          `feedback  ${fmt(due.feedback)}   (${local(due.feedback)})`,
        ].join('\n') + '\n',
      );
    });
  calendar
    .command('holidays')
    .description('the days the office is closed in a year (public holidays and configured closing days)')
    .addOption(new Option('--year <year>', 'year').argParser(Number).makeOptionMandatory())
    .option('--json', 'print JSON')
    .action(async (opts: { year: number; json?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const { workingCalendar } = await import('../../composition.js');
      const days = workingCalendar(config).holidaysIn(opts.year);
      if (opts.json) printJson(days);
      else process.stdout.write(days.map((d) => `${d.date}  ${d.name}`).join('\n') + '\n');
    });
}
