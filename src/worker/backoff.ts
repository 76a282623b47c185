/**
 * Exponential backoff with "full jitter": the n-th delay is random in [base/2, min(max, initial·2^n)],
 * so many workers reconnecting after one outage do not hammer the server in step.
 * `random` is a parameter so tests can fix it.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    const cap = Math.min(this.maxMs, this.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}
