import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the worker: watch the complaints mailbox and register cases, until SIGTERM or SIGINT')
    .option('--no-web', 'do not serve the web workspace (config web.enabled)')
    .action(async (opts: { web: boolean }, cmd: Command) => {
      const { config, log } = commandContext(cmd, 1);
      // --no-web also drops the workspace links from the mails: nobody would answer them.
      if (!opts.web) config.web.enabled = false;
      // Loaded here, not at the top: other commands should not pay for the worker's dependencies.
      const { startWorker } = await import('../../worker/startWorker.js');
      const worker = startWorker(config, log, process.env, { web: opts.web });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          log.info({ event: 'worker.stopping', signal }, 'stopping: finishing the batch in progress');
          process.off('SIGTERM', onTerm);
          process.off('SIGINT', onInt);
          worker.stop().then(resolve, (err: unknown) => {
            log.error({ err: String(err) }, 'error while stopping');
            resolve();
          });
        };
        const onTerm = () => shutdown('SIGTERM');
        const onInt = () => shutdown('SIGINT');
        process.on('SIGTERM', onTerm);
        process.on('SIGINT', onInt);
      });
    });
}
