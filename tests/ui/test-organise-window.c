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
#include "ui-window.h"

#define N_INBOX 12

static TernUiApplication *app;
static TernUiWindow *win;
static gint64 inbox_id, trash_id, junk_id, archive_id, receipts_id;

/* The id of the message <@mid@tern.test> in the list, or 0. */
static gint64
list_id_of (const char *mid)
{
  GListModel *model = G_LIST_MODEL (ui_selection ());
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
  return tern_ui_message_list_get_state (ui_message_list ()) != TERN_UI_MESSAGE_LIST_LOADING && list_id_of (mid) == 0;
}

static gboolean
list_loaded (gpointer data)
{
  GListModel *model = G_LIST_MODEL (ui_selection ());
  guint n = g_list_model_get_n_items (model);

  if (tern_ui_message_list_get_state (ui_message_list ()) != TERN_UI_MESSAGE_LIST_ROWS || n != GPOINTER_TO_UINT (data))
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
  g_assert_cmpint (tern_ui_message_list_get_folder_id (ui_message_list ()), ==, folder_id);
  if (!ui_wait_until (list_loaded, GUINT_TO_POINTER (n), 15000))
    g_error ("folder %" G_GINT64_FORMAT ": %u rows, not %u", folder_id,
             g_list_model_get_n_items (G_LIST_MODEL (ui_selection ())), n);
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
      tern_ui_id_selection_select_id (ui_selection (), id, rest);
      rest = FALSE;
    }
  va_end (args);
  ui_settle (50);
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

/* ---- the tests ---------------------------------------------------------------------------- */

static void
test_sync (void)
{
  TernUiSidebar *sidebar = ui_child ("sidebar");
  GListModel *rows;

  g_assert_true (ui_wait_until (ui_mail_loaded, NULL, 20000));
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 120000));
  g_assert_true (ui_wait_until (ui_sidebar_loaded, NULL, 20000));
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
  ui_activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o0", 2000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 1 message to Trash", 2000));
  ui_x_screenshot (GTK_WIDGET (win), "tern-organise-undo-toast.png");
  wait_server ("o0", "Trash ");

  ui_activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (list_has, "o0", 5000));
  wait_server ("o0", "INBOX ");
}

/* Undone at once, before the replay reached the server: the server ends as it was,
 * flags included; then archived for good. */
static void
test_archive_undo_before_server (void)
{
  select_mids ("o1", NULL);
  ui_activate ("mail.archive", NULL);
  /* Done here (the toast offers to undo it): undone at once. */
  g_assert_true (ui_wait_until (ui_toast_shows, "Archived 1 message", 2000));
  ui_activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (list_has, "o1", 5000));
  ui_settle (3000);
  wait_server ("o1", "INBOX \\Flagged");

  select_mids ("o2", NULL);
  ui_activate ("mail.archive", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o2", 2000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Archived 1 message", 2000));
  wait_server ("o2", "Archive \\Seen");
}

