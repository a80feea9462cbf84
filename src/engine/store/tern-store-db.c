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
 * speed; the POP3 download (tern-sync-pop3.c), which deletes mail on the server
 * after storing it, forces a checkpoint (tern_store_db_checkpoint()) before it sends
 * DELE.
 *
 * Message bodies are not in the database file but in pack files beside it
 * (tern-store-db-bodies.c), synced before every checkpoint: SQLite's automatic
 * checkpoints are replaced by this file's WAL hook, which syncs the packs first.
 *
 * This file has the connection itself: errors, the statement cache, opening and
 * migrating, transactions and the changes they record. The rest of TernStoreDb is
 * in its sibling files, sharing the internals of tern-store-private.h:
 * tern-store-db-folders.c (accounts and folders), tern-store-db-messages.c,
 * tern-store-db-threads.c (conversations), tern-store-db-search.c (the search index,
 * searching, the order of a folder), tern-store-db-sync.c (for the IMAP sync and its
 * journal) and tern-store-db-outbox.c (the outbox and the POP3 UIDLs).
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

G_DEFINE_FINAL_TYPE (TernStoreDb, tern_store_db, G_TYPE_OBJECT)

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
  { 7, "007-journal-message-folder.sql", NULL },
  { 8, "008-pop3-fingerprint.sql", NULL },
  { 9, "009-body-packs.sql", NULL },
  { 10, "010-thread-keys.sql", NULL },
  { 11, "011-bodiless-index.sql", NULL },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == TERN_STORE_SCHEMA_VERSION);

static gboolean collect_garbage (TernStoreDb *self, GError **error);

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

/* Steps a bound statement to its end: the integers of its first column. */
GArray *
_tern_store_db_collect_int64 (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 value = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (values, value);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&values);
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
  /* Closing the last connection checkpoints: the bodies go to disk first. */
  if (self->db != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!_tern_store_db_bodies_sync (self, &error))
        g_warning ("%s", error->message);
      sqlite3_close_v2 (self->db);
    }
  _tern_store_db_packs_close (self);
  g_free (self->packs_dir);
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

/* For the store's other files: the connection, to run their own statements in this
 * connection's transactions. */
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

/* The file checks of the first open of @path in this process: making the file (0600)
 * and reading its header. They use file descriptors of their own, so they run only
 * while this process has no SQLite connection to the file: closing any descriptor of
 * a file drops all of the process's POSIX locks on it, SQLite's included, and another
 * process that then believes itself the last connection deletes the write-ahead log
 * with the transactions not yet checkpointed in it. A later open of the same path
 * (a worker's own connection) skips them; the first holds the lock meanwhile. */
static gboolean
first_open_checks (const char *path, gboolean *created, GError **error)
{
  static GMutex lock;
  static GHashTable *checked;
  gboolean ok = TRUE;

  g_mutex_lock (&lock);
  if (checked == NULL)
    checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_contains (checked, path))
    {
      ok = ensure_file (path, created, error) && (*created || check_header (path, error));
      if (ok)
        g_hash_table_add (checked, g_strdup (path));
    }
  else
    /* Made again if something deleted it (a new file: no lock of ours on it). */
    ok = g_file_test (path, G_FILE_TEST_EXISTS) || ensure_file (path, created, error);
  g_mutex_unlock (&lock);
  return ok;
}

/* Every this many pages in the write-ahead log, the commit that passes it checkpoints
 * (SQLite's default is 1000; the store wrote 4096 with wal_autocheckpoint). */
#define CHECKPOINT_PAGES 4096

/* Replaces SQLite's automatic checkpoint (sqlite3_wal_autocheckpoint(), which is a
 * WAL hook too): the same PASSIVE checkpoint at the same moment, after the packs of
 * the bodies are synced, so that no row a checkpoint makes durable names a body
 * that is not on disk. Called after a commit, with the write lock released. */
