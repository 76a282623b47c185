import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { DateTime } from 'luxon';
import { localDateTime, registerCsv } from '../adapters/export/registerCsv.js';
import { writeRegisterXlsx } from '../adapters/export/registerXlsx.js';
import { ContentStore, sanitiseFilename } from '../adapters/files.js';
import { getCaseByNumber } from '../adapters/sqlite/cases.js';
import { messagesForCase } from '../adapters/sqlite/messages.js';
import { listOutbox } from '../adapters/sqlite/outbox.js';
import { KlachtenbusError } from '../errors.js';
import { showCase } from './caseViews.js';
import { registerRows } from './registerRows.js';

export interface ArchiveSummary {
  /** Cases received in the year. */
  cases: number;
  /** Raw mails copied into the archive. */
  mails: number;
  /** Mails whose raw source was not in the content store (listed in their case.json). */
  missingMails: number;
  dir: string;
}

/** A file name from a mail subject: safe on every file system, short enough for deep paths. */
function subjectFilename(n: number, subject: string, ext: string): string {
  // A subject is not a path: "a/b" is one name (sanitiseFilename would keep only "b").
  const base = sanitiseFilename(subject.replace(/\s+/g, ' ').replace(/[\\/]/g, '_'), 'zonder onderwerp')
    .slice(0, 80)
    .replace(/[.\s]+$/, '');
  return `${String(n).padStart(2, '0')}-${base || 'zonder onderwerp'}${ext}`;
}

/**
 * The yearly archive of the complaints register ("elk jaar vastgelegd en gearchiveerd"): one folder
 * `<outDir>/klachtenbus-archief-<year>/` that is readable without Klachtenbus: the register as xlsx
 * and csv, and per case its record (case.json: fields, timeline, mails, outgoing mail), the raw
 * source of every mail received (.eml, byte for byte as stored) and the text of every mail sent.
 *
 * The year runs from 1 January 00:00 to 1 January 00:00 local time in `timezone`, by date of
 * receipt. The folder is built beside its final name and then swapped in, so re-running replaces
 * it and an interrupted run never leaves a half archive under the final name.
 */
export async function archiveYear(
  db: Database,
  dataDir: string,
  year: number,
  outDir: string,
  now: Date,
  timezone: string,
): Promise<ArchiveSummary> {
  if (!Number.isInteger(year) || year < 2000 || year > 9999)
    throw new KlachtenbusError('INPUT_INVALID', `not a year: ${year}`);
  const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: timezone });
  const rows = registerRows(db, from.toJSDate(), from.plus({ years: 1 }).toJSDate(), now);
  const raw = new ContentStore(dataDir, 'raw', '.eml');

  const dir = path.resolve(outDir, `klachtenbus-archief-${year}`);
  const work = `${dir}.${process.pid}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(work, 'cases'), { recursive: true });

  let mails = 0;
  let missingMails = 0;
  for (const row of rows) {
    const caseRow = getCaseByNumber(db, row.number);
    if (!caseRow) continue; // deleted between the two queries: cases are never deleted, but be safe
    const caseDir = path.join(work, 'cases', sanitiseFilename(row.number, `case-${caseRow.id}`));
    mkdirSync(path.join(caseDir, 'mails'), { recursive: true });

    const files = messagesForCase(db, caseRow.id).map((m, i) => {
      const name = subjectFilename(i + 1, m.subject, '.eml');
      try {
        writeFileSync(path.join(caseDir, 'mails', name), raw.get(m.rawSha256));
        mails++;
        return { file: `mails/${name}`, sha256: m.rawSha256 };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        missingMails++;
        return { file: null, sha256: m.rawSha256, missing: 'raw source not in the content store' };
      }
    });

    const sent = listOutbox(db, { caseId: caseRow.id });
    if (sent.length > 0) mkdirSync(path.join(caseDir, 'sent'));
    const sentFiles = sent.map((o, i) => {
      const name = subjectFilename(i + 1, o.subject, '.txt');
      const head = [
        `Van: ${o.from}`,
        `Aan: ${o.to.join(', ')}`,
        `Onderwerp: ${o.subject}`,
        `Message-ID: <${o.messageId}>`,
        `Status: ${o.status}${o.statusReason ? ` (${o.statusReason})` : ''}`,
        `Verzonden: ${o.sentAt ? `${localDateTime(o.sentAt, timezone)} (${timezone})` : '-'}`,
      ];
      writeFileSync(path.join(caseDir, 'sent', name), `${head.join('\n')}\n\n${o.text}`);
      return `sent/${name}`;
    });

    const view = showCase(db, row.number);
    const record = {
      ...view,
      // As of `now`, like the register, not of the moment the archive happens to be written.
      overdue: row.overdue,
      messages: view.messages.map((m, i) => ({ ...m, ...files[i] })),
      outgoing: view.outgoing.map((o, i) => ({ ...o, file: sentFiles[i] ?? null })),
    };
    writeFileSync(path.join(caseDir, 'case.json'), `${JSON.stringify(record, null, 2)}\n`);
  }

  await writeRegisterXlsx(rows, path.join(work, 'register.xlsx'), { timezone });
  writeFileSync(path.join(work, 'register.csv'), registerCsv(rows, { timezone }));
  writeFileSync(path.join(work, 'README.txt'), readme(year, rows.length, mails, missingMails, now, timezone));

  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return { cases: rows.length, mails, missingMails, dir };
}

function readme(year: number, cases: number, mails: number, missing: number, now: Date, timezone: string): string {
  const made = DateTime.fromJSDate(now).setZone(timezone).toFormat('dd-MM-yyyy HH:mm');
  const lines = [
    `Klachtenarchief ${year}`,
    '='.repeat(`Klachtenarchief ${year}`.length),
    '',
    `Gemaakt door Klachtenbus op ${made} (${timezone}).`,
    `Alle klachten ontvangen van 1 januari ${year} 00:00 tot 1 januari ${year + 1} 00:00 (${timezone}):`,
    `${cases} klacht(en), ${mails} ontvangen e-mail(s).`,
    ...(missing > 0 ? [`LET OP: van ${missing} e-mail(s) ontbrak de bron; zie "missing" in case.json.`] : []),
    '',
    'Inhoud',
    '------',
    'register.xlsx   Het klachtenregister (klachten-verzamelformulier): één regel per klacht.',
    '                Datums en tijden in Nederlandse tijd.',
    'register.csv    Hetzelfde register als tekstbestand (scheidingsteken ;, UTF-8).',
    'cases/<nummer>/ Per klacht:',
    '  case.json     Alle gegevens van de klacht, de tijdlijn (wie deed wat en wanneer),',
    '                de ontvangen en de verzonden e-mails. Tijden in UTC (ISO 8601).',
    '  mails/        De ontvangen e-mails, byte voor byte zoals ontvangen (.eml; te openen',
    '                met Outlook, Thunderbird of een andere e-mailclient).',
    '  sent/         De tekst van de e-mails die Klachtenbus over de klacht verstuurde',
    '                (of bewust niet verstuurde; zie de regel Status).',
    '',
    'Dit archief is een momentopname: latere wijzigingen staan alleen in Klachtenbus.',
    '',
  ];
  return lines.join('\r\n');
}
