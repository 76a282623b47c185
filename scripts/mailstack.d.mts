// Types for mailstack.mjs, so TypeScript tests can import it without allowJs. Generated from its
// JSDoc (tsc --allowJs --declaration --emitDeclarationOnly) and tidied; keep the two in step.

export type ServiceName = 'imap' | 'redis' | 'smtp';
export type SmtpMode = 'accept' | 'reject-5xx' | 'reject-4xx' | 'drop' | 'drop-after-store';

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
  stop(): Promise<void>;
}

export function startMailStack(opts?: {
  dir?: string;
  users?: Array<{ user: string; pass: string }>;
  onShutdown?: () => void;
}): Promise<Stack>;
export function stopMailStack(dir: string, local?: boolean): Promise<void>;
export function killMailStackSync(dir: string): void;
export function mailStackStatus(
  dir: string,
): Promise<Record<ServiceName, { port: number; pid: number | null; up: boolean }>>;
export function reapStaleStacks(): Promise<void>;
export function readStackState(dir: string): StackState;
export function passwdLine(user: string, pass: string, uid: number, gid: number, home: string): string;
export function addMailUser(dir: string, user: string, pass: string): void;
export function setSmtpMode(dir: string, mode: SmtpMode, times?: number): void;
export function imapControl(dir: string): ServiceControl;
export function redisControl(dir: string): ServiceControl;
export function smtpControl(dir: string): ServiceControl;
export function findBin(name: string): string;
