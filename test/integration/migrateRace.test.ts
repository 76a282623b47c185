/** Several processes starting on a new database at the same moment (workers, CLI commands). */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OPEN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/adapters/sqlite/open.js');

/** Loads the module first, then opens the database at `startAt`, so the openings really overlap. */
function openIn(dir: string, startAt: number): Promise<{ code: number | null; stderr: string }> {
  const script = `import(${JSON.stringify(OPEN)}).then((m) => {
    while (Date.now() < ${startAt});
    m.openDatabase(${JSON.stringify(dir)}).close();
  })`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

test('six processes migrating one new database at once all succeed', async () => {
  for (let round = 0; round < 3; round++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'kb-race-'));
    const startAt = Date.now() + 1500;
    const results = await Promise.all(Array.from({ length: 6 }, () => openIn(dir, startAt)));
    for (const r of results) expect(r).toEqual({ code: 0, stderr: '' });
  }
});
