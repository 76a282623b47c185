import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { ImapTarget } from '../../config/load.js';
import type { MailboxPort } from '../../usecases/syncMailbox.js';

export interface ImapSettings {
  afterIngest: 'move' | 'flag' | 'none';
  processedFolder: string;
  processedFlag: string;
  idle: boolean;
  connectTimeoutSeconds: number;
  tlsRejectUnauthorized: boolean;
}

/**
 * Builds a new imapflow client. A client is single-use: every (re)connect builds a new one. With an
 * OAuth2 token, imapflow uses XOAUTH2 or OAUTHBEARER, whichever the server offers.
 */
export function createImapClient(
  target: ImapTarget,
  s: ImapSettings,
  oauth?: { user: string; accessToken: string },
): ImapFlow {
  const opts: ImapFlowOptions = {
    host: target.host,
    port: target.port,
    secure: target.secure,
    auth: oauth ? { user: oauth.user, accessToken: oauth.accessToken } : { user: target.user, pass: target.pass },
    logger: false,
    disableAutoIdle: !s.idle,
    // imapflow waits 15 s of quiet before it IDLEs; new mail must become a case within about a second.
    autoIdleDelay: 500,
    // Re-issue IDLE regularly so a silently dropped connection is noticed and NAT state kept.
    maxIdleTime: 4 * 60 * 1000,
    connectionTimeout: s.connectTimeoutSeconds * 1000,
    greetingTimeout: s.connectTimeoutSeconds * 1000,
    tls: { rejectUnauthorized: s.tlsRejectUnauthorized },
    clientInfo: { name: 'klachtenbus' },
  };
  return new ImapFlow(opts);
}

/** The complaints mailbox on a connected client, with the mailbox selected (see `open`). */
export class ImapMailbox implements MailboxPort {
  readonly key: string;

  constructor(
    private readonly client: ImapFlow,
    private readonly target: ImapTarget,
    private readonly settings: ImapSettings,
  ) {
    this.key = `${target.user}@${target.host}:${target.port}/${target.mailbox}`;
  }

  /** Selects the mailbox and creates the processed folder when missing. */
  async open(): Promise<void> {
    if (this.settings.afterIngest === 'move') await this.ensureProcessedFolder();
    await this.client.mailboxOpen(this.target.mailbox);
  }

  private async ensureProcessedFolder(): Promise<void> {
    const folders = await this.client.list();
    if (folders.some((f) => f.path === this.settings.processedFolder)) return;
    await this.client.mailboxCreate(this.settings.processedFolder).catch((err: unknown) => {
      // Another worker may have created it meanwhile; only fail when it is still missing.
      if (!/ALREADYEXISTS|already exists/i.test(String((err as { responseText?: string }).responseText ?? err)))
        throw err;
    });
  }

  uidValidity(): string {
    const mb = this.client.mailbox;
    if (!mb) throw new Error('mailbox not selected');
    return String(mb.uidValidity);
  }

  async searchUids(above?: number): Promise<number[]> {
    const query = above !== undefined ? { uid: `${above + 1}:*` } : { all: true };
    const found = (await this.client.search(query, { uid: true })) || [];
    // `UID n:*` always returns the newest message, even when its UID is below n.
    return above !== undefined ? found.filter((u) => u > above) : found;
  }

  async fetchSources(uids: number[]): Promise<Array<{ uid: number; source: Buffer; internalDate: Date | null }>> {
    const out: Array<{ uid: number; source: Buffer; internalDate: Date | null }> = [];
    // BODY.PEEK[]: fetching never sets \Seen. No other IMAP command runs inside this loop.
    for await (const msg of this.client.fetch(uids, { uid: true, source: true, internalDate: true }, { uid: true })) {
      if (!msg.source) continue;
      const d = msg.internalDate;
      out.push({ uid: msg.uid, source: msg.source, internalDate: d ? new Date(d) : null });
    }
    return out;
  }

  /**
   * Flags (and moves) committed mail; false when the server refused the MOVE. imapflow answers a
   * refused command with `false`, not an error: taken as done, the mail would stay in the INBOX
   * for good. A MOVE refused because the folder went missing (TRYCREATE) is tried once more after
   * creating it. The flag is best effort, as before: some servers take no custom keywords.
   */
  async markProcessed(uids: number[]): Promise<boolean> {
    if (this.settings.afterIngest === 'none' || uids.length === 0) return true;
    await this.client.messageFlagsAdd(uids, [this.settings.processedFlag], { uid: true });
    if (this.settings.afterIngest !== 'move') return true;
    const move = () => this.client.messageMove(uids, this.settings.processedFolder, { uid: true });
    if ((await move()) !== false) return true;
    await this.ensureProcessedFolder();
    return (await move()) !== false;
  }
}
