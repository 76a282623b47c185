import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, parseImapUrl, requireOptions } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

function writeConfig(yaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-config-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  test('defaults apply and a relative dataDir is resolved against the config file', () => {
    const file = writeConfig('complaintsAddress: Klachten@StudiJob.test\n');
    const config = loadConfig({ file, env: {}, cwd: '/' });
    expect(config.complaintsAddress).toBe('klachten@studijob.test');
    expect(config.dataDir).toBe(path.join(path.dirname(file), 'data'));
    expect(config.imap.afterIngest).toBe('move');
    expect(config.intake.maxAttachmentBytes).toBe(25 * 1024 * 1024);
    expect(config.cases.numberPrefix).toBe('KL');
  });

  test('every problem is listed at once, including unknown keys', () => {
    const file = writeConfig(
      [
        'complaintsAddress: not-an-address',
        'imap:',
        '  url: http://example.test/',
        '  afterIngest: delete',
        'intake:',
        '  parserThreads: 0',
        'cases:',
        '  numberPrefx: KL',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ file, env: {}, cwd: '/' }));
    expect(problems.some((p) => p.startsWith('complaintsAddress:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('imap.afterIngest:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('intake.parserThreads:'))).toBe(true);
    expect(problems.some((p) => p.includes('numberPrefx'))).toBe(true);
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  test('a bad URL is reported without echoing its password', () => {
    const problems = problemsOf(() =>
      loadConfig({ env: { KLACHTENBUS_IMAP_URL: 'http://u:hunter2@host/INBOX' }, cwd: '/' }),
    );
    expect(problems).toEqual([expect.stringContaining('imap.url: scheme must be one of imap, imaps')]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  test('environment variables override the file', () => {
    const file = writeConfig('complaintsAddress: a@b.test\nimap:\n  url: imap://x:y@file.test/INBOX\n');
    const config = loadConfig({
      file,
      env: {
        KLACHTENBUS_IMAP_URL: 'imaps://u:p@env.test/Klachten',
        KLACHTENBUS_COMPLAINTS_ADDRESS: 'klachten@env.test',
        KLACHTENBUS_DATA_DIR: 'relative/data',
      },
      cwd: '/srv/kb',
    });
    expect(config.imap.url).toBe('imaps://u:p@env.test/Klachten');
    expect(config.complaintsAddress).toBe('klachten@env.test');
    expect(config.dataDir).toBe('/srv/kb/relative/data');
  });

  test('a file that is not YAML is one clear problem', () => {
    const file = writeConfig('imap: [unclosed');
    expect(problemsOf(() => loadConfig({ file, env: {}, cwd: '/' }))[0]).toContain('cannot read or parse');
  });

  test('a missing file is a config error, not a crash', () => {
    expect(problemsOf(() => loadConfig({ file: '/nonexistent/k.yaml', env: {}, cwd: '/' }))[0]).toContain(
      '/nonexistent/k.yaml',
    );
  });

  test('requireOptions names what a command needs', () => {
    const config = loadConfig({ env: {}, cwd: '/' });
    expect(problemsOf(() => requireOptions(config, ['imap', 'complaintsAddress']))).toEqual([
      'imap.url: required (or set KLACHTENBUS_IMAP_URL)',
      'complaintsAddress: required (or set KLACHTENBUS_COMPLAINTS_ADDRESS)',
    ]);
  });
});

describe('config/example.yaml', () => {
  test('documents a valid configuration (it must stay in step with the schema)', () => {
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../config/example.yaml');
    const config = loadConfig({ file, env: {}, cwd: '/' });
    expect(config.procedure).toBe('studijob');
    expect(Object.keys(config.procedures)).toEqual(expect.arrayContaining(['default', 'studijob', 'spijtenburg']));
  });

  test('an unknown procedure profile is named with the known ones', () => {
    const file = writeConfig('procedure: nope\n');
    expect(problemsOf(() => loadConfig({ file, env: {}, cwd: '/' }))).toEqual([
      'procedure: unknown profile "nope" (known: default, studijob, spijtenburg)',
    ]);
  });
});

describe('parseImapUrl', () => {
  test('decodes credentials and mailbox, with default ports', () => {
    expect(parseImapUrl('imap://klachten%40x.test:p%40ss%2Fw@127.0.0.1:1143/Klachten%20In')).toEqual({
      host: '127.0.0.1',
      port: 1143,
      secure: false,
      user: 'klachten@x.test',
      pass: 'p@ss/w',
      mailbox: 'Klachten In',
    });
    expect(parseImapUrl('imaps://u:p@mail.test').port).toBe(993);
    expect(parseImapUrl('imaps://u:p@mail.test').mailbox).toBe('INBOX');
    expect(parseImapUrl('imap://u:p@mail.test').port).toBe(143);
  });
});
