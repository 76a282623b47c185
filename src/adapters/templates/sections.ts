/**
 * The template file format: one `.hbs` file per template and locale, split into three sections by
 * marker lines of their own:
 *
 * ```
 * Anything before the first marker is a comment for the reader and is ignored.
 * --- subject ---
 * [{{caseNumber}}] …
 * --- text ---
 * Plain-text body …
 * --- html ---
 * <!DOCTYPE html> …
 * ```
 *
 * Each section must appear exactly once (in any order). A line that looks like a marker but names
 * another section (`--- body ---`) is an error rather than text, so a typo cannot silently move a
 * section's content into its neighbour. Pure.
 */

/** The three parts of a mail. */
export const SECTION_NAMES = ['subject', 'text', 'html'] as const;
export type SectionName = (typeof SECTION_NAMES)[number];

/** One section's source and where it starts in the file. */
export interface Section {
  source: string;
  /** 1-based file line of the section's first content line (the line after its marker). */
  firstLine: number;
  /** 1-based file line of the section's last content line (at least `firstLine - 1` when empty). */
  lastLine: number;
}

/** The sections found (only those present) and every problem, each with its 1-based file line. */
export interface SplitResult {
  sections: Partial<Record<SectionName, Section>>;
  problems: { line: number | null; message: string }[];
}

// Surrounding whitespace and case are forgiven: an editor may indent or capitalise the marker.
const MARKER = /^\s*---\s*([A-Za-z][\w-]*)\s*---\s*$/;

function isSectionName(name: string): name is SectionName {
  return (SECTION_NAMES as readonly string[]).includes(name);
}

/** Splits a template file's text into its sections; `\r\n` line endings are read as `\n`. */
export function splitSections(fileText: string): SplitResult {
  const lines = fileText.replace(/\r\n?/g, '\n').split('\n');
  const sections: SplitResult['sections'] = {};
  const problems: SplitResult['problems'] = [];
  let current: { name: SectionName; firstLine: number; lines: string[] } | null = null;

  const close = (): void => {
    if (!current) return;
    const { name, firstLine } = current;
    sections[name] = { source: current.lines.join('\n'), firstLine, lastLine: firstLine + current.lines.length - 1 };
  };

  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const marker = MARKER.exec(line);
    if (!marker?.[1]) {
      current?.lines.push(line);
      return;
    }
    const name = marker[1].toLowerCase();
    if (!isSectionName(name)) {
      problems.push({ line: lineNo, message: `unknown section "${name}" (expected ${SECTION_NAMES.join(', ')})` });
      // The lines that follow belong to no section; they are reported once, here, not again.
      close();
      current = null;
      return;
    }
    if (sections[name] || current?.name === name) {
      problems.push({ line: lineNo, message: `section "${name}" appears more than once` });
    }
    close();
    current = { name, firstLine: lineNo + 1, lines: [] };
  });
  close();

  for (const name of SECTION_NAMES) {
    if (!sections[name]) problems.push({ line: null, message: `missing section "--- ${name} ---"` });
  }
  return { sections, problems };
}
