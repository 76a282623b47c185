import { closeSync, fsyncSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { KlachtenbusError } from '../errors.js';

/** Why the data dir cannot take a write. */
export type StorageReason = 'full' | 'read-only' | 'not-writable' | 'unavailable';

/**
 * The data directory cannot take writes (disk full, read-only, permissions): intake must stop
 * taking mail, leave it on the server, and try again later. Retryable: it heals when fixed.
 */
export class StorageError extends KlachtenbusError {
  constructor(
    readonly dataDir: string,
    readonly reason: StorageReason,
    /** The operating system's or SQLite's code, e.g. ENOSPC, EROFS, SQLITE_FULL. */
    readonly causeCode: string,
    cause: unknown,
  ) {
    super(
      'STORAGE_UNAVAILABLE',
      `${describe(reason, dataDir, causeCode)}: no mail is taken; it is left on the server and taken once this is fixed`,
      {
        retryable: true,
        cause,
      },
    );
    this.name = 'StorageError';
  }
}

function describe(reason: StorageReason, dir: string, code: string): string {
  switch (reason) {
    case 'full':
      return `the data directory ${dir} is full (${code})`;
    case 'read-only':
      return `the data directory ${dir} is read-only (${code})`;
    case 'not-writable':
      return `the data directory ${dir} is not writable (${code})`;
    case 'unavailable':
      return `the data directory ${dir} cannot be written (${code})`;
  }
}

const FS_CODES: Record<string, StorageReason> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EFBIG: 'full',
  EROFS: 'read-only',
  EACCES: 'not-writable',
  EPERM: 'not-writable',
  EIO: 'unavailable',
};

function sqliteReason(code: string): StorageReason | null {
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'unavailable';
  return null;
}

/**
 * Tells whether `err`, thrown while writing under `dataDir`, means the data dir cannot take writes,
 * and why. A probe write settles it, because the error itself can mislead: a recursive mkdir on a
 * read-only file system fails with ENOENT, and SQLite reports a full disk as an I/O error at times.
 * Returns null for anything else (the original error is then the one to report).
 */
export function storageProblem(dataDir: string, err: unknown): StorageError | null {
  if (err instanceof StorageError) return err;
  const code = String((err as { code?: unknown } | null)?.code ?? '');
  const known = FS_CODES[code] ?? sqliteReason(code);
  const probe = probeWrite(dataDir);
  if (probe) return new StorageError(dataDir, FS_CODES[probe] ?? 'unavailable', probe, err);
  // The probe got through (space freed meanwhile, or a problem only some files have): trust the
  // error's own code when it names a storage problem; otherwise it is not one.
  return known ? new StorageError(dataDir, known, code, err) : null;
}

/** Writes, syncs and removes a small file in `dir`; returns the error code when that fails. */
export function probeWrite(dir: string): string | null {
  const file = path.join(dir, `.write-probe-${process.pid}`);
  let fd: number | null = null;
  try {
    mkdirSync(dir, { recursive: true });
    fd = openSync(file, 'w', 0o600);
    // a page's worth: on a full file system an empty file can still be created
    writeSync(fd, Buffer.alloc(4096));
    fsyncSync(fd);
    return null;
  } catch (e) {
    return String((e as { code?: unknown }).code ?? 'EIO');
  } finally {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(file);
    } catch {
      // not created, or the file system refuses even that: nothing left to clean
    }
  }
}
