/* test-account-assistant.c: the account assistant driven as a person would, in
 * process, under Xvfb, against the harness's Dovecot and Postfix
 *
 * Run by test-account-assistant.sh (which fills the mailboxes and, afterwards, greps
 * every file of the session for the password). Detection goes through a fake
 * resolver (the SRV records of tern.test and pop-only.test point at the harness's
 * ports); the harness's self-signed certificate is trusted through a TLS database
 * holding it, like a provider's certificate signed by a known authority, except in
 * the certificate scenario, where it is what it is: self-signed.
 *
 * Modes (TERN_TEST_MODE):
 *   keyring           the first start opens the assistant: an IMAP account; then a
 *                     POP3 account (the provider offers only POP3); then a wrong
 *                     password, a refused port and a self-signed certificate, each in
 *                     the diagnosis' words, the certificate trusted, the account saved
 *   nokeyring-setup   no Secret Service: the assistant says so and keeps the password
 *                     in memory ("Ask for the Password When Tern Starts")
 *   nokeyring-restart the next start: the password is asked, by itself
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <gtk/gtk.h>
#include <adwaita.h>
#include <libsecret/secret.h>

#include "tern-engine.h"
#include "tern-account-manager.h"
#include "tern-credentials.h"
#include "tern-mail.h"
#include "tern-net-error.h"
#include "tern-imap-error.h"
#include "tern-ui-account-assistant.h"
#include "tern-ui-account-settings.h"
#include "tern-ui-application.h"
#include "tern-ui-message-list.h"
#include "tern-ui-server-form.h"
#include "tern-ui-sidebar.h"
#include "tern-ui-window.h"
#include "fake-resolver.h"
#include "ui-screenshot.h"

static TernUiApplication *app;
static TernUiWindow *win;
static TernUiAccountAssistant *assistant;
static GTlsDatabase *system_db;
static GTlsDatabase *harness_db;
static char *last_ready;
static const char *password;

/* ---- helpers ------------------------------------------------------------------------ */

static const char *
env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run under tests/servers/tern-test-servers", name);
  return value;
}

static guint16
env_port (const char *name)
{
  return (guint16) g_ascii_strtoull (env (name), NULL, 10);
}

static gpointer
child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (assistant), TERN_UI_TYPE_ACCOUNT_ASSISTANT, name);

  g_assert_nonnull (object);
  return object;
}

static gpointer
form_child (const char *form, const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (child (form)), TERN_UI_TYPE_SERVER_FORM, name);

  g_assert_nonnull (object);
  return object;
}

static gpointer
window_child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static void
screenshot (GtkWidget *widget, const char *name)
{
  g_autofree char *path = NULL;

  ui_settle (150);
  for (guint i = 0; i < 50 && (path = ui_screenshot_save (widget, name)) == NULL; i++)
    {
      gtk_widget_queue_draw (widget);
      ui_settle (100);
    }
  g_assert_nonnull (path);
  g_test_message ("screenshot: %s", path);
}

static void
shoot_assistant (const char *name)
{
  screenshot (adw_window_get_content (ADW_WINDOW (assistant)), name);
}

static TernUiAccountAssistant *
find_assistant (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TERN_UI_IS_ACCOUNT_ASSISTANT (l->data))
      return l->data;
  return NULL;
}

static gboolean
assistant_open (gpointer data)
{
  TernUiAccountAssistant *found = find_assistant ();

  return found != NULL && gtk_widget_get_mapped (GTK_WIDGET (found));
}

static gboolean
assistant_closed (gpointer data)
{
  return find_assistant () == NULL;
}

static void
page_ready_cb (TernUiAccountAssistant *a, const char *page, gpointer data)
{
  g_free (last_ready);
  last_ready = g_strdup (page);
}

static gboolean
ready_is (gpointer page)
{
  return g_strcmp0 (last_ready, page) == 0;
}

static void
take_assistant (void)
{
  g_assert_true (ui_wait_until (assistant_open, NULL, 10000));
  assistant = find_assistant ();
  g_clear_pointer (&last_ready, g_free);
  g_signal_connect (assistant, "page-ready", G_CALLBACK (page_ready_cb), NULL);
}

static const char *
page (void)
{
  return tern_ui_account_assistant_get_page (assistant);
}

/* A click: what the mouse's release on a button emits (gtk_widget_activate() would
 * emit it only after the button's pressed look has shown for a while). */
static void
click (gpointer button)
{
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
}

/* "Next" (or Test, Finish, Try Again) as a person clicks it: nothing happens when the
 * button is insensitive. */
static void
click_next (void)
{
  GtkWidget *next = child ("next_button");

  g_assert_true (gtk_widget_is_sensitive (next));
  click (next);
}

static const char *
next_label (void)
{
  return gtk_label_get_text (child ("next_label"));
}

