/* test-organise-window.c: organising mail from the window, against a real Dovecot
 *
 * Run by test-organise-window.sh, which puts twelve messages in alice's INBOX
 * (<o0@tern.test> to <o11@tern.test>) and adds the account. Each action runs from the
 * window as the user's keys and buttons run it (its `mail.*` or `win.*` action), is
 * seen at once in the list, and is then checked on the server through a second IMAP
 * session (the folder and flags of each Message-ID, TERN_TEST_WHERE): trash, undo
 * after and before the server had it, archive, junk and not junk, move through the
 * popover, copy, a multi-selection, delete for good in Trash after the confirmation,
 * a folder marked read and undone, and a move the server refuses (its folder deleted
 * there meanwhile), reported in a toast with the server's words. Screenshots of the
 * toast, the popover and the confirmation go next to the test log.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gtk/gtk.h>
#include <adwaita.h>

#include "tern-engine.h"
#include "tern-mail.h"
#include "tern-ui-application.h"
#include "tern-ui-message-list.h"
#include "tern-ui-move-popover.h"
#include "tern-ui-sidebar.h"
#include "tern-ui-window.h"
#include "ui-screenshot.h"

#define N_INBOX 12

static TernUiApplication *app;
static TernUiWindow *win;
static gint64 inbox_id, trash_id, junk_id, archive_id, receipts_id;

/* ---- helpers ------------------------------------------------------------------------ */

static gpointer
child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

static TernUiMessageList *
message_list (void)
{
  return child ("message_list");
}

static TernUiIdSelection *
selection (void)
{
  return tern_ui_message_list_get_selection (message_list ());
}

static void
painted_cb (GdkFrameClock *clock, gpointer data)
{
  (*(guint *) data)++;
}

static void
wait_painted (void)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (win));
  guint n_painted = 0;
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &n_painted);
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (n_painted < 2 && g_get_monotonic_time () < until)
    {
      gtk_widget_queue_draw (GTK_WIDGET (win));
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
}

/* The screen as the X server shows it: popovers and dialogs are surfaces of their own. */
static void
x_screenshot (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("TERN_SCREENSHOT_DIR") ? g_getenv ("TERN_SCREENSHOT_DIR") : ".",
                                            name, NULL);
  g_autofree char *cmd = NULL;
  int status = -1;

  ui_settle (300);
  wait_painted ();
  cmd = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s", gtk_widget_get_width (GTK_WIDGET (win)),
                         gtk_widget_get_height (GTK_WIDGET (win)), path);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_test_message ("screenshot: %s", path);
}

