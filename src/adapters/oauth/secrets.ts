import { readFileSync } from 'node:fs';
import type { SecretRef } from '../../config/auth.js';
import { ConfigError } from '../../errors.js';

/** The value of a secret: `{ env }`, `{ file }` (trimmed), or the string itself. */
export function resolveSecret(ref: SecretRef, where: string, env: NodeJS.ProcessEnv): string {
  if (typeof ref === 'string') return ref;
  if ('env' in ref) {
    const v = env[ref.env];
    if (!v) throw new ConfigError([`${where}: environment variable ${ref.env} is not set`]);
    return v;
  }
  try {
    return readFileSync(ref.file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError([`${where}: cannot read ${ref.file}: ${(err as Error).message}`]);
  }
}
