import { z } from 'zod';

/**
 * A secret: from an environment variable or a file (preferred), or written in the YAML in clear
 * only when the operator insists (`allowInlineSecret: true` on the auth block).
 */
export const secretSchema = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
  z.string().min(1),
]);
export type SecretRef = z.infer<typeof secretSchema>;

/**
 * How a connection authenticates. `password` (default) takes the credentials from the URL. `oauth2`
 * gets a bearer token from a token endpoint: client credentials (Microsoft 365 app-only), a refresh
 * token (Gmail, delegated Microsoft 365), or a command that prints a token.
 */
export const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('password') }).strict(),
  z
    .object({
      type: z.literal('oauth2'),
      /** Presets fill in the token endpoint and scope: microsoft365 (needs tenant), google, or custom. */
      provider: z.enum(['microsoft365', 'google', 'custom']).default('custom'),
      grant: z.enum(['client-credentials', 'refresh-token', 'command']),
      /** The login name (the mailbox address); default: the user in the URL. */
      user: z.string().min(1).optional(),
      tenant: z.string().min(1).optional(),
      tokenUrl: z.url().optional(),
      scope: z.string().min(1).optional(),
      clientId: z.string().min(1).optional(),
      clientSecret: secretSchema.optional(),
      /** Microsoft 365 app-only with a certificate instead of a secret: PEM private key and certificate. */
      clientCertificate: z.object({ key: secretSchema, cert: secretSchema }).strict().optional(),
      refreshToken: secretSchema.optional(),
      /** grant command: a shell command that prints an access token (optionally JSON with expires_in). */
      command: z.string().min(1).optional(),
      allowInlineSecret: z.boolean().default(false),
    })
    .strict(),
]);
export type AuthConfig = z.infer<typeof authSchema>;
export type OAuth2Config = Extract<AuthConfig, { type: 'oauth2' }>;

/** Endpoints and scopes of the providers most Dutch organisations use. */
export function providerDefaults(
  a: OAuth2Config,
  use: 'imap' | 'smtp',
): { tokenUrl: string | undefined; scope: string | undefined } {
  if (a.provider === 'microsoft365') {
    const tokenUrl = a.tenant ? `https://login.microsoftonline.com/${a.tenant}/oauth2/v2.0/token` : undefined;
    // App-only tokens carry the app's roles: the scope is the resource's /.default. Delegated
    // (refresh token) access asks for the IMAP or SMTP permission itself.
    const scope =
      a.grant === 'client-credentials'
        ? 'https://outlook.office365.com/.default'
        : use === 'imap'
          ? 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access'
          : 'https://outlook.office.com/SMTP.Send offline_access';
    return { tokenUrl, scope };
  }
  if (a.provider === 'google')
    return { tokenUrl: 'https://oauth2.googleapis.com/token', scope: 'https://mail.google.com/' };
  return { tokenUrl: undefined, scope: undefined };
}

/** Problems with an auth block (all of them), for the config loader. */
export function authProblems(where: string, a: AuthConfig | undefined, use: 'imap' | 'smtp'): string[] {
  if (!a || a.type === 'password') return [];
  const p: string[] = [];
  const d = providerDefaults(a, use);
  if (a.provider === 'microsoft365' && !a.tenant && !a.tokenUrl) p.push(`${where}.tenant: required for microsoft365`);
  if (a.grant !== 'command' && !(a.tokenUrl ?? d.tokenUrl)) p.push(`${where}.tokenUrl: required for a custom provider`);
  if (a.grant !== 'command' && !a.clientId) p.push(`${where}.clientId: required`);
  if (a.grant === 'client-credentials' && !a.clientSecret && !a.clientCertificate)
    p.push(`${where}.clientSecret or clientCertificate: required for client credentials`);
  if (a.grant === 'refresh-token' && !a.refreshToken)
    p.push(`${where}.refreshToken: required for the refresh-token grant`);
  if (a.grant === 'command' && !a.command) p.push(`${where}.command: required for the command grant`);
  const inline = [a.clientSecret, a.refreshToken, a.clientCertificate?.key].some((s) => typeof s === 'string');
  if (inline && !a.allowInlineSecret)
    p.push(
      `${where}: a secret is written in the file in clear; use { env: NAME } or { file: PATH } (or set allowInlineSecret: true)`,
    );
  return p;
}
