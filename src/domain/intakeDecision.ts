import type { Address, AutomaticVerdict, CaseStatus, ComplainantType } from './types.js';

/** A case as far as the intake decision needs to know it. */
export interface CaseRef {
  id: number;
  number: string;
  status: CaseStatus;
  complainantEmail: string | null;
}

export interface IntakeFacts {
  sender: Address | null;
  automatic: AutomaticVerdict;
  /** The case found through In-Reply-To/References matching a Message-ID we stored, if any. */
  referencedCase: CaseRef | null;
  /** The case named by a `[KL-2026-0001]` tag in the subject, if any. */
  taggedCase: CaseRef | null;
  /** Whether the sender is a known staff address. */
  senderIsStaff: boolean;
  replyToClosedCase: 'reopen' | 'new-linked';
}

export type IntakeDecision =
  | { action: 'new-case'; linkedTo: CaseRef | null; reason: string }
  | { action: 'reply'; case: CaseRef; reopen: boolean; threadedBy: 'message-id' | 'subject-tag' }
  | { action: 'automatic-attached'; case: CaseRef }
  | { action: 'automatic-ignored' };

/**
 * Decides what an ingested mail becomes. Pure: every lookup was done by the caller.
 *
 * Threading trusts our own Message-IDs first. A subject tag alone is trusted only when the sender
 * is the case's complainant or staff: a case number pasted into another customer's mail must not
 * put that customer's words into somebody else's case.
 */
export function decideIntake(f: IntakeFacts): IntakeDecision {
  const senderEmail = f.sender?.address ?? null;
  const tagTrusted =
    f.taggedCase !== null &&
    (f.senderIsStaff || (senderEmail !== null && senderEmail === f.taggedCase.complainantEmail));
  const threadCase = f.referencedCase ?? (tagTrusted ? f.taggedCase : null);
  const threadedBy = f.referencedCase ? 'message-id' : 'subject-tag';

  if (f.automatic.automatic) {
    return threadCase ? { action: 'automatic-attached', case: threadCase } : { action: 'automatic-ignored' };
  }
  if (threadCase) {
    if (threadCase.status === 'closed' && f.replyToClosedCase === 'new-linked') {
      return { action: 'new-case', linkedTo: threadCase, reason: 'reply-to-closed-case' };
    }
    return { action: 'reply', case: threadCase, reopen: threadCase.status === 'closed', threadedBy };
  }
  return { action: 'new-case', linkedTo: null, reason: f.taggedCase ? 'untrusted-subject-tag' : 'new-complaint' };
}

export interface ComplainantRules {
  clientDomains: string[];
  tempWorkerDomains: string[];
}

/** Client or temp worker from the configured sender domains (subdomains count); else unknown. */
export function complainantTypeFor(email: string | null, rules: ComplainantRules): ComplainantType {
  if (!email) return 'unknown';
  const domain = email.split('@')[1] ?? '';
  const matches = (list: string[]) => list.some((d) => domain === d || domain.endsWith(`.${d}`));
  if (matches(rules.clientDomains)) return 'client';
  if (matches(rules.tempWorkerDomains)) return 'temp-worker';
  return 'unknown';
}

/** Whether an address belongs to staff: a configured member or an address in a staff domain. */
export function isStaffAddress(email: string | null, staff: { domains: string[]; members: string[] }): boolean {
  if (!email) return false;
  const domain = email.split('@')[1] ?? '';
  return staff.members.includes(email) || staff.domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}
