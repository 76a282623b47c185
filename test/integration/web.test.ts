/// <reference lib="dom" />
/**
 * The web workspace in a real browser (Debian's Chromium driven by playwright-core) against the
 * real worker, Dovecot, Redis and the SMTP capture server. The handler's whole day: a reminder
 * mail arrives, its link opens the case, sign-in goes by a link mailed through the outbox, the
 * contact and the feedback are recorded and the case is closed, without a command line.
 * Screenshots of the main pages go to test-artifacts/screenshots/.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { appendMail, capturedMails, newMailbox, waitFor } from '../support/mailstack.js';
import { cliJson, deadlineJobIds, WorkerProcess, writeTestConfig } from '../support/worker.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHOTS = path.join(ROOT, 'test-artifacts', 'screenshots');
const CHROMIUM = process.env.KLACHTENBUS_CHROMIUM ?? '/usr/bin/chromium';

const tag = randomBytes(4).toString('hex');
const anna = { name: 'Anna de Vries', email: `anna.${tag}@studijob.test`, role: 'handler' };
const debby = { name: 'Debby Kooiman', email: `debby.${tag}@studijob.test`, role: 'manager' };

let browser: Browser;
let worker: WorkerProcess;
let config: string;
let base: string;
let tracker: Server;
const trackerHits: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

const complaint = (from: string, subject: string, html?: string) =>
  Buffer.from(
    [
      `From: ${from}`,
      'To: klachten@studijob.test',
      `Subject: ${subject}`,
      'Date: Mon, 02 Nov 2026 10:00:00 +0100',
      `Message-ID: <${randomBytes(6).toString('hex')}@klant.test>`,
      'MIME-Version: 1.0',
      ...(html
        ? [
            'Content-Type: multipart/alternative; boundary="alt"',
            '',
            '--alt',
            'Content-Type: text/plain; charset=utf-8',
            '',
            'Zie de opgemaakte versie.',
            '--alt',
            'Content-Type: text/html; charset=utf-8',
            '',
            html,
            '--alt--',
          ]
        : ['Content-Type: text/plain; charset=utf-8', '', 'De loonstrook van week 44 ontbreekt. Graag snel contact.']),
      '',
    ].join('\r\n'),
  );

/** The text of the newest captured mail to `to` whose subject matches (and whose text has `contains`). */
async function mailTo(to: string, subject: RegExp, contains = ''): Promise<string> {
  return waitFor(
    async () => {
      for (const m of capturedMails().reverse()) {
        if (!m.envelope.rcptTo.includes(to)) continue;
        const parsed = await simpleParser(m.raw);
        if (subject.test(parsed.subject ?? '') && (parsed.text ?? '').includes(contains)) return parsed.text!;
      }
      return null;
    },
    { timeoutMs: 20_000, message: `mail to ${to} matching ${subject}` },
  );
}

async function signIn(context: BrowserContext, who: { email: string }, startAt: string): Promise<Page> {
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(startAt);
  expect(new URL(page.url()).pathname).toBe('/login');
  const before = capturedMails().filter((m) => m.envelope.rcptTo.includes(who.email)).length;
  await page.getByLabel('E-mailadres').fill(who.email);
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Stuur mij een aanmeldlink' }).click(),
  ]);
  expect(await page.getByRole('status').textContent()).toContain('aanmeldlink');
  await waitFor(() => capturedMails().filter((m) => m.envelope.rcptTo.includes(who.email)).length > before, {
    timeoutMs: 20_000,
    message: 'sign-in mail',
  });
  const text = await mailTo(who.email, /aanmeldlink/);
  const link = /http:\/\/127\.0\.0\.1:\d+\/login\/[A-Za-z0-9_-]+(\?[^\s]*)?/.exec(text)![0];
  await page.goto(link);
  await page.getByRole('button', { name: 'Aanmelden' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return page;
}

/** Form controls without a label (accessible markup: every control is labelled). */
const unlabelled = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
      .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML),
  );

/**
 * Text whose contrast with its background is below WCAG AA (4.5:1): every element with its own
 * text, its colour against the first opaque background up its ancestors.
 */
