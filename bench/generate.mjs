// Benchmark corpus: a deterministic generator of realistic complaint mails (maildir.mjs writes them
// straight into a Dovecot Maildir).
//
// What it makes (issue 6): N complaint mails, Dutch (about 70 %) and English, from many different
// senders (a few complain twice; none more, so the acknowledgement rate limit of 3 per sender per
// hour never suppresses one). The size mix is drawn per mail:
//   80 %  2-10 KB, plain text (half of them quoted-printable) or multipart/alternative text + HTML
//   15 %  the same plus one 50-300 KB attachment (PDF, JPEG or DOCX bytes, base64)
//    5 %  the same plus one 2-5 MB attachment
// About 9 % of the small mails are replies to an earlier complaint (Re:/Antw:, In-Reply-To and
// References to its Message-ID, quoted text), so they join that case instead of opening one.
//
// Why this way: an IMAP APPEND per mail would make filling 10,000 mails (about 3 GB) take many
// minutes. Dovecot reads a Maildir it has not indexed yet on the first SELECT, so maildir.mjs
// writes the files straight into `cur/` (exact S= and W= sizes in the names, see there): 1,000
// mails (about 290 MB) take a few seconds. The vocabulary is in vocabulary.mjs.
//
// Deterministic: one PRNG stream, consumed in order, so the mails depend only on the seed, N and
// `baseTime`, and the first 200 mails of an N=1000 run differ from those of an N=200 run only in
// their dates. The dates spread evenly over the two hours before `baseTime`, so every deadline,
// reminder and escalation of the cases lies in the future when the benchmark runs (old dates would
// make the worker send every reminder at once and measure something else).
import {
  NL_FIRST,
  NL_LAST,
  EN_FIRST,
  EN_LAST,
  CLIENT_DOMAINS,
  PRIVATE_DOMAINS,
  NL_SUBJECTS,
  EN_SUBJECTS,
  NL_SENTENCES,
  EN_SENTENCES,
  ATTACHMENTS,
} from './vocabulary.mjs';

export { CLIENT_DOMAINS } from './vocabulary.mjs';

/** Mix of the corpus; the fractions the issue asks for. */
export const MIX = Object.freeze({ large: 0.05, medium: 0.15, replyOfSmall: 0.09, dutch: 0.7, html: 0.4 });

/** sfc32 seeded through xmur3: small, fast, and the same numbers on every machine. */
export function prng(seed) {
  let h = 1779033703 ^ String(seed).length;
  for (const ch of String(seed)) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
  let a = next();
  let b = next();
  let c = next();
  let d = next();
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  const rnd = () => u32() / 4294967296;
  return {
    u32,
    rnd,
    int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(rnd() * arr.length)],
    chance: (p) => rnd() < p,
  };
}

// ---------------------------------------------------------------- encoding helpers

/** Word-wraps one paragraph at 76 columns (lines must stay below the RFC 5322 limit of 998). */
function wrap(text, width = 76) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** Quoted-printable (RFC 2045) of UTF-8 text with LF line ends, soft breaks at 76 columns. */
function quotedPrintable(text) {
  const out = [];
  for (const line of text.split('\n')) {
    let enc = '';
    const bytes = Buffer.from(line, 'utf8');
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      const last = i === bytes.length - 1;
      const plain = (b >= 33 && b <= 126 && b !== 61) || (b === 32 && !last);
      enc += plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    while (enc.length > 76) {
      let cut = 75;
      // never split an =XX escape
      if (enc[cut - 1] === '=') cut -= 1;
      else if (enc[cut - 2] === '=') cut -= 2;
      out.push(`${enc.slice(0, cut)}=`);
      enc = enc.slice(cut);
    }
    out.push(enc);
  }
  return out.join('\n');
}

