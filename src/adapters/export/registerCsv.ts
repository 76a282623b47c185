import { DateTime } from 'luxon';
import type { RegisterRow } from '../../usecases/registerRows.js';

/**
 * The columns of the complaints register, in the order of the "Klachten-verzamelformulier":
 * registration, handling, cause and prevention, closing. Both the xlsx and the csv export read this
 * table, so the two files always have the same columns. Date columns yield an ISO 8601 instant
 * (UTC) that the writer shows in local time; all other columns yield text or null (an empty cell).
 */
export interface RegisterColumn {
  header: string;
  kind: 'text' | 'date';
  /** Width in characters in the spreadsheet. */
  width: number;
  /** Long free text: wrap it in the spreadsheet. */
  wrap?: boolean;
  value: (r: RegisterRow) => string | null;
}

const yesNo = (b: boolean | null): string | null => (b === null ? null : b ? 'ja' : 'nee');

const COMPLAINANT_TYPE: Record<RegisterRow['complainantType'], string> = {
  client: 'opdrachtgever',
  'temp-worker': 'uitzendkracht',
  other: 'anders',
  unknown: 'onbekend',
};

const SATISFACTION: Record<RegisterRow['satisfaction'], string> = {
  satisfied: 'tevreden',
  'not-satisfied': 'niet tevreden',
  unknown: 'onbekend',
};

const text = (header: string, width: number, value: RegisterColumn['value'], wrap = false): RegisterColumn => ({
  header,
  kind: 'text',
  width,
  wrap,
  value,
});
const date = (header: string, value: RegisterColumn['value']): RegisterColumn => ({
  header,
  kind: 'date',
  width: 17,
  value,
});

export const REGISTER_COLUMNS: readonly RegisterColumn[] = [
  text('Nummer', 14, (r) => r.number),
  text('Status', 10, (r) => (r.status === 'closed' ? 'gesloten' : 'open')),
  date('Datum ontvangst', (r) => r.receivedAt),
  text('Geregistreerd door', 18, (r) => r.registeredBy),
  text('Naam klager', 22, (r) => r.complainantName),
  text('E-mail klager', 28, (r) => r.complainantEmail),
  text('Type klager', 15, (r) => COMPLAINANT_TYPE[r.complainantType]),
  text('Klant', 22, (r) => r.customerName),
  text('Onderwerp', 36, (r) => r.subject, true),
  text('Korte omschrijving', 60, (r) => r.description, true),
  text('Betrokkenen', 24, (r) => r.peopleInvolved, true),
  text('Behandelaar', 18, (r) => r.handler),
  text('Categorie', 16, (r) => r.category),
  text('Procedure', 12, (r) => r.procedure),
  date('Contact uiterlijk', (r) => r.contactDueAt),
  date('Contact op', (r) => r.contactAt),
  text('Contact op tijd', 10, (r) => yesNo(r.contactMet)),
  date('Terugkoppeling uiterlijk', (r) => r.feedbackDueAt),
  date('Terugkoppeling op', (r) => r.feedbackAt),
  text('Terugkoppeling op tijd', 10, (r) => yesNo(r.feedbackMet)),
  text('Oplossing', 40, (r) => r.solution, true),
  date('Oplossing beloofd voor', (r) => r.solutionDueAt),
  date('Oplossing gegeven op', (r) => r.solutionAt),
  text('Beheersmaatregelen', 40, (r) => r.controlMeasures, true),
  text('Oorzaak', 40, (r) => r.cause, true),
  text('Structurele oplossing', 40, (r) => r.structuralSolution, true),
  text('Preventieve maatregelen', 40, (r) => r.preventiveMeasures, true),
  text('Interne communicatie', 40, (r) => r.internalCommunication, true),
  date('Interne communicatie op', (r) => r.internalCommunicationAt),
  text('Besproken met', 20, (r) => r.discussedWith),
  date('Besproken op', (r) => r.discussedAt),
  text('Notitie bespreking', 40, (r) => r.discussedNote, true),
  text('Tevredenheid', 14, (r) => SATISFACTION[r.satisfaction]),
  date('Gesloten op', (r) => r.closedAt),
  text('Gesloten door', 18, (r) => r.closedBy),
  text('Te laat', 8, (r) => (r.overdue ? 'ja' : 'nee')),
];

/** `dd-MM-yyyy HH:mm` in `timezone`: how Dutch Excel shows (and parses) a date and time. */
export function localDateTime(iso: string, timezone: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone).toFormat('dd-MM-yyyy HH:mm');
}

/**
 * A cell for a spreadsheet program: quoted (RFC 4180) when it holds `;`, `"`, CR or LF. Text
 * starting with `=`, `+`, `-`, `@` or a tab gets a leading `'`, because Excel would run it as a
 * formula, and complaint texts come from outside (CSV injection, OWASP).
 */
function csvField(value: string, kind: RegisterColumn['kind']): string {
  const safe = kind === 'text' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The register as CSV for Dutch Excel: UTF-8 with a BOM (else Excel guesses Windows-1252), `;` as
 * separator (the Dutch list separator; `,` is the decimal comma), CRLF line ends, dates as
 * `dd-mm-jjjj uu:mm` in local time. The same columns as the xlsx export.
 */
export function registerCsv(rows: readonly RegisterRow[], opts: { timezone: string }): string {
  const lines = [REGISTER_COLUMNS.map((c) => csvField(c.header, 'text')).join(';')];
  for (const row of rows) {
    const fields = REGISTER_COLUMNS.map((c) => {
      const v = c.value(row);
      if (v === null || v === '') return '';
      return csvField(c.kind === 'date' ? localDateTime(v, opts.timezone) : v, c.kind);
    });
    lines.push(fields.join(';'));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
