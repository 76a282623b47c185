import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { ContentStore } from '../../src/adapters/files.js';
import { loadConfig } from '../../src/config/load.js';
import { outgoingDeps, procedureContext, intakeSettings } from '../../src/composition.js';
import { createLogger } from '../../src/adapters/logger.js';
import { parseMail } from '../../src/adapters/parser/parseMail.js';
import { openDatabase } from '../../src/adapters/sqlite/open.js';
import { intakeMessage, type IntakeDeps } from '../../src/usecases/intakeMessage.js';
import { buildWebApp } from '../../src/web/server.js';

/**
 * The web workspace in-process (Fastify's inject), on a real SQLite database and the shipped
 * templates: sign-in by mailed link, sessions, CSRF, roles, sanitised customer mail, downloads.
 * The browser tests (test/integration/web.test.ts) drive the same pages in Chromium.
 */
const STAFF = [
  { name: 'Anna de Vries', email: 'anna@studijob.test', role: 'handler' },
  { name: 'Debby Kooiman', email: 'debby@studijob.test', role: 'manager' },
];

function setup(startAt = '2026-11-30T09:00:00Z', opts: { noMail?: boolean } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-web-'));
  const file = path.join(dir, 'config.yaml');
  writeFileSync(
    file,
    stringify({
      complaintsAddress: 'klachten@studijob.test',
      organisation: { name: 'StudiJob' },
      procedure: 'studijob',
      dataDir: './data',
      smtp: { url: 'smtp://127.0.0.1:2525' },
      redis: { url: 'redis://127.0.0.1:6379' },
      staff: { domains: ['studijob.test'], members: STAFF },
      complainants: { clientDomains: ['bouwbedrijf-devries.test'] },
      web: { baseUrl: 'https://klachten.studijob.test', loginRequestsPer15Minutes: 3 },
      log: { level: 'silent' },
    }),
  );
  const config = loadConfig({ file, env: {}, cwd: dir });
  const db = openDatabase(config.dataDir);
  let now = new Date(startAt);
  const clock = () => now;
  const out = outgoingDeps(config)!;
  const dispatched: number[] = [];
  const refreshed: number[] = [];
  const attachments = new ContentStore(config.dataDir, 'attachments', '');
  const intake: IntakeDeps = {
    db,
    rawStore: new ContentStore(config.dataDir, 'raw', '.eml'),
    attachmentStore: attachments,
    parse: (raw) => parseMail(raw, { maxAttachmentBytes: 1024 * 1024 }),
    now: clock,
    settings: intakeSettings(config),
    procedure: procedureContext(config),
    outgoing: out,
  };
  const appP = buildWebApp({
    config,
    db,
    now: clock,
    log: createLogger({ level: process.env.WEB_TEST_LOG ?? 'silent' }),
    outgoing: opts.noMail ? undefined : out,
    dispatch: (ids) => dispatched.push(...ids),
    refreshCase: async (id) => {
      refreshed.push(id);
    },
    attachments,
    baseUrl: 'https://klachten.studijob.test',
  });
  return {
    config,
    db,
    intake,
    dispatched,
    refreshed,
    app: appP,
    setNow: (iso: string) => {
      now = new Date(iso);
    },
  };
}

