/* bench-composer.c: how fast the composer opens a reply, and how little UI time sending
 * takes (a benchmark program, not a test: see bench-composer.sh)
 *
 * 1. Reply to a 1 MB HTML message (its body in the store): from win.reply to the cursor
 *    in the composer's body (the composer ready, its text view focused), and to the
 *    first frame painted after that; the UI thread's CPU time meanwhile (the quote is
 *    built on a worker). ROUNDS times; min, median, p90, max. Then the anchor: a bare
 *    AdwWindow with a GtkTextView filled with the same text, the floor GTK sets.
 * 2. Send N messages from the composer's send path (composer.send: the checks, the
 *    window going, the engine's queue on a worker, the callback): the UI thread's CPU
 *    time per message until it is in the outbox (CLOCK_THREAD_CPUTIME_ID: on a loaded
 *    machine wall time is mostly waiting for a core), the Send action's own wall time,
 *    and the wall time until in the outbox. The same with a 1 MB attachment.
 *
 * With TERN_BENCH_STOP_MAIL=1 the accounts are stopped after their first sync, so that
 * the outbox does not look at or send the queued messages meanwhile.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "tern-engine.h"
#include "tern-mail.h"
#include "tern-ui-application.h"
#include "tern-ui-attachment-list.h"
#include "tern-ui-composer.h"
#include "tern-ui-message-list.h"
#include "tern-ui-window.h"

static TernUiApplication *app;
static TernUiWindow *win;

/* The UI thread's CPU time: what it spent, whatever else the main loop did meanwhile. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* ---- helpers --------------------------------------------------------------------------- */

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!cond (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return cond (data);
}

static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
mail_loaded (gpointer data)
{
  return tern_ui_application_get_mail (app) != NULL;
}

static gboolean
not_syncing (gpointer data)
{
  return !tern_ui_application_get_syncing (app);
}

static TernUiComposer *
newest_composer (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TERN_UI_IS_COMPOSER (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
cursor_in_body (gpointer data)
{
  TernUiComposer *composer = newest_composer ();
  GObject *body;

  if (composer == NULL || composer == data || !tern_ui_composer_get_ready (composer))
    return FALSE;
  body = gtk_widget_get_template_child (GTK_WIDGET (composer), TERN_UI_TYPE_COMPOSER, "body_view");
  return gtk_root_get_focus (GTK_ROOT (composer)) == GTK_WIDGET (body);
}

static gboolean
composer_ready (gpointer data)
{
  TernUiComposer *composer = newest_composer ();

  return composer != NULL && composer != data && tern_ui_composer_get_ready (composer);
}

static void
painted_cb (GdkFrameClock *clock, gpointer data)
{
  *(gint64 *) data = g_get_monotonic_time ();
}

static gboolean
painted (gpointer data)
{
  return *(gint64 *) data != 0;
}

static gboolean
gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *what, GArray *values, const char *unit)
{
  g_array_sort (values, compare_doubles);
  printf ("%s: min %.1f, median %.1f, p90 %.1f, max %.1f %s (n=%u)\n", what, g_array_index (values, double, 0),
          g_array_index (values, double, values->len / 2), g_array_index (values, double, values->len * 9 / 10),
          g_array_index (values, double, values->len - 1), unit, values->len);
}

/* ---- 1. reply to a 1 MB HTML message ----------------------------------------------------- */

static gint64 big_id;
static char *reply_text;

static gboolean
big_found (gpointer data)
{
  TernUiMessageList *list = TERN_UI_MESSAGE_LIST (gtk_widget_get_template_child (GTK_WIDGET (win),
                                                                                 TERN_UI_TYPE_WINDOW,
                                                                                 "message_list"));
  GListModel *model = G_LIST_MODEL (tern_ui_message_list_get_selection (list));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (TERN_IS_STORE_MESSAGE (item) && tern_store_message_is_loaded (TERN_STORE_MESSAGE (item)) &&
          g_strcmp0 (tern_store_message_get_subject (TERN_STORE_MESSAGE (item)), "A big HTML newsletter") == 0)
        {
          big_id = tern_store_message_get_id (TERN_STORE_MESSAGE (item));
          tern_ui_id_selection_select_id (tern_ui_message_list_get_selection (list), big_id, TRUE);
          return TRUE;
        }
    }
  return FALSE;
}

