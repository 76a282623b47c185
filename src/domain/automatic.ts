/**
 * Is this mail automatic (out-of-office, bounce, read or abuse report, list or bulk mail, our own
 * mail coming back)? An automatic mail never opens a case and is never answered, so a false
 * "yes" hides a complaint: every rule here is chosen to stay silent on mail a person wrote.
 * Pure: no I/O, no clock.
 */
import { headerSignals, mimeSignals, senderSignals, type OwnIdentity, type Signal } from './automaticSignals.js';
import type { AutomaticVerdict, ParsedMail } from './types.js';

export type { OwnIdentity } from './automaticSignals.js';

/*
 * Subjects are the weakest evidence, and we treat them in two tiers:
 *
 * 1. DECISIVE: the verbatim phrase a known machine puts at the very START of the subject
 *    ("Automatic reply: …", "Automatisch antwoord: …", "Undeliverable: …", Postfix's "Undelivered
 *    Mail Returned to Sender", qmail's bare "failure notice", …). A person does not begin a
 *    complaint that way; when they forward or answer such a mail the subject starts with
 *    "Fwd:"/"Re:" and no longer matches. These decide alone, as a last resort for automatic
 *    mail that lost its headers on the way (client-side Outlook rules, relays that rewrite the
 *    envelope) — in the corpus every such mail also has a header signal.
 * 2. SUPPORTING: words anywhere in the subject ("afwezig", "out of office", "vakantie",
 *    "returned mail", …). People use these words when they complain ("Medewerker afwezig op
 *    afspraak"), so they never decide; they only add a reason to a mail already found automatic.
 */
const DECISIVE_SUBJECTS: Array<{ pattern: RegExp; reason: string; kind: 'auto-reply' | 'bounce' }> = [
  {
    pattern:
      /^(automatic reply|automatisch antwoord|auto[- ]?reply|out of office auto[- ]?reply|abwesenheitsnotiz|r[ée]ponse automatique)\s*:/i,
    reason: 'subject:automatic-reply',
    kind: 'auto-reply',
  },
  {
    pattern:
      /^((undeliverable|onbestelbaar|unzustellbar|non remis)\s*:|delivery status notification\s*\(|undelivered mail returned to sender|mail delivery failed\s*:|returned mail\s*:|failure notice\s*$|warning: could not send message for past|mail system error - returned mail)/i,
    reason: 'subject:delivery-failure',
    kind: 'bounce',
  },
];

const SUPPORTING_SUBJECTS: Array<{ pattern: RegExp; reason: string }> = [
  {
    pattern: /\b(afwezig\w*|out of (the )?office|vakantie|vacation|auto[- ]?respon\w*|automati\w* (reply|antwoord))\b/i,
    reason: 'subject:out-of-office',
  },
  {
    pattern:
      /\b(undeliver\w*|undelivered|onbestelbaar|delivery (status|failure|failed)|returned mail|failure notice|mail delivery)\b/i,
    reason: 'subject:delivery-failure',
  },
];

/** What `detectAutomatic` needs to know about us. */
export type AutomaticContext = OwnIdentity;

/**
 * Decides whether a parsed mail is automatic and why. Reasons name every signal that matched
 * (`header:auto-submitted`, `sender:mailer-daemon`, `mime:multipart/report`,
 * `subject:automatic-reply`, …); `kind` comes from the most telling one.
 *
 * Not automatic merely because a person attached a message (message/rfc822), a calendar
 * invitation or an S/MIME signature: only report parts count, not attachments in general.
 */
export function detectAutomatic(mail: ParsedMail, ctx: AutomaticContext): AutomaticVerdict {
  const signals: Signal[] = [...senderSignals(mail, ctx), ...headerSignals(mail), ...mimeSignals(mail)];
  const subject = mail.subject.trim();
  for (const { pattern, reason, kind } of DECISIVE_SUBJECTS) {
    // Ranked above the generic fields (Auto-Submitted, Precedence, Return-Path <>) because the
    // phrase tells a bounce from an out-of-office; below every specific header.
    if (pattern.test(subject)) signals.push({ reason, kind, weight: 45 });
  }
  if (signals.length === 0) return { automatic: false, reasons: [], kind: null };

  // A decisive subject already says what the supporting words would; list it once.
  const subjectListed = signals.some((s) => s.reason.startsWith('subject:'));
  for (const { pattern, reason } of subjectListed ? [] : SUPPORTING_SUBJECTS) {
    if (pattern.test(subject)) {
      // Weight 0: a supporting word never picks the kind over a real signal.
      signals.push({ reason, kind: reason === 'subject:delivery-failure' ? 'bounce' : 'auto-reply', weight: 0 });
    }
  }
  let top = signals[0] as Signal;
  for (const signal of signals) if (signal.weight > top.weight) top = signal;
  return { automatic: true, reasons: [...new Set(signals.map((s) => s.reason))], kind: top.kind };
}
