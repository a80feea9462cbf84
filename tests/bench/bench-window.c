/* bench-window.c: the main window on a big folder: opening it, then scrolling it
 * from top to bottom, with the main loop's longest waits and the memory used
 *
 * Usage (inside tests/lib/tern-session, with the store and accounts of XDG_DATA_HOME
 * and XDG_CONFIG_HOME, as tests/bench/bench-window.py runs it):
 *   bench-window FOLDER_ID [FRAMES]
 *     Shows the folder, waits for its first painted rows, then scrolls to the
 *     bottom in FRAMES steps (default 600: a scrollbar dragged down in about ten
 *     seconds, each frame a jump of 1/FRAMES of the list), one step per frame.
 *   bench-window --sync
 *     Shows All Inboxes and syncs every account (an initial sync: the accounts
 *     were just added), the list filling in meanwhile.
 * A 5 ms timer on the main loop measures how long the loop ever went without
 * running it. Prints one line of figures ("bench-window: ...").
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "bench-memory.h"
#include "tern-engine.h"
#include "tern-ui-application.h"
#include "tern-ui-html-loader.h"
#include "tern-mime-message.h"
#include "tern-store-db.h"
#include "tern-ui-message-list.h"
#include "tern-ui-message-view.h"
#include "tern-ui-window.h"

static gint64 last_tick;
static GArray *gaps;
static gboolean painted;

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();

  if (last_tick != 0)
    {
      gint64 gap = now - last_tick;
      g_array_append_val (gaps, gap);
      /* when the long ones ended (CLOCK_MONOTONIC, as perf record -k CLOCK_MONOTONIC
       * stamps its samples): to find what ran meanwhile */
      if (gap > 50000)
        g_printerr ("bench-window: a gap of %.1f ms ended at %.6f s\n", gap / 1e3, now / 1e6);
    }
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
painted_cb (TernUiMessageList *list, gpointer data)
{
  painted = TRUE;
}

static int
compare_gaps (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted, double p)
{
  if (sorted->len == 0)
    return 0;
  return g_array_index (sorted, gint64, MIN (sorted->len - 1, (guint) (sorted->len * p))) / 1e3;
}

static long
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, "VmRSS:")) == NULL)
    return 0;
  return strtol (line + 6, NULL, 10);
}

typedef struct
{
  GtkAdjustment *adjustment;
  guint          frame;
  guint          frames;
  gboolean       done;
} Scroll;

static gboolean
scroll_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  Scroll *scroll = data;
  double upper = gtk_adjustment_get_upper (scroll->adjustment) - gtk_adjustment_get_page_size (scroll->adjustment);

  scroll->frame++;
  gtk_adjustment_set_value (scroll->adjustment, upper * scroll->frame / scroll->frames);
  if (scroll->frame >= scroll->frames)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
print_gaps (void)
{
  guint over = 0;

  g_array_sort (gaps, compare_gaps);
  for (guint i = 0; i < gaps->len; i++)
    over += g_array_index (gaps, gint64, i) > 50000;
  g_print ("gap_max_ms=%.1f gap_p99_ms=%.1f gap_p95_ms=%.1f gap_p50_ms=%.1f ticks=%u over_50ms=%u ",
           gaps->len > 0 ? g_array_index (gaps, gint64, gaps->len - 1) / 1e3 : 0,
           percentile (gaps, 0.99), percentile (gaps, 0.95), percentile (gaps, 0.5), gaps->len, over);
}

