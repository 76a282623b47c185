// Types for mailstack.mjs, so TypeScript tests can import it without allowJs. Generated from its
// JSDoc (tsc --allowJs --declaration --emitDeclarationOnly) and tidied; keep the two in step.

export type ServiceName = 'imap' | 'redis' | 'smtp' | 'oauth2';
export type SmtpMode = 'accept' | 'reject-5xx' | 'reject-4xx' | 'drop' | 'drop-after-store';
/**
 * Fault mode of one OAuth2 endpoint (see scripts/oauth2-server.mjs): accept = normal; down = 503
 * {"error":"temporarily_unavailable"} with Retry-After: 1; refuse = connection closed without an
 * answer; hang = no answer ever (the client's timeout must fire).
 */
export type OAuth2Mode = 'accept' | 'down' | 'refuse' | 'hang';
export type OAuth2Endpoint = 'token' | 'introspect' | 'revoke';

/** An OAuth2 client in the server's registry. */
export interface OAuth2Client {
  /** absent: a public client (refresh_token grant only, without a secret) */
  secret?: string;
  /** the mailbox user its tokens log in as (introspection `username`); lower case, see mailstack.mjs */
  user: string;
  /** space-separated scopes it may get; absent: any requested scope is granted */
  scope?: string;
  /** access token lifetime (expires_in); default 3600 */
  tokenLifetimeSeconds?: number;
  /** refresh_token grants return a new refresh token and invalidate the old one (Microsoft style) */
  rotateRefreshTokens?: boolean;
}

/** Request counters of one endpoint. byClient: by the client_id the request named (or "(none)"). */
export interface OAuth2EndpointStats {
  total: number;
  byClient: Record<string, number>;
  /** ok | active | inactive | an RFC 6749 error code | a fault mode (down, refuse, hang) */
  byOutcome: Record<string, number>;
}
export type OAuth2Stats = Record<OAuth2Endpoint, OAuth2EndpointStats>;

/** The stack's OAuth2 server, from any process (oauth2Control(dir)) or as Stack.oauth2. */
export interface OAuth2Control {
  /** http://127.0.0.1:PORT */
  url: string;
  /** POST: client_credentials and refresh_token grants (RFC 6749) */
  tokenUrl: string;
  /** POST token=...: RFC 7662 (what Dovecot and the SMTP sink call) */
  introspectUrl: string;
  /** POST token=...: RFC 7009 */
  revokeUrl: string;
  /** Registers (or replaces) a client; it can get tokens at once. */
  addClient(id: string, client: OAuth2Client): void;
  /** Token requests of the client then fail with invalid_client; issued tokens stay valid. */
  removeClient(id: string): void;
  /** Registers a refresh token for the refresh_token grant, as if the user had consented. */
  addRefreshToken(token: string, r: { clientId: string; user: string; scope?: string }): void;
  /** Fault mode of one endpoint (default: token); `times` = the next N requests to it only. */
  setMode(mode: OAuth2Mode, opts?: { endpoint?: OAuth2Endpoint; times?: number }): void;
  /** Request counters so far (written before each answer). */
  stats(): OAuth2Stats;
  /** Stop/start the server process (a real outage: connection refused); tokens and clients survive. */
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

/** Contents of `<dir>/stack.json`. */
export interface StackState {
  version: 1;
  dir: string;
  /** true when the stack created the (temp) dir and so removes it on stop */
  ownsDir: boolean;
  /** started as root: Dovecot with privilege separation, mail uid/gid 65534 */
  root: boolean;
  /** pid of the process that started the stack and serves <dir>/control.sock */
  owner: number | null;
  imap: {
    host: string;
    port: number;
    pid: number | null;
    config: string;
    log: string;
    /** one passwd-file per user: <usersDir>/<user> */
    usersDir: string;
    /** group of those files (as root: "dovecot", which Dovecot's auth process runs as) */
    usersGid: number;
    mailRoot: string;
    mailUid: number;
    mailGid: number;
  };
  redis: { host: string; port: number; url: string; pid: number | null; dataDir: string };
  smtp: { host: string; port: number; pid: number | null; controlFile: string };
  /** absent in a stack.json written before the stack had an OAuth2 server */
  oauth2: {
    host: string;
    port: number;
    pid: number | null;
    url: string;
    tokenUrl: string;
    introspectUrl: string;
    revokeUrl: string;
    /** the server's --state-dir: clients.json, control.json, stats.json, issued.json, its output */
    stateDir: string;
    clientsFile: string;
    controlFile: string;
    statsFile: string;
    /** args file of Dovecot's oauth2 passdb */
    dovecotConfig: string;
  };
  captureDir: string;
}

export interface ServiceControl {
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

export interface Stack {
  dir: string;
  imap: { host: string; port: number };
  redis: { host: string; port: number; url: string };
  smtp: { host: string; port: number };
  captureDir: string;
  addUser(user: string, pass: string): void;
  stopImap(): Promise<void>;
  startImap(): Promise<void>;
  restartImap(): Promise<void>;
  stopRedis(): Promise<void>;
  startRedis(): Promise<void>;
  stopSmtp(): Promise<void>;
  startSmtp(): Promise<void>;
  oauth2: OAuth2Control & { host: string; port: number };
  stop(): Promise<void>;
}

export function startMailStack(opts?: {
  dir?: string;
  users?: Array<{ user: string; pass: string }>;
  onShutdown?: () => void;
}): Promise<Stack>;
export function stopMailStack(dir: string, local?: boolean): Promise<void>;
export function killMailStackSync(dir: string): void;
/** `oauth2` is absent for a stack started before the stack had an OAuth2 server. */
export function mailStackStatus(dir: string): Promise<
  Record<Exclude<ServiceName, 'oauth2'>, { port: number; pid: number | null; up: boolean }> & {
    oauth2?: { port: number; pid: number | null; up: boolean };
  }
>;
export function reapStaleStacks(): Promise<void>;
export function readStackState(dir: string): StackState;
export function passwdLine(user: string, pass: string, uid: number, gid: number, home: string): string;
export function addMailUser(dir: string, user: string, pass: string): void;
export function setSmtpMode(dir: string, mode: SmtpMode, times?: number): void;
export function imapControl(dir: string): ServiceControl;
export function redisControl(dir: string): ServiceControl;
export function smtpControl(dir: string): ServiceControl;
export function oauth2Control(dir: string): OAuth2Control;
export function addOAuth2Client(dir: string, id: string, client: OAuth2Client): void;
export function removeOAuth2Client(dir: string, id: string): void;
export function addOAuth2RefreshToken(
  dir: string,
  token: string,
  r: { clientId: string; user: string; scope?: string },
): void;
export function setOAuth2Mode(
  dir: string,
  mode: OAuth2Mode,
  opts?: { endpoint?: OAuth2Endpoint; times?: number },
): void;
export function oauth2Stats(dir: string): OAuth2Stats;
export function findBin(name: string): string;
