/**
 * The README's configuration reference and config/example.yaml must name every option the schema
 * has (a table row that silently went missing once is why this test exists).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configSchema } from '../../src/config/schema.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const example = readFileSync(path.join(root, 'config/example.yaml'), 'utf8');

/** Option paths from the defaults, two levels deep (procedures is a map of profiles, not options). */
function optionPaths(): string[] {
  const defaults = configSchema.parse({}) as Record<string, unknown>;
  const paths: string[] = [];
  for (const [k, v] of Object.entries(defaults)) {
    if (k === 'procedures') continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const sub of Object.keys(v)) paths.push(`${k}.${sub}`);
    else paths.push(k);
  }
  return [
    ...paths,
    'imap.url',
    'imap.auth',
    'smtp.url',
    'smtp.auth',
    'redis.url',
    'complaintsAddress',
    'mail.from',
    'mail.templatesDir',
  ];
}

test.each(optionPaths())('%s is in the README configuration reference', (p) => {
  const row = readme
    .split('\n')
    .some(
      (l) =>
        l.startsWith('|') &&
        (l.includes(`\`${p}\``) ||
          l.includes(`\`${p} `) ||
          l.includes(`\`${p}.`) ||
          l.includes(`\`${p}\` /`) ||
          l.includes(` / \`${p.split('.').pop()}\``)),
    );
  expect({ option: p, inTable: row }).toEqual({ option: p, inTable: true });
});

test.each(optionPaths())('%s is documented in config/example.yaml', (p) => {
  const leaf = p.split('.').pop()!;
  expect({ option: p, inExample: new RegExp(`^\\s*#?\\s*${leaf}:`, 'm').test(example) }).toEqual({
    option: p,
    inExample: true,
  });
});
