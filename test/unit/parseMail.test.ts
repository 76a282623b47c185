import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMail } from '../../src/adapters/parser/parseMail.js';
import type { ParsedMail } from '../../src/domain/types.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'mail');
const read = (name: string): Buffer => readFileSync(join(fixtures, name));
const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

async function parsed(raw: Buffer, maxAttachmentBytes = 1_000_000): Promise<ParsedMail> {
  const outcome = await parseMail(raw, { maxAttachmentBytes });
  if (!outcome.ok) throw new Error(`expected a parsed mail, got: ${outcome.error}`);
  return outcome.mail;
}

describe('parseMail on the project fixtures', () => {
  test('plain Dutch complaint: addresses lower-cased, ids without brackets, ISO date, raw headers', async () => {
    const mail = await parsed(read('plain-dutch-complaint.eml'));
    expect(mail.from).toEqual({ name: 'Sanne Bakker', address: 'sanne.bakker@mail.test' });
    expect(mail.to).toEqual([{ name: 'Klachten Studijob', address: 'klachten@studijob.test' }]);
    expect(mail.messageId).toBe('20251117091422.4f2a9c@mail.test');
    expect(mail.date).toBe('2025-11-17T08:14:22.000Z');
    expect(mail.subject).toBe('Loonstrook week 46 ontbreekt');
    expect(mail.returnPath).toBe('<sanne.bakker@mail.test>');
    expect(mail.contentType).toBe('text/plain');
    expect(mail.mimeTypes).toEqual(['text/plain']);
    expect(mail.text).toContain('één keer geëmaild');
    expect(mail.html).toBeNull();
    expect(mail.sender).toBeNull();
    expect(mail.warnings).toEqual([]);
    // Header values are unfolded but not decoded; the name is lower-case.
    expect(mail.headers['message-id']).toEqual(['<20251117091422.4f2a9c@mail.test>']);
    expect(mail.headers['received']?.[0]).toBe(
      'from smtp.mail.test (smtp.mail.test [192.0.2.10])\tby mx.studijob.test (Postfix) with ESMTPS id 4F2A81C0042\tfor <klachten@studijob.test>; Mon, 17 Nov 2025 09:14:25 +0100 (CET)',
    );
  });

  test('HTML-only mail: text converted from the HTML, without script or markup', async () => {
    const mail = await parsed(read('html-only.eml'));
    expect(mail.contentType).toBe('text/html');
    expect(mail.html).toContain('<script');
    expect(mail.text).toContain('Ik ben zeer ontevreden over de planning');
    expect(mail.text).toContain('€ 23,40');
    expect(mail.text).not.toMatch(/trackme|document\.write|<p>|<b>/);
  });

  test('windows-1252 quoted-printable body and encoded-word headers are decoded', async () => {
    const mail = await parsed(read('windows-1252.eml'));
    expect(mail.subject).toBe('€ 150,- te weinig uitbetaald');
    expect(mail.from).toEqual({ name: 'Renée Vermeulen', address: 'h.vermeulen@mail.test' });
    expect(mail.text).toContain('Er is € 150,- te weinig uitbetaald');
    expect(mail.text).toContain('één keer');
    expect(mail.text).toContain('financiële gevolgen');
  });

  test('attachment kept as plain bytes', async () => {
    const mail = await parsed(read('with-attachment.eml'));
    expect(mail.attachments).toHaveLength(1);
    const [pdf] = mail.attachments;
    expect(pdf).toMatchObject({
      filename: 'loonstrook week 46.pdf',
      contentType: 'application/pdf',
      size: 87,
      contentId: null,
      inline: false,
      withheld: null,
    });
    expect(pdf?.content).toBeInstanceOf(Uint8Array);
    expect(
      Buffer.from(pdf?.content ?? [])
        .subarray(0, 8)
        .toString('latin1'),
    ).toBe('%PDF-1.4');
    expect(mail.text).toContain('24 uur');
    expect(mail.mimeTypes).toEqual(['multipart/mixed', 'text/plain', 'application/pdf']);
  });

  test('attachment over the cap: metadata kept, content withheld', async () => {
    const mail = await parsed(read('with-attachment.eml'), 50);
    expect(mail.attachments[0]).toEqual({
      filename: 'loonstrook week 46.pdf',
      contentType: 'application/pdf',
      size: 87,
      contentId: null,
      inline: false,
      withheld: 'size-cap',
    });
    expect(mail.warnings).toContain('attachment-size-cap');
  });

  test('reply to an acknowledgement: In-Reply-To and every References id', async () => {
    const mail = await parsed(read('reply-to-ack.eml'));
    expect(mail.inReplyTo).toEqual(['ack-KL-2026-0001@klachtenbus.test']);
    expect(mail.references).toEqual(['20260105091422.77aa@mail.test', 'ack-KL-2026-0001@klachtenbus.test']);
    expect(mail.subject).toBe('Re: [KL-2026-0001] Ontvangstbevestiging van uw klacht');
  });

  test('a mail without Message-ID', async () => {
    const mail = await parsed(read('no-message-id.eml'));
    expect(mail.messageId).toBeNull();
    expect(mail.from?.address).toBe('fam.dejong@mail.test');
  });

  test('DSN: the delivery report stays a part of its own and is listed in mimeTypes', async () => {
    const mail = await parsed(read('dsn-bounce.eml'));
    expect(mail.returnPath).toBe('<>');
    expect(mail.contentType).toBe('multipart/report');
    expect(mail.mimeTypes).toEqual([
      'multipart/report',
      'text/plain',
      'message/delivery-status',
      'text/rfc822-headers',
    ]);
    expect(mail.attachments.map((a) => a.contentType)).toEqual(['message/delivery-status', 'text/rfc822-headers']);
    expect(mail.text).toContain('could not');
    expect(mail.text).not.toContain('Reporting-MTA');
  });

  test('Outlook out-of-office: empty Return-Path kept as written', async () => {
    const mail = await parsed(read('outlook-ooo.eml'));
    expect(mail.returnPath).toBe('<>');
    expect(mail.headers['x-auto-response-suppress']).toEqual(['All']);
    expect(mail.from).toEqual({ name: 'Jansen, Pieter', address: 'p.jansen@bouwbedrijf-devries.test' });
  });

  test('mailing list: Sender is filled', async () => {
    const mail = await parsed(read('mailing-list.eml'));
    expect(mail.sender).toEqual({ name: '', address: 'klantenpanel-bounces@lists.studijob.test' });
    expect(mail.headers['list-id']).toEqual(['Klantenpanel Studijob <klantenpanel.lists.studijob.test>']);
  });
});

