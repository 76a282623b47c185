import { KlachtenbusError } from '../../errors.js';

/**
 * The mail templates cannot be used: a file is missing, lacks a section, does not parse, or uses a
 * construct we forbid. Code `CONFIG_INVALID`, because the templates are part of the configuration
 * (an operator's override folder) and the CLI exits 2 for it. `problems` lists every broken file
 * at once, each with its path and, where known, its line, so one run shows all there is to fix.
 */
export class TemplateError extends KlachtenbusError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('CONFIG_INVALID', `invalid mail templates:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'TemplateError';
    this.problems = problems;
  }
}
