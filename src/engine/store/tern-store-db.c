/* tern-store-db.c: one synchronous connection to the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TernStoreDb is used by one thread at a time (each thread opens its own).
 *
 * Durability: journal_mode=WAL with synchronous=NORMAL. A transaction is
 * committed once its frames are in the WAL file; the WAL is fsync'd only at
 * checkpoints. A killed process (kill -9, a crash) therefore never loses a
 * committed transaction nor corrupts the store: the data is in the kernel's page
 * cache and SQLite recovers from the WAL on the next open. A power failure or
 * kernel crash may lose the last transactions since the last checkpoint (never
 * corrupt the file). That is the trade-off the mail store accepts for import
 * speed; the POP3 worker, which deletes mail on the server after storing it,
 * forces a checkpoint (tern_store_db_checkpoint()) before it sends DELE.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-error.h"
#include "tern-store-private.h"
#include "tern-store-resources.h"

#define SUBJECT_THREAD_WINDOW (60 * 24 * 3600)

G_DEFINE_FINAL_TYPE (TernStoreDb, tern_store_db, G_TYPE_OBJECT)

/* A row for the search index, inserted at the end of the transaction (see
 * _tern_store_db_index_entry()). */
typedef struct
{
  gint64  sort_key;
  char   *sender;
  char   *recipients;
  char   *subject;
  char   *body;
  char   *attachments;
} PendingIndex;

static void
pending_index_clear (gpointer data)
{
  PendingIndex *entry = data;

  g_free (entry->sender);
  g_free (entry->recipients);
  g_free (entry->subject);
  g_free (entry->body);
  g_free (entry->attachments);
}

typedef gboolean (*PostMigrateFunc) (TernStoreDb *self, GError **error);

static const struct
{
  guint            version;
  const char      *file;
  PostMigrateFunc  post;
} migrations[] = {
  { 1, "001-initial.sql", NULL },
  { 2, "002-search.sql", _tern_store_db_reindex_all },
  { 3, "003-offline.sql", NULL },
  { 4, "004-pop3-outbox.sql", NULL },
  { 5, "005-subscriptions-pending-index.sql", NULL },
  { 6, "006-journal-messages.sql", NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == TERN_STORE_SCHEMA_VERSION);

/* ---- errors --------------------------------------------------------------------- */

static int
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return TERN_STORE_ERROR_CORRUPT;
    case SQLITE_FULL:
      return TERN_STORE_ERROR_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return TERN_STORE_ERROR_BUSY;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return TERN_STORE_ERROR_IO;
    default:
      return TERN_STORE_ERROR_FAILED;
    }
}

void
_tern_store_db_set_error (TernStoreDb *self, int rc, GError **error)
{
  int code = error_code_for (rc);

  if (code == TERN_STORE_ERROR_CORRUPT)
    g_set_error (error, TERN_STORE_ERROR, code,
                 _("The mail store “%s” is damaged (%s). Move it aside to start a new "
                   "one: mail of IMAP accounts is downloaded again from the server; "
                   "POP3 and local mail must be restored from a backup."),
                 self->path, sqlite3_errstr (rc));
  else
    g_set_error (error, TERN_STORE_ERROR, code, _("Mail store error: %s"),
                 self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
}

/* ---- statements ----------------------------------------------------------------- */

/* The connection's statement cache, shared by every file of the store: a statement
 * prepared once (persistent) and reset after each use. */
sqlite3_stmt *
_tern_store_db_get_stmt (TernStoreDb *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
  return stmt;
}

void
_tern_store_db_stmt_reset (sqlite3_stmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

void
_tern_store_db_bind_text (sqlite3_stmt *stmt, int i, const char *s)
{
  if (s != NULL)
    sqlite3_bind_text (stmt, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

/* Steps a statement that returns no row (or whose rows are ignored). */
gboolean
_tern_store_db_stmt_run (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      _tern_store_db_stmt_reset (stmt);
      return FALSE;
    }
  _tern_store_db_stmt_reset (stmt);
  return TRUE;
}

/* Steps a statement expected to return at most one integer. */
gboolean
_tern_store_db_stmt_int64 (TernStoreDb *self, sqlite3_stmt *stmt, gint64 *value, gboolean *found, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      if (found != NULL)
        *found = sqlite3_column_type (stmt, 0) != SQLITE_NULL;
      *value = sqlite3_column_int64 (stmt, 0);
      _tern_store_db_stmt_reset (stmt);
      return TRUE;
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  if (found != NULL)
    *found = FALSE;
  *value = 0;
  return TRUE;
}

static gboolean
exec (TernStoreDb *self, const char *sql, GError **error)
{
  char *msg = NULL;
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, &msg);

  if (rc != SQLITE_OK)
    {
      if (error_code_for (rc) == TERN_STORE_ERROR_CORRUPT)
        _tern_store_db_set_error (self, rc, error);
      else
        g_set_error (error, TERN_STORE_ERROR, error_code_for (rc), _("Mail store error: %s"),
                     msg != NULL ? msg : sqlite3_errstr (rc));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

/* ---- object --------------------------------------------------------------------- */

static void
tern_store_db_finalize (GObject *object)
{
  TernStoreDb *self = TERN_STORE_DB (object);

  if (self->tx_depth > 0)
    {
      self->tx_depth = 1;
      tern_store_db_rollback (self);
    }
  if (self->change_destroy != NULL)
    self->change_destroy (self->change_data);
  g_clear_pointer (&self->changes, tern_store_changes_unref);
  g_clear_pointer (&self->pending_index, g_array_unref);
  g_hash_table_unref (self->stmts);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (tern_store_db_parent_class)->finalize (object);
}

static void
tern_store_db_class_init (TernStoreDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_store_db_finalize;
}

static void
tern_store_db_init (TernStoreDb *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) sqlite3_finalize);
}

/**
 * tern_store_db_get_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/tern/store.db`
 */
char *
tern_store_db_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tern", "store.db", NULL);
}

const char *
tern_store_db_get_path (TernStoreDb *self)
{
  g_return_val_if_fail (TERN_IS_STORE_DB (self), NULL);
  return self->path;
}

/* For the store's sibling files (tern-store-db-sync.c, tern-store-db-outbox.c): the
 * connection, to run their own statements in this connection's transactions. */
sqlite3 *
_tern_store_db_get_handle (TernStoreDb *self)
{
  g_return_val_if_fail (TERN_IS_STORE_DB (self), NULL);

  return self->db;
}

/**
 * tern_store_db_set_change_func:
 *
 * Sets the function called, in the thread that commits, with what each
 * committed transaction changed.
 */
void
tern_store_db_set_change_func (TernStoreDb           *self,
                               TernStoreDbChangeFunc  func,
                               gpointer               user_data,
                               GDestroyNotify         destroy)
{
  g_return_if_fail (TERN_IS_STORE_DB (self));

  if (self->change_destroy != NULL)
    self->change_destroy (self->change_data);
  self->change_func = func;
  self->change_data = user_data;
  self->change_destroy = destroy;
}

/* ---- opening -------------------------------------------------------------------- */

/**
 * tern_store_db_get_migration_sql:
 * @version: a schema version, 1 to %TERN_STORE_SCHEMA_VERSION
 *
 * Returns: (transfer full): the SQL script that brings the schema from
 *   @version - 1 to @version (the migration tests build old stores with it)
 */
GBytes *
tern_store_db_get_migration_sql (guint version, GError **error)
{
  g_autofree char *resource_path = NULL;

  if (version < 1 || version > TERN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   "No schema version %u", version);
      return NULL;
    }
  resource_path = g_strdup_printf ("/io/github/ternmail/Tern/store/sql/%s",
                                   migrations[version - 1].file);
  /* Look the resource up directly in our own GResource: referencing it keeps the
   * linker from dropping it out of the static library. */
  return g_resource_lookup_data (tern_store_get_resource (), resource_path,
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, error);
}

