/**
 * Turning mailparser's header output into the plain shapes of `ParsedMail`. Identifiers and dates
 * are read from the raw header lines rather than from mailparser's parsed values: mailparser keeps
 * angle brackets, flattens References inconsistently (string or array) and replaces an unparseable
 * Date with the current time, which would silently give a mail a false date.
 */
import type { AddressObject, EmailAddress, HeaderLines, HeaderValue } from 'mailparser';
import type { Address } from '../../domain/types.js';

/** Header fields by lower-case name, values unfolded (CRLF + WSP → WSP) but not decoded. */
export function headersFromLines(lines: HeaderLines): Record<string, string[]> {
  // A Map, then Object.fromEntries: a field named `__proto__` becomes an own property instead of
  // replacing the object's prototype.
  const headers = new Map<string, string[]>();
  for (const { key, line } of lines) {
    // mailsplit reports continuation lines it cannot attach to a field with an empty key.
    if (key === '') continue;
    const colon = line.indexOf(':');
    const value = (colon === -1 ? '' : line.slice(colon + 1)).replace(/\r?\n(?=[ \t])/g, '').trim();
    const list = headers.get(key);
    if (list) list.push(value);
    else headers.set(key, [value]);
  }
  return Object.fromEntries(headers);
}

/**
 * Message-IDs in a header value, without angle brackets. Whitespace and comments inside the
 * brackets are dropped (obsolete syntax allows them around the dots and the `@`). A value without
 * brackets is taken whole when it is one token, because some mailers omit them.
 */
export function messageIds(value: string | undefined): string[] {
  if (value === undefined) return [];
  const ids: string[] = [];
  for (const match of value.matchAll(/<([^<>]*)>/g)) {
    const id = (match[1] ?? '').replace(/\([^()]*\)/g, '').replace(/\s+/g, '');
    if (id !== '') ids.push(id);
  }
  if (ids.length === 0) {
    const bare = value.trim();
    if (bare !== '' && !/\s/.test(bare)) ids.push(bare);
  }
  return ids;
}

/** All Message-IDs from every occurrence of a header field, deduplicated in order. */
export function messageIdsOf(values: string[] | undefined): string[] {
  return [...new Set((values ?? []).flatMap((value) => messageIds(value)))];
}

/**
 * The Date field as an ISO timestamp, or null. RFC 5322 comments such as `(EDT)` are removed
 * first; anything the JavaScript date parser still rejects (e.g. hour 27) gives null.
 */
export function isoDate(value: string | undefined): string | null {
  if (value === undefined) return null;
  const cleaned = value
    .replace(/\([^()]*\)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return null;
  const date = new Date(cleaned);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function isAddressObject(value: unknown): value is AddressObject {
  return typeof value === 'object' && value !== null && Array.isArray((value as AddressObject).value);
}

function flatten(entries: EmailAddress[], out: Address[]): void {
  for (const entry of entries) {
    if (entry.group) flatten(entry.group, out);
    const address = (entry.address ?? '').trim().toLowerCase();
    // An empty address (e.g. `Reply-To: "Name" <>`) cannot be written to, so it is not listed.
    if (address !== '') out.push({ name: (entry.name ?? '').trim(), address });
  }
}

/** Addresses from a parsed address header (one object, or several for repeated fields). */
export function addressesOf(value: HeaderValue | undefined): Address[] {
  const out: Address[] = [];
  const objects = Array.isArray(value) ? value : [value];
  for (const object of objects) {
    if (isAddressObject(object)) flatten(object.value, out);
  }
  return out;
}
