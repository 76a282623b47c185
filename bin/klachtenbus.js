#!/usr/bin/env node
// Entry point for the `klachtenbus` command. The TypeScript sources are compiled to dist/ by
// `npm run build`, which `npm ci` runs through the `prepare` script.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('klachtenbus: dist/ is missing; run `npm run build` first.\n');
  process.exit(1);
}
await import(main.href);
