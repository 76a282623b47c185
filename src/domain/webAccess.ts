/**
 * Who may do what in the web workspace. Pure: the routes ask `may(role, action)` before they
 * show a form or accept it, so what a page offers and what the server accepts never differ.
 */
export type StaffRole = 'handler' | 'manager' | 'director' | 'admin';

export type WebAction =
  /** See the case list, a case, its mails and attachments. */
  | 'view'
  /** The procedure's milestones and fields: contact, feedback, handling fields, discussion, note. */
  | 'handle'
  /** Close a handled case. */
  | 'close'
  /** The customer is not satisfied: mail the procedure's escalation contacts. */
  | 'escalate'
  /** Assign (or reassign) the handler. */
  | 'assign'
  /** Reopen a closed case. */
  | 'reopen'
  /** The quarterly report, the yearly analysis and the register export. */
  | 'reports';

const ALLOWED: Record<StaffRole, ReadonlySet<WebAction>> = {
  // Frontoffice: handles cases from first contact to closing.
  handler: new Set<WebAction>(['view', 'handle', 'close', 'escalate']),
  // Management: everything a handler does, plus assigning, reopening and the reports.
  manager: new Set<WebAction>(['view', 'handle', 'close', 'escalate', 'assign', 'reopen', 'reports']),
  director: new Set<WebAction>(['view', 'handle', 'close', 'escalate', 'assign', 'reopen', 'reports']),
  admin: new Set<WebAction>(['view', 'handle', 'close', 'escalate', 'assign', 'reopen', 'reports']),
};

export function may(role: StaffRole, action: WebAction): boolean {
  return ALLOWED[role]?.has(action) ?? false;
}

/** Every action a role may take, for a page to decide which forms it shows. */
export function permissionsOf(role: StaffRole): Record<WebAction, boolean> {
  const all: WebAction[] = ['view', 'handle', 'close', 'escalate', 'assign', 'reopen', 'reports'];
  return Object.fromEntries(all.map((a) => [a, may(role, a)])) as Record<WebAction, boolean>;
}

/** A path to return to after signing in: only a path on this site, never another host. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string') return '/cases';
  if (!/^\/(?![/\\])[\x21-\x7e]*$/.test(value) || value.startsWith('/login')) return '/cases';
  return value;
}