/* A mapped label under @root whose text holds @part. */
static GtkWidget *
find_label (GtkWidget *root, const char *part)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A label holding @part in a toast shown (libadwaita's toast widget, CSS name
 * "toast"), not elsewhere in the overlay (the sidebar's account status, say). */
static GtkWidget *
find_toast_label (GtkWidget *root, const char *part)
{
  if (g_strcmp0 (gtk_widget_get_css_name (root), "toast") == 0)
    return find_label (root, part);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_toast_label (c, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
toast_shows (gpointer data)
{
  return find_toast_label (GTK_WIDGET (child ("toast_overlay")), data) != NULL;
}

/* The id of the message <@mid@tern.test> in the list, or 0. */
static gint64
list_id_of (const char *mid)
{
  GListModel *model = G_LIST_MODEL (selection ());
  g_autofree char *wanted = g_strdup_printf ("%s@tern.test", mid);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (model, i);

      if (message != NULL && tern_store_message_is_loaded (message) &&
          strstr (tern_store_message_get_message_id (message), wanted) != NULL)
        return tern_store_message_get_id (message);
    }
  return 0;
}

static gboolean
list_has (gpointer mid)
{
  return list_id_of (mid) != 0;
}

static gboolean
list_lacks (gpointer mid)
{
  return tern_ui_message_list_get_state (message_list ()) != TERN_UI_MESSAGE_LIST_LOADING && list_id_of (mid) == 0;
}

static gboolean
list_loaded (gpointer data)
{
  GListModel *model = G_LIST_MODEL (selection ());
  guint n = g_list_model_get_n_items (model);

  if (tern_ui_message_list_get_state (message_list ()) != TERN_UI_MESSAGE_LIST_ROWS || n != GPOINTER_TO_UINT (data))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (model, i);

      if (message == NULL || !tern_store_message_is_loaded (message))
        return FALSE;
    }
  return TRUE;
}

static void
show_folder (gint64 folder_id, guint n)
{
  tern_ui_window_show_folder (win, folder_id);
  g_assert_cmpint (tern_ui_message_list_get_folder_id (message_list ()), ==, folder_id);
  if (!ui_wait_until (list_loaded, GUINT_TO_POINTER (n), 15000))
    g_error ("folder %" G_GINT64_FORMAT ": %u rows, not %u", folder_id,
             g_list_model_get_n_items (G_LIST_MODEL (selection ())), n);
}

/* Selects the messages named (o0, o1…), NULL-terminated. */
static void
select_mids (const char *first, ...)
{
  va_list args;
  gboolean rest = TRUE;

  va_start (args, first);
  for (const char *mid = first; mid != NULL; mid = va_arg (args, const char *))
    {
      gint64 id;

      g_assert_true (ui_wait_until (list_has, (gpointer) mid, 10000));
      id = list_id_of (mid);
      tern_ui_id_selection_select_id (selection (), id, rest);
      rest = FALSE;
    }
  va_end (args);
  ui_settle (50);
}

static void
activate (const char *action, GVariant *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (win), action, parameter));
}

/* ---- the server, through a second IMAP session --------------------------------------- */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* "FOLDER FLAGS…" of each copy of <@mid@tern.test> on the server, sorted, one a line. */
static char *
server_state (const char *mid)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  g_autofree char *prefix = g_strdup_printf ("%s@tern.test ", mid);
  int status;

  g_assert_true (g_spawn_command_line_sync (g_getenv ("TERN_TEST_WHERE"), &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      g_ptr_array_add (found, lines[i] + strlen (prefix));
  g_ptr_array_sort (found, compare_strings);
  g_ptr_array_add (found, NULL);
  return g_strjoinv ("|", (char **) found->pdata);
}

typedef struct
{
  const char *mid;
  const char *state;
} ServerState;

static gboolean
server_is (gpointer data)
{
  ServerState *wanted = data;
  g_autofree char *state = server_state (wanted->mid);

  if (g_strcmp0 (state, wanted->state) == 0)
    return TRUE;
  ui_settle (300);
  return FALSE;
}

/* Waits until the server has <@mid> as @state ("FOLDER FLAGS|FOLDER FLAGS", "" when
 * gone); fails with what it has instead. */
static void
wait_server (const char *mid, const char *state)
{
  ServerState wanted = { mid, state };

  if (!ui_wait_until (server_is, &wanted, 30000))
    {
      g_autofree char *now = server_state (mid);

      g_error ("<%s@tern.test> on the server: “%s”, not “%s”", mid, now, state);
    }
}

/* ---- conditions ------------------------------------------------------------------------ */

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

static gboolean
sidebar_loaded (gpointer data)
{
  return tern_ui_sidebar_get_loaded (child ("sidebar"));
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* What a click on a response button does: the response, then the dialog closes
 * (adw_message_dialog_response() alone leaves it open). */
static void
respond (AdwMessageDialog *dialog, const char *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void
test_sync (void)
{
  TernUiSidebar *sidebar = child ("sidebar");
  GListModel *rows;

  g_assert_true (ui_wait_until (mail_loaded, NULL, 20000));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (not_syncing, NULL, 120000));
  g_assert_true (ui_wait_until (sidebar_loaded, NULL, 20000));
  ui_settle (300);
  rows = tern_ui_sidebar_get_model (sidebar);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);
      const char *title = tern_ui_sidebar_item_get_title (item);
      gint64 id = tern_ui_sidebar_item_get_folder_id (item);

      if (tern_ui_sidebar_item_get_kind (item) != TERN_UI_SIDEBAR_FOLDER)
        continue;
      if (g_str_equal (title, "Inbox"))
        inbox_id = id;
      else if (g_str_equal (title, "Trash"))
        trash_id = id;
      else if (g_str_equal (title, "Junk"))
        junk_id = id;
      else if (g_str_equal (title, "Archive"))
        archive_id = id;
      else if (g_str_equal (title, "Receipts"))
        receipts_id = id;
    }
  g_assert_cmpint (inbox_id, >, 0);
  g_assert_cmpint (trash_id, >, 0);
  g_assert_cmpint (junk_id, >, 0);
  g_assert_cmpint (archive_id, >, 0);
  g_assert_cmpint (receipts_id, >, 0);
  show_folder (inbox_id, N_INBOX);
}

