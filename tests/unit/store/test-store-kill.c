/* test-store-kill.c: kill -9 during an import never corrupts the store nor loses
 * a committed message, and importing again completes it without duplicates
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test writes a Maildir of generated messages, then KILLS times starts
 * `tern-cli import` on it and sends it SIGKILL after a random delay (the seed
 * is GTest's: --seed reproduces a run). After every kill it opens the store and
 * checks that
 *   - PRAGMA integrity_check is ok;
 *   - every message present after the previous kill is still present (what was
 *     committed stays), and no message is there twice;
 *   - every message's body is whole in its pack (its length and checksum).
 * Finally one import runs to the end: the folder then holds exactly one message
 * per file.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "tern-store-db.h"

#define N_MESSAGES 6000
#define KILLS      5

static const char * const words[] = {
  "meeting", "project", "release", "budget", "kernel", "driver", "garden", "holiday",
  "invoice", "contract", "schedule", "database", "latency", "throughput", "security",
  "the", "of", "and", "to", "in", "is", "that", "for", "it", "with",
};

static char *
make_maildir (void)
{
  g_autofree char *root = g_build_filename (g_get_user_cache_dir (), "maildir", NULL);
  g_autofree char *cur = g_build_filename (root, "cur", NULL);
  g_autofree char *new_dir = g_build_filename (root, "new", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  g_assert_cmpint (g_mkdir_with_parents (cur, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (new_dir, 0700), ==, 0);

  for (int i = 0; i < N_MESSAGES; i++)
    {
      g_autoptr(GString) s = g_string_new (NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      int body = g_rand_int_range (rand, 200, 12000);

      g_string_append_printf (s, "From: Sender %d <sender%d@example.com>\nTo: alice@example.com\n"
                                 "Subject: Message %d about %s\nDate: Mon, 1 Jan 2024 %02d:%02d:%02d +0000\n"
                                 "Message-ID: <kill-%d@example.com>\nMIME-Version: 1.0\n"
                                 "Content-Type: text/plain; charset=utf-8\n\n",
                              i % 50, i % 50, i, words[i % G_N_ELEMENTS (words)],
                              (i / 3600) % 24, (i / 60) % 60, i % 60, i);
      while ((int) s->len < body)
        g_string_append_printf (s, "%s%c", words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                g_rand_int_range (rand, 0, 12) == 0 ? '\n' : ' ');
      g_string_append_c (s, '\n');

      name = g_strdup_printf ("%d.M%dP1.test:2,%s", 1700000000 + i, i, i % 2 ? "S" : "");
      path = g_build_filename (i % 10 == 0 ? new_dir : cur, name, NULL);
      if (i % 10 == 0)
        {
          g_free (path);
          g_free (name);
          name = g_strdup_printf ("%d.M%dP1.test", 1700000000 + i, i);
          path = g_build_filename (new_dir, name, NULL);
        }
      g_assert_true (g_file_set_contents (path, s->str, s->len, &error));
    }
  return g_steal_pointer (&root);
}

static GPid
spawn_import (const char *maildir)
{
  const char *argv[] = { TERN_CLI_PATH, "import", maildir, "--folder", "Killed", "--quiet", NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  GPid pid = 0;

  /* The child uses this test's throw-away XDG directories. */
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", g_get_user_data_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CONFIG_HOME", g_get_user_config_dir (), TRUE);
  envp = g_environ_setenv (envp, "XDG_CACHE_HOME", g_get_user_cache_dir (), TRUE);
  envp = g_environ_unsetenv (envp, "TERN_STORE");
  g_assert_true (g_spawn_async (NULL, (char **) argv, envp,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

static int
wait_child (GPid pid)
{
  int status = 0;

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  return status;
}

/* Returns the Message-IDs in the folder (empty if the store or folder is not
 * there yet), after checking integrity and uniqueness. */
static GHashTable *
check_store (void)
{
  g_autofree char *path = tern_store_db_get_default_path ();
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return ids;

  db = tern_store_db_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (tern_store_db_check_integrity (db, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open_v2 (path, &raw, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw,
                   "SELECT m.message_id, m.id, m.size, m.has_body FROM messages m JOIN folders f ON f.id = m.folder_id"
                   " WHERE f.path = 'Killed'", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *header = g_strdup_printf ("Message-ID: <%s>", id);
      g_autoptr(GBytes) body = NULL;

      /* No message twice. */
      g_assert_false (g_hash_table_contains (ids, id));
      g_hash_table_add (ids, g_strdup (id));
      /* Its body whole, in its pack: the length and checksum recorded match (a body
       * the store finds damaged is not returned). */
      g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, 1);
      body = tern_store_db_get_raw (db, sqlite3_column_int64 (stmt, 1), &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_bytes_get_size (body), ==, sqlite3_column_int64 (stmt, 2));
      g_assert_nonnull (g_strstr_len (g_bytes_get_data (body, NULL), g_bytes_get_size (body), header));
    }
  sqlite3_finalize (stmt);
  g_clear_object (&db);

  /* The folder's count is exact. */
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT total FROM folders WHERE path = 'Killed'", -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, g_hash_table_size (ids));
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  return ids;
}

/* Removes the store, so that the next import starts from nothing. */
static void
reset_store (void)
{
  g_autofree char *path = tern_store_db_get_default_path ();

  static const char *suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *packs = g_strconcat (path, "-bodies", NULL);
  g_autoptr(GDir) dir = g_dir_open (packs, 0, NULL);
  const char *name;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (packs, name, NULL);

      g_unlink (file);
    }
  g_rmdir (packs);
}

static void
test_kill (void)
{
  g_autofree char *maildir = make_maildir ();
  g_autoptr(GHashTable) before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint killed_mid_import = 0;
  int full_ms;

  /* How long a whole import takes on this machine now: the kills land at random
   * points inside that time, whatever the load. */
  {
    gint64 start = g_get_monotonic_time ();
    int status = wait_child (spawn_import (maildir));

    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    full_ms = (g_get_monotonic_time () - start) / 1000;
    g_test_message ("a whole import takes %d ms", full_ms);
    reset_store ();
  }

  for (int k = 0; k < KILLS && g_get_monotonic_time () < deadline; k++)
    {
      GPid pid = spawn_import (maildir);
      int delay_ms = g_test_rand_int_range (MAX (5, full_ms / 20), MAX (10, full_ms * 9 / 10));
      g_autoptr(GHashTable) after = NULL;
      GHashTableIter iter;
      gpointer key;
      int status;

      g_usleep (delay_ms * 1000);
      kill (pid, SIGKILL);
      status = wait_child (pid);
      if (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL)
        killed_mid_import++;

      after = check_store ();
      g_test_message ("kill %d after %d ms: %u messages stored (%s)", k + 1, delay_ms,
                      g_hash_table_size (after),
                      WIFSIGNALED (status) ? "killed" : "had finished");

      /* Nothing committed before is lost. */
      g_hash_table_iter_init (&iter, before);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (!g_hash_table_contains (after, key))
          g_error ("message %s was stored before kill %d and is gone after it", (char *) key, k + 1);

      g_hash_table_remove_all (before);
      g_hash_table_iter_init (&iter, after);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (before, g_strdup (key));

      /* Once everything is in, later imports have little left to do: start over so
       * that the next kill again lands in the middle of real work. */
      if (g_hash_table_size (after) == N_MESSAGES)
        {
          reset_store ();
          g_hash_table_remove_all (before);
        }
    }
  g_assert_cmpuint (killed_mid_import, >, 0);

  /* Import once more, to the end: it adds exactly what is missing. */
  {
    GPid pid = spawn_import (maildir);
    int status = wait_child (pid);
    g_autoptr(GHashTable) final = NULL;

    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 0);
    final = check_store ();
    g_assert_cmpuint (g_hash_table_size (final), ==, N_MESSAGES);
    for (int i = 0; i < N_MESSAGES; i++)
      {
        g_autofree char *id = g_strdup_printf ("kill-%d@example.com", i);
        g_assert_true (g_hash_table_contains (final, id));
      }
  }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/store/kill/import", test_kill);
  return g_test_run ();
}
