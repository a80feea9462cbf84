/* tern-store-db-bodies.c: message bodies in pack files, written once
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A body stored in an SQLite table is written twice (the write-ahead log, then the
 * checkpoint): for the first sync of a mailbox, 630 MB for 10,000 messages, that was
 * a third of the store's time. Bodies are appended instead to pack files beside the
 * store (STORE-bodies/NNNNNN.pack, up to TERN_STORE_DB_PACK_LIMIT bytes each), and
 * the row message_files (schema 9) says where: pack, position, length and an adler32
 * of the bytes. Measured on 5,000 generated messages (300 MB): 0.13-0.17 s of CPU
 * appended to a pack, 1.1-1.9 s as SQLite blobs; one file per message cost 0.26 s
 * and up to 2.8 s on a directory that had held others (zstd -1 compressed blobs:
 * 0.67 s of CPU for 190 MB before SQLite writes the 62% left twice).
 *
 * Consistency, what a crash may do:
 *  - Appending happens inside the write transaction that records the row, whose lock
 *    (BEGIN IMMEDIATE, across processes) is also the packs' lock: the writer appends
 *    at the pack's end; nobody else appends meanwhile. The bytes are written (in the
 *    kernel's page cache) before COMMIT: kill -9 never leaves a committed row naming
 *    bytes not written. A transaction rolled back, or killed, leaves bytes no row
 *    names at the pack's end: wasted, never read.
 *  - Power loss: the store's commits are not synced (synchronous = NORMAL), so the
 *    last ones may be lost, as before. The packs are synced (fdatasync) before every
 *    checkpoint (this file's WAL hook replaces SQLite's automatic checkpoints), before
 *    a durable commit and before a connection closes (which may checkpoint): a row
 *    durable in the database file has its body on disk. A row whose log frames reached
 *    the disk while its body did not is caught when the body is read (length and
 *    checksum): the body is then forgotten (has_body = 0), and the IMAP sync fetches
 *    it again, as for any message whose body is not there yet.
 *  - Deleting: the trigger of schema 9 records the freed range in pack_garbage in the
 *    deleting transaction; after it commits, _tern_store_db_bodies_collect() punches a
 *    hole there (the file system frees the blocks; the pack keeps its size) and
 *    removes a pack nobody names any more. Killed in between, the next commit that
 *    frees space (or the next open) does it.
 */
#define _GNU_SOURCE   /* fallocate () */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-error.h"
#include "tern-store-private.h"

/* A pack is closed to new bodies once it holds this much. */
#define TERN_STORE_DB_PACK_LIMIT (G_GUINT64_CONSTANT (1) << 30)

static guint64 pack_limit = TERN_STORE_DB_PACK_LIMIT;

/* For tests: smaller packs, to see a store span several. */
void
_tern_store_db_set_pack_limit (guint64 limit)
{
  pack_limit = limit > 0 ? limit : TERN_STORE_DB_PACK_LIMIT;
}

typedef enum { CANNOT_CREATE, CANNOT_OPEN, CANNOT_READ, CANNOT_WRITE } Failure;

static void
set_errno_error (GError **error, int saved, Failure what, const char *path)
{
  int code = saved == ENOSPC || saved == EDQUOT ? TERN_STORE_ERROR_FULL
             : saved == ENOENT ? TERN_STORE_ERROR_NOT_FOUND : TERN_STORE_ERROR_IO;

  switch (what)
    {
    case CANNOT_CREATE:
      g_set_error (error, TERN_STORE_ERROR, code, _("Cannot create the folder “%s”: %s"), path, g_strerror (saved));
      break;
    case CANNOT_OPEN:
      g_set_error (error, TERN_STORE_ERROR, code, _("Cannot open “%s”: %s"), path, g_strerror (saved));
      break;
    case CANNOT_READ:
      g_set_error (error, TERN_STORE_ERROR, code, _("Cannot read “%s”: %s"), path, g_strerror (saved));
      break;
    case CANNOT_WRITE:
      g_set_error (error, TERN_STORE_ERROR, code, _("Cannot write “%s”: %s"), path, g_strerror (saved));
      break;
    }
}

char *
_tern_store_db_packs_dir (const char *store_path)
{
  return g_strconcat (store_path, "-bodies", NULL);
}

static char *
pack_path (TernStoreDb *self, gint64 pack)
{
  g_autofree char *name = g_strdup_printf ("%06" G_GINT64_FORMAT ".pack", pack);

  return g_build_filename (self->packs_dir, name, NULL);
}

/* The open descriptor of a pack (cached for the connection's life), or -1 with
 * @error; a pack that does not exist yet is made only when @create. */
