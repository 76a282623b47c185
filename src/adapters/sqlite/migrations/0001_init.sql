-- Klachtenbus schema, version 1: intake.
-- Times are ISO-8601 strings in UTC (`2026-11-24T09:00:00.000Z`).

-- One row per case number year: gives gap-free numbers (KL-2026-0001, KL-2026-0002, …).
CREATE TABLE case_counters (
  year INTEGER PRIMARY KEY,
  last_seq INTEGER NOT NULL
);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  number TEXT NOT NULL UNIQUE,
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
  needs_review INTEGER NOT NULL DEFAULT 0,
  received_at TEXT NOT NULL,
  registered_by TEXT NOT NULL,
  complainant_name TEXT,
  complainant_email TEXT,
  complainant_type TEXT NOT NULL DEFAULT 'unknown'
    CHECK (complainant_type IN ('client', 'temp-worker', 'other', 'unknown')),
  customer_name TEXT,
  subject TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  people_involved TEXT,
  handler TEXT,
  linked_case_id INTEGER REFERENCES cases(id),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,
  UNIQUE (year, seq)
);
CREATE INDEX cases_status ON cases(status, received_at);
CREATE INDEX cases_complainant ON cases(complainant_email);

-- Every ingested mail, whatever its fate. The raw source is a content-addressed file
-- (raw/<sha256[0:2]>/<sha256>.eml under the data dir), written before the row.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  -- The Message-ID (without <>), synthesised from the raw source's hash when missing.
  message_id TEXT NOT NULL UNIQUE,
  message_id_synthetic INTEGER NOT NULL DEFAULT 0,
  raw_sha256 TEXT NOT NULL,
  raw_size INTEGER NOT NULL,
  source TEXT NOT NULL,            -- 'imap:<mailbox>' or 'file'
  received_at TEXT NOT NULL,       -- IMAP INTERNALDATE, else the Date header, else ingest time
  date_header TEXT,
  from_name TEXT,
  from_email TEXT,
  to_json TEXT NOT NULL DEFAULT '[]',
  subject TEXT NOT NULL DEFAULT '',
  in_reply_to TEXT,
  references_json TEXT NOT NULL DEFAULT '[]',
  body_text TEXT NOT NULL DEFAULT '',
  body_html TEXT,
  classification TEXT NOT NULL CHECK (classification IN
    ('complaint', 'reply', 'automatic-attached', 'automatic-ignored', 'duplicate', 'unparseable')),
  reasons_json TEXT NOT NULL DEFAULT '[]',
  parse_error TEXT,
  case_id INTEGER REFERENCES cases(id),
  ingested_at TEXT NOT NULL
);
CREATE INDEX messages_case ON messages(case_id);
CREATE INDEX messages_sha ON messages(raw_sha256);
CREATE INDEX messages_received ON messages(received_at);

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id),
  filename TEXT NOT NULL,          -- sanitised
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT,                     -- null when withheld; file at attachments/<sha[0:2]>/<sha>
  inline INTEGER NOT NULL DEFAULT 0,
  withheld TEXT                    -- reason, e.g. 'size-cap'
);
CREATE INDEX attachments_message ON attachments(message_id);

-- The audit trail: who did what when. Append-only (enforced below).
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER REFERENCES cases(id),
  message_id INTEGER REFERENCES messages(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  type TEXT NOT NULL,
  data_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_case ON events(case_id, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- IMAP sync state per mailbox. UIDVALIDITY is text: it is a 32-bit unsigned value and some
-- servers send values that do not fit a signed 32-bit integer.
CREATE TABLE mailbox_state (
  mailbox TEXT PRIMARY KEY,        -- 'user@host/INBOX'
  uidvalidity TEXT,
  last_uid INTEGER NOT NULL DEFAULT 0,
  last_full_sync_at TEXT
);

-- Which UIDs (per UIDVALIDITY) were committed, and whether the server was told (flag/move).
CREATE TABLE mailbox_uids (
  mailbox TEXT NOT NULL,
  uidvalidity TEXT NOT NULL,
  uid INTEGER NOT NULL,
  message_row_id INTEGER NOT NULL REFERENCES messages(id),
  done INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (mailbox, uidvalidity, uid)
);
