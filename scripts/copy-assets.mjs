// Copies the non-TypeScript files that the compiled code loads at run time (SQL migrations) from
// src/ to dist/, keeping their relative paths, so `new URL('./migrations/', import.meta.url)` works
// the same from src/ (tests) and dist/ (the CLI).
import { cpSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const exts = new Set(['.sql']);

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (exts.has(path.extname(name))) {
      const rel = path.relative(path.join(root, 'src'), full);
      cpSync(full, path.join(root, 'dist', rel));
    }
  }
}
walk(path.join(root, 'src'));