static int
pack_fd (TernStoreDb *self, gint64 pack, gboolean create, GError **error)
{
  gpointer value;
  g_autofree char *path = NULL;
  int fd;

  if (self->pack_fds == NULL)
    self->pack_fds = g_hash_table_new (g_int64_hash, g_int64_equal);
  if (g_hash_table_lookup_extended (self->pack_fds, &pack, NULL, &value))
    return GPOINTER_TO_INT (value);

  path = pack_path (self, pack);
  if (create && g_mkdir_with_parents (self->packs_dir, 0700) != 0)
    {
      set_errno_error (error, errno, CANNOT_CREATE, self->packs_dir);
      return -1;
    }
  fd = g_open (path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (fd < 0)
    {
      set_errno_error (error, errno, CANNOT_OPEN, path);
      return -1;
    }
  {
    gint64 *key = g_new (gint64, 1);

    *key = pack;
    g_hash_table_insert (self->pack_fds, key, GINT_TO_POINTER (fd));
  }
  return fd;
}

/* Closes every pack descriptor (finalize). */
void
_tern_store_db_packs_close (TernStoreDb *self)
{
  GHashTableIter iter;
  gpointer key, value;

  if (self->pack_fds == NULL)
    return;
  g_hash_table_iter_init (&iter, self->pack_fds);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      close (GPOINTER_TO_INT (value));
      g_free (key);
    }
  g_clear_pointer (&self->pack_fds, g_hash_table_unref);
}

static void
drop_fd (TernStoreDb *self, gint64 pack)
{
  gpointer key, value;

  if (self->pack_fds != NULL && g_hash_table_lookup_extended (self->pack_fds, &pack, &key, &value))
    {
      g_hash_table_steal (self->pack_fds, &pack);
      close (GPOINTER_TO_INT (value));
      g_free (key);
    }
}

static gboolean
meta_int (TernStoreDb *self, const char *key, gint64 *value, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT value FROM meta WHERE key = ?1", error);
  gboolean found = FALSE;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (!_tern_store_db_stmt_int64 (self, stmt, value, &found, error))
    return FALSE;
  if (!found)
    *value = 0;
  return TRUE;
}

static gboolean
set_meta_int (TernStoreDb *self, const char *key, gint64 value, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  return _tern_store_db_stmt_run (self, stmt, error);
}

/* The pack this transaction appends to, and its end: read once per transaction (the
 * write lock keeps them ours until it ends), and the next pack once it is full. */
static int
choose_pack (TernStoreDb *self, gsize len, GError **error)
{
  struct stat st;
  int fd;

  if (self->pack_cur == 0)
    {
      gint64 cur = 0;

      if (!meta_int (self, "body_pack", &cur, error))
        return -1;
      self->pack_cur = MAX (cur, 1);
      if ((fd = pack_fd (self, self->pack_cur, TRUE, error)) < 0)
        return -1;
      if (fstat (fd, &st) != 0)
        {
          g_autofree char *path = pack_path (self, self->pack_cur);
          set_errno_error (error, errno, CANNOT_READ, path);
          return -1;
        }
      self->pack_end = (guint64) st.st_size;
      if (cur == 0 && !set_meta_int (self, "body_pack", self->pack_cur, error))
        return -1;
    }
  if (self->pack_end > 0 && self->pack_end + len > pack_limit)
    {
      self->pack_cur++;
      if (!set_meta_int (self, "body_pack", self->pack_cur, error) ||
          (fd = pack_fd (self, self->pack_cur, TRUE, error)) < 0)
        return -1;
      if (fstat (fd, &st) != 0)
        {
          g_autofree char *path = pack_path (self, self->pack_cur);
          set_errno_error (error, errno, CANNOT_READ, path);
          return -1;
        }
      self->pack_end = (guint64) st.st_size;
    }
  return pack_fd (self, self->pack_cur, TRUE, error);
}

/* Called when a transaction ends (committed or not): the next one looks again. */
void
_tern_store_db_packs_end_transaction (TernStoreDb *self)
{
  self->pack_cur = 0;
  self->pack_end = 0;
}

static guint32
body_sum (const guint8 *data, gsize len)
{
  uLong sum = adler32 (0L, Z_NULL, 0);

  while (len > 0)
    {
      uInt n = (uInt) MIN (len, (gsize) G_MAXUINT32);

      sum = adler32 (sum, data, n);
      data += n;
      len -= n;
    }
  return (guint32) sum;
}

/**
 * _tern_store_db_body_write:
 *
 * Stores a message's raw bytes: appends them to the current pack and records where,
 * replacing (and freeing) whatever the message had. In a write transaction only.
 */
