-- Schema version 10: a folder's conversations listed from an index alone.
--
-- A conversation list (tern_store_thread_list) starts with every message of the
-- folder, newest first, with its thread:
--   SELECT sort_key, thread_id, id FROM messages WHERE folder_id = ? ORDER BY sort_key DESC
-- messages_folder_sort gave the order but not the thread, so each row was read from
-- the table as well: most of the 0.2 s it took a 100,000-message INBOX to list. With
-- thread_id in the index the query reads the index only; the index serves every
-- query the old one did (same leading columns).

CREATE INDEX messages_folder_sort_thread ON messages (folder_id, sort_key, thread_id);
DROP INDEX messages_folder_sort;
