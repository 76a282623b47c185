import { execFile } from 'node:child_process';
import { createHash, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { KlachtenbusError } from '../../errors.js';

/** Everything needed to get a token, with the secrets resolved. */
export interface OAuth2Settings {
  grant: 'client-credentials' | 'refresh-token' | 'command';
  user: string;
  tokenUrl?: string | undefined;
  scope?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  clientCertificate?: { key: string; cert: string } | undefined;
  refreshToken?: string | undefined;
  command?: string | undefined;
}

/** A source of bearer tokens for one connection. */
export interface TokenSource {
  readonly user: string;
  getToken(): Promise<string>;
  /** The server refused the token: fetch a new one next time (once; then the backoff applies). */
  invalidate(): void;
}

const EARLY_REFRESH_MS = 60_000;

/**
 * Tokens from an OAuth2 token endpoint (or a command), cached until a minute before they expire.
 * One request at a time; after a failure, no new request before a growing backoff (5 s … 5 min),
 * so a reconnect loop cannot hammer the endpoint. Errors carry the endpoint's own words.
 */
export class OAuth2TokenProvider implements TokenSource {
  private token: { value: string; expiresAt: number; fetchedAt: number } | null = null;
  private inflight: Promise<string> | null = null;
  private failures = 0;
  private nextAttemptAt = 0;
  private lastError: KlachtenbusError | null = null;
  /** Requests made to the token endpoint (for the health view and tests). */
  requests = 0;

  constructor(
    private readonly s: OAuth2Settings,
    private readonly now: () => number = Date.now,
  ) {}

  get user(): string {
    return this.s.user;
  }

  /** Consecutive failures, and the last error (for health and operator notices). */
  get failing(): { count: number; error: string | null } {
    return { count: this.failures, error: this.lastError?.message ?? null };
  }

  async getToken(): Promise<string> {
    const t = this.token;
    if (t && this.now() < t.expiresAt - EARLY_REFRESH_MS) return t.value;
    if (this.now() < this.nextAttemptAt && this.lastError) {
      const wait = Math.ceil((this.nextAttemptAt - this.now()) / 1000);
      throw new KlachtenbusError('OAUTH_TOKEN_FAILED', `${this.lastError.message} (next try in ${wait} s)`, {
        retryable: true,
      });
    }
    this.inflight ??= this.fetchToken().finally(() => (this.inflight = null));
    return this.inflight;
  }

  invalidate(): void {
    // A token refused right after it was fetched points at the configuration, not at expiry: do
    // not fetch again at once, let the backoff decide.
    if (this.token && this.now() - this.token.fetchedAt < 10_000)
      this.fail(
        new KlachtenbusError(
          'OAUTH_TOKEN_FAILED',
          'the server refused a fresh token (wrong user, scope or permissions?)',
          { retryable: true },
        ),
      );
    this.token = null;
  }

  private fail(err: KlachtenbusError): void {
    this.failures++;
    this.lastError = err;
    this.nextAttemptAt = this.now() + Math.min(300_000, 5000 * 2 ** Math.min(this.failures - 1, 6));
  }

  private async fetchToken(): Promise<string> {
    this.requests++;
    try {
      const got = this.s.grant === 'command' ? await this.fromCommand() : await this.fromEndpoint();
      this.token = { value: got.token, expiresAt: this.now() + got.expiresIn * 1000, fetchedAt: this.now() };
      this.failures = 0;
      this.lastError = null;
      this.nextAttemptAt = 0;
      return got.token;
    } catch (err) {
      const e =
        err instanceof KlachtenbusError
          ? err
          : new KlachtenbusError('OAUTH_TOKEN_FAILED', `token request failed: ${(err as Error).message}`, {
              retryable: true,
            });
      this.fail(e);
      throw e;
    }
  }

  private async fromEndpoint(): Promise<{ token: string; expiresIn: number }> {
    const s = this.s;
    const body = new URLSearchParams({ client_id: s.clientId ?? '' });
    if (s.scope) body.set('scope', s.scope);
    if (s.grant === 'refresh-token') {
      body.set('grant_type', 'refresh_token');
      body.set('refresh_token', s.refreshToken ?? '');
      if (s.clientSecret) body.set('client_secret', s.clientSecret);
    } else {
      body.set('grant_type', 'client_credentials');
      if (s.clientCertificate) {
        body.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
        body.set(
          'client_assertion',
          clientAssertion(s.clientId ?? '', s.tokenUrl ?? '', s.clientCertificate, this.now()),
        );
      } else body.set('client_secret', s.clientSecret ?? '');
    }
    let res: Response;
    try {
      res = await fetch(s.tokenUrl ?? '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      type Cause = { code?: string; message?: string; errors?: Array<{ code?: string }> };
      const c = (err as Error & { cause?: Cause }).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
      throw new KlachtenbusError('OAUTH_TOKEN_FAILED', `token endpoint ${s.tokenUrl} unreachable: ${cause}`, {
        retryable: true,
      });
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON: the status and text say it
    }
    if (!res.ok || typeof json.access_token !== 'string') {
      const words =
        [json.error, json.error_description].filter(Boolean).join(': ') || `${res.status} ${text.slice(0, 200)}`;
      throw new KlachtenbusError('OAUTH_TOKEN_FAILED', `token endpoint said: ${words}`, {
        retryable: res.status >= 500,
      });
    }
    return { token: json.access_token, expiresIn: Number(json.expires_in ?? 3600) || 3600 };
  }

  private fromCommand(): Promise<{ token: string; expiresIn: number }> {
    return new Promise((resolve, reject) => {
      execFile('/bin/sh', ['-c', this.s.command ?? ''], { timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) {
          reject(
            new KlachtenbusError('OAUTH_TOKEN_FAILED', `token command failed: ${stderr.trim() || err.message}`, {
              retryable: true,
            }),
          );
          return;
        }
        const out = stdout.trim();
        try {
          const json = JSON.parse(out) as { access_token?: string; expires_in?: number };
          if (json.access_token)
            return resolve({ token: json.access_token, expiresIn: Number(json.expires_in ?? 3600) });
        } catch {
          // a bare token
        }
        if (!out) reject(new KlachtenbusError('OAUTH_TOKEN_FAILED', 'token command printed nothing'));
        else resolve({ token: out, expiresIn: 3000 });
      });
    });
  }
}

/**
 * A client assertion (RFC 7523) signed with the app's certificate, as Microsoft identity platform
 * accepts instead of a client secret: RS256, with the certificate's SHA-1 thumbprint as x5t.
 */
export function clientAssertion(
  clientId: string,
  tokenUrl: string,
  c: { key: string; cert: string },
  nowMs: number,
): string {
  const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');
  const der = new X509Certificate(c.cert).raw;
  const header = { alg: 'RS256', typ: 'JWT', x5t: b64u(createHash('sha1').update(der).digest()) };
  const iat = Math.floor(nowMs / 1000);
  const payload = { aud: tokenUrl, iss: clientId, sub: clientId, jti: randomUUID(), nbf: iat, iat, exp: iat + 600 };
  const unsigned = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(c.key);
  return `${unsigned}.${b64u(signature)}`;
}