static void
type (gpointer editable, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

/* Every row of a list, an expander's included. */
static gboolean
subtitle_has (AdwActionRow *row, const char *words)
{
  const char *subtitle = adw_action_row_get_subtitle (row);

  if (subtitle == NULL || strstr (subtitle, words) == NULL)
    {
      g_test_message ("subtitle “%s” lacks “%s”", subtitle != NULL ? subtitle : "", words);
      return FALSE;
    }
  return TRUE;
}

static const char *
diagnosis_title (const GError *error)
{
  static GPtrArray *keep;
  TernDiagnosis *diagnosis = tern_diagnosis_new_from_error (error, "localhost", 1);

  if (keep == NULL)
    keep = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (keep, diagnosis);
  return tern_diagnosis_get_title (diagnosis);
}

static AdwMessageDialog *
find_dialog (const char *heading_part)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), heading_part) != NULL)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer heading_part)
{
  return find_dialog (heading_part) != NULL;
}

static GtkWidget *
find_widget (GtkWidget *root, GType type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The keyboard reaches every control; every control and row has a name. */
static void
check_names (GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      if (gtk_widget_get_visible (c) &&
          (GTK_IS_BUTTON (c) || GTK_IS_CHECK_BUTTON (c) || GTK_IS_SWITCH (c) || GTK_IS_SPIN_BUTTON (c) ||
           GTK_IS_LIST_BOX_ROW (c)))
        {
          const char *label = NULL;

          if (ADW_IS_PREFERENCES_ROW (c))
            label = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c));
          else if (GTK_IS_BUTTON (c))
            label = gtk_button_get_label (GTK_BUTTON (c));
          if (label == NULL || *label == '\0')
            {
              /* Named through its accessibility label, then (GTK_A11Y=test). */
              if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_PROPERTY_LABEL) &&
                  !gtk_test_accessible_has_relation (GTK_ACCESSIBLE (c), GTK_ACCESSIBLE_RELATION_LABELLED_BY) &&
                  !GTK_IS_SPIN_BUTTON (gtk_widget_get_parent (c)))
                {
                  /* A button whose child is a label (Next) names itself by it. */
                  GtkWidget *text = find_widget (c, GTK_TYPE_LABEL);

                  if (text == NULL || *gtk_label_get_text (GTK_LABEL (text)) == '\0')
                    g_error ("a %s has no accessible name", G_OBJECT_TYPE_NAME (c));
                }
            }
        }
      check_names (c);
    }
}

/* ---- the account, once saved ------------------------------------------------------------ */

static const SecretSchema *
schema (void)
{
  static const SecretSchema s = {
    .name = "io.github.ternmail.Tern.Password",
    .flags = SECRET_SCHEMA_NONE,
    .attributes = { { "account", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  };
  return &s;
}

static char *
keyring_password (const char *address)
{
  g_autoptr(GError) error = NULL;
  char *secret = secret_password_lookup_sync (schema (), NULL, &error, "account", address, NULL);

  g_assert_no_error (error);
  return secret;
}

static TernAccount *
saved_account (const char *address)
{
  g_autofree char *path = tern_account_manager_get_default_path ();
  g_autoptr(TernAccountManager) manager = tern_account_manager_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TernAccount *account;

  g_assert_true (tern_account_manager_load (manager, &error));
  g_assert_no_error (error);
  account = tern_account_manager_lookup (manager, address);
  g_assert_nonnull (account);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, password));
  return g_object_ref (account);
}

typedef struct
{
  const char *address;
  guint       n;
} Inbox;

/* The window shows the account's Inbox with all its messages. */
static gboolean
inbox_filled (gpointer data)
{
  Inbox *inbox = data;
  TernUiSidebarItem *item = tern_ui_sidebar_get_selected_item (window_child ("sidebar"));
  TernStoreFolder *folder = item != NULL ? tern_ui_sidebar_item_get_folder (item) : NULL;
  TernMail *mail = tern_ui_application_get_mail (app);
  TernMailAccount *account = tern_mail_lookup_account (mail, inbox->address);
  GListModel *rows = G_LIST_MODEL (tern_ui_message_list_get_selection (window_child ("message_list")));

  return folder != NULL && account != NULL &&
         tern_store_folder_get_account_id (folder) == tern_mail_account_get_store_id (account) &&
         g_strcmp0 (tern_store_folder_get_path (folder), "INBOX") == 0 && g_list_model_get_n_items (rows) == inbox->n;
}

static void
assert_inbox (const char *address, guint n, const char *shot)
{
  Inbox inbox = { address, n };

  if (!ui_wait_until (inbox_filled, &inbox, 60000))
    {
      TernMailAccount *account = tern_mail_lookup_account (tern_ui_application_get_mail (app), address);

      TernUiSidebarItem *item = tern_ui_sidebar_get_selected_item (window_child ("sidebar"));
      TernStoreFolder *folder = item != NULL ? tern_ui_sidebar_item_get_folder (item) : NULL;

      g_error ("the Inbox of %s was not shown with %u messages but %u of %s (state %d, %s)", address, n,
               g_list_model_get_n_items (G_LIST_MODEL (tern_ui_message_list_get_selection (window_child ("message_list")))),
               folder != NULL ? tern_store_folder_get_path (folder) : "no folder",
               account != NULL ? (int) tern_mail_account_get_state (account) : -1,
               account != NULL && tern_mail_account_get_error (account) != NULL
                 ? tern_mail_account_get_error (account)->message : "no error");
    }
  screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (win)), shot);
}

