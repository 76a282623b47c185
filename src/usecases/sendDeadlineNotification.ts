import type { Database } from 'better-sqlite3';
import { getCaseById, type CaseRow } from '../adapters/sqlite/cases.js';
import { appendEvent } from '../adapters/sqlite/events.js';
import { deadlineStateOf } from '../adapters/sqlite/milestones.js';
import {
  planNotificationsRemembered,
  type NotificationPolicy,
  type PlannedNotification,
} from '../domain/notifications.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';
import { caseUrlFor, queueMail, type OutgoingDeps } from './queueCaseMail.js';

/** Who gets the notifications about deadlines. */
export interface DeadlineRecipients {
  /** Reminders while no handler is assigned (or the handler has no known address). */
  team: string[];
  managers: string[];
  directors: string[];
  /** Staff, to find an assigned handler's address by name or address. */
  staff: Array<{ name: string; email: string }>;
}

export interface DeadlineDeps {
  calendar: WorkingCalendar;
  policy: NotificationPolicy;
  outgoing: OutgoingDeps;
  recipients: DeadlineRecipients;
}

export type NotifyResult =
  | { result: 'queued'; outboxId: number }
  /** The milestone was recorded, the case closed, or the deadline changed: nothing to send. */
  | { result: 'stale' }
  /** Not due yet (the job fired early, e.g. the clock moved): schedule again after `delayMs`. */
  | { result: 'early'; delayMs: number }
  /** Already queued before (a repeated job): nothing new. */
  | { result: 'duplicate' }
  /** Nobody to send it to (no handler, team, manager or director configured): recorded as suppressed. */
  | { result: 'no-recipients' };

function handlerAddress(c: CaseRow, r: DeadlineRecipients): string | null {
  if (!c.handler) return null;
  const h = c.handler.toLowerCase();
  const member = r.staff.find((m) => m.email.toLowerCase() === h || m.name.toLowerCase() === h);
  if (member) return member.email;
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.handler) ? c.handler : null;
}

function recipientsFor(n: PlannedNotification, c: CaseRow, r: DeadlineRecipients): string[] {
  if (n.kind === 'reminder') {
    const own = handlerAddress(c, r);
    return own ? [own] : r.team;
  }
  if (n.kind === 'escalation-manager') return r.managers;
  return r.directors.length > 0 ? r.directors : r.managers;
}

/**
 * A deadline job fired: re-read the case, plan again, and queue the mail only when the same
 * notification is still planned and due. The notification's key is the outbox idempotency key, so
 * a job that runs twice (a crash, a reconcile) queues the mail once.
 */
export function sendDeadlineNotification(
  db: Database,
  deps: DeadlineDeps,
  key: string,
  caseId: number,
  now: Date,
): NotifyResult {
  return db
    .transaction((): NotifyResult => {
      const state = deadlineStateOf(db, caseId);
      const c = getCaseById(db, caseId);
      if (!state || !c) return { result: 'stale' };
      const planned = planNotificationsRemembered(state, deps.calendar, deps.policy).find((n) => n.key === key);
      if (!planned) return { result: 'stale' };
      const wait = planned.fireAt.getTime() - now.getTime();
      if (wait > 1000) return { result: 'early', delayMs: wait };
      const to = recipientsFor(planned, c, deps.recipients);
      const common = {
        caseNumber: c.number,
        subject: c.subject,
        milestone: planned.milestone,
        dueAt: planned.dueAt.toISOString(),
        handlerName: c.handler,
        complainant: { name: c.complainantName, email: c.complainantEmail, type: c.complainantType },
        caseUrl: caseUrlFor(deps.outgoing.settings, c.number),
      };
      const rendered =
        planned.kind === 'reminder'
          ? deps.outgoing.templates.render('reminder', c.locale, common)
          : deps.outgoing.templates.render('escalation', c.locale, {
              ...common,
              level: planned.kind === 'escalation-manager' ? 'manager' : 'director',
            });
      const at = now.toISOString();
      const id = queueMail(db, deps.outgoing.settings, {
        key: planned.key,
        kind: planned.kind === 'reminder' ? 'reminder' : 'escalation',
        caseId: c.id,
        to,
        rendered,
        suppressedBecause: to.length > 0 ? null : 'no-recipients',
        now,
      });
      if (id === null) return { result: 'duplicate' };
      appendEvent(db, {
        caseId: c.id,
        at,
        actor: 'scheduler',
        type: planned.kind === 'reminder' ? 'notification.reminder' : 'notification.escalation',
        data: { milestone: planned.milestone, level: planned.kind, dueAt: planned.dueAt.toISOString(), to },
      });
      return to.length > 0 ? { result: 'queued', outboxId: id } : { result: 'no-recipients' };
    })
    .immediate();
}
