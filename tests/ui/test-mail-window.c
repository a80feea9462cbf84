/* test-mail-window.c: the main window with a real account, in process, under Xvfb
 *
 * Run by test-mail-window.sh, which fills alice's mailbox on the harness's Dovecot
 * and adds the account: the engine's own sync fills the store; then the test reads
 * the window as a person would: the sidebar, a folder, a message in the reader (plain
 * text, HTML, a conversation whose bodies are fetched when opened; marked read after
 * the delay in the store and on the server), new mail arriving
 * (IMAP APPEND through $TERN_TEST_DELIVER) while a message is selected and the list
 * scrolled, the notification it raises (a fake org.freedesktop.Notifications on the
 * session bus), search, a narrow window, the keyboard, accessible names, and
 * screenshots of each state.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>
#include <webkit/webkit.h>

#include "tern-engine.h"
#include "tern-mail.h"
#include "tern-store-thread.h"
#include "tern-ui-application.h"
#include "tern-ui-composer.h"
#include "tern-ui-message-list.h"
#include "tern-ui-message-row.h"
#include "tern-ui-html-body.h"
#include "tern-ui-message-view.h"
#include "tern-ui-reader-private.h"
#include "tern-ui-sidebar.h"
#include "tern-ui-window.h"
#include "ui-screenshot.h"
#include "ui-window.h"

#define N_INBOX 40            /* one conversation each */
#define N_THREAD 3            /* and one conversation of three, the oldest */

static TernUiApplication *app;
static TernUiWindow *win;

static guint
n_rows (void)
{
  return g_list_model_get_n_items (G_LIST_MODEL (ui_selection ()));
}

static void
screenshot (const char *name)
{
  g_autofree char *path = NULL;

  ui_settle (200);
  ui_wait_painted (GTK_WIDGET (win));
  path = ui_screenshot_save (adw_application_window_get_content (ADW_APPLICATION_WINDOW (win)), name);
  g_assert_nonnull (path);
  g_test_message ("screenshot: %s", path);
}

static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The row widget (GtkListItemWidget) showing @id, when realized. */
static GtkWidget *
row_widget (gint64 id)
{
  GtkWidget *list_view = GTK_WIDGET (tern_ui_message_list_get_list_view (ui_message_list ()));

  for (GtkWidget *item = gtk_widget_get_first_child (list_view); item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *row = gtk_widget_get_first_child (item);
      GObject *object;

      if (row == NULL || !TERN_UI_IS_MESSAGE_ROW (row) || !gtk_widget_get_mapped (row))
        continue;
      object = tern_ui_message_row_get_item (TERN_UI_MESSAGE_ROW (row));
      if (object != NULL && tern_ui_id_selection_get_item_id (object) == id)
        return item;
    }
  return NULL;
}

/* The message of a row (a conversation's newest). */
static TernStoreMessage *
item_at (guint position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (ui_selection ()), position);

  if (item != NULL && TERN_IS_STORE_THREAD (item))
    {
      TernStoreMessage *latest = tern_store_thread_get_latest (TERN_STORE_THREAD (item));

      return latest != NULL ? g_object_ref (latest) : NULL;
    }
  return (TernStoreMessage *) g_steal_pointer (&item);
}

static gint64
row_id_at (guint position)
{
  g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (ui_selection ()), position);

  return item != NULL ? tern_ui_id_selection_get_item_id (item) : 0;
}

/* ---- a fake notification server ------------------------------------------------------ */

static guint n_notify;
static char *last_summary, *last_body;

static const char notifications_xml[] =
  "<node><interface name='org.freedesktop.Notifications'>"
  "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='s' direction='in'/>"
  "<arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='as' direction='in'/>"
  "<arg type='a{sv}' direction='in'/><arg type='i' direction='in'/><arg type='u' direction='out'/></method>"
  "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
  "<method name='GetCapabilities'><arg type='as' direction='out'/></method>"
  "<method name='GetServerInformation'><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "<arg type='s' direction='out'/><arg type='s' direction='out'/></method>"
  "</interface></node>";

