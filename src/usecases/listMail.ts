import type { Database } from 'better-sqlite3';
import { listMessages } from '../adapters/sqlite/messages.js';

/** The stable JSON shape of `mail list --json`: every ingested mail, whatever its fate. */
export interface MailView {
  messageId: string;
  messageIdSynthesised: boolean;
  from: string | null;
  fromName: string | null;
  subject: string;
  receivedAt: string;
  classification: string;
  reasons: string[];
  parseError: string | null;
  caseNumber: string | null;
  rawSha256: string;
  size: number;
  source: string;
}

export function listMail(db: Database, filter: { classification?: string | undefined } = {}): MailView[] {
  return listMessages(db, filter).map((m) => ({
    messageId: m.messageId,
    messageIdSynthesised: m.synthetic,
    from: m.from,
    fromName: m.fromName,
    subject: m.subject,
    receivedAt: m.receivedAt,
    classification: m.classification,
    reasons: m.reasons,
    parseError: m.parseError,
    caseNumber: m.caseNumber,
    rawSha256: m.rawSha256,
    size: m.rawSize,
    source: m.source,
  }));
}