/* ---- the flows ---------------------------------------------------------------------------- */

/* Page 1 to the review page, with the login typed over the detected one (the
 * harness's users log in without their domain). */
static void
who_to_review (const char *name, const char *address, const char *typed_password, const char *login,
               gboolean expect_imap, gboolean expect_pop3, const char *prefix)
{
  g_autofree char *shot = NULL;

  g_assert_cmpstr (page (), ==, "who");
  type (child ("name_row"), name);
  type (child ("email_row"), "alice");
  g_assert_true (gtk_widget_has_css_class (child ("email_row"), "error"));
  g_assert_true (gtk_widget_get_visible (child ("email_hint")));
  g_assert_false (gtk_widget_is_sensitive (child ("next_button")));
  type (child ("email_row"), address);
  g_assert_false (gtk_widget_has_css_class (child ("email_row"), "error"));
  type (child ("password_row"), typed_password);
  shot = g_strdup_printf ("%s-1-who.png", prefix);
  shoot_assistant (shot);
  check_names (GTK_WIDGET (assistant));
  click_next ();

  g_assert_cmpstr (page (), ==, "kind");
  g_assert_true (ui_wait_until (ready_is, "kind", 15000));
  g_assert_true (gtk_widget_get_sensitive (child ("imap_row")) == expect_imap);
  g_assert_true (gtk_widget_get_sensitive (child ("pop3_row")) == expect_pop3);
  if (!expect_imap)
    {
      g_assert_true (subtitle_has (child ("imap_row"), "Not available"));
      g_assert_true (gtk_check_button_get_active (child ("pop3_check")));
    }
  else
    g_assert_true (gtk_check_button_get_active (child ("imap_check")));
  g_assert_true (strstr (adw_preferences_row_get_title (child ("detect_row")), "SRV") != NULL);
  adw_expander_row_set_expanded (child ("detect_row"), TRUE);
  g_clear_pointer (&shot, g_free);
  shot = g_strdup_printf ("%s-2-kind.png", prefix);
  shoot_assistant (shot);
  check_names (GTK_WIDGET (assistant));
  click_next ();

  g_assert_cmpstr (page (), ==, "review");
  g_assert_cmpstr (tern_ui_server_form_get_host (child ("incoming_form")), ==, "localhost");
  g_assert_cmpstr (tern_ui_server_form_get_host (child ("outgoing_form")), ==, "localhost");
  type (form_child ("incoming_form", "user_row"), login);
  type (form_child ("outgoing_form", "user_row"), login);
}

static void
finish_and_close (void)
{
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_cmpstr (next_label (), ==, "Finish");
  click_next ();
  g_assert_true (ui_wait_until (assistant_closed, NULL, 20000));
  assistant = NULL;
}

/* The first start opens the assistant by itself: an IMAP account. */
static void
test_imap (void)
{
  g_autoptr(TernAccount) account = NULL;
  g_autofree char *secret = NULL;

  take_assistant ();
  who_to_review ("Alice Liddell", "alice@tern.test", password, "alice", TRUE, TRUE, "account-assistant-imap");
  g_assert_true (gtk_widget_get_visible (child ("imap_options")));
  g_assert_false (gtk_widget_get_visible (child ("pop3_options")));
  g_assert_cmpuint (tern_ui_server_form_get_port (child ("incoming_form")), ==, env_port ("TERN_TEST_IMAPS_PORT"));
  g_assert_cmpuint (tern_ui_server_form_get_port (child ("outgoing_form")), ==,
                    env_port ("TERN_TEST_SUBMISSION_PORT"));
  g_assert_cmpint (tern_ui_server_form_get_security (child ("outgoing_form")), ==, TERN_NET_SECURITY_STARTTLS);
  shoot_assistant ("account-assistant-imap-3-review.png");
  check_names (GTK_WIDGET (assistant));
  click_next ();

  g_assert_cmpstr (page (), ==, "test");
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_true (subtitle_has (child ("incoming_check_row"), "Logged in"));
  g_assert_true (subtitle_has (child ("outgoing_check_row"), "Logged in"));
  shoot_assistant ("account-assistant-imap-4-test.png");
  check_names (GTK_WIDGET (assistant));
  finish_and_close ();

  account = saved_account ("alice@tern.test");
  g_assert_cmpint (tern_account_get_protocol (account), ==, TERN_ACCOUNT_PROTOCOL_IMAP);
  g_assert_cmpstr (tern_account_get_name (account), ==, "Alice Liddell");
  g_assert_cmpstr (tern_account_get_incoming (account)->user, ==, "alice");
  g_assert_false (tern_account_get_ask_password (account));
  secret = keyring_password ("alice@tern.test");
  g_assert_cmpstr (secret, ==, password);
  assert_inbox ("alice@tern.test", 12, "account-assistant-imap-5-inbox.png");
}

