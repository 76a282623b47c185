import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Content-addressed files under the data dir: `<kind>/<sha256[0:2]>/<sha256><ext>`.
 * Writing is idempotent (same bytes, same name) and atomic (temp file, fsync, rename), so a crash
 * never leaves half a file under a final name. Raw mail and attachments live here.
 */
export class ContentStore {
  constructor(
    /** The data directory the store lives in. */
    readonly root: string,
    private readonly kind: 'raw' | 'attachments',
    private readonly ext: string,
  ) {}

  static sha256(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, this.kind, sha256.slice(0, 2), sha256 + this.ext);
  }

  /**
   * Stores the bytes (if not already there) and returns their sha256. The writing and the fsync
   * run on libuv's thread pool, not the main thread: the files of a batch of mails are flushed in
   * parallel while the main thread goes on.
   */
  async put(bytes: Uint8Array): Promise<string> {
    const sha = ContentStore.sha256(bytes);
    const file = this.pathFor(sha);
    if (existsSync(file)) return sha;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const handle = await fsp.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(tmp, file);
    } catch (err) {
      await fsp.rm(tmp, { force: true });
      throw err;
    }
    return sha;
  }

  get(sha256: string): Buffer {
    return readFileSync(this.pathFor(sha256));
  }
}

/**
 * A file name safe to write and to offer for download: no directories, no control characters,
 * no leading dots, bounded length; the extension is kept where possible.
 */
export function sanitiseFilename(name: string | null | undefined, fallback = 'attachment'): string {
  let base = (name ?? '').normalize('NFC').split(/[\\/]/).pop() ?? '';
  base = base
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (base.length > 150) {
    const ext = path.extname(base).slice(0, 20);
    base = base.slice(0, 150 - ext.length) + ext;
  }
  return base || fallback;
}