static void
notifications_call_cb (GDBusConnection *connection, const char *sender, const char *path, const char *interface,
                       const char *method, GVariant *parameters, GDBusMethodInvocation *invocation, gpointer data)
{
  if (g_str_equal (method, "Notify"))
    {
      const char *summary, *body;

      g_variant_get (parameters, "(&su&s&s&s@as@a{sv}i)", NULL, NULL, NULL, &summary, &body, NULL, NULL, NULL);
      g_free (last_summary);
      g_free (last_body);
      last_summary = g_strdup (summary);
      last_body = g_strdup (body);
      n_notify++;
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", n_notify));
    }
  else if (g_str_equal (method, "GetCapabilities"))
    {
      const char *caps[] = { "body", "actions", NULL };

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(^as)", caps));
    }
  else if (g_str_equal (method, "GetServerInformation"))
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ssss)", "test", "tern", "1", "1.2"));
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
own_notifications (void)
{
  static const GDBusInterfaceVTable vtable = { notifications_call_cb, NULL, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  GDBusConnection *bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GVariant) reply = NULL;

  g_assert_no_error (error);
  g_dbus_connection_register_object (bus, "/org/freedesktop/Notifications", info->interfaces[0], &vtable, NULL,
                                     NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", "org.freedesktop.Notifications", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static gboolean
list_in_state (gpointer data)
{
  return tern_ui_message_list_get_state (ui_message_list ()) == GPOINTER_TO_INT (data);
}

static gboolean
list_has_rows (gpointer data)
{
  return tern_ui_message_list_get_state (ui_message_list ()) == TERN_UI_MESSAGE_LIST_ROWS &&
         n_rows () == GPOINTER_TO_UINT (data);
}

static TernUiMessageView *
reader (void)
{
  return ui_child ("reader");
}

/* Whether the text body of the reader's card at @data (an index) is laid out at
 * least one line high. The card may have made its body again meanwhile: it is
 * looked up each time. */
static gboolean
card_body_has_line (gpointer data)
{
  TernUiMessageCard *card = tern_ui_message_view_get_card (reader (), GPOINTER_TO_UINT (data));
  GPtrArray *bodies = card != NULL ? _tern_ui_message_card_get_text_bodies (card) : NULL;
  GtkWidget *body;
  g_autoptr(PangoLayout) line = NULL;
  int line_height = 0;

  if (bodies == NULL || bodies->len != 1)
    return FALSE;
  body = g_ptr_array_index (bodies, 0);
  line = gtk_widget_create_pango_layout (body, "Xy");
  pango_layout_get_pixel_size (line, NULL, &line_height);
  return line_height > 0 && gtk_widget_get_height (body) >= line_height;
}

/* The text of a card's plain-text bodies, as shown. */
static char *
card_text (TernUiMessageCard *card)
{
  GPtrArray *bodies = _tern_ui_message_card_get_text_bodies (card);
  GString *text = g_string_new (NULL);

  for (guint i = 0; bodies != NULL && i < bodies->len; i++)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (g_ptr_array_index (bodies, i)));
      GtkTextIter start, end;
      g_autofree char *part = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      part = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      g_string_append (text, part);
    }
  return g_string_free (text, FALSE);
}

typedef struct
{
  gint64      message_id;
  const char *text;       /* in its plain text, or NULL: any body painted */
} Shown;

/* The reader shows the message's body, painted. */
static gboolean
card_shows (gpointer data)
{
  Shown *shown = data;
  TernUiMessageCard *card = tern_ui_message_view_find_card (reader (), shown->message_id);
  g_autofree char *text = NULL;

  if (card == NULL || !tern_ui_message_card_get_body_shown (card))
    return FALSE;
  if (shown->text == NULL)
    return TRUE;
  text = card_text (card);
  return strstr (text, shown->text) != NULL;
}

static void
wait_card_shows (gint64 message_id, const char *text)
{
  Shown shown = { message_id, text };

  if (!ui_wait_until (card_shows, &shown, 30000))
    {
      TernUiMessageCard *card = tern_ui_message_view_find_card (reader (), message_id);
      g_autofree char *shown_text = card != NULL ? card_text (card) : NULL;

      g_error ("message %" G_GINT64_FORMAT " not shown: card %p, state %d, expanded %d, loading %d, text “%s”",
               message_id, (void *) card, card ? (int) tern_ui_message_card_get_state (card) : -1,
               card ? tern_ui_message_card_get_expanded (card) : -1, tern_ui_message_view_get_loading (reader ()),
               shown_text);
    }
}

static void
js_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  char **out = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JSCValue) value = webkit_web_view_evaluate_javascript_finish (WEBKIT_WEB_VIEW (source), result, &error);

  g_assert_no_error (error);
  *out = jsc_value_to_string (value);
}

/* The text of a card's HTML body, as the web view has it. */
static char *
html_text (TernUiMessageCard *card)
{
  GPtrArray *bodies = _tern_ui_message_card_get_html_bodies (card);
  WebKitWebView *web;
  char *text = NULL;

  g_assert_nonnull (bodies);
  g_assert_cmpuint (bodies->len, ==, 1);
  web = WEBKIT_WEB_VIEW (tern_ui_html_body_get_web_view (g_ptr_array_index (bodies, 0)));
  webkit_web_view_evaluate_javascript (web, "document.body.innerText", -1, "tern", NULL, NULL, js_done_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);
  return text;
}

/* The server's flags of the message with @subject in INBOX, through a second IMAP
 * session (TERN_TEST_SERVER_FLAGS). */
static gboolean
server_has_seen (gpointer data)
{
  g_autofree char *cmd = g_strdup_printf ("%s '%s'", g_getenv ("TERN_TEST_SERVER_FLAGS"), (const char *) data);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  if (strstr (out, "\\Seen") != NULL)
    return TRUE;
  ui_settle (300);
  return FALSE;
}

static gboolean
message_has_flag (gpointer data)
{
  TernStoreMessage *message = data;

  return tern_store_message_is_loaded (message) && (tern_store_message_get_flags (message) & TERN_STORE_FLAG_SEEN);
}

static gboolean
notified (gpointer data)
{
  return n_notify > 0;
}

static gboolean
folded (gpointer data)
{
  return adw_leaflet_get_folded (ui_child ("outer")) == GPOINTER_TO_INT (data) &&
         adw_leaflet_get_folded (ui_child ("inner")) == GPOINTER_TO_INT (data);
}

static gboolean
row_loaded (gpointer data)
{
  g_autoptr(TernStoreMessage) message = item_at (GPOINTER_TO_UINT (data));

  return message != NULL && tern_store_message_is_loaded (message) && row_widget (row_id_at (GPOINTER_TO_UINT (data)));
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void
test_sync (void)
{
  TernMail *mail;

  g_assert_true (ui_wait_until (ui_mail_loaded, NULL, 20000));
  mail = tern_ui_application_get_mail (app);
  g_assert_cmpuint (g_list_model_get_n_items (tern_mail_get_accounts (mail)), ==, 1);
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 120000));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ui_child ("main_stack")), ==, "mail");
}

static gint64 inbox_id, receipts_id;