static int
wal_hook (void *data, sqlite3 *db, const char *name, int pages)
{
  TernStoreDb *self = data;
  g_autoptr(GError) error = NULL;

  if (pages < CHECKPOINT_PAGES)
    return SQLITE_OK;
  if (self->defer_checkpoint)
    {
      self->checkpoint_due = TRUE;
      return SQLITE_OK;
    }
  if (!_tern_store_db_bodies_sync (self, &error))
    {
      /* No checkpoint: the rows stay in the log, as durable as their bodies. */
      g_warning ("%s", error->message);
      return SQLITE_OK;
    }
  sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
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
  self->packs_dir = _tern_store_db_packs_dir (self->path);

  if (!first_open_checks (self->path, &created, error))
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
             "PRAGMA temp_store = MEMORY;"
             "PRAGMA journal_size_limit = 67108864;"
             /* this connection's scratch: the messages a set-based move takes */
             "CREATE TEMP TABLE move_set (id INTEGER PRIMARY KEY, uid INTEGER NOT NULL);",
             error))
    return NULL;
  sqlite3_wal_hook (self->db, wal_hook, self);
  tern_store_db_set_cache_size (self, TERN_STORE_DB_CACHE_KIB);

  if (version < TERN_STORE_SCHEMA_VERSION && !migrate (self, version, error))
    return NULL;

  /* A cheap probe that reads the schema and the folders: a damaged file usually
   * fails here, with a clear error rather than later in the UI. */
  {
    gint64 n = 0;
    if (!pragma_int (self, "SELECT count(*) FROM folders", &n, error))
      return NULL;
  }
  /* Space freed by a process killed before it gave it back. */
  if (!collect_garbage (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * tern_store_db_move_aside:
 * @path: a store file that cannot be opened
 * @new_path: (out) (optional): where it went
 *
 * Renames a damaged or foreign store (and its -wal and -shm files, its -bodies
 * folder) to
 * `PATH.broken-YYYYmmdd-HHMMSS`, so that the next open starts a new store.
 */
gboolean
tern_store_db_move_aside (const char *path, char **new_path, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.broken-%s", path, stamp);
  static const char * const suffixes[] = { "-wal", "-shm", "-bodies" };

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

/* Gives back the space of the bodies deleted by committed transactions, if any
 * (tern-store-db-bodies.c). */
static gboolean
collect_garbage (TernStoreDb *self, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 one = 0;
  gboolean found = FALSE, ok;

  if (self->collecting || self->tx_depth > 0)
    return TRUE;
  stmt = _tern_store_db_get_stmt (self, "SELECT 1 FROM pack_garbage LIMIT 1", error);
  if (stmt == NULL || !_tern_store_db_stmt_int64 (self, stmt, &one, &found, error))
    return FALSE;
  if (!found)
    return TRUE;
  self->collecting = TRUE;
  ok = _tern_store_db_bodies_collect (self, error);
  self->collecting = FALSE;
  return ok;
}

/* Syncs the write-ahead log to disk: what was committed survives a power cut. (The
 * synchronous setting cannot change inside a transaction; the log's own file can be
 * synced at any time.) */
static void
sync_log (TernStoreDb *self)
{
  sqlite3_file *log = NULL;
  int rc = sqlite3_file_control (self->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log);

  if (rc == SQLITE_OK && log != NULL && log->pMethods != NULL)
    rc = log->pMethods->xSync (log, SQLITE_SYNC_NORMAL);
  if (rc != SQLITE_OK)
    g_warning ("Cannot sync the mail store's log to disk: %s", sqlite3_errstr (rc));
}

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
      self->tx_durable = FALSE;
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

  _tern_store_db_packs_end_transaction (self);
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

  if (!_tern_store_db_flush_pending_index (self, error) ||
      (self->tx_durable && !_tern_store_db_bodies_sync (self, error)) ||
      !exec (self, "COMMIT", error))
    {
      if (self->pending_index != NULL)
        g_array_set_size (self->pending_index, 0);
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      g_clear_pointer (&self->changes, tern_store_changes_unref);
      return FALSE;
    }

  if (self->tx_durable)
    sync_log (self);
  changes = g_steal_pointer (&self->changes);
  if (self->change_func != NULL && changes != NULL && !tern_store_changes_is_empty (changes))
    self->change_func (changes, self->change_data);
  /* Bodies it deleted: their space is given back now that it is committed. */
  {
    g_autoptr(GError) local_error = NULL;

    if (!collect_garbage (self, &local_error))
      g_warning ("%s", local_error->message);
  }
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
  _tern_store_db_packs_end_transaction (self);
  g_clear_pointer (&self->changes, tern_store_changes_unref);
  if (self->pending_index != NULL)
    g_array_set_size (self->pending_index, 0);
}

/* For the store's other files: the open transaction's commit is made durable
 * (synced, on disk after a power cut too), not only safe from a crash of the
 * program as the store's commits are with synchronous = NORMAL. For what must
 * never be lost or repeated: mail queued for sending, and the mark that the server
 * accepted it. */
void
_tern_store_db_make_durable (TernStoreDb *self)
{
  g_return_if_fail (self->tx_depth > 0);
  self->tx_durable = TRUE;
}

/* For the store's other files: records a message change in the open transaction's
 * changes, delivered when it commits. Callers wrap their writes in
 * tern_store_db_begin() ... _commit(). */
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
 * tern_store_db_defer_checkpoint:
 * @defer: %TRUE to hold the checkpoints back, %FALSE to run the one held back (if
 *   any) and go on as usual
 *
 * A commit that takes the write-ahead log past its limit checkpoints it, there and
 * then (a tenth of a second and more). An operation the user waits for (a move whose
 * server part starts once it is committed) holds that back while it runs, and lets it
 * run once the rest has started: the checkpoint only makes the log shorter, the log
 * is as durable.
 */
void
tern_store_db_defer_checkpoint (TernStoreDb *self, gboolean defer)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (TERN_IS_STORE_DB (self));

  self->defer_checkpoint = defer;
  if (defer || !self->checkpoint_due || self->tx_depth > 0)
    return;
  self->checkpoint_due = FALSE;
  /* As wal_hook() does: the bodies on disk before the rows naming them leave the log. */
  if (!_tern_store_db_bodies_sync (self, &error))
    {
      g_warning ("%s", error->message);
      return;
    }
  sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

/**
 * tern_store_db_get_checkpoint_due:
 *
 * Returns: whether a checkpoint is held back (tern_store_db_defer_checkpoint())
 */
gboolean
tern_store_db_get_checkpoint_due (TernStoreDb *self)
{
  g_return_val_if_fail (TERN_IS_STORE_DB (self), FALSE);
  return self->checkpoint_due;
}

/**
 * tern_store_db_set_cache_size:
 * @kib: the most memory the connection's page cache may hold
 *
 * Sets the connection's page cache (%TERN_STORE_DB_CACHE_KIB at open). Making it
 * smaller frees the pages above the new size at once.
 */
void
tern_store_db_set_cache_size (TernStoreDb *self, gint64 kib)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (TERN_IS_STORE_DB (self));
  g_return_if_fail (kib > 0);

  sql = g_strdup_printf ("PRAGMA cache_size = -%" G_GINT64_FORMAT, kib);
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("Cannot set the store's cache size: %s", sqlite3_errmsg (self->db));
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
  int rc;

  /* The bodies first: a row made durable names bytes on disk. */
  if (!_tern_store_db_bodies_sync (self, error))
    return FALSE;
  rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);

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
