-- Version 4: everything the procedures record on a case, and its closing.
-- (complainant_type, customer_name, description, people_involved and handler exist since 0001.)
ALTER TABLE cases ADD COLUMN category TEXT;                  -- from the configured list
ALTER TABLE cases ADD COLUMN control_measures TEXT;          -- beheersmaatregelen (with the solution)
ALTER TABLE cases ADD COLUMN cause TEXT;                     -- oorzaak
ALTER TABLE cases ADD COLUMN structural_solution TEXT;       -- structurele oplossing
ALTER TABLE cases ADD COLUMN preventive_measures TEXT;       -- preventieve maatregelen
ALTER TABLE cases ADD COLUMN internal_communication TEXT;    -- how it is communicated internally
ALTER TABLE cases ADD COLUMN internal_communication_at TEXT; -- and when
ALTER TABLE cases ADD COLUMN discussed_with TEXT;            -- the employee concerned (Spijtenburg)
ALTER TABLE cases ADD COLUMN discussed_at TEXT;
ALTER TABLE cases ADD COLUMN discussed_note TEXT;
ALTER TABLE cases ADD COLUMN satisfaction TEXT NOT NULL DEFAULT 'unknown'
  CHECK (satisfaction IN ('satisfied', 'not-satisfied', 'unknown'));
ALTER TABLE cases ADD COLUMN closed_by TEXT;
CREATE INDEX cases_received ON cases(received_at);

-- Reports sent on schedule: one row per period, so a report goes out once even across restarts.
CREATE TABLE report_deliveries (
  period TEXT PRIMARY KEY,          -- '2026-Q4' or '2026'
  outbox_id INTEGER REFERENCES outbox(id),
  created_at TEXT NOT NULL
);