/** Real HTTP on loopback with a cookie jar: keeps what the server sets, sends it back. */
interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  bytes: Buffer;
}
class Browser {
  jar = new Map<string, string>();
  constructor(private readonly base: string) {}
  async req(
    method: 'GET' | 'POST',
    url: string,
    form?: Record<string, string>,
    extraHeaders: Record<string, string> = {},
  ): Promise<Res> {
    const res = await fetch(this.base + url, {
      method,
      redirect: 'manual',
      headers: {
        ...extraHeaders,
        cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (!value || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    headers['set-cookie'] = res.headers.getSetCookie().join('\n');
    return { statusCode: res.status, headers, body: bytes.toString('utf8'), bytes };
  }
  get = (url: string) => this.req('GET', url);
  post = (url: string, form: Record<string, string>) => this.req('POST', url, form);
}

const apps: FastifyInstance[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
});
async function browser(appP: Promise<FastifyInstance>): Promise<Browser> {
  const app = await appP;
  if (!apps.includes(app)) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    apps.push(app);
  }
  const addr = app.server.address() as { port: number };
  return new Browser(`http://127.0.0.1:${addr.port}`);
}

const hidden = (html: string, name: string): string => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no hidden ${name} in page`);
  return m[1]!;
};

const linkIn = (db: ReturnType<typeof openDatabase>, to: string): string => {
  const row = db
    .prepare(`SELECT body_text AS text FROM outbox WHERE kind = 'sign-in' AND to_json LIKE ? ORDER BY id DESC LIMIT 1`)
    .get(`%${to}%`) as { text: string } | undefined;
  const m = row && /https:\/\/klachten\.studijob\.test(\/login\/[A-Za-z0-9_-]+)/.exec(row.text);
  if (!m) throw new Error(`no sign-in mail to ${to}`);
  return m[1]!;
};

async function signIn(b: Browser, db: ReturnType<typeof openDatabase>, email: string, next = '/cases') {
  const login = await b.get(`/login?next=${encodeURIComponent(next)}`);
  await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email, next });
  const link = linkIn(db, email);
  const confirm = await b.get(link);
  expect(confirm.statusCode).toBe(200);
  return b.post(link, { _csrf: hidden(confirm.body, '_csrf'), next: hidden(confirm.body, 'next') });
}

const complaint = (subject: string, extra: { html?: string; attachmentName?: string; date?: string } = {}) => {
  const boundary = 'b-1';
  const parts = [
    `From: Jan Jansen <jan@bouwbedrijf-devries.test>`,
    'To: klachten@studijob.test',
    `Subject: ${subject}`,
    `Date: ${extra.date ?? 'Tue, 24 Nov 2026 10:00:00 +0100'}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@devries.test>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'De loonstrook van week 46 ontbreekt nog steeds.',
  ];
  if (extra.html) parts.push(`--${boundary}`, 'Content-Type: text/html; charset=utf-8', '', extra.html);
  if (extra.attachmentName)
    parts.push(
      `--${boundary}`,
      `Content-Type: text/html; name="${extra.attachmentName}"`,
      `Content-Disposition: attachment; filename="${extra.attachmentName}"`,
      '',
      '<script>alert(1)</script>',
    );
  parts.push(`--${boundary}--`, '');
  return Buffer.from(parts.join('\r\n'));
};

