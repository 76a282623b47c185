import { Option, type Command } from 'commander';
import type { ComplainantType } from '../../domain/types.js';
import { KlachtenbusError } from '../../errors.js';
import { commandContext, parseInstant, printJson } from '../context.js';

/** `cases register`: a complaint received by phone, at the desk or by letter. */
export function registerRegisterCommand(cases: Command): void {
  cases
    .command('register')
    .description('register a complaint received by phone, in person or by letter')
    .option('--from <address>', "the complainant's mail address")
    .requiredOption('--name <name>', "the complainant's name")
    .requiredOption('--description <text>', 'short description of the complaint')
    .option('--subject <text>', 'subject (default: the first line of the description)')
    .addOption(new Option('--type <type>', 'who complained').choices(['client', 'temp-worker', 'other', 'unknown']))
    .option('--received <iso>', 'when it was received (ISO 8601), default now')
    .requiredOption('--by <name>', 'who registers it')
    .option('--acknowledge', 'send the acknowledgement to --from as well')
    .addOption(
      new Option('--locale <locale>', "language of the case's mails (default: the procedure's)").choices(['nl', 'en']),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        opts: {
          from?: string;
          name: string;
          description: string;
          subject?: string;
          type?: ComplainantType;
          received?: string;
          by: string;
          acknowledge?: boolean;
          locale?: 'nl' | 'en';
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const { config } = commandContext(cmd);
        if (opts.acknowledge && !opts.from)
          throw new KlachtenbusError('INPUT_INVALID', '--acknowledge needs --from (where to send it)');
        const { createIntakeRuntime } = await import('../../composition.js');
        const { registerCase } = await import('../../usecases/registerCase.js');
        const runtime = createIntakeRuntime(config);
        try {
          const r = registerCase(runtime.deps, {
            email: opts.from ?? null,
            name: opts.name,
            description: opts.description,
            subject: opts.subject,
            type: opts.type,
            receivedAt: opts.received ? parseInstant(opts.received, config.calendar.timezone, '--received') : undefined,
            by: opts.by,
            acknowledge: Boolean(opts.acknowledge),
            locale: opts.locale,
          });
          if (opts.json) printJson({ number: r.number, queuedMails: r.outboxIds.length });
          else
            process.stdout.write(
              `registered ${r.number}${r.outboxIds.length ? ` (${r.outboxIds.length} mail(s) queued; the worker sends them)` : ''}\n`,
            );
        } finally {
          await runtime.close();
        }
      },
    );
}
