-- Schema version 2: full-text search.
--
-- Contentless FTS5 (content=''): the text is not stored twice, only the index.
-- The row id is messages.sort_key, so the index yields matches newest first
-- without sorting.  detail=full keeps positions for "phrase" queries;
-- columnsize=0 because results are ordered by date, not by rank.
-- messages.indexed says what a row's index entry was made from (0 nothing,
-- 1 the header only, 2 the full message), which deleting the entry needs.
-- The store fills the index for existing messages after this script.

ALTER TABLE messages ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;

CREATE VIRTUAL TABLE message_search USING fts5 (
  sender, recipients, subject, body, attachments,
  content = '',
  columnsize = 0,
  detail = full,
  tokenize = 'unicode61 remove_diacritics 2'
);
