import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import type { RegisterRow } from '../../usecases/registerRows.js';
import { REGISTER_COLUMNS } from './registerCsv.js';

export const REGISTER_SHEET = 'Klachtenregister';
export const DATE_FORMAT = 'dd-mm-yyyy hh:mm';

/** Excel's limit on the characters in one cell; longer text makes Excel "repair" the file. */
const MAX_CELL_CHARS = 32767;
/** Rows between yields to the event loop, so the zip stream drains and memory stays flat. */
const ROWS_PER_YIELD = 500;

/**
 * An instant as Excel should show it: Excel dates have no time zone, so the cell holds the local
 * wall-clock time. exceljs converts a Date by its UTC fields, hence a Date whose UTC fields are the
 * wall-clock fields in `timezone` (a "floating" local time, not the real instant).
 */
export function excelLocalDate(iso: string, timezone: string): Date {
  const local = DateTime.fromISO(iso, { zone: 'utc' }).setZone(timezone);
  return local.setZone('utc', { keepLocalTime: true }).toJSDate();
}

const HOUR = 3_600_000;
// Shared, not per cell: exceljs looks each cell's style up by value, and fewer objects is less garbage.
const TOP: Partial<ExcelJS.Alignment> = { vertical: 'top' };
const TOP_WRAPPED: Partial<ExcelJS.Alignment> = { vertical: 'top', wrapText: true };

/**
 * `excelLocalDate` for many cells: the zone's UTC offset (an Intl call, most of the time of a large
 * export) is looked up once per hour of the clock. An hour whose start and end share an offset has
 * no transition in it (zones change offset at most once an hour), so that offset holds throughout.
 */
function localDateConverter(timezone: string): (iso: string) => Date {
  const offsets = new Map<number, number | null>();
  const offsetAt = (ms: number) => DateTime.fromMillis(ms, { zone: timezone }).offset;
  return (iso) => {
    const ms = Date.parse(iso);
    const hour = Math.floor(ms / HOUR);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      const start = offsetAt(hour * HOUR);
      offset = start === offsetAt((hour + 1) * HOUR - 1) ? start : null;
      offsets.set(hour, offset);
    }
    return Number.isNaN(ms) || offset === null ? excelLocalDate(iso, timezone) : new Date(ms + offset * 60_000);
  };
}

/**
 * Characters XML 1.0 cannot carry at all (control characters other than tab, LF and CR): one of
 * them in a mail's text would make the whole workbook unreadable.
 */
function cellText(value: string): string {
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  return clean.length > MAX_CELL_CHARS ? `${clean.slice(0, MAX_CELL_CHARS - 1)}…` : clean;
}

/** The column letters of a 1-based column number: 1 → A, 27 → AA. */
function columnLetter(n: number): string {
  let s = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) s = String.fromCharCode(65 + ((k - 1) % 26)) + s;
  return s;
}

/**
 * Writes the register as an Excel workbook, one sheet "Klachtenregister", one row per case.
 * Streams: each row is committed and flushed as it is written, so neither a row limit nor memory
 * grows with the number of cases (the in-memory Workbook would hold every cell until the end).
 * Dates are real date cells in local time; the header row is bold, frozen and has a filter.
 */
export async function writeRegisterXlsx(
  rows: readonly RegisterRow[],
  file: string,
  opts: { timezone: string },
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true });
  workbook.creator = 'Klachtenbus';
  const sheet = workbook.addWorksheet(REGISTER_SHEET, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  sheet.columns = REGISTER_COLUMNS.map((c) => ({ header: c.header, width: c.width }));

  const header = sheet.getRow(1);
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { vertical: 'top', wrapText: true };
  });
  header.commit();

  const toLocal = localDateConverter(opts.timezone);
  let n = 0;
  for (const row of rows) {
    const line = sheet.addRow([]);
    REGISTER_COLUMNS.forEach((c, i) => {
      const value = c.value(row);
      const cell = line.getCell(i + 1);
      if (value === null || value === '') return;
      // Top-aligned, so a short cell beside a long wrapped text stays level with its first line.
      cell.alignment = c.wrap ? TOP_WRAPPED : TOP;
      if (c.kind === 'date') {
        cell.value = toLocal(value);
        cell.numFmt = DATE_FORMAT;
      } else {
        cell.value = cellText(value);
      }
    });
    line.commit();
    if (++n % ROWS_PER_YIELD === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  // The filter covers the data rows too, so Excel filters and sorts all of them.
  sheet.autoFilter = `A1:${columnLetter(REGISTER_COLUMNS.length)}${rows.length + 1}`;
  sheet.commit();
  await workbook.commit();
}
