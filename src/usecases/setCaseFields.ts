import type { Database } from 'better-sqlite3';
import { appendEvent } from '../adapters/sqlite/events.js';
import { KlachtenbusError } from '../errors.js';
import { requireCase } from './recordMilestone.js';

/** The fields of a case that can be set by hand, and their columns. Every change is audited. */
export const SETTABLE_FIELDS = {
  complainantType: 'complainant_type',
  complainantName: 'complainant_name',
  complainantEmail: 'complainant_email',
  customerName: 'customer_name',
  subject: 'subject',
  description: 'description',
  peopleInvolved: 'people_involved',
  handler: 'handler',
  category: 'category',
  locale: 'locale',
  controlMeasures: 'control_measures',
  cause: 'cause',
  structuralSolution: 'structural_solution',
  preventiveMeasures: 'preventive_measures',
  internalCommunication: 'internal_communication',
  internalCommunicationAt: 'internal_communication_at',
} as const;

export type SettableField = keyof typeof SETTABLE_FIELDS;

const TYPES = ['client', 'temp-worker', 'other', 'unknown'];

/**
 * Sets registration and handling fields of a case (one transaction, one audited event per field
 * that changed). An empty string clears a field. Values are checked: complainant type and locale
 * against their lists, the category against the configured categories, times as ISO 8601.
 */
export function setCaseFields(
  db: Database,
  number: string,
  fields: Partial<Record<SettableField, string>>,
  by: string,
  now: Date,
  opts: { categories: string[] },
): { changed: SettableField[] } {
  const actor = by.trim();
  if (!actor) throw new KlachtenbusError('INPUT_INVALID', 'say who changes the case (--by)');
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined) as Array<[SettableField, string]>;
  if (entries.length === 0) throw new KlachtenbusError('INPUT_INVALID', 'nothing to set: name at least one field');
  const problems: string[] = [];
  for (const [field, value] of entries) {
    if (field === 'complainantType' && !TYPES.includes(value)) problems.push(`type must be one of ${TYPES.join(', ')}`);
    if (field === 'locale' && !['nl', 'en'].includes(value)) problems.push('locale must be nl or en');
    if (field === 'category' && value !== '' && !opts.categories.includes(value))
      problems.push(`category must be one of: ${opts.categories.join(', ')}`);
    if (field === 'internalCommunicationAt' && value !== '' && Number.isNaN(Date.parse(value)))
      problems.push('internal communication time must be an ISO 8601 time');
    if ((field === 'subject' || field === 'description') && value.trim() === '')
      problems.push(`${field} cannot be empty`);
  }
  if (problems.length > 0) throw new KlachtenbusError('INPUT_INVALID', problems.join('; '));
  return db.transaction(() => {
    const c = requireCase(db, number) as unknown as Record<string, unknown> & { id: number };
    const at = now.toISOString();
    const changed: SettableField[] = [];
    for (const [field, raw] of entries) {
      const value = field === 'internalCommunicationAt' && raw ? new Date(raw).toISOString() : raw.trim();
      const next = value === '' ? null : value;
      const previous = (c[field] as string | null | undefined) ?? null;
      if (previous === next) continue;
      db.prepare(`UPDATE cases SET ${SETTABLE_FIELDS[field]} = ?, updated_at = ? WHERE id = ?`).run(
        field === 'complainantType' ? (next ?? 'unknown') : next,
        at,
        c.id,
      );
      appendEvent(db, { caseId: c.id, at, actor, type: 'case.field-set', data: { field, from: previous, to: next } });
      changed.push(field);
    }
    return { changed };
  })();
}
