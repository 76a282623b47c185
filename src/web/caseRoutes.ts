import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import {
  caseAttachment,
  caseMessages,
  handlersInUse,
  searchCases,
  type CaseSearch,
} from '../adapters/sqlite/caseSearch.js';
import { getCaseByNumber } from '../adapters/sqlite/cases.js';
import { permissionsOf } from '../domain/webAccess.js';
import { KlachtenbusError } from '../errors.js';
import { showCase } from '../usecases/caseViews.js';
import { addNote, closeCase, reopenCase, unmetRequirements } from '../usecases/closeCase.js';
import { escalateForCustomer } from '../usecases/escalateForCustomer.js';
import { assignHandler, recordContact, recordDiscussion, recordFeedback } from '../usecases/recordMilestone.js';
import { SETTABLE_FIELDS, setCaseFields, type SettableField } from '../usecases/setCaseFields.js';
import { format, STRINGS, type WebLocale } from './i18n.js';
import { sanitiseMailHtml } from './mailHtml.js';
import { shortDateTime } from './views.js';
import { localiseError } from './errors.js';
import type { WebContext } from './server.js';

type Form = Record<string, string | undefined>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** A local date or date-time from a form (`2026-11-24` or `2026-11-24T10:00`), in the configured zone. */
function formInstant(value: string | undefined, zone: string, what: string): Date {
  const text = (value ?? '').trim();
  const d = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? DateTime.fromISO(`${text}T17:00`, { zone })
    : DateTime.fromISO(text, { zone });
  if (!text || !d.isValid) throw new KlachtenbusError('INPUT_INVALID', `${what}: not a date`);
  return d.toJSDate();
}

/** An event's value as a person reads it: times in the configured zone, lists as lists. */
function shown(v: unknown, zone: string, locale: WebLocale): string {
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v) ? shortDateTime(v, zone, locale) : v;
  if (Array.isArray(v)) return v.map((x) => shown(x, zone, locale)).join(', ');
  return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

/** The fields the handling form offers, registration first, in the procedures' words. */
const FORM_FIELDS: SettableField[] = [
  'complainantType',
  'complainantName',
  'complainantEmail',
  'customerName',
  'subject',
  'description',
  'peopleInvolved',
  'category',
  'controlMeasures',
  'cause',
  'structuralSolution',
  'preventiveMeasures',
  'internalCommunication',
  'internalCommunicationAt',
];