/* A provider that offers only POP3: IMAP is shown unavailable, POP3 chosen. */
static void
test_pop3 (void)
{
  g_autoptr(TernAccount) account = NULL;
  g_autofree char *secret = NULL;

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  take_assistant ();
  who_to_review ("Bob", "bob@pop-only.test", password, "bob", FALSE, TRUE, "account-assistant-pop3");
  g_assert_false (gtk_widget_get_visible (child ("imap_options")));
  g_assert_true (gtk_widget_get_visible (child ("pop3_options")));
  g_assert_cmpuint (tern_ui_server_form_get_port (child ("incoming_form")), ==, env_port ("TERN_TEST_POP3S_PORT"));
  /* Keep a copy on the server, delete it there after 30 days. */
  g_assert_true (gtk_switch_get_active (child ("leave_switch")));
  gtk_spin_button_set_value (child ("delete_after_spin"), 30);
  shoot_assistant ("account-assistant-pop3-3-review.png");
  click_next ();
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_true (subtitle_has (child ("incoming_check_row"), "POP3"));
  shoot_assistant ("account-assistant-pop3-4-test.png");
  finish_and_close ();

  account = saved_account ("bob@pop-only.test");
  g_assert_cmpint (tern_account_get_protocol (account), ==, TERN_ACCOUNT_PROTOCOL_POP3);
  g_assert_true (tern_account_get_leave_on_server (account));
  g_assert_cmpuint (tern_account_get_delete_after_days (account), ==, 30);
  secret = keyring_password ("bob@pop-only.test");
  g_assert_cmpstr (secret, ==, password);
  assert_inbox ("bob@pop-only.test", 7, "account-assistant-pop3-5-inbox.png");
}

/* A wrong password, a refused port, a self-signed certificate: each in the engine's
 * words; the certificate trusted (pinned), then the account works. */
static void
test_failures (void)
{
  g_autoptr(GError) rejected = g_error_new_literal (TERN_IMAP_ERROR, TERN_IMAP_ERROR_AUTHENTICATION_FAILED, "x");
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "x");
  g_autoptr(GError) untrusted = g_error_new_literal (TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED, "x");
  g_autoptr(GTlsCertificate) harness = NULL;
  g_autoptr(TernAccount) account = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  guint16 imaps = env_port ("TERN_TEST_IMAPS_PORT");

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-account", NULL);
  take_assistant ();
  who_to_review ("Carol", "carol@tern.test", "not-the-password", "carol", TRUE, TRUE, "account-assistant-errors");
  click_next ();

  /* 1. the wrong password */
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_true (subtitle_has (child ("incoming_check_row"), diagnosis_title (rejected)));
  g_assert_true (subtitle_has (child ("outgoing_check_row"), diagnosis_title (rejected)));
  g_assert_true (gtk_widget_get_visible (child ("retry_group")));
  g_assert_cmpstr (next_label (), ==, "Try Again");
  shoot_assistant ("account-assistant-errors-4-wrong-password.png");
  type (child ("retry_password_row"), password);
  g_clear_pointer (&last_ready, g_free);
  click_next ();
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_true (subtitle_has (child ("incoming_check_row"), "Logged in"));
  g_assert_true (subtitle_has (child ("outgoing_check_row"), "Logged in"));

  /* 2. a port nothing listens on */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.back", NULL);
  g_assert_cmpstr (page (), ==, "review");
  {
    g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
    bound = g_socket_get_local_address (socket, NULL);
    gtk_spin_button_set_value (form_child ("incoming_form", "port_spin"),
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    g_socket_close (socket, NULL);
  }
  g_clear_pointer (&last_ready, g_free);
  click_next ();
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_true (subtitle_has (child ("incoming_check_row"), diagnosis_title (refused)));
  g_assert_true (subtitle_has (child ("outgoing_check_row"), "Logged in"));
  shoot_assistant ("account-assistant-errors-4-refused.png");

  /* 3. the certificate as it is: self-signed */
  gtk_widget_activate_action (GTK_WIDGET (assistant), "assistant.back", NULL);
  gtk_spin_button_set_value (form_child ("incoming_form", "port_spin"), imaps);
  g_tls_backend_set_default_database (g_tls_backend_get_default (), system_db);
  g_clear_pointer (&last_ready, g_free);
  click_next ();
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_true (subtitle_has (child ("incoming_check_row"), diagnosis_title (untrusted)));
  g_assert_true (gtk_widget_get_visible (child ("certificate_group")));
  harness = g_tls_certificate_new_from_file (env ("TERN_TEST_CA_CERT"), &error);
  g_assert_no_error (error);
  fingerprint = tern_net_certificate_get_fingerprint (harness);
  {
    gboolean shown = FALSE;

    for (GtkWidget *row = gtk_widget_get_first_child (child ("certificate_list")); row != NULL;
         row = gtk_widget_get_next_sibling (row))
      if (ADW_IS_ACTION_ROW (row) && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), fingerprint) == 0)
        shown = TRUE;
    g_assert_true (shown);
  }
  gtk_widget_grab_focus (child ("trust_button"));
  shoot_assistant ("account-assistant-errors-4-certificate.png");
  check_names (GTK_WIDGET (assistant));
  click (child ("trust_button"));
  g_assert_true (ui_wait_until (dialog_shown, "Trust", 5000));
  dialog = find_dialog ("Trust");
  screenshot (GTK_WIDGET (dialog), "account-assistant-errors-5-trust-dialog.png");
  g_clear_pointer (&last_ready, g_free);
  adw_message_dialog_response (dialog, "trust");
  gtk_window_close (GTK_WINDOW (dialog));   /* as its response buttons do */
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  g_assert_true (subtitle_has (child ("incoming_check_row"), "Logged in"));
  g_assert_true (subtitle_has (child ("outgoing_check_row"), "Logged in"));
  shoot_assistant ("account-assistant-errors-6-trusted.png");
  finish_and_close ();

  account = saved_account ("carol@tern.test");
  g_assert_cmpstr (tern_account_get_pinned_certificate (account), ==, fingerprint);
  assert_inbox ("carol@tern.test", 3, "account-assistant-errors-7-inbox.png");
}

