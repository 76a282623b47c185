import { appendEvent } from '../adapters/sqlite/events.js';
import { complainantTypeFor } from '../domain/intakeDecision.js';
import type { ComplainantType } from '../domain/types.js';
import { KlachtenbusError } from '../errors.js';
import type { IntakeDeps } from './intakeMessage.js';
import { openCase } from './openCase.js';

/** A complaint received by phone, at the desk or by letter: every employee may receive one. */
export interface ManualComplaint {
  email: string | null;
  name: string;
  description: string;
  subject?: string | undefined;
  type?: ComplainantType | undefined;
  /** When it was received; default now. */
  receivedAt?: Date | undefined;
  /** Who registered it (a person's name). */
  by: string;
  /** Send the acknowledgement to the complainant too. */
  acknowledge: boolean;
  /** The language of the mails about this case; default the procedure's. */
  locale?: 'nl' | 'en' | undefined;
}

/** Registers a complaint by hand. Returns the case number and the outbox rows to send. */
export function registerCase(
  deps: Pick<IntakeDeps, 'db' | 'now' | 'settings' | 'procedure' | 'outgoing'>,
  c: ManualComplaint,
): { number: string; outboxIds: number[] } {
  const now = deps.now();
  const receivedAt = c.receivedAt ?? now;
  if (Number.isNaN(receivedAt.getTime())) throw new KlachtenbusError('INPUT_INVALID', 'the receipt time is not a date');
  if (receivedAt.getTime() > now.getTime() + 60_000)
    throw new KlachtenbusError('INPUT_INVALID', 'the receipt time lies in the future');
  if (!c.by.trim()) throw new KlachtenbusError('INPUT_INVALID', 'say who registers the complaint (--by)');
  if (!c.description.trim()) throw new KlachtenbusError('INPUT_INVALID', 'a short description is required');
  const email = c.email?.trim().toLowerCase() || null;
  const type =
    c.type ??
    complainantTypeFor(email, {
      clientDomains: deps.settings.clientDomains,
      tempWorkerDomains: deps.settings.tempWorkerDomains,
    });
  const subject = c.subject?.trim() || c.description.trim().split('\n')[0]!.slice(0, 120);
  return deps.db.transaction(() => {
    const opened = openCase(
      deps.db,
      { procedure: deps.procedure, numberPrefix: deps.settings.numberPrefix, outgoing: deps.outgoing },
      {
        receivedAt: receivedAt.toISOString(),
        registeredBy: c.by.trim(),
        complainant: { name: c.name.trim() || null, email, type },
        subject,
        description: c.description.trim(),
        needsReview: false,
        linkedCaseId: null,
        complaint: null,
        acknowledge: c.acknowledge,
        locale: c.locale,
        now: now.toISOString(),
      },
    );
    appendEvent(deps.db, {
      caseId: opened.id,
      at: now.toISOString(),
      actor: c.by.trim(),
      type: 'case.registered',
      data: { via: 'manual', acknowledge: c.acknowledge },
    });
    return { number: opened.number, outboxIds: opened.outboxIds };
  })();
}
