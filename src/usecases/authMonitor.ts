import type { Database } from 'better-sqlite3';
import type { TokenSource } from '../adapters/oauth/tokenProvider.js';
import type { TemplateSet } from '../adapters/templates/templates.js';
import { queueMail, type OutgoingSettings } from './queueCaseMail.js';

export interface AuthMonitorDeps {
  db: Database;
  connection: 'imap' | 'smtp';
  operators: string[];
  /** Absent when no mail can be sent: the state is still recorded for the health check. */
  templates?: TemplateSet | undefined;
  settings: Pick<OutgoingSettings, 'from' | 'complaintsAddress' | 'messageIdDomain' | 'organisationName'>;
  /** Consecutive failures before the operators are told. */
  notifyAfter: number;
  now: () => Date;
  /** Hands a queued notice to the sender. */
  dispatch: (ids: number[]) => void;
}

/**
 * Wraps a token source so that its failures are recorded in SQLite (for `health`) and, when they
 * keep coming, the operators get one notice per connection per day, through the outbox. A success
 * clears the state.
 */
export function monitoredTokens(inner: TokenSource, d: AuthMonitorDeps): TokenSource {
  return {
    get user() {
      return inner.user;
    },
    invalidate: () => inner.invalidate(),
    async getToken() {
      try {
        const token = await inner.getToken();
        d.db.prepare(`DELETE FROM auth_state WHERE connection = ?`).run(d.connection);
        return token;
      } catch (err) {
        recordFailure(d, (err as Error).message);
        throw err;
      }
    },
  };
}

function recordFailure(d: AuthMonitorDeps, error: string): void {
  const now = d.now();
  const at = now.toISOString();
  const ids = d.db
    .transaction((): number[] => {
      d.db
        .prepare(
          `INSERT INTO auth_state (connection, failing_since, failures, last_error, updated_at) VALUES (?, ?, 1, ?, ?)
         ON CONFLICT(connection) DO UPDATE SET failures = failures + 1, last_error = excluded.last_error,
           updated_at = excluded.updated_at`,
        )
        .run(d.connection, at, error, at);
      const row = d.db
        .prepare(`SELECT failures, failing_since AS since FROM auth_state WHERE connection = ?`)
        .get(d.connection) as {
        failures: number;
        since: string;
      };
      if (row.failures < d.notifyAfter || d.operators.length === 0 || !d.templates) return [];
      const key = `operator-alert:${d.connection}:${at.slice(0, 10)}`;
      const rendered = d.templates.render('operator-alert', 'nl', {
        connection: d.connection,
        error,
        failingSince: row.since,
        failures: row.failures,
        organisationName: d.settings.organisationName,
      });
      const id = queueMail(d.db, d.settings, {
        key,
        kind: 'operator-alert',
        caseId: null,
        to: d.operators,
        rendered,
        now,
      });
      if (id !== null) d.db.prepare(`UPDATE auth_state SET notified_at = ? WHERE connection = ?`).run(at, d.connection);
      return id !== null ? [id] : [];
    })
    .immediate();
  if (ids.length > 0) d.dispatch(ids);
}
