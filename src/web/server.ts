import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { Database } from 'better-sqlite3';
import { DateTime } from 'luxon';
import type { Logger } from '../adapters/logger.js';
import type { ContentStore } from '../adapters/files.js';
import type { Config } from '../config/schema.js';
import { may, safeReturnPath, type WebAction } from '../domain/webAccess.js';
import { KlachtenbusError } from '../errors.js';
import type { OutgoingDeps } from '../usecases/queueCaseMail.js';
import {
  csrfMatches,
  endSession,
  openSession,
  redeemSignInLink,
  requestSignInLink,
  sessionFor,
  setSessionLocale,
  signInLinkValid,
  type StaffMember,
  type WebSession,
} from '../usecases/webSignIn.js';
import { STRINGS, format, type WebLocale } from './i18n.js';
import { loadViews, type Views } from './views.js';
import { RateLimiter } from './rateLimit.js';
import { registerCaseRoutes } from './caseRoutes.js';
import { registerReportRoutes } from './reportRoutes.js';

export const WEB_TEMPLATES = fileURLToPath(new URL('../../templates/web/', import.meta.url));

/** What the web workspace needs; the worker passes in its own database, clock and runners. */
export interface WebDeps {
  config: Config;
  db: Database;
  now: () => Date;
  log: Logger;
  /** Absent when no mail can be sent (then nobody can sign in: the page says so). */
  outgoing: OutgoingDeps | undefined;
  /** Hands queued outbox rows to the sender. */
  dispatch(outboxIds: number[]): void;
  /** Brings a case's reminder jobs in line after a change. */
  refreshCase(caseId: number): Promise<void>;
  attachments: ContentStore;
  /** The address links point to (config web.baseUrl, or where this server listens). */
  baseUrl: string;
}

/** The signed-in staff member of a request. */
export interface Staff extends StaffMember {
  session: WebSession;
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    staff: Staff | null;
    locale: WebLocale;
  }
}

export interface WebContext {
  deps: WebDeps;
  views: Views;
  /** Renders a page for the request's staff member (layout with their name, role, CSRF token). */
  page(
    req: FastifyRequest,
    reply: FastifyReply,
    name: string,
    data: Record<string, unknown>,
    status?: number,
  ): FastifyReply;
  /** Refuses with a page when the signed-in member's role may not do `action`; returns whether allowed. */
  allow(req: FastifyRequest, reply: FastifyReply, action: WebAction): boolean;
  /** Checks the form's CSRF token; refuses with 403 when it is missing or wrong. */
  csrfOk(req: FastifyRequest, reply: FastifyReply): boolean;
  today(): { start: Date; end: Date };
}

const SESSION = 'kb_session';
const PRE_CSRF = 'kb_presession';

function secureCookies(config: Config, baseUrl: string): boolean {
  if (config.web.secureCookies !== 'auto') return config.web.secureCookies === 'always';
  return baseUrl.startsWith('https://');
}

