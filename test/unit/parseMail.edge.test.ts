import { parseMail } from '../../src/adapters/parser/parseMail.js';
import type { ParsedMail } from '../../src/domain/types.js';

// parseMail on constructed mails: attachment cap, nested MIME types, HTML fallback, bad input and
// large input. The fixture mails are in parseMail.test.ts.
const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

async function parsed(raw: Buffer, maxAttachmentBytes = 1_000_000): Promise<ParsedMail> {
  const outcome = await parseMail(raw, { maxAttachmentBytes });
  if (!outcome.ok) throw new Error(`expected a parsed mail, got: ${outcome.error}`);
  return outcome.mail;
}

describe('parseMail structure', () => {
  const attachment = (name: string, bytes: number): string[] => [
    '--b1',
    `Content-Type: application/octet-stream; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.alloc(bytes, 0x41).toString('base64'),
  ];
  const withAttachments = (sizes: number[]): Buffer =>
    crlf([
      'From: a@b.test',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'zie bijlagen',
      ...sizes.flatMap((size, i) => attachment(`f${i}.bin`, size)),
      '--b1--',
      '',
    ]);

  test('the size cap is a running total of kept bytes', async () => {
    const capped = await parsed(withAttachments([60, 30, 20]), 80);
    expect(capped.attachments.map((a) => [a.size, a.withheld, a.content?.length])).toEqual([
      [60, null, 60],
      [30, 'size-cap', undefined],
      [20, null, 20],
    ]);
    const roomy = await parsed(withAttachments([60, 30, 20]), 110);
    expect(roomy.attachments.every((a) => a.withheld === null)).toBe(true);
    const bigFirst = await parsed(withAttachments([200, 30]), 100);
    expect(bigFirst.attachments.map((a) => a.withheld)).toEqual(['size-cap', null]);
  });

  test('mimeTypes finds a report nested inside an attached message', async () => {
    const raw = crlf([
      'From: a@b.test',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: text/plain',
      '',
      'doorgestuurd',
      '--outer',
      'Content-Type: message/rfc822',
      '',
      'From: MAILER-DAEMON@x.test',
      'content-type:',
      '  Multipart/Report; report-type=delivery-status; boundary="inner"',
      '',
      '--inner',
      'Content-Type: message/delivery-status',
      '',
      'Action: failed',
      '--inner--',
      '--outer--',
      '',
    ]);
    const mail = await parsed(raw);
    expect(mail.contentType).toBe('multipart/mixed');
    expect(mail.mimeTypes).toEqual([
      'multipart/mixed',
      'text/plain',
      'message/rfc822',
      'multipart/report',
      'message/delivery-status',
    ]);
  });

  test('an HTML part mailparser gives no text for (multipart/related) still yields text', async () => {
    const raw = crlf([
      'Content-Type: multipart/related; boundary="r"',
      '',
      '--r',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<html><head><style>p{}</style></head><body><p>Onze factuur klopt&nbsp;niet &amp; niemand belt terug.</p></body></html>',
      '--r',
      'Content-Type: image/png',
      'Content-ID: <logo@x>',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
      '--r--',
      '',
    ]);
    const mail = await parsed(raw);
    expect(mail.text).toBe('Onze factuur klopt niet & niemand belt terug.');
    expect(mail.attachments[0]).toMatchObject({ contentType: 'image/png', contentId: 'logo@x', inline: true });
  });
});

describe('parseMail never throws', () => {
  test('a header named __proto__ is an ordinary field, not a prototype', async () => {
    const mail = await parsed(crlf(['From: a@b.test', '__proto__: x', 'Constructor: y', '', 'body']));
    expect(Object.getPrototypeOf(mail.headers)).toBe(Object.prototype);
    expect(Object.hasOwn(mail.headers, '__proto__')).toBe(true);
    expect(mail.headers['constructor']).toEqual(['y']);
  });

  test.each([
    ['an empty buffer', Buffer.alloc(0)],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ['headers only', Buffer.from('Subject: x\r\nFrom: <>\r\n')],
    ['a broken boundary', crlf(['Content-Type: multipart/mixed; boundary=', '', '--', '--x--'])],
  ])('%s resolves to an outcome', async (_label, raw) => {
    const outcome = await parseMail(raw, { maxAttachmentBytes: 100 });
    expect(typeof outcome.ok).toBe('boolean');
  });

  test('not even on input that is not a buffer', async () => {
    const outcome = await parseMail(null as unknown as Buffer, { maxAttachmentBytes: 100 });
    expect(outcome).toEqual({ ok: false, error: expect.any(String) });
  });
});

describe('parseMail on large mails', () => {
  test('a huge folded To header and a 1 MB HTML body are parsed in reasonable time', async () => {
    const recipients = Array.from(
      { length: 3000 },
      (_, i) => `=?utf-8?B?${Buffer.from(`Ontvanger ${i} é`).toString('base64')}?= <r${i}@x.test>`,
    );
    const raw = crlf([
      'From: a@b.test',
      `To: ${recipients.join(',\r\n ')}`,
      'Subject: groot',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><body>${'<div><p>Klacht <b>tekst</b> regel</p></div>\r\n'.repeat(25_000)}</body></html>`,
    ]);
    expect(raw.length).toBeGreaterThan(1_000_000);
    const started = Date.now();
    const mail = await parsed(raw);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(mail.to).toHaveLength(3000);
    expect(mail.to[2999]).toEqual({ name: 'Ontvanger 2999 é', address: 'r2999@x.test' });
    expect(mail.text).toContain('Klacht tekst regel');
  }, 30_000);
});