static void
test_junk_and_not_junk (void)
{
  select_mids ("o3", NULL);
  ui_activate ("mail.junk", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o3", 2000));
  wait_server ("o3", "Junk $Junk");

  show_folder (junk_id, 1);
  select_mids ("o3", NULL);
  ui_settle (200);
  ui_activate ("mail.not-junk", NULL);
  g_assert_true (ui_wait_until (list_lacks, "o3", 2000));
  wait_server ("o3", "INBOX $NotJunk");
  show_folder (inbox_id, N_INBOX - 1);
}

/* The popover lists every folder; typing filters; a choice moves. */
static void
test_move_popover (void)
{
  GtkWidget *button = ui_child ("move_button");
  TernUiMovePopover *popover = NULL;

  select_mids ("o4", NULL);
  ui_settle (200);
  g_assert_true (gtk_widget_get_mapped (button));
  ui_activate ("mail.move", NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (button); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (TERN_UI_IS_MOVE_POPOVER (c))
      popover = TERN_UI_MOVE_POPOVER (c);
  g_assert_nonnull (popover);
  ui_settle (300);
  /* Every folder but the Inbox shown (Drafts, Sent, Archive, Junk, Trash, Receipts…). */
  {
    GListModel *folders = tern_ui_sidebar_get_folders (ui_child ("sidebar"));

    for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
      {
        g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

        g_test_message ("folder: %s (%s)", tern_store_folder_get_path (folder), tern_store_folder_get_account (folder));
      }
    g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, g_list_model_get_n_items (folders) - 1);
  }
  ui_x_screenshot (GTK_WIDGET (win), "tern-organise-move-popover.png");
  tern_ui_move_popover_set_filter (popover, "RECEI");
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, 1);
  tern_ui_move_popover_set_filter (popover, "nothing like it");
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, 0);
  ui_x_screenshot (GTK_WIDGET (win), "tern-organise-move-popover-no-match.png");
  tern_ui_move_popover_set_filter (popover, "rec");
  tern_ui_move_popover_choose (popover, 0);
  g_assert_true (ui_wait_until (list_lacks, "o4", 2000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 1 message to “Receipts”", 2000));
  wait_server ("o4", "Receipts ");
}

static void
test_copy (void)
{
  select_mids ("o5", NULL);
  ui_activate ("mail.copy-to", g_variant_new_int64 (receipts_id));
  g_assert_true (ui_wait_until (ui_toast_shows, "Copied 1 message to “Receipts”", 2000));
  g_assert_true (list_has ("o5"));
  wait_server ("o5", "INBOX |Receipts ");
}

/* Two selected, to Trash; then in Trash, Delete asks, and deletes for good. */
static void
test_multi_and_delete_in_trash (void)
{
  AdwMessageDialog *dialog;

  select_mids ("o6", "o7", NULL);
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (ui_selection ()), ==, 2);
  ui_settle (200);
  ui_activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 2 messages to Trash", 5000));
  g_assert_true (ui_wait_until (list_lacks, "o6", 5000));
  g_assert_true (ui_wait_until (list_lacks, "o7", 2000));
  wait_server ("o6", "Trash ");
  wait_server ("o7", "Trash ");

  show_folder (trash_id, 2);
  select_mids ("o6", NULL);
  ui_activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  dialog = ui_find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 1 Message Permanently?");
  ui_x_screenshot (GTK_WIDGET (win), "tern-organise-delete-dialog.png");
  /* Cancelled: nothing happens. */
  ui_respond (dialog, "cancel");
  ui_settle (500);
  g_assert_true (list_has ("o6"));
  ui_activate ("mail.trash", NULL);
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  ui_respond (ui_find_dialog (), "delete");
  g_assert_true (ui_wait_until (list_lacks, "o6", 2000));
  wait_server ("o6", "");
  wait_server ("o7", "Trash ");
  show_folder (inbox_id, N_INBOX - 4);   /* o2, o4, o6, o7 gone */
}

static void
test_mark_folder_read (void)
{
  wait_server ("o9", "INBOX ");
  ui_activate ("mail.mark-folder-read", g_variant_new_int64 (inbox_id));
  g_assert_true (ui_wait_until (ui_toast_shows, "as read", 2000));
  wait_server ("o9", "INBOX \\Seen");
  wait_server ("o1", "INBOX \\Flagged \\Seen");
  ui_activate ("win.undo", NULL);
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
  GListModel *folders = tern_ui_sidebar_get_folders (ui_child ("sidebar"));

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

  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  dialog = ui_find_dialog ();
  if (name != NULL)
    {
      GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

      g_assert_true (GTK_IS_EDITABLE (entry));
      gtk_editable_set_text (GTK_EDITABLE (entry), name);
    }
  if (screenshot != NULL)
    ui_x_screenshot (GTK_WIDGET (win), screenshot);
  ui_respond (dialog, response);
  ui_settle (100);
}