/** Builds the Fastify app of the web workspace (not listening yet). */
export async function buildWebApp(deps: WebDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const views = loadViews(WEB_TEMPLATES, config.calendar.timezone);
  const csp = config.web.remoteImages
    ? views.csp.replace("img-src 'self' data:", "img-src 'self' data: https:")
    : views.csp;
  const secure = secureCookies(config, deps.baseUrl);
  const cookieName = secure ? `__Host-${SESSION}` : SESSION;
  const preCookieName = secure ? `__Host-${PRE_CSRF}` : PRE_CSRF;
  const staff: StaffMember[] = config.staff.members.map((m) => ({ name: m.name, email: m.email, role: m.role }));
  const perIp = new RateLimiter(config.web.loginRequestsPer15Minutes * 4, 15 * 60_000);

  const app = Fastify({
    logger: false,
    trustProxy: config.web.trustProxy,
    bodyLimit: 256 * 1024,
    // Case numbers and tokens only; anything longer is not ours.
    routerOptions: { maxParamLength: 200 },
  });
  await app.register(cookie);
  await app.register(formbody);
  app.decorateRequest('staff', null);
  app.decorateRequest('locale', 'nl');

  app.addHook('onRequest', async (req, reply) => {
    reply.header('Content-Security-Policy', csp);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cache-Control', 'no-store');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    const id = req.cookies[cookieName];
    const session = sessionFor(db, id, deps.now());
    const member = session && staff.find((m) => m.email === session.email);
    // A member removed from the configuration is signed out at once.
    if (session && member && id) {
      req.staff = { ...member, session, sessionId: id };
      req.locale = session.locale;
    } else {
      const lang = req.headers['accept-language'] ?? '';
      req.locale = /^en\b/i.test(lang) ? 'en' : 'nl';
    }
    const publicPath = /^\/login(\/[^/]*)?$/.test(req.url.split('?')[0]!);
    if (!req.staff && !publicPath) {
      if (req.method === 'GET' || req.method === 'HEAD') {
        return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      }
      return reply.code(401).type('text/plain; charset=utf-8').send('sign in first');
    }
  });

  const ctx: WebContext = {
    deps,
    views,
    page(req, reply, name, data, status = 200) {
      const html = views.render(name, req.locale, {
        ...data,
        staff: req.staff ? { name: req.staff.name, email: req.staff.email, role: req.staff.role } : null,
        csrf: req.staff?.session.csrf ?? null,
        canReports: req.staff ? may(req.staff.role, 'reports') : false,
        organisationName: config.organisation.name,
        path: req.url,
      });
      return reply.code(status).type('text/html; charset=utf-8').send(html);
    },
    allow(req, reply, action) {
      if (req.staff && may(req.staff.role, action)) return true;
      const s = STRINGS[req.locale];
      ctx.page(
        req,
        reply,
        'message',
        { title: s.badRequest, message: format(s.notAllowed, { role: s.roles[req.staff?.role ?? 'handler'] }) },
        403,
      );
      return false;
    },
    csrfOk(req, reply) {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const expected = req.staff?.session.csrf;
      if (expected && csrfMatches(expected, body._csrf)) return true;
      const s = STRINGS[req.locale];
      ctx.page(req, reply, 'message', { title: s.badRequest, message: s.csrf }, 403);
      return false;
    },
    today() {
      const d = DateTime.fromJSDate(deps.now(), { zone: config.calendar.timezone }).startOf('day');
      return { start: d.toJSDate(), end: d.plus({ days: 1 }).toJSDate() };
    },
  };

  // --- Sign-in ---------------------------------------------------------------------------------
  const preCsrf = (req: FastifyRequest, reply: FastifyReply): string => {
    let token = req.cookies[preCookieName];
    if (!token || !/^[A-Za-z0-9_-]{20,60}$/.test(token)) {
      token = randomBytes(24).toString('base64url');
      reply.setCookie(preCookieName, token, { httpOnly: true, sameSite: 'strict', secure, path: '/' });
    }
    return token;
  };
  const preCsrfOk = (req: FastifyRequest, reply: FastifyReply): boolean => {
    const token = req.cookies[preCookieName];
    const given = ((req.body ?? {}) as Record<string, unknown>)._csrf;
    if (token && csrfMatches(token, given)) return true;
    const s = STRINGS[req.locale];
    ctx.page(req, reply, 'message', { title: s.badRequest, message: s.csrf }, 403);
    return false;
  };

  app.get('/login', async (req, reply) => {
    if (req.staff) return reply.redirect(safeReturnPath((req.query as Record<string, unknown>).next), 303);
    const next = safeReturnPath((req.query as Record<string, unknown>).next);
    return ctx.page(req, reply, 'login', { preCsrf: preCsrf(req, reply), next, canMail: Boolean(deps.outgoing) });
  });

  app.post('/login', async (req, reply) => {
    if (!preCsrfOk(req, reply)) return reply;
    const body = req.body as Record<string, unknown>;
    const s = STRINGS[req.locale];
    const next = safeReturnPath(body.next);
    const address = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    if (!perIp.take(req.ip)) {
      return ctx.page(
        req,
        reply,
        'login',
        { preCsrf: preCsrf(req, reply), next, error: s.tooMany, email: address },
        429,
      );
    }
    const r = requestSignInLink(
      db,
      deps.outgoing,
      staff,
      {
        baseUrl: deps.baseUrl,
        linkMinutes: config.web.loginLinkMinutes,
        maxLinksPer15Minutes: config.web.loginRequestsPer15Minutes,
      },
      address,
      deps.now(),
      next,
    );
    deps.log.info(
      { event: 'web.sign-in.requested', result: r.result, ip: req.ip },
      `sign-in link requested: ${r.result}`,
    );
    if (r.result === 'sent') deps.dispatch([r.outboxId]);
    if (r.result === 'no-mail')
      return ctx.page(req, reply, 'login', { preCsrf: preCsrf(req, reply), next, canMail: false, email: address }, 503);
    // The same answer whether or not the address is a staff member's, and whether or not that
    // address is over its limit (a different answer there would tell who is on the staff).
    return ctx.page(req, reply, 'message', {
      title: s.signIn,
      message: format(s.linkSent, { minutes: config.web.loginLinkMinutes }),
    });
  });

  // The mailed link shows a button instead of signing in at once: mail scanners that follow links
  // would otherwise use up the single-use link before the staff member clicks it.
  app.get('/login/:token', async (req, reply) => {
    const { token } = req.params as { token: string };
    const next = safeReturnPath((req.query as Record<string, unknown>).next);
    if (!signInLinkValid(db, token, deps.now())) {
      const s = STRINGS[req.locale];
      return ctx.page(req, reply, 'message', { title: s.signIn, message: s.linkInvalid, loginLink: true }, 410);
    }
    return ctx.page(req, reply, 'login-confirm', { preCsrf: preCsrf(req, reply), token, next });
  });

  app.post('/login/:token', async (req, reply) => {
    if (!preCsrfOk(req, reply)) return reply;
    const { token } = req.params as { token: string };
    const email = redeemSignInLink(db, token, deps.now());
    const member = email ? staff.find((m) => m.email === email) : undefined;
    if (!member) {
      const s = STRINGS[req.locale];
      return ctx.page(req, reply, 'message', { title: s.signIn, message: s.linkInvalid, loginLink: true }, 410);
    }
    const { id } = openSession(db, member.email, config.web.sessionHours, deps.now());
    reply.setCookie(cookieName, id, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: Math.round(config.web.sessionHours * 3600),
    });
    reply.clearCookie(preCookieName, { path: '/', secure });
    deps.log.info({ event: 'web.signed-in', who: member.email }, `${member.name} signed in`);
    return reply.redirect(safeReturnPath((req.body as Record<string, unknown>).next), 303);
  });

  app.post('/logout', async (req, reply) => {
    if (!ctx.csrfOk(req, reply)) return reply;
    endSession(db, req.staff!.sessionId, deps.now());
    reply.clearCookie(cookieName, { path: '/', secure });
    const s = STRINGS[req.locale];
    req.staff = null;
    return ctx.page(req, reply, 'message', { title: s.signOut, message: s.signedOut, loginLink: true });
  });

  app.post('/language', async (req, reply) => {
    if (!ctx.csrfOk(req, reply)) return reply;
    const body = req.body as Record<string, unknown>;
    const locale: WebLocale = body.locale === 'en' ? 'en' : 'nl';
    setSessionLocale(db, req.staff!.sessionId, locale);
    return reply.redirect(safeReturnPath(body.back), 303);
  });

  app.get('/', async (_req, reply) => reply.redirect('/cases', 303));

  registerCaseRoutes(app, ctx);
  registerReportRoutes(app, ctx);

  app.setNotFoundHandler((req, reply) => {
    const s = STRINGS[req.locale];
    return ctx.page(req, reply, 'message', { title: s.notFound, message: s.notFound }, 404);
  });
  app.setErrorHandler((err, req, reply) => {
    const s = STRINGS[req.locale];
    const status = (err as { statusCode?: number }).statusCode;
    if (err instanceof KlachtenbusError && err.code === 'CASE_NOT_FOUND')
      return ctx.page(req, reply, 'message', { title: s.notFound, message: err.message }, 404);
    if (status && status >= 400 && status < 500)
      return ctx.page(req, reply, 'message', { title: s.badRequest, message: (err as Error).message }, status);
    deps.log.error({ event: 'web.error', err: String(err), url: req.url }, 'web request failed');
    return ctx.page(req, reply, 'message', { title: s.badRequest, message: 'internal error' }, 500);
  });
  return app;
}

/** The web workspace, listening. */
export async function startWebServer(deps: WebDeps): Promise<{ url: string; close(): Promise<void> }> {
  const app = await buildWebApp(deps);
  await app.listen({ host: deps.config.web.host, port: deps.config.web.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : deps.config.web.port;
  const host = deps.config.web.host.includes(':') ? `[${deps.config.web.host}]` : deps.config.web.host;
  const url = `http://${host}:${port}`;
  // Port 0 (any free port) and no web.baseUrl: sign-in links point to where we listen.
  if (!deps.config.web.baseUrl && deps.config.web.port === 0) deps.baseUrl = url;
  return { url, close: () => app.close() };
}
