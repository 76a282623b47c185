/**
 * Outgoing mail templates: loads, checks and compiles them once, then renders a subject, a plain
 * text and an HTML part per mail.
 *
 * Layout: `<dir>/<locale>/<name>.hbs` for every template name and locale, e.g.
 * `templates/nl/acknowledgement.hbs`. An operator's override folder (config `mail.templatesDir`)
 * has the same layout; a file present there replaces the built-in one, the rest stay built in.
 * Each file holds three sections, each introduced by a marker line of its own: `--- subject ---`,
 * `--- text ---`, `--- html ---` (see `sections.ts` and `templates/README.md`).
 *
 * Safety: templates insert data only with `{{ }}` (triple-stash and `{{& }}` are rejected when
 * loading). The html part is HTML-escaped by Handlebars. The subject and text parts are not HTML
 * and are not escaped; instead every string in their data is cleaned of control characters
 * (subject: CR and LF too) and the rendered subject is collapsed to one line, so a customer's
 * text can neither inject markup nor a mail header.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Handlebars from 'handlebars';

import { KlachtenbusError, coerceError } from '../../errors.js';
import { compileFile, type CompiledFile } from './compileFile.js';
import { LOCALE_DATA_KEY, isValidTimezone, registerHelpers, type Locale } from './helpers.js';
import { cleanData, collapseToOneLine } from './sanitize.js';
import { TemplateError } from './templateError.js';

export type { Locale } from './helpers.js';
export { TemplateError } from './templateError.js';
export type * from './data.js';

/** Every outgoing mail we send. */
export type TemplateName =
  | 'acknowledgement'
  | 'manager-notice'
  | 'reminder'
  | 'escalation'
  | 'customer-escalation'
  | 'operator-alert'
  | 'sign-in';

export const TEMPLATE_NAMES = [
  'acknowledgement',
  'manager-notice',
  'reminder',
  'escalation',
  'customer-escalation',
  'operator-alert',
  'sign-in',
] as const satisfies readonly TemplateName[];

/** Dutch first: it is the default language. */
export const LOCALES = ['nl', 'en'] as const satisfies readonly Locale[];

/** One rendered mail. `subject` is a single line; `text` ends with one newline. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** The loaded templates. */
export interface TemplateSet {
  /**
   * Renders template `name` in `locale`. Throws KlachtenbusError `INPUT_INVALID` for an unknown
   * name or locale or a malformed date in `data`, `INTERNAL` for anything else that fails.
   */
  render(name: TemplateName, locale: Locale, data: Record<string, unknown>): RenderedMail;
}

/** The templates shipped with Klachtenbus (`<project>/templates`), from `src/` and `dist/` alike. */
export function builtinTemplatesDir(): string {
  return fileURLToPath(new URL('../../../templates/', import.meta.url));
}

function fileExists(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

// A misspelt file in the override folder would otherwise be ignored without a word, and the
// operator would wonder why the built-in text is still sent.
function checkOverrideDir(dir: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) return [`${dir}: the templates override folder is not a folder`];
    entries = readdirSync(dir);
  } catch (err) {
    return [`${dir}: cannot read the templates override folder: ${coerceError(err).message}`];
  }
  const problems: string[] = [];
  const known = new Set<string>(TEMPLATE_NAMES.map((name) => `${name}.hbs`));
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (entry.endsWith('.hbs')) problems.push(`${full}: must be inside a locale folder (${LOCALES.join('/, ')}/)`);
    if (!(LOCALES as readonly string[]).includes(entry) || !statSync(full).isDirectory()) continue;
    for (const file of readdirSync(full)) {
      if (file.endsWith('.hbs') && !known.has(file)) {
        problems.push(`${path.join(full, file)}: unknown template (expected one of ${[...known].join(', ')})`);
      }
    }
  }
  return problems;
}

/**
 * Loads every template × locale from `builtinDir`, or from `overrideDir` where that has the same
 * file, and compiles it with helpers rendering dates in `timezone` (an IANA zone such as
 * `Europe/Amsterdam`).
 *
 * Throws one TemplateError (code `CONFIG_INVALID`) whose `problems` list every missing file,
 * missing or unknown section, syntax error (with the line in the file), forbidden construct and
 * unknown helper at once, plus an unreadable override folder, stray files in it, or a bad timezone.
 */
export function loadTemplates(opts: {
  builtinDir: string;
  overrideDir?: string | null;
  timezone: string;
}): TemplateSet {
  const problems: string[] = [];
  if (!isValidTimezone(opts.timezone))
    problems.push(`timezone ${JSON.stringify(opts.timezone)} is not a known IANA zone`);
  const overrideDir = opts.overrideDir ?? null;
  if (overrideDir !== null) problems.push(...checkOverrideDir(overrideDir));

  // An isolated environment: helpers registered here are invisible to (and safe from) any other
  // Handlebars user in the process.
  const env = Handlebars.create();
  registerHelpers(env, opts.timezone);

  const compiled = new Map<string, CompiledFile>();
  for (const locale of LOCALES) {
    for (const name of TEMPLATE_NAMES) {
      const relative = path.join(locale, `${name}.hbs`);
      const override = overrideDir === null ? null : path.join(overrideDir, relative);
      const file = override !== null && fileExists(override) ? override : path.join(opts.builtinDir, relative);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        problems.push(`${file}: ${missing ? 'template is missing' : `cannot read: ${coerceError(err).message}`}`);
        continue;
      }
      const result = compileFile(env, file, text);
      if (result.file) compiled.set(`${locale}/${name}`, result.file);
      else problems.push(...result.problems);
    }
  }
  if (problems.length > 0) throw new TemplateError(problems);

  return {
    render(name, locale, data) {
      const mail = compiled.get(`${locale}/${name}`);
      if (!mail) throw new KlachtenbusError('INPUT_INVALID', `no mail template ${JSON.stringify(`${locale}/${name}`)}`);
      const options = { data: { [LOCALE_DATA_KEY]: locale } };
      try {
        const multiLine = cleanData(data, 'multi-line');
        return {
          subject: collapseToOneLine(mail.subject(cleanData(data, 'single-line'), options)),
          text: tidyText(mail.text(multiLine, options)),
          html: `${mail.html(multiLine, options).trim()}\n`,
        };
      } catch (err) {
        if (err instanceof KlachtenbusError) throw err;
        throw new KlachtenbusError(
          'INTERNAL',
          `rendering mail template ${locale}/${name} failed: ${coerceError(err).message}`,
          {
            cause: err,
          },
        );
      }
    },
  };
}

// Blocks that render nothing leave blank lines behind; a mail should not have holes in it.
function tidyText(s: string): string {
  return `${s
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd()}\n`;
}
