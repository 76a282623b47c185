import type { Database } from 'better-sqlite3';
import { renderReportHtml } from '../adapters/report/renderHtml.js';
import { renderReportMarkdown } from '../adapters/report/renderMarkdown.js';
import { computeReport, parsePeriod } from '../domain/report.js';
import { reportsDue } from '../domain/reportSchedule.js';
import type { WorkingCalendar } from '../domain/workingCalendar.js';
import { queueMail, type OutgoingSettings } from './queueCaseMail.js';
import { registerRows } from './registerRows.js';

export interface ReportDeliveryDeps {
  calendar: WorkingCalendar;
  settings: Pick<OutgoingSettings, 'from' | 'complaintsAddress' | 'messageIdDomain' | 'organisationName'>;
  recipients: string[];
  quarterly: boolean;
  yearly: boolean;
  catchUpDays: number;
}

/**
 * Queues the quarterly total report and the yearly analysis that are due and not yet sent, to the
 * management, through the outbox. Exactly once per period: `report_deliveries` has the period as
 * its key, written in the same transaction as the mail, so a restart at the boundary, two workers,
 * or a job that runs twice queue it once. Returns the outbox ids to send.
 */
export function deliverDueReports(db: Database, deps: ReportDeliveryDeps, now: Date): number[] {
  if (deps.recipients.length === 0) return [];
  const delivered = new Set(db.prepare(`SELECT period FROM report_deliveries`).pluck().all() as string[]);
  const due = reportsDue(now, deps.calendar, delivered, deps);
  const ids: number[] = [];
  for (const p of due) {
    const id = db
      .transaction((): number | null => {
        const claimed = db
          .prepare(`INSERT INTO report_deliveries (period, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`)
          .run(p.label, now.toISOString());
        if (claimed.changes === 0) return null;
        const zone = deps.calendar.timezone;
        const period = parsePeriod(p.kind === 'quarter' ? { quarter: p.label } : { year: p.label }, zone);
        const rows = registerRows(db, period.from, period.to, now);
        const data = computeReport(rows, period, now, { timezone: zone });
        const org = deps.settings.organisationName;
        const key = `report:${p.label}`;
        const title = p.kind === 'quarter' ? `Klachtenrapportage ${p.label}` : `Jaaranalyse klachten ${p.label}`;
        const outboxId = queueMail(db, deps.settings, {
          key,
          kind: 'report',
          caseId: null,
          to: deps.recipients,
          rendered: {
            subject: `${title} — ${org}`,
            text: renderReportMarkdown(data, { organisationName: org }),
            html: renderReportHtml(data, { organisationName: org, locale: 'nl' }),
          },
          now,
        });
        db.prepare(`UPDATE report_deliveries SET outbox_id = ? WHERE period = ?`).run(outboxId, p.label);
        return outboxId;
      })
      .immediate();
    if (id !== null) ids.push(id);
  }
  return ids;
}
