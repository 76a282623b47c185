/**
 * Worker-thread entry: parses mails off the main thread, so a pathological mail can neither block
 * the event loop nor crash the worker process (the pool terminates and replaces a stuck thread).
 */
import { parentPort } from 'node:worker_threads';
import { parseMail } from './parseMail.js';
import type { ParseRequest, ParseResponse } from './pool.js';

if (!parentPort) throw new Error('parseWorker must run in a worker thread');
const port = parentPort;

port.on('message', (req: ParseRequest) => {
  void (async () => {
    const outcome = await parseMail(Buffer.from(req.raw), { maxAttachmentBytes: req.maxAttachmentBytes }).catch(
      (err: unknown) => ({ ok: false as const, error: err instanceof Error ? err.message : String(err) }),
    );
    const transfer: ArrayBuffer[] = [];
    if (outcome.ok) {
      for (const a of outcome.mail.attachments) {
        if (a.content && a.content.byteOffset === 0 && a.content.byteLength === a.content.buffer.byteLength) {
          transfer.push(a.content.buffer as ArrayBuffer);
        }
      }
    }
    const res: ParseResponse = { id: req.id, outcome };
    port.postMessage(res, transfer);
  })();
});
