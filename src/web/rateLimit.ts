/**
 * A fixed-window counter per key (a client IP): at most `limit` takes per `windowMs`. In memory:
 * the per-address limit on sign-in links lives in SQLite and survives a restart; this one only
 * stops one client from hammering the sign-in form.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one request for `key`; false when the key is over its limit in this window. */
  take(key: string): boolean {
    const now = this.clock();
    if (this.windows.size > 10_000) this.prune(now);
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= this.limit;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
