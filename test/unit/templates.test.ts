import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Handlebars from 'handlebars';

import {
  LOCALES,
  TEMPLATE_NAMES,
  TemplateError,
  builtinTemplatesDir,
  loadTemplates,
  type AcknowledgementData,
  type TemplateDataMap,
  type TemplateName,
} from '../../src/adapters/templates/templates.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtinDir = path.join(projectRoot, 'templates');
const timezone = 'Europe/Amsterdam';

const complainant = { name: 'Piet Jansen', email: 'piet@example.nl', type: 'temp-worker' as const };

function acknowledgement(overrides: Partial<AcknowledgementData> = {}): AcknowledgementData {
  return {
    caseNumber: 'KL-2026-0042',
    originalSubject: 'Loonstrook klopt niet',
    complainantName: 'Piet Jansen',
    receivedAt: '2026-11-24T08:12:00.000Z',
    contactDueAt: '2026-11-26T09:00:00.000Z',
    feedbackDueAt: '2026-12-01T09:00:00.000Z',
    organisationName: 'StudiJob',
    complaintsAddress: 'klachten@studijob.test',
    escalationContacts: [
      { name: 'Debby Kooiman', role: 'Frontoffice manager', email: 'debby@studijob.test' },
      { name: 'Mariska van Wilpe', role: 'Directie', email: 'mariska@studijob.test' },
    ],
    ...overrides,
  };
}

const sample: TemplateDataMap = {
  acknowledgement: acknowledgement(),
  'manager-notice': {
    caseNumber: 'KL-2026-0042',
    subject: 'Loonstrook klopt niet',
    description: 'Mijn loonstrook van oktober mist\ntwee gewerkte diensten.',
    receivedAt: '2026-11-24T08:12:00.000Z',
    registeredBy: 'intake',
    complainant,
    contactDueAt: '2026-11-26T09:00:00.000Z',
    feedbackDueAt: '2026-12-01T09:00:00.000Z',
    caseUrl: 'https://klachten.studijob.test/cases/KL-2026-0042',
  },
  reminder: {
    caseNumber: 'KL-2026-0042',
    subject: 'Loonstrook klopt niet',
    milestone: 'contact',
    dueAt: '2026-11-26T09:00:00.000Z',
    handlerName: 'Anna de Vries',
    complainant,
    caseUrl: null,
  },
  escalation: {
    caseNumber: 'KL-2026-0042',
    subject: 'Loonstrook klopt niet',
    milestone: 'feedback',
    dueAt: '2026-12-01T09:00:00.000Z',
    level: 'director',
    handlerName: null,
    complainant,
    caseUrl: null,
  },
  'customer-escalation': {
    caseNumber: 'KL-2026-0042',
    subject: 'Loonstrook klopt niet',
    complainant,
    handlerName: 'Anna de Vries',
    note: 'Klant belde: de terugkoppeling was te vaag.',
    caseUrl: null,
  },
  'operator-alert': {
    connection: 'imap',
    error: 'token endpoint said: invalid_client: AADSTS7000215: Invalid client secret provided.',
    failingSince: '2026-11-24T08:12:00.000Z',
    failures: 3,
    organisationName: 'StudiJob',
  },
  'sign-in': {
    name: 'Anna de Vries',
    url: 'https://klachten.studijob.test/login/abc123',
    expiresAt: '2026-11-24T08:27:00.000Z',
    organisationName: 'StudiJob',
  },
};

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh override folder holding `files` (relative path → content). */
function overrideDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-templates-'));
  tempDirs.push(dir);
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), content);
  }
  return dir;
}

/** The TemplateError thrown by `fn`; fails the test when it throws nothing or something else. */
function templateErrorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a TemplateError, nothing was thrown');
}

const minimal = (subject: string, text: string, html: string): string =>
  `--- subject ---\n${subject}\n--- text ---\n${text}\n--- html ---\n${html}\n`;