describe('web workspace (in-process)', () => {
  test('nothing is served before signing in: pages redirect to the sign-in page, forms are refused', async () => {
    const t = setup();
    const r = await intakeMessage(t.intake, {
      raw: complaint('Loonstrook', { attachmentName: 'x.html' }),
      source: 'file',
    });
    const b = await browser(t.app);
    for (const url of ['/', '/cases', `/cases/${r.caseNumber}`, `/cases/${r.caseNumber}/attachments/1`, '/reports']) {
      const res = await b.get(url);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/(cases|login\?next=)/);
      expect(res.body).not.toContain('Loonstrook');
    }
    const post = await b.post(`/cases/${r.caseNumber}/contact`, { note: 'x' });
    expect(post.statusCode).toBe(401);
    expect(t.db.prepare(`SELECT contact_at FROM cases`).pluck().get()).toBeNull();
  });

  test('sign-in by a mailed single-use link; unknown addresses get the same answer and no mail', async () => {
    const t = setup();
    const b = await browser(t.app);
    const login = await b.get('/login');
    expect(login.statusCode).toBe(200);
    const unknown = await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: 'nobody@studijob.test' });
    const known = await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: 'Anna@StudiJob.test' });
    expect(unknown.statusCode).toBe(200);
    expect(known.body).toBe(unknown.body);
    const rows = t.db.prepare(`SELECT to_json, kind, status FROM outbox`).all() as Array<Record<string, string>>;
    expect(rows).toEqual([{ to_json: '["anna@studijob.test"]', kind: 'sign-in', status: 'pending' }]);
    expect(t.dispatched).toHaveLength(1);
    // The database keeps only the token's hash.
    const link = linkIn(t.db, 'anna@studijob.test');
    const token = link.split('/').pop()!;
    expect(JSON.stringify(t.db.prepare(`SELECT * FROM login_links`).all())).not.toContain(token);

    const confirm = await b.get(link);
    expect(confirm.body).toContain(`action="/login/${token}"`);
    // Without the form's token the link is not used up.
    expect((await b.post(link, {})).statusCode).toBe(403);
    const ok = await b.post(link, { _csrf: hidden(confirm.body, '_csrf'), next: '/cases' });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/cases');
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/__Host-kb_session=[A-Za-z0-9_-]{40,}/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/Secure/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const list = await b.get('/cases');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Anna de Vries');

    // Single use: a second browser with the same link gets nothing.
    const other = await browser(t.app);
    const again = await other.get(link);
    expect(again.statusCode).toBe(410);
  });

  test('a link expires; a next path to another site is ignored', async () => {
    const t = setup();
    const b = await browser(t.app);
    const login = await b.get('/login?next=//evil.test/x');
    expect(hidden(login.body, 'next')).toBe('/cases');
    await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: 'anna@studijob.test' });
    const link = linkIn(t.db, 'anna@studijob.test');
    t.setNow('2026-11-30T09:16:00Z'); // loginLinkMinutes 15
    expect((await b.get(link)).statusCode).toBe(410);
  });

  test('sign-in links are limited per address, with the same answer (the page does not tell who is staff)', async () => {
    const t = setup();
    const b = await browser(t.app);
    const login = await b.get('/login');
    const answers = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: 'anna@studijob.test' });
      answers.add(`${res.statusCode} ${res.body}`);
    }
    expect(answers.size).toBe(1);
    expect([...answers][0]).toMatch(/^200 /);
    expect(t.db.prepare(`SELECT COUNT(*) FROM outbox WHERE kind = 'sign-in'`).pluck().get()).toBe(3);
    t.setNow('2026-11-30T09:16:00Z');
    expect(
      (await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: 'anna@studijob.test' })).statusCode,
    ).toBe(200);
  });

  test('without a way to send mail the sign-in page says so, for every address alike', async () => {
    const t = setup(undefined, { noMail: true });
    const b = await browser(t.app);
    const login = await b.get('/login');
    expect(login.body).toContain('Klachtenbus kan geen e-mail versturen');
    const staff = await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: 'anna@studijob.test' });
    const stranger = await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: 'nobody@studijob.test' });
    expect(staff.statusCode).toBe(503);
    expect(stranger.statusCode).toBe(503);
    expect(staff.body.replace('anna@studijob.test', 'X')).toBe(stranger.body.replace('nobody@studijob.test', 'X'));
    expect(t.db.prepare(`SELECT COUNT(*) FROM login_links`).pluck().get()).toBe(0);
  });

  test('one client asking too often is refused (429), whatever the addresses', async () => {
    const t = setup();
    const b = await browser(t.app);
    const login = await b.get('/login');
    const statuses: number[] = [];
    // loginRequestsPer15Minutes is 3 here: a client IP may ask 4 × 3 = 12 times.
    for (let i = 0; i < 13; i++)
      statuses.push(
        (await b.post('/login', { _csrf: hidden(login.body, '_csrf'), email: `x${i}@klant.test` })).statusCode,
      );
    expect(statuses).toEqual([...Array(12).fill(200), 429]);
  });

  test('forms need the CSRF token; a change is audited with the person and refreshes the reminders', async () => {
    const t = setup();
    const r = await intakeMessage(t.intake, { raw: complaint('Loonstrook week 46'), source: 'file' });
    const b = await browser(t.app);
    await signIn(b, t.db, 'anna@studijob.test', `/cases/${r.caseNumber}`);
    const page = await b.get(`/cases/${r.caseNumber}`);
    expect(page.statusCode).toBe(200);
    const refused = await b.post(`/cases/${r.caseNumber}/contact`, { note: 'gebeld' });
    expect(refused.statusCode).toBe(403);
    const wrong = await b.post(`/cases/${r.caseNumber}/contact`, { _csrf: 'x'.repeat(43), note: 'gebeld' });
    expect(wrong.statusCode).toBe(403);
    expect(t.db.prepare(`SELECT contact_at FROM cases`).pluck().get()).toBeNull();

    const ok = await b.post(`/cases/${r.caseNumber}/contact`, { _csrf: hidden(page.body, '_csrf'), note: 'gebeld' });
    expect(ok.statusCode).toBe(303);
    const row = t.db.prepare(`SELECT contact_at, contact_by FROM cases`).get() as Record<string, string>;
    expect(row).toEqual({ contact_at: '2026-11-30T09:00:00.000Z', contact_by: 'Anna de Vries' });
    const ev = t.db.prepare(`SELECT actor, data_json FROM events WHERE type = 'milestone.contact'`).get();
    expect(ev).toEqual({ actor: 'Anna de Vries', data_json: '{"note":"gebeld"}' });
    expect(t.refreshed).toEqual([r.caseId]);

    // A field set from the handling form: only what changed is recorded.
    const page2 = await b.get(`/cases/${r.caseNumber}`);
    const csrf = hidden(page2.body, '_csrf');
    await b.post(`/cases/${r.caseNumber}/fields`, {
      _csrf: csrf,
      cause: 'Verwerking loonstroken liep achter',
      customerName: 'Bouwbedrijf De Vries',
    });
    const fieldEvents = t.db.prepare(`SELECT data_json FROM events WHERE type = 'case.field-set'`).pluck().all();
    expect(fieldEvents.map((d) => JSON.parse(d as string).field).sort()).toEqual(['cause', 'customerName']);
  });

  test('a handler is refused what only managers may do; a manager may', async () => {
    const t = setup();
    const r = await intakeMessage(t.intake, { raw: complaint('Factuur'), source: 'file' });
    const anna = await browser(t.app);
    await signIn(anna, t.db, 'anna@studijob.test');
    const page = await anna.get(`/cases/${r.caseNumber}`);
    expect(page.body).not.toContain(`/cases/${r.caseNumber}/assign`);
    const denied = await anna.post(`/cases/${r.caseNumber}/assign`, {
      _csrf: hidden(page.body, '_csrf'),
      handler: 'Anna de Vries',
    });
    expect(denied.statusCode).toBe(403);
    expect(t.db.prepare(`SELECT handler FROM cases`).pluck().get()).toBeNull();
    expect((await anna.get('/reports')).statusCode).toBe(403);

    const debby = await browser(t.app);
    await signIn(debby, t.db, 'debby@studijob.test');
    const p2 = await debby.get(`/cases/${r.caseNumber}`);
    const ok = await debby.post(`/cases/${r.caseNumber}/assign`, {
      _csrf: hidden(p2.body, '_csrf'),
      handler: 'Anna de Vries',
    });
    expect(ok.statusCode).toBe(303);
    expect(t.db.prepare(`SELECT handler FROM cases`).pluck().get()).toBe('Anna de Vries');
    expect((await debby.get('/reports')).statusCode).toBe(200);
    const report = await debby.get('/reports/view?quarter=2026-Q4');
    expect(report.statusCode).toBe(200);
    expect(report.body).toContain('<svg');
    const csv = await debby.get('/reports/register?from=2026-11-01&to=2026-11-30&format=csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    expect(csv.body).toContain(r.caseNumber!);
    const xlsx = await debby.get('/reports/register?from=2026-11-01&to=2026-11-30&format=xlsx');
    expect(xlsx.bytes.subarray(0, 2).toString()).toBe('PK');
  });

  test('customer HTML is shown without script, handlers or remote images; attachments download safely', async () => {
    const t = setup();
    const r = await intakeMessage(t.intake, {
      raw: complaint('Gevaarlijk', {
        html: '<p onmouseover="steal()">Hallo<script>document.title="pwned"</script><img src="http://tracker.test/p.gif" alt="logo"><a href="javascript:alert(1)">klik</a><iframe src="https://evil.test"></iframe></p>',
        attachmentName: '../../etc/passwd',
      }),
      source: 'file',
    });
    const b = await browser(t.app);
    await signIn(b, t.db, 'anna@studijob.test');
    const page = await b.get(`/cases/${r.caseNumber}`);
    expect(page.body).toContain('Hallo');
    expect(page.body).toContain('[logo]');
    // The text version may name the addresses (as escaped text); nothing in the markup loads or runs them.
    expect(page.body).not.toMatch(/<img[^>]*tracker\.test/);
    expect(page.body).not.toMatch(/src="https?:/);
    expect(page.body).not.toContain('document.title=');
    expect(page.body).not.toMatch(/onmouseover=/i);
    expect(page.body).not.toMatch(/href="javascript:/i);
    expect(page.body).not.toMatch(/<iframe/i);
    expect(page.body.match(/<script>/g)).toHaveLength(1);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'sha256-[^']+'(;|$)/);
    expect(page.headers['content-security-policy']).toContain("img-src 'self' data:");
    const href = /href="(\/cases\/[^"]+\/attachments\/\d+)"/.exec(page.body)![1]!;
    const dl = await b.get(href);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('application/octet-stream');
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="passwd"/);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.body).toBe('<script>alert(1)</script>');
    // Another case's attachment id is not reachable through this case.
    expect((await b.get(href.replace(/\/\d+$/, '/999'))).statusCode).toBe(404);
  });

  test('the case list filters overdue and searches subject, complainant and text', async () => {
    const t = setup('2026-11-24T09:30:00Z');
    const a = await intakeMessage(t.intake, { raw: complaint('Loonstrook ontbreekt'), source: 'file' });
    t.setNow('2026-11-27T10:00:00Z');
    const c = await intakeMessage(t.intake, {
      raw: complaint('Factuur te hoog', { date: 'Fri, 27 Nov 2026 10:00:00 +0100' }),
      source: 'file',
    });
    const b = await browser(t.app);
    await signIn(b, t.db, 'debby@studijob.test');
    const all = await b.get('/cases');
    expect(all.body).toContain(a.caseNumber!);
    expect(all.body).toContain(c.caseNumber!);
    expect(all.body).toMatch(/1 met verstreken termijn/);
    const overdue = await b.get('/cases?overdue=1');
    expect(overdue.body).toContain(a.caseNumber!);
    expect(overdue.body).not.toContain(`>${c.caseNumber}<`);
    const search = await b.get('/cases?q=factuur');
    expect(search.body).toContain(c.caseNumber!);
    expect(search.body).not.toContain(`>${a.caseNumber}<`);
    const text = await b.get('/cases?q=week+46&status=all');
    expect(text.body).toContain(a.caseNumber!);
    // Tuesday 1 December 09:00: the second case's contact is due at 10:00 today.
    t.setNow('2026-12-01T08:00:00Z');
    expect((await b.get('/cases')).statusCode).toBe(303); // the session of four days ago has expired
    await signIn(b, t.db, 'debby@studijob.test');
    const today = await b.get('/cases?today=1');
    expect(today.body).toMatch(/1 vandaag te doen/);
    expect(today.body).toContain(`>${c.caseNumber}<`);
    expect(today.body).not.toContain(`>${a.caseNumber}<`);
  });

  test('signing out ends the session', async () => {
    const t = setup();
    const b = await browser(t.app);
    await signIn(b, t.db, 'anna@studijob.test');
    const list = await b.get('/cases');
    const cookie = [...b.jar].find(([k]) => k.includes('kb_session'))!;
    const out = await b.post('/logout', { _csrf: hidden(list.body, '_csrf') });
    expect(out.statusCode).toBe(200);
    const replay = await browser(t.app);
    replay.jar.set(cookie[0], cookie[1]);
    expect((await replay.get('/cases')).statusCode).toBe(303);
  });
});

