/* test-composer.c: the composer and the outbox with a real account, in process,
 * under Xvfb
 *
 * Run by test-composer.sh, which fills alice's mailbox on the harness's Dovecot, adds
 * the account through a proxy that can take the servers offline ($TERN_TEST_OFFLINE,
 * $TERN_TEST_ONLINE), and gives $TERN_TEST_IMAP to look at any mailbox on the server.
 * Every message goes through the real Postfix into the real Dovecot, and is read
 * back from there: the headers, the text, the attachments' bytes, the non-ASCII
 * names and subject are what was written. Screenshots of each state.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <adwaita.h>
#include <gmime/gmime.h>

#include "tern-engine.h"
#include "tern-mail.h"
#include "tern-outbox-flowed.h"
#include "tern-store-thread.h"
#include "tern-ui-address-entry.h"
#include "tern-ui-application.h"
#include "tern-ui-attachment-list.h"
#include "tern-ui-composer.h"
#include "tern-ui-identity.h"
#include "tern-ui-message-list.h"
#include "tern-ui-outbox-view.h"
#include "tern-ui-sidebar.h"
#include "tern-ui-window.h"
#include "ui-screenshot.h"
#include "ui-window.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

static TernUiApplication *app;
static TernUiWindow *win;

/* ---- helpers ------------------------------------------------------------------------ */

/* For conditions that ask the server (a process each time): not more than twice a second. */
static gboolean
poll_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (cond (data))
        return TRUE;
      ui_settle (500);
    }
  return cond (data);
}

static gpointer
win_child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static gpointer
composer_child (TernUiComposer *composer, const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (composer), TERN_UI_TYPE_COMPOSER, name);

  g_assert_nonnull (object);
  return object;
}

static GtkWidget *
find_widget (GtkWidget *root, gboolean (*match) (GtkWidget *, gconstpointer), gconstpointer data)
{
  if (gtk_widget_get_mapped (root) && match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_button (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_button_named (GtkWidget *widget, gconstpointer prefix)
{
  const char *tooltip = GTK_IS_BUTTON (widget) ? gtk_widget_get_tooltip_text (widget) : NULL;

  return tooltip != NULL && g_str_equal (tooltip, prefix);
}

typedef struct
{
  TernUiComposer *composer;
  int             offset;
} BodyLine;

static gboolean
body_line_in_sight (gpointer data)
{
  BodyLine *line = data;
  GtkTextView *view = composer_child (line->composer, "body_view");
  GtkTextIter iter;
  GdkRectangle location, visible;

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, line->offset);
  gtk_text_view_get_iter_location (view, &iter, &location);
  gtk_text_view_get_visible_rect (view, &visible);
  return location.y >= visible.y && location.y + location.height <= visible.y + visible.height;
}

/* The body as a person sees it: the line at @offset (where the text starts, where the
 * cursor is) and the line holding @text inside the text view's visible area, not
 * scrolled past; the text not shifted sideways either. */
static void
assert_body_line_shown (TernUiComposer *composer, int offset, const char *text)
{
  GtkTextView *view = composer_child (composer, "body_view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  GtkTextIter iter, match_end;
  GdkRectangle location, visible;
  int x, y;

  if (text != NULL)
    {
      gtk_text_buffer_get_start_iter (buffer, &iter);
      g_assert_true (gtk_text_iter_forward_search (&iter, text, 0, &iter, &match_end, NULL));
    }
  else
    gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  gtk_text_view_get_iter_location (view, &iter, &location);
  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, location.x, location.y, &x, &y);
  g_test_message ("body line %d/%s: buffer %d,%d (%dx%d), in the view at %d,%d; visible %d,%d %dx%d; "
                  "view %dx%d; vadjustment %g of %g, page %g",
                  offset, text != NULL ? text : "-", location.x, location.y, location.width, location.height, x, y,
                  visible.x, visible.y, visible.width, visible.height,
                  gtk_widget_get_width (GTK_WIDGET (view)), gtk_widget_get_height (GTK_WIDGET (view)),
                  gtk_adjustment_get_value (vadjustment), gtk_adjustment_get_upper (vadjustment),
                  gtk_adjustment_get_page_size (vadjustment));
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (view)), >, 100);
  /* Inside the visible rectangle, whole... */
  g_assert_cmpint (location.y, >=, visible.y);
  g_assert_cmpint (location.y + location.height, <=, visible.y + visible.height);
  /* ... and so inside the widget, the text's margins where they belong. */
  g_assert_cmpint (y, >=, gtk_text_view_get_top_margin (view));
  g_assert_cmpint (y + location.height, <=, gtk_widget_get_height (GTK_WIDGET (view)));
  g_assert_cmpint (x, >=, gtk_text_view_get_left_margin (view));
}

/* ---- the server ---------------------------------------------------------------------------- */

static char *
imap (const char *user, const char *command, const char *folder, const char *arg)
{
  g_autofree char *quoted = g_shell_quote (arg != NULL ? arg : "");
  g_autofree char *quoted_folder = g_shell_quote (folder);
  g_autofree char *cmd = g_strdup_printf ("%s %s %s %s %s", g_getenv ("TERN_TEST_IMAP"), user, command,
                                          quoted_folder, quoted);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, &error));
  g_assert_no_error (error);
  return status == 0 ? g_steal_pointer (&out) : NULL;
}

static int
server_count (const char *user, const char *folder, const char *subject)
{
  g_autofree char *out = imap (user, "count", folder, subject);

  return out != NULL ? atoi (out) : -1;
}

typedef struct
{
  const char *user, *folder, *subject;
  int         n;
} Count;

static gboolean
count_is (gpointer data)
{
  Count *c = data;

  return server_count (c->user, c->folder, c->subject) == c->n;
}

static gboolean
server_has (const char *user, const char *folder, const char *subject, int n, guint timeout_ms)
{
  Count c = { user, folder, subject, n };

  return poll_until (count_is, &c, timeout_ms);
}