/* Delete: to Trash at once in the list, on the server soon; the toast's Undo (and
 * Ctrl+Z, the same action) brings it back, on the server too. */
static void
test_trash_and_undo (void)
{
  g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.undo");

  g_assert_cmpstr (accels[0], ==, "<Control>z");
  wait_server ("o0", "INBOX ");
  select_mids ("o0", NULL);
  activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o0", 2000));
  g_assert_true (ui_wait_until (toast_shows, "Moved 1 message to Trash", 2000));
  x_screenshot ("tern-organise-undo-toast.png");
  wait_server ("o0", "Trash ");

  activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (list_has, "o0", 5000));
  wait_server ("o0", "INBOX ");
}

/* Undone at once, before the replay reached the server: the server ends as it was,
 * flags included; then archived for good. */
static void
test_archive_undo_before_server (void)
{
  select_mids ("o1", NULL);
  activate ("mail.archive", NULL);
  /* Done here (the toast offers to undo it): undone at once. */
  g_assert_true (ui_wait_until (toast_shows, "Archived 1 message", 2000));
  activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (list_has, "o1", 5000));
  ui_settle (3000);
  wait_server ("o1", "INBOX \\Flagged");

  select_mids ("o2", NULL);
  activate ("mail.archive", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o2", 2000));
  g_assert_true (ui_wait_until (toast_shows, "Archived 1 message", 2000));
  wait_server ("o2", "Archive \\Seen");
}

static void
test_junk_and_not_junk (void)
{
  select_mids ("o3", NULL);
  activate ("mail.junk", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o3", 2000));
  wait_server ("o3", "Junk $Junk");

  show_folder (junk_id, 1);
  select_mids ("o3", NULL);
  ui_settle (200);
  activate ("mail.not-junk", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o3", 2000));
  wait_server ("o3", "INBOX $NotJunk");
  show_folder (inbox_id, N_INBOX - 1);
}

/* The popover lists every folder; typing filters; a choice moves. */
static void
test_move_popover (void)
{
  GtkWidget *button = child ("move_button");
  TernUiMovePopover *popover = NULL;

  select_mids ("o4", NULL);
  ui_settle (200);
  g_assert_true (gtk_widget_get_mapped (button));
  activate ("mail.move", NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (button); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (TERN_UI_IS_MOVE_POPOVER (c))
      popover = TERN_UI_MOVE_POPOVER (c);
  g_assert_nonnull (popover);
  ui_settle (300);
  /* Every folder but the Inbox shown (Drafts, Sent, Archive, Junk, Trash, Receipts…). */
  {
    GListModel *folders = tern_ui_sidebar_get_folders (child ("sidebar"));

    for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
      {
        g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

        g_test_message ("folder: %s (%s)", tern_store_folder_get_path (folder), tern_store_folder_get_account (folder));
      }
    g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, g_list_model_get_n_items (folders) - 1);
  }
  x_screenshot ("tern-organise-move-popover.png");
  tern_ui_move_popover_set_filter (popover, "RECEI");
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, 1);
  tern_ui_move_popover_set_filter (popover, "nothing like it");
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, 0);
  x_screenshot ("tern-organise-move-popover-no-match.png");
  tern_ui_move_popover_set_filter (popover, "rec");
  tern_ui_move_popover_choose (popover, 0);
  g_assert_true (ui_wait_until (list_lacks, "o4", 2000));
  g_assert_true (ui_wait_until (toast_shows, "Moved 1 message to “Receipts”", 2000));
  wait_server ("o4", "Receipts ");
}

