-- Tern local mail store, schema version 1: accounts, folders, messages, bodies,
-- conversations.  Applied in one transaction; never edit a released file: add
-- a new numbered one (the migration tests create stores at every old version).

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value
) WITHOUT ROWID;

CREATE TABLE accounts (
  id           INTEGER PRIMARY KEY,
  address      TEXT NOT NULL UNIQUE,      -- the e-mail address; 'local' for Local Folders
  kind         INTEGER NOT NULL DEFAULT 0, -- TernStoreAccountKind
  display_name TEXT
);

CREATE TABLE folders (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  parent_id     INTEGER REFERENCES folders (id) ON DELETE CASCADE,
  name          TEXT NOT NULL,             -- last level of path
  path          TEXT NOT NULL,             -- levels joined with '/'
  server_path   TEXT,                      -- the name on the server (IMAP)
  delimiter     TEXT,                      -- the server's hierarchy delimiter
  role          INTEGER NOT NULL DEFAULT 0, -- TernStoreFolderRole
  uidvalidity   INTEGER NOT NULL DEFAULT 0,
  uidnext       INTEGER NOT NULL DEFAULT 1,
  highestmodseq INTEGER NOT NULL DEFAULT 0,
  total         INTEGER NOT NULL DEFAULT 0, -- kept exact by the triggers below
  unread        INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, path)
);
CREATE INDEX folders_parent ON folders (parent_id);

-- Conversations.  A thread merged into another points at it with merged_into.
CREATE TABLE threads (
  id          INTEGER PRIMARY KEY,
  subject     TEXT NOT NULL DEFAULT '',   -- normalised subject (no Re:, case-folded)
  last_date   INTEGER NOT NULL DEFAULT 0,
  merged_into INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX threads_subject ON threads (subject);
CREATE INDEX threads_merged ON threads (merged_into) WHERE merged_into != 0;

-- Every Message-ID seen (in Message-ID, In-Reply-To or References) -> its thread.
CREATE TABLE thread_ids (
  message_id TEXT PRIMARY KEY,
  thread_id  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused
  folder_id       INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
  -- (date << 10) + n, unique: newest-first order, and the row id in the search index
  sort_key        INTEGER NOT NULL,
  uid             INTEGER NOT NULL,           -- IMAP UID; assigned locally elsewhere
  uidl            TEXT,                       -- POP3 UIDL
  flags           INTEGER NOT NULL DEFAULT 0, -- TernStoreFlags
  keywords        TEXT,                       -- IMAP keywords, space separated
  internal_date   INTEGER NOT NULL DEFAULT 0,
  date            INTEGER NOT NULL DEFAULT 0, -- Date header (else internal date), Unix time
  date_tz         INTEGER NOT NULL DEFAULT 0, -- its UTC offset in minutes
  size            INTEGER NOT NULL DEFAULT 0,
  from_addr       TEXT,
  to_addr         TEXT,
  cc_addr         TEXT,
  bcc_addr        TEXT,
  subject         TEXT,
  message_id      TEXT,
  in_reply_to     TEXT,
  refs            TEXT,                       -- References, space separated
  has_attachments INTEGER NOT NULL DEFAULT 0,
  has_body        INTEGER NOT NULL DEFAULT 0, -- 1 when message_bodies has the raw bytes
  preview         TEXT,
  thread_id       INTEGER NOT NULL DEFAULT 0,
  dedup_key       INTEGER NOT NULL DEFAULT 0  -- hash of the raw bytes (import is idempotent)
);
CREATE UNIQUE INDEX messages_sort_key ON messages (sort_key);
CREATE INDEX messages_folder_sort ON messages (folder_id, sort_key);
CREATE UNIQUE INDEX messages_folder_uid ON messages (folder_id, uid);
CREATE INDEX messages_folder_dedup ON messages (folder_id, dedup_key);
CREATE INDEX messages_thread ON messages (thread_id);
CREATE INDEX messages_unread ON messages (sort_key) WHERE (flags & 1) = 0;
CREATE INDEX messages_flagged ON messages (sort_key) WHERE (flags & 4) != 0;

-- The raw RFC 5322 bytes, absent while only the header is known.
CREATE TABLE message_bodies (
  id  INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  raw BLOB NOT NULL
);

-- Exact folder counts: total messages, and those without \Seen.
CREATE TRIGGER messages_counts_insert AFTER INSERT ON messages
BEGIN
  UPDATE folders SET total = total + 1, unread = unread + ((NEW.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END;

CREATE TRIGGER messages_counts_delete AFTER DELETE ON messages
BEGIN
  UPDATE folders SET total = total - 1, unread = unread - ((OLD.flags & 1) = 0)
    WHERE id = OLD.folder_id;
END;

CREATE TRIGGER messages_counts_update AFTER UPDATE OF flags, folder_id ON messages
  WHEN OLD.folder_id != NEW.folder_id OR (OLD.flags & 1) != (NEW.flags & 1)
BEGIN
  UPDATE folders SET total = total - 1, unread = unread - ((OLD.flags & 1) = 0)
    WHERE id = OLD.folder_id;
  UPDATE folders SET total = total + 1, unread = unread + ((NEW.flags & 1) = 0)
    WHERE id = NEW.folder_id;
END;

-- The built-in account and Local Folders.
INSERT INTO accounts (id, address, kind, display_name) VALUES (1, 'local', 0, 'Local Folders');
INSERT INTO folders (id, account_id, name, path, delimiter, role, uidvalidity)
  VALUES (1, 1, 'INBOX', 'INBOX', '/', 1, 1);
INSERT INTO folders (id, account_id, name, path, delimiter, role, uidvalidity)
  VALUES (2, 1, 'Trash', 'Trash', '/', 4, 1);
