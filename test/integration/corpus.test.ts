/**
 * The acceptance check: a set of real-world mails (bounces, out-of-office replies, broken
 * MIME, odd charsets, missing headers) delivered to a real Dovecot mailbox ends with every mail in
 * `mail list`, every human complaint as exactly one case, no automatic mail as a case, and no
 * crash; restarting the worker over the same mailbox changes nothing. Uses ../shared/corpus when
 * it exists (never copied into the project).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthesiseMessageId } from '../../src/domain/messageId.js';
import { appendMail, newMailbox, waitFor } from '../support/mailstack.js';
import { cli, cliJson, WorkerProcess, writeTestConfig, type CaseJson, type MailJson } from '../support/worker.js';

const corpusDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/public');
const manifest = join(corpusDir, 'MANIFEST.tsv');
const present = existsSync(manifest);

interface Row {
  file: string;
  treatment: 'case' | 'autoreply' | 'either';
}

function rows(): Row[] {
  const [header, ...lines] = readFileSync(manifest, 'utf8').split('\n').filter(Boolean);
  const cols = header!.split('\t');
  return lines.map((l) => {
    const c = l.split('\t');
    return { file: c[cols.indexOf('file')]!, treatment: c[cols.indexOf('treatment')] as Row['treatment'] };
  });
}

(present ? describe : describe.skip)('the public corpus through a real mailbox', () => {
  let worker: WorkerProcess | null = null;
  afterAll(async () => {
    await worker?.kill();
  });

  test('every mail listed, each human complaint exactly one case, no automatic mail a case; a restart changes nothing', async () => {
    const box = await newMailbox('corpus');
    const config = writeTestConfig(box.imapUrl, { imap: { fetchBatchSize: 20 } });
    const all = rows();
    const viaImap: Row[] = [];
    const rejected: Row[] = [];
    for (const row of all) {
      try {
        await appendMail(box, readFileSync(join(corpusDir, row.file)));
        viaImap.push(row);
      } catch {
        // An IMAP server may refuse a mail outright (e.g. bare CR line ends): it never reaches us
        // by IMAP, so it is imported with `klachtenbus ingest`, the same pipeline.
        rejected.push(row);
      }
    }
    expect(viaImap.length).toBeGreaterThan(all.length - 5);

    worker = new WorkerProcess(config);
    await worker.waitIdle(1, 120000);
    for (const row of rejected) {
      expect(cli(['--config', config, 'ingest', join(corpusDir, row.file)]).code).toBe(0);
    }
    const mails = await waitFor(
      () => {
        const m = cliJson<MailJson[]>(config, ['mail', 'list']);
        return m.length >= all.length ? m : null;
      },
      { timeoutMs: 60000, intervalMs: 500, message: 'not every corpus mail was listed' },
    );
    expect(mails).toHaveLength(all.length);

    // Map each corpus file to its mail by Message-ID (or the one synthesised from its content).
    const byId = new Map(mails.map((m) => [m.messageId, m]));
    const idOf = (row: Row): string => {
      const raw = readFileSync(join(corpusDir, row.file));
      const head = raw.toString('latin1').split(/\r?\n\r?\n/)[0] ?? '';
      const found = /^message-id:\s*<([^>\s]+)>/im.exec(head);
      return found ? found[1]! : synthesiseMessageId(raw);
    };
    const cases = cliJson<CaseJson[]>(config, ['cases', 'list']);
    const caseMails = mails.filter(
      (m) => m.caseNumber !== null && (m.classification === 'complaint' || m.classification === 'unparseable'),
    );
    // Every case comes from exactly one mail here (no replies among these files).
    expect(new Set(caseMails.map((m) => m.caseNumber)).size).toBe(caseMails.length);
    expect(cases).toHaveLength(caseMails.length);

    const wantCases = all.filter((r) => r.treatment === 'case').length;
    const wantAuto = all.filter((r) => r.treatment === 'autoreply').length;
    const eitherCount = all.length - wantCases - wantAuto;
    const automatic = mails.filter((m) => m.classification.startsWith('automatic'));
    expect(caseMails.length).toBeGreaterThanOrEqual(wantCases);
    expect(caseMails.length).toBeLessThanOrEqual(wantCases + eitherCount);
    expect(automatic.length).toBeGreaterThanOrEqual(wantAuto);

    // Per file where the bytes are unchanged by the server: the treatment the manifest asks for.
    let checked = 0;
    for (const row of all) {
      const m = byId.get(idOf(row));
      if (!m || m.classification === 'duplicate') continue;
      checked++;
      if (row.treatment === 'autoreply')
        expect({ file: row.file, c: m.classification }).toEqual({ file: row.file, c: 'automatic-ignored' });
      if (row.treatment === 'case')
        expect({ file: row.file, c: m.caseNumber !== null }).toEqual({ file: row.file, c: true });
    }
    expect(checked).toBeGreaterThan(all.length * 0.8);

    // A restart over the same mailbox changes nothing.
    expect(await worker.stop()).toBe(0);
    worker = new WorkerProcess(config);
    await worker.waitIdle(1, 60000);
    expect(cliJson<MailJson[]>(config, ['mail', 'list'])).toHaveLength(all.length);
    expect(cliJson<CaseJson[]>(config, ['cases', 'list'])).toHaveLength(cases.length);
  }, 240000);
});
