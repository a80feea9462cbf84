-- Schema version 3: what waits for the network: the outbox and the journal of
-- server operations made offline, replayed in id order.

CREATE TABLE outbox (
  id           INTEGER PRIMARY KEY,
  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  mail_from    TEXT NOT NULL,
  rcpt_to      TEXT NOT NULL,              -- recipients, one per line
  raw          BLOB NOT NULL,
  state        INTEGER NOT NULL DEFAULT 0, -- 0 queued, 1 sending, 2 sent (copy to Sent pending), 3 failed
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT,
  created      INTEGER NOT NULL,
  next_attempt INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_account ON outbox (account_id, state);

CREATE TABLE journal (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  op               INTEGER NOT NULL,       -- TernStoreJournalOp
  folder_id        INTEGER,
  target_folder_id INTEGER,
  uids             TEXT,                   -- IMAP UID set, e.g. "1:5,9"
  flags_add        INTEGER NOT NULL DEFAULT 0,
  flags_remove     INTEGER NOT NULL DEFAULT 0,
  keywords_add     TEXT,
  keywords_remove  TEXT,
  name             TEXT,                   -- folder create/rename: the new path
  message          INTEGER,                -- append: messages.id of the local copy
  created          INTEGER NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX journal_account ON journal (account_id, id);
