import { Option, type Command } from 'commander';
import { KlachtenbusError } from '../../errors.js';
import { cliNow, commandContext, withDatabase } from '../context.js';

type ReportFormat = 'html' | 'md' | 'json';

interface ReportOptions {
  quarter?: string;
  year?: string;
  format: ReportFormat;
  out?: string;
}

/**
 * `report`: the quarterly total report (kwartaalrapportage) or the yearly analysis (jaaranalyse)
 * of the complaints received in the period, as HTML (default), Markdown or JSON.
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('quarterly report or yearly analysis of the complaints received in a period')
    .addOption(new Option('--quarter <quarter>', 'a quarter, e.g. 2026-Q4').conflicts('year'))
    .addOption(new Option('--year <year>', 'a year, e.g. 2026'))
    .addOption(new Option('--format <format>', 'output format').choices(['html', 'md', 'json']).default('html'))
    .option('--out <file>', 'write the report to this file instead of stdout')
    .action(async (opts: ReportOptions, cmd: Command) => {
      const { config } = commandContext(cmd);
      const timezone = config.calendar.timezone;
      const { parsePeriod, computeReport } = await import('../../domain/report.js');
      const period = asInputError(() => parsePeriod({ quarter: opts.quarter, year: opts.year }, timezone));
      const { registerRows } = await import('../../usecases/registerRows.js');
      const now = cliNow();
      const rows = withDatabase(cmd, (db) => registerRows(db, period.from, period.to, now));
      const data = computeReport(rows, period, now, { timezone });
      const organisationName = config.organisation.name;

      let output: string;
      if (opts.format === 'json') output = `${JSON.stringify(data, null, 2)}\n`;
      else if (opts.format === 'md') {
        const { renderReportMarkdown } = await import('../../adapters/report/renderMarkdown.js');
        output = renderReportMarkdown(data, { organisationName });
      } else {
        const { renderReportHtml } = await import('../../adapters/report/renderHtml.js');
        output = renderReportHtml(data, { organisationName, locale: 'nl' });
      }

      if (opts.out) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(opts.out, output, 'utf8');
        process.stderr.write(`report ${period.label} (${data.totals.received} complaints) written to ${opts.out}\n`);
      } else process.stdout.write(output);
    });
}

// A bad --quarter or --year is a usage error (exit code 2), not a crash.
function asInputError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new KlachtenbusError('INPUT_INVALID', err.message);
    throw err;
  }
}