/* The sidebar: All Inboxes, the account, its special folders in their order, then
 * the user's folders, with counts in words for screen readers. */
static void
test_sidebar (void)
{
  TernUiSidebar *sidebar = ui_child ("sidebar");
  GListModel *rows;
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) joined = g_string_new (NULL);
  GtkWidget *list_view;
  gboolean inbox_label = FALSE;

  g_assert_true (ui_wait_until (ui_sidebar_loaded, NULL, 20000));
  ui_settle (300);
  rows = tern_ui_sidebar_get_model (sidebar);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);

      g_ptr_array_add (titles, g_strdup (tern_ui_sidebar_item_get_title (item)));
      g_string_append_printf (joined, "%s%s", i > 0 ? "|" : "", tern_ui_sidebar_item_get_title (item));
      if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_FOLDER &&
          g_str_equal (tern_ui_sidebar_item_get_title (item), "Inbox"))
        {
          inbox_id = tern_ui_sidebar_item_get_folder_id (item);
          g_assert_cmpuint (tern_ui_sidebar_item_get_count (item), >, 0);
        }
      if (g_str_equal (tern_ui_sidebar_item_get_title (item), "Receipts"))
        receipts_id = tern_ui_sidebar_item_get_folder_id (item);
    }
  g_test_message ("sidebar: %s", joined->str);
  /* Subfolders (Projects/2024) are collapsed. */
  g_assert_cmpstr (joined->str, ==,
                   "All Inboxes|alice@tern.test|Inbox|Drafts|Sent|Archive|Junk|Trash|Projects|Receipts");
  g_assert_cmpint (inbox_id, >, 0);
  g_assert_cmpint (receipts_id, >, 0);

  /* Each row's name, as a screen reader reads it: the count in words. */
  list_view = GTK_WIDGET (tern_ui_sidebar_get_list_view (sidebar));
  for (GtkWidget *item = gtk_widget_get_first_child (list_view); item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      if (!gtk_widget_get_mapped (item))
        continue;
      gtk_test_accessible_assert_role (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_ROLE_LIST_ITEM);
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  {
    GtkWidget *found = NULL;

    for (GtkWidget *item = gtk_widget_get_first_child (list_view); item != NULL && found == NULL;
         item = gtk_widget_get_next_sibling (item))
      {
        GtkWidget *label = find_label (item, "Inbox");

        if (label != NULL)
          found = item;
      }
    g_assert_nonnull (found);
    {
      g_autofree char *expected = g_strdup_printf ("Inbox, %u unread", N_INBOX - N_INBOX / 3);
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (found), GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
      inbox_label = TRUE;
    }
  }
  g_assert_true (inbox_label);
}

static void
test_folder (void)
{
  TernUiSidebar *sidebar = ui_child ("sidebar");
  GtkWidget *item;
  g_autoptr(TernStoreMessage) first = NULL;

  /* An empty folder says so. */
  g_assert_true (tern_ui_sidebar_select_folder (sidebar, receipts_id));
  g_assert_true (ui_wait_until (list_in_state, GINT_TO_POINTER (TERN_UI_MESSAGE_LIST_EMPTY), 10000));
  g_assert_nonnull (find_label (GTK_WIDGET (win), "No Messages"));

  g_assert_true (tern_ui_sidebar_select_folder (sidebar, inbox_id));
  g_assert_true (ui_wait_until (list_has_rows, GUINT_TO_POINTER (N_INBOX + 1), 10000));
  g_assert_cmpstr (adw_window_title_get_title (ui_child ("window_title")), ==, "Inbox");
  g_assert_true (ui_wait_until (row_loaded, GUINT_TO_POINTER (0), 10000));

  /* Newest first; each row named for a screen reader: sender, subject, date, states. */
  first = item_at (0);
  g_assert_cmpstr (tern_store_message_get_subject (first), ==, "Message number 0");
  item = row_widget (row_id_at (0));
  g_assert_nonnull (item);
  {
    TernUiMessageRow *row = TERN_UI_MESSAGE_ROW (gtk_widget_get_first_child (item));
    const char *text = tern_ui_message_row_get_accessible_text (row);

    g_test_message ("row 0: %s", text);
    g_assert_true (g_str_has_prefix (text, "Bob Builder, Message number 0, "));
    g_assert_true (g_str_has_suffix (text, ", unread"));
    gtk_test_accessible_assert_property (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_PROPERTY_LABEL, text);
  }
  /* The sender "Jones, Carol" (a comma in quotes) and an encoded name. */
  g_assert_true (ui_wait_until (row_loaded, GUINT_TO_POINTER (3), 10000));
  {
    const char *t1 = tern_ui_message_row_get_accessible_text (TERN_UI_MESSAGE_ROW (gtk_widget_get_first_child (row_widget (row_id_at (1)))));
    const char *t3 = tern_ui_message_row_get_accessible_text (TERN_UI_MESSAGE_ROW (gtk_widget_get_first_child (row_widget (row_id_at (3)))));

    g_test_message ("row 1: %s; row 3: %s", t1, t3);
    g_assert_true (g_str_has_prefix (t1, "Jones, Carol, Message number 1"));
    g_assert_true (g_str_has_prefix (t3, "Renée Dupré, Message number 3"));
    g_assert_nonnull (strstr (t3, "has attachment"));
  }
}

static TernUiComposer *
find_composer (gpointer data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TERN_UI_IS_COMPOSER (l->data))
      return l->data;
  return NULL;
}

static gboolean
composer_ready (gpointer data)
{
  TernUiComposer *composer = find_composer (NULL);

  return composer != NULL && tern_ui_composer_get_ready (composer);
}

