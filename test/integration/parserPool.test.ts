/**
 * The parser threads (the thread script compiled in dist/): a mail that takes too long fails that one mail and
 * nothing else.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParserPool } from '../../src/adapters/parser/pool.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workerUrl = new URL(`file://${ROOT}/dist/adapters/parser/parseWorker.js`);
const plain = readFileSync(path.join(ROOT, 'test/fixtures/mail/plain-dutch-complaint.eml'));

test('parses in threads, several at once', async () => {
  const pool = new ParserPool({ threads: 2, timeoutMs: 10000, maxAttachmentBytes: 1e6, workerUrl });
  try {
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => pool.parse(plain)));
    for (const o of outcomes) expect(o).toMatchObject({ ok: true, mail: { subject: expect.any(String) } });
  } finally {
    await pool.close();
  }
});

test('a parse that exceeds the time limit fails alone, and the pool goes on', async () => {
  // A big HTML mail takes far longer than 1 ms to parse.
  const big = Buffer.from(
    `From: a@b.test\r\nSubject: groot\r\nContent-Type: text/html\r\n\r\n${'<p>klacht <b>tekst</b></p>'.repeat(200000)}`,
  );
  const pool = new ParserPool({ threads: 1, timeoutMs: 1, maxAttachmentBytes: 1e6, workerUrl });
  const slow = await pool.parse(big);
  expect(slow).toEqual({ ok: false, error: 'parsing took longer than 1 ms' });
  await pool.close();
  const pool2 = new ParserPool({ threads: 1, timeoutMs: 10000, maxAttachmentBytes: 1e6, workerUrl });
  try {
    expect(await pool2.parse(plain)).toMatchObject({ ok: true });
  } finally {
    await pool2.close();
  }
});

test('a mail far beyond the attachment cap is not parsed at all', async () => {
  const pool = new ParserPool({ threads: 1, timeoutMs: 10000, maxAttachmentBytes: 1000, workerUrl });
  try {
    const o = await pool.parse(Buffer.alloc(17 * 1024 * 1024, 'a'));
    expect(o).toEqual({ ok: false, error: expect.stringMatching(/^too large to parse/) });
    expect(await pool.parse(plain)).toMatchObject({ ok: true });
  } finally {
    await pool.close();
  }
});