static void
test_copy (void)
{
  select_mids ("o5", NULL);
  activate ("mail.copy-to", g_variant_new_int64 (receipts_id));
  g_assert_true (ui_wait_until (toast_shows, "Copied 1 message to “Receipts”", 2000));
  g_assert_true (list_has ("o5"));
  wait_server ("o5", "INBOX |Receipts ");
}

/* Two selected, to Trash; then in Trash, Delete asks, and deletes for good. */
static void
test_multi_and_delete_in_trash (void)
{
  AdwMessageDialog *dialog;

  select_mids ("o6", "o7", NULL);
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (selection ()), ==, 2);
  ui_settle (200);
  activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (toast_shows, "Moved 2 messages to Trash", 5000));
  g_assert_true (ui_wait_until (list_lacks, "o6", 5000));
  g_assert_true (ui_wait_until (list_lacks, "o7", 2000));
  wait_server ("o6", "Trash ");
  wait_server ("o7", "Trash ");

  show_folder (trash_id, 2);
  select_mids ("o6", NULL);
  activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (dialog_shown, NULL, 5000));
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 1 Message Permanently?");
  x_screenshot ("tern-organise-delete-dialog.png");
  /* Cancelled: nothing happens. */
  respond (dialog, "cancel");
  ui_settle (500);
  g_assert_true (list_has ("o6"));
  activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (dialog_shown, NULL, 5000));
  respond (find_dialog (), "delete");
  g_assert_true (ui_wait_until (list_lacks, "o6", 2000));
  wait_server ("o6", "");
  wait_server ("o7", "Trash ");
  show_folder (inbox_id, N_INBOX - 4);   /* o2, o4, o6, o7 gone */
}

static void
test_mark_folder_read (void)
{
  wait_server ("o9", "INBOX ");
  activate ("mail.mark-folder-read", g_variant_new_int64 (inbox_id));
  g_assert_true (ui_wait_until (toast_shows, "as read", 2000));
  wait_server ("o9", "INBOX \\Seen");
  wait_server ("o1", "INBOX \\Flagged \\Seen");
  activate ("win.undo", NULL);
  wait_server ("o9", "INBOX ");
  wait_server ("o1", "INBOX \\Flagged");
  /* Only the Inbox's messages: o5's copy in Receipts was never touched. */
  wait_server ("o5", "INBOX |Receipts ");
}