static GMimeMessage *
server_fetch (const char *user, const char *folder, const char *subject)
{
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  g_autofree char *quoted = g_shell_quote (subject);
  gsize length = 0;
  int status = 0;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;

  cmd = g_strdup_printf ("%s %s fetch %s %s", g_getenv ("TERN_TEST_IMAP"), user, folder, quoted);
  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  length = strlen (out);
  stream = g_mime_stream_mem_new_with_buffer (out, length);
  parser = g_mime_parser_new_with_stream (stream);
  message = g_mime_parser_construct_message (parser, NULL);
  g_object_unref (parser);
  g_object_unref (stream);
  g_assert_nonnull (message);
  return message;
}

typedef struct
{
  const char *message_id;
  const char *flag;
} Flag;

static gboolean
has_flag (gpointer data)
{
  Flag *f = data;
  g_autofree char *out = imap ("alice", "flags", "INBOX", f->message_id);

  return out != NULL && strstr (out, f->flag) != NULL;
}

static void
run (const char *variable)
{
  int status = -1;

  g_assert_true (g_spawn_command_line_sync (g_getenv (variable), NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
}

static GBytes *
part_bytes (GMimePart *part)
{
  GMimeStream *out = g_mime_stream_mem_new ();
  GByteArray *array;
  GBytes *bytes;

  g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (part), out);
  array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (out));
  bytes = g_bytes_new (array->data, array->len);
  g_object_unref (out);
  return bytes;
}

static char *
part_text (GMimePart *part)
{
  g_autofree char *text = g_mime_text_part_get_text (GMIME_TEXT_PART (part));
  GString *lf = g_string_new (NULL);
  g_autofree char *plain = NULL;

  for (const char *p = text; *p != '\0'; p++)
    if (*p != '\r')
      g_string_append_c (lf, *p);
  plain = g_string_free (lf, FALSE);
  return tern_outbox_flowed_decode (plain, FALSE);
}

static TernMail *
mail (void)
{
  return tern_ui_application_get_mail (app);
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
composer_shown (gpointer data)
{
  TernUiComposer *composer = newest_composer ();

  return composer != NULL && composer != data && tern_ui_composer_get_ready (composer);
}

/* Activates @action on the main window; returns the composer it opens, ready. */
static TernUiComposer *
open_composer (const char *action)
{
  TernUiComposer *before = newest_composer ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), action, NULL));
  g_assert_true (ui_wait_until (composer_shown, before, 20000));
  return newest_composer ();
}

static gboolean
pointer_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Runs @action on @composer and waits until the window is destroyed (sent, discarded,
 * or closed and saved): it may be at once. */
static void
act_and_wait_gone (TernUiComposer *composer, const char *action)
{
  gpointer weak = composer;

  g_object_add_weak_pointer (G_OBJECT (composer), &weak);
  if (action != NULL)
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), action, NULL));
  else
    gtk_window_close (GTK_WINDOW (composer));
  g_assert_true (ui_wait_until (pointer_gone, &weak, 30000));
}

static void
discard (TernUiComposer *composer)
{
  act_and_wait_gone (composer, "composer.discard");
}

static void
send_and_wait (TernUiComposer *composer)
{
  act_and_wait_gone (composer, "composer.send");
}

static void
type_in (GtkWidget *editable, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  gtk_editable_set_position (GTK_EDITABLE (editable), -1);
}

static void
set_body (TernUiComposer *composer, const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (composer_child (composer, "body_view"));
  GtkTextIter start;

  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_insert (buffer, &start, text, -1);
}

static char *
get_body (TernUiComposer *composer)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (composer_child (composer, "body_view"));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
send (TernUiComposer *composer)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (composer), "composer.send", NULL));
}

static gboolean
dialog_gone (gpointer data)
{
  return ui_find_dialog () == NULL;
}

/* Selects the message with @subject in @folder_id's list (one row per message). */
static gint64 inbox_id, drafts_id;

typedef struct
{
  const char *subject;
  gint64      id;
} Find;

static gboolean
row_found (gpointer data)
{
  Find *find = data;
  TernUiMessageList *list = win_child ("message_list");
  GListModel *model = G_LIST_MODEL (tern_ui_message_list_get_selection (list));

  if (tern_ui_message_list_get_state (list) != TERN_UI_MESSAGE_LIST_ROWS)
    return FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (TERN_IS_STORE_MESSAGE (item) && tern_store_message_is_loaded (TERN_STORE_MESSAGE (item)) &&
          g_strcmp0 (tern_store_message_get_subject (TERN_STORE_MESSAGE (item)), find->subject) == 0)
        {
          find->id = tern_store_message_get_id (TERN_STORE_MESSAGE (item));
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
current_is (gpointer data)
{
  g_autoptr(TernStoreMessage) message = tern_ui_window_get_current_message (win);

  return message != NULL && tern_store_message_get_id (message) == *(gint64 *) data;
}

static gint64
select_message (gint64 folder_id, const char *subject)
{
  TernUiMessageList *list = win_child ("message_list");
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (list);
  Find find = { subject, 0 };

  tern_ui_window_show_folder (win, folder_id);
  g_assert_true (ui_wait_until (row_found, &find, 20000));
  tern_ui_id_selection_select_id (selection, find.id, TRUE);
  g_assert_true (ui_wait_until (current_is, &find.id, 10000));
  return find.id;
}

/* ---- the tests ------------------------------------------------------------------------------ */

static void
test_sync (void)
{
  GListModel *folders;

  g_assert_true (ui_wait_until (ui_mail_loaded, NULL, 20000));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 120000));
  /* One message per row: a reply acts on the message selected. */
  g_settings_set_boolean (tern_ui_application_get_settings (app), "conversations", FALSE);
  folders = tern_ui_sidebar_get_model (win_child ("sidebar"));
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (folders, i);
      g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);
      TernStoreFolder *folder = tern_ui_sidebar_item_get_folder (item);

      if (folder != NULL && tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_INBOX)
        inbox_id = tern_store_folder_get_id (folder);
      if (folder != NULL && tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_DRAFTS)
        drafts_id = tern_store_folder_get_id (folder);
    }
  g_assert_cmpint (inbox_id, >, 0);
  g_assert_cmpint (drafts_id, >, 0);
}

/* A new message: its own window, titled "New Message", From the account (its name
 * and address), the cursor in To. */
