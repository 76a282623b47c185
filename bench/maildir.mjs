// Writing the benchmark's mails straight into a Dovecot Maildir, fast (see generate.mjs for why).
//
// Files go to `cur/` (via `tmp/` and a rename) named `<unixtime>.M<usec>P<pid>Q<i>.bench,S=<bytes>,
// W=<bytes with CRLF>:2,` as /work/shared/mailstack.md describes: Dovecot takes RFC822.SIZE from the
// name, so the sizes must be exact or FETCH BODY[] fails. The files have LF line ends (Dovecot
// serves CRLF, hence W = bytes + number of LFs), mtime = the mail's date (= INTERNALDATE), `:2,` =
// no flags (not \Seen, not \Recent). Dovecot gives out UIDs in file-name order (time, then
// microseconds), so the names follow generation order. As root, every dir and file is handed to
// the mail uid (Dovecot refuses uid 0).
import {
  closeSync,
  fchownSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** Creates `<home>/Maildir/{cur,new,tmp}` owned by the mail user (when we are root). */
export function ensureMaildir(home, owner) {
  const maildir = join(home, 'Maildir');
  for (const d of [maildir, join(maildir, 'cur'), join(maildir, 'new'), join(maildir, 'tmp')]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    if (owner) fchownPath(d, owner);
  }
  return maildir;
}

function fchownPath(path, owner) {
  const fd = openSync(path, 'r');
  try {
    fchownSync(fd, owner.uid, owner.gid);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the mails into `<maildir>/cur` (via tmp/ and a rename). Returns the totals:
 * { files, bytes (on disk, LF), imapBytes (as IMAP serves them, CRLF), replies, bySize }.
 * @param {string} maildir @param {Iterable<any>} mails @param {{ uid: number, gid: number } | null} owner
 * @param {(done: number) => void} [progress]
 */
export function writeMaildir(maildir, mails, owner, progress) {
  const totals = { files: 0, bytes: 0, imapBytes: 0, replies: 0, bySize: { small: 0, medium: 0, large: 0 } };
  for (const m of mails) {
    const raw = m.raw;
    if (raw.includes(13)) throw new Error(`generator: mail ${m.index} contains a CR`);
    let lf = 0;
    for (let p = raw.indexOf(10); p >= 0; p = raw.indexOf(10, p + 1)) lf++;
    const ms = m.date.getTime();
    const sec = Math.floor(ms / 1000);
    // microseconds: the date's milliseconds plus the index, so names sort in generation order
    const usec = (ms % 1000) * 1000 + (m.index % 1000);
    const name = `${sec}.M${usec}P${process.pid}Q${m.index}.bench,S=${raw.length},W=${raw.length + lf}:2,`;
    const tmp = join(maildir, 'tmp', name);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      let off = 0;
      while (off < raw.length) off += writeSync(fd, raw, off, raw.length - off);
      if (owner) fchownSync(fd, owner.uid, owner.gid);
    } finally {
      closeSync(fd);
    }
    utimesSync(tmp, m.date, m.date);
    renameSync(tmp, join(maildir, 'cur', name));
    totals.files++;
    totals.bytes += raw.length;
    totals.imapBytes += raw.length + lf;
    totals.bySize[m.size]++;
    if (m.isReply) totals.replies++;
    if (progress && totals.files % 500 === 0) progress(totals.files);
  }
  return totals;
}

/**
 * Gives a second mailbox the same mails as a first, by hard links (same names, same inodes: no
 * copy of gigabytes). Safe: Dovecot never changes a Maildir file's content, only renames/unlinks.
 */
export function linkMaildir(fromMaildir, toMaildir) {
  let n = 0;
  for (const name of readdirSync(join(fromMaildir, 'cur'))) {
    linkSync(join(fromMaildir, 'cur', name), join(toMaildir, 'cur', name));
    n++;
  }
  return n;
}
