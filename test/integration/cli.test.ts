/** The command line as an operator meets it: the compiled `klachtenbus` binary. */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cli } from '../support/worker.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/mail');

function tempConfig(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'kb-cli-')), 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

describe('klachtenbus CLI', () => {
  test('--help lists the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['start', 'ingest', 'cases', 'mail']) expect(r.stdout).toContain(c);
  });

  test('bad configuration: every problem at once, exit code 2, no stack trace, no secret', () => {
    const config = tempConfig(
      [
        'complaintsAddress: nope',
        'imap:',
        '  url: ftp://user:s3cret@host/INBOX',
        '  pollIntervalSeconds: 1',
        'bogus: 1',
      ].join('\n'),
    );
    const r = cli(['--config', config, 'start']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('complaintsAddress');
    expect(r.stderr).toContain('imap.pollIntervalSeconds');
    expect(r.stderr).toContain('bogus');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stderr).not.toContain('s3cret');
  });

  test('start without a mailbox says what is missing', () => {
    const r = cli(['start'], { KLACHTENBUS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kb-cli-')) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('imap.url: required (or set KLACHTENBUS_IMAP_URL)');
  });

  test('ingest files: the same pipeline, idempotent, JSON results', () => {
    const env = {
      KLACHTENBUS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kb-cli-')),
      KLACHTENBUS_COMPLAINTS_ADDRESS: 'klachten@studijob.test',
    };
    const files = readdirSync(FIXTURES).map((f) => path.join(FIXTURES, f));
    const first = cli(['ingest', FIXTURES, '--json'], env);
    expect(first.code).toBe(0);
    const results = JSON.parse(first.stdout) as Array<{ created: boolean; classification: string }>;
    expect(results).toHaveLength(files.length);
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.filter((r) => r.classification.startsWith('automatic')).length).toBeGreaterThanOrEqual(3);
    const again = JSON.parse(cli(['ingest', FIXTURES, '--json'], env).stdout) as Array<{ created: boolean }>;
    expect(again.every((r) => !r.created)).toBe(true);
    const shown = cli(['cases', 'show', 'KL-2026-0001'], env);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Timeline:');
    expect(cli(['cases', 'show', 'KL-1999-0001'], env).code).toBe(1);
  });

  test('ingest of a missing file reports it and fails', () => {
    const env = { KLACHTENBUS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kb-cli-')) };
    const r = cli(['ingest', '/nonexistent.eml'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('/nonexistent.eml: error');
  });
});