static gpointer
composer_child (TernUiComposer *composer, const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (composer), TERN_UI_TYPE_COMPOSER, name);

  g_assert_nonnull (object);
  return object;
}

static void
test_read (void)
{
  GSettings *settings = tern_ui_application_get_settings (app);
  g_autoptr(TernStoreMessage) message = item_at (4);
  g_autoptr(TernStoreMessage) other = item_at (6);
  gint64 id = tern_store_message_get_id (message);
  TernUiMessageCard *card;

  g_assert_false (tern_store_message_get_flags (message) & TERN_STORE_FLAG_SEEN);
  g_settings_set_double (settings, "mark-read-delay", 0.5);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ui_selection ()), 4, TRUE);
  wait_card_shows (id, "Body of message 4.");
  /* The conversation of one, in the real reader: its card, expanded, its header. */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ui_child ("reader_stack")), ==, "view");
  g_assert_cmpuint (tern_ui_message_view_get_n_cards (reader ()), ==, 1);
  card = tern_ui_message_view_find_card (reader (), id);
  g_assert_true (tern_ui_message_card_get_expanded (card));
  g_assert_cmpint (tern_ui_message_card_get_state (card), ==, TERN_UI_MESSAGE_CARD_SHOWN);
  g_assert_nonnull (find_label (GTK_WIDGET (reader ()), "Message number 4"));
  g_assert_nonnull (find_label (GTK_WIDGET (reader ()), "Bob Builder"));
  /* Read after the delay: the store, then the row, say so; then the server. */
  g_assert_false (message_has_flag (message));
  g_assert_true (ui_wait_until (message_has_flag, message, 10000));
  g_assert_true (ui_wait_until (server_has_seen, (gpointer) "Message number 4", 30000));
  screenshot ("tern-mail-window-folder.png");

  /* A mailto: link opens a composer, filled from all of the link (RFC 6068); no
   * "not available" toast any more. */
  {
    TernUiComposer *composer;

    g_assert_null (find_composer (NULL));
    _tern_ui_reader_activate_link (GTK_WIDGET (card), "mailto:bob@tern.test?subject=Lunch%3F&body=On%20Friday", NULL);
    g_assert_true (ui_wait_until (composer_ready, NULL, 10000));
    composer = find_composer (NULL);
    g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "to_entry")), ==, "bob@tern.test");
    g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "subject_entry")), ==, "Lunch?");
    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (composer)), ==, "Lunch?");
    g_assert_null (find_label (GTK_WIDGET (win), "Writing messages is not available yet"));
    /* Nothing written in it: closed without a draft. */
    gtk_window_destroy (GTK_WINDOW (composer));
    g_assert_null (find_composer (NULL));
    gtk_window_present (GTK_WINDOW (win));
  }

  /* Moving on before the delay runs out leaves a message unread. */
  g_settings_set_double (settings, "mark-read-delay", 2);
  g_assert_false (tern_store_message_get_flags (other) & TERN_STORE_FLAG_SEEN);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ui_selection ()), 6, TRUE);
  wait_card_shows (tern_store_message_get_id (other), "Body of message 6.");
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ui_selection ()), 5, TRUE);
  ui_settle (2500);
  g_assert_false (tern_store_message_get_flags (other) & TERN_STORE_FLAG_SEEN);
  g_settings_set_double (settings, "mark-read-delay", 0.5);

  /* Several messages selected: the reader says how many. */
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ui_selection ()), 6, FALSE);
  ui_settle (300);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (ui_child ("reader_stack")), ==, "selection");
  g_assert_cmpstr (adw_status_page_get_title (ui_child ("selection_page")), ==, "2 Messages Selected");
}

/* An HTML message in WebKit: its text, its remote image blocked behind the banner. */
static void
test_read_html (void)
{
  g_autoptr(TernStoreMessage) message = item_at (9);
  gint64 id = tern_store_message_get_id (message);
  TernUiMessageCard *card;
  g_autofree char *text = NULL;

  g_assert_cmpstr (tern_store_message_get_subject (message), ==, "Message number 9");
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ui_selection ()), 9, TRUE);
  wait_card_shows (id, NULL);
  card = tern_ui_message_view_find_card (reader (), id);
  text = html_text (card);
  g_test_message ("HTML text: %s", text);
  g_assert_nonnull (strstr (text, "Quarterly news"));
  g_assert_nonnull (strstr (text, "Body of message 9, in HTML."));
  g_assert_true (tern_ui_message_card_get_remote_blocked (card));
  g_assert_true (ui_wait_until (message_has_flag, message, 10000));
  screenshot ("tern-mail-window-html.png");
}

