-- Schema version 4: POP3 bookkeeping.
--
-- pop3_uidls remembers every UIDL ever downloaded for a POP3 account, including
-- those whose message was deleted here since, so that a message is downloaded
-- once only and "delete from server when deleted here" can send its DELE.  The
-- triggers write it in the same transaction as the message itself: a crash
-- between download and commit leaves neither, so nothing is duplicated.

CREATE TABLE IF NOT EXISTS pop3_uidls (
  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  uidl         TEXT NOT NULL,
  message_id   INTEGER,                    -- messages.id; NULL once deleted here
  downloaded   INTEGER NOT NULL,           -- Unix time of the download
  deleted_here INTEGER NOT NULL DEFAULT 0, -- 1: deleted here, DELE pending or done
  PRIMARY KEY (account_id, uidl)
);
CREATE INDEX IF NOT EXISTS pop3_uidls_message ON pop3_uidls (message_id);
CREATE INDEX IF NOT EXISTS messages_uidl ON messages (uidl) WHERE uidl IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS pop3_uidls_insert AFTER INSERT ON messages
  WHEN new.uidl IS NOT NULL
BEGIN
  INSERT OR IGNORE INTO pop3_uidls (account_id, uidl, message_id, downloaded)
    SELECT f.account_id, new.uidl, new.id, CAST(strftime('%s', 'now') AS INTEGER)
      FROM folders f WHERE f.id = new.folder_id;
END;

-- A message deleted here: point the record at another copy with the same UIDL
-- (a copy to another folder), or mark it deleted when none is left.
CREATE TRIGGER IF NOT EXISTS pop3_uidls_delete AFTER DELETE ON messages
  WHEN old.uidl IS NOT NULL
BEGIN
  UPDATE pop3_uidls
     SET message_id = (SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id
                        WHERE m.uidl = old.uidl AND f.account_id = pop3_uidls.account_id
                        LIMIT 1)
   WHERE message_id = old.id;
  UPDATE pop3_uidls SET deleted_here = 1
   WHERE uidl = old.uidl AND message_id IS NULL AND deleted_here = 0;
END;