/* The sidebar's context menu: create, rename, make a subfolder, delete; empty Trash. */
static void
test_folders (void)
{
  TernMail *mail = tern_ui_application_get_mail (app);
  g_autoptr(TernMailAccount) account = g_list_model_get_item (tern_mail_get_accounts (mail), 0);
  TernUiSidebar *sidebar = ui_child ("sidebar");
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
        g_assert_nonnull (ui_find_label_with (GTK_WIDGET (menu), "Empty Trash…"));
        g_assert_null (ui_find_label_with (GTK_WIDGET (menu), "Rename…"));
        ui_x_screenshot (GTK_WIDGET (win), "tern-organise-sidebar-menu.png");
        gtk_popover_popdown (menu);
      }
  }

  ui_activate ("folder.new-in-account", g_variant_new_int64 (tern_mail_account_get_store_id (account)));
  answer ("ok", "Projects", "tern-organise-new-folder.png");
  g_assert_true (ui_wait_until (folder_shown, "Projects", 5000));
  with_projects = g_strdup_printf ("Archive Drafts INBOX Junk Projects Receipts Sent Trash");
  g_assert_true (ui_wait_until (server_folders_are, with_projects, 30000));

  id = folder_id_of ("Projects");
  ui_activate ("folder.rename", g_variant_new_int64 (id));
  answer ("ok", "Plans", NULL);
  g_assert_true (ui_wait_until (folder_shown, "Plans", 5000));
  with_plans = g_strdup_printf ("Archive Drafts INBOX Junk Plans Receipts Sent Trash");
  g_assert_true (ui_wait_until (server_folders_are, with_plans, 30000));

  ui_activate ("folder.new-subfolder", g_variant_new_int64 (folder_id_of ("Plans")));
  answer ("ok", "2026", NULL);
  g_assert_true (ui_wait_until (folder_shown, "Plans/2026", 5000));
  with_sub = g_strdup_printf ("Archive Drafts INBOX Junk Plans Plans/2026 Receipts Sent Trash");
  g_assert_true (ui_wait_until (server_folders_are, with_sub, 30000));

  /* The folder deleted with the folder inside it: both go from the server. */
  ui_activate ("folder.delete", g_variant_new_int64 (folder_id_of ("Plans")));
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ui_find_dialog ()), "It holds no message"));
  answer ("ok", NULL, "tern-organise-delete-folder.png");
  g_assert_true (ui_wait_until (folder_gone, "Plans", 5000));
  g_assert_true (ui_wait_until (folder_gone, "Plans/2026", 5000));
  g_assert_true (ui_wait_until (server_folders_are, (gpointer) base, 30000));

  /* Trash holds o7: emptied for good. */
  ui_activate ("folder.empty", g_variant_new_int64 (trash_id));
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ui_find_dialog ()), "Its 1 message is deleted for good"));
  answer ("ok", NULL, "tern-organise-empty-trash.png");
  wait_server ("o7", "");
}

/* A drop of the selection on a sidebar folder moves it (Ctrl: copies). The drop
 * itself is the sidebar's ::messages-dropped: no real pointer drag in process. */
static void
test_drop (void)
{
  TernUiSidebar *sidebar = ui_child ("sidebar");
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
  g_assert_true (ui_wait_until (ui_toast_shows, "Copied 1 message", 2000));
  wait_server ("o9", "INBOX |Receipts ");
}

/* How many rows of the list are the message <@mid@tern.test>. */
static guint
list_count_of (const char *mid)
{
  GListModel *model = G_LIST_MODEL (ui_selection ());
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
  ui_activate ("mail.move-to", g_variant_new_int64 (receipts_id));
  g_assert_true (ui_wait_until (list_lacks, "o10", 2000));
  if (!ui_wait_until (ui_toast_shows, (gpointer) server_words, 30000))
    g_error ("no toast with the server's words “%s”", server_words);
  label = ui_find_toast_label (server_words);
  g_test_message ("refusal: %s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (label)), "“Receipts”"));
  ui_x_screenshot (GTK_WIDGET (win), "tern-organise-refused-toast.png");
  /* Back in the Inbox, once, here and on the server; nothing was left in a folder
   * the server does not have. */
  g_assert_true (ui_wait_until (list_has, "o10", 10000));
  wait_server ("o10", "INBOX ");
  g_assert_true (ui_wait_until (folder_gone, "Receipts", 30000));
  ui_settle (500);
  g_assert_cmpuint (list_count_of ("o10"), ==, 1);
  wait_server ("o10", "INBOX ");
  /* The toast stays until closed: closed, for the toasts of the next tests. */
  g_assert_true (ui_dismiss_toast ());
  ui_settle (300);
  g_assert_false (ui_toast_shows ((gpointer) server_words));
}

/* Runs the command in $@variable, with @args after it. */
static void
run (const char *variable, const char *args)
{
  g_autofree char *cmd = g_strdup_printf ("%s %s", g_getenv (variable), args != NULL ? args : "");
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (g_getenv (variable));
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

static TernMailAccount *
the_account (void)
{
  GListModel *accounts = tern_mail_get_accounts (tern_ui_application_get_mail (app));
  g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, 0);

  return account;   /* the TernMail keeps it */
}

static gboolean
account_offline (gpointer data)
{
  return tern_mail_account_get_state (the_account ()) == TERN_MAIL_ACCOUNT_OFFLINE;
}

/* The flags of the row <@mid@tern.test> in the list (-1: no such row). */
static int
list_flags (const char *mid)
{
  GListModel *model = G_LIST_MODEL (ui_selection ());
  g_autofree char *wanted = g_strdup_printf ("%s@tern.test", mid);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (model, i);

      if (message != NULL && tern_store_message_is_loaded (message) &&
          strstr (tern_store_message_get_message_id (message), wanted) != NULL)
        return (int) tern_store_message_get_flags (message);
    }
  return -1;
}

