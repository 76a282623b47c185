-- Version 6: the web workspace's sign-in. Only hashes of the secrets are stored: a copy of the
-- database gives no way into the workspace.
CREATE TABLE login_links (
  token_hash TEXT PRIMARY KEY,      -- sha256 of the token in the mailed link
  email TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT                      -- set once: a link signs in one time only
);
CREATE INDEX login_links_email ON login_links(email, created_at);

CREATE TABLE web_sessions (
  id_hash TEXT PRIMARY KEY,         -- sha256 of the session cookie's value
  email TEXT NOT NULL,
  csrf TEXT NOT NULL,               -- the token every form of this session carries
  locale TEXT NOT NULL DEFAULT 'nl',
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  ended_at TEXT                     -- signed out
);
CREATE INDEX web_sessions_expiry ON web_sessions(expires_at);
