/**
 * Planning of reminders (herinneringen) and escalations (escalaties) for a case's deadlines. For
 * every open milestone: a reminder to the handler before it is due, a notice to the manager
 * (leidinggevende) when it passes, and one to the directors (directie) some working days later.
 * Pure: the calendar and the policy are parameters and nothing is sent here; the scheduler turns
 * the plan into jobs and re-reads the case before anything goes out.
 *
 * Invariants of a plan: every `fireAt` lies within business hours on a working day; per milestone
 * reminder <= manager escalation <= director escalation; keys are unique per case, milestone,
 * kind and deadline, so a deadline that moves gets new keys and the old jobs become stale.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from './workingCalendar.js';

/** The milestones with a deadline: contact, feedback, and a promised solution date. */
export type NotifiedMilestone = 'contact' | 'feedback' | 'solution';
export type NotificationKind = 'reminder' | 'escalation-manager' | 'escalation-director';

/** A case's deadlines and what has been recorded, as far as planning needs it. */
export interface DeadlineState {
  caseId: number;
  /** e.g. `KL-2026-0001`; must not contain ':' (it becomes part of a BullMQ job id). */
  caseNumber: string;
  /** false when closed: nothing is planned. */
  open: boolean;
  /** At most one entry per milestone. */
  milestones: Array<{ milestone: NotifiedMilestone; dueAt: Date | null; doneAt: Date | null }>;
}

export interface NotificationPolicy {
  /** The reminder goes at the start of business hours on the due day, or `leadBusinessHours` business hours before the deadline when that is later. */
  reminder: { leadBusinessHours: number; atStartOfDueDay: boolean };
  /** The manager escalation goes when the deadline passes; the director escalation this many working days later. */
  directorAfterWorkingDays: number;
}

export interface PlannedNotification {
  /** Deterministic and unique per case, milestone, kind and deadline: `KL-2026-0001.contact.reminder.1795679400000` (the due time in epoch ms; no ':' — it is used as a BullMQ job id and an outbox idempotency key). */
  key: string;
  caseId: number;
  caseNumber: string;
  milestone: NotifiedMilestone;
  kind: NotificationKind;
  dueAt: Date;
  /** When it should be sent: never outside business hours (moved to the next business-hours start). */
  fireAt: Date;
}

/** Reminder on the morning of the due day (or 4 business hours before, if later); directors after 2 working days. */
export const DEFAULT_POLICY: NotificationPolicy = Object.freeze({
  reminder: Object.freeze({ leadBusinessHours: 4, atStartOfDueDay: true }),
  directorAfterWorkingDays: 2,
});

// Tie-breakers for notifications that fire at the same instant, so a plan's order is deterministic.
const MILESTONE_ORDER: readonly NotifiedMilestone[] = ['contact', 'feedback', 'solution'];
const KIND_ORDER: readonly NotificationKind[] = ['reminder', 'escalation-manager', 'escalation-director'];

/**
 * The reminders and escalations for a case, sorted by `fireAt`. Nothing for a closed case, nor for
 * a milestone that is done or has no deadline. Throws a RangeError for a bad policy, a case number
 * that cannot be part of a key, a milestone listed twice, or an invalid date.
 */