static void
bench_reply (guint rounds)
{
  g_autoptr(GArray) to_cursor = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) to_frame = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_time = g_array_new (FALSE, FALSE, sizeof (double));

  g_assert_true (wait_until (big_found, NULL, 60000));
  settle (500);
  for (guint round = 0; round < rounds + 1; round++)
    {
      TernUiComposer *before = newest_composer ();
      TernUiComposer *composer;
      gint64 start, ready, frame = 0, cpu;
      gulong id;
      gpointer weak;
      double cursor_ms, frame_ms, cpu_ms;

      cpu = thread_cpu_us ();
      start = g_get_monotonic_time ();
      gtk_widget_activate_action (GTK_WIDGET (win), "win.reply", NULL);
      g_assert_true (wait_until (cursor_in_body, before, 30000));
      ready = g_get_monotonic_time ();
      cpu_ms = (thread_cpu_us () - cpu) / 1000.0;
      composer = newest_composer ();
      id = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (composer)), "after-paint",
                             G_CALLBACK (painted_cb), &frame);
      gtk_widget_queue_draw (GTK_WIDGET (composer));
      g_assert_true (wait_until (painted, &frame, 10000));
      g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (composer)), id);
      cursor_ms = (ready - start) / 1000.0;
      frame_ms = (frame - start) / 1000.0;
      /* The first round warms the caches (the HTML parser, the fonts): not counted. */
      if (round > 0)
        {
          g_array_append_val (to_cursor, cursor_ms);
          g_array_append_val (to_frame, frame_ms);
          g_array_append_val (cpu_time, cpu_ms);
        }
      else
        {
          GtkTextView *view = GTK_TEXT_VIEW (gtk_widget_get_template_child (GTK_WIDGET (composer),
                                                                            TERN_UI_TYPE_COMPOSER, "body_view"));
          GtkTextIter begin, end;

          gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (view), &begin, &end);
          g_free (reply_text);
          reply_text = gtk_text_buffer_get_text (gtk_text_view_get_buffer (view), &begin, &end, FALSE);
        }
      weak = composer;
      g_object_add_weak_pointer (G_OBJECT (composer), &weak);
      gtk_widget_activate_action (GTK_WIDGET (composer), "composer.discard", NULL);
      g_assert_true (wait_until (gone, &weak, 10000));
      settle (200);
    }
  report ("reply to a 1 MB HTML message, win.reply to the cursor in the body", to_cursor, "ms");
  report ("  ... to the first frame painted after", to_frame, "ms");
  report ("  ... the UI thread's CPU time", cpu_time, "ms");
}

/* ---- the anchor: what GTK itself takes for the same text -------------------------------- */

static gboolean
focused (gpointer data)
{
  return gtk_widget_has_focus (GTK_WIDGET (data)) && gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* A bare AdwWindow with a GtkTextView in a GtkScrolledWindow, made, shown and filled
 * with the same reply text, focused: the floor under the composer's figure, in the same
 * run (these machines are noisy; the ratio means more than the milliseconds). */
static void
bench_anchor (guint rounds)
{
  g_autoptr(GArray) to_cursor = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) to_frame = g_array_new (FALSE, FALSE, sizeof (double));

  g_assert_nonnull (reply_text);
  for (guint round = 0; round < rounds + 1; round++)
    {
      GtkWidget *window, *scrolled, *view;
      gint64 start, ready, frame = 0;
      GtkTextIter iter;
      gulong id;
      double cursor_ms, frame_ms;

      start = g_get_monotonic_time ();
      window = adw_window_new ();
      gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
      scrolled = gtk_scrolled_window_new ();
      view = gtk_text_view_new ();
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
      adw_window_set_content (ADW_WINDOW (window), scrolled);
      gtk_window_present (GTK_WINDOW (window));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), reply_text, -1);
      gtk_text_buffer_get_start_iter (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &iter);
      gtk_text_buffer_place_cursor (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), &iter);
      gtk_widget_grab_focus (view);
      g_assert_true (wait_until (focused, view, 10000));
      ready = g_get_monotonic_time ();
      id = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (painted_cb), &frame);
      gtk_widget_queue_draw (window);
      g_assert_true (wait_until (painted, &frame, 10000));
      g_signal_handler_disconnect (gtk_widget_get_frame_clock (window), id);
      cursor_ms = (ready - start) / 1000.0;
      frame_ms = (frame - start) / 1000.0;
      if (round > 0)
        {
          g_array_append_val (to_cursor, cursor_ms);
          g_array_append_val (to_frame, frame_ms);
        }
      gtk_window_destroy (GTK_WINDOW (window));
      settle (200);
    }
  report ("anchor: a bare AdwWindow + GtkTextView with the same text, to focus", to_cursor, "ms");
  report ("  ... to the first frame painted after", to_frame, "ms");
}

static gboolean
attached (gpointer data)
{
  TernUiAttachmentList *list = TERN_UI_ATTACHMENT_LIST (gtk_widget_get_template_child (GTK_WIDGET (data),
                                                                                       TERN_UI_TYPE_COMPOSER,
                                                                                       "attachments"));

  return tern_ui_attachment_list_get_n_attachments (list) == 1 && !tern_ui_attachment_list_get_loading (list);
}

/* ---- 2. send N messages from the composer ------------------------------------------------- */

