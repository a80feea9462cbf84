-- Schema version 5: IMAP subscriptions; header rows waiting for the search index.
--
-- folders.subscribed: whether the server lists the folder as subscribed (LSUB /
-- LIST (SUBSCRIBED)). Every folder is synced; the UI may show the subscribed ones
-- only. Local and POP3 folders count as subscribed.
--
-- The IMAP sync stores header rows out of the search index (indexed = 0) when their
-- bodies follow in the same run, which index them whole. Rows a run left that way
-- (killed, or a body window set since) are indexed by their headers at the next
-- sync (tern_store_db_index_headers()); this index finds them without a scan.

ALTER TABLE folders ADD COLUMN subscribed INTEGER NOT NULL DEFAULT 1;
CREATE INDEX IF NOT EXISTS messages_unindexed ON messages (folder_id) WHERE indexed = 0;