export function planNotifications(
  state: DeadlineState,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
): PlannedNotification[] {
  checkPolicy(policy);
  if (state.caseNumber === '' || state.caseNumber.includes(':')) {
    throw new RangeError(`notifications: case number ${JSON.stringify(state.caseNumber)} cannot be part of a key`);
  }
  if (!state.open) return [];

  const seen = new Set<NotifiedMilestone>();
  const plan: PlannedNotification[] = [];
  for (const { milestone, dueAt, doneAt } of state.milestones) {
    // Two deadlines for one milestone would give two reminders with nothing to tell them apart.
    if (seen.has(milestone)) throw new RangeError(`notifications: ${state.caseNumber} lists ${milestone} twice`);
    seen.add(milestone);
    if (dueAt === null || doneAt !== null) continue;

    const fireAt: Record<NotificationKind, Date> = {
      reminder: reminderAt(cal, dueAt, policy),
      'escalation-manager': cal.nextBusinessStart(dueAt),
      'escalation-director': cal.nextBusinessStart(cal.addWorkingDays(dueAt, policy.directorAfterWorkingDays)),
    };
    for (const kind of KIND_ORDER) {
      plan.push({
        key: `${state.caseNumber}.${milestone}.${kind}.${dueAt.getTime()}`,
        caseId: state.caseId,
        caseNumber: state.caseNumber,
        milestone,
        kind,
        dueAt: new Date(dueAt.getTime()),
        fireAt: fireAt[kind],
      });
    }
  }
  return plan.sort(
    (a, b) =>
      a.fireAt.getTime() - b.fireAt.getTime() ||
      MILESTONE_ORDER.indexOf(a.milestone) - MILESTONE_ORDER.indexOf(b.milestone) ||
      KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind),
  );
}

/** The planned notifications whose time has come (`fireAt <= now`), in the plan's order. */
export function dueNotifications(plan: readonly PlannedNotification[], now: Date): PlannedNotification[] {
  return plan.filter((n) => n.fireAt.getTime() <= now.getTime());
}

/** Whether an open case has a milestone past its deadline and not done. */
export function isOverdue(state: DeadlineState, now: Date): boolean {
  return (
    state.open &&
    state.milestones.some((m) => m.dueAt !== null && m.doneAt === null && m.dueAt.getTime() < now.getTime())
  );
}

/**
 * The latest instant from which `hours` of business time run until `at`: the inverse of
 * `cal.addBusinessHours`. With hours > 0 the result is within business hours on a working day;
 * an amount that ends exactly at an opening time gives that opening time (not the previous
 * closing, which is the same moment in business time).
 */
export function subtractBusinessHours(cal: WorkingCalendar, at: Date, hours: number): Date {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`notifications: invalid hours ${hours}`);
  const from = DateTime.fromJSDate(at);
  if (!from.isValid) throw new RangeError('notifications: invalid date');
  let remaining = Math.round(hours * 3_600_000);
  if (remaining === 0) return new Date(at.getTime());

  const { start, end } = businessHoursOf(cal, from);
  let cursor = from.setZone(cal.timezone);
  // Each step consumes the business time of one day before the cursor, then moves to the previous
  // working day's closing time. Terminates: every week has working days. As in the calendar, a
  // business period never contains a change of summer time, so elapsed time equals clock time.
  for (;;) {
    if (cal.isWorkingDay(cursor)) {
      const open = atClock(cursor, start);
      const close = atClock(cursor, end);
      if (cursor > close) cursor = close;
      const available = cursor.toMillis() - open.toMillis();
      if (remaining <= available) return new Date(cursor.toMillis() - remaining);
      if (available > 0) remaining -= available;
    }
    let day = cursor.startOf('day').minus({ days: 1 });
    while (!cal.isWorkingDay(day)) day = day.minus({ days: 1 });
    cursor = atClock(day, end);
  }
}

interface ClockTime {
  hour: number;
  minute: number;
}

// Later of the due day's opening and `lead` business hours before; never after the deadline; then
// moved into business hours. A due day that is not a working day has no opening of its own.
function reminderAt(cal: WorkingCalendar, dueAt: Date, policy: NotificationPolicy): Date {
  let at = subtractBusinessHours(cal, dueAt, policy.reminder.leadBusinessHours);
  if (policy.reminder.atStartOfDueDay && cal.isWorkingDay(dueAt)) {
    const midnight = DateTime.fromJSDate(dueAt).setZone(cal.timezone).startOf('day').toJSDate();
    const opening = cal.nextBusinessStart(midnight);
    if (opening.getTime() > at.getTime()) at = opening;
  }
  if (at.getTime() > dueAt.getTime()) at = dueAt;
  return cal.nextBusinessStart(at);
}

