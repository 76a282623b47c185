-- Version 3: the milestones of the procedure, recorded on the case (each also an audit event).
ALTER TABLE cases ADD COLUMN contact_at TEXT;            -- the customer was contacted
ALTER TABLE cases ADD COLUMN contact_by TEXT;
ALTER TABLE cases ADD COLUMN feedback_at TEXT;           -- feedback given: a solution, or a date
ALTER TABLE cases ADD COLUMN feedback_by TEXT;
ALTER TABLE cases ADD COLUMN solution TEXT;              -- the solution offered to the customer
ALTER TABLE cases ADD COLUMN solution_due_at TEXT;       -- promised date of the solution (a deadline)
ALTER TABLE cases ADD COLUMN solution_at TEXT;           -- when the solution was given
CREATE INDEX cases_open_deadlines ON cases(status, contact_due_at, feedback_due_at);