/* The server's folders, sorted, space-separated. */
static gboolean
server_folders_are (gpointer wanted)
{
  g_autofree char *out = NULL;
  int status;

  g_assert_true (g_spawn_command_line_sync (g_getenv ("TERN_TEST_FOLDERS"), &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_strstrip (out);
  if (g_strcmp0 (out, wanted) == 0)
    return TRUE;
  g_test_message ("server folders: %s", out);
  ui_settle (500);
  return FALSE;
}

static gint64
folder_id_of (const char *path)
{
  GListModel *folders = tern_ui_sidebar_get_folders (child ("sidebar"));

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

      if (g_str_equal (tern_store_folder_get_path (folder), path))
        return tern_store_folder_get_id (folder);
    }
  return 0;
}

static gboolean
folder_shown (gpointer path)
{
  return folder_id_of (path) != 0;
}

static gboolean
folder_gone (gpointer path)
{
  return folder_id_of (path) == 0;
}

/* Answers the dialog open with @response, after typing @name in its entry. */
static void
answer (const char *response, const char *name, const char *screenshot)
{
  AdwMessageDialog *dialog;

  g_assert_true (ui_wait_until (dialog_shown, NULL, 5000));
  dialog = find_dialog ();
  if (name != NULL)
    {
      GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

      g_assert_true (GTK_IS_EDITABLE (entry));
      gtk_editable_set_text (GTK_EDITABLE (entry), name);
    }
  if (screenshot != NULL)
    x_screenshot (screenshot);
  respond (dialog, response);
  ui_settle (100);
}

/* The sidebar's context menu: create, rename, make a subfolder, delete; empty Trash. */
static void
test_folders (void)
{
  TernMail *mail = tern_ui_application_get_mail (app);
  g_autoptr(TernMailAccount) account = g_list_model_get_item (tern_mail_get_accounts (mail), 0);
  TernUiSidebar *sidebar = child ("sidebar");
  const char *base = "Archive Drafts INBOX Junk Receipts Sent Trash";
  g_autofree char *with_projects = NULL;
  g_autofree char *with_plans = NULL;
  g_autofree char *with_sub = NULL;
  GtkPopover *menu;
  gint64 id;

  /* The menu of Trash offers to empty it (and no rename). */
  {
    GListModel *rows = tern_ui_sidebar_get_model (sidebar);

    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
        g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);

        if (tern_ui_sidebar_item_get_folder_id (item) != trash_id)
          continue;
        menu = tern_ui_sidebar_popup_menu (sidebar, item, NULL, 0, 0);
        g_assert_nonnull (menu);
        g_assert_nonnull (find_label (GTK_WIDGET (menu), "Empty Trash…"));
        g_assert_null (find_label (GTK_WIDGET (menu), "Rename…"));
        x_screenshot ("tern-organise-sidebar-menu.png");
        gtk_popover_popdown (menu);
      }
  }

  activate ("folder.new-in-account", g_variant_new_int64 (tern_mail_account_get_store_id (account)));
  answer ("ok", "Projects", "tern-organise-new-folder.png");
  g_assert_true (ui_wait_until (folder_shown, "Projects", 5000));
  with_projects = g_strdup_printf ("Archive Drafts INBOX Junk Projects Receipts Sent Trash");
  g_assert_true (ui_wait_until (server_folders_are, with_projects, 30000));

  id = folder_id_of ("Projects");
  activate ("folder.rename", g_variant_new_int64 (id));
  answer ("ok", "Plans", NULL);
  g_assert_true (ui_wait_until (folder_shown, "Plans", 5000));
  with_plans = g_strdup_printf ("Archive Drafts INBOX Junk Plans Receipts Sent Trash");
  g_assert_true (ui_wait_until (server_folders_are, with_plans, 30000));

  activate ("folder.new-subfolder", g_variant_new_int64 (folder_id_of ("Plans")));
  answer ("ok", "2026", NULL);
  g_assert_true (ui_wait_until (folder_shown, "Plans/2026", 5000));
  with_sub = g_strdup_printf ("Archive Drafts INBOX Junk Plans Plans/2026 Receipts Sent Trash");
  g_assert_true (ui_wait_until (server_folders_are, with_sub, 30000));

  /* The folder deleted with the folder inside it: both go from the server. */
  activate ("folder.delete", g_variant_new_int64 (folder_id_of ("Plans")));
  g_assert_true (ui_wait_until (dialog_shown, NULL, 5000));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (find_dialog ()), "It holds no message"));
  answer ("ok", NULL, "tern-organise-delete-folder.png");
  g_assert_true (ui_wait_until (folder_gone, "Plans", 5000));
  g_assert_true (ui_wait_until (folder_gone, "Plans/2026", 5000));
  g_assert_true (ui_wait_until (server_folders_are, (gpointer) base, 30000));

  /* Trash holds o7: emptied for good. */
  activate ("folder.empty", g_variant_new_int64 (trash_id));
  g_assert_true (ui_wait_until (dialog_shown, NULL, 5000));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (find_dialog ()), "Its 1 message is deleted for good"));
  answer ("ok", NULL, "tern-organise-empty-trash.png");
  wait_server ("o7", "");
}

/* A drop of the selection on a sidebar folder moves it (Ctrl: copies). The drop
 * itself is the sidebar's ::messages-dropped: no real pointer drag in process. */
