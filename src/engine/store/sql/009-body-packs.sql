-- Schema version 9: message bodies in pack files beside the store, written once.
--
-- A body kept in SQLite (message_bodies) is written twice: into the write-ahead log at
-- the commit, then into the database file at the checkpoint. New bodies are appended
-- instead to a pack file, STORE-bodies/NNNNNN.pack, before the transaction that
-- records where (message_files) commits: a committed row always names bytes already
-- written (kill -9 cannot separate them), the packs are synced to disk before any
-- checkpoint or durable commit makes rows durable, and a body is checked against
-- its length and checksum (adler32) whenever it is read, so that a body a power cut
-- lost is fetched again instead of shown damaged (tern-store-db-bodies.c).
--
-- Bodies stored by earlier versions stay in message_bodies and are read from there;
-- a body stored again moves to a pack.
--
-- pack_garbage: the space of bodies deleted (their message deleted, or the body
-- stored again), filled by the trigger in the deleting transaction and given back to
-- the file system (a hole punched in the pack) after it commits.

CREATE TABLE message_files (
  id    INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  pack  INTEGER NOT NULL,
  pos   INTEGER NOT NULL,     -- the body's first byte in the pack
  len   INTEGER NOT NULL,
  sum   INTEGER NOT NULL      -- adler32 of the body
);
CREATE INDEX message_files_pack ON message_files (pack);

CREATE TABLE pack_garbage (
  pack INTEGER NOT NULL,
  pos  INTEGER NOT NULL,
  len  INTEGER NOT NULL
);

CREATE TRIGGER message_files_delete AFTER DELETE ON message_files
BEGIN
  INSERT INTO pack_garbage (pack, pos, len) VALUES (OLD.pack, OLD.pos, OLD.len);
END;
