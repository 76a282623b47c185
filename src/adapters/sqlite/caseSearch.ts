import type { Database } from 'better-sqlite3';

/** What the web case list filters on. Every field is optional; absent means "any". */
export interface CaseSearch {
  status?: 'open' | 'closed' | 'all';
  overdue?: boolean;
  dueToday?: boolean;
  handler?: string;
  /** `none`: cases without a handler. */
  complainantType?: string;
  category?: string;
  /** Words looked for in the number, subject, complainant, customer, description and mail text. */
  query?: string;
  sort?: 'deadline' | 'received' | 'received-desc';
  page?: number;
  pageSize?: number;
}

export interface CaseListRow {
  number: string;
  status: 'open' | 'closed';
  needsReview: boolean;
  receivedAt: string;
  subject: string;
  complainantName: string | null;
  complainantEmail: string | null;
  complainantType: string;
  customerName: string | null;
  handler: string | null;
  category: string | null;
  /** The earliest deadline whose milestone is not recorded (open cases), else null. */
  nextDueAt: string | null;
  nextDueMilestone: 'contact' | 'feedback' | 'solution' | null;
  overdue: boolean;
}

export interface CaseSearchResult {
  rows: CaseListRow[];
  total: number;
  page: number;
  pages: number;
  /** Over all open cases, whatever the filter: what needs doing. */
  counts: { open: number; overdue: number; dueToday: number };
}

// The earliest unmet deadline of a case. ISO timestamps in UTC compare as strings.
const NEXT_DUE = `CASE WHEN c.status = 'open' THEN NULLIF(MIN(
    COALESCE(CASE WHEN c.contact_at IS NULL THEN c.contact_due_at END, '9999'),
    COALESCE(CASE WHEN c.feedback_at IS NULL THEN c.feedback_due_at END, '9999'),
    COALESCE(CASE WHEN c.solution_at IS NULL THEN c.solution_due_at END, '9999')), '9999') END`;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/**
 * The web case list: filtered, searched, sorted by the next deadline (or receipt), one page.
 * `now` and the bounds of today (in the configured timezone) come from the caller.
 */