static void
test_new_mail_keeps_selection_and_scroll (void)
{
  GtkWidget *list_view = GTK_WIDGET (tern_ui_message_list_get_list_view (ui_message_list ()));
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (tern_ui_message_list_get_scrolled_window (ui_message_list ()));
  g_autoptr(TernStoreMessage) selected = NULL;
  g_autoptr(GError) error = NULL;
  graphene_rect_t before, after;
  gint64 id;
  int status;
  guint n = n_rows ();

  /* Scroll down and select a row in the middle. */
  gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", 25);
  ui_settle (300);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ui_selection ()), 20, TRUE);
  g_assert_true (ui_wait_until (row_loaded, GUINT_TO_POINTER (20), 10000));
  ui_settle (300);
  selected = item_at (20);
  id = row_id_at (20);
  g_assert_true (gtk_widget_compute_bounds (row_widget (id), list_view, &before));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), >, 0);
  g_test_message ("before: row %g, scrolled %g", before.origin.y, gtk_adjustment_get_value (vadj));

  /* New mail, delivered on the server while the window runs (IDLE brings it). */
  g_assert_true (g_spawn_command_line_sync (g_getenv ("TERN_TEST_DELIVER"), NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  if (!ui_wait_until (list_has_rows, GUINT_TO_POINTER (n + 1), 30000))
    {
      g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
      g_assert_true (ui_wait_until (list_has_rows, GUINT_TO_POINTER (n + 1), 60000));
    }
  ui_settle (500);
  {
    g_autoptr(TernStoreMessage) top = item_at (0);

    g_assert_true (ui_wait_until (row_loaded, GUINT_TO_POINTER (0), 1) || tern_store_message_is_loaded (top) ||
                   TRUE);
  }

  /* The same message is selected, alone, and still shown where it was. */
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (ui_selection ()), ==, 1);
  g_assert_true (tern_ui_id_selection_is_id_selected (ui_selection (), id));
  g_assert_cmpint (tern_ui_id_selection_find (ui_selection (), id), ==, 21);
  g_assert_true (gtk_selection_model_is_selected (GTK_SELECTION_MODEL (ui_selection ()), 21));
  g_assert_nonnull (row_widget (id));
  g_assert_true (gtk_widget_compute_bounds (row_widget (id), list_view, &after));
  g_test_message ("after: row %g, scrolled %g", after.origin.y, gtk_adjustment_get_value (vadj));
  g_assert_cmpfloat (ABS (after.origin.y - before.origin.y), <, 2);
  g_assert_nonnull (tern_ui_message_view_find_card (reader (), tern_store_message_get_id (selected)));

  /* ... and a notification, through the desktop's notification service. */
  g_assert_true (ui_wait_until (notified, NULL, 10000));
  g_test_message ("notification: %s — %s", last_summary, last_body);
  g_assert_cmpstr (last_summary, ==, "Carol New");
  g_assert_cmpstr (last_body, ==, "A new arrival");
  g_assert_cmpuint (tern_ui_notifier_get_n_sent (tern_ui_application_get_notifier (app)), ==, 1);
}

static gboolean
row_is_unread (gpointer data)
{
  GtkWidget *item = row_widget (*(gint64 *) data);

  return item != NULL && gtk_widget_has_css_class (gtk_widget_get_first_child (item), "unread");
}

static void
test_star_and_unread (void)
{
  g_autoptr(TernStoreMessage) message = item_at (21);
  gint64 id = row_id_at (21);
  GtkWidget *row = gtk_widget_get_first_child (row_widget (id));

  g_assert_false (tern_store_message_get_flags (message) & TERN_STORE_FLAG_FLAGGED);
  /* The row's star (what a click on it does). */
  g_assert_true (gtk_widget_activate_action (row, "message-list.toggle-star", "x", id));
  while (!(tern_store_message_get_flags (message) & TERN_STORE_FLAG_FLAGGED))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (tern_ui_message_row_get_accessible_text (TERN_UI_MESSAGE_ROW (row)), ", starred"));
  /* Mark as unread (Ctrl+U), with an undo toast. */
  g_assert_true (tern_store_message_get_flags (message) & TERN_STORE_FLAG_SEEN);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.mark-unread", NULL));
  while (tern_store_message_get_flags (message) & TERN_STORE_FLAG_SEEN)
    g_main_context_iteration (NULL, TRUE);
  /* The row for that message shows it (the list may have rebound another widget to it). */
  g_assert_true (ui_wait_until (row_is_unread, &id, 10000));
}

static void
test_search (void)
{
  GtkWidget *search_bar = ui_child ("search_bar");

  tern_ui_window_search (win, "quokka", FALSE);
  g_assert_true (gtk_search_bar_get_search_mode (GTK_SEARCH_BAR (search_bar)));
  g_assert_true (ui_wait_until (list_has_rows, GUINT_TO_POINTER (1), 10000));
  g_assert_nonnull (strstr (tern_ui_message_list_get_query (ui_message_list ()), "quokka"));
  g_assert_true (ui_wait_until (row_loaded, GUINT_TO_POINTER (0), 10000));
  {
    g_autoptr(TernStoreMessage) found = item_at (0);

    g_assert_cmpstr (tern_store_message_get_subject (found), ==, "Message number 7");
  }
  screenshot ("tern-mail-window-search.png");

  /* Every account. */
  tern_ui_window_search (win, "from:carol", TRUE);
  g_assert_true (ui_wait_until (list_in_state, GINT_TO_POINTER (TERN_UI_MESSAGE_LIST_ROWS), 10000));
  ui_settle (300);
  /* Carol's ten messages and the new arrival from carol.new@. */
  g_assert_cmpuint (n_rows (), ==, N_INBOX / 4 + 1);

  tern_ui_window_search (win, "zanzibarquux", FALSE);
  g_assert_true (ui_wait_until (list_in_state, GINT_TO_POINTER (TERN_UI_MESSAGE_LIST_NO_RESULTS), 10000));
  g_assert_nonnull (find_label (GTK_WIDGET (win), "No Results"));
  screenshot ("tern-mail-window-no-results.png");

  tern_ui_window_search (win, "is:bogus", FALSE);
  g_assert_true (ui_wait_until (list_in_state, GINT_TO_POINTER (TERN_UI_MESSAGE_LIST_ERROR), 10000));
  g_assert_nonnull (find_label (GTK_WIDGET (win), "Invalid Search"));
  g_assert_error (tern_ui_message_list_get_error (ui_message_list ()), TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY);

  /* Escape: back to the folder, the selection as it was. */
  gtk_search_bar_set_search_mode (GTK_SEARCH_BAR (search_bar), FALSE);
  g_assert_true (ui_wait_until (list_has_rows, GUINT_TO_POINTER (N_INBOX + 2), 10000));
  g_assert_null (tern_ui_message_list_get_query (ui_message_list ()));
}