static void
test_new (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  GtkDropDown *from = composer_child (composer, "from_dropdown");
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (composer));
  GtkWidget *fields[] = { composer_child (composer, "to_entry"), composer_child (composer, "subject_entry"),
                          composer_child (composer, "body_view"), composer_child (composer, "send_button") };
  g_autoptr(GHashTable) reached = g_hash_table_new (NULL, NULL);
  g_autofree char *from_text = NULL;

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (composer)), ==, "New Message");
  from_text = tern_ui_identity_dup_from (gtk_drop_down_get_selected_item (from));
  g_assert_cmpstr (from_text, ==, "Alice Ærø <alice@tern.test>");
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, fields[0]));
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-new.png");

  /* The title follows the subject. */
  type_in (fields[1], "Plans für Köln");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (composer)), ==, "Plans für Köln");
  type_in (fields[1], "");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (composer)), ==, "New Message");

  /* The keyboard reaches every field, and the Send button. */
  gtk_widget_grab_focus (GTK_WIDGET (from));
  for (int i = 0; i < 40; i++)
    {
      gtk_widget_child_focus (GTK_WIDGET (composer), GTK_DIR_TAB_FORWARD);
      for (GtkWidget *w = gtk_root_get_focus (GTK_ROOT (composer)); w != NULL; w = gtk_widget_get_parent (w))
        g_hash_table_add (reached, w);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    g_assert_true (g_hash_table_contains (reached, fields[i]));

  discard (composer);
}

static gboolean
completed (gpointer data)
{
  TernUiAddressEntry *entry = data;

  return !tern_ui_address_entry_get_completing (entry) &&
         g_list_model_get_n_items (tern_ui_address_entry_get_matches (entry)) > 0;
}

/* Completion: those one wrote to most first (Carol three times, Bob once), then
 * those who wrote. */
static void
test_completion (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  TernUiAddressEntry *to = composer_child (composer, "to_entry");
  GListModel *matches = tern_ui_address_entry_get_matches (to);
  g_autoptr(GString) seen = g_string_new (NULL);

  gtk_widget_grab_focus (GTK_WIDGET (to));
  type_in (GTK_WIDGET (to), "tern");
  g_assert_true (ui_wait_until (completed, to, 10000));
  for (guint i = 0; i < g_list_model_get_n_items (matches); i++)
    {
      g_autoptr(GtkStringObject) match = g_list_model_get_item (matches, i);
      g_string_append_printf (seen, "%s|", gtk_string_object_get_string (match));
    }
  g_test_message ("matches: %s", seen->str);
  g_assert_true (g_str_has_prefix (seen->str, "\"Jones, Carol\" <carol@tern.test>|Bob Builder <bob@tern.test>|"));
  g_assert_nonnull (strstr (seen->str, "Erin <erin@tern.test>"));
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-completion.png");

  /* By a word of the name, too; taking a match completes the field. */
  type_in (GTK_WIDGET (to), "Dave, bu");
  g_assert_true (ui_wait_until (completed, to, 10000));
  {
    g_autoptr(GtkStringObject) first = g_list_model_get_item (matches, 0);
    g_assert_cmpstr (gtk_string_object_get_string (first), ==, "Bob Builder <bob@tern.test>");
  }
  g_assert_true (tern_ui_address_entry_accept_match (to, 0));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (to)), ==, "Dave, Bob Builder <bob@tern.test>, ");

  discard (composer);
}

/* Send's checks: a bad address (inline), no subject, a mentioned attachment. */
static void
test_checks (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  GtkWidget *to = composer_child (composer, "to_entry");
  AdwMessageDialog *dialog;

  type_in (to, "carol, bob@tern.test");
  send (composer);
  g_assert_true (gtk_revealer_get_reveal_child (composer_child (composer, "error_revealer")));
  g_assert_cmpstr (gtk_label_get_text (composer_child (composer, "error_label")), ==, "“carol” is not an email address");
  g_assert_true (gtk_widget_has_css_class (to, "error"));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (composer)), to));
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-invalid-address.png");
  g_assert_true (newest_composer () == composer);

  type_in (to, "carol@tern.test");
  g_assert_false (gtk_widget_has_css_class (to, "error"));
  set_body (composer, "Hello Carol,\n\nsee the attached plan.\n");
  send (composer);
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  dialog = ui_find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Send Without a Subject?");
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-no-subject.png");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));   /* what clicking the button does after the response */
  g_assert_true (ui_wait_until (dialog_gone, NULL, 5000));

  type_in (composer_child (composer, "subject_entry"), "The plan");
  send (composer);
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  dialog = ui_find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Forgot the Attachment?");
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-forgot-attachment.png");
  adw_message_dialog_response (dialog, "cancel");
  gtk_window_close (GTK_WINDOW (dialog));   /* what clicking the button does after the response */
  g_assert_true (ui_wait_until (dialog_gone, NULL, 5000));
  /* Nothing was sent: the composer is still there. */
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (composer)));

  discard (composer);
}

static gboolean
attached (gpointer data)
{
  TernUiComposer *composer = data;
  TernUiAttachmentList *list = composer_child (composer, "attachments");

  return tern_ui_attachment_list_get_n_attachments (list) == 1 && !tern_ui_attachment_list_get_loading (list);
}

static const char long_paragraph[] =
  "Grüße aus Köln! This paragraph is long enough to be wrapped by format=flowed into several lines of "
  "at most seventy-two characters, and read back as one paragraph by the recipient's client: 東京 ✓.";

