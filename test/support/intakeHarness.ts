import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentStore } from '../../src/adapters/files.js';
import { parseMail } from '../../src/adapters/parser/parseMail.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';
import { builtinTemplatesDir, loadTemplates } from '../../src/adapters/templates/templates.js';
import { createWorkingCalendar } from '../../src/domain/workingCalendar.js';
import type { OutgoingDeps, OutgoingSettings } from '../../src/usecases/queueCaseMail.js';
import type { IntakeDeps, IntakeSettings, ProcedureContext } from '../../src/usecases/intakeMessage.js';

/** The default profile: contact within two working days, feedback within a week. */
export const PROCEDURE: ProcedureContext = {
  name: 'default',
  locale: 'nl',
  rules: { contact: { workingDays: 2 }, feedback: { calendarDays: 7, moveToWorkingDay: true } },
  escalationContacts: [{ name: 'Debby Kooiman', email: 'debby@studijob.test', role: 'Frontoffice manager' }],
  calendar: createWorkingCalendar({
    goodFridayOff: false,
    liberationDay: 'lustrum',
    extraClosedDays: [],
    businessHours: { start: '08:30', end: '17:30' },
  }),
};

export const SETTINGS: IntakeSettings = {
  complaintsAddress: 'klachten@studijob.test',
  ownAddresses: [],
  messageIdDomain: 'klachtenbus.test',
  numberPrefix: 'KL',
  replyToClosedCase: 'reopen',
  staffDomains: ['studijob.test'],
  staffMembers: [],
  clientDomains: ['bouwbedrijf-devries.test'],
  tempWorkerDomains: [],
};

/**
 * Intake on a real SQLite database in a fresh temp dir, parsing in-process (the thread pool is
 * tested on its own), with a fixed clock.
 */
/** Outgoing mail with the shipped templates, as the worker has it. */
export function outgoing(over: Partial<OutgoingSettings> = {}): OutgoingDeps {
  return {
    templates: loadTemplates({ builtinDir: builtinTemplatesDir(), timezone: 'Europe/Amsterdam' }),
    settings: {
      from: '"StudiJob" <klachten@studijob.test>',
      complaintsAddress: 'klachten@studijob.test',
      organisationName: 'StudiJob',
      messageIdDomain: 'klachtenbus.test',
      ownAddresses: [],
      acknowledgement: { enabled: true, maxPerSenderPerHour: 3 },
      managerNotice: { enabled: true, to: ['debby@studijob.test'] },
      ...over,
    },
  };
}

export function intakeHarness(over: Partial<IntakeSettings> = {}, now = new Date('2026-11-24T09:00:00Z')) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-intake-'));
  const db = openDatabase(dir);
  const deps: IntakeDeps = {
    db,
    rawStore: new ContentStore(dir, 'raw', '.eml'),
    attachmentStore: new ContentStore(dir, 'attachments', ''),
    parse: (raw) => parseMail(raw, { maxAttachmentBytes: 1024 * 1024 }),
    now: () => now,
    settings: { ...SETTINGS, ...over },
    procedure: PROCEDURE,
  };
  const count = (sql: string): number => (db.prepare(sql).pluck().get() as number) ?? 0;
  return { dir, db, deps, count };
}

/** A small RFC 5322 mail. */
export function mail(h: {
  from: string;
  subject: string;
  messageId?: string | null;
  inReplyTo?: string;
  extra?: string[];
  body?: string;
  date?: string;
}): Buffer {
  const lines = [
    `From: ${h.from}`,
    'To: klachten@studijob.test',
    `Subject: ${h.subject}`,
    `Date: ${h.date ?? 'Tue, 24 Nov 2026 10:00:00 +0100'}`,
  ];
  if (h.messageId !== null)
    lines.push(`Message-ID: <${h.messageId ?? `${Math.random().toString(36).slice(2)}@mail.test`}>`);
  if (h.inReplyTo) lines.push(`In-Reply-To: <${h.inReplyTo}>`, `References: <${h.inReplyTo}>`);
  lines.push(...(h.extra ?? []), 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '');
  lines.push(
    h.body ?? 'Geachte heer/mevrouw,\n\nIk ben niet tevreden over de gang van zaken.\n\nMet vriendelijke groet,\nKlant',
  );
  return Buffer.from(lines.join('\r\n'));
}
