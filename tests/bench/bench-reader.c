/* bench-reader.c: selecting a message to its body painted, and the memory of the
 * reader with an HTML message shown
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run under a display (see tests/bench/meson.build):
 *   tests/lib/tern-session BUILD/tests/bench/bench-reader [N]
 *
 * A store in a temporary home gets N stored plain text messages and N stored HTML
 * messages (newsletter-like, about 25 KB each, remote images blocked). The reader
 * is shown in a window; after one warm-up message of each kind (the web process
 * starts then), each message is selected with
 * tern_ui_message_view_show_message_ids() — as the window will, by id — and
 * timed until its card reports ::body-shown: for plain text, the frame after the
 * text was set is painted; for HTML, the web process laid the page out (its height
 * arrived) and the frame after it is painted. Median and maximum are printed, then
 * the resident memory of Tern and of every WebKit process with one HTML message
 * shown, and the number of web processes after a conversation of five HTML
 * messages (they share one).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "bench-memory.h"
#include "tern-engine.h"
#include "tern-store.h"
#include "tern-ui-html-loader.h"
#include "tern-ui-message-view.h"

static TernUiMessageView *view;
static gint64 shown_id;

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
body_shown_cb (TernUiMessageView *v, gint64 id, gpointer data)
{
  shown_id = id;
}

static char *
plain_message (int i)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "From: Sender %d <sender%d@example.org>\r\nTo: reader@example.org\r\n"
                             "Subject: Plain message %d\r\nDate: Mon, 01 Jan 2024 %02d:%02d:00 +0000\r\n"
                             "Message-ID: <plain%d@example.org>\r\nMIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=utf-8; format=flowed\r\n\r\n",
                          i, i, i, i % 24, i % 60, i);
  g_string_append (s, "Hello,\r\n\r\nthanks for the notes; see https://example.org/notes for the draft. \r\n"
                      "I have a few questions about the second part, where the engine \r\n"
                      "reads the cards.\r\n\r\nOn Monday you wrote:\r\n");
  for (int j = 0; j < 30; j++)
    g_string_append_printf (s, "> Line %d of the quoted text, with some words to wrap around the \r\n"
                               "> width of the reader, as mail usually has. Grüße, Ада, 日本.\r\n", j);
  g_string_append (s, "\r\n-- \r\nSender\r\n");
  return g_string_free (s, FALSE);
}

static char *
html_message (int i)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "From: News %d <news%d@example.com>\r\nTo: reader@example.org\r\n"
                             "Subject: Newsletter %d\r\nDate: Tue, 02 Jan 2024 %02d:%02d:00 +0000\r\n"
                             "Message-ID: <html%d@example.org>\r\nMIME-Version: 1.0\r\n"
                             "Content-Type: text/html; charset=utf-8\r\n\r\n",
                          i, i, i, i % 24, i % 60, i);
  g_string_append (s, "<!DOCTYPE html><html><head><style>"
                      "body{font-family:sans-serif;margin:0;background:#f4f4f4}"
                      ".wrap{width:600px;margin:0 auto;background:#fff}"
                      "td{padding:12px;font-size:15px;line-height:1.4;color:#333}"
                      "h2{color:#1a5fb4}</style></head><body><div class='wrap'><table width='600'>");
  for (int j = 0; j < 20; j++)
    g_string_append_printf (s, "<tr><td><img src='https://cdn.example.com/img/%d-%d.jpg' width='120' height='80' alt=''>"
                               "</td><td><h2>Story %d</h2><p>Some words about the story, long enough to "
                               "wrap over a few lines in the column of a newsletter, <a href='https://example.com/%d'>"
                               "read more</a>. Ünïcödé, Ελληνικά, 中文.</p></td></tr>",
                            i, j, j, j);
  g_string_append (s, "</table><img src='https://t.example.com/open.gif?u=1' width='1' height='1'></div></body></html>\r\n");
  return g_string_free (s, FALSE);
}

static gint64
store_message (TernStoreDb *db, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = g_bytes_new (text, strlen (text));
  TernStoreDbNewMessage m = { 0 };
  gint64 id;

  m.folder_id = 1;
  m.raw = raw;
  m.flags = TERN_STORE_FLAG_SEEN;
  id = tern_store_db_add_message (db, &m, NULL, &error);
  g_assert_no_error (error);
  return id;
}

/* ms until the message's body is painted */
static double
select_message (gint64 id)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + 30 * G_USEC_PER_SEC;

  shown_id = 0;
  tern_ui_message_view_show_message_ids (view, &id, 1, id);
  while (shown_id != id)
    {
      g_main_context_iteration (NULL, TRUE);
      if (g_get_monotonic_time () > deadline)
        g_error ("message %" G_GINT64_FORMAT " was not shown in 30 s", id);
    }
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *times)
{
  g_array_sort (times, compare_double);
  printf ("%-28s n=%u  median %6.1f ms  max %6.1f ms  min %6.1f ms\n", what, times->len,
          g_array_index (times, double, times->len / 2), g_array_index (times, double, times->len - 1),
          g_array_index (times, double, 0));
}