/* Writes a message with a file dropped on the window; it arrives as written. */
static void
test_send_with_drop (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  g_autofree char *dir = g_dir_make_tmp ("tern-composer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Überblick – Plan 2024.bin", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GMimeMessage) received = NULL;
  g_autofree char *body_before = NULL;
  g_autofree char *body_after = NULL;
  g_autofree char *expected_body = NULL;
  GMimeMultipart *mixed;
  GSList *files;
  GdkFileList *list;
  GValue value = G_VALUE_INIT;
  gboolean handled = FALSE;

  for (guint i = 0; i < 70000; i++)
    {
      guint8 b = (guint8) ((i * 7919) >> 3);
      g_byte_array_append (data, &b, 1);
    }
  g_assert_true (g_file_set_contents (path, (const char *) data->data, data->len, NULL));
  g_settings_set_int (tern_ui_application_get_settings (app), "undo-send-delay", 1);

  type_in (composer_child (composer, "to_entry"), "Bob Builder <bob@tern.test>");
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.show-cc", NULL);
  type_in (composer_child (composer, "cc_entry"), "\"Dupré, Renée\" <carol@tern.test>");
  type_in (composer_child (composer, "subject_entry"), "Grüße aus Köln — 東京 ✓");
  set_body (composer, long_paragraph);
  set_body (composer, "Hi Bob,\n\nthe plan is attached.\n\n");
  body_before = get_body (composer);

  /* The drop, as GTK hands it to the window's drop target. */
  files = g_slist_append (NULL, file);
  list = gdk_file_list_new_from_list (files);
  g_slist_free (files);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, list);
  g_signal_emit_by_name (tern_ui_composer_get_drop_target (composer), "drop", &value, 200.0, 400.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);
  g_assert_true (ui_wait_until (attached, composer, 10000));
  /* The file was attached, not pasted as its name into the text. */
  body_after = get_body (composer);
  g_assert_cmpstr (body_after, ==, body_before);
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-filled.png");

  send_and_wait (composer);
  ui_x_screenshot (GTK_WIDGET (win), "tern-composer-sent-toast.png");
  g_assert_true (server_has ("bob", "INBOX", "Grüße aus Köln", 1, 60000));

  received = server_fetch ("bob", "INBOX", "Grüße aus Köln");
  g_assert_cmpstr (g_mime_message_get_subject (received), ==, "Grüße aus Köln — 東京 ✓");
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_from (received), 0)),
                   ==, "Alice Ærø");
  g_assert_cmpstr (internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (
                     internet_address_list_get_address (g_mime_message_get_from (received), 0))), ==, "alice@tern.test");
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_to (received), 0)),
                   ==, "Bob Builder");
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_cc (received), 0)),
                   ==, "Dupré, Renée");
  g_assert_null (g_mime_object_get_header (GMIME_OBJECT (received), "Bcc"));
  mixed = GMIME_MULTIPART (g_mime_message_get_mime_part (received));
  g_assert_cmpint (g_mime_multipart_get_count (mixed), ==, 2);
  {
    GMimePart *text = GMIME_PART (g_mime_multipart_get_part (mixed, 0));
    g_autofree char *decoded = part_text (text);

    g_assert_cmpstr (g_mime_object_get_content_type_parameter (GMIME_OBJECT (text), "format"), ==, "flowed");
    /* The text ends with one line end on the wire. */
    expected_body = g_str_has_suffix (body_before, "\n") ? g_strdup (body_before) : g_strconcat (body_before, "\n", NULL);
    g_assert_cmpstr (decoded, ==, expected_body);
  }
  {
    GMimePart *attachment = GMIME_PART (g_mime_multipart_get_part (mixed, 1));
    g_autoptr(GBytes) bytes = part_bytes (attachment);

    g_assert_cmpstr (g_mime_part_get_filename (attachment), ==, "Überblick – Plan 2024.bin");
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), data->data, data->len);
  }
  /* Carol got it too (Cc), and the copy is in alice's Sent. */
  g_assert_true (server_has ("carol", "INBOX", "Grüße aus Köln", 1, 30000));
  g_assert_true (server_has ("alice", "Sent", "Grüße aus Köln", 1, 30000));
  g_unlink (path);
  g_rmdir (dir);
}

static GtkWidget *
find_undo_button (void)
{
  return find_widget (GTK_WIDGET (win), is_button, "_Undo");
}

static gboolean
undo_shown (gpointer data)
{
  return find_undo_button () != NULL;
}

static guint
count_in_file (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  for (const char *p = strstr (contents, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* Undo: the message comes back into a composer, and nothing reaches Postfix. */
static void
test_undo (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  g_autofree char *log = g_build_filename (g_getenv ("TERN_TEST_LOG_DIR"), "postfix.log", NULL);
  TernUiComposer *back;
  guint connects;

  g_settings_set_int (tern_ui_application_get_settings (app), "undo-send-delay", 5);
  type_in (composer_child (composer, "to_entry"), "bob@tern.test");
  type_in (composer_child (composer, "subject_entry"), "Undo this one");
  set_body (composer, "Not to be sent.\n");
  ui_settle (300);
  connects = count_in_file (log, "connect from");
  send_and_wait (composer);
  g_assert_true (ui_wait_until (undo_shown, NULL, 5000));
  ui_x_screenshot (GTK_WIDGET (win), "tern-composer-undo-toast.png");
  g_signal_emit_by_name (find_undo_button (), "clicked");
  g_assert_true (ui_wait_until (composer_shown, NULL, 10000));
  back = newest_composer ();
  g_assert_cmpstr (gtk_editable_get_text (composer_child (back, "subject_entry")), ==, "Undo this one");
  g_assert_cmpstr (gtk_editable_get_text (composer_child (back, "to_entry")), ==, "bob@tern.test");

  /* Past the delay: the outbox never connected. */
  ui_settle (7000);
  g_assert_cmpuint (count_in_file (log, "connect from"), ==, connects);
  g_assert_cmpint (server_count ("bob", "INBOX", "Undo this one"), ==, 0);

  discard (back);
}

static gboolean
composer_has_focus_in_body (gpointer data)
{
  TernUiComposer *composer = newest_composer ();

  return composer != NULL && tern_ui_composer_get_ready (composer) &&
         gtk_root_get_focus (GTK_ROOT (composer)) == composer_child (composer, "body_view");
}

/* A reply: to the sender, "Re:", the quote, the cursor above it; sent, the original
 * is marked answered on the server. */
static void
test_reply (void)
{
  TernUiComposer *composer;
  g_autoptr(GMimeMessage) received = NULL;
  g_autofree char *body = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter cursor;
  Flag answered = { "plain@tern.test", "\\Answered" };

  g_settings_set_int (tern_ui_application_get_settings (app), "undo-send-delay", 0);
  select_message (inbox_id, "Lunch on Friday?");
  composer = open_composer ("win.reply");
  g_assert_true (ui_wait_until (composer_has_focus_in_body, NULL, 5000));
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "to_entry")), ==, "Bob Builder <bob@tern.test>");
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "subject_entry")), ==, "Re: Lunch on Friday?");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (composer)), ==, "Re: Lunch on Friday?");
  body = get_body (composer);
  g_test_message ("reply body: %s", body);
  g_assert_nonnull (strstr (body, ", Bob Builder wrote:\n> Shall we have lunch on Friday?\n>\n> Bob\n"));
  buffer = gtk_text_view_get_buffer (composer_child (composer, "body_view"));
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&cursor), ==, 0);
  /* The cursor in sight: the text shown from its start (the cursor's line at the top,
   * then the attribution), not scrolled to the quote's end. */
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-reply.png");
  assert_body_line_shown (composer, 0, NULL);
  assert_body_line_shown (composer, 0, "Bob Builder wrote:");
  assert_body_line_shown (composer, 0, "> Shall we have lunch on Friday?");

  set_body (composer, "Yes, Friday at noon.");
  send_and_wait (composer);
  g_assert_true (server_has ("bob", "INBOX", "Re: Lunch on Friday?", 1, 60000));
  received = server_fetch ("bob", "INBOX", "Re: Lunch on Friday?");
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (received), "In-Reply-To"), ==, "<plain@tern.test>");
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (received), "References"), ==, "<plain@tern.test>");
  g_assert_true (poll_until (has_flag, &answered, 30000));
}

