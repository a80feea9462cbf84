/* bench-account-assistant.c: how fast the account assistant gets to a filled review
 * page, and from "Finish" to the first headers on screen
 *
 * Run by bench-account-assistant.sh (under the test servers and tern-session, with
 * alice's Maildir seeded). In process, as the ui test drives it:
 *
 *   1. "Next" on the address page to a filled review page, for a provider of the
 *      shipped database (no network at all), ROUNDS times;
 *   2. the same through SRV records (a fake resolver) and probes of the harness's
 *      servers, then through probing alone (no SRV: the usual names, resolved to
 *      127.0.0.1, the standard ports mapped to the harness's);
 *   3. "Finish" (the settings tested) to the first frame painted with the new
 *      account's Inbox showing headers, for alice's seeded Inbox.
 *
 * The user's own time on a page is not counted: each "Next" is pressed as soon as the
 * page has what it shows (the ::page-ready signal).
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "tern-engine.h"
#include "tern-autoconfig-private.h"
#include "tern-ui-account-assistant.h"
#include "tern-ui-application.h"
#include "tern-ui-message-list.h"
#include "tern-ui-server-form.h"
#include "tern-ui-window.h"
#include "fake-resolver.h"

static TernUiApplication *app;
static TernUiWindow *win;
static TernUiAccountAssistant *assistant;
static char *last_ready;

static guint16
env_port (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run bench-account-assistant.sh", name);
  return (guint16) g_ascii_strtoull (value, NULL, 10);
}

static gboolean
ready_is (const char *page)
{
  return g_strcmp0 (last_ready, page) == 0;
}

static void
page_ready_cb (TernUiAccountAssistant *a, const char *page, gpointer data)
{
  g_free (last_ready);
  last_ready = g_strdup (page);
}

static gpointer
child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (assistant), TERN_UI_TYPE_ACCOUNT_ASSISTANT, name);

  g_assert_nonnull (object);
  return object;
}

static void
iterate_until (gboolean (*cond) (const char *), const char *arg, guint timeout_ms)
{
  gint64 until = g_get_monotonic_time () + timeout_ms * 1000;

  while (!cond (arg))
    {
      if (g_get_monotonic_time () > until)
        g_error ("timed out waiting for %s", arg);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* As the application does with the assistant it opens. */
static void
account_added_cb (TernUiAccountAssistant *a, TernMailAccount *account, gpointer data)
{
  tern_ui_window_show_account (win, account);
}

static void
open_assistant (TernAutoconfig *autoconfig)
{
  if (assistant != NULL)
    gtk_window_destroy (GTK_WINDOW (assistant));
  assistant = tern_ui_account_assistant_new (GTK_WINDOW (win), tern_ui_application_get_mail (app));
  if (autoconfig != NULL)
    tern_ui_account_assistant_set_autoconfig (assistant, autoconfig);
  g_signal_connect (assistant, "page-ready", G_CALLBACK (page_ready_cb), NULL);
  g_signal_connect (assistant, "account-added", G_CALLBACK (account_added_cb), NULL);
  gtk_window_present (GTK_WINDOW (assistant));
  while (!gtk_widget_get_mapped (GTK_WIDGET (assistant)))
    g_main_context_iteration (NULL, TRUE);
  g_clear_pointer (&last_ready, g_free);
}

/* Address page to filled review page; returns milliseconds. */
static double
to_review (const char *address, TernAutoconfig *autoconfig)
{
  gint64 start;

  open_assistant (autoconfig);
  gtk_editable_set_text (GTK_EDITABLE (child ("email_row")), address);
  gtk_editable_set_text (GTK_EDITABLE (child ("password_row")), g_getenv ("TERN_TEST_PASSWORD"));
  start = g_get_monotonic_time ();
  printf ("  (Finish clicked at %" G_GINT64_FORMAT " us; TERN_BENCH_MARKS=1 prints the window's marks)\n", start);
  g_signal_emit_by_name (child ("next_button"), "clicked");
  iterate_until (ready_is, "kind", 15000);
  g_signal_emit_by_name (child ("next_button"), "clicked");
  iterate_until (ready_is, "review", 1000);
  g_assert_true (*tern_ui_server_form_get_host (child ("incoming_form")) != '\0');
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
  printf ("%-44s median %8.1f ms  min %8.1f  max %8.1f  (%u runs)\n", what,
          g_array_index (times, double, times->len / 2), g_array_index (times, double, 0),
          g_array_index (times, double, times->len - 1), times->len);
  fflush (stdout);
}

static void
bench_detection (guint rounds)
{
  g_autoptr(GArray) ispdb = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) srv = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) guess = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(TernAutoconfig) guessing = tern_autoconfig_new ();
  const struct { guint16 standard; const char *env; } ports[] = {
    { 993, "TERN_TEST_IMAPS_PORT" }, { 143, "TERN_TEST_IMAP_PORT" }, { 995, "TERN_TEST_POP3S_PORT" },
    { 110, "TERN_TEST_POP3_PORT" }, { 465, "TERN_TEST_SUBMISSION_PORT" }, { 587, "TERN_TEST_SUBMISSION_PORT" },
    { 25, "TERN_TEST_SMTP_PORT" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    _tern_autoconfig_set_port_override (guessing, ports[i].standard, env_port (ports[i].env));
  for (guint r = 0; r < rounds; r++)
    {
      double ms = to_review ("someone@gmail.com", NULL);

      g_array_append_val (ispdb, ms);
      ms = to_review ("alice@tern.test", NULL);
      g_array_append_val (srv, ms);
      ms = to_review ("alice@guess.test", guessing);
      g_array_append_val (guess, ms);
    }
  report ("Next to review: provider database (gmail.com)", ispdb);
  report ("Next to review: SRV + probes (tern.test)", srv);
  report ("Next to review: probing alone (guess.test)", guess);
}

static guint n_painted;

static void
after_paint_cb (GdkFrameClock *clock, gpointer data)
{
  GListModel *rows = G_LIST_MODEL (tern_ui_message_list_get_selection (
    TERN_UI_MESSAGE_LIST (gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, "message_list"))));

  if (g_list_model_get_n_items (rows) > 0)
    n_painted++;
}

