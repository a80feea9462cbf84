-- Schema version 11: the messages still without their body, found without a scan.
--
-- Every IMAP sync asks which messages of a folder still need their body
-- (tern_store_db_sync_list_missing_bodies):
--   SELECT ... FROM messages WHERE folder_id = ? AND has_body = 0 AND uid < ? AND date >= ?
--   ORDER BY uid DESC
-- Through messages_folder_uid that read every row of the folder, wide rows and all,
-- to find none: a third of the CPU of a sync that found nothing new in a
-- 10,000-message INBOX. This index holds the bodiless rows only, so the answer costs
-- what there is to fetch. It is empty once a first sync has every body.

CREATE INDEX messages_bodiless ON messages (folder_id, uid, date) WHERE has_body = 0;
