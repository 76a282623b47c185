/**
 * Typed errors with stable codes. Every error that crosses a module boundary is a KlachtenbusError
 * (or is wrapped in one by `coerceError`), so callers branch on `code`, not on message text, and
 * know whether trying again can help.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'STORE_MIGRATION_FAILED'
  | 'PARSE_FAILED'
  | 'PARSE_TIMEOUT'
  | 'IMAP_CONNECT_FAILED'
  | 'IMAP_COMMAND_FAILED'
  | 'CASE_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'OAUTH_TOKEN_FAILED'
  | 'STORAGE_UNAVAILABLE'
  | 'INTERNAL';

export class KlachtenbusError extends Error {
  readonly code: ErrorCode;
  /** Whether the same operation may succeed when tried again later (e.g. a dropped connection). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KlachtenbusError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

/** Configuration problems: every problem found, listed at once. */
export class ConfigError extends KlachtenbusError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Turns anything thrown into an Error, so catch blocks can rely on `.message`. */
export function coerceError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : JSON.stringify(err));
}
