-- Version 5: connections whose authentication keeps failing (OAuth2 token refresh), for the health
-- check and the one-time operator notice. A row exists only while the connection is failing.
CREATE TABLE auth_state (
  connection TEXT PRIMARY KEY,      -- 'imap' or 'smtp'
  failing_since TEXT NOT NULL,
  failures INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  notified_at TEXT,
  updated_at TEXT NOT NULL
);