describe('built-in templates', () => {
  const templates = loadTemplates({ builtinDir, timezone });

  test('the built-in folder is <project>/templates', () => {
    expect(path.resolve(builtinTemplatesDir())).toBe(builtinDir);
  });

  test.each(LOCALES.flatMap((locale) => TEMPLATE_NAMES.map((name) => [locale, name] as const)))(
    '%s/%s renders a one-line subject, a text and an HTML document',
    (locale, name: TemplateName) => {
      const mail = templates.render(name, locale, sample[name]);
      if (name === 'operator-alert') {
        // Not about a case: about a connection, with the server's words.
        expect(mail.subject).toMatch(/^Klachtenbus: .*imap/);
        expect(mail.text).toContain('AADSTS7000215');
      } else if (name === 'sign-in') {
        // Not about a case: the link, and until when it works (09:27 in Amsterdam).
        expect(mail.subject).toMatch(/^Klachtenbus: /);
        expect(mail.text).toContain('https://klachten.studijob.test/login/abc123');
        expect(mail.text).toContain('09:27');
      } else {
        expect(mail.subject).toMatch(/^\[KL-2026-0042\] \S/);
        expect(mail.text).toContain('KL-2026-0042');
      }
      expect(mail.subject).not.toMatch(/[\r\n]/);
      expect(mail.text.endsWith('\n')).toBe(true);
      expect(mail.text).not.toMatch(/\n\n\n/);
      expect(mail.html).toMatch(/^<!DOCTYPE html>/);
      expect(mail.html).toContain(`<html lang="${locale}">`);
      // Outlook-safe: inline styles only, nothing fetched from elsewhere.
      expect(mail.html).not.toMatch(/<style|<link|<img|<script|url\(/i);
    },
  );

  test('nl acknowledgement: case number in the subject, Dutch deadlines, the escalation contacts', () => {
    const mail = templates.render('acknowledgement', 'nl', acknowledgement());
    expect(mail.subject).toBe('[KL-2026-0042] Loonstrook klopt niet');
    expect(mail.text).toContain('Beste Piet Jansen,');
    expect(mail.text).toContain('Wij nemen uiterlijk donderdag 26 november 2026 contact met u op.');
    expect(mail.text).toContain('Uiterlijk dinsdag 1 december 2026');
    expect(mail.text).toContain(
      'Bent u niet tevreden over de afhandeling van uw klacht? Neem dan contact op met:\n' +
        '- Frontoffice manager: Debby Kooiman (debby@studijob.test)\n' +
        '- Directie: Mariska van Wilpe (mariska@studijob.test)\n',
    );
    expect(mail.html).toContain('<strong>donderdag 26 november 2026</strong>');
    expect(mail.html).toContain('Directie: Mariska van Wilpe (<a href="mailto:mariska@studijob.test"');
  });

  test('an empty original subject falls back to "Uw klacht" / "Your complaint"', () => {
    const data = acknowledgement({ originalSubject: '' });
    expect(templates.render('acknowledgement', 'nl', data).subject).toBe('[KL-2026-0042] Uw klacht');
    expect(templates.render('acknowledgement', 'en', data).subject).toBe('[KL-2026-0042] Your complaint');
  });

  test('no escalation contacts: the paragraph is left out; no name: a formal greeting', () => {
    const mail = templates.render(
      'acknowledgement',
      'nl',
      acknowledgement({ escalationContacts: [], complainantName: null }),
    );
    expect(mail.text).not.toContain('niet tevreden');
    expect(mail.html).not.toContain('<ul');
    expect(mail.text.startsWith('Geachte heer, mevrouw,\n')).toBe(true);
  });

  test('en renders English dates', () => {
    const mail = templates.render('acknowledgement', 'en', acknowledgement());
    expect(mail.text).toContain('no later than Thursday 26 November 2026');
    expect(mail.text).not.toContain('donderdag');
    const notice = templates.render('manager-notice', 'en', sample['manager-notice']);
    expect(notice.text).toContain('by Thursday 26 November 2026 at 10:00');
  });

  test('dates are shown in the configured timezone, not in UTC', () => {
    // 23:30 UTC on Thursday is 00:30 on Friday in Amsterdam.
    const mail = templates.render('manager-notice', 'nl', {
      ...sample['manager-notice'],
      contactDueAt: '2026-11-26T23:30:00Z',
    });
    expect(mail.text).toContain('uiterlijk vrijdag 27 november 2026 om 00:30');
    const summer = templates.render('reminder', 'nl', { ...sample.reminder, dueAt: '2026-07-02T08:00:00Z' });
    expect(summer.text).toContain('donderdag 2 juli 2026 om 10:00');
  });

  test('milestone, level, registrar and complainant type are worded per locale', () => {
    const reminder = templates.render('reminder', 'nl', sample.reminder);
    expect(reminder.subject).toContain('contact opnemen met de klant');
    expect(reminder.text).toContain('Piet Jansen <piet@example.nl> (uitzendkracht)');
    const feedback = templates.render('reminder', 'nl', {
      ...sample.reminder,
      milestone: 'feedback',
      handlerName: null,
    });
    expect(feedback.subject).toContain('terugkoppeling geven');
    expect(feedback.text.startsWith("Beste collega's,")).toBe(true);
    const escalation = templates.render('escalation', 'en', sample.escalation);
    expect(escalation.text.startsWith('Dear director,')).toBe(true);
    expect(escalation.text).toContain('Handler: not yet assigned');
    const client = { ...complainant, type: 'client' as const };
    expect(
      templates.render('customer-escalation', 'en', { ...sample['customer-escalation'], complainant: client }).text,
    ).toContain('(client)');
    expect(templates.render('manager-notice', 'nl', sample['manager-notice']).text).toContain(
      'Geregistreerd door: automatisch, uit de klachtenmailbox',
    );
  });

  test('customer text cannot inject markup or a mail header', () => {
    const evil = acknowledgement({
      complainantName: 'Piet <script>alert(1)</script>',
      originalSubject: 'Loonstrook klopt niet\r\nBcc: x@evil.test',
    });
    for (const locale of LOCALES) {
      const mail = templates.render('acknowledgement', locale, evil);
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('Piet &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.subject).toBe('[KL-2026-0042] Loonstrook klopt niet Bcc: x@evil.test');
      expect(mail.subject).not.toMatch(/[\r\n\u0000-\u001f]/);
    }
    const notice = templates.render('manager-notice', 'nl', {
      ...sample['manager-notice'],
      subject: 'a\nBcc: x@evil.test',
      description: 'regel 1\r\nregel 2\u0007',
      complainant: { ...complainant, name: '<b>Piet</b>' },
    });
    expect(notice.subject).toBe('[KL-2026-0042] Nieuwe klacht: a Bcc: x@evil.test');
    expect(notice.text).toContain('regel 1\nregel 2\n');
    expect(notice.html).toContain('&lt;b&gt;Piet&lt;/b&gt;');
    expect(notice.html).not.toContain('<b>Piet');
  });

  test('a malformed date fails the render with INPUT_INVALID instead of sending a broken mail', () => {
    expect(() => templates.render('acknowledgement', 'nl', acknowledgement({ contactDueAt: 'morgen' }))).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });

  test('helpers live on an isolated environment, not on the global Handlebars', () => {
    expect(Handlebars.helpers['longDate']).toBeUndefined();
  });
});

describe('overrides', () => {
  test('an override file replaces only that template and locale', () => {
    const builtin = loadTemplates({ builtinDir, timezone });
    const dir = overrideDir({
      'nl/acknowledgement.hbs': minimal(
        'Ontvangen: {{caseNumber}}',
        'Eigen tekst, contact {{longDate contactDueAt}}.',
        '<p>Eigen {{complainantName}}</p>',
      ),
    });
    const templates = loadTemplates({ builtinDir, overrideDir: dir, timezone });
    const mail = templates.render('acknowledgement', 'nl', acknowledgement());
    expect(mail).toEqual({
      subject: 'Ontvangen: KL-2026-0042',
      text: 'Eigen tekst, contact donderdag 26 november 2026.\n',
      html: '<p>Eigen Piet Jansen</p>\n',
    });
    expect(templates.render('acknowledgement', 'en', acknowledgement())).toEqual(
      builtin.render('acknowledgement', 'en', acknowledgement()),
    );
    expect(templates.render('reminder', 'nl', sample.reminder)).toEqual(
      builtin.render('reminder', 'nl', sample.reminder),
    );
  });

  test('syntax errors are reported with the file and the line in the file, all at once', () => {
    const broken = [
      'Toelichting', //                  1
      '--- subject ---', //              2
      '[{{caseNumber}}] x', //           3
      '--- text ---', //                 4
      'Beste,', //                       5
      '', //                             6
      'Uw nummer is {{caseNumber}.', //  7: one closing brace missing
      '--- html ---', //                 8
      '<p>{{caseNumber}}</p>', //        9
    ].join('\n');
    const mismatched = minimal('s', 't', '<p>\n{{#if caseUrl}}\n{{/each}}\n</p>'); // html: lines 5 to 8
    const dir = overrideDir({ 'nl/reminder.hbs': broken, 'en/escalation.hbs': mismatched });
    const error = templateErrorOf(() => loadTemplates({ builtinDir, overrideDir: dir, timezone }));
    expect(error.code).toBe('CONFIG_INVALID');
    const reminderFile = path.join(dir, 'nl', 'reminder.hbs');
    const escalationFile = path.join(dir, 'en', 'escalation.hbs');
    expect(error.message).toContain(`${reminderFile}:7: text section: Parse error`);
    expect(error.message).toContain(`${escalationFile}:7: html section: if doesn't match each`);
    expect(error.problems).toHaveLength(2);
  });

  test('an unclosed block is reported on the last line of its section, not on the next marker', () => {
    const dir = overrideDir({ 'nl/reminder.hbs': minimal('s', 'a\n{{#if caseUrl}}\nb', '<p></p>') });
    const error = templateErrorOf(() => loadTemplates({ builtinDir, overrideDir: dir, timezone }));
    expect(error.problems).toEqual([expect.stringMatching(/reminder\.hbs:6: text section: Parse error/)]);
  });

  test('missing, duplicated and unknown sections are reported', () => {
    const dir = overrideDir({
      'nl/acknowledgement.hbs': '--- subject ---\n[{{caseNumber}}]\n--- text ---\nHallo\n',
      'en/acknowledgement.hbs': minimal('s', 't\n--- body ---\nx', '<p></p>') + '--- subject ---\nagain\n',
    });
    const error = templateErrorOf(() => loadTemplates({ builtinDir, overrideDir: dir, timezone }));
    expect(error.problems).toEqual([
      `${path.join(dir, 'nl', 'acknowledgement.hbs')}: missing section "--- html ---"`,
      `${path.join(dir, 'en', 'acknowledgement.hbs')}:5: unknown section "body" (expected subject, text, html)`,
      `${path.join(dir, 'en', 'acknowledgement.hbs')}:9: section "subject" appears more than once`,
    ]);
  });

  test('triple-stash and {{& }} are rejected in every section', () => {
    const dir = overrideDir({
      'nl/acknowledgement.hbs': minimal('{{& originalSubject}}', 'ok', '<p>\n{{{complainantName}}}</p>'),
    });
    const error = templateErrorOf(() => loadTemplates({ builtinDir, overrideDir: dir, timezone }));
    const file = path.join(dir, 'nl', 'acknowledgement.hbs');
    expect(error.problems).toEqual([
      `${file}:2: subject section: unescaped output ({{{ }}} or {{& }}) is not allowed; use {{ }}`,
      `${file}:7: html section: unescaped output ({{{ }}} or {{& }}) is not allowed; use {{ }}`,
    ]);
  });

  test('unknown helpers, wrong argument counts and partials are rejected at load time', () => {
    const dir = overrideDir({
      'nl/reminder.hbs': minimal(
        '{{shout caseNumber}}',
        '{{longDate}}\n{{#if (eq milestone)}}x{{/if}}',
        '{{> footer}}',
      ),
    });
    const error = templateErrorOf(() => loadTemplates({ builtinDir, overrideDir: dir, timezone }));
    expect(error.problems.map((p) => p.replace(/^.*reminder\.hbs/, ''))).toEqual([
      ':2: subject section: unknown helper "shout"',
      ':4: text section: helper "longDate" takes 1 argument(s), got 0',
      ':5: text section: helper "eq" takes 2 argument(s), got 1',
      ':7: html section: partials ({{> }}) are not supported; templates must be self-contained',
    ]);
  });

  test('misplaced or misspelt override files are reported, not silently ignored', () => {
    const dir = overrideDir({
      'nl/acknowledgment.hbs': readFileSync(path.join(builtinDir, 'nl', 'acknowledgement.hbs'), 'utf8'),
      'reminder.hbs': 'x',
      'README.md': 'notes are fine',
    });
    const error = templateErrorOf(() => loadTemplates({ builtinDir, overrideDir: dir, timezone }));
    expect(error.problems).toHaveLength(2);
    expect(error.problems).toContainEqual(expect.stringMatching(/nl\/acknowledgment\.hbs: unknown template/));
    expect(error.problems).toContainEqual(expect.stringMatching(/reminder\.hbs: must be inside a locale folder/));
  });

  test('a missing override folder, missing built-ins and a bad timezone are all listed', () => {
    const empty = overrideDir({});
    const error = templateErrorOf(() =>
      loadTemplates({ builtinDir: empty, overrideDir: path.join(empty, 'nope'), timezone: 'Europe/Atlantis' }),
    );
    expect(error.problems[0]).toBe('timezone "Europe/Atlantis" is not a known IANA zone');
    expect(error.problems[1]).toMatch(/nope: cannot read the templates override folder/);
    expect(error.problems.filter((p) => p.endsWith(': template is missing'))).toHaveLength(
      TEMPLATE_NAMES.length * LOCALES.length,
    );
  });

  test('Windows line endings in an override are read like Unix ones', () => {
    const dir = overrideDir({
      'en/reminder.hbs': minimal('S {{caseNumber}}', 'line 1\nline 2', '<p></p>').replace(/\n/g, '\r\n'),
    });
    const mail = loadTemplates({ builtinDir, overrideDir: dir, timezone }).render('reminder', 'en', sample.reminder);
    expect(mail.subject).toBe('S KL-2026-0042');
    expect(mail.text).toBe('line 1\nline 2\n');
  });
});
