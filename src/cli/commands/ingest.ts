import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { IntakeResult } from '../../usecases/intakeMessage.js';
import { commandContext, printJson } from '../context.js';

/** Files named on the command line; a directory stands for the files in it (sorted, not recursive). */
function expand(paths: string[]): string[] {
  return paths.flatMap((p) =>
    statSync(p, { throwIfNoEntry: false })?.isDirectory()
      ? readdirSync(p)
          .sort()
          .map((f) => path.join(p, f))
          .filter((f) => statSync(f).isFile())
      : [p],
  );
}

export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description('ingest mail files (.eml) through the same pipeline as the mailbox: for imports and migrations')
    .argument('<files...>', 'raw mail files, or folders of them')
    .option('--json', 'print the results as JSON')
    .action(async (files: string[], opts: { json?: boolean }, cmd: Command) => {
      const { config } = commandContext(cmd);
      const { createIntakeRuntime } = await import('../../composition.js');
      const { intakeMessage } = await import('../../usecases/intakeMessage.js');
      const runtime = createIntakeRuntime(config);
      const results: Array<{ file: string; error?: string } & Partial<IntakeResult>> = [];
      try {
        for (const file of expand(files)) {
          let raw: Buffer;
          try {
            raw = readFileSync(file);
          } catch (err) {
            results.push({ file, error: (err as Error).message });
            continue;
          }
          results.push({ file, ...(await intakeMessage(runtime.deps, { raw, source: 'file' })) });
        }
      } finally {
        await runtime.close();
      }
      if (opts.json) printJson(results);
      else
        for (const r of results) {
          const what = r.error
            ? `error: ${r.error}`
            : `${r.classification}${r.caseNumber ? ` ${r.caseNumber}` : ''}${r.created ? '' : ' (already stored)'}`;
          process.stdout.write(`${r.file}: ${what}\n`);
        }
      if (results.some((r) => r.error)) process.exitCode = 1;
    });
}
