import { DateTime } from 'luxon';
import type { WorkingCalendar } from './workingCalendar.js';

/** A report period that has ended: `2026-Q4` or `2026`. */
export interface EndedPeriod {
  label: string;
  kind: 'quarter' | 'year';
  /** When its report is due: the start of business on the first working day after it ended. */
  dueAt: Date;
}

/**
 * The reports due at `now` and not yet delivered: the quarterly total report of the last quarter,
 * and the yearly analysis of the last year, each from the first working day after the period
 * (Spijtenburg: "Per kwartaal … Jaarlijks"). A worker that was down catches up for `catchUpDays`,
 * but a new installation does not send reports of periods long gone. Pure.
 */
export function reportsDue(
  now: Date,
  cal: WorkingCalendar,
  delivered: ReadonlySet<string>,
  opts: { quarterly: boolean; yearly: boolean; catchUpDays: number },
): EndedPeriod[] {
  const local = DateTime.fromJSDate(now, { zone: cal.timezone });
  const quarterStart = local.startOf('quarter');
  const prevQuarter = quarterStart.minus({ months: 3 });
  const candidates: Array<{ label: string; kind: 'quarter' | 'year'; end: DateTime }> = [];
  if (opts.quarterly)
    candidates.push({ label: `${prevQuarter.year}-Q${prevQuarter.quarter}`, kind: 'quarter', end: quarterStart });
  if (opts.yearly) candidates.push({ label: String(local.year - 1), kind: 'year', end: local.startOf('year') });
  const due: EndedPeriod[] = [];
  for (const c of candidates) {
    const dueAt = cal.nextBusinessStart(c.end.toJSDate());
    if (delivered.has(c.label) || now < dueAt) continue;
    if (now.getTime() - dueAt.getTime() > opts.catchUpDays * 86_400_000) continue;
    due.push({ label: c.label, kind: c.kind, dueAt });
  }
  return due;
}