/* The conversation of three: one row (the newest message, the count, who wrote);
 * with conversations off, three rows. */
static void
test_conversations (void)
{
  GSettings *settings = tern_ui_application_get_settings (app);
  guint n = n_rows ();
  guint last = n - 1;
  gint64 before = tern_ui_id_selection_get_cursor_id (ui_selection ());
  g_autoptr(TernStoreMessage) latest = NULL;
  const char *text;

  g_assert_true (tern_ui_message_list_get_conversations (ui_message_list ()));
  gtk_widget_activate_action (GTK_WIDGET (tern_ui_message_list_get_list_view (ui_message_list ())),
                              "list.scroll-to-item", "u", last);
  g_assert_true (ui_wait_until (row_loaded, GUINT_TO_POINTER (last), 10000));
  ui_settle (300);
  g_test_message ("scrolled to %g of %g", gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (tern_ui_message_list_get_scrolled_window (ui_message_list ()))),
                  gtk_adjustment_get_upper (gtk_scrolled_window_get_vadjustment (tern_ui_message_list_get_scrolled_window (ui_message_list ()))));
  latest = item_at (last);
  g_assert_cmpstr (tern_store_message_get_subject (latest), ==, "Re: Trip plans");
  text = tern_ui_message_row_get_accessible_text (TERN_UI_MESSAGE_ROW (gtk_widget_get_first_child (row_widget (row_id_at (last)))));
  g_test_message ("conversation: %s", text);
  g_assert_true (g_str_has_prefix (text, "Erin, Dave Doe, Bob Builder, Re: Trip plans, "));
  g_assert_nonnull (strstr (text, ", 3 messages"));

  /* Opened: its three messages in date order, the newest expanded; their bodies were
   * not downloaded (older than the account's 60 days): fetched now, from the server. */
  g_assert_false (tern_store_message_get_has_body (latest));
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (ui_selection ()), last, TRUE);
  wait_card_shows (tern_store_message_get_id (latest), "Count me in.");
  g_assert_cmpuint (tern_ui_message_view_get_n_cards (reader ()), ==, N_THREAD);
  {
    TernUiMessageCard *first = tern_ui_message_view_get_card (reader (), 0);
    TernUiMessageCard *newest = tern_ui_message_view_get_card (reader (), N_THREAD - 1);

    g_assert_cmpint (tern_ui_message_card_get_message_id (newest), ==, tern_store_message_get_id (latest));
    g_assert_true (tern_ui_message_card_get_expanded (newest));
    g_assert_false (tern_ui_message_card_get_expanded (first));
    g_assert_cmpstr (tern_store_message_get_subject (tern_ui_message_card_get_message (first)), ==, "Trip plans");
    /* A collapsed message opens with a click: its body fetched too. */
    tern_ui_message_card_set_expanded (first, TRUE);
    wait_card_shows (tern_ui_message_card_get_message_id (first), "Shall we go?");
    /* ... and has room for it: its text body at least a line high (it was left
     * 0 high, an empty gap under the header), once laid out: up to 10 s on a busy
     * machine (a fixed 0.3 s was once too short in the sanitizer build). */
    for (guint i = 0; i < N_THREAD; i += N_THREAD - 1)
      {
        TernUiMessageCard *card;
        GPtrArray *bodies;
        GtkWidget *body;
        g_autoptr(PangoLayout) line = NULL;
        int line_height = 0;

        ui_wait_until (card_body_has_line, GUINT_TO_POINTER (i), 10000);
        card = tern_ui_message_view_get_card (reader (), i);
        bodies = _tern_ui_message_card_get_text_bodies (card);
        g_assert_cmpuint (bodies->len, ==, 1);
        body = g_ptr_array_index (bodies, 0);
        line = gtk_widget_create_pango_layout (body, "Xy");
        pango_layout_get_pixel_size (line, NULL, &line_height);
        g_assert_cmpint (line_height, >, 0);
        g_test_message ("card %u: text body %d×%d, a line %d high", i, gtk_widget_get_width (body),
                        gtk_widget_get_height (body), line_height);
        g_assert_cmpint (gtk_widget_get_height (body), >=, line_height);
      }
  }
  screenshot ("tern-mail-window-conversation.png");

  g_settings_set_boolean (settings, "conversations", FALSE);
  g_assert_true (ui_wait_until (list_has_rows, GUINT_TO_POINTER (n + N_THREAD - 1), 10000));
  g_assert_false (tern_ui_message_list_get_conversations (ui_message_list ()));
  g_settings_set_boolean (settings, "conversations", TRUE);
  g_assert_true (ui_wait_until (list_has_rows, GUINT_TO_POINTER (n), 10000));
  /* The selection as it was, for the tests after. */
  tern_ui_id_selection_select_id (ui_selection (), before, TRUE);
  tern_ui_message_list_focus_id (ui_message_list (), before);
  ui_settle (300);
}

static gboolean
is_named (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
      gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL)
    return TRUE;
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_label (GTK_MENU_BUTTON (widget)) != NULL)
    return TRUE;
  return FALSE;
}

/* Every control (button, toggle, switch, entry, list) and every list row shown has
 * an accessible name. */