typedef struct
{
  const char     *mid;
  TernStoreFlags  set;
  TernStoreFlags  unset;
} FlagsWanted;

static gboolean
list_flags_are (gpointer data)
{
  FlagsWanted *wanted = data;
  int flags = list_flags (wanted->mid);

  return flags >= 0 && (flags & wanted->set) == wanted->set && (flags & wanted->unset) == 0;
}

/* Waits (briefly: the list shows a change at once) for the row's flags. */
static void
wait_list_flags (const char *mid, TernStoreFlags set, TernStoreFlags unset)
{
  FlagsWanted wanted = { mid, set, unset };

  if (!ui_wait_until (list_flags_are, &wanted, 2000))
    g_error ("<%s@tern.test> in the list: flags %d, not +%d -%d", mid, list_flags (mid), set, unset);
}

typedef struct
{
  gint64 folder_id;
  guint  total;
  int    unread;   /* -1: any */
} CountsWanted;

static gboolean
counts_are (gpointer data)
{
  CountsWanted *wanted = data;
  TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (ui_child ("sidebar"), wanted->folder_id);

  return folder != NULL && tern_store_folder_get_total (folder) == wanted->total &&
         (wanted->unread < 0 || tern_store_folder_get_unread (folder) == (guint) wanted->unread);
}

/* Waits up to @ms for a folder's counts in the sidebar. */
static void
wait_counts_within (gint64 folder_id, guint total, int unread, guint ms)
{
  CountsWanted wanted = { folder_id, total, unread };

  if (!ui_wait_until (counts_are, &wanted, ms))
    {
      TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (ui_child ("sidebar"), folder_id);

      g_error ("folder %" G_GINT64_FORMAT ": %u messages (%u unread), not %u (%d)", folder_id,
               folder != NULL ? tern_store_folder_get_total (folder) : 0,
               folder != NULL ? tern_store_folder_get_unread (folder) : 0, total, unread);
    }
}

/* Waits briefly: the counts of a few messages change at once. */
static void
wait_counts (gint64 folder_id, guint total, int unread)
{
  wait_counts_within (folder_id, total, unread, 2000);
}

static guint
unread_of (gint64 folder_id)
{
  TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (ui_child ("sidebar"), folder_id);

  g_assert_nonnull (folder);
  return tern_store_folder_get_unread (folder);
}

/* ---- the store against the server ------------------------------------------------------------ */

static void
append_flag_names (GPtrArray *names, TernStoreFlags flags, const char *keywords)
{
  static const struct { TernStoreFlags flag; const char *name; } system[] = {
    { TERN_STORE_FLAG_SEEN, "\\Seen" }, { TERN_STORE_FLAG_ANSWERED, "\\Answered" },
    { TERN_STORE_FLAG_FLAGGED, "\\Flagged" }, { TERN_STORE_FLAG_DELETED, "\\Deleted" },
    { TERN_STORE_FLAG_DRAFT, "\\Draft" },
  };
  g_auto(GStrv) words = g_strsplit (keywords != NULL ? keywords : "", " ", -1);

  for (guint i = 0; i < G_N_ELEMENTS (system); i++)
    if (flags & system[i].flag)
      g_ptr_array_add (names, g_strdup (system[i].name));
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_ptr_array_add (names, g_strdup (words[i]));
}