describe('parseMail repairs', () => {
  test('bare CR line endings (old Mac) become CRLF, with a warning', async () => {
    const original = read('plain-dutch-complaint.eml');
    const mac = Buffer.from(original.toString('latin1').replace(/\r\n/g, '\r'), 'latin1');
    const mail = await parsed(mac);
    expect(mail.warnings).toEqual(['bare-cr-line-endings']);
    expect(mail.from?.address).toBe('sanne.bakker@mail.test');
    expect(mail.subject).toBe('Loonstrook week 46 ontbreekt');
    expect(mail.text).toContain('één keer geëmaild');
  });

  test('a leading mbox "From " line is dropped', async () => {
    const raw = Buffer.concat([
      Buffer.from('From sanne.bakker@mail.test  Mon Nov 17 09:14:25 2025\r\n'),
      read('plain-dutch-complaint.eml'),
    ]);
    const mail = await parsed(raw);
    expect(mail.warnings).toEqual(['mbox-from-line']);
    expect(mail.returnPath).toBe('<sanne.bakker@mail.test>');
    expect(mail.from?.address).toBe('sanne.bakker@mail.test');
  });

  test('an unparseable or missing Date gives null, never the current time', async () => {
    const bad = await parsed(
      crlf(['From: a@b.test', 'Date: Tue, 06 Jun 2017 27:39:33 +0600', 'Subject: x', '', 'body']),
    );
    expect(bad.date).toBeNull();
    const none = await parsed(crlf(['From: a@b.test', 'Subject: x', '', 'body']));
    expect(none.date).toBeNull();
    const comment = await parsed(crlf(['From: a@b.test', 'Date: Wed, 20 Sep 1995 00:19:00 (EDT) -0400', '', 'x']));
    expect(comment.date).toBe('1995-09-20T04:19:00.000Z');
  });

  test('defaults: text/plain content type, empty subject, empty lists', async () => {
    const mail = await parsed(crlf(['From: A <a@b.test>', '', 'alleen tekst']));
    expect(mail).toMatchObject({ contentType: 'text/plain', subject: '', to: [], cc: [], replyTo: [], references: [] });
    expect(mail.mimeTypes).toEqual([]);
  });
});
