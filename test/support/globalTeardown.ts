// jest globalTeardown (integration project): stops the stack globalSetup started, including any
// server a test restarted, and removes its temp dir (KEEP_MAILSTACK=1 keeps it for inspection).
import type { Stack } from '../../scripts/mailstack.mjs';

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as typeof globalThis & { __klachtenbusMailStack?: Stack };
  const stack = holder.__klachtenbusMailStack;
  delete holder.__klachtenbusMailStack;
  await stack?.stop();
  if (stack && process.env.KEEP_MAILSTACK === '1') console.log(`\nmail stack kept in ${stack.dir}`);
}