static gboolean
ensure_file (const char *path, gboolean *created, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *default_dir = g_build_filename (g_get_user_data_dir (), "tern", NULL);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO,
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  /* Tern's own folder is private, whatever the umask made of it. */
  if (g_strcmp0 (dir, default_dir) == 0)
    g_chmod (dir, 0700);

  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO,
                   _("Cannot open the mail store “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }

  {
    struct stat st;

    if (fstat (fd, &st) == 0)
      {
        *created = st.st_size == 0;
        /* SQLite gives the -wal and -shm files the mode of the database file. */
        if ((st.st_mode & 0777) != 0600)
          fchmod (fd, 0600);
      }
  }
  close (fd);
  return TRUE;
}

static gboolean
has_write_ahead_log (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  struct stat st;

  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

/* Checks the SQLite header before SQLite touches the file: a foreign or truncated
 * file gets a clear error, and a foreign file is never modified. */
static gboolean
check_header (const char *path, GError **error)
{
  static const char magic[16] = "SQLite format 3";
  guint8 header[100];
  struct stat st;
  gssize n;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return TRUE; /* sqlite3_open reports it */

  if (fstat (fd, &st) != 0 || st.st_size == 0)
    {
      close (fd);
      return TRUE;
    }
  n = read (fd, header, sizeof header);
  close (fd);

  if (n < (gssize) sizeof magic || memcmp (header, magic, sizeof magic) != 0)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FOREIGN,
                   _("“%s” is not a Tern mail store (it is not an SQLite database). "
                     "Move it away or choose another file."), path);
      return FALSE;
    }
  if (n < (gssize) sizeof header)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_CORRUPT,
                   _("The mail store “%s” is damaged (truncated). Move it aside to start a "
                     "new one: mail of IMAP accounts is downloaded again from the server; "
                     "POP3 and local mail must be restored from a backup."), path);
      return FALSE;
    }

  {
    guint32 page_size = (header[16] << 8) | header[17];
    guint32 change_counter = GUINT32_FROM_BE (*(guint32 *) (header + 24));
    guint32 page_count = GUINT32_FROM_BE (*(guint32 *) (header + 28));
    guint32 valid_for = GUINT32_FROM_BE (*(guint32 *) (header + 92));

    if (page_size == 1)
      page_size = 65536;
    /* With a write-ahead log beside it, a file shorter than its header says is normal:
     * a checkpoint writes page 1 first and was interrupted (kill -9) before extending
     * the file; SQLite completes it from the log. Only without a log is it damage. */
    if (valid_for == change_counter && page_count > 0 &&
        (guint64) page_count * page_size > (guint64) st.st_size &&
        !has_write_ahead_log (path))
      {
        g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_CORRUPT,
                     _("The mail store “%s” is damaged (truncated). Move it aside to start "
                       "a new one: mail of IMAP accounts is downloaded again from the "
                       "server; POP3 and local mail must be restored from a backup."), path);
        return FALSE;
      }
  }
  return TRUE;
}

static gboolean
pragma_int (TernStoreDb *self, const char *sql, gint64 *value, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      if ((rc & 0xff) == SQLITE_NOTADB)
        g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FOREIGN,
                     _("“%s” is not a Tern mail store (it is not an SQLite database). "
                       "Move it away or choose another file."), self->path);
      else
        _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (TernStoreDb *self, gint64 from, GError **error)
{
  if (!exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  for (guint v = (guint) from + 1; v <= TERN_STORE_SCHEMA_VERSION; v++)
    {
      g_autoptr(GBytes) sql = tern_store_db_get_migration_sql (v, error);
      g_autofree char *text = NULL;

      if (sql == NULL)
        goto fail;
      text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      if (!exec (self, text, error))
        goto fail;
      if (migrations[v - 1].post != NULL && !migrations[v - 1].post (self, error))
        goto fail;
    }

  {
    g_autofree char *pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %d",
                                                TERN_STORE_APPLICATION_ID, TERN_STORE_SCHEMA_VERSION);
    if (!exec (self, pragmas, error))
      goto fail;
  }

  if (!exec (self, "COMMIT", error))
    goto fail;
  return TRUE;

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/**
 * tern_store_db_open:
 * @path: (nullable): the store file, or %NULL for tern_store_db_get_default_path()
 * @error: return location for a %TERN_STORE_ERROR
 *
 * Opens the store, creating it (file 0600, folder 0700) or migrating it to the
 * current schema as needed. A file that is not a Tern store, a damaged one or one
 * from a newer Tern gives %TERN_STORE_ERROR_FOREIGN, %TERN_STORE_ERROR_CORRUPT or
 * %TERN_STORE_ERROR_TOO_NEW, and is left untouched.
 *
 * Returns: (transfer full): the connection, or %NULL
 */
TernStoreDb *
tern_store_db_open (const char *path, GError **error)
{
  g_autoptr(TernStoreDb) self = g_object_new (TERN_TYPE_STORE_DB, NULL);
  gboolean created = FALSE;
  gint64 app_id = 0, version = 0, n_objects = 0;
  int rc;

  self->path = path != NULL ? g_strdup (path) : tern_store_db_get_default_path ();

  if (!ensure_file (self->path, &created, error))
    return NULL;
  if (!created && !check_header (self->path, error))
    return NULL;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 15000);

  if (!pragma_int (self, "PRAGMA application_id", &app_id, error) ||
      !pragma_int (self, "PRAGMA user_version", &version, error) ||
      !pragma_int (self, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return NULL;

  if (app_id == 0 && version == 0 && n_objects == 0)
    {
      /* A new store: settings that must come before the first table. */
      if (!exec (self, "PRAGMA page_size = 8192; PRAGMA auto_vacuum = INCREMENTAL", error))
        return NULL;
    }
  else if (app_id != TERN_STORE_APPLICATION_ID)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FOREIGN,
                   _("“%s” is not a Tern mail store (it is another application’s "
                     "database). Move it away or choose another file."), self->path);
      return NULL;
    }
  else if (version > TERN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_TOO_NEW,
                   _("The mail store “%s” was written by a newer version of Tern "
                     "(schema %d; this version knows %d). Update Tern to open it."),
                   self->path, (int) version, TERN_STORE_SCHEMA_VERSION);
      return NULL;
    }

  {
    sqlite3_stmt *stmt = NULL;
    gboolean wal = FALSE;

    rc = sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
    if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
      wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
    else
      rc = sqlite3_errcode (self->db);
    sqlite3_finalize (stmt);
    if (!wal)
      {
        if (rc != SQLITE_OK)
          _tern_store_db_set_error (self, rc, error);
        else
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO,
                       _("The mail store “%s” cannot use write-ahead logging"), self->path);
        return NULL;
      }
  }

  if (!exec (self,
             "PRAGMA synchronous = NORMAL;"
             "PRAGMA foreign_keys = ON;"
             "PRAGMA cache_size = -16384;"
             "PRAGMA temp_store = MEMORY;"
             "PRAGMA wal_autocheckpoint = 4096;"
             "PRAGMA journal_size_limit = 67108864;",
             error))
    return NULL;

  if (version < TERN_STORE_SCHEMA_VERSION && !migrate (self, version, error))
    return NULL;

  /* A cheap probe that reads the schema and the folders: a damaged file usually
   * fails here, with a clear error rather than later in the UI. */
  {
    gint64 n = 0;
    if (!pragma_int (self, "SELECT count(*) FROM folders", &n, error))
      return NULL;
  }

  return g_steal_pointer (&self);
}

/**
 * tern_store_db_move_aside:
 * @path: a store file that cannot be opened
 * @new_path: (out) (optional): where it went
 *
 * Renames a damaged or foreign store (and its -wal and -shm files) to
 * `PATH.broken-YYYYmmdd-HHMMSS`, so that the next open starts a new store.
 */
gboolean
tern_store_db_move_aside (const char *path, char **new_path, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.broken-%s", path, stamp);
  static const char * const suffixes[] = { "-wal", "-shm" };

  if (g_rename (path, target) != 0)
    {
      int saved = errno;
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_IO,
                   _("Cannot rename “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);
      g_rename (from, to);
    }
  if (new_path != NULL)
    *new_path = g_steal_pointer (&target);
  return TRUE;
}

/* ---- transactions --------------------------------------------------------------- */

/**
 * tern_store_db_begin:
 *
 * Starts a write transaction (BEGIN IMMEDIATE). Calls nest: only the outermost
 * commit commits. Change notifications are sent after the commit.
 */
gboolean
tern_store_db_begin (TernStoreDb *self, GError **error)
{
  g_return_val_if_fail (TERN_IS_STORE_DB (self), FALSE);

  if (self->tx_depth == 0)
    {
      if (!exec (self, "BEGIN IMMEDIATE", error))
        return FALSE;
      self->tx_failed = FALSE;
      g_clear_pointer (&self->changes, tern_store_changes_unref);
      self->changes = tern_store_changes_new ();
    }
  self->tx_depth++;
  return TRUE;
}

gboolean
tern_store_db_commit (TernStoreDb *self, GError **error)
{
  g_autoptr(TernStoreChanges) changes = NULL;

  g_return_val_if_fail (TERN_IS_STORE_DB (self), FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  if (--self->tx_depth > 0)
    return TRUE;

  if (self->tx_failed)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      g_clear_pointer (&self->changes, tern_store_changes_unref);
      if (self->pending_index != NULL)
        g_array_set_size (self->pending_index, 0);
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED,
                   _("The transaction was rolled back after an earlier error"));
      return FALSE;
    }

  if (!_tern_store_db_flush_pending_index (self, error) || !exec (self, "COMMIT", error))
    {
      if (self->pending_index != NULL)
        g_array_set_size (self->pending_index, 0);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      g_clear_pointer (&self->changes, tern_store_changes_unref);
      return FALSE;
    }

  changes = g_steal_pointer (&self->changes);
  if (self->change_func != NULL && changes != NULL && !tern_store_changes_is_empty (changes))
    self->change_func (changes, self->change_data);
  return TRUE;
}

/**
 * tern_store_db_rollback:
 *
 * Ends the innermost transaction level; the whole transaction is rolled back
 * when the outermost level ends (an inner rollback marks it failed).
 */
