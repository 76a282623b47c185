import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { archiveYear } from '../../src/usecases/archiveYear.js';
import { intakeMessage } from '../../src/usecases/intakeMessage.js';
import { intakeHarness, mail, outgoing } from '../support/intakeHarness.js';

const TZ = 'Europe/Amsterdam';
const NOW = new Date('2027-01-15T09:00:00Z');

interface CaseJson {
  number: string;
  timeline: Array<{ type: string }>;
  messages: Array<{ messageId: string; file: string | null; sha256: string }>;
  outgoing: Array<{ kind: string; file: string | null }>;
}

/** Three complaints in 2026 (one on New Year's Eve, just before midnight in Amsterdam) and two in 2027. */
async function seeded() {
  const h = intakeHarness();
  // With outgoing mail: each new case queues an acknowledgement and a manager notice.
  h.deps.outgoing = outgoing();
  const raws = new Map<string, Buffer>();
  const ingest = async (id: string, subject: string, receivedAt: string, inReplyTo?: string) => {
    const raw = mail({ from: `Klant ${id} <${id}@klant.test>`, subject, messageId: `${id}@x.test`, inReplyTo });
    raws.set(`${id}@x.test`, raw);
    return intakeMessage(h.deps, { raw, source: 'file', receivedAt: new Date(receivedAt) });
  };
  await ingest('a', 'Klacht over factuur', '2026-03-02T10:00:00Z');
  await ingest('b', 'Loon te laat: "opnieuw"/weer', '2026-06-10T08:00:00Z');
  await ingest('a2', 'Re: Klacht over factuur', '2026-03-03T10:00:00Z', 'a@x.test');
  // 22:59 UTC on 31 December is 23:59 in Amsterdam: still 2026.
  await ingest('c', 'Oudejaarsklacht', '2026-12-31T22:59:00Z');
  // 23:00 UTC on 31 December is midnight in Amsterdam: 2027.
  await ingest('d', 'Nieuwjaarsklacht', '2026-12-31T23:00:00Z');
  await ingest('e', 'Klacht 2027', '2027-01-05T09:00:00Z');
  return { h, raws };
}

describe('archiveYear', () => {
  test("writes one year's cases with register, raw mails, timeline and a README", async () => {
    const { h, raws } = await seeded();
    const out = mkdtempSync(path.join(tmpdir(), 'kb-archive-'));
    const summary = await archiveYear(h.db, h.dir, 2026, out, NOW, TZ);

    const dir = path.join(out, 'klachtenbus-archief-2026');
    expect(summary).toEqual({ cases: 3, mails: 4, missingMails: 0, dir });
    expect(readdirSync(dir).sort()).toEqual(['README.txt', 'cases', 'register.csv', 'register.xlsx']);
    expect(readdirSync(path.join(dir, 'cases')).sort()).toEqual(['KL-2026-0001', 'KL-2026-0002', 'KL-2026-0003']);

    // The first case holds the complaint and the reply, in order, byte for byte.
    const first = path.join(dir, 'cases', 'KL-2026-0001');
    expect(readdirSync(path.join(first, 'mails'))).toEqual([
      '01-Klacht over factuur.eml',
      '02-Re_ Klacht over factuur.eml',
    ]);
    expect(readFileSync(path.join(first, 'mails', '01-Klacht over factuur.eml'))).toEqual(raws.get('a@x.test'));
    expect(readFileSync(path.join(first, 'mails', '02-Re_ Klacht over factuur.eml'))).toEqual(raws.get('a2@x.test'));
    const json = JSON.parse(readFileSync(path.join(first, 'case.json'), 'utf8')) as CaseJson;
    expect(json.number).toBe('KL-2026-0001');
    expect(json.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['case.registered', 'message.received']));
    expect(json.messages.map((m) => [m.messageId, m.file])).toEqual([
      ['a@x.test', 'mails/01-Klacht over factuur.eml'],
      ['a2@x.test', 'mails/02-Re_ Klacht over factuur.eml'],
    ]);

    expect(json.outgoing.length).toBeGreaterThan(0);
    for (const o of json.outgoing) {
      expect(o.file).toMatch(/^sent\/\d\d-.+\.txt$/);
      expect(readFileSync(path.join(first, o.file ?? ''), 'utf8')).toMatch(/^Van: .*\nAan: /);
    }

    // A subject with quotes and a slash still makes one file, with the exact bytes.
    const second = path.join(dir, 'cases', 'KL-2026-0002', 'mails');
    const [name] = readdirSync(second);
    expect(name).toBe('01-Loon te laat_ _opnieuw__weer.eml');
    expect(readFileSync(path.join(second, name ?? ''))).toEqual(raws.get('b@x.test'));

    const csv = readFileSync(path.join(dir, 'register.csv'), 'utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(csv).toContain('KL-2026-0003;open;31-12-2026 23:59;');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dir, 'register.xlsx'));
    const ws = wb.getWorksheet('Klachtenregister');
    expect(ws?.rowCount).toBe(4);
    expect(ws?.getRow(4).getCell(1).value).toBe('KL-2026-0003');

    const readme = readFileSync(path.join(dir, 'README.txt'), 'utf8');
    expect(readme).toContain('Klachtenarchief 2026');
    expect(readme).toContain('3 klacht(en), 4 ontvangen e-mail(s)');
  });

  test('the next year holds the New Year case; re-running replaces the folder', async () => {
    const { h } = await seeded();
    const out = mkdtempSync(path.join(tmpdir(), 'kb-archive-'));
    const first = await archiveYear(h.db, h.dir, 2027, out, NOW, TZ);
    writeFileSync(path.join(first.dir, 'stray.txt'), 'left over');
    const again = await archiveYear(h.db, h.dir, 2027, out, NOW, TZ);
    expect(again).toEqual(first);
    expect(readdirSync(path.join(again.dir, 'cases')).sort()).toEqual(['KL-2027-0001', 'KL-2027-0002']);
    expect(existsSync(path.join(again.dir, 'stray.txt'))).toBe(false);
    expect(readdirSync(out)).toEqual(['klachtenbus-archief-2027']);
  });

  test('a mail whose raw source is gone is listed, not silently dropped', async () => {
    const { h } = await seeded();
    const sha = h.db.prepare(`SELECT raw_sha256 FROM messages WHERE message_id = 'e@x.test'`).pluck().get() as string;
    const { rmSync } = await import('node:fs');
    rmSync(h.deps.rawStore.pathFor(sha));
    const out = mkdtempSync(path.join(tmpdir(), 'kb-archive-'));
    const summary = await archiveYear(h.db, h.dir, 2027, out, NOW, TZ);
    expect(summary).toMatchObject({ cases: 2, mails: 1, missingMails: 1 });
    const json = JSON.parse(
      readFileSync(path.join(summary.dir, 'cases', 'KL-2027-0002', 'case.json'), 'utf8'),
    ) as CaseJson;
    expect(json.messages[0]).toMatchObject({ file: null, sha256: sha, missing: expect.any(String) });
    expect(readFileSync(path.join(summary.dir, 'README.txt'), 'utf8')).toContain('LET OP');
  });

  test('an empty year is an archive with an empty register', async () => {
    const { h } = await seeded();
    const out = mkdtempSync(path.join(tmpdir(), 'kb-archive-'));
    const summary = await archiveYear(h.db, h.dir, 2025, out, NOW, TZ);
    expect(summary).toMatchObject({ cases: 0, mails: 0 });
    expect(readdirSync(path.join(summary.dir, 'cases'))).toEqual([]);
  });
});