export function registerCaseRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { deps } = ctx;
  const { config, db } = deps;
  const zone = config.calendar.timezone;

  app.get('/cases', async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const filter: CaseSearch = {
      status: (['open', 'closed', 'all'] as const).find((x) => x === q.status) ?? 'open',
      overdue: q.overdue === '1',
      dueToday: q.today === '1',
      handler: str(q.handler) || undefined,
      complainantType: (['client', 'temp-worker', 'other', 'unknown'] as const).find((x) => x === q.type),
      category: str(q.category) || undefined,
      query: str(q.q)?.slice(0, 200) || undefined,
      sort: (['deadline', 'received', 'received-desc'] as const).find((x) => x === q.sort) ?? 'deadline',
      page: Number(q.page) || 1,
    };
    const result = searchCases(db, filter, deps.now(), ctx.today());
    const params = (page: number) => {
      const u = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (typeof v === 'string' && v && k !== 'page') u.set(k, v);
      u.set('page', String(page));
      return `/cases?${u.toString()}`;
    };
    return ctx.page(req, reply, 'cases', {
      title: STRINGS[req.locale].cases,
      filter: { ...filter, q: filter.query ?? '', handler: filter.handler ?? '', category: filter.category ?? '' },
      result,
      handlers: [...new Set([...config.staff.members.map((m) => m.name), ...handlersInUse(db)])],
      categories: config.cases.categories,
      prevUrl: result.page > 1 ? params(result.page - 1) : null,
      nextUrl: result.page < result.pages ? params(result.page + 1) : null,
    });
  });

  /** The case page, with an error message or a confirmation when a form was just sent. */
  const casePage = (
    req: FastifyRequest,
    reply: FastifyReply,
    number: string,
    extra: Record<string, unknown> = {},
    status = 200,
  ) => {
    const now = deps.now();
    const view = showCase(db, number, now);
    const row = getCaseByNumber(db, number)!;
    const s = STRINGS[req.locale];
    const deadlines = (['contact', 'feedback', 'solution'] as const)
      .map((m) => {
        const due = view.deadlines[m];
        const done = view.milestones[m]?.at ?? null;
        if (!due && !done) return null;
        const state = done
          ? due && done > due
            ? 'doneLate'
            : 'done'
          : view.status === 'open' && due && new Date(due) < now
            ? 'late'
            : 'pending';
        return { milestone: m, label: s[m], due, done, state, by: m === 'solution' ? null : view.milestones[m]?.by };
      })
      .filter(Boolean);
    const messages = caseMessages(db, row.id).map((m) => ({
      ...m,
      safeHtml: m.html ? sanitiseMailHtml(m.html, { remoteImages: config.web.remoteImages }) : null,
    }));
    const timeline = [
      ...view.timeline.map((e) => ({
        at: e.at,
        actor: e.actor,
        label: s.events[e.type] ?? e.type,
        details: Object.entries(e.data)
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .map(([k, v]) => ({ key: k, value: shown(v, zone, req.locale) })),
      })),
      ...view.outgoing.map((o) => ({
        at: o.sentAt ?? o.createdAt,
        actor: 'Klachtenbus',
        label: `${s.mailOut}: ${o.kind}`,
        details: [
          { key: s.to, value: o.to.join(', ') },
          { key: s.subject, value: o.subject },
          { key: s.status, value: o.status },
        ],
      })),
    ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    const perms = permissionsOf(req.staff!.role);
    const contacts = config.procedures[view.procedure]?.escalationContacts ?? [];
    return ctx.page(
      req,
      reply,
      'case',
      {
        title: `${view.number} ${view.subject}`,
        c: view,
        row,
        deadlines,
        messages,
        timeline,
        perms,
        isOpen: view.status === 'open',
        canContact: perms.handle && view.status === 'open' && !view.milestones.contact,
        canFeedback: perms.handle && view.status === 'open' && !view.milestones.solution,
        canEscalate: perms.escalate && Boolean(deps.outgoing) && contacts.length > 0,
        contacts,
        staffNames: config.staff.members.map((m) => m.name),
        categories: config.cases.categories,
        types: ['client', 'temp-worker', 'other', 'unknown'],
        fields: FORM_FIELDS.map((f) => ({
          name: f,
          label: s[f as keyof typeof s] as string,
          value: f === 'internalCommunicationAt' ? row.internalCommunicationAt : (row[f as keyof typeof row] ?? ''),
          long: [
            'description',
            'peopleInvolved',
            'controlMeasures',
            'cause',
            'structuralSolution',
            'preventiveMeasures',
            'internalCommunication',
          ].includes(f),
          select: f === 'complainantType' ? 'types' : f === 'category' ? 'categories' : null,
          datetime: f === 'internalCommunicationAt',
        })),
        ...extra,
      },
      status,
    );
  };

  app.get('/cases/:number', async (req, reply) => {
    const { number } = req.params as { number: string };
    const saved = (req.query as Record<string, unknown>).saved;
    return casePage(req, reply, number, saved ? { notice: STRINGS[req.locale].changed } : {});
  });

  app.get('/cases/:number/attachments/:id', async (req, reply) => {
    const { number, id } = req.params as { number: string; id: string };
    const c = getCaseByNumber(db, number);
    const a = c && /^\d+$/.test(id) ? caseAttachment(db, c.id, Number(id)) : null;
    if (!a || !a.sha256) throw new KlachtenbusError('CASE_NOT_FOUND', 'no such attachment');
    const body = deps.attachments.get(a.sha256);
    // Always a download, never rendered by the browser in our origin, whatever its declared type.
    const ascii = a.filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header(
        'Content-Disposition',
        `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.filename)}`,
      )
      .header('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(body);
  });

  /** One form: checks the token and the role, runs the change, and shows the case again. */
  const action = (
    name: string,
    need: 'handle' | 'close' | 'escalate' | 'assign' | 'reopen',
    run: (number: string, form: Form, actor: string, now: Date, locale: WebLocale) => number | void,
  ) =>
    app.post(`/cases/:number/${name}`, async (req, reply) => {
      if (!ctx.csrfOk(req, reply)) return reply;
      if (!ctx.allow(req, reply, need)) return reply;
      const { number } = req.params as { number: string };
      const form = req.body as Form;
      try {
        const before = getCaseByNumber(db, number);
        if (!before) throw new KlachtenbusError('CASE_NOT_FOUND', `no case ${number}`);
        const outboxId = run(before.number, form, req.staff!.name, deps.now(), req.locale);
        if (typeof outboxId === 'number') deps.dispatch([outboxId]);
        await deps.refreshCase(before.id);
        deps.log.info(
          { event: `web.case.${name}`, case: before.number, who: req.staff!.email },
          `${req.staff!.name}: ${name} on ${before.number}`,
        );
        return reply.redirect(`/cases/${encodeURIComponent(before.number)}?saved=${name}#${name}`, 303);
      } catch (err) {
        if (err instanceof KlachtenbusError && err.code === 'INPUT_INVALID') {
          const message = localiseError(err.message, req.locale, zone);
          return casePage(req, reply, number, { error: message, errorFor: name }, 400);
        }
        throw err;
      }
    });

  action('contact', 'handle', (number, f, actor, now) => {
    recordContact(db, number, actor, f.note?.trim() || null, now);
  });
  action('feedback', 'handle', (number, f, actor, now) => {
    if (f.kind === 'expected')
      recordFeedback(db, number, actor, { expected: formInstant(f.expected, zone, 'expected date') }, now);
    else recordFeedback(db, number, actor, { solution: f.solution ?? '' }, now);
  });
  action('fields', 'handle', (number, f, actor, now) => {
    const fields: Partial<Record<SettableField, string>> = {};
    for (const name of FORM_FIELDS) {
      const v = f[name];
      if (v === undefined || !(name in SETTABLE_FIELDS)) continue;
      fields[name] = name === 'internalCommunicationAt' && v.trim() ? formInstant(v, zone, name).toISOString() : v;
    }
    // Only what differs from the case is a change (the form sends every field).
    const c = getCaseByNumber(db, number)!;
    for (const [k, v] of Object.entries(fields)) {
      const current = (c as unknown as Record<string, unknown>)[k] ?? '';
      if (String(current) === v) delete fields[k as SettableField];
    }
    if (Object.keys(fields).length)
      setCaseFields(db, number, fields, actor, now, { categories: config.cases.categories });
  });
  action('discussed', 'handle', (number, f, actor, now) => {
    const at = f.at?.trim() ? formInstant(f.at, zone, 'at') : now;
    recordDiscussion(db, number, { employee: f.with ?? '', at, note: f.note?.trim() || null }, actor, now);
  });
  action('note', 'handle', (number, f, actor, now) => {
    addNote(db, number, actor, f.text ?? '', now);
  });
  action('assign', 'assign', (number, f, actor, now) => {
    assignHandler(db, number, f.handler ?? '', actor, now);
  });
  action('close', 'close', (number, f, actor, now, locale) => {
    // Said in the page's language, before the use case says it in the CLI's.
    const c = getCaseByNumber(db, number)!;
    const unmet =
      c.status === 'open' ? unmetRequirements(c, config.procedures[c.procedure]?.closeRequires ?? ['solution']) : [];
    if (unmet.length) {
      const s = STRINGS[locale];
      throw new KlachtenbusError(
        'INPUT_INVALID',
        [format(s.cannotClose, { procedure: c.procedure }), ...unmet.map((r) => `- ${s.requirements[r] ?? r}`)].join(
          '\n',
        ),
      );
    }
    const satisfaction = f.satisfied === 'yes' ? 'satisfied' : f.satisfied === 'no' ? 'not-satisfied' : 'unknown';
    closeCase(db, number, actor, satisfaction, (p) => config.procedures[p]?.closeRequires ?? ['solution'], now);
  });
  action('reopen', 'reopen', (number, f, actor, now) => {
    reopenCase(db, number, actor, f.reason?.trim() || null, now);
  });
  action('escalate', 'escalate', (number, f, actor, now) => {
    if (!deps.outgoing) throw new KlachtenbusError('INPUT_INVALID', 'no mail can be sent (smtp.url, redis.url)');
    const c = getCaseByNumber(db, number)!;
    const contacts = config.procedures[c.procedure]?.escalationContacts ?? [];
    if (!contacts.length) throw new KlachtenbusError('INPUT_INVALID', 'the procedure names no escalation contacts');
    return escalateForCustomer(db, deps.outgoing, contacts, number, actor, f.note ?? '', now).outboxId;
  });
}
