import type { Database } from 'better-sqlite3';
import {
  getMailboxState,
  knownUids,
  markUidsDone,
  pendingDoneUids,
  setMailboxState,
} from '../adapters/sqlite/mailbox.js';
import { commitIntake, prepareIntake, type IntakeDeps, type IntakeResult } from './intakeMessage.js';

/** What sync needs from an opened IMAP mailbox (the imapflow adapter implements it; tests may fake it). */
export interface MailboxPort {
  /** A stable key for this mailbox, e.g. `user@host:port/INBOX`. */
  readonly key: string;
  /** The mailbox's current UIDVALIDITY, as text. */
  uidValidity(): string;
  /** UIDs of the messages in the mailbox; with `above`, only UIDs greater than it. */
  searchUids(above?: number): Promise<number[]>;
  /** Full sources of the given UIDs, in one FETCH (collected, not acted on inside the loop). */
  fetchSources(uids: number[]): Promise<Array<{ uid: number; source: Buffer; internalDate: Date | null }>>;
  /** Tells the server the mails are committed: flag and move (or flag only, or nothing). False when the server refused. */
  markProcessed(uids: number[]): Promise<boolean>;
}

export interface SyncOptions {
  /** full: look at every UID in the mailbox (periodic, after connect); else only above the last UID. */
  full: boolean;
  batchSize: number;
  /** Called after each committed mail (logging, fault injection). */
  onCommitted?: (r: IntakeResult, uid: number) => void;
}

export interface SyncReport {
  seen: number;
  committed: number;
  created: number;
  markedProcessed: number;
  /** Committed mails the server refused to move: still pending, tried again on the next pass. */
  markRefused: number;
}

/**
 * One pass over the mailbox. Invariant: a mail is flagged/moved on the server only after its
 * commit (a crash in between leaves it in place, and the next pass commits nothing new for it and
 * then moves it). `\Seen` is never consulted: a mail someone opened in Outlook is still ingested.
 */
export async function syncMailbox(
  db: Database,
  intake: IntakeDeps,
  box: MailboxPort,
  opts: SyncOptions,
): Promise<SyncReport> {
  const uidvalidity = box.uidValidity();
  const state = getMailboxState(db, box.key);
  let lastUid = state.lastUid;
  let full = opts.full;
  if (state.uidvalidity !== uidvalidity) {
    // New UIDVALIDITY: old UIDs mean nothing now. Rescan everything; intake deduplicates by
    // Message-ID and content, never by UID.
    lastUid = 0;
    full = true;
  }
  const report: SyncReport = { seen: 0, committed: 0, created: 0, markedProcessed: 0, markRefused: 0 };

  const present = await box.searchUids(full ? undefined : lastUid);
  report.seen = present.length;
  const presentSet = new Set(present);
  // Committed earlier but never confirmed on the server (crash between commit and move).
  const pending = pendingDoneUids(db, box.key, uidvalidity).filter((u) => presentSet.has(u));
  if (pending.length > 0) await markDone(db, box, uidvalidity, pending, report);

  const known = knownUids(db, box.key, uidvalidity, present);
  const todo = present.filter((u) => !known.has(u)).sort((a, b) => a - b);
  const batches: number[][] = [];
  for (let i = 0; i < todo.length; i += opts.batchSize) batches.push(todo.slice(i, i + opts.batchSize));
  // The next batch is fetched and prepared (raw source written, parsed on the parser threads)
  // while this one is committed and confirmed on the server: the network, the parser threads and
  // the disk work at the same time. At most two batches are held. Commits stay in UID order.
  const prepareBatch = (uids: number[] | undefined) => {
    if (!uids) return null;
    const p = box.fetchSources(uids).then(async (fetched) => ({
      fetched,
      prepared: await Promise.all(
        fetched.map((m) =>
          prepareIntake(intake, {
            raw: m.source,
            source: `imap:${box.key}`,
            receivedAt: m.internalDate ?? undefined,
            imap: { mailbox: box.key, uidvalidity, uid: m.uid },
          }),
        ),
      ),
    }));
    p.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    return p;
  };
  let next = prepareBatch(batches[0]);
  for (let b = 0; b < batches.length; b++) {
    const { fetched, prepared } = await next!;
    next = prepareBatch(batches[b + 1]);
    const committed: number[] = [];
    prepared.forEach((p, idx) => {
      const uid = fetched[idx]!.uid;
      const result = commitIntake(intake, p);
      committed.push(uid);
      report.committed++;
      if (result.created) report.created++;
      opts.onCommitted?.(result, uid);
    });
    await markDone(db, box, uidvalidity, committed, report);
    lastUid = Math.max(lastUid, ...committed);
  }
  const maxPresent = present.length > 0 ? Math.max(...present) : 0;
  // Everything present was committed above (or before), so the high-water mark may move up to it.
  lastUid = Math.max(lastUid, maxPresent);
  setMailboxState(db, box.key, { uidvalidity, lastUid }, intake.now().toISOString());
  return report;
}

async function markDone(
  db: Database,
  box: MailboxPort,
  uidvalidity: string,
  uids: number[],
  report: SyncReport,
): Promise<void> {
  if (uids.length === 0) return;
  // Refused: the UIDs stay pending (committed, not done), and intake of the rest goes on.
  if (!(await box.markProcessed(uids))) {
    report.markRefused += uids.length;
    return;
  }
  markUidsDone(db, box.key, uidvalidity, uids);
  report.markedProcessed += uids.length;
}
