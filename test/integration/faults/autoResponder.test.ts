/**
 * Fault 5: auto-responders that answer every acknowledgement. Three kinds, each answering every
 * mail the SMTP server delivers to it, back into the complaints mailbox:
 * - naive: a new mail each time (new subject, no In-Reply-To, no auto-reply headers), so every
 *   answer looks like a new complaint: the acknowledgement cap per sender per hour stops it;
 * - out-of-office: Auto-Submitted/X-Autoreply and In-Reply-To: joins the case, never acknowledged;
 * - plain reply: "Re: <subject>" with In-Reply-To, no auto headers: joins the case as a reply.
 * End: at most the configured number of acknowledgements per sender, and a fixed point (every
 * acknowledgement answered, every answer ingested, nothing left to send), so the loop has stopped.
 */
import { randomBytes } from 'node:crypto';
import { startMailStack, type Stack } from '../../../scripts/mailstack.mjs';
import { captured, complaint, outboxRows, privateBox, report, sized, summarise, withDb } from '../../support/faults.js';
import { appendMail, waitFor, type Mailbox } from '../../support/mailstack.js';
import { cliJson, WorkerProcess, writeTestConfig, type MailJson } from '../../support/worker.js';

const CAP = 3;
const PER_KIND = sized(1, 10);
type Kind = 'naive' | 'ooo' | 'plain';

let stack: Stack;
let worker: WorkerProcess | null = null;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

/** The responder's answer to one of our mails (raw headers of the captured mail). */
function answer(
  kind: Kind,
  from: string,
  to: { subject: string; messageId: string },
  n: number,
): { id: string; raw: Buffer } {
  const id = `auto.${kind}.${n}.${randomBytes(4).toString('hex')}@klant.test`;
  const common = [
    `From: ${from}`,
    'To: klachten@studijob.test',
    'Date: Tue, 24 Nov 2026 10:05:00 +0100',
    `Message-ID: <${id}>`,
  ];
  const headers =
    kind === 'naive'
      ? [...common, `Subject: Bedankt voor uw bericht (${n})`]
      : kind === 'ooo'
        ? [
            ...common,
            `Subject: Afwezig: ${to.subject}`,
            'Auto-Submitted: auto-replied',
            'X-Autoreply: yes',
            `In-Reply-To: <${to.messageId}>`,
            `References: <${to.messageId}>`,
          ]
        : [...common, `Subject: Re: ${to.subject}`, `In-Reply-To: <${to.messageId}>`, `References: <${to.messageId}>`];
  const body =
    kind === 'naive' ? 'Dank voor uw bericht. Wij reageren zo snel mogelijk.' : 'Ik ben afwezig tot maandag.';
  return {
    id,
    raw: Buffer.from(
      [...headers, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', body].join('\r\n'),
    ),
  };
}

/** Answers every captured mail to a responder address, once, until stopped. */
class Responders {
  readonly answered = new Set<string>();
  readonly delivered: string[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  constructor(
    private readonly box: Mailbox,
    private readonly kinds: Map<string, Kind>,
  ) {}
  start(): void {
    this.loop = this.run();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
  /** Mails to responders not answered yet. */
  unanswered(): number {
    return captured(stack.captureDir).filter(
      (m) => m.rcptTo.some((r) => this.kinds.has(r)) && !this.answered.has(m.file),
    ).length;
  }
  private async run(): Promise<void> {
    while (!this.stopped) {
      for (const m of captured(stack.captureDir)) {
        const to = m.rcptTo.find((r) => this.kinds.has(r));
        if (!to || this.answered.has(m.file)) continue;
        const subject = m.headers.find(([n]) => n === 'subject')?.[1] ?? '';
        const a = answer(this.kinds.get(to)!, to, { subject, messageId: m.messageId ?? '' }, this.answered.size + 1);
        await appendMail(this.box, a.raw);
        this.answered.add(m.file);
        this.delivered.push(a.id);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

test(
  `auto-responders answering every acknowledgement: at most ${CAP} per sender per hour, then the loop stops`,
  async () => {
    const box = privateBox(stack, 'auto');
    const config = writeTestConfig(
      box.imapUrl,
      { mail: { acknowledgement: { maxPerSenderPerHour: CAP }, managerNotice: { enabled: false } } },
      { smtpPort: stack.smtp.port, redisUrl: stack.redis.url },
    );
    const kinds = new Map<string, Kind>();
    for (const kind of ['naive', 'ooo', 'plain'] as const)
      for (let i = 1; i <= PER_KIND; i++) kinds.set(`${kind}${i}.${box.user}@klant.test`, kind);
    const responders = new Responders(box, kinds);
    worker = new WorkerProcess(config);
    await worker.waitIdle();
    responders.start();
    const complaints: string[] = [];
    for (const address of kinds.keys()) {
      complaints.push(`first.${address}`);
      await appendMail(
        box,
        complaint({ from: address, subject: `Klacht van ${address}`, messageId: complaints.at(-1)! }),
      );
    }

    // The fixed point: every mail to a responder answered, every answer stored, nothing to send.
    await waitFor(
      () => {
        if (responders.unanswered() > 0) return false;
        const expected = complaints.length + responders.delivered.length;
        return withDb(config, (db) => {
          const stored = db.prepare(`SELECT COUNT(*) FROM messages`).pluck().get() as number;
          const open = db.prepare(`SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')`).pluck().get();
          return stored === expected && open === 0;
        });
      },
      { timeoutMs: sized(60_000, 180_000), intervalMs: 500, message: 'the loop came to rest' },
    );
    await responders.stop();
    await worker.stop();

    const rows = outboxRows(config).filter((r) => r.kind === 'acknowledgement');
    const mails = cliJson<MailJson[]>(config, ['mail', 'list']);
    const perSender = (address: string) => ({
      sent: rows.filter((r) => r.to.includes(address) && r.status === 'sent').length,
      suppressed: rows.filter((r) => r.to.includes(address) && r.status === 'suppressed').length,
      received: captured(stack.captureDir).filter((m) => m.rcptTo.includes(address)).length,
      mails: mails.filter((m) => m.from?.includes(address)).map((m) => m.classification),
    });
    const s = summarise(config, [...complaints, ...responders.delivered], stack.captureDir);
    const suppressed = rows.filter((r) => r.status === 'suppressed');
    report('auto-responder', s, {
      responders: kinds.size,
      answers: responders.delivered.length,
      'acks-suppressed': suppressed.length,
      'max-acks-per-sender': Math.max(...[...kinds.keys()].map((a) => perSender(a).received)),
    });
    expect(s).toMatchObject({ lost: 0, duplicated: 0, acksDuplicated: 0, acksAmbiguous: 0 });
    for (const [address, kind] of kinds) {
      const p = perSender(address);
      if (kind === 'naive') {
        // Every answer looked like a new complaint: a case each, acknowledged until the cap.
        expect(p).toMatchObject({ sent: CAP, received: CAP, suppressed: 1 });
        expect(p.mails).toEqual(Array(CAP + 1).fill('complaint'));
      } else {
        expect(p).toMatchObject({ sent: 1, received: 1, suppressed: 0 });
        expect(p.mails.sort()).toEqual(kind === 'ooo' ? ['automatic-attached', 'complaint'] : ['complaint', 'reply']);
      }
    }
    expect(suppressed.every((r) => r.statusReason === 'rate-limit')).toBe(true);
    expect(s.cases).toBe(PER_KIND * (CAP + 1) + 2 * PER_KIND);
  },
  sized(90_000, 240_000),
);