/* "MESSAGE-ID FOLDER FLAGS…" of every message of the account in the store, as
 * TERN_TEST_WHERE prints the server's (a folder by its server name; flags sorted). */
static gpointer
store_lines_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  gint64 account_id = *(gint64 *) data;
  g_autoptr(GPtrArray) folders = tern_store_db_list_folders (db, account_id, error);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  if (folders == NULL)
    return NULL;
  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);
      const char *name = tern_store_folder_get_server_path (folder);
      g_autoptr(GPtrArray) messages = tern_store_db_list_messages (db, tern_store_folder_get_id (folder), 0,
                                                                   G_MAXINT, error);

      if (messages == NULL)
        return NULL;
      for (guint j = 0; j < messages->len; j++)
        {
          TernStoreMessage *message = g_ptr_array_index (messages, j);
          g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          g_autofree char *mid = g_strdup (tern_store_message_get_message_id (message));
          g_autofree char *flags = NULL;

          append_flag_names (names, tern_store_message_get_flags (message), tern_store_message_get_keywords (message));
          g_ptr_array_sort (names, compare_strings);
          g_ptr_array_add (names, NULL);
          flags = g_strjoinv (" ", (char **) names->pdata);
          g_strdelimit (mid, "<>", ' ');
          /* Without trailing blanks, as server_lines() has them. */
          g_ptr_array_add (lines, g_strstrip (g_strdup_printf ("%s %s %s", g_strstrip (mid),
                                                               name != NULL ? name : tern_store_folder_get_path (folder),
                                                               flags)));
        }
    }
  g_ptr_array_sort (lines, compare_strings);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