/* Prints the memory of this process and of the WebKit processes; returns the
 * number of web processes. */
static guint
memory_report (void)
{
  BenchMemory memory;

  bench_memory_read (&memory, TRUE);
  return memory.web_processes;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  static const char * const vars[] = { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME" };
  int n = argc > 1 ? atoi (argv[1]) : 50;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("tern-bench-reader-XXXXXX", &error);
  g_autofree char *store_path = NULL;
  g_autoptr(TernStore) store = NULL;
  g_autoptr(GArray) plain_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) html_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) plain_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) html_times = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWindow *window;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (home, vars[i], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (vars[i], dir, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv (TERN_UI_HTML_LOADER_ENV, TERN_BUILD_HTML_MODULE, FALSE);   /* the build's */

  g_set_prgname ("bench-reader");   /* WebKit's sandbox makes folders from it */
  gtk_init ();
  adw_init ();
  tern_engine_init ();

  store_path = g_build_filename (home, "XDG_DATA_HOME", "tern", "store.db", NULL);
  store = tern_store_new_sync (store_path, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(TernStoreDb) db = tern_store_db_open (store_path, &error);

    g_assert_no_error (error);
    g_assert_true (tern_store_db_begin (db, &error));
    for (int i = 0; i < n + 1; i++)
      {
        g_autofree char *plain = plain_message (i);
        g_autofree char *html = html_message (i);
        gint64 p = store_message (db, plain), h = store_message (db, html);

        g_array_append_val (plain_ids, p);
        g_array_append_val (html_ids, h);
      }
    g_assert_true (tern_store_db_commit (db, &error));
  }

  window = GTK_WINDOW (adw_window_new ());
  gtk_window_set_default_size (window, 1000, 800);
  view = tern_ui_message_view_new (store);
  g_signal_connect (view, "body-shown", G_CALLBACK (body_shown_cb), NULL);
  adw_window_set_content (ADW_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (window);
  settle (500);

  /* Warm-up: the first of each kind is not counted (the web process starts). */
  printf ("first plain text message: %.1f ms\n", select_message (g_array_index (plain_ids, gint64, n)));
  settle (1500);
  printf ("memory with a plain text message shown (the web process is started ahead):\n");
  memory_report ();
  printf ("first HTML message (web process start): %.1f ms\n", select_message (g_array_index (html_ids, gint64, n)));
  settle (500);

  for (int i = 0; i < n; i++)
    {
      double ms = select_message (g_array_index (plain_ids, gint64, i));

      g_array_append_val (plain_times, ms);
      settle (30);
    }
  for (int i = 0; i < n; i++)
    {
      double ms = select_message (g_array_index (html_ids, gint64, i));

      g_array_append_val (html_times, ms);
      settle (30);
    }
  report ("stored plain text, select", plain_times);
  report ("stored HTML, select", html_times);

  settle (2000);
  printf ("memory with one HTML message shown:\n");
  memory_report ();

  tern_ui_message_view_show_message_ids (view, (gint64 *) (void *) html_ids->data, 5, 0);
  {
    /* all five unread? they are read: expand them */
    settle (500);
    for (guint i = 0; i < tern_ui_message_view_get_n_cards (view); i++)
      tern_ui_message_card_set_expanded (tern_ui_message_view_get_card (view, i), TRUE);
    settle (3000);
  }
  printf ("memory with a conversation of five HTML messages shown:\n");
  printf ("web processes: %u\n", memory_report ());

  gtk_window_destroy (window);
  settle (100);
  g_clear_object (&store);
  remove_tree (home);
  return 0;
}