/* Reply All to a list's message in ISO-8859-1: to its Reply-To, the quote decoded. */
static void
test_reply_all (void)
{
  TernUiComposer *composer;
  g_autofree char *body = NULL;

  select_message (inbox_id, "Café menu");
  composer = open_composer ("win.reply-all");
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "to_entry")), ==, "Team <team@tern.test>");
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "subject_entry")), ==, "Re: Café menu");
  body = get_body (composer);
  g_assert_nonnull (strstr (body, "Dave wrote:\n> Le café est fermé lundi.\n"));
  discard (composer);
}

/* Forward: the attachment kept; the original gets $Forwarded on the server. */
static void
test_forward (void)
{
  TernUiComposer *composer;
  g_autoptr(GMimeMessage) received = NULL;
  GMimeMultipart *mixed;
  Flag forwarded = { "attach@tern.test", "$Forwarded" };

  select_message (inbox_id, "The report");
  composer = open_composer ("win.forward");
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "subject_entry")), ==, "Fwd: The report");
  g_assert_cmpuint (tern_ui_attachment_list_get_n_attachments (composer_child (composer, "attachments")), ==, 1);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (composer)), composer_child (composer, "to_entry")));
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-forward.png");
  type_in (composer_child (composer, "to_entry"), "carol@tern.test");
  send_and_wait (composer);
  g_assert_true (server_has ("carol", "INBOX", "Fwd: The report", 1, 60000));
  g_assert_true (server_has ("alice", "Sent", "Fwd: The report", 1, 60000));
  received = server_fetch ("alice", "Sent", "Fwd: The report");
  mixed = GMIME_MULTIPART (g_mime_message_get_mime_part (received));
  g_assert_cmpstr (g_mime_part_get_filename (GMIME_PART (g_mime_multipart_get_part (mixed, 1))), ==, "report.pdf");
  {
    g_autoptr(GBytes) bytes = part_bytes (GMIME_PART (g_mime_multipart_get_part (mixed, 1)));
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", 15);
  }
  g_assert_true (poll_until (has_flag, &forwarded, 30000));
}

static gboolean
draft_saved (gpointer data)
{
  TernUiComposer *composer = data;

  return tern_ui_composer_get_draft_id (composer) != 0 && !tern_ui_composer_get_busy (composer);
}

static gboolean
draft_changed (gpointer data)
{
  gint64 *ids = data;   /* [0]: the composer's draft id before; [1]: the composer (as an int) */
  TernUiComposer *composer = GSIZE_TO_POINTER ((gsize) ids[1]);

  return tern_ui_composer_get_draft_id (composer) != ids[0] && !tern_ui_composer_get_busy (composer);
}

static void
sync_now (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  ui_settle (200);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 60000));
}

/* Drafts: saved by themselves, each version replacing the last on the server's
 * Drafts, offline too; opened again from the Drafts folder; sending removes them. */
static void
test_drafts (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  TernUiComposer *again;
  gint64 ids[2];

  type_in (composer_child (composer, "to_entry"), "bob@tern.test");
  type_in (composer_child (composer, "subject_entry"), "Draft one");
  set_body (composer, "First words.");
  g_assert_true (ui_wait_until (draft_saved, composer, 15000));
  g_assert_cmpstr (gtk_label_get_text (composer_child (composer, "status_label")), ==, "Draft saved");
  g_assert_true (server_has ("alice", "Drafts", "Draft one", 1, 30000));

  ids[0] = tern_ui_composer_get_draft_id (composer);
  ids[1] = (gint64) GPOINTER_TO_SIZE (composer);
  type_in (composer_child (composer, "subject_entry"), "Draft two");
  g_assert_true (ui_wait_until (draft_changed, ids, 15000));
  g_assert_true (server_has ("alice", "Drafts", "Draft two", 1, 30000));
  g_assert_true (server_has ("alice", "Drafts", "Draft one", 0, 30000));

  /* Offline: saved here, and on the server once it is back. */
  run ("TERN_TEST_OFFLINE");
  ids[0] = tern_ui_composer_get_draft_id (composer);
  set_body (composer, "Written offline. ");
  g_assert_true (ui_wait_until (draft_changed, ids, 15000));
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-draft-offline.png");
  ui_settle (1000);
  run ("TERN_TEST_ONLINE");
  sync_now ();
  g_assert_true (server_has ("alice", "Drafts", "Draft two", 1, 60000));
  {
    g_autoptr(GMimeMessage) draft = server_fetch ("alice", "Drafts", "Draft two");
    g_autofree char *text = part_text (GMIME_PART (g_mime_message_get_mime_part (draft)));

    g_assert_true (g_str_has_prefix (text, "Written offline. First words."));
  }

  /* Closed: saved, then gone. */
  act_and_wait_gone (composer, NULL);

  /* Opened again from the Drafts folder (activating its row), as it was. */
  {
    gint64 id = select_message (drafts_id, "Draft two");
    TernUiComposer *before = newest_composer ();
    GObject *item = NULL;
    TernUiMessageList *list = win_child ("message_list");
    GListModel *model = G_LIST_MODEL (tern_ui_message_list_get_selection (list));

    for (guint i = 0; i < g_list_model_get_n_items (model) && item == NULL; i++)
      {
        g_autoptr(GObject) candidate = g_list_model_get_item (model, i);

        if (tern_ui_id_selection_get_item_id (candidate) == id)
          item = candidate;
      }
    g_assert_nonnull (item);
    g_signal_emit_by_name (list, "activate", item);
    g_assert_true (ui_wait_until (composer_shown, before, 20000));
    again = newest_composer ();
    g_assert_cmpint (tern_ui_composer_get_draft_id (again), ==, id);
  }
  g_assert_cmpstr (gtk_editable_get_text (composer_child (again, "subject_entry")), ==, "Draft two");
  g_assert_cmpstr (gtk_editable_get_text (composer_child (again, "to_entry")), ==, "bob@tern.test");
  {
    g_autofree char *body = get_body (again);
    g_assert_true (g_str_has_prefix (body, "Written offline. First words."));
  }
  ui_x_screenshot (GTK_WIDGET (again), "tern-composer-draft-reopened.png");

  /* Sent: the draft is gone, here and on the server. */
  send_and_wait (again);
  g_assert_true (server_has ("bob", "INBOX", "Draft two", 1, 60000));
  g_assert_true (server_has ("alice", "Drafts", "Draft two", 0, 30000));
}