static gboolean
painted (const char *unused)
{
  return n_painted > 0;
}

static void
bench_first_headers (void)
{
  GdkFrameClock *clock;
  gint64 start;
  gulong id;

  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  to_review ("alice@tern.test", NULL);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (child ("incoming_form")),
                                                                      TERN_UI_TYPE_SERVER_FORM, "user_row")), "alice");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (child ("outgoing_form")),
                                                                      TERN_UI_TYPE_SERVER_FORM, "user_row")), "alice");
  g_signal_emit_by_name (child ("next_button"), "clicked");
  iterate_until (ready_is, "test", 30000);
  g_assert_cmpstr (gtk_label_get_text (child ("next_label")), ==, "Finish");

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (win));
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
  start = g_get_monotonic_time ();
  g_signal_emit_by_name (child ("next_button"), "clicked");
  while (!painted (NULL))
    {
      gtk_widget_queue_draw (GTK_WIDGET (win));
      g_main_context_iteration (NULL, TRUE);
      /* Where the time goes: the steps as the window sees them. */
      {
        static gboolean added, in_list;
        static int state = -1;
        TernMail *mail = tern_ui_application_get_mail (app);
        TernMailAccount *account = mail != NULL ? tern_mail_lookup_account (mail, "alice@tern.test") : NULL;
        GListModel *rows = G_LIST_MODEL (tern_ui_message_list_get_selection (
          TERN_UI_MESSAGE_LIST (gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, "message_list"))));
        double ms = (g_get_monotonic_time () - start) / 1000.0;

        if (account != NULL && !added)
          {
            added = TRUE;
            printf ("  step: account added                      %8.1f ms\n", ms);
          }
        if (account != NULL && (int) tern_mail_account_get_state (account) != state)
          {
            state = tern_mail_account_get_state (account);
            printf ("  step: account state %d                    %8.1f ms\n", state, ms);
          }
        if (!in_list && g_list_model_get_n_items (rows) > 0)
          {
            in_list = TRUE;
            printf ("  step: rows in the list model (%u)        %8.1f ms\n", g_list_model_get_n_items (rows), ms);
          }
      }
      if (g_get_monotonic_time () - start > 60 * G_USEC_PER_SEC)
        {
          TernMail *mail = tern_ui_application_get_mail (app);
          TernMailAccount *account = tern_mail_lookup_account (mail, "alice@tern.test");

          g_error ("no headers painted within 60 s (%u windows; alice: %s, state %d, %s)",
                   g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))),
                   account != NULL ? "added" : "not added", account != NULL ? (int) tern_mail_account_get_state (account) : -1,
                   account != NULL && tern_mail_account_get_error (account) != NULL
                     ? tern_mail_account_get_error (account)->message : "no error");
        }
    }
  g_signal_handler_disconnect (clock, id);
  assistant = NULL;
  printf ("%-44s %8.1f ms\n", "Finish to first headers painted", (g_get_monotonic_time () - start) / 1000.0);
  fflush (stdout);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) harness = NULL;
  FakeResolver *resolver;
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 5;

  gtk_init ();
  adw_init ();
  tern_engine_init ();
  resolver = fake_resolver_new ();
  fake_resolver_add_host (resolver, "localhost", "127.0.0.1");
  fake_resolver_add_host (resolver, "imap.guess.test", "127.0.0.1");
  fake_resolver_add_host (resolver, "smtp.guess.test", "127.0.0.1");
  fake_resolver_add_srv (resolver, "_imaps._tcp.tern.test", 0, 1, env_port ("TERN_TEST_IMAPS_PORT"), "localhost");
  fake_resolver_add_srv (resolver, "_submission._tcp.tern.test", 0, 1, env_port ("TERN_TEST_SUBMISSION_PORT"),
                         "localhost");
  g_resolver_set_default (G_RESOLVER (resolver));
  harness = g_tls_file_database_new (g_getenv ("TERN_TEST_CA_CERT"), &error);
  g_assert_no_error (error);
  g_tls_backend_set_default_database (g_tls_backend_get_default (), harness);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  gtk_window_present (GTK_WINDOW (win));
  /* The first start opens an assistant of its own: wait for it, and close it. */
  while (tern_ui_application_get_mail (app) == NULL || g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))) < 2)
    g_main_context_iteration (NULL, TRUE);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TERN_UI_IS_ACCOUNT_ASSISTANT (l->data))
      {
        gtk_window_destroy (l->data);
        break;
      }

  bench_detection (rounds);
  bench_first_headers ();
  printf ("load average %s", "");
  {
    g_autofree char *load = NULL;

    g_file_get_contents ("/proc/loadavg", &load, NULL, NULL);
    printf ("%s", load != NULL ? load : "?\n");
  }
  tern_mail_stop (tern_ui_application_get_mail (app));
  return 0;
}