/** RFC 2047 encoded-word for a header value that is not plain ASCII. */
function headerText(value) {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

function address(name, email) {
  if (!/^[\x20-\x7e]*$/.test(name)) return `${headerText(name)} <${email}>`;
  return /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*$/.test(name) ? `${name} <${email}>` : `"${name}" <${email}>`;
}

// Attachments are random bytes, but drawing 3 GB from the PRNG byte by byte would take a minute.
// So each generator draws a pool of base64 lines once, and an attachment is one line of its own
// (the file-type magic and fresh random bytes: every attachment has its own SHA-256) followed by
// pool lines from a random start. Valid base64 of exactly the drawn number of bytes, built by
// copying 300 KB blocks. Nothing in the pipeline compresses or deduplicates below file level, so
// the repetition changes no measurement.
const POOL_LINES = 4096;
const LINE = 77; // 76 base64 characters (57 bytes) + LF

function base64Pool(r) {
  const raw = Buffer.allocUnsafe(POOL_LINES * 57);
  for (let i = 0; i < raw.length; i += 4) raw.writeUInt32LE(r.u32(), Math.min(i, raw.length - 4));
  const pool = Buffer.allocUnsafe(POOL_LINES * LINE);
  for (let l = 0; l < POOL_LINES; l++) {
    pool.write(raw.subarray(l * 57, (l + 1) * 57).toString('base64'), l * LINE, 'latin1');
    pool[l * LINE + 76] = 10;
  }
  return pool;
}

function randomBytes(r, n) {
  const buf = Buffer.allocUnsafe(n + 4);
  for (let i = 0; i < n; i += 4) buf.writeUInt32LE(r.u32(), i);
  return buf.subarray(0, n);
}

/** The base64 body (76-column LF lines) of a `bytes`-byte file starting with `magic`. */
function attachmentBase64(r, pool, bytes, magic) {
  const full = Math.floor(bytes / 57);
  const rest = bytes % 57;
  const restLen = rest ? Math.ceil(rest / 3) * 4 + 1 : 0;
  const out = Buffer.allocUnsafe(full * LINE + restLen);
  const head = randomBytes(r, 57);
  head.write(magic, 0, 'latin1');
  out.write(head.toString('base64'), 0, 'latin1');
  out[76] = 10;
  let o = LINE;
  let line = r.int(0, POOL_LINES - 1);
  for (let left = full - 1; left > 0;) {
    const take = Math.min(left, POOL_LINES - line);
    o += pool.copy(out, o, line * LINE, (line + take) * LINE);
    left -= take;
    line = 0;
  }
  if (rest) {
    o += out.write(randomBytes(r, rest).toString('base64'), o, 'latin1');
    out[o] = 10;
  }
  return out;
}

/** RFC 5322 date in UTC, `Sun, 22 Nov 2026 02:38:30 +0000`. */
function rfcDate(d) {
  return d.toUTCString().replace('GMT', '+0000');
}

const slug = (s) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

// ---------------------------------------------------------------- the generator

/**
 * Yields N mails, in order. Each: { index, raw (Buffer, LF line ends), date, messageId, from,
 * subject, lang, size: 'small'|'medium'|'large', isReply, inReplyTo }.
 * @param {{ n: number, seed?: string, baseTime?: number, windowMs?: number, tag?: string,
 *           smallOnly?: boolean, noReplies?: boolean, dateOf?: (i: number) => Date }} o
 */
export function* generateMails(o) {
  const { n, seed = 'klachtenbus-bench-1', baseTime = Date.now(), windowMs = 2 * 3600_000, tag = 'b' } = o;
  const r = prng(seed);
  const pool = base64Pool(r);
  /** Earlier complaints that may get a reply or a second complaint from the same sender. */
  const complaints = [];
  const senderCount = new Map();
  const step = windowMs / Math.max(1, n);
  for (let i = 0; i < n; i++) {
    const date = o.dateOf ? o.dateOf(i) : new Date(Math.floor(baseTime - windowMs + i * step));
    const roll = r.rnd();
    const size = o.smallOnly
      ? 'small'
      : roll < MIX.large
        ? 'large'
        : roll < MIX.large + MIX.medium
          ? 'medium'
          : 'small';
    const replyTo =
      !o.noReplies && size === 'small' && complaints.length >= 5 && r.chance(MIX.replyOfSmall)
        ? r.pick(complaints)
        : null;
    let sender;
    if (replyTo) sender = replyTo.sender;
    else {
      const again = complaints.length > 20 && r.chance(0.04) ? r.pick(complaints).sender : null;
      sender = again && (senderCount.get(again.email) ?? 0) < 2 ? again : newSender(r, i, tag);
      senderCount.set(sender.email, (senderCount.get(sender.email) ?? 0) + 1);
    }
    const lang = replyTo ? replyTo.lang : sender.lang;
    const messageId = `${r.u32().toString(16)}${r.u32().toString(16)}.${tag}${i}@${sender.email.split('@')[1]}`;
    const subject = replyTo
      ? `${lang === 'nl' ? r.pick(['Re: ', 'RE: ', 'Antw: ']) : r.pick(['Re: ', 'RE: '])}${replyTo.subject}`
      : r.pick(lang === 'nl' ? NL_SUBJECTS : EN_SUBJECTS)(r);
    const raw = buildMail(r, { i, date, messageId, sender, subject, lang, size, replyTo, pool });
    const mail = { index: i, raw, date, messageId, from: sender.email, subject, lang, size, isReply: !!replyTo };
    mail.inReplyTo = replyTo ? replyTo.messageId : null;
    if (!replyTo) complaints.push({ messageId, subject, sender, lang });
    yield mail;
  }
}

function newSender(r, i, tag) {
  const lang = r.chance(MIX.dutch) ? 'nl' : 'en';
  const first = r.pick(lang === 'nl' ? NL_FIRST : EN_FIRST);
  const last = r.pick(lang === 'nl' ? NL_LAST : EN_LAST);
  const client = lang === 'nl' && r.chance(0.3);
  const domain = client ? r.pick(CLIENT_DOMAINS) : r.pick(PRIVATE_DOMAINS);
  // the index makes every new sender unique (no rate limit on acknowledgements)
  const email = `${slug(first)}.${slug(last)}.${tag}${i}@${domain}`;
  return { name: `${first} ${last}`, email, lang, company: client ? domain.split('.')[0] : null };
}

function paragraphs(r, lang, targetBytes) {
  const pool = lang === 'nl' ? NL_SENTENCES : EN_SENTENCES;
  const paras = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const sentences = [];
    for (let k = r.int(2, 5); k > 0; k--) sentences.push(r.pick(pool));
    const p = sentences.join(' ');
    paras.push(p);
    bytes += Buffer.byteLength(p) + 2;
  }
  return paras;
}