gboolean
_tern_store_db_body_write (TernStoreDb *self, gint64 message_id, const guint8 *data, gsize len, GError **error)
{
  sqlite3_stmt *stmt;
  guint64 pos;
  gsize done = 0;
  int fd;

  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if ((fd = choose_pack (self, len, error)) < 0)
    return FALSE;
  pos = self->pack_end;
  while (done < len)
    {
      gssize n = pwrite (fd, data + done, len - done, (off_t) (pos + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_autofree char *path = pack_path (self, self->pack_cur);
          int saved = n < 0 ? errno : EIO;

          /* What was written is never named: the next append goes after it. */
          self->pack_end += done;
          set_errno_error (error, saved, CANNOT_WRITE, path);
          return FALSE;
        }
      done += (gsize) n;
    }
  self->pack_end += len;
  self->packs_dirty = TRUE;

  /* An explicit DELETE (REPLACE fires no delete trigger): the old range is freed. */
  stmt = _tern_store_db_get_stmt (self, "DELETE FROM message_files WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return FALSE;
  stmt = _tern_store_db_get_stmt (self, "DELETE FROM message_bodies WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return FALSE;

  stmt = _tern_store_db_get_stmt (self, "INSERT INTO message_files (id, pack, pos, len, sum) VALUES (?1, ?2, ?3, ?4, ?5)",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, self->pack_cur);
  sqlite3_bind_int64 (stmt, 3, (gint64) pos);
  sqlite3_bind_int64 (stmt, 4, (gint64) len);
  sqlite3_bind_int64 (stmt, 5, body_sum (data, len));
  return _tern_store_db_stmt_run (self, stmt, error);
}

/* Forgets a body found damaged (a power cut): the row says it has none, so that the
 * IMAP sync fetches it again. Best effort, only outside a transaction. */
static void
forget_damaged_body (TernStoreDb *self, gint64 message_id, gint64 pack, gint64 pos)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (self->tx_depth > 0 || !tern_store_db_begin (self, &error))
    return;
  /* Only if the row still names those bytes: a reader of an older snapshot may have
   * read a range freed since, the body having been stored again. */
  stmt = _tern_store_db_get_stmt (self, "DELETE FROM message_files WHERE id = ?1 AND pack = ?2 AND pos = ?3", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, message_id);
      sqlite3_bind_int64 (stmt, 2, pack);
      sqlite3_bind_int64 (stmt, 3, pos);
      if (_tern_store_db_stmt_run (self, stmt, &error) && sqlite3_changes (self->db) > 0)
        {
          gint64 folder_id = 0;
          gboolean found = FALSE;

          g_warning ("Message %" G_GINT64_FORMAT ": its stored body is damaged (a power cut?); it will be "
                     "fetched again", message_id);
          stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET has_body = 0 WHERE id = ?1 RETURNING folder_id",
                                          &error);
          if (stmt != NULL)
            {
              sqlite3_bind_int64 (stmt, 1, message_id);
              if (_tern_store_db_stmt_int64 (self, stmt, &folder_id, &found, &error) && found)
                _tern_store_db_add_change (self, TERN_STORE_CHANGE_CHANGED, folder_id, message_id);
            }
        }
    }
  if (error != NULL)
    tern_store_db_rollback (self);
  else
    tern_store_db_commit (self, NULL);
}

/**
 * _tern_store_db_body_read:
 * @found: (out): whether the store has the body (FALSE without an error: it has not)
 *
 * Reads a message's raw bytes from its pack (or, stored by an older version, from
 * message_bodies), checked against the length and sum recorded with them.
 *
 * Returns: (transfer full) (nullable): the bytes
 */
