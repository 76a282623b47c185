import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { StaffRole } from '../domain/webAccess.js';
import { queueMail, type OutgoingDeps } from './queueCaseMail.js';

/** A staff member as configured (staff.members). */
export interface StaffMember {
  name: string;
  email: string;
  role: StaffRole;
}

export interface SignInSettings {
  /** Where the workspace is reached; the mailed link starts with it. */
  baseUrl: string;
  linkMinutes: number;
  /** Sign-in links mailed per address in 15 minutes, at most. */
  maxLinksPer15Minutes: number;
}

const hash = (secret: string) => createHash('sha256').update(secret).digest('hex');
const token = () => randomBytes(32).toString('base64url');

export type LinkRequest =
  | { result: 'sent'; outboxId: number }
  | { result: 'unknown-address' }
  | { result: 'rate-limited' }
  | { result: 'no-mail' };

/**
 * A staff member asks for a sign-in link. The link goes out through the outbox like every other
 * mail; only the token's hash is stored. The caller answers the browser the same way whatever the
 * result, so the page does not tell who is on the staff.
 */
export function requestSignInLink(
  db: Database,
  outgoing: OutgoingDeps | undefined,
  staff: StaffMember[],
  settings: SignInSettings,
  address: string,
  now: Date,
  /** A path on this site to open after signing in (the page that asked for it). */
  returnTo: string | null = null,
): LinkRequest {
  const email = address.trim().toLowerCase();
  const member = staff.find((m) => m.email === email);
  // No mail first: the answer must not depend on whether the address is a staff member's.
  if (!outgoing) return { result: 'no-mail' };
  if (!member) return { result: 'unknown-address' };
  return db
    .transaction((): LinkRequest => {
      const since = new Date(now.getTime() - 15 * 60_000).toISOString();
      const recent = db
        .prepare(`SELECT COUNT(*) FROM login_links WHERE email = ? AND created_at > ?`)
        .pluck()
        .get(email, since) as number;
      if (recent >= settings.maxLinksPer15Minutes) return { result: 'rate-limited' };
      const secret = token();
      const expires = new Date(now.getTime() + settings.linkMinutes * 60_000);
      db.prepare(`INSERT INTO login_links (token_hash, email, created_at, expires_at) VALUES (?, ?, ?, ?)`).run(
        hash(secret),
        email,
        now.toISOString(),
        expires.toISOString(),
      );
      const rendered = outgoing.templates.render('sign-in', 'nl', {
        name: member.name,
        url: `${settings.baseUrl.replace(/\/+$/, '')}/login/${secret}${returnTo && returnTo !== '/cases' ? `?next=${encodeURIComponent(returnTo)}` : ''}`,
        expiresAt: expires.toISOString(),
        organisationName: outgoing.settings.organisationName,
      });
      const id = queueMail(db, outgoing.settings, {
        key: `sign-in:${hash(secret).slice(0, 24)}`,
        kind: 'sign-in',
        caseId: null,
        to: [email],
        rendered,
        now,
      });
      return { result: 'sent', outboxId: id! };
    })
    .immediate();
}

/**
 * Uses a sign-in link: returns the address it was sent to, or null when the link is unknown,
 * expired or used before. A link works once, even when two requests race for it.
 */
export function redeemSignInLink(db: Database, secret: string, now: Date): string | null {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return null;
  const at = now.toISOString();
  const row = db
    .prepare(
      `UPDATE login_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING email`,
    )
    .get(at, hash(secret), at) as { email: string } | undefined;
  return row?.email ?? null;
}

/** Whether a sign-in link would still work (for the page that asks to confirm it). */
export function signInLinkValid(db: Database, secret: string, now: Date): boolean {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(secret)) return false;
  return (
    db
      .prepare(`SELECT 1 FROM login_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`)
      .get(hash(secret), now.toISOString()) !== undefined
  );
}

export interface WebSession {
  email: string;
  csrf: string;
  locale: 'nl' | 'en';
  expiresAt: string;
}

/** A new session; the returned id goes into the cookie, only its hash into the database. */
export function openSession(
  db: Database,
  email: string,
  hours: number,
  now: Date,
): { id: string; session: WebSession } {
  const id = token();
  const session: WebSession = {
    email,
    csrf: token(),
    locale: 'nl',
    expiresAt: new Date(now.getTime() + hours * 3600_000).toISOString(),
  };
  db.transaction(() => {
    db.prepare(
      `INSERT INTO web_sessions (id_hash, email, csrf, locale, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(hash(id), email, session.csrf, session.locale, now.toISOString(), session.expiresAt);
    // What can never be used again is kept a month (for questions about who signed in), then dropped.
    const month = new Date(now.getTime() - 31 * 86400_000).toISOString();
    db.prepare(`DELETE FROM web_sessions WHERE expires_at < ?`).run(month);
    db.prepare(`DELETE FROM login_links WHERE expires_at < ?`).run(month);
  })();
  return { id, session };
}

/** The live session of a cookie value, or null (unknown, expired, signed out). */
export function sessionFor(db: Database, id: string | undefined, now: Date): WebSession | null {
  if (!id || !/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
  const row = db
    .prepare(
      `SELECT email, csrf, locale, expires_at AS expiresAt FROM web_sessions
       WHERE id_hash = ? AND ended_at IS NULL AND expires_at > ?`,
    )
    .get(hash(id), now.toISOString()) as WebSession | undefined;
  return row ?? null;
}

export function endSession(db: Database, id: string, now: Date): void {
  db.prepare(`UPDATE web_sessions SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL`).run(
    now.toISOString(),
    hash(id),
  );
}

export function setSessionLocale(db: Database, id: string, locale: 'nl' | 'en'): void {
  db.prepare(`UPDATE web_sessions SET locale = ? WHERE id_hash = ?`).run(locale, hash(id));
}

/** Compares a form's CSRF token with the session's in constant time. */
export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
