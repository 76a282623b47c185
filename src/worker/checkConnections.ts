import { Redis } from 'ioredis';
import { createImapClient } from '../adapters/imap/imapMailbox.js';
import { redactUrl } from '../adapters/logger.js';
import type { TokenSource } from '../adapters/oauth/tokenProvider.js';
import { SmtpSender } from '../adapters/smtp/smtpSender.js';
import { parseImapUrl } from '../config/load.js';
import type { Config } from '../config/schema.js';

export interface CheckResult {
  connection: string;
  target: string;
  ok: boolean;
  /** What worked, or the server's (or token endpoint's) own words about what did not. */
  detail: string;
  ms: number;
}

function words(err: unknown): string {
  const e = err as Error & { responseText?: string; response?: string; serverResponseCode?: string; code?: string };
  return [e.responseText ?? e.response ?? e.message, e.serverResponseCode ?? e.code].filter(Boolean).join(' ');
}

async function timed(
  connection: string,
  target: string,
  fn: () => Promise<string>,
  timeoutMs: number,
): Promise<CheckResult> {
  const start = Date.now();
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_r, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs).unref(),
      ),
    ]);
    return { connection, target, ok: true, detail, ms: Date.now() - start };
  } catch (err) {
    return { connection, target, ok: false, detail: words(err), ms: Date.now() - start };
  }
}

/**
 * Connects to every configured connection (token endpoints, IMAP, SMTP, Redis) at once and says per
 * connection what works and what does not.
 */
export async function checkConnections(
  config: Config,
  tokens: { imap?: TokenSource | undefined; smtp?: TokenSource | undefined },
  timeoutMs = 15_000,
): Promise<CheckResult[]> {
  const checks: Array<Promise<CheckResult>> = [];
  for (const use of ['imap', 'smtp'] as const) {
    const t = tokens[use];
    if (t)
      checks.push(
        timed(
          `oauth2 (${use})`,
          t.user,
          async () => {
            await t.getToken();
            return `token issued for ${t.user}`;
          },
          timeoutMs,
        ),
      );
  }
  if (config.imap.url) {
    const target = parseImapUrl(config.imap.url);
    checks.push(
      timed(
        'imap',
        redactUrl(config.imap.url),
        async () => {
          const t = tokens.imap;
          const client = createImapClient(
            target,
            config.imap,
            t ? { user: t.user, accessToken: await t.getToken() } : undefined,
          );
          client.on('error', () => undefined);
          try {
            await client.connect();
            const box = await client.mailboxOpen(target.mailbox, { readOnly: true });
            return `logged in as ${t?.user ?? target.user}; ${target.mailbox} holds ${box.exists} messages`;
          } finally {
            await client.logout().catch(() => client.close());
          }
        },
        timeoutMs,
      ),
    );
  }
  if (config.smtp.url) {
    checks.push(
      timed(
        'smtp',
        redactUrl(config.smtp.url),
        async () => {
          const sender = new SmtpSender({
            url: config.smtp.url!,
            tokens: tokens.smtp,
            timeoutSeconds: timeoutMs / 1000,
          });
          try {
            await sender.verify();
            return tokens.smtp || new URL(config.smtp.url!).username
              ? 'connected and logged in'
              : 'connected (no login configured)';
          } finally {
            sender.close();
          }
        },
        timeoutMs,
      ),
    );
  }
  if (config.redis.url) {
    checks.push(
      timed(
        'redis',
        redactUrl(config.redis.url),
        async () => {
          const redis = new Redis(config.redis.url!, {
            maxRetriesPerRequest: 1,
            retryStrategy: () => null,
            lazyConnect: true,
          });
          redis.on('error', () => undefined);
          try {
            await redis.connect();
            await redis.ping();
            const policy = ((await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[])[1];
            return policy && policy !== 'noeviction'
              ? `answers; WARNING maxmemory-policy is ${policy}, set it to noeviction`
              : 'answers';
          } finally {
            redis.disconnect();
          }
        },
        timeoutMs,
      ),
    );
  }
  return Promise.all(checks);
}
