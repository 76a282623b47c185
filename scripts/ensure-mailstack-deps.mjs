#!/usr/bin/env node
// Makes sure the programs the test/demo mail stack runs (scripts/mailstack.mjs) are installed:
// dovecot + doveconf (Debian package dovecot-imapd) and redis-server; and Debian's chromium, which
// the web workspace's browser tests drive with playwright-core (test/integration/web.test.ts).
//
// As root (CI) missing ones are installed with apt-get. A temporary /usr/sbin/policy-rc.d that
// exits 101 stops the packages' postinst from starting system-wide Dovecot/Redis daemons (we run
// our own private ones); it is only put in place when none exists, and removed afterwards.
// Not root: prints the command to run and exits 1.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const BINS = ['dovecot', 'doveconf', 'redis-server', 'chromium'];
const PACKAGES = ['dovecot-imapd', 'redis-server', 'chromium'];
const POLICY = '/usr/sbin/policy-rc.d';

/** PATH plus the sbin dirs, which a non-root PATH often lacks (dovecot lives in /usr/sbin). */
function findBin(/** @type {string} */ name) {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  const dir = dirs.find((d) => d && existsSync(join(d, name)));
  return dir && join(dir, name);
}

const missing = () => BINS.filter((b) => !findBin(b));

function install() {
  const addedPolicy = !existsSync(POLICY);
  if (addedPolicy)
    writeFileSync(POLICY, '#!/bin/sh\n# temporary, from ensure-mailstack-deps.mjs\nexit 101\n', { mode: 0o755 });
  try {
    // A fresh machine's package lists may be empty, so update first.
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', ...PACKAGES], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } finally {
    if (addedPolicy) rmSync(POLICY, { force: true });
  }
}

let absent = missing();
if (absent.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(
      `mail stack: missing ${absent.join(', ')}. Install with:\n  sudo apt-get install ${PACKAGES.join(' ')}`,
    );
    process.exit(1);
  }
  console.log(`mail stack: missing ${absent.join(', ')}; installing ${PACKAGES.join(' ')} with apt-get`);
  try {
    install();
  } catch (err) {
    console.error(`mail stack: apt-get failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
  absent = missing();
  if (absent.length > 0) {
    console.error(`mail stack: still missing after install: ${absent.join(', ')}`);
    process.exit(1);
  }
}
console.log(`mail stack deps ok: ${BINS.map((b) => findBin(b)).join(' ')}`);
