import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { format, STRINGS, type WebLocale } from './i18n.js';

/**
 * The web workspace's server-rendered pages: `templates/web/<page>.hbs` inside
 * `templates/web/layout.hbs`, with partials from `templates/web/partials/`. Handlebars escapes
 * every `{{value}}`; the only unescaped insertions are the layout's `{{{body}}}` and the
 * sanitised customer HTML (see mailHtml.ts).
 *
 * The stylesheet and the small script are inlined and allowed by their hashes in the
 * Content-Security-Policy: no file is served to anyone, signed in or not, and no other script
 * or style can run.
 */
export interface Views {
  render(page: string, locale: WebLocale, data: Record<string, unknown>): string;
  /** The Content-Security-Policy for pages rendered by `render`. */
  readonly csp: string;
}

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** `di 24 nov 2026 10:00`: an ISO time as the pages show it, in `zone`; not a time: as given. */
export function shortDateTime(iso: string, zone: string, locale: WebLocale): string {
  const d = DateTime.fromISO(iso, { zone });
  return d.isValid ? d.setLocale(locale).toFormat('ccc d LLL yyyy HH:mm') : iso;
}

export function loadViews(dir: string, timezone: string): Views {
  const hb = Handlebars.create();
  const css = readFileSync(path.join(dir, 'app.css'), 'utf8');
  const js = readFileSync(path.join(dir, 'app.js'), 'utf8');
  const partials = path.join(dir, 'partials');
  for (const f of readdirSync(partials).filter((n) => n.endsWith('.hbs')))
    hb.registerPartial(path.basename(f, '.hbs'), readFileSync(path.join(partials, f), 'utf8'));
  const localeOf = (options: Handlebars.HelperOptions): WebLocale =>
    (options.data?.root?.locale as WebLocale) === 'en' ? 'en' : 'nl';
  hb.registerHelper({
    eq: (a: unknown, b: unknown) => a === b,
    /** `{{fmt s.casesFound count=12}}` */
    fmt: (text: unknown, options: Handlebars.HelperOptions) =>
      format(String(text ?? ''), options.hash as Record<string, string | number>),
    /** `di 24 nov. 2026 10:00` in the configured timezone. */
    dt: (iso: unknown, options: Handlebars.HelperOptions) =>
      typeof iso === 'string' && iso ? shortDateTime(iso, timezone, localeOf(options)) : '',
    /** The value for an `<input type="datetime-local">`. */
    localInput: (iso: unknown) => {
      if (typeof iso !== 'string' || !iso) return '';
      const d = DateTime.fromISO(iso, { zone: timezone });
      return d.isValid ? d.toFormat("yyyy-MM-dd'T'HH:mm") : '';
    },
    kb: (size: unknown) => `${Math.max(1, Math.round(Number(size) / 1024))} KB`,
    /** Looks a key up in a nested table: `{{pick s.types complainant.type}}` */
    pick: (table: unknown, key: unknown) =>
      table && typeof table === 'object' && typeof key === 'string'
        ? ((table as Record<string, unknown>)[key] ?? key)
        : (key ?? ''),
  });
  const compile = (file: string) => hb.compile(readFileSync(file, 'utf8'), { strict: false, noEscape: false });
  const layout = compile(path.join(dir, 'layout.hbs'));
  const pages = new Map<string, Handlebars.TemplateDelegate>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.hbs') && n !== 'layout.hbs'))
    pages.set(path.basename(f, '.hbs'), compile(path.join(dir, f)));
  const csp = [
    "default-src 'none'",
    `style-src ${sha(css)}`,
    `script-src ${sha(js)}`,
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "connect-src 'self'",
  ].join('; ');
  return {
    csp,
    render(page, locale, data) {
      const template = pages.get(page);
      if (!template) throw new Error(`no web page template ${page}`);
      const ctx = { ...data, locale, s: STRINGS[locale] };
      return layout({ ...ctx, css, js, body: template(ctx) });
    },
  };
}