static void
store_lines_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  char **out = user_data;

  *out = tern_store_run_finish (TERN_STORE (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static char *
store_lines (void)
{
  TernMail *mail = tern_ui_application_get_mail (app);
  gint64 *account_id = g_new (gint64, 1);
  char *out = NULL;

  *account_id = tern_mail_account_get_store_id (the_account ());
  tern_store_run_async (tern_mail_get_store (mail), store_lines_work, account_id, g_free, g_free, NULL,
                        store_lines_cb, &out);
  g_assert_true (ui_wait_until (is_set, &out, 30000));
  return out;
}

/* TERN_TEST_WHERE's lines, sorted, without trailing blanks. */
static char *
server_lines (void)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  int status;

  g_assert_true (g_spawn_command_line_sync (g_getenv ("TERN_TEST_WHERE"), &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      g_ptr_array_add (kept, lines[i]);
  g_ptr_array_sort (kept, compare_strings);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("\n", (char **) kept->pdata);
}

static gboolean
server_is_store (gpointer data)
{
  g_autofree char *store = store_lines ();
  g_autofree char *server = server_lines ();

  if (g_strcmp0 (store, server) == 0)
    return TRUE;
  ui_settle (500);
  return FALSE;
}

/* Online, offline, online: twenty mixed actions from the window with the server out
 * of reach, each seen at once in the list and the counts; then the server back, a
 * sync, and the server equal to the store (the folder and flags of every message). */
/* Runs @action on the selection with the toasts closed first, and waits for the toast
 * that says it was done (@done): by then the window has moved the selection on,
 * which must not change what the test selects next (the sanitizer build is slow). */
static void
act_done (const char *action, GVariant *parameter, const char *done)
{
  for (guint i = 0; i < 5 && ui_dismiss_toast (); i++)
    ui_settle (50);
  ui_activate (action, parameter);
  if (!ui_wait_until (ui_toast_shows, (gpointer) done, 10000))
    g_error ("%s: no toast “%s”", action, done);
}

static void
test_offline (void)
{
  gint64 offline_id;
  guint inbox_unread;

  /* Twelve more in the Inbox, p0 to p11 (unread), synced while online. */
  run ("TERN_TEST_FILL", "INBOX p 12");
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 60000));
  show_folder (inbox_id, 19);
  wait_counts (archive_id, 1, -1);   /* o2 */
  wait_counts (junk_id, 0, 0);
  wait_counts (trash_id, 0, 0);

  run ("TERN_TEST_OFFLINE", NULL);
  if (!ui_wait_until (account_offline, NULL, 30000))
    g_error ("not offline: %s", tern_mail_account_get_status (the_account ()));
  g_test_message ("offline: %s", tern_mail_account_get_status (the_account ()));
  inbox_unread = unread_of (inbox_id);

  /* 1-3: read, read, unread again */
  select_mids ("p0", NULL);
  act_done ("win.mark-read", NULL, "Marked 1 message as read");
  wait_list_flags ("p0", TERN_STORE_FLAG_SEEN, 0);
  wait_counts (inbox_id, 19, (int) --inbox_unread);
  select_mids ("p1", NULL);
  act_done ("win.mark-read", NULL, "Marked 1 message as read");
  wait_list_flags ("p1", TERN_STORE_FLAG_SEEN, 0);
  act_done ("win.mark-unread", NULL, "Marked 1 message as unread");
  wait_list_flags ("p1", 0, TERN_STORE_FLAG_SEEN);
  wait_counts (inbox_id, 19, (int) inbox_unread);
  /* 4-6: star; star and unstar */
  select_mids ("p2", NULL);
  act_done ("win.star", NULL, "Starred 1 message");
  wait_list_flags ("p2", TERN_STORE_FLAG_FLAGGED, 0);
  select_mids ("p3", NULL);
  act_done ("win.star", NULL, "Starred 1 message");
  wait_list_flags ("p3", TERN_STORE_FLAG_FLAGGED, 0);
  act_done ("win.unstar", NULL, "Unstarred 1 message");
  wait_list_flags ("p3", 0, TERN_STORE_FLAG_FLAGGED);
  /* 7-8: moved and copied to Archive */
  select_mids ("p4", NULL);
  act_done ("mail.move-to", g_variant_new_int64 (archive_id), "Moved 1 message to “Archive”");
  g_assert_true (ui_wait_until (list_lacks, "p4", 2000));
  wait_counts (archive_id, 2, -1);
  select_mids ("p5", NULL);
  act_done ("mail.copy-to", g_variant_new_int64 (archive_id), "Copied 1 message to “Archive”");
  wait_counts (archive_id, 3, -1);
  g_assert_true (list_has ("p5"));
  /* 9-12: archived, to Trash, junk, to Trash */
  select_mids ("p6", NULL);
  act_done ("mail.archive", NULL, "Archived 1 message");
  g_assert_true (ui_wait_until (list_lacks, "p6", 2000));
  wait_counts (archive_id, 4, -1);
  select_mids ("p7", NULL);
  act_done ("mail.trash", NULL, "Moved 1 message to Trash");
  g_assert_true (ui_wait_until (list_lacks, "p7", 2000));
  wait_counts (trash_id, 1, -1);
  select_mids ("p8", NULL);
  act_done ("mail.junk", NULL, "Marked 1 message as junk");
  g_assert_true (ui_wait_until (list_lacks, "p8", 2000));
  wait_counts (junk_id, 1, -1);
  select_mids ("p9", NULL);
  act_done ("mail.trash", NULL, "Moved 1 message to Trash");
  g_assert_true (ui_wait_until (list_lacks, "p9", 2000));
  wait_counts (trash_id, 2, -1);
  wait_counts (inbox_id, 14, -1);
  /* 13: a folder, made here first */
  ui_activate ("folder.new-in-account", g_variant_new_int64 (tern_mail_account_get_store_id (the_account ())));
  answer ("ok", "Offline", NULL);
  g_assert_true (ui_wait_until (folder_shown, "Offline", 2000));
  offline_id = folder_id_of ("Offline");
  /* 14-16: moved into it; two starred at once, then one of them moved there */
  select_mids ("p10", NULL);
  act_done ("mail.move-to", g_variant_new_int64 (offline_id), "Moved 1 message to “Offline”");
  g_assert_true (ui_wait_until (list_lacks, "p10", 2000));
  wait_counts (offline_id, 1, -1);
  select_mids ("p11", "o11", NULL);
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (ui_selection ()), ==, 2);
  act_done ("win.star", NULL, "Starred 2 messages");
  wait_list_flags ("p11", TERN_STORE_FLAG_FLAGGED, 0);
  wait_list_flags ("o11", TERN_STORE_FLAG_FLAGGED, 0);
  select_mids ("p11", NULL);
  act_done ("mail.move-to", g_variant_new_int64 (offline_id), "Moved 1 message to “Offline”");
  g_assert_true (ui_wait_until (list_lacks, "p11", 2000));
  wait_counts (offline_id, 2, -1);
  /* 17: deleted for good in Trash */
  show_folder (trash_id, 2);
  select_mids ("p9", NULL);
  ui_activate ("mail.trash", NULL);
  answer ("delete", NULL, NULL);
  g_assert_true (ui_wait_until (list_lacks, "p9", 2000));
  wait_counts (trash_id, 1, -1);
  /* 18: not junk after all: back to the Inbox */
  show_folder (junk_id, 1);
  select_mids ("p8", NULL);
  act_done ("mail.not-junk", NULL, "Marked 1 message as not junk");
  g_assert_true (ui_wait_until (list_lacks, "p8", 2000));
  wait_counts (junk_id, 0, 0);
  wait_counts (inbox_id, 13, -1);
  /* 19: in Archive, a message moved there offline marked read, one read marked unread */
  show_folder (archive_id, 4);
  select_mids ("p4", NULL);
  act_done ("win.mark-read", NULL, "Marked 1 message as read");
  wait_list_flags ("p4", TERN_STORE_FLAG_SEEN, 0);
  select_mids ("o2", NULL);
  /* 20 */
  act_done ("win.mark-unread", NULL, "Marked 1 message as unread");
  wait_list_flags ("o2", 0, TERN_STORE_FLAG_SEEN);

  /* The server heard nothing of it. (Each action kicks a sync that tries the server:
   * the account says "syncing" until that attempt fails, then offline again.) */
  g_assert_true (ui_wait_until (account_offline, NULL, 20000));
  {
    g_autofree char *p4 = server_state ("p4");
    g_autofree char *p9 = server_state ("p9");

    g_assert_cmpstr (p4, ==, "INBOX ");
    g_assert_cmpstr (p9, ==, "INBOX ");
  }

  /* Back online; a sync: the server is what the store shows. */
  run ("TERN_TEST_ONLINE", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 120000));
  if (!ui_wait_until (server_is_store, NULL, 60000))
    {
      g_autofree char *store = store_lines ();
      g_autofree char *server = server_lines ();

      g_error ("the store:\n%s\nthe server:\n%s", store, server);
    }
  /* Spot checks, in the server's words. */
  wait_server ("p4", "Archive \\Seen");
  wait_server ("p5", "Archive |INBOX ");
  wait_server ("p8", "INBOX $NotJunk");
  wait_server ("p9", "");
  wait_server ("p10", "Offline ");
  wait_server ("p11", "Offline \\Flagged");
  wait_server ("o2", "Archive ");
  show_folder (inbox_id, 13);
}