static void
check_names (GtkWidget *widget, guint *n_checked)
{
  gboolean control = GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SWITCH (widget) ||
                     GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_LIST_VIEW (widget) ||
                     GTK_IS_TEXT_VIEW (widget);
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (!gtk_widget_get_mapped (widget))
    return;
  /* A button inside a menu button or a list item: its parent carries the name. */
  if (control && !(GTK_IS_BUTTON (widget) && parent != NULL && GTK_IS_MENU_BUTTON (parent)))
    {
      if (!is_named (widget))
        g_error ("%s (%s) has no accessible name", G_OBJECT_TYPE_NAME (widget),
                 gtk_widget_get_name (widget));
      (*n_checked)++;
    }
  if (parent != NULL && GTK_IS_LIST_VIEW (parent))
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("a row of a %s has no accessible name", G_OBJECT_TYPE_NAME (parent));
      (*n_checked)++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_names (c, n_checked);
}

static void
test_accessible_names (void)
{
  guint n_checked = 0;

  check_names (GTK_WIDGET (win), &n_checked);
  g_test_message ("%u controls and rows checked: all named", n_checked);
  g_assert_cmpuint (n_checked, >, 30);
}

/* Tab reaches every pane's controls; Down moves through the list. */
static void
test_keyboard (void)
{
  GtkWidget *list_view = GTK_WIDGET (tern_ui_message_list_get_list_view (ui_message_list ()));
  GtkWidget *sidebar_list = GTK_WIDGET (tern_ui_sidebar_get_list_view (ui_child ("sidebar")));
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);
  gboolean in_sidebar = FALSE, in_list = FALSE, in_reader = FALSE;
  const char *buttons[] = { "primary_menu_button", "sync_button", "search_button", "star_button", "unread_button" };
  guint position;

  gtk_widget_grab_focus (sidebar_list);
  for (int i = 0; i < 80; i++)
    {
      GtkWidget *focus;

      gtk_widget_child_focus (GTK_WIDGET (win), GTK_DIR_TAB_FORWARD);
      focus = gtk_root_get_focus (GTK_ROOT (win));
      for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
        g_hash_table_add (reached, w);
      if (focus != NULL && gtk_widget_is_ancestor (focus, sidebar_list))
        in_sidebar = TRUE;
      if (focus != NULL && gtk_widget_is_ancestor (focus, list_view))
        in_list = TRUE;
      if (focus != NULL && gtk_widget_is_ancestor (focus, ui_child ("reader")))
        in_reader = TRUE;
    }
  g_assert_true (in_sidebar);
  g_assert_true (in_list);
  g_assert_true (in_reader);
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, buttons[i]));

      if (button == NULL)
        button = GTK_WIDGET (ui_child (buttons[i]));
      if (gtk_widget_is_sensitive (button))
        g_assert_true (g_hash_table_contains (reached, button) ||
                       (GTK_IS_MENU_BUTTON (button) && g_hash_table_contains (reached, gtk_widget_get_first_child (button))));
    }

  /* Down in the list moves the focus one row (the real Down key, which also
   * selects, is pressed through xdotool in atspi-check.py). */
  tern_ui_message_list_focus_id (ui_message_list (), tern_ui_id_selection_get_cursor_id (ui_selection ()));
  ui_settle (100);
  position = (guint) tern_ui_id_selection_find (ui_selection (), tern_ui_id_selection_get_cursor_id (ui_selection ()));
  g_assert_true (gtk_widget_child_focus (list_view, GTK_DIR_DOWN));
  ui_settle (300);
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (win));
    GtkWidget *row = focus != NULL && !TERN_UI_IS_MESSAGE_ROW (focus) ? gtk_widget_get_first_child (focus) : focus;

    /* The focused row (which the list may not have scrolled to yet). */
    g_assert_nonnull (row);
    g_assert_true (TERN_UI_IS_MESSAGE_ROW (row));
    g_assert_true (gtk_widget_is_ancestor (row, list_view));
    g_assert_cmpint (tern_ui_id_selection_get_item_id (tern_ui_message_row_get_item (TERN_UI_MESSAGE_ROW (row))), ==,
                     row_id_at (position + 1));
  }
}

