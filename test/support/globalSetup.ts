// jest globalSetup (integration project): one private Dovecot + Redis + SMTP sink for the whole
// run. Test workers find it through the stack.json path in KLACHTENBUS_TEST_STACK (env set here
// is inherited by the workers); test/support/mailstack.ts reads it.
import { join } from 'node:path';
import { reapStaleStacks, startMailStack } from '../../scripts/mailstack.mjs';
import type { Stack } from '../../scripts/mailstack.mjs';

// globalSetup and globalTeardown share the main jest process's globals: teardown stops this.
const holder = globalThis as typeof globalThis & { __klachtenbusMailStack?: Stack };

export default async function globalSetup(): Promise<void> {
  // Servers of an earlier run that was killed (so no teardown ran) would otherwise pile up.
  await reapStaleStacks();
  const stack = await startMailStack();
  holder.__klachtenbusMailStack = stack;
  process.env.KLACHTENBUS_TEST_STACK = join(stack.dir, 'stack.json');
}