void
tern_store_db_rollback (TernStoreDb *self)
{
  g_return_if_fail (TERN_IS_STORE_DB (self));
  g_return_if_fail (self->tx_depth > 0);

  if (--self->tx_depth > 0)
    {
      self->tx_failed = TRUE;
      return;
    }
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_clear_pointer (&self->changes, tern_store_changes_unref);
  if (self->pending_index != NULL)
    g_array_set_size (self->pending_index, 0);
}

/* For the store's sibling files (tern-store-db-sync.c): records a message change
 * in the open transaction's changes, delivered when it commits. Callers wrap
 * their writes in tern_store_db_begin() ... _commit(). */
void
_tern_store_db_add_change (TernStoreDb         *self,
                           TernStoreChangeKind  kind,
                           gint64               folder_id,
                           gint64               message_id)
{
  g_return_if_fail (TERN_IS_STORE_DB (self));
  g_return_if_fail (self->tx_depth > 0 && self->changes != NULL);

  tern_store_changes_add (self->changes, kind, folder_id, message_id);
}

/* Likewise, for a change to the folder's own row (its path, role, subscription)
 * or its removal. */
void
_tern_store_db_add_folder_change (TernStoreDb *self, gint64 folder_id)
{
  g_return_if_fail (TERN_IS_STORE_DB (self));
  g_return_if_fail (self->tx_depth > 0 && self->changes != NULL);

  tern_store_changes_add_folder (self->changes, folder_id);
}

/**
 * tern_store_db_check_integrity:
 *
 * Runs `PRAGMA integrity_check` (slow on a big store).
 *
 * Returns: %TRUE when SQLite finds nothing wrong
 */
gboolean
tern_store_db_check_integrity (TernStoreDb *self, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, "PRAGMA integrity_check", -1, &stmt, NULL);
  g_autoptr(GString) problems = g_string_new (NULL);

  if (rc != SQLITE_OK)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *line = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (line, "ok") != 0 && problems->len < 4096)
        g_string_append_printf (problems, "%s\n", line);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  if (problems->len > 0)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_CORRUPT,
                   _("The mail store “%s” is damaged: %s"), self->path, problems->str);
      return FALSE;
    }
  return TRUE;
}

/**
 * tern_store_db_checkpoint:
 *
 * Copies the WAL into the database file, fsyncs and truncates the WAL; when a
 * reader of an older snapshot prevents that, fsyncs the WAL instead. After this,
 * committed data survives a power failure too.
 */
gboolean
tern_store_db_checkpoint (TernStoreDb *self, GError **error)
{
  g_autofree char *sync_wal = NULL;
  int rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  if (rc != SQLITE_BUSY)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }

  /* Another connection (the GUI's, say) reads an older snapshot: the checkpoint
   * could not copy the newest frames, and may not have fsynced the WAL at all. A
   * commit under synchronous = FULL fsyncs the WAL, and with it every frame before
   * (the schema version, rewritten unchanged, makes the commit write a frame). */
  sync_wal = g_strdup_printf ("PRAGMA synchronous = FULL; BEGIN IMMEDIATE; PRAGMA user_version = %d; COMMIT;",
                              TERN_STORE_SCHEMA_VERSION);
  if (!exec (self, sync_wal, error))
    {
      sqlite3_exec (self->db, "ROLLBACK; PRAGMA synchronous = NORMAL", NULL, NULL, NULL);
      return FALSE;
    }
  return exec (self, "PRAGMA synchronous = NORMAL", error);
}

/* ---- accounts and folders ------------------------------------------------------- */

gint64
tern_store_db_lookup_account (TernStoreDb *self, const char *address, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT id FROM accounts WHERE address = ?1 COLLATE NOCASE", error);
  gint64 id = 0;
  gboolean found = FALSE;

  if (stmt == NULL)
    return 0;
  _tern_store_db_bind_text (stmt, 1, address);
  if (!_tern_store_db_stmt_int64 (self, stmt, &id, &found, error))
    return 0;
  if (!found)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No account “%s”"), address);
      return 0;
    }
  return id;
}

gint64
tern_store_db_ensure_account (TernStoreDb          *self,
                              const char           *address,
                              TernStoreAccountKind  kind,
                              GError              **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  if ((id = tern_store_db_lookup_account (self, address, NULL)) > 0)
    return id;

  stmt = _tern_store_db_get_stmt (self, "INSERT INTO accounts (address, kind) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return 0;
  _tern_store_db_bind_text (stmt, 1, address);
  sqlite3_bind_int (stmt, 2, kind);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

static TernStoreFolder *
folder_query (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);
  TernStoreFolder *folder = NULL;

  if (rc == SQLITE_ROW)
    folder = _tern_store_folder_new_from_stmt (stmt);
  else if (rc != SQLITE_DONE)
    _tern_store_db_set_error (self, rc, error);
  _tern_store_db_stmt_reset (stmt);
  return folder;
}

TernStoreFolder *
tern_store_db_get_folder (TernStoreDb *self, gint64 folder_id, GError **error)
{
  GError *local_error = NULL;
  TernStoreFolder *folder;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_FOLDER_COLUMNS " FROM " TERN_STORE_FOLDER_FROM
                                                " WHERE f.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  folder = folder_query (self, stmt, &local_error);
  if (folder == NULL && local_error == NULL)
    g_set_error (&local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                 _("No folder with id %" G_GINT64_FORMAT), folder_id);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return folder;
}

/* "inbox" and "Inbox/x" name the same folders as "INBOX" and "INBOX/x". */
char *
_tern_store_db_normalize_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  GPtrArray *kept = g_ptr_array_new ();
  char *result;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (kept, parts[i]);
  g_ptr_array_add (kept, NULL);
  result = g_strjoinv ("/", (char **) kept->pdata);
  g_ptr_array_free (kept, TRUE);

  if (g_ascii_strncasecmp (result, "INBOX", 5) == 0 && (result[5] == '\0' || result[5] == '/'))
    memcpy (result, "INBOX", 5);
  return result;
}

/**
 * tern_store_db_lookup_folder:
 * @account_id: the account
 * @path: the folder path, levels separated by '/'
 *
 * Returns: (transfer full): the folder, or %NULL with %TERN_STORE_ERROR_NOT_FOUND
 */
TernStoreFolder *
tern_store_db_lookup_folder (TernStoreDb *self, gint64 account_id, const char *path, GError **error)
{
  g_autofree char *normalized = _tern_store_db_normalize_path (path);
  GError *local_error = NULL;
  TernStoreFolder *folder;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_FOLDER_COLUMNS " FROM " TERN_STORE_FOLDER_FROM
                                                " WHERE f.account_id = ?1 AND f.path = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  _tern_store_db_bind_text (stmt, 2, normalized);
  folder = folder_query (self, stmt, &local_error);
  if (folder == NULL && local_error == NULL)
    g_set_error (&local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                 _("No folder “%s”"), path);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return folder;
}

/**
 * tern_store_db_ensure_folder:
 *
 * Returns the folder at @path, creating it and its missing parents. @role is
 * given to the folder itself when it is created.
 *
 * Returns: (transfer full): the folder
 */
TernStoreFolder *
tern_store_db_ensure_folder (TernStoreDb          *self,
                             gint64                account_id,
                             const char           *path,
                             TernStoreFolderRole   role,
                             GError              **error)
{
  g_autofree char *normalized = _tern_store_db_normalize_path (path);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autoptr(TernStoreFolder) folder = NULL;
  gint64 parent_id = 0;

  if (*normalized == '\0')
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED, _("A folder needs a name"));
      return NULL;
    }

  if ((folder = tern_store_db_lookup_folder (self, account_id, normalized, NULL)) != NULL)
    return g_steal_pointer (&folder);

  if (!tern_store_db_begin (self, error))
    return NULL;

  parts = g_strsplit (normalized, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (prefix->len > 0)
        g_string_append_c (prefix, '/');
      g_string_append (prefix, parts[i]);

      g_clear_object (&folder);
      folder = tern_store_db_lookup_folder (self, account_id, prefix->str, NULL);
      if (folder == NULL)
        {
          sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                        "INSERT INTO folders (account_id, parent_id, name, path, delimiter, role, uidvalidity)"
                                                        " VALUES (?1, ?2, ?3, ?4, '/', ?5, ?6)", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, account_id);
          if (parent_id > 0)
            sqlite3_bind_int64 (stmt, 2, parent_id);
          _tern_store_db_bind_text (stmt, 3, parts[i]);
          _tern_store_db_bind_text (stmt, 4, prefix->str);
          sqlite3_bind_int (stmt, 5, parts[i + 1] == NULL ? role : TERN_STORE_FOLDER_ROLE_NONE);
          sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
          if (!_tern_store_db_stmt_run (self, stmt, error))
            goto fail;
          folder = tern_store_db_get_folder (self, sqlite3_last_insert_rowid (self->db), error);
          if (folder == NULL)
            goto fail;
          tern_store_changes_add_folder (self->changes, tern_store_folder_get_id (folder));
        }
      parent_id = tern_store_folder_get_id (folder);
    }

  if (!tern_store_db_commit (self, error))
    return NULL;
  return g_steal_pointer (&folder);