const lowContrast = (page: Page) =>
  page.evaluate(() => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3]! > 0.9)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own || (el as HTMLElement).offsetParent === null) continue;
      const a = lum(rgb(getComputedStyle(el).color));
      const b = lum(background(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) bad.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)}`);
    }
    return bad;
  });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  tracker = createServer((req, res) => {
    trackerHits.push(req.url ?? '');
    res.end('x');
  });
  await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', r));
  const trackerUrl = `http://127.0.0.1:${(tracker.address() as { port: number }).port}`;

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const box = newMailbox('web');
  config = writeTestConfig(box.imapUrl, {
    procedure: 'studijob',
    staff: { domains: ['studijob.test'], members: [anna, debby] },
    deadlines: { reconcileIntervalSeconds: 1 },
    web: { enabled: true, port, baseUrl: base },
  });
  // Received Monday 2 November 10:00: contact due Wednesday 4 November 10:00.
  const received = new Date('2026-11-02T09:00:00Z');
  await appendMail(box, complaint(`Jan Jansen <jan.${tag}@bouwbedrijf-devries.test>`, 'Loonstrook week 44 ontbreekt'), {
    internalDate: received,
  });
  await appendMail(
    box,
    complaint(
      `Kwaadwillend <evil.${tag}@klant.test>`,
      'Bekijk mijn foto',
      `<p onmouseover="fetch('${trackerUrl}/onmouseover')">Hallo<script>fetch('${trackerUrl}/script');document.title='pwned'</script>` +
        `<img src="${trackerUrl}/pixel.gif" alt="logo"><img src="x" onerror="fetch('${trackerUrl}/onerror')">` +
        `<a href="javascript:fetch('${trackerUrl}/js')">klik</a><iframe src="${trackerUrl}/frame"></iframe>` +
        `<style>body{background:url(${trackerUrl}/css)}</style></p>`,
    ),
    { internalDate: received },
  );
  // Wednesday 4 November 11:00: the contact deadline has passed.
  worker = new WorkerProcess(config, { KLACHTENBUS_NOW: '2026-11-04T11:00:00+01:00' });
  await waitFor(() => worker.logs.some((l) => l.event === 'web.listening'), { message: 'web workspace listening' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await worker?.kill();
  await new Promise((r) => tracker?.close(r));
});

test('a handler follows the reminder link, signs in by mailed link, records contact and feedback, and closes the case', async () => {
  // The reminder and the manager's escalation fired at start; the reminder went to the handler.
  const reminder = await mailTo(anna.email, /Herinnering/, 'Loonstrook week 44');
  const caseUrl = /http:\/\/127\.0\.0\.1:\d+\/cases\/KL-\d{4}-\d{4}/.exec(reminder)![0];
  const number = caseUrl.split('/').pop()!;
  // The manager's escalation links to the same page.
  await mailTo(debby.email, /Termijn verstreken/, caseUrl);

  const jobsBefore = await deadlineJobIds(config);
  expect(jobsBefore.some((id) => id.startsWith(`${number}.contact.escalation-director.`))).toBe(true);

  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await signIn(context, anna, caseUrl);
  expect(page.url()).toBe(caseUrl);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Termijn verstreken');
  expect(await page.locator('tr[data-milestone=contact]').getAttribute('data-state')).toBe('late');
  expect(await unlabelled(page)).toEqual([]);
  expect(await lowContrast(page)).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'case-overdue.png'), fullPage: true });

  await page.getByLabel('Wat is er besproken of afgesproken?').fill('Gebeld; loonstrook volgt vandaag.');
  await page.getByRole('button', { name: 'Contact vastleggen' }).click();
  await page.waitForURL(/saved=contact/);
  expect(await page.locator('p.notice').textContent()).toBe('Opgeslagen.');
  expect(await page.locator('tr[data-milestone=contact]').getAttribute('data-state')).toBe('doneLate');
  // The case's pending contact jobs are gone at once, not at the next reconcile.
  const jobsAfter = await deadlineJobIds(config);
  expect(jobsAfter.filter((id) => id.startsWith(`${number}.contact.`))).toEqual([]);
  expect(jobsAfter.some((id) => id.startsWith(`${number}.feedback.`))).toBe(true);

  await page.getByLabel('De oplossing', { exact: true }).fill('Loonstrook opnieuw verstuurd; verwerking aangepast.');
  await page.getByRole('button', { name: 'Terugkoppeling vastleggen' }).click();
  await page.waitForURL(/saved=feedback/);
  expect(await page.locator('p.notice').textContent()).toBe('Opgeslagen.');
  expect(await page.locator('tr[data-milestone=feedback]').getAttribute('data-state')).toBe('done');

  // StudiJob's procedure asks for the cause, the measures and the internal communication first;
  // closing without them names everything that is missing, at once.
  await page.getByLabel('ja', { exact: true }).check();
  await page.getByRole('button', { name: 'Klacht sluiten' }).click();
  await page.waitForLoadState('load');
  const refusal = await page.getByRole('alert').textContent();
  expect(refusal).toContain('De procedure studijob vraagt nog om:');
  expect(refusal).toContain('de oorzaak');
  expect(refusal).toContain('de maatregelen');
  expect(refusal).toContain('de interne communicatie');
  expect(refusal).not.toContain('de oplossing'); // recorded with the feedback

  await page.getByText('Registratie & Behandeling').click();
  await page.getByLabel('Oorzaak', { exact: true }).fill('Loonstroken werden pas na controle verstuurd.');
  await page.getByLabel('Beheersmaatregelen', { exact: true }).fill('Loonstroken automatisch verstuurd.');
  await page.getByLabel('Interne communicatie (hoe)').fill('Teamoverleg frontoffice');
  await page.getByLabel('Interne communicatie (wanneer)').fill('2026-11-04T11:15');
  await page.getByRole('button', { name: 'Velden opslaan' }).click();
  await page.waitForURL(/saved=fields/);
  await page.getByLabel('ja', { exact: true }).check();
  await page.getByRole('button', { name: 'Klacht sluiten' }).click();
  await page.waitForURL(/saved=close/);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Gesloten');
  await page.screenshot({ path: path.join(SHOTS, 'case-closed.png'), fullPage: true });

  const shown = cliJson<{
    status: string;
    closedBy: string;
    satisfaction: string;
    milestones: { contact: { by: string }; solution: { text: string } };
    timeline: Array<{ type: string; actor: string }>;
  }>(config, ['cases', 'show', number], { KLACHTENBUS_NOW: '2026-11-04T11:30:00+01:00' });
  expect(shown.status).toBe('closed');
  expect(shown.closedBy).toBe(anna.name);
  expect(shown.satisfaction).toBe('satisfied');
  expect(shown.milestones.contact.by).toBe(anna.name);
  expect(shown.milestones.solution.text).toContain('Loonstrook opnieuw verstuurd');
  for (const type of ['milestone.contact', 'milestone.feedback', 'case.closed'])
    expect(shown.timeline.find((e) => e.type === type)?.actor).toBe(anna.name);
  expect((await deadlineJobIds(config)).filter((id) => id.startsWith(`${number}.`))).toEqual([]);
  await context.close();
});

