-- Schema version 6: the messages of a journal entry, each with the UID the server
-- knows it by when the entry is replayed.
--
-- An operation on a message the server has not got under its final UID yet (moved,
-- copied or uploaded offline, not replayed) names the message with uid 0; the entry
-- that places it on the server (a MOVE, COPY or APPEND, replayed first since the
-- journal is replayed in order) hands the UID the server gave on to the later
-- entries that name it, up to the first that moves or deletes it. So any chain of
-- operations made offline, an undo among them, reaches the server as it was made.

CREATE TABLE journal_messages (
  entry   INTEGER NOT NULL REFERENCES journal (id) ON DELETE CASCADE,
  message INTEGER NOT NULL,                -- messages.id (the row may be gone since)
  uid     INTEGER NOT NULL DEFAULT 0,      -- its UID on the server, 0 while not known
  copy    INTEGER,                         -- a COPY: the local copy's messages.id
  PRIMARY KEY (entry, message)
) WITHOUT ROWID;
CREATE INDEX journal_messages_message ON journal_messages (message, entry);

-- Entries journaled by version 5: moves and copies kept "uid:message" pairs in
-- name; flag changes on a message without a server UID named it in message.
WITH RECURSIVE split (entry, rest, pair) AS (
  SELECT id, name || ' ', '' FROM journal WHERE op IN (2, 3) AND name IS NOT NULL
  UNION ALL
  SELECT entry, substr (rest, instr (rest, ' ') + 1), substr (rest, 1, instr (rest, ' ') - 1)
    FROM split WHERE rest != ''
)
INSERT OR IGNORE INTO journal_messages (entry, message, uid, copy)
  SELECT entry, CAST (substr (pair, instr (pair, ':') + 1) AS INTEGER),
         CAST (substr (pair, 1, instr (pair, ':') - 1) AS INTEGER),
         CASE (SELECT op FROM journal WHERE id = entry) WHEN 3
           THEN CAST (substr (pair, instr (pair, ':') + 1) AS INTEGER) END
    FROM split WHERE pair != '' AND instr (pair, ':') > 0;
UPDATE journal SET name = NULL WHERE op IN (2, 3);

INSERT OR IGNORE INTO journal_messages (entry, message, uid)
  SELECT id, message, 0 FROM journal WHERE op = 1 AND uids IS NULL AND message IS NOT NULL;
UPDATE journal SET message = NULL WHERE op = 1 AND uids IS NULL;
