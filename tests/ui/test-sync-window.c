/* test-sync-window.c: the GUI syncs an account off the UI thread
 *
 * Run by test-sync-window.sh, which configures an IMAP account on the harness's
 * Dovecot (XDG dirs, password command) holding TERN_EXPECT_MESSAGES messages in
 * INBOX. In process, under Xvfb: the application's sync action runs the engine's
 * TernMail; the test checks that the store ends up with every message, that
 * progress and store changes arrive on the UI thread and show under the window
 * title, and measures how long the UI thread's main loop ever went without running
 * a 5 ms timer (reported, not asserted: performance is for the benchmarks; see
 * tests/bench/bench-ui-sync.sh).
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "tern-engine.h"
#include "tern-store-db.h"
#include "tern-store-changes.h"
#include "tern-mail.h"
#include "tern-ui-application.h"
#include "tern-ui-window.h"
#include "ui-screenshot.h"

static TernUiApplication *app;
static TernUiWindow *win;
static GThread *ui_thread;

static guint n_progress, n_progress_off_thread, n_changed, n_changed_off_thread;
static gboolean saw_subtitle;

/* the main loop's pulse */
static gint64 last_tick;
static GArray *gaps;   /* gint64 µs between ticks */

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

static GtkWidget *
template_child (const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static void
progress_cb (TernMailAccount *account, GParamSpec *pspec, gpointer user_data)
{
  const char *subtitle;

  n_progress++;
  if (g_thread_self () != ui_thread)
    n_progress_off_thread++;
  /* The application's handler ran first (connected first): the window shows it. */
  subtitle = adw_window_title_get_subtitle (ADW_WINDOW_TITLE (template_child ("window_title")));
  if (subtitle != NULL && g_str_has_prefix (subtitle, tern_mail_account_get_email (account)))
    saw_subtitle = TRUE;
}

static void
changed_cb (TernStore *store, TernStoreChanges *changes, gpointer source, gpointer user_data)
{
  n_changed++;
  if (g_thread_self () != ui_thread)
    n_changed_off_thread++;
}

static int
compare_gaps (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
screenshot (const char *name)
{
  g_autofree char *path = ui_screenshot_save (adw_application_window_get_content (ADW_APPLICATION_WINDOW (win)), name);

  g_test_message ("screenshot %s: %s", name, path != NULL ? path : "nothing drawn yet");
}

static void
test_sync (void)
{
  TernMail *mail;
  GListModel *accounts;
  guint expected = (guint) g_ascii_strtoull (g_getenv ("TERN_EXPECT_MESSAGES"), NULL, 10);
  GtkStack *stack = GTK_STACK (template_child ("main_stack"));
  g_autofree char *store_path = tern_store_db_get_default_path ();
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed, max_gap = 0, p99 = 0;
  guint inbox_total = 0, tick;
  gboolean shot = FALSE;
  gint64 start_wait = g_get_monotonic_time ();

  g_assert_cmpuint (expected, >, 0);
  /* the window on screen first, as a person starts it */
  while (!gtk_widget_get_mapped (GTK_WIDGET (win)) && g_get_monotonic_time () - start_wait < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (win)));
  /* the engine loaded (off the UI thread) */
  while (tern_ui_application_get_mail (app) == NULL && g_get_monotonic_time () - start_wait < 10 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);
  mail = tern_ui_application_get_mail (app);
  g_assert_nonnull (mail);
  accounts = tern_mail_get_accounts (mail);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 1);
  {
    g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, 0);
    g_signal_connect (account, "notify::status", G_CALLBACK (progress_cb), NULL);
  }
  g_signal_connect (tern_mail_get_store (mail), "changes-committed", G_CALLBACK (changed_cb), NULL);

  gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  start = g_get_monotonic_time ();
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "sync"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (tern_ui_application_get_syncing (app));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "mail");
  g_assert_false (gtk_widget_get_sensitive (template_child ("sync_button")));
  g_assert_true (gtk_widget_get_visible (template_child ("sync_spinner")));

  /* A busy UI thread first (not iterating its loop): the worker's reports must wait
   * for the loop, never run on the worker. */
  g_usleep (50 * 1000);

  tick = g_timeout_add (5, tick_cb, NULL);
  while (tern_ui_application_get_syncing (app) && g_get_monotonic_time () - start < 900 * G_USEC_PER_SEC)
    {
      g_main_context_iteration (NULL, TRUE);
      if (!shot && n_progress > 3)
        {
          gtk_widget_queue_draw (GTK_WIDGET (win));
          screenshot ("tern-sync-window-progress.png");
          shot = TRUE;
        }
    }
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (tick);
  /* the last reports queued before the end */
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  g_assert_false (tern_ui_application_get_syncing (app));
  g_assert_cmpuint (n_progress, >, 0);
  g_assert_cmpuint (n_progress_off_thread, ==, 0);
  g_assert_cmpuint (n_changed, >, 0);
  g_assert_cmpuint (n_changed_off_thread, ==, 0);
  g_assert_true (saw_subtitle);
  g_assert_cmpstr (adw_window_title_get_subtitle (ADW_WINDOW_TITLE (template_child ("window_title"))), ==,
                   "Up to date");
  g_assert_true (gtk_widget_get_sensitive (template_child ("sync_button")));
  g_assert_false (gtk_widget_get_visible (template_child ("sync_spinner")));
  gtk_widget_queue_draw (GTK_WIDGET (win));
  for (gint64 until = g_get_monotonic_time () + 300 * 1000; g_get_monotonic_time () < until;)
    g_main_context_iteration (NULL, FALSE);
  screenshot ("tern-sync-window.png");

  db = tern_store_db_open (store_path, &error);
  g_assert_no_error (error);
  folders = tern_store_db_list_folders (db, 0, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < folders->len; i++)
    if (g_strcmp0 (tern_store_folder_get_path (g_ptr_array_index (folders, i)), "INBOX") == 0)
      inbox_total = tern_store_folder_get_total (g_ptr_array_index (folders, i));
  g_assert_cmpuint (inbox_total, ==, expected);

  if (gaps->len > 0)
    {
      g_array_sort (gaps, compare_gaps);
      max_gap = g_array_index (gaps, gint64, gaps->len - 1);
      p99 = g_array_index (gaps, gint64, (gaps->len * 99) / 100);
    }
  g_test_message ("sync of %u messages through the GUI: %.2f s; %u progress reports, %u change batches; "
                  "UI main loop: %u ticks of a 5 ms timer, longest gap %.1f ms, 99th percentile %.1f ms",
                  expected, elapsed / 1e6, n_progress, n_changed, gaps->len, max_gap / 1e3, p99 / 1e3);
  g_print ("# ui-stall max_ms=%.1f p99_ms=%.1f ticks=%u sync_s=%.2f messages=%u\n",
           max_gap / 1e3, p99 / 1e3, gaps->len, elapsed / 1e6, expected);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-sync-window");
  tern_engine_init ();
  ui_webkit_warm_up ();
  ui_thread = g_thread_self ();

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 960, 640);
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/sync/worker", test_sync);
  ret = g_test_run ();
  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return ret;
}
