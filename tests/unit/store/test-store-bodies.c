/* test-store-bodies.c: message bodies in pack files (schema 9): written once, read
 * back checked, freed when deleted, synced before the rows that name them are made
 * durable, forgotten (and fetched again) when a power cut damaged them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE   /* RTLD_NEXT */
#include "config.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-db-outbox.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"
#include "tern-store-private.h"
#include "store-test-home.h"

/* ---- the syncs, as the kernel sees them ------------------------------------------ */

/* Every fsync()/fdatasync() of the process (the store's and SQLite's alike) is
 * interposed here and logged by the kind of file: 'p' a pack, 'd' the database
 * file, 'w' its write-ahead log. The order is what the tests check. */
static GMutex sync_lock;
static GString *sync_log;

static void
log_sync (int fd)
{
  g_autofree char *link = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autofree char *target = g_file_read_link (link, NULL);
  char kind = '?';

  if (target == NULL)
    return;
  if (g_str_has_suffix (target, ".pack"))
    kind = 'p';
  else if (g_str_has_suffix (target, "store.db"))
    kind = 'd';
  else if (g_str_has_suffix (target, "store.db-wal"))
    kind = 'w';
  g_mutex_lock (&sync_lock);
  if (sync_log != NULL)
    g_string_append_c (sync_log, kind);
  g_mutex_unlock (&sync_lock);
}

int fdatasync (int fd);
int fsync (int fd);

int
fdatasync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fdatasync");
  log_sync (fd);
  return real (fd);
}

int
fsync (int fd)
{
  static int (*real) (int);

  if (real == NULL)
    real = (int (*) (int)) dlsym (RTLD_NEXT, "fsync");
  log_sync (fd);
  return real (fd);
}

static void
sync_log_start (void)
{
  g_mutex_lock (&sync_lock);
  if (sync_log == NULL)
    sync_log = g_string_new (NULL);
  g_string_truncate (sync_log, 0);
  g_mutex_unlock (&sync_lock);
}

static char *
sync_log_take (void)
{
  char *text;

  g_mutex_lock (&sync_lock);
  text = g_strdup (sync_log != NULL ? sync_log->str : "");
  if (sync_log != NULL)
    g_string_truncate (sync_log, 0);
  g_mutex_unlock (&sync_lock);
  return text;
}

/* ---- helpers ------------------------------------------------------------------------ */

static TernStoreDb *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = store_test_case_store ();
  TernStoreDb *db = tern_store_db_open (path, &error);

  g_assert_no_error (error);
  return db;
}

/* Message @n, of about @size bytes: a line of text and an attachment (base64). */
static GBytes *
make_message (int n, gsize size)
{
  GString *s = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);
  guint8 chunk[57];

  g_string_append_printf (s, "From: Bob <bob@example.com>\nTo: alice@example.com\nSubject: message %d\n"
                             "Date: Mon, 1 Jan 2024 10:%02d:00 +0000\nMessage-ID: <b%d@example.com>\n"
                             "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
                             "--b\nContent-Type: text/plain\n\nword%d is in the body\n\n"
                             "--b\nContent-Type: application/octet-stream; name=\"data%d.bin\"\n"
                             "Content-Transfer-Encoding: base64\n\n", n, n % 60, n, n, n);
  while (s->len < size)
    {
      g_autofree char *line = NULL;

      for (guint i = 0; i < sizeof chunk; i++)
        chunk[i] = g_rand_int (rand) & 0xff;
      line = g_base64_encode (chunk, sizeof chunk);
      g_string_append_printf (s, "%s\n", line);
    }
  g_string_append (s, "--b--\n");
  return g_string_free_to_bytes (s);
}

static gint64
add (TernStoreDb *db, gint64 folder_id, GBytes *raw)
{
  g_autoptr(GError) error = NULL;
  TernStoreDbNewMessage message = { 0 };
  gint64 id;

  message.folder_id = folder_id;
  message.raw = raw;
  id = tern_store_db_add_message (db, &message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static gint64
count (TernStoreDb *db, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreQuery) query = tern_store_query_parse (text, &error);
  gint64 n;

  g_assert_no_error (error);
  n = tern_store_db_search_count (db, query, &error);
  g_assert_no_error (error);
  return n;
}

static gint64
sql_int (TernStoreDb *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (_tern_store_db_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
assert_raw (TernStoreDb *db, gint64 id, GBytes *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) back = tern_store_db_get_raw (db, id, &error);

  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, expected));
}