static TernMailAccount *
alice (void)
{
  return g_list_model_get_item (tern_mail_get_accounts (mail ()), 0);
}

static gboolean
outbox_count_is (gpointer data)
{
  g_autoptr(TernMailAccount) account = alice ();

  return tern_mail_account_get_outbox_count (account) == GPOINTER_TO_UINT (data);
}

static gboolean
outbox_rows_are (gpointer data)
{
  return tern_ui_outbox_view_get_n_rows (win_child ("outbox_view")) == GPOINTER_TO_UINT (data);
}

typedef struct
{
  const char *needle;
} StateHas;

static gboolean
outbox_state_has (gpointer data)
{
  g_autofree char *text = tern_ui_outbox_view_dup_state_text (win_child ("outbox_view"), 0);

  return text != NULL && strstr (text, data) != NULL;
}

/* Shows the account's Outbox in the sidebar (there while it holds mail). */
static void
show_outbox (void)
{
  TernUiSidebar *sidebar = win_child ("sidebar");
  GListModel *rows = tern_ui_sidebar_get_model (sidebar);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);

      if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_OUTBOX)
        {
          gtk_selection_model_select_item (gtk_list_view_get_model (tern_ui_sidebar_get_list_view (sidebar)), i, TRUE);
          return;
        }
    }
  g_error ("no Outbox in the sidebar");
}

static gboolean
sidebar_has_outbox (gpointer data)
{
  GListModel *rows = tern_ui_sidebar_get_model (win_child ("sidebar"));
  gboolean found = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (rows) && !found; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);

      found = tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_OUTBOX;
    }
  return found == GPOINTER_TO_INT (data);
}

/* Sent offline: it waits in the Outbox (shown in the sidebar); the server back, it
 * is delivered once. */
static void
test_offline_send (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  GtkWidget *send_now;

  run ("TERN_TEST_OFFLINE");
  type_in (composer_child (composer, "to_entry"), "bob@tern.test");
  type_in (composer_child (composer, "subject_entry"), "Sent while offline");
  set_body (composer, "Once, please.");
  send_and_wait (composer);
  g_assert_true (ui_wait_until (outbox_count_is, GUINT_TO_POINTER (1), 10000));
  g_assert_true (ui_wait_until (sidebar_has_outbox, GINT_TO_POINTER (TRUE), 10000));
  show_outbox ();
  g_assert_true (ui_wait_until (outbox_rows_are, GUINT_TO_POINTER (1), 10000));
  /* Refused connections: waiting, the server out of reach (or, once tried, a retry time). */
  g_assert_true (ui_wait_until (outbox_state_has, (gpointer) "Waiting: the server cannot be reached", 30000) ||
                 ui_wait_until (outbox_state_has, (gpointer) "Will retry at", 1000));
  {
    g_autofree char *text = tern_ui_outbox_view_dup_state_text (win_child ("outbox_view"), 0);
    g_test_message ("outbox offline: %s", text);
  }
  ui_x_screenshot (GTK_WIDGET (win), "tern-outbox-offline.png");

  run ("TERN_TEST_ONLINE");
  send_now = find_widget (win_child ("outbox_view"), is_button_named, "Send Now");
  g_assert_nonnull (send_now);
  g_signal_emit_by_name (send_now, "clicked");
  g_assert_true (server_has ("bob", "INBOX", "Sent while offline", 1, 60000));
  g_assert_true (ui_wait_until (outbox_count_is, GUINT_TO_POINTER (0), 30000));
  g_assert_true (ui_wait_until (sidebar_has_outbox, GINT_TO_POINTER (FALSE), 10000));
  /* Once: still one a while later. */
  ui_settle (5000);
  g_assert_cmpint (server_count ("bob", "INBOX", "Sent while offline"), ==, 1);
}

