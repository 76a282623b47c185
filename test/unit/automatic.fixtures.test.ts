import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMail } from '../../src/adapters/parser/parseMail.js';
import { detectAutomatic } from '../../src/domain/automatic.js';
import type { ParsedMail } from '../../src/domain/types.js';

// The detector on the project's own fixture mails, parsed by the real parser.
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'mail');
const ctx = { ownAddresses: ['klachten@studijob.test'], ownMessageIdDomains: ['klachtenbus.test'] };

async function fixture(name: string): Promise<ParsedMail> {
  const outcome = await parseMail(readFileSync(join(fixtures, name)), { maxAttachmentBytes: 1_000_000 });
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.mail;
}

describe('detectAutomatic on the project fixtures', () => {
  test('Outlook out-of-office without Auto-Submitted', async () => {
    const verdict = detectAutomatic(await fixture('outlook-ooo.eml'), ctx);
    expect(verdict).toEqual({
      automatic: true,
      reasons: ['header:x-auto-response-suppress', 'header:return-path-empty', 'subject:automatic-reply'],
      kind: 'auto-reply',
    });
  });

  test('Postfix DSN bouncing one of our acknowledgements', async () => {
    const verdict = detectAutomatic(await fixture('dsn-bounce.eml'), ctx);
    expect(verdict.kind).toBe('bounce');
    expect(verdict.reasons).toEqual(
      expect.arrayContaining(['sender:mailer-daemon', 'mime:multipart/report', 'mime:message/delivery-status']),
    );
  });

  test('mailing-list mail', async () => {
    const verdict = detectAutomatic(await fixture('mailing-list.eml'), ctx);
    expect(verdict.kind).toBe('list');
    expect(verdict.reasons).toEqual(['header:precedence', 'header:list-id', 'header:list-unsubscribe']);
  });

  test.each([
    'plain-dutch-complaint.eml',
    'html-only.eml',
    'windows-1252.eml',
    'with-attachment.eml',
    'reply-to-ack.eml',
    'no-message-id.eml',
    'forwarded-by-employee.eml',
  ])('%s is written by a person', async (name) => {
    expect(detectAutomatic(await fixture(name), ctx)).toEqual({ automatic: false, reasons: [], kind: null });
  });
});
