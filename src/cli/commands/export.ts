import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { openDatabase } from '../../adapters/sqlite/open.js';
import { KlachtenbusError } from '../../errors.js';
import { cliNow, commandContext } from '../context.js';

/** A calendar day given as YYYY-MM-DD: its start (00:00) in `zone`. */
function localDay(value: string, zone: string, what: string): DateTime {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone }) : null;
  if (!day?.isValid) throw new KlachtenbusError('INPUT_INVALID', `${what}: not a date (YYYY-MM-DD): ${value}`);
  return day;
}

/**
 * `export` (the register of a period, for Excel) and `archive` (the yearly archive folder).
 * exceljs and the use cases load inside the actions: every other command starts without them.
 */
export function registerExportCommands(program: Command): void {
  program
    .command('export')
    .description('export the complaints register (klachtenregister) of a period, for Excel')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (local time)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD, inclusive')
    .addOption(new Option('--format <format>', 'file format').choices(['xlsx', 'csv']).default('xlsx'))
    .option('--out <file>', 'file to write (default: klachtenregister-<from>-<to>.<format>; "-": csv to stdout)')
    .action(async (opts: { from: string; to: string; format: 'xlsx' | 'csv'; out?: string }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const zone = config.calendar.timezone;
      const from = localDay(opts.from, zone, '--from');
      const to = localDay(opts.to, zone, '--to').plus({ days: 1 });
      if (to <= from) throw new KlachtenbusError('INPUT_INVALID', '--to is before --from');
      if (opts.out === '-' && opts.format !== 'csv')
        throw new KlachtenbusError('INPUT_INVALID', '--out - (stdout) is for --format csv only');

      const { registerRows } = await import('../../usecases/registerRows.js');
      const db = openDatabase(config.dataDir);
      let rows;
      try {
        rows = registerRows(db, from.toJSDate(), to.toJSDate(), cliNow());
      } finally {
        db.close();
      }

      const { registerCsv } = await import('../../adapters/export/registerCsv.js');
      if (opts.out === '-') {
        process.stdout.write(registerCsv(rows, { timezone: zone }));
        return;
      }
      const file = path.resolve(opts.out ?? `klachtenregister-${opts.from}-${opts.to}.${opts.format}`);
      // Written beside the target and renamed: a failed export never leaves a truncated file behind.
      const partial = `${file}.${process.pid}.partial`;
      try {
        if (opts.format === 'csv') writeFileSync(partial, registerCsv(rows, { timezone: zone }));
        else {
          const { writeRegisterXlsx } = await import('../../adapters/export/registerXlsx.js');
          await writeRegisterXlsx(rows, partial, { timezone: zone });
        }
        renameSync(partial, file);
      } finally {
        rmSync(partial, { force: true });
      }
      process.stdout.write(`${rows.length} case(s) received ${opts.from} to ${opts.to} written to ${file}\n`);
    });

  program
    .command('archive')
    .description("write a year's archive: register (xlsx, csv), and per case its record and raw mails")
    .argument('<year>', 'the year of receipt, e.g. 2026 (local time)')
    .option('--out <dir>', 'folder to write klachtenbus-archief-<year>/ in (default: the current folder)')
    .action(async (year: string, opts: { out?: string }, cmd: Command) => {
      if (!/^\d{4}$/.test(year)) throw new KlachtenbusError('INPUT_INVALID', `not a year: ${year}`);
      const { config } = commandContext(cmd);
      const { archiveYear } = await import('../../usecases/archiveYear.js');
      const db = openDatabase(config.dataDir);
      try {
        const s = await archiveYear(
          db,
          config.dataDir,
          Number(year),
          path.resolve(opts.out ?? '.'),
          cliNow(),
          config.calendar.timezone,
        );
        process.stdout.write(`archive ${year}: ${s.cases} case(s), ${s.mails} mail(s) written to ${s.dir}\n`);
        if (s.missingMails > 0)
          process.stderr.write(
            `warning: the raw source of ${s.missingMails} mail(s) was missing from the data dir (see case.json)\n`,
          );
      } finally {
        db.close();
      }
    });
}