export function searchCases(
  db: Database,
  f: CaseSearch,
  now: Date,
  today: { start: Date; end: Date },
): CaseSearchResult {
  const at = now.toISOString();
  const where: string[] = [];
  const params: Record<string, string | number> = {
    now: at,
    dayStart: today.start.toISOString(),
    dayEnd: today.end.toISOString(),
  };
  const status = f.status ?? 'open';
  if (status !== 'all') {
    where.push(`c.status = @status`);
    params.status = status;
  }
  if (f.overdue) where.push(`next_due IS NOT NULL AND next_due < @now`);
  if (f.dueToday) where.push(`next_due IS NOT NULL AND next_due >= @now AND next_due < @dayEnd`);
  if (f.handler === 'none') where.push(`c.handler IS NULL`);
  else if (f.handler) {
    where.push(`c.handler = @handler COLLATE NOCASE`);
    params.handler = f.handler;
  }
  if (f.complainantType) {
    where.push(`c.complainant_type = @type`);
    params.type = f.complainantType;
  }
  if (f.category) {
    where.push(`c.category = @category`);
    params.category = f.category;
  }
  const words = (f.query ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8);
  words.forEach((w, i) => {
    params[`q${i}`] = `%${escapeLike(w)}%`;
    where.push(`(c.number LIKE @q${i} ESCAPE '\\' OR c.subject LIKE @q${i} ESCAPE '\\'
      OR c.complainant_name LIKE @q${i} ESCAPE '\\' OR c.complainant_email LIKE @q${i} ESCAPE '\\'
      OR c.customer_name LIKE @q${i} ESCAPE '\\' OR c.description LIKE @q${i} ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id AND m.body_text LIKE @q${i} ESCAPE '\\'))`);
  });
  const filtered = `SELECT c.*, ${NEXT_DUE} AS next_due FROM cases c`;
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const order =
    f.sort === 'received'
      ? 'received_at ASC, id ASC'
      : f.sort === 'received-desc'
        ? 'received_at DESC, id DESC'
        : `next_due IS NULL, next_due ASC, received_at ASC, id ASC`;
  const pageSize = Math.min(Math.max(f.pageSize ?? 50, 1), 500);
  const total = db.prepare(`SELECT COUNT(*) FROM (${filtered}) c ${cond}`).pluck().get(params) as number;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(f.page ?? 1, 1), pages);
  const rows = db
    .prepare(
      `SELECT number, status, needs_review, received_at, subject, complainant_name, complainant_email,
         complainant_type, customer_name, handler, category, next_due,
         CASE WHEN contact_at IS NULL AND next_due = contact_due_at THEN 'contact'
           WHEN feedback_at IS NULL AND next_due = feedback_due_at THEN 'feedback'
           WHEN solution_at IS NULL AND next_due = solution_due_at THEN 'solution' END AS next_milestone
       FROM (${filtered}) c ${cond} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: pageSize, offset: (page - 1) * pageSize }) as Array<Record<string, unknown>>;
  const counts = db
    .prepare(
      `SELECT COUNT(*) AS open,
         COALESCE(SUM(next_due IS NOT NULL AND next_due < @now), 0) AS overdue,
         COALESCE(SUM(next_due IS NOT NULL AND next_due >= @now AND next_due < @dayEnd), 0) AS dueToday
       FROM (${filtered} WHERE c.status = 'open')`,
    )
    .get({ now: at, dayEnd: params.dayEnd }) as CaseSearchResult['counts'];
  return {
    rows: rows.map((r) => ({
      number: r.number as string,
      status: r.status as 'open' | 'closed',
      needsReview: Boolean(r.needs_review),
      receivedAt: r.received_at as string,
      subject: r.subject as string,
      complainantName: r.complainant_name as string | null,
      complainantEmail: r.complainant_email as string | null,
      complainantType: r.complainant_type as string,
      customerName: r.customer_name as string | null,
      handler: r.handler as string | null,
      category: r.category as string | null,
      nextDueAt: r.next_due as string | null,
      nextDueMilestone: (r.next_milestone as CaseListRow['nextDueMilestone']) ?? null,
      overdue: r.next_due !== null && (r.next_due as string) < at,
    })),
    total,
    page,
    pages,
    counts,
  };
}

/** The handlers named on cases, for the filter's choices. */
export function handlersInUse(db: Database): string[] {
  return db
    .prepare(`SELECT DISTINCT handler FROM cases WHERE handler IS NOT NULL ORDER BY handler COLLATE NOCASE`)
    .pluck()
    .all() as string[];
}

export interface WebMessage {
  id: number;
  messageId: string;
  fromName: string | null;
  fromEmail: string | null;
  subject: string;
  receivedAt: string;
  classification: string;
  text: string;
  html: string | null;
  attachments: Array<{ id: number; filename: string; contentType: string; size: number; withheld: string | null }>;
}

/** The mails of a case with their bodies and attachments, oldest first. */
export function caseMessages(db: Database, caseId: number): WebMessage[] {
  const msgs = db
    .prepare(
      `SELECT id, message_id AS messageId, from_name AS fromName, from_email AS fromEmail, subject,
         received_at AS receivedAt, classification, body_text AS text, body_html AS html
       FROM messages WHERE case_id = ? ORDER BY received_at, id`,
    )
    .all(caseId) as Array<Omit<WebMessage, 'attachments'>>;
  const atts = db.prepare(
    `SELECT id, filename, content_type AS contentType, size, withheld FROM attachments WHERE message_id = ? ORDER BY id`,
  );
  return msgs.map((m) => ({ ...m, attachments: atts.all(m.id) as WebMessage['attachments'] }));
}

/** An attachment of one of a case's mails, for download; null when it is not that case's. */
export function caseAttachment(
  db: Database,
  caseId: number,
  attachmentId: number,
): { filename: string; contentType: string; size: number; sha256: string | null } | null {
  return (
    (db
      .prepare(
        `SELECT a.filename, a.content_type AS contentType, a.size, a.sha256 FROM attachments a
         JOIN messages m ON m.id = a.message_id WHERE a.id = ? AND m.case_id = ?`,
      )
      .get(attachmentId, caseId) as
      { filename: string; contentType: string; size: number; sha256: string | null } | undefined) ?? null
  );
}
