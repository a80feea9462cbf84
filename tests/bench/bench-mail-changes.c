/* bench-mail-changes.c: how changes reach an open list model of a big folder
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-mail-changes WORKDIR [N]        (N messages in the folder; 100,000)
 *
 * With a TernStoreMessageList of an N-message folder open on the main loop (as the
 * window has it), measures:
 *  - a sync's writes: a thread with its own connection (tern_store_open_db(), as an
 *    account's sync has) adds 1,000 messages in batches of 100 and changes the flags
 *    of 5,000 in batches of 500, committing as the IMAP sync does; the main loop's
 *    callbacks meanwhile (the longest, and the distribution of a 1 ms timer's gaps),
 *    and the time until the model shows everything;
 *  - a 10,000-message move (tern_mail_move_async) and its undo: the time from the
 *    call until the model has lost (got back) the 10,000 rows, until the target
 *    folder's list shows them (the commit), and the longest main-loop callback
 *    meanwhile.
 * A callback's length is given on the clock and in the main thread's own CPU time:
 * on a loaded machine the first includes time other threads had the CPU.
 * The account is an IMAP one with no server (operations are journaled; nothing goes
 * on the network). Not a test: prints one line per figure.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <glib/gstdio.h>

#include "tern-engine.h"
#include "tern-mail.h"
#include "tern-store-message-list.h"

static GArray *gaps;
static gint64 last_tick;
static gint64 max_dispatch;
static gint64 max_oversleep;
static gint64 max_dispatch_cpu;

/* The main thread's own CPU time, in µs. */
static gint64
thread_cpu_time (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0)
    {
      gint64 gap = now - last_tick;
      g_array_append_val (gaps, gap);
    }
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* Every dispatch on the main context, timed: the longest callback. */
static GPollFunc real_poll;

static gint
timed_poll (GPollFD *fds, guint n, gint timeout)
{
  static gint64 left, left_cpu;
  gint64 entered = g_get_monotonic_time ();
  gint64 entered_cpu = thread_cpu_time ();
  gint ret;

  /* The time between two polls is the dispatch of the callbacks in between: on
   * the clock (what the user waits) and on the thread's CPU (its own work, without
   * the time other threads had the CPU). */
  if (left != 0)
    {
      max_dispatch = MAX (max_dispatch, entered - left);
      max_dispatch_cpu = MAX (max_dispatch_cpu, entered_cpu - left_cpu);
    }
  ret = real_poll (fds, n, timeout);
  left = g_get_monotonic_time ();
  left_cpu = thread_cpu_time ();
  /* Time asleep past the timeout asked for: the thread waiting for a CPU, not the loop. */
  if (timeout >= 0)
    max_oversleep = MAX (max_oversleep, left - entered - timeout * 1000);
  return ret;
}