static TernUiAccountSettings *settings;

static gpointer
settings_child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (settings), TERN_UI_TYPE_ACCOUNT_SETTINGS, name);

  g_assert_nonnull (object);
  return object;
}

static TernUiAccountSettings *
find_settings (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (TERN_UI_IS_ACCOUNT_SETTINGS (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return TERN_UI_ACCOUNT_SETTINGS (window);
    }
  return NULL;
}

static void
collect_pages (GtkWidget *root, GPtrArray *pages)
{
  if (ADW_IS_PREFERENCES_PAGE (root))
    g_ptr_array_add (pages, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_pages (c, pages);
}

static void
show_settings_page (guint n)
{
  static const char *titles[] = { "Account", "Servers", "Sync" };
  g_autoptr(GPtrArray) pages = g_ptr_array_new ();

  collect_pages (GTK_WIDGET (settings), pages);
  for (guint i = 0; i < pages->len; i++)
    if (g_strcmp0 (adw_preferences_page_get_title (pages->pdata[i]), titles[n]) == 0)
      {
        adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (settings), pages->pdata[i]);
        return;
      }
  g_error ("no page %s", titles[n]);
}

static gboolean
settings_open (gpointer data)
{
  return find_settings () != NULL;
}

static gboolean
settings_closed (gpointer data)
{
  return find_settings () == NULL;
}

/* Opens the settings of the account whose Inbox is shown ("Accounts…" in the menu). */
static void
open_settings (const char *address)
{
  TernMailAccount *account = tern_mail_lookup_account (tern_ui_application_get_mail (app), address);

  tern_ui_window_show_account (win, account);
  assert_inbox (address, address[0] == 'c' ? 3 : 7, address[0] == 'c' ? "account-settings-0-carol.png"
                                                                       : "account-settings-0-bob.png");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.accounts", NULL);
  g_assert_true (ui_wait_until (settings_open, NULL, 5000));
  settings = find_settings ();
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (settings)), ==, address);
}

static gboolean
account_state_is (gpointer data)
{
  TernMailAccount *account = tern_mail_lookup_account (tern_ui_application_get_mail (app), "carol@tern.test");

  return account != NULL && tern_mail_account_get_remedy (account) == GPOINTER_TO_INT (data) &&
         (GPOINTER_TO_INT (data) != TERN_MAIL_REMEDY_NONE || tern_mail_account_get_state (account) != TERN_MAIL_ACCOUNT_FAILED);
}

static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
sidebar_has_button (gpointer label)
{
  return find_button (GTK_WIDGET (tern_ui_sidebar_get_problems (window_child ("sidebar"))), label) != NULL;
}

static void
answer_password_dialog (const char *heading, const char *typed, const char *shot)
{
  AdwMessageDialog *dialog;

  g_assert_true (ui_wait_until (dialog_shown, (gpointer) heading, 10000));
  dialog = find_dialog (heading);
  type (find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW), typed);
  if (shot != NULL)
    screenshot (GTK_WIDGET (dialog), shot);
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));
}

static gboolean
keyring_holds (gpointer expected)
{
  g_autofree char *secret = keyring_password ("carol@tern.test");

  return g_strcmp0 (secret, expected) == 0;
}

/* Account settings: the name and signature saved on close; "Change Password…"; a
 * login rejected during sync asks for the password from the sidebar, saved to the
 * keyring; the pinned certificate shown and forgotten; "Remove Account…". */