GBytes *
_tern_store_db_body_read (TernStoreDb *self, gint64 message_id, gboolean *found, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT pack, pos, len, sum FROM message_files WHERE id = ?1", error);
  gint64 pack, pos, len;
  guint32 sum;
  guint8 *data;
  gsize done = 0;
  int rc, fd;
  g_autoptr(GError) local_error = NULL;

  *found = FALSE;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      GBytes *bytes = NULL;

      _tern_store_db_stmt_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          _tern_store_db_set_error (self, rc, error);
          return NULL;
        }
      /* Stored by schema 8 or earlier. */
      stmt = _tern_store_db_get_stmt (self, "SELECT raw FROM message_bodies WHERE id = ?1", error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_int64 (stmt, 1, message_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *found = TRUE;
          bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
        }
      _tern_store_db_stmt_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        _tern_store_db_set_error (self, rc, error);
      return bytes;
    }
  pack = sqlite3_column_int64 (stmt, 0);
  pos = sqlite3_column_int64 (stmt, 1);
  len = sqlite3_column_int64 (stmt, 2);
  sum = (guint32) sqlite3_column_int64 (stmt, 3);
  _tern_store_db_stmt_reset (stmt);

  if (len < 0 || pos < 0 || (guint64) len > G_MAXSIZE)
    goto damaged;
  if ((fd = pack_fd (self, pack, FALSE, &local_error)) < 0)
    {
      if (g_error_matches (local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
        goto damaged;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  data = g_malloc (MAX (len, 1));
  while (done < (gsize) len)
    {
      gssize n = pread (fd, data + done, (gsize) len - done, (off_t) (pos + (gint64) done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          g_autofree char *path = pack_path (self, pack);
          int saved = errno;

          g_free (data);
          set_errno_error (error, saved, CANNOT_READ, path);
          return NULL;
        }
      if (n == 0)
        break;   /* the pack is shorter: damaged */
      done += (gsize) n;
    }
  if (done != (gsize) len || body_sum (data, done) != sum)
    {
      g_free (data);
      goto damaged;
    }
  *found = TRUE;
  return g_bytes_new_take (data, (gsize) len);

damaged:
  forget_damaged_body (self, message_id, pack, pos);
  return NULL;
}

/**
 * _tern_store_db_bodies_sync:
 *
 * Syncs every pack to disk (fdatasync): done before anything makes rows durable (a
 * checkpoint, a durable commit), so that a durable row never names a body a power
 * cut could lose. Any connection may checkpoint what another wrote, so it syncs
 * every pack, not only those it wrote to (a pack with nothing to write costs a
 * system call).
 */
gboolean
_tern_store_db_bodies_sync (TernStoreDb *self, GError **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (self->packs_dir == NULL || (dir = g_dir_open (self->packs_dir, 0, NULL)) == NULL)
    return TRUE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gint64 pack;
      char *end = NULL;
      int fd;

      if (!g_str_has_suffix (name, ".pack"))
        continue;
      pack = g_ascii_strtoll (name, &end, 10);
      if (pack <= 0 || g_strcmp0 (end, ".pack") != 0)
        continue;
      fd = pack_fd (self, pack, FALSE, NULL);
      if (fd >= 0 && fdatasync (fd) != 0)
        {
          g_autofree char *path = pack_path (self, pack);
          set_errno_error (error, errno, CANNOT_WRITE, path);
          return FALSE;
        }
    }
  self->packs_dirty = FALSE;
  return TRUE;
}

/**
 * _tern_store_db_bodies_collect:
 *
 * Gives the space of deleted bodies back (holes punched in their packs) and removes
 * the packs no message names any more. Runs in a transaction of its own, after the
 * transaction that deleted them committed (before, a rollback could bring a body back
 * whose bytes were gone).
 */
gboolean
_tern_store_db_bodies_collect (TernStoreDb *self, GError **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GArray) packs = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 current = 0;
  int rc;

  if (!tern_store_db_begin (self, error))
    return FALSE;
  stmt = _tern_store_db_get_stmt (self, "SELECT pack, pos, len FROM pack_garbage", error);
  if (stmt == NULL)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 pack = sqlite3_column_int64 (stmt, 0);
      gint64 pos = sqlite3_column_int64 (stmt, 1);
      gint64 len = sqlite3_column_int64 (stmt, 2);
      int fd = pack_fd (self, pack, FALSE, NULL);

      /* Not every file system punches holes: the space then stays until the pack goes. */
      if (fd >= 0 && len > 0)
        fallocate (fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, pos, len);
      if (packs->len == 0 || g_array_index (packs, gint64, packs->len - 1) != pack)
        g_array_append_val (packs, pack);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      goto fail;
    }
  stmt = _tern_store_db_get_stmt (self, "DELETE FROM pack_garbage", error);
  if (stmt == NULL || !_tern_store_db_stmt_run (self, stmt, error) || !meta_int (self, "body_pack", &current, error))
    goto fail;

  /* A pack nobody names, other than the one being filled: removed. */
  for (guint i = 0; i < packs->len; i++)
    {
      gint64 pack = g_array_index (packs, gint64, i), used = 0;
      gboolean found = FALSE;

      if (pack == MAX (current, 1))
        continue;
      stmt = _tern_store_db_get_stmt (self, "SELECT 1 FROM message_files WHERE pack = ?1 LIMIT 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, pack);
      if (!_tern_store_db_stmt_int64 (self, stmt, &used, &found, error))
        goto fail;
      if (!found)
        {
          g_autofree char *path = pack_path (self, pack);

          drop_fd (self, pack);
          g_unlink (path);
        }
    }
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}