static char *
pack_file (gint64 pack)
{
  g_autofree char *store = store_test_case_store ();
  g_autofree char *dir = _tern_store_db_packs_dir (store);
  g_autofree char *name = g_strdup_printf ("%06" G_GINT64_FORMAT ".pack", pack);

  return g_build_filename (dir, name, NULL);
}

/* ---- the tests ------------------------------------------------------------------------- */

/* A body goes to a pack, once, and comes back identical; nothing in SQLite's pages. */
static void
test_packed (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GBytes) raw = make_message (1, 200000);
  g_autofree char *pack = pack_file (1);
  g_autofree char *store = store_test_case_store ();
  g_autofree char *dir = _tern_store_db_packs_dir (store);
  struct stat st;
  gint64 pages = sql_int (db, "PRAGMA page_count");
  gint64 id = add (db, 1, raw);

  assert_raw (db, id, raw);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_bodies"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT len FROM message_files"), ==, g_bytes_get_size (raw));
  g_assert_cmpint (g_stat (pack, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, g_bytes_get_size (raw));
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  /* The database holds rows and the index, not the 200 KB (25 pages). */
  g_assert_cmpint (sql_int (db, "PRAGMA page_count") - pages, <, 8);
  g_assert_cmpint (count (db, "word1"), ==, 1);
}

/* A store of the current release (schema 8) keeps its bodies in message_bodies: they
 * are read from there after the upgrade, searchable, and move to a pack when stored
 * again; new bodies go to packs. */
