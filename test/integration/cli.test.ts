/** The command line as an operator meets it: the compiled `klachtenbus` binary. */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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

  test('a broken override template stops the start with its file and line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kb-cli-'));
    mkdirSync(path.join(dir, 'templates', 'nl'), { recursive: true });
    const broken = [
      '--- subject ---',
      '[{{caseNumber}}] {{originalSubject}}',
      '--- text ---',
      'Beste klant,',
      '',
      'Uw klacht {{#if caseNumber}}is ontvangen.',
      '--- html ---',
      '<p>x</p>',
    ];
    writeFileSync(path.join(dir, 'templates', 'nl', 'acknowledgement.hbs'), broken.join('\n'));
    const config = path.join(dir, 'config.yaml');
    writeFileSync(
      config,
      [
        'complaintsAddress: klachten@studijob.test',
        'imap: { url: "imap://u:p@127.0.0.1:1/INBOX" }',
        'smtp: { url: "smtp://127.0.0.1:1" }',
        'redis: { url: "redis://127.0.0.1:1" }',
        'mail: { templatesDir: ./templates }',
      ].join('\n'),
    );
    const r = cli(['--config', config, 'start']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/templates\/nl\/acknowledgement\.hbs:6/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('cases register: a complaint by phone, registered by an employee', () => {
    const env = { KLACHTENBUS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kb-cli-')) };
    const r = cli(
      [
        'cases',
        'register',
        '--from',
        'p@klant.test',
        '--name',
        'Petra',
        '--description',
        'Belde: uitzendkracht te laat',
        '--type',
        'client',
        '--by',
        'Jan Jansen',
        '--json',
      ],
      env,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ number: expect.stringMatching(/^KL-\d{4}-0001$/), queuedMails: 0 });
    const shown = JSON.parse(cli(['cases', 'show', JSON.parse(r.stdout).number, '--json'], env).stdout);
    expect(shown).toMatchObject({ registeredBy: 'Jan Jansen', complainant: { type: 'client', email: 'p@klant.test' } });
    expect(shown.deadlines.contact).toEqual(expect.any(String));
    expect(
      cli(['cases', 'register', '--name', 'X', '--description', 'x', '--by', 'J', '--acknowledge'], env).code,
    ).toBe(2);
  });

  test('ingest of a missing file reports it and fails', () => {
    const env = { KLACHTENBUS_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'kb-cli-')) };
    const r = cli(['ingest', '/nonexistent.eml'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('/nonexistent.eml: error');
  });
});