/* An initial sync in the background, the window showing All Inboxes. */
static int
bench_sync (TernUiApplication *app, TernUiWindow *win, TernUiMessageList *list, gint64 start)
{
  gint64 sync_start, sync_end;
  guint tick;

  tern_ui_window_show_folder (win, 0);
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  tick = g_timeout_add (5, tick_cb, NULL);
  sync_start = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  while (tern_ui_application_get_syncing (app) && g_get_monotonic_time () - sync_start < (gint64) 3600 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  sync_end = g_get_monotonic_time ();
  g_source_remove (tick);
  g_print ("bench-window: sync rows=%u sync_s=%.1f ", g_list_model_get_n_items (G_LIST_MODEL (tern_ui_message_list_get_selection (list))),
           (sync_end - sync_start) / 1e6);
  print_gaps ();
  g_print ("rss_end_mb=%.1f\n", rss_kib () / 1024.0);
  gtk_window_destroy (GTK_WINDOW (win));
  return 0;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
iterate_until (gboolean *flag, gint64 timeout_us)
{
  gint64 until = g_get_monotonic_time () + timeout_us;

  while (!*flag && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
}

/* The newest message of the folder with an HTML body, or 0. */
static gint64
find_html_message (gint64 folder_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (NULL, &error);

  if (db == NULL)
    g_error ("%s", error->message);
  for (guint offset = 0; offset < 2000; offset += 100)
    {
      g_autoptr(GPtrArray) page = tern_store_db_list_messages (db, folder_id, offset, 100, &error);

      if (page == NULL || page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        {
          gint64 id = tern_store_message_get_id (g_ptr_array_index (page, i));
          g_autoptr(GBytes) raw = tern_store_db_get_raw (db, id, NULL);
          g_autoptr(TernMimeMessage) message = NULL;
          GPtrArray *bodies;

          if (raw == NULL)
            continue;
          message = tern_mime_message_new (raw, TERN_MIME_MESSAGE_DEFAULT);
          bodies = tern_mime_message_get_bodies (message);
          for (guint b = 0; b < bodies->len; b++)
            if (((TernMimeBody *) g_ptr_array_index (bodies, b))->kind == TERN_MIME_BODY_HTML)
              return id;
        }
    }
  return 0;
}

/* The same, from another process: the store connection that looks and the
 * messages it parses would count in this one's memory. */
static gint64
find_html_message_apart (const char *self, gint64 folder_id)
{
  g_autofree char *folder = g_strdup_printf ("%" G_GINT64_FORMAT, folder_id);
  const char *argv[] = { self, "--find-html", folder, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("bench-window --find-html: %s", error->message);
  return g_ascii_strtoll (out, NULL, 10);
}

static void
html_shown_cb (TernUiMessageView *view, gint64 id, gpointer data)
{
  *(gint64 *) data = id;
}

int
main (int argc, char **argv)
{
  g_autoptr(TernUiApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  TernUiWindow *win;
  TernUiMessageList *list;
  gint64 folder_id, start, opened, scroll_start, scroll_end;
  guint frames = argc > 2 ? (guint) atoi (argv[2]) : 600;
  Scroll scroll = { 0, };
  guint tick;
  gboolean mail = FALSE, sync;
  long rss_open, rss_end;
  BenchMemory html;

  if (argc < 2)
    {
      g_printerr ("usage: bench-window FOLDER_ID [FRAMES] | bench-window --sync\n");
      return 2;
    }
  if (g_str_equal (argv[1], "--find-html") && argc > 2)
    {
      tern_engine_init ();
      g_print ("%" G_GINT64_FORMAT "\n", find_html_message (g_ascii_strtoll (argv[2], NULL, 10)));
      return 0;
    }
  sync = g_str_equal (argv[1], "--sync");
  folder_id = sync ? 0 : g_ascii_strtoll (argv[1], NULL, 10);
  g_setenv (TERN_UI_HTML_LOADER_ENV, TERN_BUILD_HTML_MODULE, FALSE);   /* the build's */
  gtk_init ();
  adw_init ();
  tern_engine_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  start = g_get_monotonic_time ();
  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  gtk_window_present (GTK_WINDOW (win));
  list = TERN_UI_MESSAGE_LIST (gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, "message_list"));
  g_signal_connect (list, "rows-painted", G_CALLBACK (painted_cb), NULL);
  /* (a timer wakes the loop: a store that cannot be opened sends nothing) */
  tick = g_timeout_add (100, wake_cb, NULL);
  while (!mail && g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC)
    {
      mail = tern_ui_application_get_mail (app) != NULL;
      g_main_context_iteration (NULL, !mail);
    }
  g_source_remove (tick);
  if (!mail)
    g_error ("the mail store did not open within 30 s");
  if (sync)
    return bench_sync (app, win, list, start);
  tern_ui_window_show_folder (win, folder_id);
  iterate_until (&painted, 60 * G_USEC_PER_SEC);
  opened = g_get_monotonic_time ();
  if (!painted)
    g_error ("the folder's rows were never painted");
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  rss_open = rss_kib ();

  /* The folder's newest HTML message shown (remote content blocked, as by default):
   * the memory of Tern, and of Tern with WebKit's processes. It stays shown while
   * the list scrolls. */
  {
    gint64 html_id = find_html_message_apart (argv[0], folder_id), shown = 0;
    TernUiMessageView *reader = TERN_UI_MESSAGE_VIEW (gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW,
                                                                                   "reader"));

    if (html_id == 0)
      g_error ("no HTML message among the folder's newest 2,000");
    g_signal_connect (reader, "body-shown", G_CALLBACK (html_shown_cb), &shown);
    /* (by id, as the window shows a selection: the list's rows are conversations,
     * and this message need not be its conversation's newest) */
    tern_ui_message_view_show_message_ids (reader, &html_id, 1, html_id);
    for (gint64 until = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; shown != html_id && g_get_monotonic_time () < until;)
      g_main_context_iteration (NULL, TRUE);
    if (shown != html_id)
      g_error ("the HTML message %" G_GINT64_FORMAT " was not shown within 60 s", html_id);
    for (gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC; g_get_monotonic_time () < until;)
      g_main_context_iteration (NULL, FALSE);
    bench_memory_read (&html, FALSE);
  }
  gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  scroll.adjustment = gtk_scrolled_window_get_vadjustment (tern_ui_message_list_get_scrolled_window (list));
  scroll.frames = frames;
  tick = g_timeout_add (5, tick_cb, NULL);
  scroll_start = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (GTK_WIDGET (tern_ui_message_list_get_list_view (list)), scroll_tick_cb, &scroll, NULL);
  iterate_until (&scroll.done, (gint64) 600 * G_USEC_PER_SEC);
  scroll_end = g_get_monotonic_time ();
  /* The last rows read and painted. */
  for (gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  rss_end = rss_kib ();

  g_print ("bench-window: scroll rows=%u open_ms=%.0f scroll_s=%.2f frames=%u fps=%.1f at_bottom=%s ",
           g_list_model_get_n_items (G_LIST_MODEL (tern_ui_message_list_get_selection (list))),
           (opened - start) / 1e3, (scroll_end - scroll_start) / 1e6, scroll.frame,
           scroll.frame / ((scroll_end - scroll_start) / 1e6),
           gtk_adjustment_get_value (scroll.adjustment) >=
             gtk_adjustment_get_upper (scroll.adjustment) - gtk_adjustment_get_page_size (scroll.adjustment) - 1 ? "yes" : "no");
  print_gaps ();
  g_print ("rss_open_mb=%.1f rss_html_mb=%.1f all_pss_html_mb=%.1f all_rss_html_mb=%.1f web_processes=%u rss_end_mb=%.1f\n",
           rss_open / 1024.0, html.self_rss_kib / 1024.0, html.pss_kib / 1024.0, html.rss_kib / 1024.0,
           html.web_processes, rss_end / 1024.0);
  gtk_widget_set_visible (GTK_WIDGET (win), FALSE);
  gtk_window_destroy (GTK_WINDOW (win));
  return 0;
}