interface BusinessHours {
  start: ClockTime;
  end: ClockTime;
}

// The hours of a calendar never change, so they are found once per calendar (a deterministic cache).
const HOURS = new WeakMap<WorkingCalendar, BusinessHours>();

/**
 * The calendar's opening and closing times. `WorkingCalendar` does not expose them, so they are
 * read off `nextBusinessStart` on the first working day from `near`: the opening is where the
 * day's business time starts, the closing the first minute (times are whole `HH:mm`) at which an
 * instant is no longer within business hours.
 */
function businessHoursOf(cal: WorkingCalendar, near: DateTime): BusinessHours {
  const known = HOURS.get(cal);
  if (known) return known;
  const opening = DateTime.fromJSDate(cal.nextBusinessStart(near.setZone(cal.timezone).startOf('day').toJSDate()));
  const day = opening.setZone(cal.timezone);
  const inHours = (minuteOfDay: number): boolean => {
    const t = atClock(day, { hour: Math.floor(minuteOfDay / 60), minute: minuteOfDay % 60 }).toJSDate();
    return cal.nextBusinessStart(t).getTime() === t.getTime();
  };
  // Invariant: `lo` is within business hours, `hi` is not (the calendar closes at 23:59 at the latest).
  let lo = day.hour * 60 + day.minute;
  let hi = 24 * 60 - 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (inHours(mid)) lo = mid;
    else hi = mid;
  }
  const hours = { start: { hour: day.hour, minute: day.minute }, end: { hour: Math.floor(hi / 60), minute: hi % 60 } };
  HOURS.set(cal, hours);
  return hours;
}

// Wall-clock time on the same local date, as in the calendar.
function atClock(day: DateTime, t: ClockTime): DateTime {
  return day.set({ hour: t.hour, minute: t.minute, second: 0, millisecond: 0 });
}

function checkPolicy(policy: NotificationPolicy): void {
  const problems: string[] = [];
  const lead = policy.reminder.leadBusinessHours;
  if (!Number.isFinite(lead) || lead < 0) problems.push(`reminder.leadBusinessHours must be >= 0, not ${lead}`);
  const days = policy.directorAfterWorkingDays;
  if (!Number.isSafeInteger(days) || days < 0) {
    problems.push(`directorAfterWorkingDays must be a whole number >= 0, not ${days}`);
  }
  if (problems.length > 0) throw new RangeError(`invalid notification policy: ${problems.join('; ')}`);
}

const plans = new WeakMap<WorkingCalendar, WeakMap<NotificationPolicy, Map<string, PlannedNotification[]>>>();
const MAX_REMEMBERED = 100_000;

/**
 * `planNotifications`, remembered per calendar, policy and case state. Planning costs about a
 * millisecond of luxon per case; the reconciler asks again for every open case on every pass, and
 * the answer only changes when the case does (a milestone recorded, a deadline moved, the case
 * closed). The result is shared: callers must not change it.
 */
export function planNotificationsRemembered(
  state: DeadlineState,
  cal: WorkingCalendar,
  policy: NotificationPolicy,
): readonly PlannedNotification[] {
  let byPolicy = plans.get(cal);
  if (!byPolicy) plans.set(cal, (byPolicy = new WeakMap()));
  let memo = byPolicy.get(policy);
  if (!memo) byPolicy.set(policy, (memo = new Map()));
  const key = [
    state.caseId,
    state.caseNumber,
    state.open,
    ...state.milestones.map((m) => `${m.milestone}:${m.dueAt?.getTime() ?? '-'}:${m.doneAt?.getTime() ?? '-'}`),
  ].join('|');
  const known = memo.get(key);
  if (known) return known;
  const planned = planNotifications(state, cal, policy);
  if (memo.size >= MAX_REMEMBERED) memo.clear();
  memo.set(key, planned);
  return planned;
}
