import type { CaseDetailView, CaseView } from '../usecases/caseViews.js';
import type { MailView } from '../usecases/listMail.js';
import type { OutboxView } from '../usecases/outboxViews.js';

/** Human-readable tables and details for the CLI. JSON output bypasses this module. */
export function casesTable(cases: CaseView[]): string {
  if (cases.length === 0) return 'No cases.';
  const rows = cases.map((c) => [
    c.number,
    c.status + (c.needsReview ? ' (review)' : ''),
    c.receivedAt.slice(0, 16).replace('T', ' '),
    c.complainant.email ?? '-',
    c.complainant.type,
    truncate(c.subject, 50),
  ]);
  return table(['NUMBER', 'STATUS', 'RECEIVED (UTC)', 'COMPLAINANT', 'TYPE', 'SUBJECT'], rows);
}

export function caseDetail(c: CaseDetailView): string {
  const lines = [
    `${c.number}  ${c.status}${c.needsReview ? '  (needs review)' : ''}`,
    `Subject:         ${c.subject}`,
    `Received:        ${c.receivedAt}`,
    `Registered by:   ${c.registeredBy}`,
    `Complainant:     ${[c.complainant.name, c.complainant.email && `<${c.complainant.email}>`].filter(Boolean).join(' ') || '-'} (${c.complainant.type})`,
    `Customer:        ${c.customerName ?? '-'}`,
    `People involved: ${c.peopleInvolved ?? '-'}`,
    `Handler:         ${c.handler ?? '-'}`,
  ];
  if (c.linkedCase) lines.push(`Linked case:     ${c.linkedCase}`);
  lines.push(`Procedure:       ${c.procedure} (${c.locale})`);
  const done = (m: { at: string; by?: string | null } | null) =>
    m ? `  done ${m.at}${m.by ? ` by ${m.by}` : ''}` : '';
  lines.push(`Contact due:     ${c.deadlines.contact ?? '-'}${done(c.milestones.contact)}`);
  lines.push(`Feedback due:    ${c.deadlines.feedback ?? '-'}${done(c.milestones.feedback)}`);
  if (c.deadlines.solution || c.milestones.solution)
    lines.push(`Solution due:    ${c.deadlines.solution ?? '-'}${done(c.milestones.solution)}`);
  if (c.milestones.solution?.text) lines.push(`Solution:        ${c.milestones.solution.text}`);
  if (c.overdue) lines.push('OVERDUE:         a deadline passed without its milestone');
  const h = c.handling;
  const extra: Array<[string, string | null]> = [
    ['Category', c.category],
    ['Control measures', h.controlMeasures],
    ['Cause', h.cause],
    ['Structural solution', h.structuralSolution],
    ['Preventive measures', h.preventiveMeasures],
    [
      'Internal comms',
      h.internalCommunication.how &&
        `${h.internalCommunication.how}${h.internalCommunication.at ? ` (${h.internalCommunication.at})` : ''}`,
    ],
    [
      'Discussed with',
      h.discussedWithEmployee &&
        `${h.discussedWithEmployee.with}${h.discussedWithEmployee.at ? ` on ${h.discussedWithEmployee.at}` : ''}${h.discussedWithEmployee.note ? `: ${h.discussedWithEmployee.note}` : ''}`,
    ],
    ['Closed by', c.closedBy && `${c.closedBy} (customer: ${c.satisfaction})`],
  ];
  for (const [label, value] of extra) if (value) lines.push(`${`${label}:`.padEnd(17)}${value}`);
  lines.push('', 'Description:', indent(c.description), '', 'Mails:');
  for (const m of c.messages) {
    lines.push(`  ${m.receivedAt}  ${m.classification.padEnd(18)} ${m.from ?? '-'}  ${truncate(m.subject, 60)}`);
    for (const a of m.attachments)
      lines.push(
        `      attachment: ${a.filename} (${a.contentType}, ${a.size} bytes${a.withheld ? `, withheld: ${a.withheld}` : ''})`,
      );
  }
  lines.push('', 'Mails sent:');
  for (const o of c.outgoing)
    lines.push(
      `  ${o.createdAt}  ${o.kind.padEnd(16)} ${o.status.padEnd(10)} ${o.to.join(', ') || '-'}  ${truncate(o.subject, 50)}`,
    );
  lines.push('', 'Timeline:');
  for (const e of c.timeline) lines.push(`  ${e.at}  ${e.actor.padEnd(10)} ${e.type}${eventDetail(e.data)}`);
  return lines.join('\n');
}

export function mailTable(mail: MailView[]): string {
  if (mail.length === 0) return 'No mail.';
  const rows = mail.map((m) => [
    m.receivedAt.slice(0, 16).replace('T', ' '),
    m.classification,
    m.caseNumber ?? '-',
    truncate(m.from ?? '-', 32),
    truncate(m.subject, 44),
  ]);
  return table(['RECEIVED (UTC)', 'CLASSIFICATION', 'CASE', 'FROM', 'SUBJECT'], rows);
}

export function outboxTable(rows: OutboxView[]): string {
  if (rows.length === 0) return 'No outgoing mail.';
  return table(
    ['ID', 'KIND', 'CASE', 'STATUS', 'TO', 'SUBJECT'],
    rows.map((r) => [
      String(r.id),
      r.kind,
      r.caseNumber ?? '-',
      r.status + (r.statusReason ? ` (${r.statusReason})` : ''),
      truncate(r.to.join(', ') || '-', 32),
      truncate(r.subject, 40),
    ]),
  );
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [fmt(head), ...rows.map(fmt)].join('\n');
}

function truncate(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The gist of an event's data for the timeline: a field change, a note, a satisfaction. */
function eventDetail(data: Record<string, unknown>): string {
  if (typeof data.field === 'string')
    return `  ${data.field}: ${JSON.stringify(data.from)} → ${JSON.stringify(data.to)}`;
  if (typeof data.text === 'string') return `  "${truncate(data.text, 80)}"`;
  if (typeof data.satisfaction === 'string') return `  (customer: ${data.satisfaction})`;
  if (typeof data.note === 'string') return `  "${truncate(data.note, 80)}"`;
  return '';
}
