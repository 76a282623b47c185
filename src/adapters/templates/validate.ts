/**
 * Parses one template section and checks it against what our mail templates may do. Every problem
 * carries a line number in the FILE (Handlebars counts from the start of the section it was given;
 * we add the section's offset), so an operator can go straight to it.
 *
 * Forbidden, because each one would let data or an unknown piece of code decide the markup:
 * - `{{{x}}}` and `{{& x}}`: unescaped output; a complainant's name could inject HTML.
 * - partials and decorators: templates are self-contained, none are registered.
 * - helpers we do not register, or with the wrong number of arguments: they fail only when a
 *   mail is sent, which is the one moment nobody is watching.
 */
import type Handlebars from 'handlebars';

import { CUSTOM_HELPER_ARITY } from './helpers.js';
import type { Section } from './sections.js';

/** A problem found in a section, with its 1-based file line. */
export interface SectionProblem {
  line: number;
  message: string;
}

// Built-in helpers and the argument counts they accept ([min, max]).
const HELPER_ARITY: Readonly<Record<string, [number, number]>> = {
  if: [1, 1],
  unless: [1, 1],
  each: [1, 1],
  with: [1, 1],
  lookup: [2, 2],
  log: [1, Infinity],
  ...Object.fromEntries(Object.entries(CUSTOM_HELPER_ARITY).map(([name, n]) => [name, [n, n] as [number, number]])),
};

type AnyNode = hbs.AST.Node & Record<string, unknown>;

/**
 * Parses `section.source` with `env` and returns the AST, or null with the parse problem. The
 * AST is returned so the caller compiles exactly what was checked.
 */
export function parseSection(
  env: typeof Handlebars,
  section: Section,
): { ast: hbs.AST.Program; problems: [] } | { ast: null; problems: SectionProblem[] } {
  try {
    return { ast: env.parse(section.source), problems: [] };
  } catch (err) {
    return { ast: null, problems: [describeParseError(err, section)] };
  }
}

function toFileLine(sectionLine: number, section: Section): number {
  // An error at the end of input (an unclosed block) is reported one line past the section;
  // point at the section's last line instead of at the next marker.
  return Math.min(section.firstLine + sectionLine - 1, Math.max(section.lastLine, section.firstLine));
}

function describeParseError(err: unknown, section: Section): SectionProblem {
  const error = err instanceof Error ? err : new Error(String(err));
  const lineNumber = (error as { lineNumber?: unknown }).lineNumber;
  if (typeof lineNumber === 'number') {
    // Handlebars.Exception (e.g. "if doesn't match each - 3:3"): drop its section-relative position.
    return { line: toFileLine(lineNumber, section), message: error.message.replace(/ - \d+:\d+$/, '') };
  }
  // Parser and lexer errors: "Parse error on line 3:\n<excerpt>\n----^\nExpecting …, got 'EOF'".
  const match = /^(Parse|Lexical) error on line (\d+)/.exec(error.message);
  if (!match?.[2]) return { line: section.firstLine, message: error.message };
  const lines = error.message.split('\n');
  const excerpt = lines.length >= 4 ? lines[1]?.trim() : undefined;
  const detail = lines.length >= 4 ? lines.slice(3).join(' ') : 'unrecognised text';
  const near = excerpt ? ` near ${JSON.stringify(excerpt)}` : '';
  return { line: toFileLine(Number(match[2]), section), message: `${match[1]} error: ${detail}${near}` };
}

/** Checks a parsed section for forbidden constructs and unknown helpers; [] when it is fine. */
export function checkSection(ast: hbs.AST.Program, section: Section): SectionProblem[] {
  const problems: SectionProblem[] = [];
  const report = (node: hbs.AST.Node, message: string): void => {
    problems.push({ line: toFileLine(node.loc.start.line, section), message });
  };

  const checkCall = (node: AnyNode, isBlock: boolean): void => {
    const path = node.path as hbs.AST.PathExpression | hbs.AST.Literal;
    const params = (node.params as hbs.AST.Expression[] | undefined) ?? [];
    const hasHash = ((node.hash as hbs.AST.Hash | undefined)?.pairs.length ?? 0) > 0;
    if (path.type !== 'PathExpression') return;
    const name = (path as hbs.AST.PathExpression).original;
    const arity = HELPER_ARITY[name];
    const isCall = params.length > 0 || hasHash || node.type === 'SubExpression';
    if (!arity) {
      // `{{name}}` and `{{#name}}…{{/name}}` without arguments read data, which is fine.
      if (isCall) report(node, `unknown helper "${name}"`);
      return;
    }
    if (!isBlock && ['if', 'unless', 'each', 'with'].includes(name)) {
      report(node, `"${name}" must be used as a block: {{#${name} …}}…{{/${name}}}`);
    }
    const [min, max] = arity;
    if (params.length < min || params.length > max) {
      const expected = min === max ? `${min}` : `at least ${min}`;
      report(node, `helper "${name}" takes ${expected} argument(s), got ${params.length}`);
    }
  };

  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object' || !('type' in value)) return;
    const node = value as AnyNode;
    switch (node.type) {
      case 'MustacheStatement':
        if (node.escaped === false) report(node, 'unescaped output ({{{ }}} or {{& }}) is not allowed; use {{ }}');
        checkCall(node, false);
        break;
      case 'SubExpression':
        checkCall(node, false);
        break;
      case 'BlockStatement':
        checkCall(node, true);
        break;
      case 'PartialStatement':
      case 'PartialBlockStatement':
        report(node, 'partials ({{> }}) are not supported; templates must be self-contained');
        break;
      case 'Decorator':
      case 'DecoratorBlock':
        report(node, 'decorators ({{* }}) are not supported');
        break;
    }
    // Descend into every child: params, hash values, block bodies and their else branches.
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'loc' && child && typeof child === 'object') visit(child);
    }
  };
  visit(ast);
  return problems;
}