static int
compare_gaps (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static void
report_stalls (const char *what)
{
  gint64 p50 = 0, p99 = 0, top = 0;

  if (gaps->len > 0)
    {
      g_array_sort (gaps, compare_gaps);
      p50 = g_array_index (gaps, gint64, gaps->len / 2);
      p99 = g_array_index (gaps, gint64, gaps->len * 99 / 100);
      top = g_array_index (gaps, gint64, gaps->len - 1);
    }
  printf ("%s: longest main-loop callback %.1f ms (%.1f ms of its CPU); 1 ms timer gaps: median %.1f, "
          "p99 %.1f, max %.1f ms (%u ticks); poll slept up to %.1f ms past its timeout\n",
          what, max_dispatch / 1e3, max_dispatch_cpu / 1e3, p50 / 1e3, p99 / 1e3, top / 1e3, gaps->len,
          max_oversleep / 1e3);
  g_array_set_size (gaps, 0);
  max_dispatch = 0;
  max_dispatch_cpu = 0;
  max_oversleep = 0;
  last_tick = 0;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GBytes *
message (guint i, const char *tag)
{
  g_autofree char *text = g_strdup_printf ("From: Sender %u <s%u@example.com>\nTo: me@example.com\n"
                                           "Subject: %s %u\nMessage-ID: <%s%u@example.com>\n"
                                           "Date: Tue, 2 Jan 2024 %02u:%02u:%02u +0000\n\nBody of %u.\n",
                                           i % 977, i % 977, tag, i, tag, i, (i / 3600) % 24, (i / 60) % 60, i % 60,
                                           i);
  return g_bytes_new (text, strlen (text));
}

typedef struct
{
  TernStore *store;
  gint64     folder_id;
  guint      n;
  gint       done;
  gint64     last_commit;
} Writer;

/* A sync's writes: its own connection, batches as the IMAP sync commits them. */
static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_open_db (w->store, NULL, &error);
  g_autoptr(GArray) ids = NULL;

  g_assert_no_error (error);
  for (guint batch = 0; batch < 10; batch++)
    {
      g_assert_true (tern_store_db_begin (db, &error));
      for (guint i = 0; i < 100; i++)
        {
          g_autoptr(GBytes) raw = message (w->n + batch * 100 + i, "new");
          TernStoreDbNewMessage m = { 0 };

          m.folder_id = w->folder_id;
          m.uid = w->n + batch * 100 + i + 1;
          m.raw = raw;
          m.arrived = TRUE;
          g_assert_cmpint (tern_store_db_add_message (db, &m, NULL, &error), >, 0);
        }
      g_assert_true (tern_store_db_commit (db, &error));
    }
  ids = tern_store_db_list_keys (db, w->folder_id, NULL, &error);
  for (guint batch = 0; batch < 10; batch++)
    {
      g_assert_true (tern_store_db_begin (db, &error));
      for (guint i = 0; i < 500; i++)
        {
          gint64 id = g_array_index (ids, TernStoreDbKey, (batch * 500 + i) * 7 % ids->len).id;
          g_assert_true (tern_store_db_set_flags (db, &id, 1, TERN_STORE_FLAG_SEEN, 0, &error));
        }
      g_assert_true (tern_store_db_commit (db, &error));
    }
  w->last_commit = g_get_monotonic_time ();
  g_atomic_int_set (&w->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

int
main (int argc, char **argv)
{
  const char *work;
  guint n = 100000;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(TernStoreMessageList) list = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *base_path = NULL;
  g_autofree char *accounts_path = NULL;
  gint64 folder_id, t0;
  guint tick;

  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("usage: bench-mail-changes WORKDIR [N]\n");
      return 2;
    }
  work = argv[1];
  if (argc > 2)
    n = (guint) atoi (argv[2]);
  tern_engine_init ();
  gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  real_poll = g_main_context_get_poll_func (NULL);
  g_main_context_set_poll_func (NULL, timed_poll);

  store_path = g_build_filename (work, "store.db", NULL);
  base_path = g_build_filename (work, "base.db", NULL);
  accounts_path = g_build_filename (work, "accounts.ini", NULL);
  g_mkdir_with_parents (work, 0700);

  /* An IMAP account, and its INBOX of N messages (made once, kept in WORKDIR as
   * base.db; each run works on a copy). */
  if (!g_file_test (base_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(TernStoreDb) db = tern_store_db_open (base_path, &error);
      g_autoptr(TernStoreFolder) inbox = NULL;
      g_autoptr(TernStoreFolder) archive = NULL;
      gint64 account;

      g_assert_no_error (error);
      account = tern_store_db_ensure_account (db, "bench@example.com", TERN_STORE_ACCOUNT_IMAP, &error);
      inbox = tern_store_db_ensure_folder (db, account, "INBOX", TERN_STORE_FOLDER_ROLE_INBOX, &error);
      archive = tern_store_db_ensure_folder (db, account, "Archive", TERN_STORE_FOLDER_ROLE_ARCHIVE, &error);
      g_assert_no_error (error);
      t0 = g_get_monotonic_time ();
      g_assert_true (tern_store_db_begin (db, &error));
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(GBytes) raw = message (i, "old");
          TernStoreDbNewMessage m = { 0 };

          m.folder_id = tern_store_folder_get_id (inbox);
          m.uid = i + 1;
          m.raw = raw;
          m.flags = i % 3 ? TERN_STORE_FLAG_SEEN : 0;
          g_assert_cmpint (tern_store_db_add_message (db, &m, NULL, &error), >, 0);
          if (i % 5000 == 4999)
            {
              g_assert_true (tern_store_db_commit (db, &error));
              g_assert_true (tern_store_db_begin (db, &error));
            }
        }
      g_assert_true (tern_store_db_commit (db, &error));
      g_assert_true (tern_store_db_set_folder_sync_state (db, tern_store_folder_get_id (inbox), 1, n + 1, 0, &error));
      printf ("made a %u-message INBOX in %.1f s\n", n, (g_get_monotonic_time () - t0) / 1e6);
      {
        g_autofree char *ini = g_strdup_printf ("[account bench@example.com]\nprotocol=imap\nhost=127.0.0.1\n"
                                                "port=1\nsecurity=tls\nuser=bench\n");
        g_assert_true (g_file_set_contents (accounts_path, ini, -1, &error));
      }
    }

  {
    g_autoptr(GFile) from = g_file_new_for_path (base_path);
    g_autoptr(GFile) to = g_file_new_for_path (store_path);
    g_autofree char *wal = g_strconcat (store_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (store_path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_assert_true (g_file_copy (from, to, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error));
  }
  mail = tern_mail_new_sync (store_path, accounts_path, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreDb) db = tern_store_db_open (store_path, &error);
    gint64 account = tern_store_db_lookup_account (db, "bench@example.com", &error);
    g_autoptr(TernStoreFolder) inbox = tern_store_db_lookup_folder (db, account, "INBOX", &error);

    g_assert_no_error (error);
    folder_id = tern_store_folder_get_id (inbox);
  }

  t0 = g_get_monotonic_time ();
  tern_store_message_list_new_async (tern_mail_get_store (mail), folder_id, NULL, NULL, done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  list = tern_store_message_list_new_finish (result, &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  printf ("list model of %u messages open in %.1f ms\n", g_list_model_get_n_items (G_LIST_MODEL (list)),
          (g_get_monotonic_time () - t0) / 1e3);
  /* A screen of rows on display: held, as widgets hold them. */
  {
    g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
    guint before = g_list_model_get_n_items (G_LIST_MODEL (list));
    Writer w = { tern_mail_get_store (mail), folder_id, before, 0, 0 };
    GThread *thread;

    for (guint i = 0; i < 60; i++)
      g_ptr_array_add (shown, g_list_model_get_item (G_LIST_MODEL (list), i));
    while (tern_store_message_list_get_n_pending (list) > 0)
      g_main_context_iteration (NULL, TRUE);

    tick = g_timeout_add (1, tick_cb, NULL);
    max_dispatch = 0;
    max_dispatch_cpu = 0;
    max_oversleep = 0;
    t0 = g_get_monotonic_time ();
    thread = g_thread_new ("sync-writes", writer_thread, &w);
    /* The main loop runs until the writer is done and the model shows it all; the
     * thread is joined only then, not to block the loop being measured. */
    while (!g_atomic_int_get (&w.done) || g_list_model_get_n_items (G_LIST_MODEL (list)) != before + 1000 ||
           tern_store_message_list_get_n_pending (list) > 0)
      g_main_context_iteration (NULL, TRUE);
    {
      gint64 now = g_get_monotonic_time ();

      g_thread_join (thread);
      printf ("sync writes (1,000 new in 10 commits, 5,000 flags in 10) took %.1f ms; "
              "the model showed the last %.1f ms after its commit\n",
              (w.last_commit - t0) / 1e3, (now - w.last_commit) / 1e3);
    }
    report_stalls ("  during the sync's writes");
    g_source_remove (tick);
  }

  /* A 10,000-message move, and its undo. */
  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    guint before = g_list_model_get_n_items (G_LIST_MODEL (list));
    g_autoptr(TernStoreMessageList) archive_list = NULL;
    gint64 archive_id;

    {
      g_autoptr(TernStoreDb) db = tern_store_db_open (store_path, &error);
      gint64 account = tern_store_db_lookup_account (db, "bench@example.com", &error);
      g_autoptr(TernStoreFolder) archive = tern_store_db_lookup_folder (db, account, "Archive", &error);

      archive_id = tern_store_folder_get_id (archive);
    }
    tern_store_message_list_new_async (tern_mail_get_store (mail), archive_id, NULL, NULL, done_cb, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    archive_list = tern_store_message_list_new_finish (result, &error);
    g_assert_no_error (error);
    g_clear_object (&result);
    for (guint i = 0; i < 10000; i++)
      {
        g_autoptr(TernStoreMessage) row = g_list_model_get_item (G_LIST_MODEL (list), i * 3);
        gint64 id = tern_store_message_get_id (row);
        g_array_append_val (ids, id);
      }
    while (tern_store_message_list_get_n_pending (list) > 0)
      g_main_context_iteration (NULL, TRUE);

    tick = g_timeout_add (1, tick_cb, NULL);
    max_dispatch = 0;
    max_dispatch_cpu = 0;
    max_oversleep = 0;
    t0 = g_get_monotonic_time ();
    tern_mail_move_async (mail, (const gint64 *) (void *) ids->data, ids->len, archive_id, NULL, done_cb, &result);
    while (g_list_model_get_n_items (G_LIST_MODEL (list)) != before - 10000)
      g_main_context_iteration (NULL, TRUE);
    printf ("10,000-message move: gone from the folder's model after %.1f ms", (g_get_monotonic_time () - t0) / 1e3);
    while (g_list_model_get_n_items (G_LIST_MODEL (archive_list)) != 10000)
      g_main_context_iteration (NULL, TRUE);
    printf ("; in the target's after %.1f ms\n", (g_get_monotonic_time () - t0) / 1e3);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (tern_mail_operation_finish (mail, result, &undo, NULL, &error));
    g_clear_object (&result);
    report_stalls ("  during the move");

    t0 = g_get_monotonic_time ();
    tern_mail_undo_async (mail, undo, NULL, done_cb, &result);
    while (g_list_model_get_n_items (G_LIST_MODEL (archive_list)) != 0)
      g_main_context_iteration (NULL, TRUE);
    printf ("its undo: gone from the target's model after %.1f ms", (g_get_monotonic_time () - t0) / 1e3);
    while (g_list_model_get_n_items (G_LIST_MODEL (list)) != before)
      g_main_context_iteration (NULL, TRUE);
    printf ("; back in the folder's after %.1f ms\n", (g_get_monotonic_time () - t0) / 1e3);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_clear_object (&result);
    report_stalls ("  during the undo");
    g_source_remove (tick);
  }
  return 0;
}