/* ---- a big selection -------------------------------------------------------------------- */

#define N_BULK 1000

typedef struct
{
  gint64 last;
  gint64 longest;
} Stall;

static gboolean
tick_cb (gpointer data)
{
  Stall *stall = data;
  gint64 now = g_get_monotonic_time ();

  stall->longest = MAX (stall->longest, now - stall->last);
  stall->last = now;
  return G_SOURCE_CONTINUE;
}

static gboolean
list_empty (gpointer data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (ui_selection ())) == 0;
}

static gboolean
list_n_is (gpointer data)
{
  return tern_ui_message_list_get_state (ui_message_list ()) == TERN_UI_MESSAGE_LIST_ROWS &&
         g_list_model_get_n_items (G_LIST_MODEL (ui_selection ())) == GPOINTER_TO_UINT (data);
}

/* How many copies of <b…@tern.test> the server has in @folder, and how many
 * distinct ones; all copies anywhere in @n_anywhere. */
static guint
server_bulk (const char *folder, guint *n_distinct, guint *n_anywhere)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *in_folder = g_strdup_printf (" %s ", folder);
  guint n = 0;
  int status;

  *n_anywhere = 0;
  g_assert_true (g_spawn_command_line_sync (g_getenv ("TERN_TEST_WHERE"), &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *at = strstr (lines[i], "@tern.test ");

      if (lines[i][0] != 'b' || at == NULL)
        continue;
      (*n_anywhere)++;
      if (!g_str_has_prefix (at + strlen ("@tern.test"), in_folder))
        continue;
      n++;
      *at = '\0';
      g_hash_table_add (seen, lines[i]);
    }
  *n_distinct = g_hash_table_size (seen);
  return n;
}

