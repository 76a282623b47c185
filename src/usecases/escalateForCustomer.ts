import type { Database } from 'better-sqlite3';
import { appendEvent } from '../adapters/sqlite/events.js';
import { KlachtenbusError } from '../errors.js';
import { caseUrlFor, queueMail, type OutgoingDeps } from './queueCaseMail.js';
import { requireCase } from './recordMilestone.js';

/**
 * A customer who is not satisfied with the handling: the handler escalates the case to the
 * contacts the procedure names (StudiJob: the frontoffice manager, then the directie). The mail is
 * queued in the outbox; the worker sends it.
 */
export function escalateForCustomer(
  db: Database,
  outgoing: OutgoingDeps,
  contacts: Array<{ name: string; email: string; role: string }>,
  number: string,
  by: string,
  note: string,
  now: Date,
): { outboxId: number; to: string[] } {
  if (!by.trim()) throw new KlachtenbusError('INPUT_INVALID', 'say who escalates (--by)');
  if (contacts.length === 0)
    throw new KlachtenbusError('INPUT_INVALID', "the case's procedure names no escalation contacts");
  return db.transaction(() => {
    const c = requireCase(db, number);
    const n =
      (db
        .prepare(`SELECT COUNT(*) FROM outbox WHERE case_id = ? AND kind = 'customer-escalation'`)
        .pluck()
        .get(c.id) as number) + 1;
    const key = `customer-escalation:${c.number}:${n}`;
    const at = now.toISOString();
    const to = contacts.map((x) => x.email);
    const rendered = outgoing.templates.render('customer-escalation', c.locale, {
      caseNumber: c.number,
      subject: c.subject,
      complainant: { name: c.complainantName, email: c.complainantEmail, type: c.complainantType },
      handlerName: c.handler ?? by.trim(),
      note,
      caseUrl: caseUrlFor(outgoing.settings, c.number),
    });
    const id = queueMail(db, outgoing.settings, {
      key,
      kind: 'customer-escalation',
      caseId: c.id,
      to,
      rendered,
      now,
    })!;
    appendEvent(db, { caseId: c.id, at, actor: by.trim(), type: 'case.escalated', data: { to, note } });
    return { outboxId: id, to };
  })();
}
