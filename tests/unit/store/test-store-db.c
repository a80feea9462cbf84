/* test-store-db.c: the store's connection: files, errors, schema versions,
 * messages, counts, conversations and the query language against real rows
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-db-outbox.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"
#include "tern-store-private.h"
#include "store-test-home.h"

/* Each test case has a store of its own (test_create checks the default one). */
static char *
store_path (void)
{
  return store_test_case_store ();
}

static TernStoreDb *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = store_path ();
  TernStoreDb *db = tern_store_db_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static GBytes *
make_message (const char *from,
              const char *subject,
              const char *date,
              const char *message_id,
              const char *references,
              const char *body)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "From: %s\nTo: Alice <alice@example.com>\nSubject: %s\nDate: %s\n",
                          from, subject, date);
  if (message_id != NULL)
    g_string_append_printf (s, "Message-ID: <%s>\n", message_id);
  if (references != NULL)
    g_string_append_printf (s, "In-Reply-To: <%s>\nReferences: <%s>\n", references, references);
  g_string_append_printf (s, "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n", body);
  return g_string_free_to_bytes (s);
}

static gint64
add (TernStoreDb *db, gint64 folder_id, GBytes *raw, TernStoreFlags flags)
{
  g_autoptr(GError) error = NULL;
  TernStoreDbNewMessage message = { 0 };
  gint64 id;

  message.folder_id = folder_id;
  message.raw = raw;
  message.flags = flags;
  id = tern_store_db_add_message (db, &message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_bytes_unref (raw);
  return id;
}

static TernStoreFolder *
folder (TernStoreDb *db, const char *path)
{
  g_autoptr(GError) error = NULL;
  TernStoreFolder *f = tern_store_db_ensure_folder (db, 1, path, TERN_STORE_FOLDER_ROLE_NONE, &error);

  g_assert_no_error (error);
  return f;
}

static void
assert_counts (TernStoreDb *db, gint64 folder_id, guint total, guint unread)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) f = tern_store_db_get_folder (db, folder_id, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (tern_store_folder_get_total (f), ==, total);
  g_assert_cmpuint (tern_store_folder_get_unread (f), ==, unread);
}

/* ---- files ---------------------------------------------------------------------- */

