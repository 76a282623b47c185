import type { Database } from 'better-sqlite3';
import type { ImapFlow } from 'imapflow';
import type { ImapTarget } from '../config/load.js';
import type { Logger } from '../adapters/logger.js';
import { createImapClient, ImapMailbox, type ImapSettings } from '../adapters/imap/imapMailbox.js';
import { coerceError } from '../errors.js';
import { StorageError } from '../adapters/storage.js';
import type { IntakeDeps, IntakeResult } from '../usecases/intakeMessage.js';
import { syncMailbox } from '../usecases/syncMailbox.js';
import { Backoff } from './backoff.js';
import type { TokenSource } from '../adapters/oauth/tokenProvider.js';

export interface WatcherOptions {
  target: ImapTarget;
  imap: ImapSettings;
  pollIntervalSeconds: number;
  batchSize: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  db: Database;
  intake: IntakeDeps;
  log: Logger;
  onCommitted?: (r: IntakeResult, uid: number) => void;
  /** OAuth2: a token is fetched (or taken from the cache) before every new connection. */
  tokens?: TokenSource | undefined;
}

/**
 * Supervises one long-lived connection to the complaints mailbox: connect, sync everything,
 * then IDLE; sync again on every EXISTS hint and at every poll interval regardless (events are only
 * hints); after any drop or error, a NEW client after an exponential backoff.
 */
export class MailboxWatcher {
  private stopped = false;
  private wake: (() => void) | null = null;
  private pendingSync: 'none' | 'incremental' | 'full' = 'none';
  private client: ImapFlow | null = null;
  private loop: Promise<void> | null = null;
  private readonly backoff: Backoff;

  constructor(private readonly o: WatcherOptions) {
    this.backoff = new Backoff(o.reconnect.initialDelayMs, o.reconnect.maxDelayMs);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Finishes the batch in progress, logs out and resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.signal('none');
    await this.loop;
  }

  private signal(kind: 'none' | 'incremental' | 'full'): void {
    if (kind === 'full' || (kind === 'incremental' && this.pendingSync === 'none')) this.pendingSync = kind;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { log } = this.o;
    while (!this.stopped) {
      try {
        await this.session();
      } catch (err) {
        const e = coerceError(err) as Error & { code?: string; responseText?: string };
        if (e instanceof StorageError)
          // Not a connection problem: nothing was flagged or moved, and the next attempt (after
          // the backoff) takes the mail once the data dir can be written again.
          log.error(
            { event: 'intake.storage.unavailable', code: e.causeCode, reason: e.reason, dataDir: e.dataDir },
            e.message,
          );
        else
          log.warn(
            { event: 'imap.error', code: e.code, err: e.message, detail: e.responseText },
            'IMAP connection failed',
          );
      } finally {
        const c = this.client;
        this.client = null;
        if (c) await c.logout().catch(() => c.close());
      }
      if (this.stopped) break;
      const delay = this.backoff.next();
      log.info({ event: 'imap.reconnect.wait', delayMs: delay }, 'reconnecting after backoff');
      this.pendingSync = 'none'; // a hint must not cut the backoff short
      await this.sleep(delay);
    }
    log.info({ event: 'imap.stopped' }, 'mailbox watcher stopped');
  }

  private async session(): Promise<void> {
    const { log, target } = this.o;
    const tokens = this.o.tokens;
    const oauth = tokens ? { user: tokens.user, accessToken: await tokens.getToken() } : undefined;
    const client = createImapClient(target, this.o.imap, oauth);
    this.client = client;
    let closed = false;
    client.on('error', (err: Error) => log.warn({ event: 'imap.client.error', err: err.message }, 'IMAP client error'));
    client.on('close', () => {
      closed = true;
      this.wake?.();
    });
    client.on('exists', () => this.signal('incremental'));
    try {
      await client.connect();
    } catch (err) {
      // A refused token is fetched anew for the next connection (once; then the backoff applies),
      // so an expired token does not look like an outage.
      if (tokens && (err as { authenticationFailed?: boolean }).authenticationFailed) tokens.invalidate();
      throw err;
    }
    const box = new ImapMailbox(client, target, this.o.imap);
    await box.open();
    log.info({ event: 'imap.connected', mailbox: box.key, idle: this.o.imap.idle }, 'connected to the mailbox');

    let nextFull = 0;
    let kind: 'incremental' | 'full' = 'full';
    while (!this.stopped && !closed) {
      const started = Date.now();
      const report = await syncMailbox(this.o.db, this.o.intake, box, {
        full: kind === 'full',
        batchSize: this.o.batchSize,
        onCommitted: this.o.onCommitted,
      });
      // Reset only once a pass got through: a session that connects and then fails every time
      // (data dir full, a mail that breaks the sync) must back off, not reconnect at once.
      this.backoff.reset();
      if (kind === 'full') nextFull = Date.now() + this.o.pollIntervalSeconds * 1000;
      log.info({ event: 'imap.sync.done', full: kind === 'full', ms: Date.now() - started, ...report }, 'sync done');
      const hinted = this.takePending();
      if (hinted !== 'none') {
        kind = hinted;
        continue;
      }
      log.info({ event: 'imap.idle' }, 'waiting for mail');
      await this.sleep(Math.max(0, nextFull - Date.now()));
      if (this.stopped || closed) break;
      kind = this.takePending() === 'incremental' && Date.now() < nextFull ? 'incremental' : 'full';
    }
    if (closed && !this.stopped) throw Object.assign(new Error('connection closed by the server'), { code: 'CLOSED' });
  }

  private takePending(): 'none' | 'incremental' | 'full' {
    const p = this.pendingSync;
    this.pendingSync = 'none';
    return p;
  }

  /** Sleeps until the timeout, or until woken by a hint, a close or stop(). */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      if (this.stopped || this.pendingSync !== 'none') done();
    });
  }
}