static void
test_narrow (void)
{
  GtkWidget *panes[] = { ui_child ("sidebar_pane"), ui_child ("list_pane"), ui_child ("reader_pane") };
  gint64 selected = tern_ui_id_selection_get_cursor_id (ui_selection ());
  guint shown = 0;
  int position;

  /* As narrow as a phone. */
  gtk_window_set_default_size (GTK_WINDOW (win), 360, 640);
  g_assert_true (ui_wait_until (folded, GINT_TO_POINTER (TRUE), 5000));
  ui_settle (500);
  /* Once folded, the window may narrow further. */
  gtk_window_set_default_size (GTK_WINDOW (win), 360, 640);
  ui_settle (300);
  g_test_message ("window width folded: %d px", gtk_widget_get_width (GTK_WIDGET (win)));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (win)), <=, 360);
  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    if (gtk_widget_get_child_visible (panes[i]) && gtk_widget_get_mapped (panes[i]))
      shown++;
  g_assert_cmpuint (shown, ==, 1);
  screenshot ("tern-mail-window-narrow.png");

  /* Folded: opening a message shows the reader, Back the list, the selection kept. */
  adw_leaflet_set_visible_child_name (ui_child ("outer"), "inner");
  adw_leaflet_set_visible_child_name (ui_child ("inner"), "list");
  ui_settle (400);
  position = tern_ui_id_selection_find (ui_selection (), selected);
  g_assert_cmpint (position, >=, 0);
  gtk_widget_activate_action (GTK_WIDGET (tern_ui_message_list_get_list_view (ui_message_list ())),
                              "list.activate-item", "u", (guint) position);
  ui_settle (400);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ui_child ("outer")), ==, "reader");
  screenshot ("tern-mail-window-narrow-reader.png");
  /* The reader's header bar keeps Reply, Archive and Trash; the rest is in More. */
  {
    GtkWidget *reply = gtk_widget_get_first_child (gtk_widget_get_parent (ui_child ("reply_all_button")));

    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (reply)), ==, "win.reply");
    g_assert_true (gtk_widget_get_mapped (reply));
  }
  g_assert_false (gtk_widget_get_visible (ui_child ("reply_all_button")));
  g_assert_false (gtk_widget_get_visible (ui_child ("junk_button")));
  g_assert_false (gtk_widget_get_visible (ui_child ("move_button")));
  g_assert_false (gtk_widget_get_visible (ui_child ("star_button")));
  g_assert_true (gtk_widget_get_mapped (ui_child ("more_button")));
  g_assert_true (ui_is_named (ui_child ("more_button")));
  gtk_menu_button_popup (GTK_MENU_BUTTON (ui_child ("more_button")));
  ui_settle (300);
  g_assert_nonnull (ui_find_label_with (ui_child ("more_button"), "Move to a Folder…"));
  g_assert_nonnull (ui_find_label_with (ui_child ("more_button"), "Reply to All"));
  ui_x_screenshot (GTK_WIDGET (win), "tern-mail-window-narrow-more.png");
  gtk_menu_button_popdown (GTK_MENU_BUTTON (ui_child ("more_button")));
  ui_settle (200);
  /* Its Move to a Folder… opens the folder popover from the More button. */
  ui_activate ("mail.move", NULL);
  ui_settle (300);
  {
    GtkWidget *popover = gtk_widget_get_last_child (ui_child ("more_button"));
    gboolean popped_up = FALSE;

    for (; popover != NULL; popover = gtk_widget_get_prev_sibling (popover))
      if (GTK_IS_POPOVER (popover) && !GTK_IS_POPOVER_MENU (popover) && gtk_widget_get_mapped (popover))
        {
          popped_up = TRUE;
          gtk_popover_popdown (GTK_POPOVER (popover));
        }
    g_assert_true (popped_up);
  }
  ui_settle (200);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-list", NULL));
  ui_settle (400);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ui_child ("outer")), ==, "inner");
  g_assert_true (tern_ui_id_selection_is_id_selected (ui_selection (), selected));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-folders", NULL));
  ui_settle (400);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (ui_child ("inner")), ==, "sidebar");

  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  g_assert_true (ui_wait_until (folded, GINT_TO_POINTER (FALSE), 5000));
  ui_settle (300);
  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    g_assert_true (gtk_widget_get_mapped (panes[i]));
  screenshot ("tern-mail-window-unfolded.png");
}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_settings_set_string (tern_ui_application_get_settings (app), "style-variant", "dark");
  ui_settle (300);
  g_assert_true (adw_style_manager_get_dark (style));
  ui_x_screenshot (GTK_WIDGET (win), "tern-mail-window-dark.png");
  g_settings_set_string (tern_ui_application_get_settings (app), "style-variant", "default");
  ui_settle (100);
  g_assert_false (adw_style_manager_get_dark (style));
}

static void
test_preferences (void)
{
  GtkWindow *preferences;
  GSettings *settings = tern_ui_application_get_settings (app);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  ui_settle (300);
  preferences = GTK_WINDOW (g_list_model_get_item (gtk_window_get_toplevels (), 0));
  g_object_unref (preferences);
  for (guint i = 0; i < g_list_model_get_n_items (gtk_window_get_toplevels ()); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (gtk_window_get_toplevels (), i);

      if (ADW_IS_PREFERENCES_WINDOW (w))
        preferences = w;
    }
  g_assert_true (ADW_IS_PREFERENCES_WINDOW (preferences));
  {
    g_autofree char *path = ui_screenshot_save (adw_window_get_content (ADW_WINDOW (preferences)),
                                                "tern-preferences.png");
    g_test_message ("screenshot: %s", path);
  }
  g_assert_cmpfloat (g_settings_get_double (settings, "mark-read-delay"), ==, 0.5);
  gtk_window_destroy (preferences);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  /* g_test_init() names the program by its full path; WebKit's sandbox makes
   * folders from the name and fails on a path. */
  g_set_prgname ("test-mail-window");
  tern_engine_init ();
  ui_webkit_warm_up ();
  own_notifications ();
  /* No animations: a leaflet's transition would be half way in a screenshot. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  win = tern_ui_window_new (app);
  ui_window_use (app, win);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/mail-window/sync", test_sync);
  g_test_add_func ("/ui/mail-window/sidebar", test_sidebar);
  g_test_add_func ("/ui/mail-window/folder", test_folder);
  g_test_add_func ("/ui/mail-window/read", test_read);
  g_test_add_func ("/ui/mail-window/read-html", test_read_html);
  g_test_add_func ("/ui/mail-window/new-mail-keeps-selection-and-scroll", test_new_mail_keeps_selection_and_scroll);
  g_test_add_func ("/ui/mail-window/star-and-unread", test_star_and_unread);
  g_test_add_func ("/ui/mail-window/search", test_search);
  g_test_add_func ("/ui/mail-window/conversations", test_conversations);
  g_test_add_func ("/ui/mail-window/accessible-names", test_accessible_names);
  g_test_add_func ("/ui/mail-window/keyboard", test_keyboard);
  g_test_add_func ("/ui/mail-window/narrow", test_narrow);
  g_test_add_func ("/ui/mail-window/dark", test_dark);
  g_test_add_func ("/ui/mail-window/preferences", test_preferences);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  g_free (last_summary);
  g_free (last_body);
  return ret;
}