static gboolean
server_has_bulk (gpointer folder)
{
  guint distinct, anywhere;
  guint n = server_bulk (folder, &distinct, &anywhere);

  if (n == N_BULK && distinct == N_BULK && anywhere == N_BULK)
    return TRUE;
  ui_settle (500);
  return FALSE;
}

/* A thousand messages selected (Ctrl+A's select-all) and moved through the Move
 * popover: they leave the list at once, the server has each once in the target; the
 * longest main-loop stall meanwhile is said (not judged: timing belongs to the
 * benchmarks). */
static void
test_bulk_move (void)
{
  g_autofree char *fill = g_strdup_printf ("Bulk b %d", N_BULK);
  GtkWidget *button = ui_child ("move_button");
  TernUiMovePopover *popover = NULL;
  Stall stall = { 0, 0 };
  gint64 bulk_id, target_id, start, left;
  guint tick;
  guint distinct, anywhere;

  run ("TERN_TEST_FILL", fill);
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 300000));
  g_assert_true (ui_wait_until (folder_shown, "Bulk", 10000));
  bulk_id = folder_id_of ("Bulk");
  target_id = folder_id_of ("Offline");
  g_assert_cmpint (target_id, >, 0);
  wait_counts (target_id, 2, -1);
  tern_ui_window_show_folder (win, bulk_id);
  g_assert_true (ui_wait_until (list_n_is, GUINT_TO_POINTER (N_BULK), 30000));
  g_assert_cmpuint (server_bulk ("Bulk", &distinct, &anywhere), ==, N_BULK);

  gtk_selection_model_select_all (GTK_SELECTION_MODEL (ui_selection ()));
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (ui_selection ()), ==, N_BULK);
  ui_settle (200);
  ui_activate ("mail.move", NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (button); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (TERN_UI_IS_MOVE_POPOVER (c))
      popover = TERN_UI_MOVE_POPOVER (c);
  g_assert_nonnull (popover);
  ui_settle (300);
  tern_ui_move_popover_set_filter (popover, "Offline");
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, 1);

  /* From the choice on: the gaps between 1 ms ticks of the main loop. */
  tick = g_timeout_add_full (G_PRIORITY_DEFAULT, 1, tick_cb, &stall, NULL);
  stall.last = start = g_get_monotonic_time ();
  tern_ui_move_popover_choose (popover, 0);
  g_assert_true (ui_wait_until (list_empty, NULL, 10000));
  left = g_get_monotonic_time ();
  g_test_message ("%d messages left the list in %.1f ms; longest main-loop stall meanwhile %.1f ms", N_BULK,
                  (left - start) / 1000.0, stall.longest / 1000.0);
  /* The counts follow the store's commit (the rows left before it). */
  wait_counts_within (target_id, N_BULK + 2, -1, 30000);
  wait_counts_within (bulk_id, 0, 0, 30000);
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 1000 messages to “Offline”", 30000));
  if (!ui_wait_until (server_has_bulk, "Offline", 180000))
    g_error ("the server: %u in Offline (%u distinct), %u in all", server_bulk ("Offline", &distinct, &anywhere),
             distinct, anywhere);
  g_test_message ("on the server after %.1f s; longest main-loop stall until then %.1f ms",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC, stall.longest / 1000.0);
  g_source_remove (tick);
  /* And the store agrees, after a sync. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  g_assert_true (ui_wait_until (ui_not_syncing, NULL, 120000));
  wait_counts (target_id, N_BULK + 2, -1);
  wait_counts (bulk_id, 0, 0);
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
  /* New mail comes (the offline and bulk tests add some): no desktop notification. */
  g_settings_set_boolean (tern_ui_application_get_settings (app), "notifications", FALSE);
  win = tern_ui_window_new (app);
  ui_window_use (app, win);
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
  g_test_add_func ("/ui/organise/offline", test_offline);
  g_test_add_func ("/ui/organise/bulk-move", test_bulk_move);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return ret;
}
