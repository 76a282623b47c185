import { connect, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { TokenSource } from '../oauth/tokenProvider.js';
import type { OutboxRow } from '../sqlite/outbox.js';

/** How one send attempt ended. */
export type SendOutcome =
  | { ok: true; response: string }
  /** Safe to try again: nothing of the message reached the server (or it answered 4xx). */
  | { ok: false; kind: 'transient'; error: string }
  /** The server refused it for good (5xx): recorded, not retried. */
  | { ok: false; kind: 'permanent'; error: string }
  /** The connection died after the whole message was handed over: it may have been delivered. */
  | { ok: false; kind: 'ambiguous'; error: string };

export interface SmtpSettings {
  url: string;
  timeoutSeconds?: number;
  /** OAuth2 (XOAUTH2): tokens from here instead of the URL's password. */
  tokens?: TokenSource | undefined;
}

/**
 * Sends outbox rows over pooled SMTP (nodemailer). The message is composed here with the row's
 * stored Message-ID, and streamed to the server through a stream we watch: nodemailer reports a
 * dropped connection the same way whatever the stage, so whether the message data had been fully
 * handed over when it failed is what tells "safe to retry" from "maybe delivered".
 */
export class SmtpSender {
  private readonly transport: Transporter;

  constructor(settings: SmtpSettings) {
    const url = new URL(settings.url);
    const timeout = (settings.timeoutSeconds ?? 60) * 1000;
    const secure = url.protocol === 'smtps:';
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 3,
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      auth: settings.tokens
        ? { type: 'OAuth2', user: settings.tokens.user }
        : url.username
          ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
          : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // Our own TCP connection, with Nagle's algorithm off. nodemailer leaves it on, and its small
      // writes at the end of each message then wait for the server's delayed ACK: about 45 ms per
      // message, which capped a connection at about 22 mails/s (350/s without, measured against
      // smtp-server on loopback). nodemailer still does the rest: TLS for smtps:// and STARTTLS,
      // the timeouts, and errors (it listens on the socket before any event can fire).
      getSocket: (
        opts: { host?: string; port?: number },
        callback: (err: Error | null, socketOptions?: { connection: Socket }) => void,
      ) => {
        const connection = connect({ host: opts.host ?? url.hostname, port: opts.port ?? 587 });
        connection.setNoDelay(true);
        callback(null, { connection });
      },
    });
    const tokens = settings.tokens;
    if (tokens) {
      // nodemailer asks for a token per connection, with renew=true after the server refused one.
      this.transport.set(
        'oauth2_provision_cb',
        (_user: string, renew: boolean, cb: (err: Error | null, token?: string) => void) => {
          if (renew) tokens.invalidate();
          tokens.getToken().then(
            (t) => cb(null, t),
            (e: Error) => cb(e),
          );
        },
      );
    }
  }

  /** Connects and authenticates without sending (for `klachtenbus check`). */
  async verify(): Promise<void> {
    await this.transport.verify();
  }

  async send(row: OutboxRow, extraHeaders: Record<string, string>): Promise<SendOutcome> {
    const composer = new MailComposer({
      from: row.from,
      to: row.to,
      replyTo: row.replyTo ?? undefined,
      subject: row.subject,
      text: row.text,
      html: row.html ?? undefined,
      messageId: `<${row.messageId}>`,
      inReplyTo: row.inReplyTo ? `<${row.inReplyTo}>` : undefined,
      references: row.references.map((r) => `<${r}>`),
      headers: extraHeaders,
      date: new Date(),
    });
    const watched = new PassThrough();
    let handedOver = false;
    watched.on('end', () => (handedOver = true));
    try {
      // Built whole first (a few KB) and handed over as one chunk: streamed, every header line
      // became a write of its own on the socket (with Nagle off, a TCP segment each).
      watched.end(await composer.compile().build());
      const info = (await this.transport.sendMail({
        envelope: { from: envelopeAddress(row.from), to: row.to },
        raw: watched,
      })) as { response?: string };
      return { ok: true, response: info.response ?? '' };
    } catch (err) {
      const e = err as Error & { responseCode?: number; code?: string };
      const error = `${e.code ?? 'ERROR'}: ${e.message}`;
      if (e.responseCode && e.responseCode >= 500) return { ok: false, kind: 'permanent', error };
      if (e.responseCode && e.responseCode >= 400) return { ok: false, kind: 'transient', error };
      return { ok: false, kind: handedOver ? 'ambiguous' : 'transient', error };
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** The bare address of a From value such as `"StudiJob" <klachten@studijob.nl>`. */
function envelopeAddress(from: string): string {
  const m = /<([^>]+)>\s*$/.exec(from);
  return (m ? m[1]! : from).trim();
}
