import type { WorkingCalendar } from './workingCalendar.js';

/** A deadline rule: N working days, N calendar days, or N business hours after receipt. */
export type DeadlineRule =
  { workingDays: number } | { calendarDays: number; moveToWorkingDay: boolean } | { hours: number };

/** The milestones of the procedures: contact within two working days, feedback within a week. */
export type Milestone = 'contact' | 'feedback';

export interface DeadlineRules {
  contact: DeadlineRule;
  feedback: DeadlineRule;
}

/**
 * When a milestone is due, for a complaint received at `received`. Pure. Whatever the unit, a
 * complaint received outside business hours counts from the start of the next business period
 * (a mail at 01:15 on Sunday is not due "a week later at 01:15").
 */
export function dueAt(cal: WorkingCalendar, received: Date, rule: DeadlineRule): Date {
  if ('workingDays' in rule) return cal.addWorkingDays(received, rule.workingDays);
  if ('calendarDays' in rule)
    return cal.addCalendarDays(cal.nextBusinessStart(received), rule.calendarDays, {
      moveToWorkingDay: rule.moveToWorkingDay,
    });
  return cal.addBusinessHours(received, rule.hours);
}

/** Every milestone's deadline for a complaint received at `received`. */
export function computeDeadlines(cal: WorkingCalendar, received: Date, rules: DeadlineRules): Record<Milestone, Date> {
  return { contact: dueAt(cal, received, rules.contact), feedback: dueAt(cal, received, rules.feedback) };
}
