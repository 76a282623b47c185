import { Worker } from 'node:worker_threads';
import type { ParseOutcome } from '../../domain/types.js';

export interface ParseRequest {
  id: number;
  raw: Uint8Array;
  maxAttachmentBytes: number;
}
export interface ParseResponse {
  id: number;
  outcome: ParseOutcome;
}

export interface ParserPoolOptions {
  threads: number;
  timeoutMs: number;
  maxAttachmentBytes: number;
  /** Heap limit per thread: a mail that needs more fails alone instead of taking the process down. */
  maxHeapMb?: number;
  /** The compiled worker script; defaults to parseWorker.js beside this module. */
  workerUrl?: URL;
}

interface Task {
  req: ParseRequest;
  resolve: (o: ParseOutcome) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

/**
 * A small pool of parser threads. `parse` never rejects: a timeout, a crash or an out-of-memory in
 * a thread resolves to `{ ok: false }` for that mail (which then becomes a case marked for review)
 * and the thread is replaced.
 */
export class ParserPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly opts: ParserPoolOptions) {
    for (let i = 0; i < opts.threads; i++) this.slots.push(this.spawn());
  }

  parse(raw: Buffer): Promise<ParseOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, error: 'parser pool is closed' });
    // A mail far beyond the attachment cap is not handed to a thread at all: parsing it could
    // exhaust memory, and its attachments would be withheld anyway. Its raw source is kept.
    const maxParse = 4 * this.opts.maxAttachmentBytes + 16 * 1024 * 1024;
    if (raw.length > maxParse)
      return Promise.resolve({ ok: false, error: `too large to parse (${raw.length} bytes > ${maxParse})` });
    return new Promise((resolve) => {
      // A copy: the raw buffer stays with the caller (it is stored), the copy may be moved.
      const req: ParseRequest = {
        id: this.nextId++,
        raw: new Uint8Array(raw),
        maxAttachmentBytes: this.opts.maxAttachmentBytes,
      };
      this.queue.push({ req, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.resolve({ ok: false, error: 'parser pool is closed' });
    await Promise.all(this.slots.map((s) => this.finish(s, { ok: false, error: 'parser pool is closed' }, true)));
  }

  private spawn(): Slot {
    const url = this.opts.workerUrl ?? new URL('./parseWorker.js', import.meta.url);
    const worker = new Worker(url, {
      resourceLimits: { maxOldGenerationSizeMb: this.opts.maxHeapMb ?? 768 },
    });
    const slot: Slot = { worker, task: null, timer: null };
    worker.on('message', (res: ParseResponse) => {
      if (slot.task?.req.id !== res.id) return;
      const task = slot.task;
      this.release(slot);
      task.resolve(res.outcome);
      this.pump();
    });
    worker.on('error', (err) => void this.replace(slot, `parser thread failed: ${err.message}`));
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) void this.replace(slot, `parser thread exited (${code})`);
    });
    worker.unref();
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.task) continue;
      const task = this.queue.shift();
      if (!task) return;
      slot.task = task;
      slot.timer = setTimeout(
        () => void this.replace(slot, `parsing took longer than ${this.opts.timeoutMs} ms`),
        this.opts.timeoutMs,
      );
      slot.worker.postMessage(task.req, [task.req.raw.buffer as ArrayBuffer]);
    }
  }

  private release(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.task = null;
  }

  private async replace(slot: Slot, error: string): Promise<void> {
    const idx = this.slots.indexOf(slot);
    if (idx < 0) return;
    if (!this.closed) this.slots[idx] = this.spawn();
    else this.slots.splice(idx, 1);
    await this.finish(slot, { ok: false, error }, true);
    this.pump();
  }

  private async finish(slot: Slot, outcome: ParseOutcome, terminate: boolean): Promise<void> {
    const task = slot.task;
    this.release(slot);
    task?.resolve(outcome);
    if (terminate) await slot.worker.terminate().catch(() => undefined);
  }
}