static void
test_settings (void)
{
  g_autoptr(TernAccount) account = NULL;
  g_autofree char *pin = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *button;

  open_settings ("carol@tern.test");
  pin = g_strdup (tern_account_get_pinned_certificate (tern_mail_account_get_account (
    tern_mail_lookup_account (tern_ui_application_get_mail (app), "carol@tern.test"))));
  g_assert_nonnull (pin);
  g_assert_cmpstr (adw_action_row_get_subtitle (settings_child ("certificate_row")), ==, pin);
  g_assert_true (gtk_widget_get_visible (settings_child ("forget_button")));
  type (settings_child ("name_row"), "Carol Ann");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (settings_child ("signature_view")), "Carol\n-- \nsent from Tern", -1);
  screenshot (GTK_WIDGET (settings), "account-settings-1-account.png");
  check_names (GTK_WIDGET (settings));

  /* "Change Password…": a wrong one, saved to the keyring; the sync then fails and
   * the sidebar offers the password prompt, which mends it. */
  click (settings_child ("password_button"));
  answer_password_dialog ("Password for carol@tern.test", "wrong-password-1", "account-settings-2-password.png");
  g_assert_true (ui_wait_until (keyring_holds, "wrong-password-1", 15000));
  gtk_window_close (GTK_WINDOW (settings));
  g_assert_true (ui_wait_until (settings_closed, NULL, 5000));
  /* Saved on close, off the UI thread. */
  for (gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; g_get_monotonic_time () < until; ui_settle (50))
    {
      g_autoptr(TernAccount) now = saved_account ("carol@tern.test");

      if (g_strcmp0 (tern_account_get_name (now), "Carol Ann") == 0)
        break;
    }
  account = saved_account ("carol@tern.test");
  g_assert_cmpstr (tern_account_get_name (account), ==, "Carol Ann");
  g_assert_cmpstr (tern_account_get_signature (account), ==, "Carol\n-- \nsent from Tern");
  g_clear_object (&account);

  g_assert_true (ui_wait_until (account_state_is, GINT_TO_POINTER (TERN_MAIL_REMEDY_PASSWORD), 30000));
  g_assert_true (ui_wait_until (sidebar_has_button, "Enter Password…", 10000));
  screenshot (adw_application_window_get_content (ADW_APPLICATION_WINDOW (win)), "account-settings-3-login-rejected.png");
  button = find_button (GTK_WIDGET (tern_ui_sidebar_get_problems (window_child ("sidebar"))), "Enter Password…");
  click (button);
  answer_password_dialog ("Password for carol@tern.test", password, NULL);
  g_assert_true (ui_wait_until (keyring_holds, (gpointer) password, 15000));
  g_assert_true (ui_wait_until (account_state_is, GINT_TO_POINTER (TERN_MAIL_REMEDY_NONE), 30000));

  /* Forget the certificate. */
  open_settings ("carol@tern.test");
  click (settings_child ("forget_button"));
  g_assert_true (ui_wait_until (dialog_shown, "Forget", 5000));
  dialog = find_dialog ("Forget");
  adw_message_dialog_response (dialog, "forget");
  gtk_window_close (GTK_WINDOW (dialog));
  account = NULL;
  {
    gboolean forgotten = FALSE;
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (!forgotten && g_get_monotonic_time () < until)
      {
        g_autoptr(TernAccount) now = saved_account ("carol@tern.test");

        forgotten = tern_account_get_pinned_certificate (now) == NULL;
        ui_settle (50);
      }
    g_assert_true (forgotten);
  }
  g_assert_false (gtk_widget_get_visible (settings_child ("forget_button")));
  screenshot (GTK_WIDGET (settings), "account-settings-4-forgotten.png");
  gtk_window_close (GTK_WINDOW (settings));
  g_assert_true (ui_wait_until (settings_closed, NULL, 5000));

  /* Remove bob's POP3 account: settings, keyring and store. */
  open_settings ("bob@pop-only.test");
  show_settings_page (2);
  screenshot (GTK_WIDGET (settings), "account-settings-5-sync-pop3.png");
  show_settings_page (1);
  screenshot (GTK_WIDGET (settings), "account-settings-6-servers.png");
  show_settings_page (0);
  click (settings_child ("remove_button"));
  g_assert_true (ui_wait_until (dialog_shown, "Remove bob@pop-only.test", 5000));
  dialog = find_dialog ("Remove bob@pop-only.test");
  screenshot (GTK_WIDGET (dialog), "account-settings-7-remove.png");
  adw_message_dialog_response (dialog, "remove");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (ui_wait_until (settings_closed, NULL, 15000));
  g_assert_null (tern_mail_lookup_account (tern_ui_application_get_mail (app), "bob@pop-only.test"));
  {
    g_autofree char *path = tern_account_manager_get_default_path ();
    g_autoptr(TernAccountManager) manager = tern_account_manager_new (path);
    g_autofree char *secret = NULL;
    g_autoptr(TernStoreDb) db = tern_store_open_db (tern_mail_get_store (tern_ui_application_get_mail (app)), NULL,
                                                    &error);

    g_assert_true (tern_account_manager_load (manager, NULL));
    g_assert_null (tern_account_manager_lookup (manager, "bob@pop-only.test"));
    secret = keyring_password ("bob@pop-only.test");
    g_assert_null (secret);
    g_assert_no_error (error);
    g_assert_cmpint (tern_store_db_lookup_account (db, "bob@pop-only.test", NULL), ==, 0);
  }
}

