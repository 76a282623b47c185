import { syncMailbox, type MailboxPort } from '../../src/usecases/syncMailbox.js';
import { intakeHarness, mail } from '../support/intakeHarness.js';

/** An in-memory mailbox: enough IMAP semantics to test sync's bookkeeping (the real one is tested on Dovecot). */
class FakeMailbox implements MailboxPort {
  readonly key = 'fake@imap/INBOX';
  uidvalidity = '1';
  messages: Array<{ uid: number; source: Buffer }> = [];
  processed: number[] = [];
  fetches: number[][] = [];
  /** What happened, in order: `fetch 1,2`, `mark 1,2` (and the test adds `commit N`). */
  log: string[] = [];
  failMarkOnce = false;
  /** A FETCH of a batch starting with this UID fails (the connection drops). */
  failFetchAt: number | null = null;
  private nextUid = 1;

  deliver(source: Buffer): number {
    const uid = this.nextUid++;
    this.messages.push({ uid, source });
    return uid;
  }
  uidValidity(): string {
    return this.uidvalidity;
  }
  async searchUids(above?: number): Promise<number[]> {
    return this.messages.map((m) => m.uid).filter((u) => above === undefined || u > above);
  }
  async fetchSources(uids: number[]) {
    this.fetches.push(uids);
    this.log.push(`fetch ${uids.join(',')}`);
    await new Promise((r) => setImmediate(r)); // an answer comes later, as from a server
    if (uids[0] === this.failFetchAt) throw new Error('connection lost during FETCH');
    return this.messages.filter((m) => uids.includes(m.uid)).map((m) => ({ ...m, internalDate: null }));
  }
  /** The server refuses the next N moves (answers NO, as imapflow reports: false). */
  refuseMoves = 0;
  async markProcessed(uids: number[]): Promise<boolean> {
    if (this.refuseMoves > 0) {
      this.refuseMoves--;
      this.log.push(`refused ${uids.join(',')}`);
      return false;
    }
    if (this.failMarkOnce) {
      this.failMarkOnce = false;
      throw new Error('connection lost');
    }
    this.log.push(`mark ${uids.join(',')}`);
    this.processed.push(...uids);
    this.messages = this.messages.filter((m) => !uids.includes(m.uid));
    return true;
  }
}

const complaint = (n: number) => mail({ from: `klant${n}@k.test`, subject: `Klacht ${n}`, messageId: `m${n}@k.test` });

describe('syncMailbox', () => {
  test('commits every mail in batches, then moves them; a second pass does nothing', async () => {
    const h = intakeHarness();
    const box = new FakeMailbox();
    for (let i = 1; i <= 5; i++) box.deliver(complaint(i));
    const first = await syncMailbox(h.db, h.deps, box, { full: true, batchSize: 2 });
    expect(first).toEqual({ seen: 5, committed: 5, created: 5, markedProcessed: 5, markRefused: 0 });
    expect(box.fetches).toEqual([[1, 2], [3, 4], [5]]);
    expect(box.messages).toHaveLength(0);
    const second = await syncMailbox(h.db, h.deps, box, { full: true, batchSize: 2 });
    expect(second).toEqual({ seen: 0, committed: 0, created: 0, markedProcessed: 0, markRefused: 0 });
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(5);
  });

  test('a failure after commit and before the move: the next pass moves without re-ingesting', async () => {
    const h = intakeHarness();
    const box = new FakeMailbox();
    box.deliver(complaint(1));
    box.deliver(complaint(2));
    box.failMarkOnce = true;
    await expect(syncMailbox(h.db, h.deps, box, { full: true, batchSize: 10 })).rejects.toThrow('connection lost');
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(2); // committed before the server was told
    expect(box.messages).toHaveLength(2);
    const again = await syncMailbox(h.db, h.deps, box, { full: true, batchSize: 10 });
    expect(again).toMatchObject({ committed: 0, markedProcessed: 2 });
    expect(box.fetches).toHaveLength(1); // not fetched again
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(2);
  });

  test('incremental passes look only above the last UID; a new UIDVALIDITY rescans and deduplicates by content', async () => {
    const h = intakeHarness();
    const box = new FakeMailbox();
    box.deliver(complaint(1));
    box.markProcessed = async () => true; // leave mail in place (afterIngest: none)
    await syncMailbox(h.db, h.deps, box, { full: true, batchSize: 10 });
    box.deliver(complaint(2));
    await syncMailbox(h.db, h.deps, box, { full: false, batchSize: 10 });
    expect(box.fetches).toEqual([[1], [2]]);
    // The server renumbers everything (UIDVALIDITY changes): UIDs are meaningless now.
    box.uidvalidity = '2';
    const report = await syncMailbox(h.db, h.deps, box, { full: false, batchSize: 10 });
    expect(report).toMatchObject({ seen: 2, committed: 2, created: 0 });
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(2);
    expect(h.count('SELECT COUNT(*) FROM messages')).toBe(2);
  });

  test('the next batch is fetched while this one commits; a batch is marked only after all its commits', async () => {
    const h = intakeHarness();
    const box = new FakeMailbox();
    for (let i = 1; i <= 5; i++) box.deliver(complaint(i));
    await syncMailbox(h.db, h.deps, box, {
      full: true,
      batchSize: 2,
      onCommitted: (_r, uid) => box.log.push(`commit ${uid}`),
    });
    expect(box.log).toEqual([
      'fetch 1,2',
      'fetch 3,4',
      'commit 1',
      'commit 2',
      'mark 1,2',
      'fetch 5',
      'commit 3',
      'commit 4',
      'mark 3,4',
      'commit 5',
      'mark 5',
    ]);
  });

  test('a FETCH failing for the next batch: this batch is still committed and marked, then the pass fails', async () => {
    const h = intakeHarness();
    const box = new FakeMailbox();
    for (let i = 1; i <= 4; i++) box.deliver(complaint(i));
    box.failFetchAt = 3;
    await expect(syncMailbox(h.db, h.deps, box, { full: true, batchSize: 2 })).rejects.toThrow(
      'connection lost during FETCH',
    );
    expect(box.processed).toEqual([1, 2]);
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(2);
    box.failFetchAt = null;
    await syncMailbox(h.db, h.deps, box, { full: true, batchSize: 2 });
    expect(box.processed).toEqual([1, 2, 3, 4]);
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(4);
  });

  test('a refused move is not taken as done: the rest goes on, and the next pass moves it', async () => {
    const h = intakeHarness();
    const box = new FakeMailbox();
    for (let i = 1; i <= 4; i++) box.deliver(complaint(i));
    box.refuseMoves = 1;
    const first = await syncMailbox(h.db, h.deps, box, { full: true, batchSize: 2 });
    expect(first).toMatchObject({ committed: 4, markedProcessed: 2, markRefused: 2 });
    expect(box.messages.map((m) => m.uid)).toEqual([1, 2]); // still in the INBOX
    const second = await syncMailbox(h.db, h.deps, box, { full: true, batchSize: 2 });
    expect(second).toMatchObject({ committed: 0, markedProcessed: 2, markRefused: 0 });
    expect(box.messages).toEqual([]);
    expect(h.count('SELECT COUNT(*) FROM cases')).toBe(4);
  });
});
