/**
 * Turns one template file's text into three compiled renderers, or into the list of everything
 * wrong with it. Nothing is deferred to render time: every section is parsed, checked and
 * compiled here, so a broken template stops the program at start, not at the first send.
 */
import type Handlebars from 'handlebars';

import { SECTION_NAMES, splitSections, type SectionName } from './sections.js';
import { checkSection, parseSection } from './validate.js';

/** A compiled section: data in, rendered string out (runtime options carry the locale). */
export type SectionRenderer = Handlebars.TemplateDelegate<Record<string, unknown>>;

/** The three compiled sections of one template file. */
export type CompiledFile = Record<SectionName, SectionRenderer>;

/**
 * Compiles `fileText` (read from `filePath`, which is only used in messages) with `env`.
 * Subject and text are compiled without HTML escaping (they are not HTML; the renderer cleans
 * their data instead); html keeps Handlebars' default escaping.
 *
 * Returns the compiled file, or the problems, each as `path:line: message` (`path: message` when
 * no line applies, e.g. a missing section).
 */
export function compileFile(
  env: typeof Handlebars,
  filePath: string,
  fileText: string,
): { file: CompiledFile; problems: [] } | { file: null; problems: string[] } {
  const problems: string[] = [];
  const at = (line: number | null, message: string): string =>
    line === null ? `${filePath}: ${message}` : `${filePath}:${line}: ${message}`;

  const split = splitSections(fileText);
  for (const problem of split.problems) problems.push(at(problem.line, problem.message));

  const compiled: Partial<CompiledFile> = {};
  for (const name of SECTION_NAMES) {
    const section = split.sections[name];
    if (!section) continue;
    const parsed = parseSection(env, section);
    const sectionProblems = parsed.ast ? checkSection(parsed.ast, section) : parsed.problems;
    for (const problem of sectionProblems) problems.push(at(problem.line, `${name} section: ${problem.message}`));
    if (!parsed.ast || sectionProblems.length > 0) continue;

    const options: Parameters<typeof env.compile>[1] = name === 'html' ? {} : { noEscape: true };
    try {
      // compile() is lazy: the compiler first runs at the first render. precompile() runs the
      // same compiler now, so its errors surface at load time.
      env.precompile(parsed.ast, options);
      compiled[name] = env.compile(parsed.ast, options);
    } catch (err) {
      const line = (err as { lineNumber?: unknown }).lineNumber;
      const fileLine = typeof line === 'number' ? section.firstLine + line - 1 : section.firstLine;
      problems.push(at(fileLine, `${name} section: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  if (problems.length > 0 || !compiled.subject || !compiled.text || !compiled.html) {
    return { file: null, problems };
  }
  return { file: { subject: compiled.subject, text: compiled.text, html: compiled.html }, problems: [] };
}
