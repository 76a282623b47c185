/**
 * The public corpus (79 real-world mails from MIME, bounce and mail-library test suites) run
 * through the parser and the automatic-mail detector. Lives outside the project in
 * `../shared/corpus/public`; the whole suite is skipped when it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMail } from '../../src/adapters/parser/parseMail.js';
import { detectAutomatic } from '../../src/domain/automatic.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpusDir = resolve(projectRoot, '..', 'shared', 'corpus', 'public');
const manifestPath = join(corpusDir, 'MANIFEST.tsv');

interface Row {
  file: string;
  treatment: 'case' | 'autoreply' | 'either';
  notes: string;
}

function readManifest(): Row[] {
  const [header, ...lines] = readFileSync(manifestPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const columns = (header ?? '').split('\t');
  const at = (name: string): number => columns.indexOf(name);
  return lines.map((line) => {
    const cells = line.split('\t');
    return {
      file: cells[at('file')] ?? '',
      treatment: (cells[at('treatment')] ?? '') as Row['treatment'],
      notes: cells[at('notes')] ?? '',
    };
  });
}

const present = existsSync(manifestPath);
const rows = present ? readManifest() : [];
const ctx = { ownAddresses: ['klachten@studijob.test'], ownMessageIdDomains: ['klachtenbus.test'] };

if (!present) {
  console.warn(`corpus.test: ${manifestPath} not found; skipping the public corpus suite.`);
}

(present ? describe : describe.skip)('public corpus (../shared/corpus/public)', () => {
  test('the manifest lists files', () => {
    expect(rows.length).toBeGreaterThan(0);
  });

  test.each(rows)('$file ($treatment)', async ({ file, treatment }) => {
    const outcome = await parseMail(readFileSync(join(corpusDir, file)), { maxAttachmentBytes: 10 * 1024 * 1024 });
    if (!outcome.ok) {
      expect(typeof outcome.error).toBe('string');
      return;
    }
    const verdict = detectAutomatic(outcome.mail, ctx);
    if (treatment === 'autoreply') expect(verdict).toMatchObject({ automatic: true });
    if (treatment === 'case') expect(verdict).toEqual({ automatic: false, reasons: [], kind: null });
  });
});