static void
bench_send (guint n, gsize attachment_size)
{
  g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) sync_part = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_part = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) at = g_array_new (FALSE, FALSE, sizeof (double));   /* s since the first send */
  gint64 first = 0;
  g_autofree char *dir = g_dir_make_tmp ("tern-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "attachment.bin", NULL);
  TernMail *mail = tern_ui_application_get_mail (app);

  if (attachment_size > 0)
    {
      g_autofree char *data = g_malloc (attachment_size);

      for (gsize i = 0; i < attachment_size; i++)
        data[i] = (char) (i * 131 + (i >> 7));
      g_assert_true (g_file_set_contents (path, data, attachment_size, NULL));
    }
  for (guint i = 0; i < n; i++)
    {
      TernUiComposer *before = newest_composer ();
      TernUiComposer *composer;
      g_autofree char *subject = g_strdup_printf ("Bench message %u", i);
      GtkTextBuffer *buffer;
      gint64 start, returned, done, cpu;
      gpointer weak;
      double wall_ms, sync_ms, cpu_ms;

      gtk_widget_activate_action (GTK_WIDGET (win), "win.compose", NULL);
      g_assert_true (wait_until (composer_ready, before, 10000));
      composer = newest_composer ();
      gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (composer),
                                                                          TERN_UI_TYPE_COMPOSER, "to_entry")),
                             "Bob Builder <bob@tern.test>, carol@tern.test");
      gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (composer),
                                                                          TERN_UI_TYPE_COMPOSER, "subject_entry")),
                             subject);
      buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (gtk_widget_get_template_child (GTK_WIDGET (composer),
                                                                                       TERN_UI_TYPE_COMPOSER,
                                                                                       "body_view")));
      gtk_text_buffer_set_text (buffer, "Hello Bob,\n\nthis is one of the messages of the benchmark, long enough "
                                        "to be wrapped by format=flowed, with a few words: Grüße, 東京.\n", -1);
      if (attachment_size > 0)
        {
          g_autoptr(GFile) file = g_file_new_for_path (path);
          GList *files = g_list_append (NULL, file);

          tern_ui_composer_add_files (composer, files);
          g_list_free (files);
          g_assert_true (wait_until (attached, composer, 10000));
        }
      settle (20);

      weak = composer;
      g_object_add_weak_pointer (G_OBJECT (composer), &weak);
      cpu = thread_cpu_us ();
      start = g_get_monotonic_time ();
      if (first == 0)
        first = start;
      gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL);
      returned = g_get_monotonic_time ();
      /* In the outbox: the engine's callback destroys the composer. */
      g_assert_true (wait_until (gone, &weak, 30000));
      done = g_get_monotonic_time ();
      cpu_ms = (thread_cpu_us () - cpu) / 1000.0;
      wall_ms = (done - start) / 1000.0;
      sync_ms = (returned - start) / 1000.0;
      g_array_append_val (wall, wall_ms);
      g_array_append_val (sync_part, sync_ms);
      g_array_append_val (cpu_part, cpu_ms);
      {
        double at_s = (start - first) / (double) G_USEC_PER_SEC;

        g_array_append_val (at, at_s);
      }
    }
  if (attachment_size > 0)
    printf ("sending %u messages with a %zu kB attachment from the composer:\n", n, attachment_size / 1024);
  else
    printf ("sending %u messages from the composer:\n", n);
  report ("  UI thread's CPU time until in the outbox", cpu_part, "ms");
  {
    GString *over = g_string_new (NULL);

    for (guint i = 0; i < cpu_part->len; i++)
      if (g_array_index (cpu_part, double, i) > 20.0)
        g_string_append_printf (over, " #%u %.1f (at %.0f s)", i + 1, g_array_index (cpu_part, double, i),
                                g_array_index (at, double, i));
    printf ("    over 20 ms of UI time:%s\n", over->len > 0 ? over->str : " none");
    printf ("    the last send started %.0f s after the first\n", g_array_index (at, double, at->len - 1));
    g_string_free (over, TRUE);
  }
  report ("  the Send action's own wall time (checks, window gone, queued to a worker)", sync_part, "ms");
  report ("  wall time until in the outbox (the worker's build and commit)", wall, "ms");
  {
    g_autoptr(TernMailAccount) account = g_list_model_get_item (tern_mail_get_accounts (mail), 0);
    printf ("  outbox now holds %u messages\n", tern_mail_account_get_outbox_count (account));
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 11;
  guint n = argc > 2 ? (guint) atoi (argv[2]) : 100;

  gtk_init ();
  adw_init ();
  tern_engine_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  gtk_window_present (GTK_WINDOW (win));
  g_assert_true (wait_until (mail_loaded, NULL, 30000));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  settle (200);
  g_assert_true (wait_until (not_syncing, NULL, 300000));
  g_settings_set_boolean (tern_ui_application_get_settings (app), "conversations", FALSE);
  /* TERN_BENCH_STOP_MAIL=1: the accounts stopped after the first sync, so that the
   * outbox neither looks at nor sends what is queued (its work apart from the send's). */
  if (g_strcmp0 (g_getenv ("TERN_BENCH_STOP_MAIL"), "1") == 0)
    {
      tern_mail_stop (tern_ui_application_get_mail (app));
      printf ("(the accounts stopped: the outbox is not flushed while the bench runs)\n");
    }
  /* The outbox keeps them (nothing is due) while the bench runs. */
  g_settings_set_int (tern_ui_application_get_settings (app), "undo-send-delay", 60);

  bench_reply (rounds);
  bench_anchor (rounds);
  bench_send (n, 0);
  bench_send (MAX (n / 10, 1), 1024 * 1024);

  g_free (reply_text);
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return 0;
}