/* Refused for one recipient: the Outbox says which, and why. */
static void
test_partly_refused (void)
{
  TernUiComposer *composer = open_composer ("win.compose");
  GtkWidget *dismiss;

  type_in (composer_child (composer, "to_entry"), "bob@tern.test, nosuch@tern.test");
  type_in (composer_child (composer, "subject_entry"), "Partly refused");
  set_body (composer, "Hello.");
  send_and_wait (composer);
  g_assert_true (server_has ("bob", "INBOX", "Partly refused", 1, 60000));
  g_assert_true (ui_wait_until (sidebar_has_outbox, GINT_TO_POINTER (TRUE), 30000));
  show_outbox ();
  g_assert_true (ui_wait_until (outbox_state_has, (gpointer) "nosuch@tern.test", 30000));
  /* Nothing in the Outbox view is a message of a folder: no header bar action acts on
   * the messages selected before. */
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (
                      tern_ui_message_list_get_selection (win_child ("message_list"))), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (win_child ("forward_button")));
  {
    g_autofree char *text = tern_ui_outbox_view_dup_state_text (win_child ("outbox_view"), 0);

    g_test_message ("outbox: %s", text);
    g_assert_true (g_str_has_prefix (text, "Sent, but not delivered to:\nnosuch@tern.test — 550"));
  }
  ui_x_screenshot (GTK_WIDGET (win), "tern-outbox-partly-refused.png");
  dismiss = find_widget (win_child ("outbox_view"), is_button_named, "Dismiss");
  g_assert_nonnull (dismiss);
  g_signal_emit_by_name (dismiss, "clicked");
  g_assert_true (ui_wait_until (outbox_count_is, GUINT_TO_POINTER (0), 10000));
  tern_ui_window_show_folder (win, inbox_id);
}

/* A mailto: link opens a prefilled composer (RFC 6068). */
static void
test_mailto (void)
{
  TernUiComposer *before = newest_composer ();
  g_autoptr(GFile) file = g_file_new_for_uri ("mailto:bob@tern.test?cc=carol@tern.test&subject=Caf%C3%A9%20%E2%98%95"
                                              "&body=Line%20one%0D%0ALine%20two");
  TernUiComposer *composer;
  g_autofree char *body = NULL;

  g_application_open (G_APPLICATION (app), &file, 1, "");
  g_assert_true (ui_wait_until (composer_shown, before, 10000));
  composer = newest_composer ();
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "to_entry")), ==, "bob@tern.test");
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "cc_entry")), ==, "carol@tern.test");
  g_assert_true (gtk_widget_get_visible (composer_child (composer, "cc_entry")));
  g_assert_cmpstr (gtk_editable_get_text (composer_child (composer, "subject_entry")), ==, "Café ☕");
  body = get_body (composer);
  g_assert_true (g_str_has_prefix (body, "Line one\nLine two"));
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-mailto.png");
  discard (composer);
}

static void
check_names (GtkWidget *widget, guint *n_checked)
{
  gboolean control = GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_ENTRY (widget) ||
                     TERN_UI_IS_ADDRESS_ENTRY (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_TEXT_VIEW (widget) ||
                     GTK_IS_LIST_BOX (widget) || GTK_IS_LIST_VIEW (widget);
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (!gtk_widget_get_mapped (widget))
    return;
  if (control && !(GTK_IS_BUTTON (widget) && parent != NULL &&
                   (GTK_IS_MENU_BUTTON (parent) || GTK_IS_DROP_DOWN (parent))))
    {
      if (!ui_is_named (widget))
        g_error ("%s has no accessible name", G_OBJECT_TYPE_NAME (widget));
      (*n_checked)++;
    }
  if (parent != NULL && (GTK_IS_LIST_BOX (parent) || GTK_IS_LIST_VIEW (parent)))
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("a row of a %s has no accessible name", G_OBJECT_TYPE_NAME (parent));
      (*n_checked)++;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    check_names (c, n_checked);
}

/* Every control and row of a composer with everything shown has a name. */
static void
test_accessible_names (void)
{
  TernUiComposer *composer;
  guint n_checked = 0;

  select_message (inbox_id, "The report");
  composer = open_composer ("win.forward");
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.show-cc", NULL);
  gtk_widget_activate_action (GTK_WIDGET (composer), "composer.show-bcc", NULL);
  ui_settle (300);
  check_names (GTK_WIDGET (composer), &n_checked);
  g_test_message ("%u controls and rows checked: all named", n_checked);
  g_assert_cmpuint (n_checked, >=, 12);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (composer_child (composer, "to_entry")),
                                   GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  /* Named by its label ("_To", its mnemonic): a screen reader says "To". */
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (composer_child (composer, "to_entry")),
                                                   GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  discard (composer);
}


static gboolean
is_entry_row (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_expander_row (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_EXPANDER_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_button_label (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static GtkWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_PREFERENCES_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

static gboolean
preferences_shown (gpointer data)
{
  return find_preferences () != NULL;
}

static GtkWidget *
composing_page (GtkWindow *preferences)
{
  GtkWidget *row = NULL;
  GtkWidget *page = NULL;

  /* The page's widgets exist (unmapped) before it is shown: look without "mapped". */
  GQueue queue = G_QUEUE_INIT;

  g_queue_push_tail (&queue, preferences);
  while (!g_queue_is_empty (&queue) && page == NULL)
    {
      GtkWidget *w = g_queue_pop_head (&queue);

      if (ADW_IS_PREFERENCES_PAGE (w) && g_strcmp0 (adw_preferences_page_get_title (ADW_PREFERENCES_PAGE (w)),
                                                     "Composing") == 0)
        page = w;
      for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
        g_queue_push_tail (&queue, c);
    }
  g_queue_clear (&queue);
  (void) row;
  return page;
}

/* Identities and signatures: set in the preferences (the Composing page), a signature
 * goes into a new message, and changes with the identity chosen in From; in a reply it
 * is above or below the quote as the setting says. */
static void
test_identities (void)
{
  GSettings *settings = tern_ui_application_get_settings (app);
  GtkWindow *preferences;
  GtkWidget *page, *row;
  TernUiComposer *composer;
  GtkDropDown *from;
  g_autofree char *body = NULL;
  g_autofree char *body2 = NULL;
  g_autofree char *body3 = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter cursor;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (ui_wait_until (preferences_shown, NULL, 5000));
  preferences = find_preferences ();
  page = composing_page (preferences);
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (preferences), ADW_PREFERENCES_PAGE (page));
  ui_settle (300);

  /* A new identity, through the page. */
  gtk_editable_set_text (GTK_EDITABLE (find_widget (page, is_entry_row, "Name")), "Alice at Work");
  gtk_editable_set_text (GTK_EDITABLE (find_widget (page, is_entry_row, "Address")), "alice.work@tern.test");
  g_signal_emit_by_name (find_widget (page, is_button_label, "_Add Identity"), "clicked");
  ui_settle (300);
  row = find_widget (page, is_expander_row, "Alice at Work &lt;alice.work@tern.test&gt;");
  g_assert_nonnull (row);
  /* The signatures, typed in each identity's row. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  row = find_widget (page, is_expander_row, "Alice Ærø &lt;alice@tern.test&gt;");
  g_assert_nonnull (row);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  ui_settle (300);
  {
    GtkWidget *views[2] = { NULL, NULL };
    guint n = 0;
    GQueue queue = G_QUEUE_INIT;

    g_queue_push_tail (&queue, page);
    while (!g_queue_is_empty (&queue))
      {
        GtkWidget *w = g_queue_pop_head (&queue);

        if (GTK_IS_TEXT_VIEW (w) && n < 2)
          views[n++] = w;
        for (GtkWidget *c = gtk_widget_get_first_child (w); c != NULL; c = gtk_widget_get_next_sibling (c))
          g_queue_push_tail (&queue, c);
      }
    g_assert_cmpuint (n, ==, 2);
    /* In the order of the rows: the account's own, then the identity. */
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (views[0])), "Alice\nTern Inc.", -1);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (views[1])), "Alice, at work", -1);
  }
  ui_x_screenshot (GTK_WIDGET (preferences), "tern-preferences-composing.png");
  gtk_window_destroy (preferences);

  /* A new message: the account's signature; From the work identity: its own. */
  composer = open_composer ("win.compose");
  from = composer_child (composer, "from_dropdown");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (from)), ==, 2);
  body = get_body (composer);
  g_assert_cmpstr (body, ==, "\n\n-- \nAlice\nTern Inc.\n");
  gtk_drop_down_set_selected (from, 1);
  body2 = get_body (composer);
  g_assert_cmpstr (body2, ==, "\n\n-- \nAlice, at work\n");
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-identity.png");
  discard (composer);

  /* A reply with the signature below the quote: the writing goes after the quote. */
  g_settings_set_string (settings, "signature-position", "below");
  select_message (inbox_id, "Newsletter");
  composer = open_composer ("win.reply");
  body3 = get_body (composer);
  g_test_message ("reply below: %s", body3);
  g_assert_nonnull (strstr (body3, "Erin wrote:\n> News\n"));
  g_assert_true (g_str_has_suffix (body3, "\n\n\n\n-- \nAlice\nTern Inc.\n"));
  buffer = gtk_text_view_get_buffer (composer_child (composer, "body_view"));
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpint (gtk_text_iter_get_offset (&cursor), ==,
                   g_utf8_strlen (body3, strstr (body3, "\n\n\n-- ") - body3) + 1);
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-reply-below.png");
  /* All of it fits: shown from its start, the cursor's line too. */
  assert_body_line_shown (composer, 0, NULL);
  assert_body_line_shown (composer, 0, "Erin wrote:");
  assert_body_line_shown (composer, gtk_text_iter_get_offset (&cursor), NULL);
  discard (composer);
  g_settings_set_string (settings, "signature-position", "above");
}