describe('web workspace language', () => {
  test('Dutch first; English for a browser that asks for it, and by the switch in the page', async () => {
    const t = setup();
    const b = await browser(t.app);
    const nl = await b.get('/login');
    expect(nl.body).toContain('<html lang="nl">');
    const en = await b.req('GET', '/login', undefined, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(en.body).toContain('<html lang="en">');
    expect(en.body).toContain('Send me a sign-in link');

    await signIn(b, t.db, 'anna@studijob.test');
    const list = await b.get('/cases');
    expect(list.body).toContain('Klachten');
    const switched = await b.post('/language', { _csrf: hidden(list.body, '_csrf'), locale: 'en', back: '/cases' });
    expect(switched.statusCode).toBe(303);
    const english = await b.get('/cases');
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Complaints');
  });
});

describe('every form of the procedure', () => {
  test('note, discussion, promised date, escalation, closing (refused, then done) and reopening', async () => {
    const t = setup();
    const r = await intakeMessage(t.intake, { raw: complaint('Uren verkeerd'), source: 'file' });
    const n = r.caseNumber!;
    const b = await browser(t.app);
    await signIn(b, t.db, 'debby@studijob.test');
    const csrf = hidden((await b.get(`/cases/${n}`)).body, '_csrf');
    const post = async (action: string, form: Record<string, string>) =>
      (await b.post(`/cases/${n}/${action}`, { _csrf: csrf, ...form })).statusCode;

    expect(await post('note', { text: 'Klant belde terug.' })).toBe(303);
    expect(await post('contact', { note: 'gebeld' })).toBe(303);
    const twice = await b.post(`/cases/${n}/contact`, { _csrf: csrf, note: 'nog eens' });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('Het contact is al vastgelegd op 30 november 2026 om 10:00.');
    expect(await post('discussed', { with: 'Piet (planner)', at: '2026-11-30T08:00', note: 'Uren nagelopen' })).toBe(
      303,
    );
    expect(await post('feedback', { kind: 'expected', expected: '2026-12-04' })).toBe(303);
    // The timeline shows the discussion's time in Amsterdam, not as stored.
    const timeline = (await b.get(`/cases/${n}`)).body;
    expect(timeline).toContain('ma 30 nov 2026 08:00');
    expect(timeline).not.toContain('2026-11-30T07:00:00.000Z');
    const before = t.dispatched.length;
    expect(await post('escalate', { note: 'Klant wil de directie spreken.' })).toBe(303);
    expect(t.dispatched.length).toBe(before + 1);
    const esc = t.db.prepare(`SELECT to_json, body_text FROM outbox WHERE kind = 'customer-escalation'`).get() as {
      to_json: string;
      body_text: string;
    };
    expect(JSON.parse(esc.to_json)).toEqual(['debby@studijob.nl', 'mariska@studijob.nl']);
    expect(esc.body_text).toContain(`https://klachten.studijob.test/cases/${n}`);

    // StudiJob asks for the solution, cause, measures and internal communication: all named, in Dutch.
    const refused = await b.post(`/cases/${n}/close`, { _csrf: csrf, satisfied: 'no' });
    expect(refused.statusCode).toBe(400);
    for (const words of ['de oplossing', 'de oorzaak', 'de maatregelen', 'de interne communicatie'])
      expect(refused.body).toContain(words);
    expect(t.db.prepare(`SELECT status FROM cases`).pluck().get()).toBe('open');

    expect(await post('feedback', { kind: 'solution', solution: 'Uren gecorrigeerd en nabetaald.' })).toBe(303);
    expect(
      await post('fields', {
        cause: 'Verkeerde week ingevoerd',
        preventiveMeasures: 'Controle door tweede planner',
        internalCommunication: 'Werkoverleg',
        internalCommunicationAt: '2026-11-30T09:00',
      }),
    ).toBe(303);
    expect(await post('close', { satisfied: 'no' })).toBe(303);
    expect(await post('reopen', { reason: 'Klant belde opnieuw' })).toBe(303);

    const row = t.db
      .prepare(
        `SELECT status, discussed_with, solution_due_at, solution, internal_communication_at, satisfaction FROM cases`,
      )
      .get();
    expect(row).toEqual({
      status: 'open',
      discussed_with: 'Piet (planner)',
      solution_due_at: '2026-12-04T16:00:00.000Z', // a bare date means 17:00 in Amsterdam
      solution: 'Uren gecorrigeerd en nabetaald.',
      internal_communication_at: '2026-11-30T08:00:00.000Z',
      satisfaction: 'not-satisfied',
    });
    const types = t.db.prepare(`SELECT type, actor FROM events WHERE actor = 'Debby Kooiman' ORDER BY id`).all();
    expect(types.map((e) => (e as { type: string }).type)).toEqual([
      'case.note',
      'milestone.contact',
      'milestone.discussed',
      'milestone.feedback',
      'case.escalated',
      'milestone.feedback',
      'case.field-set',
      'case.field-set',
      'case.field-set',
      'case.field-set',
      'case.closed',
      'case.reopened',
    ]);
  });
});