/* No Secret Service: the assistant says so, and keeps the password in memory. */
static void
test_no_keyring_setup (void)
{
  g_autoptr(TernAccount) account = NULL;

  take_assistant ();
  who_to_review ("Alice", "alice@tern.test", password, "alice", TRUE, TRUE, "account-assistant-nokeyring");
  click_next ();
  g_assert_true (ui_wait_until (ready_is, "test", 30000));
  click_next ();
  g_assert_true (ui_wait_until (ready_is, "keyring", 30000));
  g_assert_cmpstr (page (), ==, "keyring");
  shoot_assistant ("account-assistant-nokeyring-5-keyring.png");
  check_names (GTK_WIDGET (assistant));
  click (child ("ask_button"));
  g_assert_true (ui_wait_until (assistant_closed, NULL, 20000));

  account = saved_account ("alice@tern.test");
  g_assert_true (tern_account_get_ask_password (account));
  assert_inbox ("alice@tern.test", 12, "account-assistant-nokeyring-6-inbox.png");
}

/* The next start: the password is asked, by itself, and the account syncs. */
static void
test_no_keyring_restart (void)
{
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  g_assert_true (ui_wait_until (dialog_shown, "Password for alice@tern.test", 30000));
  g_assert_null (find_assistant ());
  dialog = find_dialog ("Password for alice@tern.test");
  entry = find_widget (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW);
  g_assert_nonnull (entry);
  screenshot (GTK_WIDGET (dialog), "account-assistant-nokeyring-7-asked-at-start.png");
  type (entry, password);
  adw_message_dialog_response (dialog, "save");
  gtk_window_close (GTK_WINDOW (dialog));   /* as its response buttons do */
  tern_ui_sidebar_select_all_inboxes (window_child ("sidebar"));
  {
    TernMailAccount *account = tern_mail_lookup_account (tern_ui_application_get_mail (app), "alice@tern.test");

    g_assert_nonnull (account);
    tern_ui_window_show_account (win, account);
  }
  assert_inbox ("alice@tern.test", 12, "account-assistant-nokeyring-8-inbox.png");
}

static gboolean
switch_dialog_or_progress (gpointer data)
{
  return dialog_shown ("to IMAP?");
}

static gboolean
account_is_imap (gpointer data)
{
  TernMailAccount *account = tern_mail_lookup_account (tern_ui_application_get_mail (app), "alice@tern.test");

  return account != NULL &&
         tern_account_get_protocol (tern_mail_account_get_account (account)) == TERN_ACCOUNT_PROTOCOL_IMAP;
}

static gboolean
mail_loaded (gpointer data)
{
  TernMail *mail = tern_ui_application_get_mail (app);

  return mail != NULL && tern_mail_lookup_account (mail, "alice@tern.test") != NULL;
}

/* "Switch to IMAP…" of a POP3 account whose 500 messages are here only; with
 * TERN_TEST_DIE_AT=N the process kills itself (SIGKILL, as a crash) once N are
 * checked or uploaded; run again, it finishes. The script checks the server. */
