/**
 * The `klachtenbus` command line. Exit codes: 0 done, 1 failed, 2 bad configuration or usage.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, KlachtenbusError } from '../errors.js';
import { registerCalendarCommands } from './commands/calendar.js';
import { registerCaseCommands } from './commands/cases.js';
import { registerCheckCommand } from './commands/check.js';
import { registerExportCommands } from './commands/export.js';
import { registerHealthCommand } from './commands/health.js';
import { registerIngestCommand } from './commands/ingest.js';
import { registerMailCommands } from './commands/mail.js';
import { registerOutboxCommands } from './commands/outbox.js';
import { registerReportCommand } from './commands/report.js';
import { registerStartCommand } from './commands/start.js';

const program = new Command()
  .name('klachtenbus')
  .description('Turns the complaints mailbox into tracked complaint cases, so no complaint is forgotten.')
  .version('0.1.0')
  .addOption(new Option('-c, --config <file>', 'YAML configuration file').env('KLACHTENBUS_CONFIG'))
  .showHelpAfterError()
  .exitOverride();

registerStartCommand(program);
registerIngestCommand(program);
registerCaseCommands(program);
registerMailCommands(program);
registerOutboxCommands(program);
registerCalendarCommands(program);
registerHealthCommand(program);
registerExportCommands(program);
registerReportCommand(program);
registerCheckCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`klachtenbus: ${err.message}\n`);
    return 2;
  }
  if (err instanceof KlachtenbusError) {
    process.stderr.write(`klachtenbus: ${err.message} [${err.code}]\n`);
    return err.code === 'INPUT_INVALID' || err.code === 'CONFIG_INVALID' ? 2 : 1;
  }
  process.stderr.write(
    `klachtenbus: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 1;
}
