/**
 * Whether an automatic acknowledgement may go to an address at all (pure). Never to our own
 * addresses, never to a no-reply or system address: answering those either goes nowhere or starts
 * a loop. The per-sender rate cap is applied by the caller, which can count.
 */
export function acknowledgementBlocker(address: string | null, ownAddresses: string[]): string | null {
  if (!address || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return 'no-usable-address';
  const lower = address.toLowerCase();
  if (ownAddresses.includes(lower)) return 'own-address';
  const local = lower.split('@')[0] ?? '';
  if (/^(no-?reply|do-?not-?reply|noreply|mailer-daemon|postmaster|bounces?|auto-?reply|daemon)([+.-]|$)/.test(local))
    return 'no-reply-address';
  return null;
}