static void
test_switch (void)
{
  const char *die_at = g_getenv ("TERN_TEST_DIE_AT");
  guint n = g_ascii_strtoull (g_getenv ("TERN_TEST_SWITCH_N"), NULL, 10);
  AdwMessageDialog *dialog;
  TernMailAccount *account;

  g_assert_true (ui_wait_until (mail_loaded, NULL, 20000));
  account = tern_mail_lookup_account (tern_ui_application_get_mail (app), "alice@tern.test");
  g_assert_cmpint (tern_account_get_protocol (tern_mail_account_get_account (account)), ==,
                   TERN_ACCOUNT_PROTOCOL_POP3);
  tern_ui_window_show_account (win, account);
  assert_inbox ("alice@tern.test", n, die_at != NULL ? "account-switch-1-pop3.png" : "account-switch-4-resumed-pop3.png");
  gtk_widget_activate_action (GTK_WIDGET (win), "win.accounts", NULL);
  g_assert_true (ui_wait_until (settings_open, NULL, 5000));
  settings = find_settings ();
  show_settings_page (2);
  g_assert_true (gtk_widget_get_visible (settings_child ("switch_group")));
  if (die_at == NULL)
    g_assert_cmpstr (gtk_button_get_label (settings_child ("switch_button")), ==, "_Finish Switching to IMAP…");
  screenshot (GTK_WIDGET (settings), die_at != NULL ? "account-switch-2-settings.png" : "account-switch-5-finish.png");
  click (settings_child ("switch_button"));
  g_assert_true (ui_wait_until (switch_dialog_or_progress, NULL, 15000));
  dialog = find_dialog ("to IMAP?");
  adw_message_dialog_response (dialog, "switch");
  gtk_window_close (GTK_WINDOW (dialog));

  if (die_at != NULL)
    {
      double fraction = g_ascii_strtod (die_at, NULL) / n;

      /* The screenshot at the first progress, not just before the kill: the upload
       * goes on meanwhile, and on a loaded machine it had finished by the time the
       * screenshot was taken (nothing then was left to resume). */
      while (gtk_progress_bar_get_fraction (settings_child ("switch_progress")) <= 0)
        g_main_context_iteration (NULL, TRUE);
      screenshot (GTK_WIDGET (settings), "account-switch-3-uploading.png");
      while (gtk_progress_bar_get_fraction (settings_child ("switch_progress")) < fraction)
        g_main_context_iteration (NULL, TRUE);
      g_printerr ("killed at %s\n", adw_action_row_get_subtitle (settings_child ("switch_progress_row")));
      kill (getpid (), SIGKILL);
    }
  g_assert_true (ui_wait_until (account_is_imap, NULL, 120000));
  g_assert_true (ui_wait_until (settings_closed, NULL, 5000));
  account = tern_mail_lookup_account (tern_ui_application_get_mail (app), "alice@tern.test");
  tern_ui_window_show_account (win, account);
  assert_inbox ("alice@tern.test", n, "account-switch-6-imap.png");
}

static void
setup_resolver (void)
{
  FakeResolver *resolver = fake_resolver_new ();

  fake_resolver_add_host (resolver, "localhost", "127.0.0.1");
  fake_resolver_add_srv (resolver, "_imaps._tcp.tern.test", 0, 1, env_port ("TERN_TEST_IMAPS_PORT"), "localhost");
  fake_resolver_add_srv (resolver, "_imap._tcp.tern.test", 0, 1, env_port ("TERN_TEST_IMAP_PORT"), "localhost");
  fake_resolver_add_srv (resolver, "_pop3s._tcp.tern.test", 0, 1, env_port ("TERN_TEST_POP3S_PORT"), "localhost");
  fake_resolver_add_srv (resolver, "_submission._tcp.tern.test", 0, 1, env_port ("TERN_TEST_SUBMISSION_PORT"),
                         "localhost");
  /* pop-only.test: POP3 and submission, no IMAP */
  fake_resolver_add_srv (resolver, "_imaps._tcp.pop-only.test", 0, 0, 0, ".");
  fake_resolver_add_srv (resolver, "_imap._tcp.pop-only.test", 0, 0, 0, ".");
  fake_resolver_add_srv (resolver, "_pop3s._tcp.pop-only.test", 0, 1, env_port ("TERN_TEST_POP3S_PORT"),
                         "localhost");
  fake_resolver_add_srv (resolver, "_submission._tcp.pop-only.test", 0, 1, env_port ("TERN_TEST_SUBMISSION_PORT"),
                         "localhost");
  g_resolver_set_default (G_RESOLVER (resolver));
  g_object_unref (resolver);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  const char *mode = g_getenv ("TERN_TEST_MODE") ? g_getenv ("TERN_TEST_MODE") : "keyring";
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-account-assistant");
  tern_engine_init ();
  /* The window's reader starts WebKit, which says once that it has no GL. */
  ui_webkit_warm_up ();
  /* Screenshots of pages, not of the slide between two. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  password = env ("TERN_TEST_PASSWORD");
  setup_resolver ();
  system_db = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  harness_db = g_tls_file_database_new (env ("TERN_TEST_CA_CERT"), &error);
  g_assert_no_error (error);
  g_tls_backend_set_default_database (g_tls_backend_get_default (), harness_db);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  gtk_window_present (GTK_WINDOW (win));

  if (g_str_equal (mode, "keyring"))
    {
      g_test_add_func ("/ui/account-assistant/imap", test_imap);
      g_test_add_func ("/ui/account-assistant/pop3", test_pop3);
      g_test_add_func ("/ui/account-assistant/failures", test_failures);
      g_test_add_func ("/ui/account-assistant/settings", test_settings);
    }
  else if (g_str_equal (mode, "switch"))
    g_test_add_func ("/ui/account-switch-to-imap", test_switch);
  else if (g_str_equal (mode, "nokeyring-setup"))
    g_test_add_func ("/ui/account-assistant/no-keyring", test_no_keyring_setup);
  else
    g_test_add_func ("/ui/account-assistant/no-keyring-next-start", test_no_keyring_restart);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  tern_mail_stop (tern_ui_application_get_mail (app));
  g_object_unref (app);
  g_object_unref (harness_db);
  g_clear_object (&system_db);
  return ret;
}
