import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { registerCsv } from '../adapters/export/registerCsv.js';
import { writeRegisterXlsx } from '../adapters/export/registerXlsx.js';
import { renderReportHtml } from '../adapters/report/renderHtml.js';
import { computeReport, parsePeriod } from '../domain/report.js';
import { KlachtenbusError } from '../errors.js';
import { registerRows } from '../usecases/registerRows.js';
import { STRINGS } from './i18n.js';
import type { WebContext } from './server.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The reports page: the quarterly report, the yearly analysis and the register download. */
export function registerReportRoutes(app: FastifyInstance, ctx: WebContext): void {
  const { config, db } = ctx.deps;
  const zone = config.calendar.timezone;

  app.get('/reports', async (req, reply) => {
    if (!ctx.allow(req, reply, 'reports')) return reply;
    const now = DateTime.fromJSDate(ctx.deps.now(), { zone });
    const quarters = Array.from({ length: 8 }, (_, i) => {
      const d = now.minus({ quarters: i });
      return `${d.year}-Q${d.quarter}`;
    });
    const years = Array.from({ length: 5 }, (_, i) => String(now.year - i));
    return ctx.page(req, reply, 'reports', {
      title: STRINGS[req.locale].reports,
      quarters,
      years,
      from: now.startOf('quarter').toISODate(),
      to: now.toISODate(),
    });
  });

  app.get('/reports/view', async (req, reply) => {
    if (!ctx.allow(req, reply, 'reports')) return reply;
    const q = req.query as Record<string, unknown>;
    let period;
    try {
      period = parsePeriod(
        typeof q.quarter === 'string' && q.quarter ? { quarter: q.quarter } : { year: String(q.year ?? '') },
        zone,
      );
    } catch (err) {
      throw Object.assign(new Error(err instanceof Error ? err.message : String(err)), { statusCode: 400 });
    }
    const now = ctx.deps.now();
    const data = computeReport(registerRows(db, period.from, period.to, now), period, now, { timezone: zone });
    const html = renderReportHtml(data, { organisationName: config.organisation.name, locale: 'nl' });
    // Our own document with its own inline styles and SVG; still no script, no remote anything.
    return reply
      .header(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
      )
      .type('text/html; charset=utf-8')
      .send(html);
  });

  app.get('/reports/register', async (req, reply) => {
    if (!ctx.allow(req, reply, 'reports')) return reply;
    const q = req.query as Record<string, unknown>;
    const day = (v: unknown, what: string) => {
      const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? DateTime.fromISO(v, { zone }) : null;
      if (!d?.isValid) throw new KlachtenbusError('INPUT_INVALID', `${what}: not a date`);
      return d;
    };
    let from: DateTime;
    let to: DateTime;
    try {
      from = day(q.from, 'from');
      to = day(q.to, 'to');
    } catch (err) {
      throw Object.assign(new Error((err as Error).message), { statusCode: 400 });
    }
    const rows = registerRows(db, from.toJSDate(), to.plus({ days: 1 }).toJSDate(), ctx.deps.now());
    const name = `klachtenregister-${from.toISODate()}-${to.toISODate()}`;
    if (q.format === 'csv') {
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${name}.csv"`)
        .send(registerCsv(rows, { timezone: zone }));
    }
    const bytes = await withTempFile(`${name}.xlsx`, async (file) => {
      await writeRegisterXlsx(rows, file, { timezone: zone });
      return readFileSync(file);
    });
    return reply.type(XLSX).header('Content-Disposition', `attachment; filename="${name}.xlsx"`).send(bytes);
  });
}

/** A temp dir for a download being written, removed afterwards. */
async function withTempFile<T>(name: string, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-web-'));
  try {
    return await fn(path.join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