fail:
  tern_store_db_rollback (self);
  return NULL;
}

/**
 * tern_store_db_list_folders:
 * @account_id: an account, or 0 for all
 *
 * Returns: (transfer container) (element-type TernStoreFolder): the folders, by
 *   account and path
 */
GPtrArray *
tern_store_db_list_folders (TernStoreDb *self, gint64 account_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_FOLDER_COLUMNS " FROM " TERN_STORE_FOLDER_FROM
                                                " WHERE ?1 = 0 OR f.account_id = ?1 ORDER BY f.account_id, f.path", error);
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (folders, _tern_store_folder_new_from_stmt (stmt));
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&folders);
}

gboolean
tern_store_db_set_folder_sync_state (TernStoreDb  *self,
                                     gint64        folder_id,
                                     guint32       uidvalidity,
                                     guint32       uidnext,
                                     guint64       highestmodseq,
                                     GError      **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4"
                                                " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uidvalidity);
  sqlite3_bind_int64 (stmt, 3, uidnext);
  sqlite3_bind_int64 (stmt, 4, (gint64) highestmodseq);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No folder with id %" G_GINT64_FORMAT), folder_id);
      return FALSE;
    }
  return TRUE;
}

/* ---- adding messages ------------------------------------------------------------ */

/**
 * tern_store_db_compute_dedup_key:
 *
 * A 63-bit hash of a message's bytes that import uses to recognise a message it
 * stored already. To stay cheap on large attachments it hashes the size, the
 * first 32 KiB and the last 32 KiB (all of a message up to 64 KiB).
 */
gint64
tern_store_db_compute_dedup_key (const guint8 *data, gsize len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  guint8 digest[16];
  gsize digest_len = sizeof digest;
  guint64 size = GUINT64_TO_LE ((guint64) len);
  guint64 key = 0;
  const gsize window = 32 * 1024;

  g_checksum_update (checksum, (const guchar *) &size, sizeof size);
  if (len <= 2 * window)
    g_checksum_update (checksum, data, len);
  else
    {
      g_checksum_update (checksum, data, window);
      g_checksum_update (checksum, data + len - window, window);
    }
  g_checksum_get_digest (checksum, digest, &digest_len);
  for (guint i = 0; i < 8; i++)
    key = (key << 8) | digest[i];
  key &= G_MAXINT64;
  return key != 0 ? (gint64) key : 1;
}

/**
 * tern_store_db_list_dedup_keys:
 *
 * Returns: (transfer full) (element-type gint64): the dedup keys of a folder's
 *   messages
 */
GArray *
tern_store_db_list_dedup_keys (TernStoreDb *self, gint64 folder_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT dedup_key FROM messages WHERE folder_id = ?1 AND dedup_key != 0", error);
  GArray *keys;
  int rc;

  if (stmt == NULL)
    return NULL;
  keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_bind_int64 (stmt, 1, folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 key = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (keys, key);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      g_array_unref (keys);
      return NULL;
    }
  return keys;
}

static gint64
allocate_sort_key (TernStoreDb *self, gint64 date, GError **error)
{
  gint64 base = CLAMP (date, 0, (G_GINT64_CONSTANT (1) << 42) - 1) << TERN_STORE_DB_SORT_KEY_SHIFT;
  gint64 max = 0;
  gboolean found = FALSE;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT max(sort_key) FROM messages WHERE sort_key >= ?1 AND sort_key < ?2",
                                                error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, base);
  sqlite3_bind_int64 (stmt, 2, base + (1 << TERN_STORE_DB_SORT_KEY_SHIFT));
  if (!_tern_store_db_stmt_int64 (self, stmt, &max, &found, error))
    return -1;
  if (!found)
    return base;
  if (max + 1 < base + (1 << TERN_STORE_DB_SORT_KEY_SHIFT))
    return max + 1;

  /* More than 1024 messages in one second: take the next free key after it. */
  stmt = _tern_store_db_get_stmt (self, "SELECT 1 FROM messages WHERE sort_key = ?1", error);
  if (stmt == NULL)
    return -1;
  for (gint64 key = base + (1 << TERN_STORE_DB_SORT_KEY_SHIFT);; key++)
    {
      gint64 one;
      sqlite3_bind_int64 (stmt, 1, key);
      if (!_tern_store_db_stmt_int64 (self, stmt, &one, &found, error))
        return -1;
      if (!found)
        return key;
    }
}

static gboolean
lookup_thread_of (TernStoreDb *self, const char *message_id, gint64 *thread_id, GError **error)
{
  gboolean found = FALSE;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT CASE WHEN t.merged_into != 0 THEN t.merged_into ELSE i.thread_id END"
                                                " FROM thread_ids i LEFT JOIN threads t ON t.id = i.thread_id"
                                                " WHERE i.message_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _tern_store_db_bind_text (stmt, 1, message_id);
  if (!_tern_store_db_stmt_int64 (self, stmt, thread_id, &found, error))
    return FALSE;
  if (!found)
    *thread_id = 0;
  return TRUE;
}

/* Finds or makes the conversation of a new message (Message-ID, In-Reply-To,
 * References, else the subject of a reply without references). */
gint64
_tern_store_db_assign_thread (TernStoreDb *self, const TernMimeSummary *summary, gint64 date, GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *subject = NULL;
  gboolean reply = FALSE;
  gint64 thread = 0;
  sqlite3_stmt *stmt;

  if (summary->message_id != NULL)
    g_ptr_array_add (ids, summary->message_id);
  if (summary->in_reply_to != NULL)
    g_ptr_array_add (ids, summary->in_reply_to);
  for (int i = (int) g_strv_length (summary->references) - 1; i >= 0 && ids->len < TERN_STORE_DB_MAX_THREAD_IDS; i--)
    {
      gboolean dup = FALSE;
      for (guint j = 0; j < ids->len; j++)
        if (strcmp (g_ptr_array_index (ids, j), summary->references[i]) == 0)
          dup = TRUE;
      if (!dup)
        g_ptr_array_add (ids, summary->references[i]);
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 found = 0;

      if (!lookup_thread_of (self, g_ptr_array_index (ids, i), &found, error))
        return 0;
      if (found == 0)
        continue;
      if (thread == 0)
        thread = found;
      else if (found != thread)
        {
          gboolean seen = FALSE;
          for (guint j = 0; j < merged->len; j++)
            if (g_array_index (merged, gint64, j) == found)
              seen = TRUE;
          if (!seen)
            g_array_append_val (merged, found);
        }
    }

  subject = tern_mime_normalize_subject (summary->subject, &reply);

  if (thread == 0 && reply && *subject != '\0' && summary->in_reply_to == NULL &&
      summary->references[0] == NULL)
    {
      gboolean found = FALSE;

      stmt = _tern_store_db_get_stmt (self,
                                      "SELECT id FROM threads WHERE subject = ?1 AND merged_into = 0 AND last_date >= ?2"
                                      " ORDER BY last_date DESC LIMIT 1", error);
      if (stmt == NULL)
        return 0;
      _tern_store_db_bind_text (stmt, 1, subject);
      sqlite3_bind_int64 (stmt, 2, date - SUBJECT_THREAD_WINDOW);
      if (!_tern_store_db_stmt_int64 (self, stmt, &thread, &found, error))
        return 0;
      if (!found)
        thread = 0;
    }

  if (thread == 0)
    {
      stmt = _tern_store_db_get_stmt (self, "INSERT INTO threads (subject, last_date) VALUES (?1, ?2)", error);
      if (stmt == NULL)
        return 0;
      _tern_store_db_bind_text (stmt, 1, subject);
      sqlite3_bind_int64 (stmt, 2, date);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
      thread = sqlite3_last_insert_rowid (self->db);
    }
  else
    {
      stmt = _tern_store_db_get_stmt (self, "UPDATE threads SET last_date = ?2 WHERE id = ?1 AND last_date < ?2", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, date);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
    }

  /* A message that links two conversations joins them. */
  for (guint j = 0; j < merged->len; j++)
    {
      gint64 other = g_array_index (merged, gint64, j);

      stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, other);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
      stmt = _tern_store_db_get_stmt (self, "UPDATE threads SET merged_into = ?1 WHERE id = ?2 OR merged_into = ?2", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, other);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
    }

  stmt = _tern_store_db_get_stmt (self, "INSERT OR IGNORE INTO thread_ids (message_id, thread_id) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return 0;
  for (guint i = 0; i < ids->len; i++)
    {
      _tern_store_db_bind_text (stmt, 1, g_ptr_array_index (ids, i));
      sqlite3_bind_int64 (stmt, 2, thread);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
    }

  return thread;
}

static char *
join_recipients (const char *to, const char *cc, const char *bcc)
{
  GString *s = g_string_new (NULL);
  const char *parts[] = { to, cc, bcc };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL)
      {
        if (s->len > 0)
          g_string_append_c (s, '\n');
        g_string_append (s, parts[i]);
      }
  return g_string_free (s, FALSE);
}

