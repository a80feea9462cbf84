-- Schema version 7: where the server has a journal message under its uid, when that
-- is not the entry's folder.
--
-- An entry names its messages in the folder where they were when it was made. When
-- the server refuses a move made offline, the message stays in its source folder
-- there, under its old UID: the later entries that name it (made while it sat in
-- the target here) follow it to that folder, so a flag change, a second move or a
-- delete made after the refused move still reaches the message the server has.
-- NULL: the entry's own folder.

ALTER TABLE journal_messages ADD COLUMN folder INTEGER;
