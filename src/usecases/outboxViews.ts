import type { OutboxRow } from '../adapters/sqlite/outbox.js';

/** The stable JSON shape of an outgoing mail (`outbox list --json`, `cases show --json`). */
export interface OutboxView {
  id: number;
  kind: string;
  caseNumber: string | null;
  messageId: string;
  to: string[];
  subject: string;
  status: string;
  statusReason: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export function outboxView(r: OutboxRow): OutboxView {
  return {
    id: r.id,
    kind: r.kind,
    caseNumber: r.caseNumber,
    messageId: r.messageId,
    to: r.to,
    subject: r.subject,
    status: r.status,
    statusReason: r.statusReason,
    attempts: r.attempts,
    lastError: r.lastError,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
  };
}