static gboolean
insert_index_row (TernStoreDb *self,
                  gboolean     remove,
                  gint64       sort_key,
                  const char  *sender,
                  const char  *recipients,
                  const char  *subject,
                  const char  *body,
                  const char  *attachments,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  if (remove)
    stmt = _tern_store_db_get_stmt (self,
                                    "INSERT INTO message_search (message_search, rowid, sender, recipients, subject, body, attachments)"
                                    " VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6)", error);
  else
    stmt = _tern_store_db_get_stmt (self,
                                    "INSERT INTO message_search (rowid, sender, recipients, subject, body, attachments)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sort_key);
  sqlite3_bind_text (stmt, 2, sender != NULL ? sender : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, recipients != NULL ? recipients : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, subject != NULL ? subject : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, body != NULL ? body : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, attachments != NULL ? attachments : "", -1, SQLITE_STATIC);
  return _tern_store_db_stmt_run (self, stmt, error);
}

/* Inserts the search index rows queued by _tern_store_db_index_entry(). Runs before
 * COMMIT, before a "delete" of the index and before a search, so that nothing ever
 * sees the index without them. */
gboolean
_tern_store_db_flush_pending_index (TernStoreDb *self, GError **error)
{
  gboolean ok = TRUE;

  if (self->pending_index == NULL || self->pending_index->len == 0)
    return TRUE;
  for (guint i = 0; ok && i < self->pending_index->len; i++)
    {
      PendingIndex *entry = &g_array_index (self->pending_index, PendingIndex, i);

      ok = insert_index_row (self, FALSE, entry->sort_key, entry->sender, entry->recipients, entry->subject,
                             entry->body, entry->attachments, error);
    }
  g_array_set_size (self->pending_index, 0);
  if (!ok)
    self->tx_failed = TRUE;
  return ok;
}

/* Adds or removes ("delete") a row of the contentless search index; the values
 * must be exactly those indexed.
 *
 * Inside a transaction, an added row is queued and inserted at the end
 * (_tern_store_db_flush_pending_index()): FTS5 writes out its pending terms as a new
 * segment at every statement savepoint, and every INSERT INTO messages opens one (its
 * triggers), so inserting the index row next to each message made one tiny segment
 * per message (and merges of them): a fifth of an IMAP sync's CPU time. Queued, a
 * transaction's rows make one segment. */
gboolean
_tern_store_db_index_entry (TernStoreDb *self,
                            gboolean     remove,
                            gint64       sort_key,
                            const char  *from,
                            const char  *to,
                            const char  *cc,
                            const char  *bcc,
                            const char  *subject,
                            const char  *body,
                            const char  *attachments,
                            GError     **error)
{
  g_autofree char *recipients = join_recipients (to, cc, bcc);

  if (!remove && self->tx_depth > 0)
    {
      PendingIndex entry = { sort_key, g_strdup (from), g_steal_pointer (&recipients), g_strdup (subject),
                             g_strdup (body), g_strdup (attachments) };

      if (self->pending_index == NULL)
        {
          self->pending_index = g_array_new (FALSE, FALSE, sizeof (PendingIndex));
          g_array_set_clear_func (self->pending_index, pending_index_clear);
        }
      g_array_append_val (self->pending_index, entry);
      return TRUE;
    }
  /* A "delete" must find the row it deletes. */
  if (!_tern_store_db_flush_pending_index (self, error))
    return FALSE;
  return insert_index_row (self, remove, sort_key, from, recipients, subject, body, attachments, error);
}

static char *
join_references (char **refs)
{
  guint n = g_strv_length (refs);
  guint first = n > TERN_STORE_DB_MAX_THREAD_IDS ? n - TERN_STORE_DB_MAX_THREAD_IDS : 0;
  GString *s;

  if (n == 0)
    return NULL;
  s = g_string_new (NULL);
  for (guint i = first; i < n; i++)
    {
      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append_printf (s, "<%s>", refs[i]);
    }
  return g_string_free (s, FALSE);
}

/**
 * tern_store_db_add_message:
 * @message: what to add
 * @duplicate: (out) (optional): set to %TRUE when @message->skip_duplicate found
 *   the message in the folder already (its id is returned)
 *
 * Adds a message to a folder: its row, its raw bytes, its conversation and its
 * search index entry, in the current transaction (or its own).
 *
 * Returns: the message id, or 0 on error
 */
gint64
tern_store_db_add_message (TernStoreDb                 *self,
                           const TernStoreDbNewMessage *message,
                           gboolean                    *duplicate,
                           GError                     **error)
{
  g_autoptr(TernMimeSummary) own_summary = NULL;
  g_autofree char *refs = NULL;
  const TernMimeSummary *summary = message->summary;
  const guint8 *raw = NULL;
  gsize raw_len = 0;
  gint64 dedup_key = message->dedup_key;
  gint64 date, internal_date, sort_key, thread_id, id;
  guint32 uid = message->uid;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TERN_IS_STORE_DB (self), 0);
  g_return_val_if_fail (message->raw != NULL || message->summary != NULL, 0);

  if (duplicate != NULL)
    *duplicate = FALSE;

  if (message->raw != NULL)
    raw = g_bytes_get_data (message->raw, &raw_len);
  if (raw == NULL && message->raw != NULL)
    raw = (const guint8 *) "";
  if (dedup_key == 0 && raw != NULL)
    dedup_key = tern_store_db_compute_dedup_key (raw, raw_len);

  if (!tern_store_db_begin (self, error))
    return 0;

  if (message->skip_duplicate && dedup_key != 0)
    {
      gint64 existing = 0;
      gboolean found = FALSE;

      stmt = _tern_store_db_get_stmt (self, "SELECT id FROM messages WHERE folder_id = ?1 AND dedup_key = ?2 LIMIT 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, message->folder_id);
      sqlite3_bind_int64 (stmt, 2, dedup_key);
      if (!_tern_store_db_stmt_int64 (self, stmt, &existing, &found, error))
        goto fail;
      if (found)
        {
          if (duplicate != NULL)
            *duplicate = TRUE;
          if (!tern_store_db_commit (self, error))
            return 0;
          return existing;
        }
    }

  /* Parse only what is not a duplicate. */
  if (summary == NULL)
    summary = own_summary = tern_mime_summary_new (raw, raw_len);

  if (uid == 0)
    {
      gint64 next = 0;
      gboolean found = FALSE;

      /* The folder's next UID, and never one that a message has (e.g. one the
       * IMAP worker stored with its own UID). */
      stmt = _tern_store_db_get_stmt (self,
                                      "UPDATE folders SET uidnext = max (uidnext,"
                                      " (SELECT coalesce (max (uid), 0) + 1 FROM messages WHERE folder_id = ?1)) + 1"
                                      " WHERE id = ?1 RETURNING uidnext - 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, message->folder_id);
      if (!_tern_store_db_stmt_int64 (self, stmt, &next, &found, error))
        goto fail;
      if (!found)
        {
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                       _("No folder with id %" G_GINT64_FORMAT), message->folder_id);
          goto fail;
        }
      uid = (guint32) next;
    }

  internal_date = message->internal_date != 0 ? message->internal_date
                  : summary->date != 0 ? summary->date : g_get_real_time () / G_USEC_PER_SEC;
  date = summary->date != 0 ? summary->date : internal_date;

  if ((sort_key = allocate_sort_key (self, date, error)) < 0)
    goto fail;
  if ((thread_id = _tern_store_db_assign_thread (self, summary, date, error)) == 0)
    goto fail;

  refs = join_references (summary->references);
  stmt = _tern_store_db_get_stmt (self,
                                  "INSERT INTO messages (folder_id, sort_key, uid, uidl, flags, keywords, internal_date,"
                                  " date, date_tz, size, from_addr, to_addr, cc_addr, bcc_addr, subject, message_id,"
                                  " in_reply_to, refs, has_attachments, has_body, preview, thread_id, dedup_key, indexed)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
                                  " ?18, ?19, ?20, ?21, ?22, ?23, ?24)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, message->folder_id);
  sqlite3_bind_int64 (stmt, 2, sort_key);
  sqlite3_bind_int64 (stmt, 3, uid);
  _tern_store_db_bind_text (stmt, 4, message->uidl);
  sqlite3_bind_int (stmt, 5, message->flags & TERN_STORE_FLAGS_ALL);
  _tern_store_db_bind_text (stmt, 6, message->keywords);
  sqlite3_bind_int64 (stmt, 7, internal_date);
  sqlite3_bind_int64 (stmt, 8, date);
  sqlite3_bind_int (stmt, 9, summary->date_tz);
  sqlite3_bind_int64 (stmt, 10, raw != NULL ? (gint64) raw_len : (gint64) message->size);
  _tern_store_db_bind_text (stmt, 11, summary->from);
  _tern_store_db_bind_text (stmt, 12, summary->to);
  _tern_store_db_bind_text (stmt, 13, summary->cc);
  _tern_store_db_bind_text (stmt, 14, summary->bcc);
  _tern_store_db_bind_text (stmt, 15, summary->subject);
  _tern_store_db_bind_text (stmt, 16, summary->message_id);
  _tern_store_db_bind_text (stmt, 17, summary->in_reply_to);
  _tern_store_db_bind_text (stmt, 18, refs);
  sqlite3_bind_int (stmt, 19, summary->has_attachments);
  sqlite3_bind_int (stmt, 20, raw != NULL);
  _tern_store_db_bind_text (stmt, 21, raw != NULL ? summary->preview : NULL);
  sqlite3_bind_int64 (stmt, 22, thread_id);
  sqlite3_bind_int64 (stmt, 23, dedup_key);
  sqlite3_bind_int (stmt, 24, raw != NULL ? 2 : message->defer_index ? 0 : 1);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);

  if (raw != NULL)
    {
      stmt = _tern_store_db_get_stmt (self, "INSERT INTO message_bodies (id, raw) VALUES (?1, ?2)", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, id);
      sqlite3_bind_blob64 (stmt, 2, raw, raw_len, SQLITE_STATIC);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail;
    }

  if ((raw != NULL || !message->defer_index) &&
      !_tern_store_db_index_entry (self, FALSE, sort_key, summary->from, summary->to, summary->cc, summary->bcc,
                                   summary->subject,
                                   raw != NULL ? summary->body_text : NULL,
                                   raw != NULL ? summary->attachment_names : NULL, error))
    goto fail;

  tern_store_changes_add (self->changes, TERN_STORE_CHANGE_ADDED, message->folder_id, id);
  if (message->arrived)
    tern_store_changes_add (self->changes, TERN_STORE_CHANGE_ARRIVED, message->folder_id, id);

  if (!tern_store_db_commit (self, error))
    return 0;
  return id;

fail:
  tern_store_db_rollback (self);
  return 0;
}

/* ---- changing and removing messages --------------------------------------------- */

void
_tern_store_db_indexed_row_clear (TernStoreDbIndexedRow *row)
{
  g_free (row->from);
  g_free (row->to);
  g_free (row->cc);
  g_free (row->bcc);
  g_free (row->subject);
}

gboolean
_tern_store_db_read_indexed_row (TernStoreDb *self, gint64 id, TernStoreDbIndexedRow *row, gboolean *found, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT folder_id, sort_key, indexed, from_addr, to_addr, cc_addr, bcc_addr, subject"
                                                " FROM messages WHERE id = ?1", error);
  int rc;

  memset (row, 0, sizeof *row);
  *found = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      row->folder_id = sqlite3_column_int64 (stmt, 0);
      row->sort_key = sqlite3_column_int64 (stmt, 1);
      row->indexed = sqlite3_column_int (stmt, 2);
      row->from = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->to = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->cc = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      row->bcc = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->subject = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Removes a message's entry from the search index, re-extracting the text it was
 * made from (the index is contentless). */
gboolean
_tern_store_db_unindex (TernStoreDb *self, gint64 id, const TernStoreDbIndexedRow *row, GError **error)
{
  g_autoptr(TernMimeSummary) summary = NULL;

  if (row->indexed == 0)
    return TRUE;
  if (row->indexed == 2)
    {
      g_autoptr(GBytes) raw = tern_store_db_get_raw (self, id, error);
      gsize len = 0;
      const guint8 *data;

      if (raw == NULL)
        return FALSE;
      data = g_bytes_get_data (raw, &len);
      summary = tern_mime_summary_new (data != NULL ? data : (const guint8 *) "", len);
    }
  return _tern_store_db_index_entry (self, TRUE, row->sort_key, row->from, row->to, row->cc, row->bcc, row->subject,
                                     summary != NULL ? summary->body_text : NULL,
                                     summary != NULL ? summary->attachment_names : NULL, error);
}

/**
 * tern_store_db_delete_messages:
 *
 * Removes messages (rows, raw bytes, index entries) from the store. Unknown ids
 * are ignored. Folder counts follow.
 */
gboolean
tern_store_db_delete_messages (TernStoreDb   *self,
                               const gint64  *ids,
                               guint          n_ids,
                               GError       **error)
{
  if (!tern_store_db_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      TernStoreDbIndexedRow row;
      gboolean found = FALSE;
      sqlite3_stmt *stmt;

      if (!_tern_store_db_read_indexed_row (self, ids[i], &row, &found, error))
        goto fail;
      if (!found)
        continue;
      if (!_tern_store_db_unindex (self, ids[i], &row, error))
        {
          _tern_store_db_indexed_row_clear (&row);
          goto fail;
        }
      _tern_store_db_indexed_row_clear (&row);

      stmt = _tern_store_db_get_stmt (self, "DELETE FROM messages WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail;
      tern_store_changes_add (self->changes, TERN_STORE_CHANGE_REMOVED, row.folder_id, ids[i]);
    }

  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_set_flags:
 *
 * Adds then removes flags on messages. Unknown ids are ignored.
 */
gboolean
tern_store_db_set_flags (TernStoreDb     *self,
                         const gint64    *ids,
                         guint            n_ids,
                         TernStoreFlags   add,
                         TernStoreFlags   remove,
                         GError         **error)
{
  sqlite3_stmt *stmt;

  if (!tern_store_db_begin (self, error))
    return FALSE;

  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE messages SET flags = (flags | ?2) & ~?3"
                                  " WHERE id = ?1 AND flags != ((flags | ?2) & ~?3) RETURNING folder_id", error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < n_ids; i++)
    {
      gint64 folder_id = 0;
      gboolean found = FALSE;

      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int (stmt, 2, add & TERN_STORE_FLAGS_ALL);
      sqlite3_bind_int (stmt, 3, remove & TERN_STORE_FLAGS_ALL);
      if (!_tern_store_db_stmt_int64 (self, stmt, &folder_id, &found, error))
        goto fail;
      if (found)
        tern_store_changes_add (self->changes, TERN_STORE_CHANGE_CHANGED, folder_id, ids[i]);
    }

  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_set_keywords:
 * @keywords: (nullable): the message's IMAP keywords ($Forwarded, $Junk, $label1...),
 *   space separated, or %NULL for none
 *
 * Replaces a message's keywords. An unknown id is ignored.
 */
gboolean
tern_store_db_set_keywords (TernStoreDb  *self,
                            gint64        id,
                            const char   *keywords,
                            GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 folder_id = 0;
  gboolean found = FALSE;

  if (keywords != NULL && *keywords == '\0')
    keywords = NULL;
  if (!tern_store_db_begin (self, error))
    return FALSE;
  stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET keywords = ?2 WHERE id = ?1 AND keywords IS NOT ?2 RETURNING folder_id",
                                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  _tern_store_db_bind_text (stmt, 2, keywords);
  if (!_tern_store_db_stmt_int64 (self, stmt, &folder_id, &found, error))
    goto fail;
  if (found)
    tern_store_changes_add (self->changes, TERN_STORE_CHANGE_CHANGED, folder_id, id);
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_move_messages:
 *
 * Moves messages to another folder; they get UIDs of that folder.
 */
gboolean
tern_store_db_move_messages (TernStoreDb   *self,
                             const gint64  *ids,
                             guint          n_ids,
                             gint64         folder_id,
                             GError       **error)
{
  if (!tern_store_db_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_stmt *stmt;
      gint64 old_folder = 0, uid = 0;
      gboolean found = FALSE;

      stmt = _tern_store_db_get_stmt (self, "SELECT folder_id FROM messages WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      if (!_tern_store_db_stmt_int64 (self, stmt, &old_folder, &found, error))
        goto fail;
      if (!found || old_folder == folder_id)
        continue;

      stmt = _tern_store_db_get_stmt (self,
                                      "UPDATE folders SET uidnext = max (uidnext,"
                                      " (SELECT coalesce (max (uid), 0) + 1 FROM messages WHERE folder_id = ?1)) + 1"
                                      " WHERE id = ?1 RETURNING uidnext - 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, folder_id);
      if (!_tern_store_db_stmt_int64 (self, stmt, &uid, &found, error))
        goto fail;
      if (!found)
        {
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                       _("No folder with id %" G_GINT64_FORMAT), folder_id);
          goto fail;
        }

      stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET folder_id = ?2, uid = ?3 WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int64 (stmt, 2, folder_id);
      sqlite3_bind_int64 (stmt, 3, uid);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail;
      tern_store_changes_add (self->changes, TERN_STORE_CHANGE_REMOVED, old_folder, ids[i]);
      tern_store_changes_add (self->changes, TERN_STORE_CHANGE_ADDED, folder_id, ids[i]);
    }

  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_set_raw:
 *
 * Stores the raw bytes of a message known so far by its header only (IMAP),
 * and indexes its text.
 */
gboolean
tern_store_db_set_raw (TernStoreDb *self, gint64 message_id, GBytes *raw, GError **error)
{
  g_autoptr(TernMimeSummary) summary = NULL;
  const guint8 *data;
  gsize len = 0;
  TernStoreDbIndexedRow row;
  gboolean found = FALSE;
  sqlite3_stmt *stmt;

  data = g_bytes_get_data (raw, &len);
  summary = tern_mime_summary_new (data != NULL ? data : (const guint8 *) "", len);

  if (!tern_store_db_begin (self, error))
    return FALSE;
  if (!_tern_store_db_read_indexed_row (self, message_id, &row, &found, error))
    goto fail;
  if (!found)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No message with id %" G_GINT64_FORMAT), message_id);
      goto fail;
    }
  if (!_tern_store_db_unindex (self, message_id, &row, error))
    goto fail_row;

  stmt = _tern_store_db_get_stmt (self, "INSERT OR REPLACE INTO message_bodies (id, raw) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    goto fail_row;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_blob64 (stmt, 2, data, len, SQLITE_STATIC);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    goto fail_row;

  /* The header-derived columns stay as they were indexed. */
  if (!_tern_store_db_index_entry (self, FALSE, row.sort_key, row.from, row.to, row.cc, row.bcc, row.subject,
                                   summary->body_text, summary->attachment_names, error))
    goto fail_row;

  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE messages SET has_body = 1, indexed = 2, size = ?2, has_attachments = ?3,"
                                  " preview = ?4, dedup_key = ?5 WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail_row;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, len);
  sqlite3_bind_int (stmt, 3, summary->has_attachments);
  _tern_store_db_bind_text (stmt, 4, summary->preview);
  sqlite3_bind_int64 (stmt, 5, tern_store_db_compute_dedup_key (data, len));
  if (!_tern_store_db_stmt_run (self, stmt, error))
    goto fail_row;

  tern_store_changes_add (self->changes, TERN_STORE_CHANGE_CHANGED, row.folder_id, message_id);
  _tern_store_db_indexed_row_clear (&row);
  return tern_store_db_commit (self, error);

fail_row:
  _tern_store_db_indexed_row_clear (&row);
fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_index_headers:
 * @folder_id: the folder
 * @n_indexed: (out) (optional): how many messages were indexed
 *
 * Puts the folder's header-only messages that are not in the search index yet
 * (TernStoreDbNewMessage.defer_index, their bodies never came) into it by their
 * headers; tern_store_db_set_raw() adds the body when it comes.
 */
gboolean
tern_store_db_index_headers (TernStoreDb  *self,
                             gint64        folder_id,
                             guint        *n_indexed,
                             GError      **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;
  int rc;

  if (n_indexed != NULL)
    *n_indexed = 0;
  stmt = _tern_store_db_get_stmt (self, "SELECT id FROM messages WHERE folder_id = ?1 AND indexed = 0 AND has_body = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  if (ids->len == 0)
    return TRUE;

  if (!tern_store_db_begin (self, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      TernStoreDbIndexedRow row;
      gboolean found = FALSE;

      if (!_tern_store_db_read_indexed_row (self, id, &row, &found, error))
        goto fail;
      if (found && row.indexed == 0)
        {
          gboolean ok = _tern_store_db_index_entry (self, FALSE, row.sort_key, row.from, row.to, row.cc, row.bcc, row.subject,
                                                    NULL, NULL, error);

          _tern_store_db_indexed_row_clear (&row);
          if (!ok)
            goto fail;
          stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET indexed = 1 WHERE id = ?1", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, id);
          if (!_tern_store_db_stmt_run (self, stmt, error))
            goto fail;
          if (n_indexed != NULL)
            (*n_indexed)++;
        }
      else if (found)
        _tern_store_db_indexed_row_clear (&row);
    }
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/* Schema version 2 added the index: fill it for the messages already stored. */
gboolean
_tern_store_db_reindex_all (TernStoreDb *self, GError **error)
{
  sqlite3_stmt *list = NULL;
  sqlite3_stmt *mark = NULL;
  int rc;
  gboolean ok = FALSE;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT m.id, m.sort_key, m.from_addr, m.to_addr, m.cc_addr, m.bcc_addr,"
                           " m.subject, b.raw FROM messages m LEFT JOIN message_bodies b ON b.id = m.id",
                           -1, &list, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->db, "UPDATE messages SET indexed = ?2 WHERE id = ?1", -1, &mark, NULL);
  if (rc != SQLITE_OK)
    {
      _tern_store_db_set_error (self, rc, error);
      goto out;
    }

  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      g_autoptr(TernMimeSummary) summary = NULL;
      const guint8 *raw = sqlite3_column_blob (list, 7);
      gsize len = sqlite3_column_bytes (list, 7);
      gboolean has_raw = sqlite3_column_type (list, 7) != SQLITE_NULL;

      if (has_raw)
        summary = tern_mime_summary_new (raw != NULL ? raw : (const guint8 *) "", len);
      if (!_tern_store_db_index_entry (self, FALSE, sqlite3_column_int64 (list, 1),
                                       (const char *) sqlite3_column_text (list, 2),
                                       (const char *) sqlite3_column_text (list, 3),
                                       (const char *) sqlite3_column_text (list, 4),
                                       (const char *) sqlite3_column_text (list, 5),
                                       (const char *) sqlite3_column_text (list, 6),
                                       summary != NULL ? summary->body_text : NULL,
                                       summary != NULL ? summary->attachment_names : NULL, error))
        goto out;
      sqlite3_bind_int64 (mark, 1, sqlite3_column_int64 (list, 0));
      sqlite3_bind_int (mark, 2, has_raw ? 2 : 1);
      if (sqlite3_step (mark) != SQLITE_DONE)
        {
          _tern_store_db_set_error (self, sqlite3_errcode (self->db), error);
          goto out;
        }
      sqlite3_reset (mark);
    }
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      goto out;
    }
  ok = TRUE;

out:
  sqlite3_finalize (list);
  sqlite3_finalize (mark);
  /* The cached statements may refer to the old schema. */
  g_hash_table_remove_all (self->stmts);
  return ok;
}

/* ---- reading messages ----------------------------------------------------------- */

GPtrArray *
_tern_store_db_collect_messages (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, _tern_store_message_new_from_stmt (stmt));
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

TernStoreMessage *
tern_store_db_get_message (TernStoreDb *self, gint64 message_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT " TERN_STORE_MESSAGE_COLUMNS " FROM messages m WHERE m.id = ?1", error);
  g_autoptr(GPtrArray) rows = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if ((rows = _tern_store_db_collect_messages (self, stmt, error)) == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No message with id %" G_GINT64_FORMAT), message_id);
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (rows, 0));
}

/**
 * tern_store_db_get_raw:
 *
 * Returns: (transfer full): the raw message bytes, or %NULL with
 *   %TERN_STORE_ERROR_NOT_FOUND when the store has only the header
 */
GBytes *
tern_store_db_get_raw (TernStoreDb *self, gint64 message_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT raw FROM message_bodies WHERE id = ?1", error);
  GBytes *bytes = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  _tern_store_db_stmt_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                 _("The store has no content for message %" G_GINT64_FORMAT), message_id);
  else if (rc != SQLITE_ROW)
    _tern_store_db_set_error (self, rc, error);
  return bytes;
}

/**
 * tern_store_db_list_messages:
 * @folder_id: the folder
 * @offset: rows to skip
 * @limit: the most rows to return
 *
 * Returns: (transfer container) (element-type TernStoreMessage): a page of the
 *   folder's messages, newest first
 */
GPtrArray *
tern_store_db_list_messages (TernStoreDb  *self,
                             gint64        folder_id,
                             guint         offset,
                             guint         limit,
                             GError      **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_MESSAGE_COLUMNS " FROM messages m"
                                                " WHERE m.folder_id = ?1 ORDER BY m.sort_key DESC LIMIT ?2 OFFSET ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);
  return _tern_store_db_collect_messages (self, stmt, error);
}

/**
 * tern_store_db_list_thread:
 *
 * Returns: (transfer container) (element-type TernStoreMessage): the messages of
 *   a conversation, oldest first
 */
GPtrArray *
tern_store_db_list_thread (TernStoreDb *self, gint64 thread_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_MESSAGE_COLUMNS " FROM messages m"
                                                " WHERE m.thread_id = ?1 ORDER BY m.sort_key", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  return _tern_store_db_collect_messages (self, stmt, error);
}

/* What a search statement selects. */
enum
{
  SEARCH_ROWS,    /* TERN_STORE_MESSAGE_COLUMNS, a page of them */
  SEARCH_COUNT,   /* count(*) */
  SEARCH_KEYS,    /* sort_key and id of every match */
};

/* Builds the SQL of a search. Parameters: ?1 the match, ?2 the exclusion match,
 * ?3/?4 the sort-key range, ?5.. the folders. */
static char *
search_sql (TernStoreQuery *query, int mode)
{
  GString *sql = g_string_new ("SELECT ");
  gboolean fts = tern_store_query_get_match (query) != NULL;
  const char * const *folders = tern_store_query_get_folders (query);
  const char * const *excluded = tern_store_query_get_excluded_folders (query);
  const char *key = fts ? "message_search.rowid" : "m.sort_key";
  int param = 5;

  g_string_append (sql, mode == SEARCH_COUNT ? "count(*)"
                        : mode == SEARCH_KEYS ? "m.sort_key, m.id" : TERN_STORE_MESSAGE_COLUMNS);
  if (fts)
    g_string_append (sql, " FROM message_search CROSS JOIN messages m ON m.sort_key = message_search.rowid"
                          " WHERE message_search MATCH ?1");
  else
    g_string_append (sql, " FROM messages m WHERE 1");

  if (tern_store_query_get_exclude_match (query) != NULL)
    g_string_append (sql, " AND m.sort_key NOT IN (SELECT rowid FROM message_search WHERE message_search MATCH ?2)");
  if (tern_store_query_get_after (query) != 0)
    g_string_append_printf (sql, " AND %s >= ?3", key);
  if (tern_store_query_get_before (query) != 0)
    g_string_append_printf (sql, " AND %s < ?4", key);

#define TRISTATE(getter, yes, no) \
  switch (getter (query)) \
    { \
    case TERN_STORE_QUERY_YES: g_string_append (sql, " AND " yes); break; \
    case TERN_STORE_QUERY_NO: g_string_append (sql, " AND " no); break; \
    default: break; \
    }
  TRISTATE (tern_store_query_get_unread, "(m.flags & 1) = 0", "(m.flags & 1) != 0")
  TRISTATE (tern_store_query_get_answered, "(m.flags & 2) != 0", "(m.flags & 2) = 0")
  TRISTATE (tern_store_query_get_flagged, "(m.flags & 4) != 0", "(m.flags & 4) = 0")
  TRISTATE (tern_store_query_get_deleted, "(m.flags & 8) != 0", "(m.flags & 8) = 0")
  TRISTATE (tern_store_query_get_draft, "(m.flags & 16) != 0", "(m.flags & 16) = 0")
  TRISTATE (tern_store_query_get_has_attachment, "m.has_attachments = 1", "m.has_attachments = 0")
#undef TRISTATE

  if (folders[0] != NULL)
    {
      g_string_append (sql, " AND m.folder_id IN (SELECT id FROM folders WHERE path COLLATE NOCASE IN (");
      for (guint i = 0; folders[i] != NULL; i++)
        g_string_append_printf (sql, "%s?%d", i > 0 ? ", " : "", param++);
      g_string_append (sql, "))");
    }
  if (excluded[0] != NULL)
    {
      g_string_append (sql, " AND m.folder_id NOT IN (SELECT id FROM folders WHERE path COLLATE NOCASE IN (");
      for (guint i = 0; excluded[i] != NULL; i++)
        g_string_append_printf (sql, "%s?%d", i > 0 ? ", " : "", param++);
      g_string_append (sql, "))");
    }

  if (mode == SEARCH_ROWS)
    g_string_append_printf (sql, " ORDER BY %s DESC LIMIT ?%d OFFSET ?%d", key, param, param + 1);
  else if (mode == SEARCH_KEYS)
    g_string_append_printf (sql, " ORDER BY %s DESC", key);

  return g_string_free (sql, FALSE);
}

static sqlite3_stmt *
prepare_search (TernStoreDb *self, TernStoreQuery *query, int mode, guint offset, guint limit, GError **error)
{
  g_autofree char *sql = search_sql (query, mode);
  const char * const *folders = tern_store_query_get_folders (query);
  const char * const *excluded = tern_store_query_get_excluded_folders (query);
  sqlite3_stmt *stmt;
  int param = 5;

  if (!_tern_store_db_flush_pending_index (self, error))
    return NULL;
  stmt = _tern_store_db_get_stmt (self, sql, error);

  if (stmt == NULL)
    {
      /* A match expression FTS5 rejects surfaces here; say it is the query. */
      if (error != NULL && *error != NULL && (*error)->code == TERN_STORE_ERROR_FAILED)
        (*error)->code = TERN_STORE_ERROR_INVALID_QUERY;
      return NULL;
    }

  _tern_store_db_bind_text (stmt, 1, tern_store_query_get_match (query));
  _tern_store_db_bind_text (stmt, 2, tern_store_query_get_exclude_match (query));
  sqlite3_bind_int64 (stmt, 3, CLAMP (tern_store_query_get_after (query), 0, (G_GINT64_CONSTANT (1) << 42) - 1) << TERN_STORE_DB_SORT_KEY_SHIFT);
  sqlite3_bind_int64 (stmt, 4, CLAMP (tern_store_query_get_before (query), 0, (G_GINT64_CONSTANT (1) << 42) - 1) << TERN_STORE_DB_SORT_KEY_SHIFT);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *path = _tern_store_db_normalize_path (folders[i]);
      _tern_store_db_bind_text (stmt, param++, path);
    }
  for (guint i = 0; excluded[i] != NULL; i++)
    {
      g_autofree char *path = _tern_store_db_normalize_path (excluded[i]);
      _tern_store_db_bind_text (stmt, param++, path);
    }
  if (mode == SEARCH_ROWS)
    {
      sqlite3_bind_int64 (stmt, param, limit);
      sqlite3_bind_int64 (stmt, param + 1, offset);
    }
  return stmt;
}

static void
fix_query_error (GError **error)
{
  /* FTS5 reports a bad expression when the statement runs. */
  if (error != NULL && *error != NULL && (*error)->code == TERN_STORE_ERROR_FAILED)
    (*error)->code = TERN_STORE_ERROR_INVALID_QUERY;
}

/**
 * tern_store_db_search:
 * @query: a parsed query
 * @offset: results to skip
 * @limit: the most results to return
 *
 * Returns: (transfer container) (element-type TernStoreMessage): matching
 *   messages of all accounts, newest first
 */
GPtrArray *
tern_store_db_search (TernStoreDb     *self,
                      TernStoreQuery  *query,
                      guint            offset,
                      guint            limit,
                      GError         **error)
{
  sqlite3_stmt *stmt = prepare_search (self, query, SEARCH_ROWS, offset, limit, error);
  GPtrArray *rows;

  if (stmt == NULL)
    return NULL;
  rows = _tern_store_db_collect_messages (self, stmt, error);
  if (rows == NULL)
    fix_query_error (error);
  return rows;
}

/**
 * tern_store_db_search_count:
 *
 * Returns: the number of messages matching @query, or -1 on error
 */
gint64
tern_store_db_search_count (TernStoreDb *self, TernStoreQuery *query, GError **error)
{
  sqlite3_stmt *stmt = prepare_search (self, query, SEARCH_COUNT, 0, 0, error);
  gint64 n = 0;

  if (stmt == NULL)
    return -1;
  if (!_tern_store_db_stmt_int64 (self, stmt, &n, NULL, error))
    {
      fix_query_error (error);
      return -1;
    }
  return n;
}

/**
 * tern_store_db_list_keys:
 * @folder_id: a folder, or 0 with @query
 * @query: (nullable): a search, or %NULL for the folder's messages
 *
 * The order of a folder's messages, or of a search's matches: what a list model
 * keeps of a 100,000-message folder (16 bytes a message).
 *
 * Returns: (transfer full) (element-type TernStoreDbKey): every message's sort key
 *   and id, newest first; %NULL on error
 */
GArray *
tern_store_db_list_keys (TernStoreDb     *self,
                         gint64           folder_id,
                         TernStoreQuery  *query,
                         GError         **error)
{
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (TernStoreDbKey));
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TERN_IS_STORE_DB (self), NULL);
  g_return_val_if_fail ((folder_id > 0) != (query != NULL), NULL);

  if (query != NULL)
    stmt = prepare_search (self, query, SEARCH_KEYS, 0, 0, error);
  else
    {
      stmt = _tern_store_db_get_stmt (self, "SELECT sort_key, id FROM messages WHERE folder_id = ?1 ORDER BY sort_key DESC", error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 1, folder_id);
    }
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernStoreDbKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };
      g_array_append_val (keys, key);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      if (query != NULL)
        fix_query_error (error);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

/* ---- journal and outbox --------------------------------------------------------- */


/**
 * tern_store_db_outbox_add:
 *
 * Queues a message for sending.
 *
 * Returns: the queue entry id, or 0 on error
 */
gint64
tern_store_db_outbox_add (TernStoreDb         *self,
                          gint64               account_id,
                          const char          *mail_from,
                          const char * const  *rcpt_to,
                          GBytes              *raw,
                          GError             **error)
{
  g_autofree char *rcpt = g_strjoinv ("\n", (char **) rcpt_to);
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "INSERT INTO outbox (account_id, mail_from, rcpt_to, raw, created)"
                                                " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  gsize len = 0;
  const void *data = g_bytes_get_data (raw, &len);

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, account_id);
  _tern_store_db_bind_text (stmt, 2, mail_from);
  _tern_store_db_bind_text (stmt, 3, rcpt);
  sqlite3_bind_blob64 (stmt, 4, data != NULL ? data : "", len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

gint64
tern_store_db_outbox_count (TernStoreDb *self, gint64 account_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT count(*) FROM outbox WHERE account_id = ?1", error);
  gint64 n = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (!_tern_store_db_stmt_int64 (self, stmt, &n, NULL, error))
    return -1;
  return n;
}
