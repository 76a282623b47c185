-- Version 7: a random secret of this installation. It goes into the hash part of the Message-IDs
-- of our outgoing mail, so two installations (with the same intake.messageIdDomain, say the
-- default) never send two different mails under one Message-ID: a customer's mail program could
-- take the second for a copy of the first and not show it.
CREATE TABLE installation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  secret TEXT NOT NULL
);
INSERT INTO installation (id, secret) VALUES (1, lower(hex(randomblob(16))));