function buildMail(r, m) {
  const { i, date, messageId, sender, subject, lang, size, replyTo } = m;
  const nl = lang === 'nl';
  const headers = [
    `Return-Path: <${sender.email}>`,
    `Received: from mx${r.int(1, 9)}.${sender.email.split('@')[1]} (mx.${sender.email.split('@')[1]} [192.0.2.${r.int(1, 254)}])`,
    `\tby mail.studijob.test with ESMTPS id ${r.u32().toString(36)}${i}`,
    `\tfor <klachten@studijob.test>; ${rfcDate(date)}`,
    `From: ${address(sender.name, sender.email)}`,
    'To: StudiJob Klachten <klachten@studijob.test>',
    `Subject: ${headerText(subject)}`,
    `Date: ${rfcDate(date)}`,
    `Message-ID: <${messageId}>`,
  ];
  if (replyTo) headers.push(`In-Reply-To: <${replyTo.messageId}>`, `References: <${replyTo.messageId}>`);
  if (r.chance(0.5))
    headers.push(`X-Mailer: ${r.pick(['Microsoft Outlook 16.0', 'Apple Mail (2.3774)', 'Thunderbird 128.4'])}`);
  headers.push(`Content-Language: ${nl ? 'nl-NL' : 'en-GB'}`, 'MIME-Version: 1.0');

  // the text: greeting, paragraphs up to the drawn size, signature (and the quote of a reply)
  // target = the whole mail's size for a small one; the HTML alternative roughly doubles the text
  const html = r.chance(MIX.html);
  const total = size === 'small' ? r.int(2048, 10240) : r.int(1024, 4096);
  const target = Math.max(300, Math.round((total - (html ? 1500 : 950)) / (html ? 2.25 : 1.02)));
  const greeting = nl
    ? r.pick(['Beste StudiJob,', 'Geachte heer/mevrouw,', 'Hallo,'])
    : r.pick(['Dear StudiJob,', 'Hello,']);
  const closing = nl
    ? r.pick(['Met vriendelijke groet,', 'Groet,', 'Met vriendelijke groeten,'])
    : r.pick(['Kind regards,', 'Best regards,']);
  const phone = `06-${r.int(10000000, 99999999)}`;
  const signature = [sender.name, ...(sender.company ? [sender.company] : []), phone];
  const body = paragraphs(r, lang, replyTo ? Math.min(target, 1200) : target);
  const quote = replyTo
    ? [
        `${nl ? 'Op' : 'On'} ${rfcDate(new Date(date.getTime() - 3600_000))} ${nl ? 'schreef' : 'wrote'} ${sender.name}:`,
        ...paragraphs(r, lang, target - 1200).map((p) => wrap(p, 74).replace(/^/gm, '> ')),
      ]
    : [];
  const text = [
    greeting,
    '',
    ...body.flatMap((p) => [wrap(p), '']),
    closing,
    ...signature,
    ...(quote.length ? ['', ...quote] : []),
  ].join('\n');
  const qp = r.chance(0.5);
  const textPart = (extraHeaders = []) => [
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${qp ? 'quoted-printable' : '8bit'}`,
    ...extraHeaders,
    '',
    qp ? quotedPrintable(text) : text,
  ];
  let bodyPart;
  if (html) {
    const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const htmlText = [
      '<html><head><meta charset="utf-8"><style>p{font-family:Calibri,Arial,sans-serif;font-size:11pt}</style></head><body>',
      `<p>${esc(greeting)}</p>`,
      ...body.map((p) => `<p>${wrap(esc(p))}</p>`),
      `<p>${esc(closing)}<br>\n<b>${esc(sender.name)}</b><br>\n${sender.company ? `${esc(sender.company)}<br>\n` : ''}Tel. ${phone}</p>`,
      ...(quote.length
        ? [
            `<blockquote style="border-left:1px solid #ccc;padding-left:8px">${quote.map(esc).join('<br>\n')}</blockquote>`,
          ]
        : []),
      '</body></html>',
    ].join('\n');
    const b = `----=_alt_${r.u32().toString(16)}`;
    bodyPart = [
      `Content-Type: multipart/alternative; boundary="${b}"`,
      '',
      `--${b}`,
      ...textPart(),
      `--${b}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      quotedPrintable(htmlText),
      `--${b}--`,
    ];
  } else bodyPart = textPart();

  if (size === 'small') return Buffer.from(`${[...headers, ...bodyPart].join('\n')}\n`, 'utf8');
  const bytes = size === 'medium' ? r.int(50 * 1024, 300 * 1024) : r.int(2 * 1024 * 1024, 5 * 1024 * 1024);
  const kind = r.pick(ATTACHMENTS);
  const name = kind.name(r);
  const b = `----=_mixed_${r.u32().toString(16)}`;
  const before = [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${b}"`,
    '',
    'This is a multi-part message in MIME format.',
    '',
    `--${b}`,
    ...bodyPart,
    `--${b}`,
    `Content-Type: ${kind.type}; name="${name}"`,
    `Content-Disposition: attachment; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
  ];
  return Buffer.concat([
    Buffer.from(`${before.join('\n')}\n`, 'utf8'),
    attachmentBase64(r, m.pool, bytes, kind.magic),
    Buffer.from(`--${b}--\n`, 'utf8'),
  ]);
}
