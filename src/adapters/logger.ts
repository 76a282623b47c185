import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout (or stderr for CLI commands whose stdout is data).
 * Secrets are never logged: anything that looks like a password or a URL with credentials is
 * redacted, and connection URLs are passed through `redactUrl` before they reach a log line.
 */
export function createLogger(opts: { level: string; destination?: 1 | 2; name?: string }): Logger {
  return pino(
    {
      level: opts.level,
      name: opts.name ?? 'klachtenbus',
      redact: {
        paths: ['pass', 'password', '*.pass', '*.password', 'auth', '*.auth', 'url', '*.url'],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd: opts.destination ?? 1, sync: true }),
  );
}

/** `imap://user:secret@host/INBOX` → `imap://user:***@host/INBOX`. Never throws. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