static void
test_create (void)
{
  g_autofree char *path = tern_store_db_get_default_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  /* The store lives in $XDG_DATA_HOME/tern. */
  g_assert_true (g_str_has_prefix (path, g_get_user_data_dir ()));
  g_assert_true (g_str_has_suffix (path, "/tern/store.db"));

  db = tern_store_db_open (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A write creates the WAL: same mode. */
  {
    G_GNUC_UNUSED g_autoptr(TernStoreFolder) f = folder (db, "Work");
  }
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_assert_cmpint (g_stat (wal, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpint (g_stat (shm, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  /* Local Folders and their Inbox exist from the start. */
  g_assert_cmpint (tern_store_db_lookup_account (db, "local", &error), ==, 1);
  folders = tern_store_db_list_folders (db, 1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreFolder) inbox = tern_store_db_lookup_folder (db, 1, "inbox", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (tern_store_folder_get_path (inbox), ==, "INBOX");
    g_assert_cmpint (tern_store_folder_get_role (inbox), ==, TERN_STORE_FOLDER_ROLE_INBOX);
    g_assert_cmpstr (tern_store_folder_get_account (inbox), ==, "local");
  }
  g_assert_cmpuint (folders->len, ==, 3); /* INBOX, Trash, Work */

  /* Opening again is fine, and so is a second connection at the same time. */
  {
    g_autoptr(TernStoreDb) db2 = tern_store_db_open (NULL, &error);
    G_GNUC_UNUSED g_autoptr(TernStoreFolder) work = tern_store_db_lookup_folder (db2, 1, "Work", &error);
    g_assert_no_error (error);
  }

  /* A private path elsewhere works too. */
  {
    g_autofree char *case_dir = store_test_case_dir ();
    g_autofree char *other = g_build_filename (case_dir, "x", "y", "other.db", NULL);
    g_autoptr(TernStoreDb) db3 = tern_store_db_open (other, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (tern_store_db_get_path (db3), ==, other);
    g_assert_cmpint (g_stat (other, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

static void
assert_open_fails (const char *path, int code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (path, &error);

  g_assert_null (db);
  g_assert_error (error, TERN_STORE_ERROR, code);
  g_test_message ("%s", error->message);
  /* The message names the file and says what to do. */
  g_assert_nonnull (strstr (error->message, path));
}

static void
write_file (const char *path, const void *data, gsize len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (path, data, len, &error));
  g_assert_no_error (error);
}

static void
test_foreign_random (void)
{
  g_autofree char *path = store_path ();
  guint8 junk[8192];
  g_autofree char *contents = NULL;
  gsize len;

  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = g_random_int_range (0, 256);
  write_file (path, junk, sizeof junk);
  assert_open_fails (path, TERN_STORE_ERROR_FOREIGN);

  /* Left untouched. */
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpmem (contents, len, junk, sizeof junk);
}

static void
test_foreign_sqlite (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  sqlite3 *other = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
                                        "INSERT INTO moz_places (url) VALUES ('https://example.com');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);

  assert_open_fails (path, TERN_STORE_ERROR_FOREIGN);

  /* The other application's data is intact. */
  g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (other, "SELECT count(*) FROM moz_places", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (other);
}

static void
fill_store (const char *path, guint n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (tern_store_db_begin (db, &error));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *subject = g_strdup_printf ("message %u", i);
      g_autofree char *body = g_strnfill (2000, 'a' + i % 26);
      add (db, 1, make_message ("bob@example.com", subject, "Mon, 1 Jan 2024 10:00:00 +0000", NULL, NULL, body), 0);
    }
  g_assert_true (tern_store_db_commit (db, &error));
  g_assert_true (tern_store_db_checkpoint (db, &error));
}

/* A checkpoint while another connection reads an older snapshot cannot copy the
 * WAL (SQLITE_BUSY); the POP3 download relies on it before DELE all the same, so it
 * then commits once with synchronous = FULL (an fsync of the WAL): one more frame. */
static void
test_checkpoint_with_reader (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *wal = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  sqlite3 *reader = NULL;
  sqlite3_stmt *stmt = NULL;
  GStatBuf before, after;

  fill_store (path, 10);
  db = tern_store_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &reader), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (reader, "BEGIN", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (reader, "SELECT count(*) FROM messages", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 10);
  sqlite3_reset (stmt);

  add (db, 1, make_message ("bob@example.com", "late", "Mon, 1 Jan 2024 10:00:00 +0000", NULL, NULL, "x"), 0);
  wal = g_strconcat (path, "-wal", NULL);
  g_assert_cmpint (g_stat (wal, &before), ==, 0);
  g_assert_true (tern_store_db_checkpoint (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (wal, &after), ==, 0);
  g_assert_cmpint (after.st_size, >, before.st_size);   /* the durability commit */

  /* the reader still sees its snapshot; once it ends, everything is there */
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 10);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_exec (reader, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (reader);
  g_assert_true (tern_store_db_checkpoint (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (wal, &after), ==, 0);
  g_assert_cmpint (after.st_size, ==, 0);   /* TRUNCATE */
  g_clear_object (&db);
  db = tern_store_db_open (path, &error);   /* the schema version is intact */
  g_assert_no_error (error);
}

static void
test_truncated (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *contents = NULL;
  gsize len;

  fill_store (path, 200);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 100000);

  /* Cut in the middle; the WAL is empty after the checkpoint. */
  write_file (path, contents, len / 2);
  assert_open_fails (path, TERN_STORE_ERROR_CORRUPT);

  /* Only the first bytes of the header. */
  write_file (path, contents, 40);
  assert_open_fails (path, TERN_STORE_ERROR_CORRUPT);
}

static void
test_corrupt_pages (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;

  fill_store (path, 50);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* Scribble over everything after the header page. */
  for (gsize i = 8192; i < len; i++)
    contents[i] = (char) (i * 7);
  write_file (path, contents, len);

  /* Either open reports the damage, or the first read or the integrity check
   * does: a typed error every time, never a crash. */
  db = tern_store_db_open (path, &error);
  if (db == NULL)
    g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_CORRUPT);
  else
    {
      g_autoptr(GPtrArray) rows = tern_store_db_list_messages (db, 1, 0, 100, &error);
      if (rows != NULL)
        {
          g_assert_false (tern_store_db_check_integrity (db, &error));
        }
      g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_CORRUPT);
    }
}

static void
test_too_new (void)
{
  g_autofree char *path = store_path ();
  sqlite3 *raw = NULL;

  {
    G_GNUC_UNUSED g_autoptr(TernStoreDb) db = open_store ();
  }
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA user_version = 999", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  assert_open_fails (path, TERN_STORE_ERROR_TOO_NEW);
}

static void
test_move_aside (void)
{
  g_autofree char *path = store_path ();
  g_autofree char *moved = NULL;
  g_autoptr(GError) error = NULL;

  write_file (path, "not a database at all, but long enough to have a header......................................................", 110);
  assert_open_fails (path, TERN_STORE_ERROR_FOREIGN);
  g_assert_true (tern_store_db_move_aside (path, &moved, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  {
    G_GNUC_UNUSED g_autoptr(TernStoreDb) db = open_store ();
  }
}

/* ---- schema versions ------------------------------------------------------------ */

static void
exec_sql (sqlite3 *db, const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &msg);

  if (rc != SQLITE_OK)
    g_error ("SQL failed: %s", msg);
}

/* Makes a store at schema @version with the old scripts, as that release would
 * have, with two messages in it. */
static void
make_old_store (const char *path, guint version)
{
  g_autofree char *dir = g_path_get_dirname (path);
  sqlite3 *db = NULL;
  g_autofree char *pragmas = NULL;
  g_autoptr(GBytes) raw = make_message ("Old Timer <old@example.com>", "Legacy subject zeppelin",
                                        "Tue, 2 Jan 2018 10:00:00 +0100", "old1@example.com", NULL,
                                        "legacy body word quixotic");
  sqlite3_stmt *stmt = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db, "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; BEGIN");
  for (guint v = 1; v <= version; v++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) sql = tern_store_db_get_migration_sql (v, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));
      exec_sql (db, text);
    }
  pragmas = g_strdup_printf ("PRAGMA application_id = %d; PRAGMA user_version = %u; COMMIT",
                             TERN_STORE_APPLICATION_ID, version);
  exec_sql (db, pragmas);

  /* Rows as version 1 knew them: one with its raw bytes, one header only. */
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                   "INSERT INTO messages (folder_id, sort_key, uid, flags, date, size, from_addr, subject,"
                   " message_id, has_body, thread_id) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1)",
                   -1, &stmt, NULL), ==, SQLITE_OK);
  for (int i = 0; i < 2; i++)
    {
      sqlite3_bind_int64 (stmt, 1, (G_GINT64_CONSTANT (1514883600) << 10) + i);
      sqlite3_bind_int (stmt, 2, i + 1);
      sqlite3_bind_int (stmt, 3, i == 0 ? 1 : 0);
      sqlite3_bind_int64 (stmt, 4, 1514883600);
      sqlite3_bind_int64 (stmt, 5, g_bytes_get_size (raw));
      sqlite3_bind_text (stmt, 6, "Old Timer <old@example.com>", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, i == 0 ? "Legacy subject zeppelin" : "Header only hovercraft", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 8, i == 0 ? "old1@example.com" : "old2@example.com", -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 9, i == 0);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO message_bodies (id, raw) VALUES (1, ?1)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  if (version >= 2)
    {
      /* A version-2 store indexed its rows itself. */
      exec_sql (db, "UPDATE messages SET indexed = 1;"
                    "INSERT INTO message_search (rowid, sender, recipients, subject, body, attachments)"
                    " SELECT sort_key, from_addr, '', subject, '', '' FROM messages;");
    }
  sqlite3_close (db);
}

/* The list of a folder's conversations (list_keys() in tern-store-db-search.c) and
 * of its messages read an index only, never the wide rows: for 100,000 messages the
 * difference was most of the list's load. The query plan says so. */
static void
test_list_keys_covered (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(TernStoreDb) db = open_store ();
  const char *queries[] = {
    "SELECT sort_key, thread_id, id FROM messages WHERE folder_id = 1 ORDER BY sort_key DESC",
    "SELECT sort_key, id FROM messages WHERE folder_id = 1 ORDER BY sort_key DESC",
  };
  sqlite3 *raw;

  g_assert_nonnull (db);
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", queries[i], NULL);
      g_autoptr(GString) plan = g_string_new (NULL);
      sqlite3_stmt *stmt;

      g_assert_cmpint (sqlite3_prepare_v2 (raw, explain, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
      sqlite3_finalize (stmt);
      g_test_message ("%s: %s", queries[i], plan->str);
      g_assert_nonnull (strstr (plan->str, "USING COVERING INDEX"));
      g_assert_null (strstr (plan->str, "TEMP B-TREE"));   /* the order from the index too */
    }
  sqlite3_close (raw);
}

/* Which messages of a folder still need their body is asked at every IMAP sync; a
 * partial index of the bodiless rows answers it (schema 11) instead of a walk over
 * the folder's rows, which cost a sync that found nothing new a third of its CPU. */
static void
test_missing_bodies_indexed (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GString) plan = g_string_new (NULL);
  sqlite3 *raw;
  sqlite3_stmt *stmt;

  g_assert_nonnull (db);
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  /* the query of tern_store_db_sync_list_missing_bodies() */
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "EXPLAIN QUERY PLAN SELECT id, uid, flags, has_body FROM messages"
                                            " WHERE folder_id = ?1 AND has_body = 0 AND uid < ?2 AND date >= ?3"
                                            " ORDER BY uid DESC", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  g_test_message ("%s", plan->str);
  g_assert_nonnull (strstr (plan->str, "USING INDEX messages_bodiless"));
  g_assert_null (strstr (plan->str, "TEMP B-TREE"));
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

static void
test_migrations (void)
{
  for (guint version = 1; version < TERN_STORE_SCHEMA_VERSION; version++)
    {
      g_autofree char *name = g_strdup_printf ("v%u.db", version);
      g_autofree char *case_dir = store_test_case_dir ();
      g_autofree char *path = g_build_filename (case_dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(TernStoreDb) db = NULL;
      g_autoptr(TernStoreFolder) inbox = NULL;

      g_test_message ("migrating from schema version %u", version);
      make_old_store (path, version);
      db = tern_store_db_open (path, &error);
      g_assert_no_error (error);

      /* The old rows are there, searchable (version 1 had no index), counts kept. */
      inbox = tern_store_db_lookup_folder (db, 1, "INBOX", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (tern_store_folder_get_total (inbox), ==, 2);
      g_assert_cmpuint (tern_store_folder_get_unread (inbox), ==, 1);
      g_assert_cmpint (count (db, "zeppelin"), ==, 1);
      g_assert_cmpint (count (db, "hovercraft"), ==, 1);
      g_assert_cmpint (count (db, "from:old@example.com"), ==, 2);
      if (version < 2)
        g_assert_cmpint (count (db, "quixotic"), ==, 1);   /* body indexed by the migration */

      /* And the new version's tables work. */
      g_assert_cmpint (tern_store_db_sync_journal_append (db, 1, TERN_STORE_JOURNAL_FLAGS, 1, 0, "1:2",
                                                          TERN_STORE_FLAG_SEEN, 0, NULL, NULL, NULL, 0, &error), >, 0);
      g_assert_no_error (error);
      g_assert_cmpint (tern_store_db_sync_journal_count (db, 1, &error), ==, 1);
      add (db, 1, make_message ("new@example.com", "after migration", "Mon, 1 Jan 2024 10:00:00 +0000",
                                "new@example.com", "old1@example.com", "fresh"), 0);
      g_assert_cmpint (count (db, "fresh"), ==, 1);
      g_assert_true (tern_store_db_check_integrity (db, &error));
      g_assert_no_error (error);

      /* Opening it again migrates nothing more. */
      g_clear_object (&db);
      db = tern_store_db_open (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (count (db, "zeppelin OR fresh"), ==, 2);
    }

  /* Every script is in the resource, and nothing beyond. */
  for (guint v = 1; v <= TERN_STORE_SCHEMA_VERSION; v++)
    {
      g_autoptr(GBytes) sql = tern_store_db_get_migration_sql (v, NULL);
      g_assert_nonnull (sql);
    }
  g_assert_null (tern_store_db_get_migration_sql (TERN_STORE_SCHEMA_VERSION + 1, NULL));
}

/* ---- messages and counts -------------------------------------------------------- */

static void
test_counts (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(TernStoreFolder) a = folder (db, "A");
  g_autoptr(TernStoreFolder) b = folder (db, "A/B");
  g_autoptr(GError) error = NULL;
  gint64 ida = tern_store_folder_get_id (a), idb = tern_store_folder_get_id (b);
  gint64 ids[4];

  g_assert_cmpint (tern_store_folder_get_parent_id (b), ==, ida);
  g_assert_cmpstr (tern_store_folder_get_name (b), ==, "B");

  for (int i = 0; i < 4; i++)
    {
      g_autofree char *subject = g_strdup_printf ("count %d", i);
      ids[i] = add (db, ida, make_message ("x@example.com", subject, "Mon, 1 Jan 2024 10:00:00 +0000",
                                           NULL, NULL, "b"), i == 0 ? TERN_STORE_FLAG_SEEN : 0);
    }
  assert_counts (db, ida, 4, 3);

  /* Flags: only \Seen moves the unread count; repeating a change changes nothing. */
  g_assert_true (tern_store_db_set_flags (db, ids, 2, TERN_STORE_FLAG_SEEN | TERN_STORE_FLAG_FLAGGED, 0, &error));
  assert_counts (db, ida, 4, 2);
  g_assert_true (tern_store_db_set_flags (db, ids, 2, TERN_STORE_FLAG_SEEN, 0, &error));
  assert_counts (db, ida, 4, 2);
  g_assert_true (tern_store_db_set_flags (db, ids, 1, 0, TERN_STORE_FLAG_SEEN, &error));
  assert_counts (db, ida, 4, 3);
  g_assert_true (tern_store_db_set_flags (db, ids + 2, 1, TERN_STORE_FLAG_ANSWERED, 0, &error));
  assert_counts (db, ida, 4, 3);
  {
    g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, ids[1], &error);
    g_assert_cmpint (tern_store_message_get_flags (m), ==, TERN_STORE_FLAG_SEEN | TERN_STORE_FLAG_FLAGGED);
  }

  /* Move: both folders follow; the message gets a UID of its new folder. */
  g_assert_true (tern_store_db_move_messages (db, ids + 2, 2, idb, &error));
  g_assert_no_error (error);
  assert_counts (db, ida, 2, 1);
  assert_counts (db, idb, 2, 2);
  {
    g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, ids[2], &error);
    g_assert_cmpint (tern_store_message_get_folder_id (m), ==, idb);
    g_assert_cmpuint (tern_store_message_get_uid (m), ==, 1);
  }
  /* The folder alone, as the whole row has it. */
  g_assert_cmpint (tern_store_db_get_message_folder_id (db, ids[1], &error), ==, ida);
  g_assert_cmpint (tern_store_db_get_message_folder_id (db, ids[2], &error), ==, idb);
  g_assert_no_error (error);

  /* Delete: counts, rows, bodies and index entries go. */
  g_assert_cmpint (count (db, "count"), ==, 4);
  g_assert_true (tern_store_db_delete_messages (db, ids, 1, &error));
  g_assert_true (tern_store_db_delete_messages (db, ids + 3, 1, &error));
  g_assert_no_error (error);
  assert_counts (db, ida, 1, 0);
  assert_counts (db, idb, 1, 1);
  g_assert_cmpint (count (db, "count"), ==, 2);
  g_assert_null (tern_store_db_get_raw (db, ids[0], &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (tern_store_db_get_message (db, ids[0], &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (tern_store_db_get_message_folder_id (db, ids[0], &error), ==, 0);
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* Unknown ids are ignored. */
  {
    gint64 bogus = 123456;
    g_assert_true (tern_store_db_delete_messages (db, &bogus, 1, &error));
    g_assert_true (tern_store_db_set_flags (db, &bogus, 1, TERN_STORE_FLAG_SEEN, 0, &error));
  }
  /* Deleting the folder's messages leaves exact zeroes. */
  g_assert_true (tern_store_db_delete_messages (db, ids + 1, 2, &error));
  assert_counts (db, ida, 0, 0);
  assert_counts (db, idb, 0, 0);
  g_assert_cmpint (count (db, "count"), ==, 0);

  /* The contentless index stayed consistent through it all. */
  g_assert_true (tern_store_db_check_integrity (db, &error));
  g_assert_no_error (error);
}

static void
test_raw_and_header_only (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = make_message ("Carol <carol@example.org>", "Header first", "Mon, 1 Jan 2024 10:00:00 +0000",
                                        "h1@example.org", NULL, "the body arrives later marmalade");
  g_autoptr(TernMimeSummary) header = NULL;
  g_autoptr(GBytes) back = NULL;
  TernStoreDbNewMessage message = { 0 };
  gsize len;
  const guint8 *data = g_bytes_get_data (raw, &len);
  gint64 id;

  /* As the IMAP worker does: the header first (with the server's UID and size). */
  header = tern_mime_summary_new (data, strstr ((const char *) data, "\n\n") - (const char *) data + 2);
  message.folder_id = 1;
  message.uid = 4242;
  message.size = len;
  message.summary = header;
  id = tern_store_db_add_message (db, &message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "subject:header"), ==, 1);
  g_assert_cmpint (count (db, "marmalade"), ==, 0);
  g_assert_null (tern_store_db_get_raw (db, id, &error));
  g_clear_error (&error);
  {
    g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, id, &error);
    g_assert_false (tern_store_message_get_has_body (m));
    g_assert_cmpuint (tern_store_message_get_uid (m), ==, 4242);
    g_assert_cmpint (tern_store_message_get_size (m), ==, len);
  }

  /* Then the body. */
  g_assert_true (tern_store_db_set_raw (db, id, raw, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (db, "marmalade"), ==, 1);
  g_assert_cmpint (count (db, "subject:header"), ==, 1);
  back = tern_store_db_get_raw (db, id, &error);
  g_assert_true (g_bytes_equal (back, raw));

  g_assert_true (tern_store_db_delete_messages (db, &id, 1, &error));
  g_assert_cmpint (count (db, "marmalade OR header"), ==, 0);
  g_assert_true (tern_store_db_check_integrity (db, &error));
}

/* A raw 8-bit header says nothing of its charset; the message's text part does, but
 * the IMAP sync gets the header first. When the body comes, the subject and the
 * addresses are read again in the text's charset: in the list and in the index. */
static void
test_header_charset_from_body (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  static const char text[] =
    "From: \xc0\xee\xbb\xaa <li@example.cn>\n"
    "To: \xcd\xf5\xd0\xa1\xc3\xf7 <wang@example.cn>\n"
    "Subject: \xd6\xd0\xce\xc4\xd3\xca\xbc\xfe\xb2\xe2\xca\xd4\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/alternative; boundary=b\n"
    "\n"
    "--b\n"
    "Content-Type: text/plain; charset=gb2312\n"
    "\n"
    "\xc4\xe3\xba\xc3\n"
    "--b--\n";
  g_autoptr(GBytes) raw = g_bytes_new_static (text, sizeof text - 1);
  g_autoptr(TernMimeSummary) header = tern_mime_summary_new ((const guint8 *) text,
                                                             strstr (text, "\n\n") - text + 2);
  TernStoreDbNewMessage message = { 0 };
  gint64 id;

  message.folder_id = 1;
  message.uid = 77;
  message.size = sizeof text - 1;
  message.summary = header;
  id = tern_store_db_add_message (db, &message, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, id, &error);

    /* the header alone: the locale's fallback (Windows-1252 here) */
    g_assert_cmpstr (tern_store_message_get_subject (m), !=, "中文邮件测试");
    g_assert_cmpint (count (db, "subject:中文邮件测试"), ==, 0);
  }

  g_assert_true (tern_store_db_set_raw (db, id, raw, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, id, &error);

    g_assert_cmpstr (tern_store_message_get_subject (m), ==, "中文邮件测试");
    g_assert_cmpstr (tern_store_message_get_from (m), ==, "李华 <li@example.cn>");
    g_assert_cmpstr (tern_store_message_get_to (m), ==, "王小明 <wang@example.cn>");
  }
  g_assert_cmpint (count (db, "subject:中文邮件测试"), ==, 1);
  g_assert_cmpint (count (db, "from:李华"), ==, 1);
  g_assert_cmpint (count (db, "to:王小明"), ==, 1);
  g_assert_cmpint (count (db, "body:你好"), ==, 1);

  /* and out of the index again by the same words */
  g_assert_true (tern_store_db_delete_messages (db, &id, 1, &error));
  g_assert_cmpint (count (db, "中文邮件测试 OR 李华 OR 王小明 OR 你好"), ==, 0);
  g_assert_true (tern_store_db_check_integrity (db, &error));
  g_assert_no_error (error);
}

/* The IMAP sync's header pass when the bodies follow: rows out of the index until
 * set_raw() indexes them whole; or by their headers when the bodies never came. */
static void
test_deferred_index (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  gint64 ids[2];
  guint n = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *subject = g_strdup_printf ("Deferred %s", i == 0 ? "quince" : "damson");
      g_autoptr(GBytes) raw = make_message ("Carol <carol@example.org>", subject, "Mon, 1 Jan 2024 10:00:00 +0000",
                                            NULL, NULL, i == 0 ? "body of the quince one" : "body of the damson one");
      gsize len;
      const guint8 *data = g_bytes_get_data (raw, &len);
      g_autoptr(TernMimeSummary) header = tern_mime_summary_new (data, strstr ((const char *) data, "\n\n") -
                                                                 (const char *) data + 2);
      TernStoreDbNewMessage message = { 0 };

      message.folder_id = 1;
      message.uid = 5000 + i;
      message.size = len;
      message.summary = header;
      message.defer_index = TRUE;
      ids[i] = tern_store_db_add_message (db, &message, NULL, &error);
      g_assert_no_error (error);
      if (i == 0)
        {
          /* its body comes: indexed once, whole */
          g_assert_cmpint (count (db, "subject:quince"), ==, 0);
          g_assert_true (tern_store_db_set_raw (db, ids[0], raw, &error));
          g_assert_no_error (error);
          g_assert_cmpint (count (db, "subject:quince"), ==, 1);
          g_assert_cmpint (count (db, "body:quince"), ==, 1);
        }
    }

  /* the second one's body never came: by its headers */
  g_assert_cmpint (count (db, "damson"), ==, 0);
  g_assert_true (tern_store_db_index_headers (db, 1, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (count (db, "subject:damson"), ==, 1);
  g_assert_cmpint (count (db, "body:damson"), ==, 0);
  g_assert_true (tern_store_db_index_headers (db, 1, &n, &error));
  g_assert_cmpuint (n, ==, 0);   /* nothing left */
  g_assert_cmpint (count (db, "subject:damson"), ==, 1);
  g_assert_true (tern_store_db_delete_messages (db, ids, 2, &error));
  g_assert_cmpint (count (db, "quince OR damson"), ==, 0);
  g_assert_true (tern_store_db_check_integrity (db, &error));
}

static void
test_duplicates (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = make_message ("a@example.com", "dup", "Mon, 1 Jan 2024 10:00:00 +0000", "d@x", NULL, "same");
  g_autoptr(GBytes) other = make_message ("a@example.com", "dup", "Mon, 1 Jan 2024 10:00:00 +0000", "d@x", NULL, "diff");
  g_autoptr(TernStoreFolder) f2 = folder (db, "Other");
  TernStoreDbNewMessage message = { 0 };
  gboolean duplicate = TRUE;
  gint64 first, again, changed, elsewhere;

  message.folder_id = 1;
  message.raw = raw;
  message.skip_duplicate = TRUE;
  first = tern_store_db_add_message (db, &message, &duplicate, &error);
  g_assert_false (duplicate);
  again = tern_store_db_add_message (db, &message, &duplicate, &error);
  g_assert_true (duplicate);
  g_assert_cmpint (again, ==, first);
  message.raw = other;   /* same size, other bytes */
  changed = tern_store_db_add_message (db, &message, &duplicate, &error);
  g_assert_false (duplicate);
  g_assert_cmpint (changed, !=, first);
  message.raw = raw;
  message.folder_id = tern_store_folder_get_id (f2); /* per folder */
  elsewhere = tern_store_db_add_message (db, &message, &duplicate, &error);
  g_assert_false (duplicate);
  g_assert_cmpint (elsewhere, !=, first);
  assert_counts (db, 1, 2, 2);
}

static void
test_threads (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  const char *date = "Mon, 1 Jan 2024 10:00:00 +0000";
  gint64 root, reply, reply2, orphan_child, orphan_parent, subject_reply, unrelated, link;
  g_autoptr(TernStoreMessage) m_root = NULL;
  g_autoptr(GPtrArray) thread = NULL;

#define THREAD_OF(id) ({ g_autoptr(TernStoreMessage) _m = tern_store_db_get_message (db, id, NULL); \
                         tern_store_message_get_thread_id (_m); })

  root = add (db, 1, make_message ("a@x", "Plan", date, "root@x", NULL, "r"), 0);
  reply = add (db, 1, make_message ("b@x", "Re: Plan", "Mon, 1 Jan 2024 11:00:00 +0000", "reply@x", "root@x", "r"), 0);
  reply2 = add (db, 1, make_message ("c@x", "Re: Re: Plan", "Mon, 1 Jan 2024 12:00:00 +0000", "reply2@x", "reply@x", "r"), 0);
  g_assert_cmpint (THREAD_OF (reply), ==, THREAD_OF (root));
  g_assert_cmpint (THREAD_OF (reply2), ==, THREAD_OF (root));

  /* A child before its parent. */
  orphan_child = add (db, 1, make_message ("a@x", "Re: Late", date, "child@x", "parent@x", "r"), 0);
  orphan_parent = add (db, 1, make_message ("a@x", "Late", date, "parent@x", NULL, "r"), 0);
  g_assert_cmpint (THREAD_OF (orphan_child), ==, THREAD_OF (orphan_parent));
  g_assert_cmpint (THREAD_OF (orphan_child), !=, THREAD_OF (root));

  /* A reply without references joins by subject; a same-subject non-reply does not. */
  subject_reply = add (db, 1, make_message ("d@x", "RE: [list] plan", date, "sr@x", NULL, "r"), 0);
  unrelated = add (db, 1, make_message ("d@x", "Plan", date, "other-plan@x", NULL, "r"), 0);
  g_assert_cmpint (THREAD_OF (subject_reply), ==, THREAD_OF (root));
  g_assert_cmpint (THREAD_OF (unrelated), !=, THREAD_OF (root));

  /* A message referring to both conversations joins them. */
  {
    GString *s = g_string_new ("From: e@x\nSubject: both\nDate: Mon, 1 Jan 2024 13:00:00 +0000\n"
                               "Message-ID: <link@x>\nReferences: <root@x> <parent@x>\n\nx\n");
    link = add (db, 1, g_string_free_to_bytes (s), 0);
  }
  g_assert_cmpint (THREAD_OF (link), ==, THREAD_OF (root));
  g_assert_cmpint (THREAD_OF (orphan_parent), ==, THREAD_OF (root));
  g_assert_cmpint (THREAD_OF (orphan_child), ==, THREAD_OF (root));
  /* and later messages of either find the merged one */
  {
    gint64 late = add (db, 1, make_message ("f@x", "Re: Late", date, "late2@x", "child@x", "r"), 0);
    g_assert_cmpint (THREAD_OF (late), ==, THREAD_OF (root));
  }

  m_root = tern_store_db_get_message (db, root, &error);
  thread = tern_store_db_list_thread (db, tern_store_message_get_thread_id (m_root), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (thread->len, ==, 8);
#undef THREAD_OF
}

/* ---- the query language on real rows -------------------------------------------- */

static void
test_search (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) lists = folder (db, "Lists/dev");
  gint64 lists_id = tern_store_folder_get_id (lists);
  gint64 m1, m2, m3, m4;

  m1 = add (db, 1, make_message ("Bob Builder <bob@example.com>", "Quarterly report draft",
                                 "Mon, 15 Jan 2024 10:00:00 +0000", "m1@x", NULL,
                                 "Please review the quarterly report before Friday."), 0);
  m2 = add (db, 1, make_message ("=?iso-8859-1?q?Jos=E9_M=FCller?= <jose@beispiel.de>", "Grüße aus München",
                                 "Tue, 20 Feb 2024 10:00:00 +0100", "m2@x", NULL,
                                 "Das Café ist geschlossen. Report follows."), TERN_STORE_FLAG_SEEN);
  {
    GString *s = g_string_new ("From: Carol <carol@example.org>\nTo: dev@lists.example.org\nCc: Erin <erin@example.com>\n"
                               "Subject: [dev] Patch for the kernel driver\nDate: Wed, 1 Mar 2023 09:00:00 -0500\n"
                               "Message-ID: <m3@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=z\n\n"
                               "--z\nContent-Type: text/html; charset=utf-8\n\n<p>The <b>firmware</b> patch &amp; notes</p>\n"
                               "--z\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"fix-driver.patch\"\n\nxx\n--z--\n");
    m3 = add (db, lists_id, g_string_free_to_bytes (s), TERN_STORE_FLAG_SEEN | TERN_STORE_FLAG_FLAGGED);
  }
  m4 = add (db, 1, make_message ("Dave <dave@example.net>", "Weekend plans?", "Sat, 6 Jul 2019 18:00:00 +0000",
                                 "m4@x", NULL, "Garden party, quarterly? no: yearly."), TERN_STORE_FLAG_SEEN);

  static const struct
  {
    const char *query;
    int         expected[5];   /* ids by index 1..4, newest first, 0-terminated */
  } cases[] = {
    { "quarterly", { 1, 4 } },
    { "\"quarterly report\"", { 1 } },
    { "report", { 2, 1 } },
    { "from:bob", { 1 } },
    { "from:bob@example.com", { 1 } },
    { "from:muller", { 2 } },                 /* decoded RFC 2047, diacritics folded */
    { "from:müller", { 2 } },
    { "to:erin", { 3 } },
    { "cc:erin", { 3 } },
    { "to:alice", { 2, 1, 4 } },
    { "subject:patch", { 3 } },
    { "subject:report", { 1 } },
    { "gruße", { 2 } },                    /* ü folds to u (ß stays ß) */
    { "munchen", { 2 } },
    { "cafe", { 2 } },
    { "firmware", { 3 } },                    /* HTML reduced to text */
    { "has:attachment", { 3 } },
    { "attachment:fix-driver.patch", { 3 } },
    { "-has:attachment", { 2, 1, 4 } },
    { "is:unread", { 1 } },
    { "is:read", { 2, 3, 4 } },
    { "is:flagged", { 3 } },
    { "in:INBOX", { 2, 1, 4 } },
    { "in:inbox report", { 2, 1 } },
    { "in:Lists/dev", { 3 } },
    { "-in:inbox", { 3 } },
    { "after:2024-01-01", { 2, 1 } },
    { "before:2024-01-01", { 3, 4 } },
    { "after:2023-01-01 before:2024-02-01", { 1, 3 } },
    { "report -cafe", { 1 } },
    { "-quarterly", { 2, 3 } },
    { "firmware OR garden", { 3, 4 } },
    { "kern*", { 3 } },
    { "nothingmatchesthis", { 0 } },
    { "", { 2, 1, 3, 4 } },
  };
  const gint64 ids[] = { 0, m1, m2, m3, m4 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernStoreQuery) query = tern_store_query_parse (cases[i].query, &error);
      g_autoptr(GPtrArray) rows = NULL;
      guint n = 0;

      g_assert_no_error (error);
      g_test_message ("search: %s", cases[i].query);
      rows = tern_store_db_search (db, query, 0, 50, &error);
      g_assert_no_error (error);
      while (n < G_N_ELEMENTS (cases[i].expected) && cases[i].expected[n] != 0)
        n++;
      g_assert_cmpuint (rows->len, ==, n);
      for (guint j = 0; j < n; j++)
        g_assert_cmpint (tern_store_message_get_id (g_ptr_array_index (rows, j)), ==, ids[cases[i].expected[j]]);
      g_assert_cmpint (tern_store_db_search_count (db, query, &error), ==, n);
    }

  /* Paging. */
  {
    g_autoptr(TernStoreQuery) query = tern_store_query_parse ("", &error);
    g_autoptr(GPtrArray) page = tern_store_db_search (db, query, 1, 2, &error);
    g_assert_cmpuint (page->len, ==, 2);
    g_assert_cmpint (tern_store_message_get_id (g_ptr_array_index (page, 0)), ==, m1);
    g_assert_cmpint (tern_store_message_get_id (g_ptr_array_index (page, 1)), ==, m3);
  }

  /* The decoded fields as list and search show them. */
  {
    g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, m2, &error);
    g_assert_cmpstr (tern_store_message_get_from (m), ==, "José Müller <jose@beispiel.de>");
    g_assert_cmpstr (tern_store_message_get_subject (m), ==, "Grüße aus München");
    g_assert_cmpint (tern_store_message_get_date_tz (m), ==, 60);
    g_assert_cmpstr (tern_store_message_get_message_id (m), ==, "m2@x");
  }
}

static void
test_list_order (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  gint64 older, newer, undated;

  newer = add (db, 1, make_message ("a@x", "newer", "Mon, 1 Jan 2024 10:00:00 +0000", NULL, NULL, "x"), 0);
  older = add (db, 1, make_message ("a@x", "older", "Mon, 1 Jan 2018 10:00:00 +0000", NULL, NULL, "x"), 0);
  {
    /* Without a Date header the internal date orders it. */
    TernStoreDbNewMessage message = { 0 };
    g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: undated\n\nx\n", 20);
    message.folder_id = 1;
    message.raw = raw;
    message.internal_date = 1600000000;
    undated = tern_store_db_add_message (db, &message, NULL, &error);
    g_assert_no_error (error);
  }
  /* Many in the same second keep a total order. */
  for (int i = 0; i < 30; i++)
    {
      g_autofree char *subject = g_strdup_printf ("same second %d", i);
      add (db, 1, make_message ("a@x", subject, "Mon, 1 Jan 2018 10:00:00 +0000", NULL, NULL, "x"), 0);
    }

  rows = tern_store_db_list_messages (db, 1, 0, 2, &error);
  g_assert_cmpint (tern_store_message_get_id (g_ptr_array_index (rows, 0)), ==, newer);
  g_assert_cmpint (tern_store_message_get_id (g_ptr_array_index (rows, 1)), ==, undated);
  g_ptr_array_unref (rows);
  rows = tern_store_db_list_messages (db, 1, 32, 10, &error);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (tern_store_message_get_id (g_ptr_array_index (rows, 0)), ==, older);
  assert_counts (db, 1, 33, 33);
}

static void
test_transactions (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;

  /* A rolled-back batch leaves nothing, counts included. */
  g_assert_true (tern_store_db_begin (db, &error));
  add (db, 1, make_message ("a@x", "rolled back", "Mon, 1 Jan 2024 10:00:00 +0000", NULL, NULL, "gone"), 0);
  tern_store_db_rollback (db);
  assert_counts (db, 1, 0, 0);
  g_assert_cmpint (count (db, "gone"), ==, 0);

  /* A failure inside a batch: the caller rolls back; the store stays usable. */
  {
    TernStoreDbNewMessage message = { 0 };
    g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: x\n\ny\n", 14);

    message.folder_id = 999;  /* no such folder */
    message.raw = raw;
    g_assert_cmpint (tern_store_db_add_message (db, &message, NULL, &error), ==, 0);
    g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  add (db, 1, make_message ("a@x", "kept", "Mon, 1 Jan 2024 10:00:00 +0000", NULL, NULL, "kept"), 0);
  assert_counts (db, 1, 1, 1);
}

static void
test_outbox_journal (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: out\n\nx\n", 16);
  const char *rcpt[] = { "a@example.com", "b@example.com", NULL };
  gint64 account = tern_store_db_ensure_account (db, "me@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  gint64 entry;

  g_assert_no_error (error);
  g_assert_cmpint (account, >, 1);
  g_assert_cmpint (tern_store_db_ensure_account (db, "ME@example.com", TERN_STORE_ACCOUNT_IMAP, &error), ==, account);
  g_assert_cmpint (tern_store_db_outbox_add (db, account, "me@example.com", rcpt, raw, &error), >, 0);
  g_assert_cmpint (tern_store_db_outbox_count (db, account, &error), ==, 1);
  entry = tern_store_db_sync_journal_append (db, account, TERN_STORE_JOURNAL_FOLDER_CREATE, 0, 0, NULL, 0, 0, NULL, NULL,
                                             "New", 0, &error);
  g_assert_cmpint (tern_store_db_sync_journal_count (db, account, &error), ==, 1);
  g_assert_true (tern_store_db_sync_journal_remove (db, entry, &error));
  g_assert_cmpint (tern_store_db_sync_journal_count (db, account, &error), ==, 0);
  g_assert_no_error (error);

  {
    g_autoptr(TernStoreFolder) f = tern_store_db_ensure_folder (db, account, "INBOX", TERN_STORE_FOLDER_ROLE_INBOX, &error);
    g_assert_true (tern_store_db_set_folder_sync_state (db, tern_store_folder_get_id (f), 1234, 57, 99999, &error));
    g_clear_object (&f);
    f = tern_store_db_lookup_folder (db, account, "INBOX", &error);
    g_assert_cmpuint (tern_store_folder_get_uidvalidity (f), ==, 1234);
    g_assert_cmpuint (tern_store_folder_get_uidnext (f), ==, 57);
    g_assert_cmpuint (tern_store_folder_get_highestmodseq (f), ==, 99999);
    g_assert_cmpint (tern_store_folder_get_role (f), ==, TERN_STORE_FOLDER_ROLE_INBOX);
  }
  g_assert_null (tern_store_db_lookup_folder (db, account, "Nope", &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND);
}

/* The count of rows another process sees (the sqlite3 shell: it opens and closes the
 * store as tern-cli does while the window runs). */
static gint64
count_from_other_process (const char *path)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sqlite3", path, "SELECT count(*) FROM messages", NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return g_ascii_strtoll (out, NULL, 10);
}

static gint64
add_one (TernStoreDb *db, int i)
{
  g_autofree char *text = g_strdup_printf ("Subject: %d\nMessage-ID: <wal%d@x>\n\nbody\n", i, i);
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  TernStoreDbNewMessage m = { 0 };
  gint64 id;

  m.folder_id = 1;
  m.raw = raw;
  id = tern_store_db_add_message (db, &m, NULL, &error);
  g_assert_no_error (error);
  return id;
}

/* A second connection of one process (a worker's) must not drop the first's locks:
 * another process opening and closing the store would then take itself for the last
 * connection and delete the write-ahead log, and what the first commits after that
 * would be seen by nobody (it was: a sync's flag changes vanished while the window
 * ran). */
static void
test_second_connection_keeps_the_log (void)
{
  g_autofree char *path = store_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) first = tern_store_db_open (path, &error);
  g_autoptr(TernStoreDb) second = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  g_assert_no_error (error);
  add_one (first, 1);
  second = tern_store_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_from_other_process (path), ==, 1);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  add_one (first, 2);
  add_one (second, 3);
  g_assert_cmpint (count_from_other_process (path), ==, 3);
}

/* Frames in the write-ahead log that a checkpoint has not copied back yet. */
static int
wal_frames_left (sqlite3 *handle)
{
  sqlite3_stmt *stmt = NULL;
  int left;

  /* (a PASSIVE checkpoint of nothing new: it reports the log and what is done) */
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA wal_checkpoint(PASSIVE)", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  left = sqlite3_column_int (stmt, 1) - sqlite3_column_int (stmt, 2);
  sqlite3_finalize (stmt);
  return left;
}

/* A commit that takes the log past its limit checkpoints it, unless the connection
 * holds checkpoints back (an operation the user waits for): then it is due, and runs
 * when they are let go. */
static void
test_deferred_checkpoint (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  sqlite3 *handle = _tern_store_db_get_handle (db);
  gsize size = 36 * 1024 * 1024;   /* more than 4096 pages of 8 KiB */
  g_autofree char *blob = g_malloc0 (size);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE filler (data BLOB)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, "INSERT INTO filler VALUES (?1)", -1, &stmt, NULL), ==, SQLITE_OK);

  tern_store_db_defer_checkpoint (db, TRUE);
  g_assert_true (tern_store_db_begin (db, &error));
  sqlite3_bind_blob (stmt, 1, blob, (int) size, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
  g_assert_true (tern_store_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_true (tern_store_db_get_checkpoint_due (db));
  tern_store_db_defer_checkpoint (db, FALSE);
  g_assert_false (tern_store_db_get_checkpoint_due (db));
  g_assert_cmpint (wal_frames_left (handle), ==, 0);

  /* Not held back: the commit checkpoints, as before. */
  g_assert_true (tern_store_db_begin (db, &error));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_true (tern_store_db_commit (db, &error));
  g_assert_false (tern_store_db_get_checkpoint_due (db));
  sqlite3_finalize (stmt);
}

/* A full disk, simulated by capping the file at its current size (PRAGMA
 * max_page_count: SQLite then fails every write that needs a new page with
 * SQLITE_FULL): each outbox write says so with TERN_STORE_ERROR_FULL, not a generic
 * failure, leaves the queue as it was, and works again once there is room. */
static void
test_outbox_disk_full (void)
{
  g_autoptr(TernStoreDb) db = open_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) small = g_bytes_new_static ("Subject: out\n\nx\n", 16);
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *big_text = g_strnfill (1024 * 1024, 'x');
  const char *rcpt[] = { "a@example.com", NULL };
  const char *forget[] = { "uidl-1", NULL };
  sqlite3 *handle = _tern_store_db_get_handle (db);
  gint64 account, entry;

  account = tern_store_db_ensure_account (db, "me@example.com", TERN_STORE_ACCOUNT_POP3, &error);
  g_assert_no_error (error);
  entry = tern_store_db_outbox_add (db, account, "me@example.com", rcpt, small, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry, >, 0);
  big = g_bytes_new (big_text, strlen (big_text));

  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA max_page_count = 1", NULL, NULL, NULL), ==, SQLITE_OK);

  g_assert_cmpint (tern_store_db_outbox_add (db, account, "me@example.com", rcpt, big, &error), ==, 0);
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FULL);
  g_clear_error (&error);
  g_assert_false (tern_store_db_outbox_set_state (db, entry, TERN_STORE_OUTBOX_FAILED, 1, big_text, 0, &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FULL);
  g_clear_error (&error);

  /* Reads still work, and show the queue untouched. */
  entries = tern_store_db_outbox_list (db, account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  g_assert_cmpint (((TernStoreOutboxEntry *) g_ptr_array_index (entries, 0))->state, ==, TERN_STORE_OUTBOX_QUEUED);
  g_assert_null (((TernStoreOutboxEntry *) g_ptr_array_index (entries, 0))->last_error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_assert_true (tern_store_db_pop3_forget_uidls (db, account, forget, &error));
  g_assert_no_error (error);

  /* Room again: the same (cached) statements work. */
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (tern_store_db_outbox_set_state (db, entry, TERN_STORE_OUTBOX_FAILED, 1, big_text, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tern_store_db_outbox_add (db, account, "me@example.com", rcpt, big, &error), >, entry);
  g_assert_no_error (error);
  entries = tern_store_db_outbox_list (db, account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpint (((TernStoreOutboxEntry *) g_ptr_array_index (entries, 0))->state, ==, TERN_STORE_OUTBOX_FAILED);
  g_assert_cmpstr (((TernStoreOutboxEntry *) g_ptr_array_index (entries, 0))->last_error, ==, big_text);
  g_assert_cmpint (((TernStoreOutboxEntry *) g_ptr_array_index (entries, 1))->size, ==, 1024 * 1024);
}

/* ---- durability: a VFS that counts the syncs of WAL files ------------------------- */

typedef struct
{
  sqlite3_file   base;
  sqlite3_file  *real;      /* right after this struct */
  gboolean       wal;
} ShimFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs  shim_vfs;
static gint         wal_syncs;

#define REAL(f) (((ShimFile *) (f))->real)
static int shim_close (sqlite3_file *f) { return REAL (f)->pMethods->xClose (REAL (f)); }
static int shim_read (sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return REAL (f)->pMethods->xRead (REAL (f), b, n, o); }
static int shim_write (sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { return REAL (f)->pMethods->xWrite (REAL (f), b, n, o); }
static int shim_truncate (sqlite3_file *f, sqlite3_int64 s) { return REAL (f)->pMethods->xTruncate (REAL (f), s); }
static int
shim_sync (sqlite3_file *f, int flags)
{
  if (((ShimFile *) f)->wal)
    g_atomic_int_inc (&wal_syncs);
  return REAL (f)->pMethods->xSync (REAL (f), flags);
}
static int shim_file_size (sqlite3_file *f, sqlite3_int64 *s) { return REAL (f)->pMethods->xFileSize (REAL (f), s); }
static int shim_lock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xLock (REAL (f), l); }
static int shim_unlock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xUnlock (REAL (f), l); }
static int shim_check_lock (sqlite3_file *f, int *r) { return REAL (f)->pMethods->xCheckReservedLock (REAL (f), r); }
static int shim_file_control (sqlite3_file *f, int op, void *a) { return REAL (f)->pMethods->xFileControl (REAL (f), op, a); }
static int shim_sector_size (sqlite3_file *f) { return REAL (f)->pMethods->xSectorSize (REAL (f)); }
static int shim_device (sqlite3_file *f) { return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f)); }
static int shim_shm_map (sqlite3_file *f, int i, int sz, int e, void volatile **p) { return REAL (f)->pMethods->xShmMap (REAL (f), i, sz, e, p); }
static int shim_shm_lock (sqlite3_file *f, int o, int n, int fl) { return REAL (f)->pMethods->xShmLock (REAL (f), o, n, fl); }
static void shim_shm_barrier (sqlite3_file *f) { REAL (f)->pMethods->xShmBarrier (REAL (f)); }
static int shim_shm_unmap (sqlite3_file *f, int d) { return REAL (f)->pMethods->xShmUnmap (REAL (f), d); }
#undef REAL

static const sqlite3_io_methods shim_methods = {
  2, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_file_size, shim_lock, shim_unlock,
  shim_check_lock, shim_file_control, shim_sector_size, shim_device, shim_shm_map, shim_shm_lock,
  shim_shm_barrier, shim_shm_unmap, NULL, NULL,
};

static int
shim_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  ShimFile *shim = (ShimFile *) file;
  int rc;

  shim->real = (sqlite3_file *) (shim + 1);
  shim->wal = (flags & SQLITE_OPEN_WAL) != 0;
  rc = real_vfs->xOpen (real_vfs, name, shim->real, flags, out_flags);
  file->pMethods = rc == SQLITE_OK ? &shim_methods : NULL;
  return rc;
}

/* The shim becomes the default VFS of the process: the store's connections use it. */
static void
count_wal_syncs (void)
{
  if (real_vfs != NULL)
    return;
  real_vfs = sqlite3_vfs_find (NULL);
  shim_vfs = *real_vfs;
  shim_vfs.zName = "tern-test-sync-counter";
  shim_vfs.szOsFile = sizeof (ShimFile) + real_vfs->szOsFile;
  shim_vfs.xOpen = shim_open;
  g_assert_cmpint (sqlite3_vfs_register (&shim_vfs, 1), ==, SQLITE_OK);
}

/* Mail queued for sending, and the mark that the server took it, are synced to disk
 * at their commit (they must survive a power cut: lost mail, or mail sent twice);
 * the store's other commits are not (WAL with synchronous = NORMAL). */
static void
test_outbox_durable (void)
{
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = g_bytes_new_static ("Subject: out\n\nx\n", 16);
  const char *rcpt[] = { "a@example.com", NULL };
  gint64 account, entry;
  gint before;

  count_wal_syncs ();
  db = open_store ();
  account = tern_store_db_ensure_account (db, "me@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  g_assert_no_error (error);

  before = g_atomic_int_get (&wal_syncs);
  g_assert_true (tern_store_db_outbox_set_state (db, 0, TERN_STORE_OUTBOX_SENDING, 0, NULL, 0, &error));
  tern_store_db_ensure_folder (db, account, "Other", TERN_STORE_FOLDER_ROLE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&wal_syncs), ==, before);     /* ordinary commits: no sync */

  entry = tern_store_db_outbox_add (db, account, "me@example.com", rcpt, raw, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&wal_syncs), >, before);      /* queued: synced */

  before = g_atomic_int_get (&wal_syncs);
  g_assert_true (tern_store_db_outbox_set_state (db, entry, TERN_STORE_OUTBOX_SENDING, 1, NULL, 0, &error));
  g_assert_cmpint (g_atomic_int_get (&wal_syncs), ==, before);
  g_assert_true (tern_store_db_outbox_set_state (db, entry, TERN_STORE_OUTBOX_SENT, 1, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&wal_syncs), >, before);      /* sent: synced */

  /* And the connection is back to its ordinary commits. */
  before = g_atomic_int_get (&wal_syncs);
  tern_store_db_ensure_folder (db, account, "Another", TERN_STORE_FOLDER_ROLE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&wal_syncs), ==, before);
}

/* A try of a journal entry is counted on disk before its command goes to the server:
 * after a power cut, the retry knows the command may have reached the server. */
static void
test_journal_attempt_durable (void)
{
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) journal = NULL;
  gint64 account, entry;
  gint before;

  count_wal_syncs ();
  db = open_store ();
  account = tern_store_db_ensure_account (db, "me@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
  g_assert_no_error (error);
  entry = tern_store_db_sync_journal_append (db, account, TERN_STORE_JOURNAL_FOLDER_CREATE, 0, 0, NULL, 0, 0,
                                             NULL, NULL, "New", 0, &error);
  g_assert_no_error (error);

  before = g_atomic_int_get (&wal_syncs);
  g_assert_true (tern_store_db_sync_journal_attempted (db, entry, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_atomic_int_get (&wal_syncs), >, before);
  journal = tern_store_db_sync_list_journal (db, account, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((TernStoreDbJournalEntry *) g_ptr_array_index (journal, 0))->attempts, ==, 1);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  store_test_home_setup ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/db/create", test_create);
  g_test_add_func ("/store/db/foreign-random", test_foreign_random);
  g_test_add_func ("/store/db/foreign-sqlite", test_foreign_sqlite);
  g_test_add_func ("/store/db/checkpoint-with-reader", test_checkpoint_with_reader);
  g_test_add_func ("/store/db/truncated", test_truncated);
  g_test_add_func ("/store/db/second-connection-keeps-the-log", test_second_connection_keeps_the_log);
  g_test_add_func ("/store/db/corrupt-pages", test_corrupt_pages);
  g_test_add_func ("/store/db/too-new", test_too_new);
  g_test_add_func ("/store/db/move-aside", test_move_aside);
  g_test_add_func ("/store/db/migrations", test_migrations);
  g_test_add_func ("/store/db/counts", test_counts);
  g_test_add_func ("/store/db/raw-and-header-only", test_raw_and_header_only);
  g_test_add_func ("/store/db/deferred-index", test_deferred_index);
  g_test_add_func ("/store/db/header-charset-from-body", test_header_charset_from_body);
  g_test_add_func ("/store/db/duplicates", test_duplicates);
  g_test_add_func ("/store/db/threads", test_threads);
  g_test_add_func ("/store/db/search", test_search);
  g_test_add_func ("/store/db/list-order", test_list_order);
  g_test_add_func ("/store/db/list-keys-covered", test_list_keys_covered);
  g_test_add_func ("/store/db/missing-bodies-indexed", test_missing_bodies_indexed);
  g_test_add_func ("/store/db/transactions", test_transactions);
  g_test_add_func ("/store/db/outbox-journal", test_outbox_journal);
  g_test_add_func ("/store/db/outbox-disk-full", test_outbox_disk_full);
  g_test_add_func ("/store/db/deferred-checkpoint", test_deferred_checkpoint);
  g_test_add_func ("/store/db/outbox-durable", test_outbox_durable);
  g_test_add_func ("/store/db/journal-attempt-durable", test_journal_attempt_durable);

  return store_test_home_cleanup (g_test_run ());
}
