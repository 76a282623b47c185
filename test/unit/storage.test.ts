import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentStore } from '../../src/adapters/files.js';
import { probeWrite, StorageError, storageProblem } from '../../src/adapters/storage.js';
import { intakeMessage } from '../../src/usecases/intakeMessage.js';
import { intakeHarness, mail } from '../support/intakeHarness.js';

const errno = (code: string) => Object.assign(new Error(`${code}: test`), { code });

describe('storageProblem', () => {
  test('a writable data dir: only errors that name a storage problem are one', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kb-storage-'));
    expect(probeWrite(dir)).toBeNull();
    expect(storageProblem(dir, errno('ENOENT'))).toBeNull();
    expect(storageProblem(dir, new Error('UNIQUE constraint failed'))).toBeNull();
    expect(storageProblem(dir, errno('ENOSPC'))).toMatchObject({ reason: 'full', causeCode: 'ENOSPC' });
    expect(storageProblem(dir, errno('SQLITE_FULL'))).toMatchObject({ reason: 'full', causeCode: 'SQLITE_FULL' });
    const ro = storageProblem(dir, errno('SQLITE_READONLY_DBMOVED'));
    expect(ro).toMatchObject({ code: 'STORAGE_UNAVAILABLE', retryable: true, reason: 'read-only' });
    expect(ro!.message).toBe(
      `the data directory ${dir} is read-only (SQLITE_READONLY_DBMOVED): no mail is taken; ` +
        'it is left on the server and taken once this is fixed',
    );
  });

  test('a data dir that cannot be written: the probe names the cause, whatever the error said', () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'kb-storage-'));
    const file = path.join(parent, 'not-a-dir');
    writeFileSync(file, 'x');
    // a "data dir" below a file: every write fails, as on a broken mount
    const dir = path.join(file, 'data');
    expect(probeWrite(dir)).toBe('ENOTDIR');
    expect(storageProblem(dir, errno('ENOENT'))).toMatchObject({ reason: 'unavailable', causeCode: 'ENOTDIR' });
  });
});

describe('intake on a data dir that cannot be written', () => {
  test('throws a StorageError and stores nothing', async () => {
    const h = intakeHarness();
    const raw = mail({ from: 'a@klant.test', subject: 'Klacht', messageId: 'ro@x.test' });
    // Root ignores permission bits, so put the data dir below a file: every write there fails.
    const file = path.join(h.dir, 'a-file');
    writeFileSync(file, '');
    const deps = { ...h.deps, rawStore: new ContentStore(path.join(file, 'data'), 'raw', '.eml') };
    const err = await intakeMessage(deps, { raw, source: 'file' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect(err).toMatchObject({ reason: 'unavailable', causeCode: 'ENOTDIR' });
    expect(h.count('SELECT COUNT(*) FROM messages')).toBe(0);
  });
});
