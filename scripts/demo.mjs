#!/usr/bin/env node
// `npm run demo`: the main job on a private local mail stack. Starts Dovecot, Redis and an SMTP
// capture server on free loopback ports, drops a few Dutch sample complaints (and one
// out-of-office reply, which must not become a case) into the complaints mailbox, runs the real
// worker until everything is ingested and acknowledged, and shows the cases created and the
// acknowledgements sent. The database stays in
// data/demo/ afterwards:  node bin/klachtenbus.js --config data/demo/config.yaml cases list
//
// `npm run demo -- --web` then keeps the worker running with the web workspace on a free loopback
// port, asks for a sign-in link for the demo manager the way a browser does, and prints the link
// (taken from the SMTP capture server) until Ctrl-C.
/* global fetch, URLSearchParams */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { startMailStack } from './mailstack.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin/klachtenbus.js');
const DEMO = join(ROOT, 'data/demo');
const WEB = process.argv.includes('--web');

const freePort = () =>
  new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });

const date = new Date().toUTCString().replace('GMT', '+0000');
const sample = (from, subject, body, extra = []) =>
  [
    `From: ${from}`,
    'To: StudiJob Klachten <klachten@studijob.test>',
    `Subject: ${subject}`,
    `Date: ${date}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}.demo@mail.test>`,
    ...extra,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');

const MAILS = [
  sample(
    'Sanne Jansen <sanne.jansen@mail.test>',
    'Loonstrook week 46 ontbreekt',
    'Beste StudiJob,\n\nIk heb mijn loonstrook van week 46 nog steeds niet ontvangen, terwijl ik al twee keer heb gebeld.\nKunt u dit oplossen?\n\nMet vriendelijke groet,\nSanne Jansen\n06-12345678',
  ),
  sample(
    'Petra de Vries <p.devries@bouwbedrijf-devries.test>',
    'Klacht over uitzendkracht op project Zuidas',
    'Geachte heer/mevrouw,\n\nDe uitzendkracht die u maandag stuurde, kwam twee dagen te laat en zonder veiligheidsschoenen.\nWij zijn hier zeer ontevreden over en verwachten een reactie.\n\nPetra de Vries\nBouwbedrijf De Vries',
  ),
  sample(
    'Mohamed El Amrani <m.elamrani@mail.test>',
    'Onvriendelijke behandeling bij intake',
    'Hallo,\n\nBij mijn intakegesprek op het kantoor in Utrecht werd ik erg onvriendelijk te woord gestaan.\nIk wil hier graag een klacht over indienen.\n\nGroet,\nMohamed',
  ),
  sample(
    'Jan Bakker <jan.bakker@mail.test>',
    'Automatisch antwoord: Uw bericht',
    'Ik ben tot en met 30 november afwezig. Uw bericht wordt niet doorgestuurd.',
    ['Auto-Submitted: auto-replied', 'X-Auto-Response-Suppress: All'],
  ),
];

function cli(...args) {
  const r = spawnSync(process.execPath, [BIN, '--config', join(DEMO, 'config.yaml'), ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`klachtenbus ${args.join(' ')} exited with ${r.status}`);
}

/** The worker again, with the web workspace, until Ctrl-C; prints a sign-in link for the manager. */
async function serveWorkspace(port) {
  const base = `http://127.0.0.1:${port}`;
  worker = spawn(process.execPath, [BIN, '--config', join(DEMO, 'config.yaml'), 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${base}/login`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // Ask for a link as the sign-in form does: the form's token comes with a cookie.
  const form = await fetch(`${base}/login`);
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())[1];
  const before = new Set(readdirSync(stack.captureDir));
  await fetch(`${base}/login`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email: 'debby@studijob.test', next: '/cases' }).toString(),
  });
  let link = null;
  for (let i = 0; i < 100 && !link; i++) {
    await new Promise((r) => setTimeout(r, 200));
    for (const f of readdirSync(stack.captureDir).filter((n) => n.endsWith('.eml') && !before.has(n))) {
      const text = (await simpleParser(readFileSync(join(stack.captureDir, f)))).text ?? '';
      link = /http:\/\/127\.0\.0\.1:\d+\/login\/\S+/.exec(text)?.[0] ?? link;
    }
  }
  console.log(`\nThe web workspace runs at ${base}`);
  console.log(`Sign in as the demo manager Debby Kooiman with this single-use link (valid 15 minutes):\n  ${link}`);
  console.log('Other links: ask for one on the sign-in page; they arrive in the SMTP capture dir:');
  console.log(`  ${stack.captureDir}\nCtrl-C stops the worker and the mail stack.`);
  await new Promise((r) => {
    process.once('SIGINT', r);
    process.once('SIGTERM', r);
  });
}

const stack = await startMailStack({ users: [{ user: 'klachten', pass: 'demo' }] });
let worker;
try {
  console.log(
    `Private mail stack: IMAP 127.0.0.1:${stack.imap.port}, Redis ${stack.redis.port}, SMTP ${stack.smtp.port}`,
  );
  const webPort = WEB ? await freePort() : 0;
  rmSync(DEMO, { recursive: true, force: true });
  mkdirSync(DEMO, { recursive: true });
  writeFileSync(
    join(DEMO, 'config.yaml'),
    [
      'complaintsAddress: klachten@studijob.test',
      'organisation: { name: StudiJob }',
      'procedure: studijob',
      'dataDir: .',
      'imap:',
      `  url: imap://klachten:demo@127.0.0.1:${stack.imap.port}/INBOX`,
      `smtp: { url: "smtp://127.0.0.1:${stack.smtp.port}" }`,
      `redis: { url: "${stack.redis.url}" }`,
      'mail: { reconcileIntervalSeconds: 1 }',
      'staff:',
      '  domains: [studijob.test]',
      '  members:',
      '    - { name: Debby Kooiman, email: debby@studijob.test, role: manager }',
      'complainants:',
      '  clientDomains: [bouwbedrijf-devries.test]',
      WEB ? `web: { port: ${webPort}, baseUrl: "http://127.0.0.1:${webPort}" }` : 'web: { enabled: false }',
      'log:',
      '  level: warn',
      '',
    ].join('\n'),
  );

  const imap = new ImapFlow({ ...stack.imap, secure: false, auth: { user: 'klachten', pass: 'demo' }, logger: false });
  await imap.connect();
  for (const m of MAILS) await imap.append('INBOX', m);
  await imap.logout();
  console.log(`Delivered ${MAILS.length} mails to the complaints mailbox. Starting the worker…\n`);

  worker = spawn(process.execPath, [BIN, '--config', join(DEMO, 'config.yaml'), 'start'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, KLACHTENBUS_LOG_LEVEL: 'info' },
  });
  await new Promise((resolveIdle, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('the worker did not finish in 60 s')), 60000);
    worker.on('exit', (code) => reject(new Error(`the worker exited early (${code})`)));
    worker.stdout.on('data', (d) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (line.event === 'intake.committed') console.log(`  worker: ${line.msg}  (${line.messageId})`);
        if (line.event === 'imap.idle') {
          clearTimeout(timer);
          resolveIdle();
        }
      }
    });
  });
  // Wait until every queued mail went out (the acknowledgements and the manager notices).
  const settled = () => {
    const rows = JSON.parse(
      spawnSync(process.execPath, [BIN, '--config', join(DEMO, 'config.yaml'), 'outbox', 'list', '--json'], {
        encoding: 'utf8',
      }).stdout,
    );
    return rows.length > 0 && rows.every((r) => !['pending', 'sending'].includes(r.status));
  };
  for (let i = 0; i < 100 && !settled(); i++) await new Promise((r) => setTimeout(r, 200));
  worker.removeAllListeners('exit');
  worker.kill('SIGTERM');
  await new Promise((r) => worker.on('exit', r));
  worker = undefined;

  console.log('\n$ klachtenbus cases list');
  cli('cases', 'list');
  console.log('\n$ klachtenbus mail list');
  cli('mail', 'list');
  console.log('\n$ klachtenbus cases show <first case>');
  const first = JSON.parse(
    spawnSync(process.execPath, [BIN, '--config', join(DEMO, 'config.yaml'), 'cases', 'list', '--json'], {
      encoding: 'utf8',
    }).stdout,
  )[0];
  cli('cases', 'show', first.number);
  console.log('\n$ klachtenbus outbox list');
  cli('outbox', 'list');
  const captured = readdirSync(stack.captureDir)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  const ack = captured.map((f) => readFileSync(join(stack.captureDir, f), 'utf8')).find((m) => /auto-replied/i.test(m));
  if (ack) {
    const parsed = await simpleParser(ack);
    console.log(`\nThe first acknowledgement as the SMTP server received it (${captured.length} mails captured):`);
    console.log(`  To: ${parsed.to?.text}\n  Subject: ${parsed.subject}\n  In-Reply-To: ${parsed.inReplyTo}\n`);
    console.log(parsed.text?.replace(/^/gm, '  | '));
  }
  console.log(`\nThe data stays in data/demo/. Try: node bin/klachtenbus.js --config data/demo/config.yaml cases list`);
  if (WEB) await serveWorkspace(webPort);
} finally {
  worker?.kill('SIGTERM');
  if (worker) await new Promise((r) => setTimeout(r, 1500));
  worker?.kill('SIGKILL');
  await stack.stop();
}