static void
test_drop (void)
{
  TernUiSidebar *sidebar = child ("sidebar");
  g_autoptr(TernUiSidebarItem) receipts = NULL;
  TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (sidebar, receipts_id);

  g_assert_nonnull (folder);
  receipts = tern_ui_sidebar_item_new_folder (folder);
  select_mids ("o8", NULL);
  g_signal_emit_by_name (sidebar, "messages-dropped", receipts, FALSE);
  g_assert_true (ui_wait_until (list_lacks, "o8", 2000));
  wait_server ("o8", "Receipts ");
  select_mids ("o9", NULL);
  g_signal_emit_by_name (sidebar, "messages-dropped", receipts, TRUE);
  g_assert_true (ui_wait_until (toast_shows, "Copied 1 message", 2000));
  wait_server ("o9", "INBOX |Receipts ");
}

/* How many rows of the list are the message <@mid@tern.test>. */
static guint
list_count_of (const char *mid)
{
  GListModel *model = G_LIST_MODEL (selection ());
  g_autofree char *wanted = g_strdup_printf ("%s@tern.test", mid);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (model, i);

      if (message != NULL && tern_store_message_is_loaded (message) &&
          strstr (tern_store_message_get_message_id (message), wanted) != NULL)
        n++;
    }
  return n;
}

/* A move to a folder deleted on the server meanwhile: refused; the message is back
 * in the Inbox, here and there, once, and a toast says so in the server's words
 * (Dovecot's: "Mailbox doesn't exist: Receipts"). */
static void
test_refused (void)
{
  g_autofree char *cmd = g_strdup_printf ("%s Receipts", g_getenv ("TERN_TEST_DELETE_FOLDER"));
  const char *server_words = "Mailbox doesn't exist: Receipts";
  g_autoptr(GError) error = NULL;
  GtkWidget *label;
  int status;

  wait_server ("o10", "INBOX ");
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);

  select_mids ("o10", NULL);
  activate ("mail.move-to", g_variant_new_int64 (receipts_id));
  g_assert_true (ui_wait_until (list_lacks, "o10", 2000));
  if (!ui_wait_until (toast_shows, (gpointer) server_words, 30000))
    g_error ("no toast with the server's words “%s”", server_words);
  label = find_toast_label (GTK_WIDGET (child ("toast_overlay")), server_words);
  g_test_message ("refusal: %s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "“Receipts”"));
  x_screenshot ("tern-organise-refused-toast.png");
  /* Back in the Inbox, once, here and on the server; nothing was left in a folder
   * the server does not have. */
  g_assert_true (ui_wait_until (list_has, "o10", 10000));
  wait_server ("o10", "INBOX ");
  g_assert_true (ui_wait_until (folder_gone, "Receipts", 30000));
  ui_settle (500);
  g_assert_cmpuint (list_count_of ("o10"), ==, 1);
  wait_server ("o10", "INBOX ");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-organise-window");
  tern_engine_init ();
  ui_webkit_warm_up ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_settings_set_boolean (tern_ui_application_get_settings (app), "conversations", FALSE);
  /* Opening a message marks it read: not here, where flags are compared. */
  g_settings_set_double (tern_ui_application_get_settings (app), "mark-read-delay", -1);
  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 1180, 720);
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/organise/sync", test_sync);
  g_test_add_func ("/ui/organise/trash-and-undo", test_trash_and_undo);
  g_test_add_func ("/ui/organise/archive-undo-before-server", test_archive_undo_before_server);
  g_test_add_func ("/ui/organise/junk-and-not-junk", test_junk_and_not_junk);
  g_test_add_func ("/ui/organise/move-popover", test_move_popover);
  g_test_add_func ("/ui/organise/copy", test_copy);
  g_test_add_func ("/ui/organise/multi-and-delete-in-trash", test_multi_and_delete_in_trash);
  g_test_add_func ("/ui/organise/mark-folder-read", test_mark_folder_read);
  g_test_add_func ("/ui/organise/folders", test_folders);
  g_test_add_func ("/ui/organise/drop", test_drop);
  g_test_add_func ("/ui/organise/refused", test_refused);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return ret;
}