test('a handler is refused a manager-only action, and a form without its CSRF token is refused', async () => {
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await signIn(context, anna, `${base}/cases`);
  const number = await page.locator('table.cases a', { hasText: 'KL-' }).first().textContent();
  await page.goto(`${base}/cases/${number}`);
  expect(await page.locator('form[action$="/assign"]').count()).toBe(0);
  const csrf = await page.locator('input[name=_csrf]').first().inputValue();
  const assign = await page.request.post(`${base}/cases/${number}/assign`, {
    form: { _csrf: csrf, handler: anna.name },
    maxRedirects: 0,
  });
  expect(assign.status()).toBe(403);
  expect(await assign.text()).toContain('Dit mag uw rol (behandelaar) niet.');
  const reports = await page.goto(`${base}/reports`);
  expect(reports!.status()).toBe(403);

  const noToken = await page.request.post(`${base}/cases/${number}/note`, {
    form: { text: 'zonder token' },
    maxRedirects: 0,
  });
  expect(noToken.status()).toBe(403);
  const shown = cliJson<{ handler: string | null; timeline: Array<{ type: string }> }>(config, [
    'cases',
    'show',
    number!,
  ]);
  expect(shown.handler).toBeNull();
  expect(shown.timeline.some((e) => e.type === 'case.note')).toBe(false);
  await context.close();
});

test('a mail with script and remote images is shown harmlessly', async () => {
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await signIn(context, anna, `${base}/cases?q=foto`);
  await page.getByRole('link', { name: /KL-/ }).first().click();
  await page.waitForURL(/\/cases\/KL-/);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('Bekijk mijn foto');
  await page.getByText('Opgemaakte versie tonen').click();
  const html = page.locator('.mail-html');
  expect(await html.textContent()).toContain('Hallo');
  expect(await html.textContent()).toContain('[logo]');
  await html.hover();
  await page.waitForTimeout(500);
  expect(await page.title()).not.toBe('pwned');
  expect(await html.locator('script, iframe, style, [onmouseover], [onerror]').count()).toBe(0);
  expect(trackerHits).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'case-hostile-mail.png'), fullPage: true });
  await context.close();
});

test('a manager sees the overdue cases and the reports; the list works on a phone screen', async () => {
  const context = await browser.newContext({ locale: 'nl-NL' });
  const page = await signIn(context, debby, `${base}/cases`);
  expect(await page.getByRole('link', { name: /met verstreken termijn/ }).textContent()).toBe(
    '1 met verstreken termijn',
  );
  await page.getByRole('link', { name: /met verstreken termijn/ }).click();
  await page.waitForURL(/overdue=1/);
  expect(await page.locator('table.cases tbody tr').count()).toBe(1);
  expect(await unlabelled(page)).toEqual([]);
  expect(await lowContrast(page)).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'cases-overdue.png'), fullPage: true });

  // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');

  await page.getByRole('link', { name: 'Rapportages' }).click();
  await page.waitForURL(/\/reports$/);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Rapportages');
  expect(await unlabelled(page)).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'reports.png'), fullPage: true });
  await page.getByLabel('Kwartaal').selectOption('2026-Q4');
  await page.getByRole('button', { name: 'Tonen' }).first().click();
  await page.waitForURL(/\/reports\/view\?quarter=2026-Q4/);
  expect(await page.locator('svg').count()).toBeGreaterThan(0);
  expect(await page.locator('body').textContent()).toContain('2026');
  await page.screenshot({ path: path.join(SHOTS, 'report-2026-Q4.png'), fullPage: true });

  const phone = await browser.newContext({
    locale: 'nl-NL',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const cookies = await context.cookies();
  await phone.addCookies(cookies);
  const small = await phone.newPage();
  await small.goto(`${base}/cases?status=all`);
  const width = await small.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await small.screenshot({ path: path.join(SHOTS, 'cases-phone.png'), fullPage: true });
  await phone.close();
  await context.close();
});