/* A long quote with the writing below it (a draft, say): the window opens with the
 * cursor's line in sight, scrolled there once the body has its size. */
static void
test_long_body (void)
{
  g_autoptr(TernOutboxComposition) c = tern_outbox_composition_new ();
  g_autoptr(GString) body = g_string_new ("On Monday, Bob wrote:\n");
  TernUiComposer *before = newest_composer (), *composer;
  GtkAdjustment *vadjustment;

  for (int i = 0; i < 200; i++)
    g_string_append_printf (body, "> Line %d of the quote\n", i);
  c->cursor = g_utf8_strlen (body->str, -1) + 1;
  g_string_append (body, "\nThe answer.\n");
  c->to = g_strdup ("bob@tern.test");
  c->subject = g_strdup ("Re: A long one");
  c->body = g_strdup (body->str);
  tern_ui_composer_open_composition (app, c, FALSE);
  g_assert_true (ui_wait_until (composer_shown, before, 20000));
  composer = newest_composer ();
  /* In sight once the view has measured its lines (at once on a fast machine; a slow
   * one, the sanitizer build, measures them after a few frames). */
  g_assert_true (ui_wait_until (body_line_in_sight, &(BodyLine) { composer, c->cursor }, 5000));
  ui_x_screenshot (GTK_WIDGET (composer), "tern-composer-long-body.png");
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (composer_child (composer, "body_view")));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0);
  assert_body_line_shown (composer, c->cursor, NULL);
  assert_body_line_shown (composer, 0, "The answer.");
  discard (composer);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  /* g_test_init() names the program by its full path; WebKit's sandbox makes
   * folders from the name and fails on a path. */
  g_set_prgname ("test-composer");
  tern_engine_init ();
  g_mime_init ();
  /* The main window's reader is WebKit: its one no-GL warning is no failure. */
  ui_webkit_warm_up ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  win = tern_ui_window_new (app);
  ui_window_use (app, win);
  gtk_window_set_default_size (GTK_WINDOW (win), 1100, 700);
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/composer/sync", test_sync);
  g_test_add_func ("/ui/composer/new", test_new);
  g_test_add_func ("/ui/composer/completion", test_completion);
  g_test_add_func ("/ui/composer/checks", test_checks);
  g_test_add_func ("/ui/composer/send-with-drop", test_send_with_drop);
  g_test_add_func ("/ui/composer/undo", test_undo);
  g_test_add_func ("/ui/composer/reply", test_reply);
  g_test_add_func ("/ui/composer/reply-all", test_reply_all);
  g_test_add_func ("/ui/composer/forward", test_forward);
  g_test_add_func ("/ui/composer/drafts", test_drafts);
  g_test_add_func ("/ui/composer/offline-send", test_offline_send);
  g_test_add_func ("/ui/composer/partly-refused", test_partly_refused);
  g_test_add_func ("/ui/composer/mailto", test_mailto);
  g_test_add_func ("/ui/composer/accessible-names", test_accessible_names);
  g_test_add_func ("/ui/composer/identities", test_identities);
  g_test_add_func ("/ui/composer/long-body", test_long_body);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return ret;
}
