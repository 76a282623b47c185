/**
 * The data each built-in mail template is written against. `TemplateSet.render` accepts any
 * record (an operator's override may use less), but use cases should build these shapes so the
 * built-in templates find what they read. Dates are ISO 8601 strings (UTC is fine: the helpers
 * render them in the configured timezone). These are type aliases, not interfaces, so they are
 * assignable to `Record<string, unknown>`.
 */
import type { ComplainantType } from '../../domain/types.js';

/** Who complained, as shown to staff. */
export type ComplainantData = {
  name: string | null;
  email: string | null;
  type: ComplainantType;
};

/** A person a dissatisfied customer may turn to (e.g. "Frontoffice manager", "Directie"). */
export type EscalationContactData = { name: string; role: string; email: string };

/** `acknowledgement`: to the complainant, confirming receipt and the two deadlines. */
export type AcknowledgementData = {
  caseNumber: string;
  /** The subject of the complainant's mail; empty when it had none. */
  originalSubject: string;
  complainantName: string | null;
  receivedAt: string;
  contactDueAt: string;
  feedbackDueAt: string;
  organisationName: string;
  complaintsAddress: string;
  escalationContacts: EscalationContactData[];
};

/** `manager-notice`: to the manager(s), a complaint came in. */
export type ManagerNoticeData = {
  caseNumber: string;
  subject: string;
  description: string;
  receivedAt: string;
  /** `intake` for mail, otherwise a person's name. */
  registeredBy: string;
  complainant: ComplainantData;
  contactDueAt: string;
  feedbackDueAt: string;
  caseUrl: string | null;
};

/** The two milestones a case has a deadline for: first contact and feedback. */
export type Milestone = 'contact' | 'feedback' | 'solution';

/** `reminder`: to the handler (or the team when there is none), a deadline is near. */
export type ReminderData = {
  caseNumber: string;
  subject: string;
  milestone: Milestone;
  dueAt: string;
  handlerName: string | null;
  complainant: ComplainantData;
  caseUrl: string | null;
};

/** `escalation`: to a manager or director, a deadline passed without the milestone recorded. */
export type EscalationData = ReminderData & { level: 'manager' | 'director' };

/** `customer-escalation`: to the procedure's contacts, the customer is not satisfied. */
export type CustomerEscalationData = {
  caseNumber: string;
  subject: string;
  complainant: ComplainantData;
  handlerName: string | null;
  /** What the customer said or what the handler noted; may be empty. */
  note: string;
  caseUrl: string | null;
};

/** Template name → the data its built-in version reads. */
/** `operator-alert`: to the operators, a connection's sign-in keeps failing. */
export type OperatorAlertData = {
  connection: 'imap' | 'smtp';
  error: string;
  failingSince: string;
  failures: number;
  organisationName: string;
};

/** `sign-in`: to a staff member who asked for it, a single-use link into the web workspace. */
export type SignInData = {
  name: string;
  url: string;
  expiresAt: string;
  organisationName: string;
};

export type TemplateDataMap = {
  acknowledgement: AcknowledgementData;
  'manager-notice': ManagerNoticeData;
  reminder: ReminderData;
  escalation: EscalationData;
  'customer-escalation': CustomerEscalationData;
  'operator-alert': OperatorAlertData;
  'sign-in': SignInData;
};
