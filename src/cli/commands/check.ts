import type { Command } from 'commander';
import { commandContext, printJson } from '../context.js';

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('connect to every configured mailbox, SMTP server, token endpoint and Redis, and say what works')
    .option('--timeout <seconds>', 'per connection', '15')
    .option('--json', 'print JSON')
    .action(async (opts: { timeout: string; json?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const { tokenSourceFor } = await import('../../composition.js');
      const { checkConnections } = await import('../../worker/checkConnections.js');
      const tokens = { imap: tokenSourceFor(config, 'imap'), smtp: tokenSourceFor(config, 'smtp') };
      const results = await checkConnections(config, tokens, Number(opts.timeout) * 1000);
      if (opts.json) printJson(results);
      else
        for (const r of results)
          process.stdout.write(
            `${r.ok ? 'ok  ' : 'FAIL'}  ${r.connection.padEnd(13)} ${r.target}\n      ${r.detail} (${r.ms} ms)\n`,
          );
      if (results.length === 0) process.stdout.write('nothing configured to check\n');
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
}