static void
test_upgrade (void)
{
  g_autofree char *path = store_test_case_store ();
  g_autofree char *packs = _tern_store_db_packs_dir (path);
  g_autofree char *pack = pack_file (1);
  g_autoptr(GBytes) old_raw = make_message (7, 5000);
  g_autoptr(GBytes) new_raw = make_message (8, 5000);
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autofree char *to_v8 = NULL;
  sqlite3 *raw_db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id = add (db, 1, old_raw);

  /* The store as version 8 left it: the message's bytes in message_bodies, no packs. */
  g_clear_object (&db);
  g_assert_cmpint (g_unlink (pack), ==, 0);
  g_assert_cmpint (g_rmdir (packs), ==, 0);
  g_assert_cmpint (sqlite3_open (path, &raw_db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw_db, "INSERT INTO message_bodies (id, raw) VALUES (?1, ?2)", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_blob (stmt, 2, g_bytes_get_data (old_raw, NULL), g_bytes_get_size (old_raw), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  /* (and before the indexes of versions 10 and 11) */
  to_v8 = g_strdup_printf ("DROP TRIGGER message_files_delete; DROP TABLE message_files; DROP TABLE pack_garbage;"
                           " DELETE FROM meta WHERE key = 'body_pack';"
                           " DROP INDEX messages_folder_sort_thread; DROP INDEX messages_bodiless;"
                           " CREATE INDEX messages_folder_sort ON messages (folder_id, sort_key);"
                           " PRAGMA user_version = %d", 8);
  g_assert_cmpint (sqlite3_exec (raw_db, to_v8, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw_db);

  /* Upgraded. */
  db = open_store ();
  g_assert_cmpint (sql_int (db, "PRAGMA user_version"), ==, TERN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_files"), ==, 0);
  assert_raw (db, id, old_raw);
  g_assert_cmpint (count (db, "word7"), ==, 1);

  /* Stored again: into a pack, out of the old table, indexed once. */
  g_assert_true (tern_store_db_set_raw (db, id, old_raw, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_bodies"), ==, 0);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_files"), ==, 1);
  g_assert_true (g_file_test (pack, G_FILE_TEST_EXISTS));
  assert_raw (db, id, old_raw);
  g_assert_cmpint (count (db, "word7"), ==, 1);

  /* A new message: a pack. */
  id = add (db, 1, new_raw);
  assert_raw (db, id, new_raw);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_files"), ==, 2);
  g_assert_true (tern_store_db_check_integrity (db, &error));
  g_assert_no_error (error);
}

static gint64
allocated (const char *path)
{
  struct stat st;

  if (g_stat (path, &st) != 0)
    return -1;
  return (gint64) st.st_blocks * 512;
}

/* Deleting gives the space back: holes in the pack, and a pack nobody names goes.
 * A folder deleted with its messages (ON DELETE CASCADE) frees their bodies too. */
static void
test_delete_frees (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TernStoreFolder) other = NULL;
  g_autofree char *pack1 = pack_file (1);
  g_autofree char *pack2 = pack_file (2);
  g_autofree char *pack3 = pack_file (3);
  gint64 before;

  /* Packs of 1 MiB: five messages of 200 KiB in each. */
  _tern_store_db_set_pack_limit (1024 * 1024);
  for (int i = 0; i < 12; i++)
    {
      g_autoptr(GBytes) raw = make_message (i, 200 * 1024);
      gint64 id = add (db, 1, raw);

      g_array_append_val (ids, id);
    }
  g_assert_true (g_file_test (pack1, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (pack2, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (pack3, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sql_int (db, "SELECT count(DISTINCT pack) FROM message_files"), ==, 3);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_files WHERE pack = 1"), ==, 5);

  /* Every message of pack 1: the file goes. */
  g_assert_true (tern_store_db_delete_messages (db, (gint64 *) (void *) ids->data, 5, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (pack1, G_FILE_TEST_EXISTS));
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM pack_garbage"), ==, 0);

  /* One message of pack 2: a hole (the file keeps its size, not its blocks). */
  before = allocated (pack2);
  g_assert_true (tern_store_db_delete_messages (db, &g_array_index (ids, gint64, 6), 1, &error));
  g_assert_cmpint (allocated (pack2), <=, before - 150 * 1024);
  {
    g_autoptr(GBytes) five = make_message (5, 200 * 1024);
    g_autoptr(GBytes) seven = make_message (7, 200 * 1024);

    assert_raw (db, g_array_index (ids, gint64, 5), five);
    assert_raw (db, g_array_index (ids, gint64, 7), seven);
  }

  /* A folder deleted with its messages. */
  other = tern_store_db_ensure_folder (db, 1, "Other", TERN_STORE_FOLDER_ROLE_NONE, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) raw = make_message (50, 256 * 1024);

    add (db, tern_store_folder_get_id (other), raw);
  }
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_files"), ==, 7);
  g_assert_true (tern_store_db_sync_delete_folder (db, tern_store_folder_get_id (other), &error));
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_files"), ==, 6);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM pack_garbage"), ==, 0);
  g_assert_true (tern_store_db_check_integrity (db, &error));
  _tern_store_db_set_pack_limit (0);
}

/* A transaction rolled back leaves bytes nobody names; what follows is intact. */
static void
test_rollback (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) lost = make_message (1, 30000);
  g_autoptr(GBytes) kept = make_message (2, 30000);
  g_autofree char *pack = pack_file (1);
  struct stat st;
  gint64 id;

  g_assert_true (tern_store_db_begin (db, &error));
  add (db, 1, lost);
  tern_store_db_rollback (db);
  g_assert_cmpint (sql_int (db, "SELECT count(*) FROM message_files"), ==, 0);

  id = add (db, 1, kept);
  assert_raw (db, id, kept);
  g_assert_cmpint (sql_int (db, "SELECT pos FROM message_files"), ==, g_bytes_get_size (lost));
  g_assert_cmpint (g_stat (pack, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, g_bytes_get_size (lost) + g_bytes_get_size (kept));
  g_assert_cmpint (count (db, "word1"), ==, 0);
  g_assert_cmpint (count (db, "word2"), ==, 1);
}

/* A body that a power cut damaged (its log frames reached the disk, its bytes did not)
 * is never returned: the row forgets it, the sync lists it as missing, and storing it
 * again (from the server) leaves one index entry. */
static void
test_damaged (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) first = make_message (1, 40000);
  g_autoptr(GBytes) second = make_message (2, 40000);
  g_autofree char *pack = pack_file (1);
  g_autoptr(GBytes) back = NULL;
  g_autoptr(GArray) missing = NULL;
  gint64 id1 = add (db, 1, first), id2 = add (db, 1, second);
  int fd;

  /* A byte of the first body zeroed; the second one's end cut off. */
  fd = g_open (pack, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, "\0", 1, 20000), ==, 1);
  g_assert_cmpint (ftruncate (fd, g_bytes_get_size (first) + 100), ==, 0);
  close (fd);

  g_test_expect_message ("TernStore", G_LOG_LEVEL_WARNING, "*damaged*");
  back = tern_store_db_get_raw (db, id1, &error);
  g_test_assert_expected_messages ();
  g_assert_null (back);
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_test_expect_message ("TernStore", G_LOG_LEVEL_WARNING, "*damaged*");
  back = tern_store_db_get_raw (db, id2, &error);
  g_test_assert_expected_messages ();
  g_assert_null (back);
  g_clear_error (&error);
  {
    g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, id1, &error);
    g_assert_false (tern_store_message_get_has_body (m));
  }
  missing = tern_store_db_sync_list_missing_bodies (db, 1, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (missing->len, ==, 2);

  /* The sync fetches them again. */
  g_assert_true (tern_store_db_set_raw (db, id1, first, &error));
  g_assert_true (tern_store_db_set_raw (db, id2, second, &error));
  g_assert_no_error (error);
  assert_raw (db, id1, first);
  assert_raw (db, id2, second);
  g_assert_cmpint (count (db, "word1"), ==, 1);
  g_assert_cmpint (count (db, "word2"), ==, 1);
  g_assert_true (tern_store_db_delete_messages (db, &id1, 1, &error));
  g_assert_cmpint (count (db, "word1"), ==, 0);
  g_assert_true (tern_store_db_check_integrity (db, &error));
}

/* Every sync of the database file (a checkpoint copying rows into it) comes after a
 * sync of the packs (since the previous one), and there is at least one. (The log is
 * also synced when SQLite starts it over after a checkpoint: that makes no row
 * durable.) */
static void
assert_packs_first (const char *what, const char *log)
{
  gboolean packs = FALSE;
  guint checkpoints = 0;

  g_test_message ("%s: %s", what, log);
  for (const char *c = log; *c != '\0'; c++)
    if (*c == 'p')
      packs = TRUE;
    else if (*c == 'd')
      {
        g_assert_true (packs);
        packs = FALSE;
        checkpoints++;
      }
  g_assert_cmpuint (checkpoints, >, 0);
}

/* Before anything makes a row durable, its body is on disk: the packs are synced
 * before a checkpoint (asked for, or automatic every 4096 pages of log), before a
 * durable commit, and before the last connection closes (SQLite checkpoints then). */
static void
test_synced_before_durable (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  const char *rcpt[] = { "bob@example.com", NULL };
  gint64 account;

  {
    g_autoptr(GBytes) raw = make_message (1, 50000);
    add (db, 1, raw);
  }
  sync_log_start ();
  g_assert_true (tern_store_db_checkpoint (db, &error));
  g_assert_no_error (error);
  log = sync_log_take ();
  assert_packs_first ("checkpoint", log);

  /* Automatic: commits until the log passes 4096 pages (32 MiB). */
  sync_log_start ();
  for (int i = 0; i < 40; i++)
    {
      g_autoptr(GBytes) raw = make_message (100 + i, 1000);
      g_autofree char *big = g_strnfill (1024 * 1024, 'a' + i % 26);
      g_autofree char *key = g_strdup_printf ("filler%d", i);
      sqlite3_stmt *stmt = NULL;

      add (db, 1, raw);
      /* Log pages: a megabyte of rows per commit (bodies no longer make any). */
      g_assert_cmpint (sqlite3_prepare_v2 (_tern_store_db_get_handle (db),
                                           "INSERT INTO meta (key, value) VALUES (?1, ?2)", -1, &stmt, NULL),
                       ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, big, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_finalize (stmt);
    }
  g_free (log);
  log = sync_log_take ();
  assert_packs_first ("automatic", log);

  /* A durable commit (mail queued for sending): the packs, then the log. */
  account = tern_store_db_ensure_account (db, "me@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) raw = make_message (150, 50000);
    add (db, 1, raw);
  }
  sync_log_start ();
  {
    g_autoptr(GBytes) out = g_bytes_new_static ("Subject: out\n\nx\n", 16);
    g_assert_cmpint (tern_store_db_outbox_add (db, account, "me@example.com", rcpt, out, &error), >, 0);
    g_assert_no_error (error);
  }
  g_free (log);
  log = sync_log_take ();
  g_test_message ("durable commit: %s", log);
  g_assert_nonnull (strchr (log, 'p'));
  g_assert_nonnull (strchr (strchr (log, 'p'), 'w'));

  /* Closing. */
  {
    g_autoptr(GBytes) raw = make_message (200, 50000);
    add (db, 1, raw);
  }
  sync_log_start ();
  g_clear_object (&db);
  g_free (log);
  log = sync_log_take ();
  assert_packs_first ("close", log);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  store_test_home_setup ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/bodies/packed", test_packed);
  g_test_add_func ("/store/bodies/upgrade", test_upgrade);
  g_test_add_func ("/store/bodies/delete-frees", test_delete_frees);
  g_test_add_func ("/store/bodies/rollback", test_rollback);
  g_test_add_func ("/store/bodies/damaged", test_damaged);
  g_test_add_func ("/store/bodies/synced-before-durable", test_synced_before_durable);

  return store_test_home_cleanup (g_test_run ());
}
