-- Version 2: outgoing mail through a durable outbox, and the deadlines stored on the case.

-- The procedure profile that applied at registration, the case's locale, and its deadlines
-- (computed on the working-day calendar when the case is registered).
ALTER TABLE cases ADD COLUMN procedure TEXT NOT NULL DEFAULT 'default';
ALTER TABLE cases ADD COLUMN locale TEXT NOT NULL DEFAULT 'nl';
ALTER TABLE cases ADD COLUMN contact_due_at TEXT;
ALTER TABLE cases ADD COLUMN feedback_due_at TEXT;

-- Every mail Klachtenbus sends, written in the same transaction as the change that causes it,
-- before any attempt to send it. Redis only holds the jobs that send these rows; it can be rebuilt
-- from here at any time.
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  -- Deterministic: the same cause never queues a second mail (e.g. 'ack:KL-2026-0001').
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,                -- acknowledgement | manager-notice | reminder | escalation | …
  case_id INTEGER REFERENCES cases(id),
  message_id TEXT NOT NULL UNIQUE,   -- the final Message-ID (without <>), known before sending
  from_addr TEXT NOT NULL,
  to_json TEXT NOT NULL,             -- ["a@b.test"]
  reply_to TEXT,
  in_reply_to TEXT,
  references_json TEXT NOT NULL DEFAULT '[]',
  subject TEXT NOT NULL,
  body_text TEXT NOT NULL,
  body_html TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'ambiguous', 'suppressed')),
  status_reason TEXT,                -- why failed / ambiguous / suppressed
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  smtp_response TEXT,
  not_before TEXT NOT NULL,          -- not sent before this time (business hours for notifications)
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_status ON outbox(status, not_before);
CREATE INDEX outbox_case ON outbox(case_id);
-- The per-sender acknowledgement cap counts recent acknowledgements to one address.
CREATE INDEX outbox_ack_recipient ON outbox(kind, to_json, created_at);
