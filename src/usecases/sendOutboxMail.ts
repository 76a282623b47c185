import type { Database } from 'better-sqlite3';
import type { SendOutcome } from '../adapters/smtp/smtpSender.js';
import {
  claimForSending,
  getOutbox,
  markFinal,
  markRetry,
  markSent,
  type OutboxRow,
} from '../adapters/sqlite/outbox.js';

export interface MailSender {
  send(row: OutboxRow, headers: Record<string, string>): Promise<SendOutcome>;
}

export type SendResult = 'sent' | 'skipped' | 'retry' | 'failed' | 'ambiguous';

/** Headers on everything we send, so no auto-responder (or we ourselves) answers it in a loop. */
export function loopHeaders(row: OutboxRow): Record<string, string> {
  return {
    'Auto-Submitted': row.kind === 'acknowledgement' ? 'auto-replied' : 'auto-generated',
    'X-Auto-Response-Suppress': 'All',
    ...(row.caseNumber ? { 'X-Klachtenbus-Case': row.caseNumber } : {}),
  };
}

/**
 * One send attempt of one outbox row. The row is claimed first (pending → sending), so two
 * workers never both send it; a row in any other state is left alone. Returns what happened:
 * `retry` means the caller should try again later (the row is pending again).
 */
export async function sendOutboxMail(
  db: Database,
  sender: MailSender,
  id: number,
  now: () => Date,
  opts: { resendAmbiguous: boolean },
): Promise<SendResult> {
  const row = getOutbox(db, id);
  if (!row || row.status !== 'pending') return 'skipped';
  if (!claimForSending(db, id, now().toISOString())) return 'skipped';
  const outcome = await sender.send(row, loopHeaders(row));
  const at = now().toISOString();
  if (outcome.ok) {
    markSent(db, id, outcome.response, at);
    return 'sent';
  }
  if (outcome.kind === 'transient' || (outcome.kind === 'ambiguous' && opts.resendAmbiguous)) {
    markRetry(db, id, outcome.error, at);
    return 'retry';
  }
  if (outcome.kind === 'permanent') {
    markFinal(db, id, 'failed', 'rejected by the SMTP server', outcome.error, at);
    return 'failed';
  }
  // The message data was handed over before the connection died: it may have been delivered.
  // Not resent blindly, so a customer is not acknowledged twice; `outbox retry ID` resends it.
  markFinal(db, id, 'ambiguous', 'connection lost after the message data was sent', outcome.error, at);
  return 'ambiguous';
}
