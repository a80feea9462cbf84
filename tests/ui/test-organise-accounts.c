/* test-organise-accounts.c: mail moved between accounts from the window, and the
 * offer to create an Archive folder, against a real Dovecot
 *
 * Run by test-organise-accounts.sh, which adds alice and bob by IMAP (through a proxy
 * that can cut them off) and carol by POP3, and fills their mailboxes (see there);
 * Dovecot makes no Archive folder in this run. Each move runs from the window as the
 * user runs it (the Move popover, a drop on the sidebar, the `mail.*` actions), is seen
 * at once in the lists, and is then checked on both servers through second IMAP
 * sessions (the account, folder and flags of each Message-ID, TERN_TEST_WHERE):
 * IMAP to IMAP, one message and several with their flags and keywords; a drop that
 * moves, a Ctrl drop that copies; undo; POP3 to IMAP; a move of twenty messages cut
 * off midway, then finished: each once, in the target. Then archive in an account
 * without an Archive folder: the dialog, cancelled, then "Create and Archive".
 * Screenshots of the popover, the lists and the dialog go next to the test log.
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

#define ALICE "alice@tern.test"
#define BOB   "bob@tern.test"
#define CAROL "carol@tern.test"
#define N_BATCH 20
#define N_IN_PROJECTS 6   /* bob's Projects before the batch: x0 to x5 */

static TernUiApplication *app;
static TernUiWindow *win;
static gint64 alice_inbox, alice_batch, bob_projects, carol_inbox;

/* How many rows of the list are the message <@mid@tern.test>; its id in @id. */
static guint
list_find (const char *mid, gint64 *id)
{
  GListModel *model = G_LIST_MODEL (ui_selection ());
  g_autofree char *wanted = g_strdup_printf ("%s@tern.test", mid);
  g_autofree char *bracketed = g_strdup_printf ("<%s>", wanted);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (model, i);

      if (message != NULL && tern_store_message_is_loaded (message) &&
          (g_strcmp0 (tern_store_message_get_message_id (message), wanted) == 0 ||
           g_strcmp0 (tern_store_message_get_message_id (message), bracketed) == 0))
        {
          n++;
          if (id != NULL)
            *id = tern_store_message_get_id (message);
        }
    }
  return n;
}

static gboolean
list_has (gpointer mid)
{
  return list_find (mid, NULL) == 1;
}

static gboolean
list_lacks (gpointer mid)
{
  return tern_ui_message_list_get_state (ui_message_list ()) != TERN_UI_MESSAGE_LIST_LOADING && list_find (mid, NULL) == 0;
}

/* The Message-IDs of the list's rows, for a failure's message. */
static char *
list_dump (void)
{
  GListModel *model = G_LIST_MODEL (ui_selection ());
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (model, i);

      g_string_append_printf (out, " %s (%" G_GINT64_FORMAT ")",
                              message != NULL && tern_store_message_is_loaded (message)
                                ? tern_store_message_get_message_id (message) : "?",
                              message != NULL ? tern_store_message_get_id (message) : 0);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
assert_lacks (const char *mid)
{
  if (!list_lacks ((gpointer) mid))
    {
      g_autofree char *rows = list_dump ();

      g_error ("<%s@tern.test> still in the list:%s", mid, rows);
    }
}

typedef struct
{
  gint64 folder_id;
  guint  n;
} Shown;

/* The list has @data's n rows, all loaded and all of its folder: until the new folder's
 * rows are read, the list still shows the previous folder's (which may number n too). */
static gboolean
list_loaded (gpointer data)
{
  const Shown *shown = data;
  GListModel *model = G_LIST_MODEL (ui_selection ());
  guint n = g_list_model_get_n_items (model);

  if (n != shown->n)
    return FALSE;
  if (n == 0)
    return tern_ui_message_list_get_state (ui_message_list ()) != TERN_UI_MESSAGE_LIST_LOADING;
  if (tern_ui_message_list_get_state (ui_message_list ()) != TERN_UI_MESSAGE_LIST_ROWS)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TernStoreMessage) message = g_list_model_get_item (model, i);

      if (message == NULL || !tern_store_message_is_loaded (message) ||
          tern_store_message_get_folder_id (message) != shown->folder_id)
        return FALSE;
    }
  return TRUE;
}

static gboolean
folder_shown (gpointer data)
{
  gint64 folder_id = *(gint64 *) data;

  tern_ui_window_show_folder (win, folder_id);
  return tern_ui_message_list_get_folder_id (ui_message_list ()) == folder_id;
}

static void
show_folder (gint64 folder_id, guint n)
{
  Shown shown = { folder_id, n };

  /* A folder just made is in the sidebar's tree once its account's rows follow. */
  if (!ui_wait_until (folder_shown, &folder_id, 10000))
    g_error ("folder %" G_GINT64_FORMAT " not in the sidebar", folder_id);
  if (!ui_wait_until (list_loaded, &shown, 20000))
    {
      g_autofree char *rows = list_dump ();

      g_error ("folder %" G_GINT64_FORMAT ": %u rows, not %u:%s", folder_id,
               g_list_model_get_n_items (G_LIST_MODEL (ui_selection ())), n, rows);
    }
}

/* Selects the messages named (x0, x1…), NULL-terminated. */
static void
select_mids (const char *first, ...)
{
  va_list args;
  gboolean rest = TRUE;

  va_start (args, first);
  for (const char *mid = first; mid != NULL; mid = va_arg (args, const char *))
    {
      gint64 id = 0;

      g_assert_true (ui_wait_until (list_has, (gpointer) mid, 10000));
      list_find (mid, &id);
      tern_ui_id_selection_select_id (ui_selection (), id, rest);
      rest = FALSE;
    }
  va_end (args);
  ui_settle (50);
}

static void
sync_all (void)
{
  GListModel *accounts = tern_mail_get_accounts (tern_ui_application_get_mail (app));

  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  if (ui_wait_until (ui_not_syncing, NULL, 120000))
    return;
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      g_test_message ("%s: state %d, %s", tern_mail_account_get_email (account), tern_mail_account_get_state (account),
                      tern_mail_account_get_status (account));
    }
  g_error ("the sync did not end");
}

/* The folder @path of @account in the sidebar's folders, or 0. */
static gint64
folder_id_of (const char *account, const char *path)
{
  GListModel *folders = tern_ui_sidebar_get_folders (ui_child ("sidebar"));

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

      if (g_strcmp0 (tern_store_folder_get_account (folder), account) == 0 &&
          g_str_equal (tern_store_folder_get_path (folder), path))
        return tern_store_folder_get_id (folder);
    }
  return 0;
}

static guint
n_folders_of (const char *account)
{
  GListModel *folders = tern_ui_sidebar_get_folders (ui_child ("sidebar"));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

      if (g_strcmp0 (tern_store_folder_get_account (folder), account) == 0)
        n++;
    }
  return n;
}

static TernUiMovePopover *
open_popover (const char *action)
{
  GtkWidget *button = ui_child ("move_button");

  ui_activate (action, NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (button); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (TERN_UI_IS_MOVE_POPOVER (c))
      return TERN_UI_MOVE_POPOVER (c);
  g_error ("no Move popover");
}

/* ---- the servers, through second IMAP sessions -------------------------------------- */

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static char **
server_lines (void)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_command_line_sync (g_getenv ("TERN_TEST_WHERE"), &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return g_strsplit (out, "\n", -1);
}

/* "USER FOLDER FLAGS…" of each copy of <@mid@tern.test> on the servers, sorted, joined
 * by "|". */
static char *
server_state (const char *mid)
{
  g_auto(GStrv) lines = server_lines ();
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *wanted = g_strdup_printf (" %s@tern.test ", mid);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *at = strstr (lines[i], wanted);

      if (at != NULL)
        g_ptr_array_add (found, g_strdup_printf ("%.*s %s", (int) (at - lines[i]), lines[i], at + strlen (wanted)));
    }
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

/* Waits until the servers have <@mid> as @state ("USER FOLDER FLAGS|…", "" when gone
 * everywhere); fails with what they have instead. */
static void
wait_server (const char *mid, const char *state)
{
  ServerState wanted = { mid, state };

  if (!ui_wait_until (server_is, &wanted, 60000))
    {
      g_autofree char *now = server_state (mid);

      g_error ("<%s@tern.test> on the servers: “%s”, not “%s”", mid, now, state);
    }
}

static void
run (const char *variable, const char *args, char **out)
{
  g_autofree char *cmd = g_strdup_printf ("%s %s", g_getenv (variable), args != NULL ? args : "");
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (g_getenv (variable));
  g_assert_true (g_spawn_command_line_sync (cmd, out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

static gboolean
server_folders_are (const char *user, const char *wanted)
{
  g_autofree char *out = NULL;

  run ("TERN_TEST_FOLDERS", user, &out);
  g_strstrip (out);
  g_test_message ("%s's folders on the server: %s", user, out);
  return g_strcmp0 (out, wanted) == 0;
}

/* Every control and list row mapped under @widget has an accessible name. */
static void
check_names (GtkWidget *widget, guint *n_checked)
{
  gboolean control = GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_SEARCH_ENTRY (widget) ||
                     GTK_IS_LIST_VIEW (widget) || GTK_IS_ENTRY (widget);
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (!gtk_widget_get_mapped (widget))
    return;
  if (control && !(GTK_IS_BUTTON (widget) && parent != NULL && GTK_IS_MENU_BUTTON (parent)))
    {
      if (!ui_is_named (widget))
        g_error ("%s (%s) has no accessible name", G_OBJECT_TYPE_NAME (widget), gtk_widget_get_name (widget));
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

/* ---- the tests ----------------------------------------------------------------------------- */

static void
test_sync (void)
{
  g_assert_true (ui_wait_until (ui_mail_loaded, NULL, 20000));
  g_assert_cmpuint (g_list_model_get_n_items (tern_mail_get_accounts (tern_ui_application_get_mail (app))), ==, 3);
  sync_all ();
  g_assert_true (ui_wait_until (ui_sidebar_loaded, NULL, 20000));
  ui_settle (300);
  alice_inbox = folder_id_of (ALICE, "INBOX");
  alice_batch = folder_id_of (ALICE, "Batch");
  bob_projects = folder_id_of (BOB, "Projects");
  carol_inbox = folder_id_of (CAROL, "INBOX");
  g_assert_cmpint (alice_inbox, >, 0);
  g_assert_cmpint (alice_batch, >, 0);
  g_assert_cmpint (bob_projects, >, 0);
  g_assert_cmpint (carol_inbox, >, 0);
  /* Dovecot made no Archive in this run. */
  g_assert_cmpint (folder_id_of (ALICE, "Archive"), ==, 0);
  show_folder (alice_inbox, 10);
}

/* The popover lists every account's folders (but the one shown); one chosen in bob's
 * account moves the message there: out of alice's list at once, in bob's folder's
 * list, then on bob's server (flags kept) and gone from alice's. */
static void
test_popover_one (void)
{
  GListModel *folders = tern_ui_sidebar_get_folders (ui_child ("sidebar"));
  TernUiMovePopover *popover;
  guint n_check = 0;

  select_mids ("x0", NULL);
  ui_settle (200);
  popover = open_popover ("mail.move");
  ui_settle (300);
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

      g_test_message ("folder: %s (%s)", tern_store_folder_get_path (folder), tern_store_folder_get_account (folder));
    }
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, g_list_model_get_n_items (folders) - 1);
  g_assert_cmpuint (n_folders_of (BOB), >=, 6);   /* INBOX, Drafts, Sent, Trash, Junk, Projects */
  tern_ui_move_popover_set_filter (popover, BOB);
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, n_folders_of (BOB));
  tern_ui_move_popover_set_filter (popover, ALICE);
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, n_folders_of (ALICE) - 1);
  tern_ui_move_popover_set_filter (popover, "");
  check_names (GTK_WIDGET (popover), &n_check);
  g_test_message ("%u controls and rows of the popover checked: all named", n_check);
  ui_x_screenshot (GTK_WIDGET (win), "tern-accounts-move-popover.png");
  tern_ui_move_popover_set_filter (popover, "bob projects");
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, 1);
  ui_x_screenshot (GTK_WIDGET (win), "tern-accounts-move-popover-bob.png");
  tern_ui_move_popover_choose (popover, 0);
  g_assert_true (ui_wait_until (list_lacks, "x0", 2000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 1 message to “Projects” in bob@tern.test", 10000));

  show_folder (bob_projects, 1);
  g_assert_true (list_has ("x0"));
  wait_server ("x0", "bob Projects ");
  show_folder (alice_inbox, 9);
}

/* Three at once, flagged, read, with keywords: each once on bob's server with its flags
 * and keywords, none left on alice's. */
static void
test_popover_many (void)
{
  TernUiMovePopover *popover;

  ui_dismiss_toasts ();
  select_mids ("x1", "x2", "x3", NULL);
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (ui_selection ()), ==, 3);
  ui_settle (200);
  popover = open_popover ("mail.move");
  ui_settle (200);
  tern_ui_move_popover_set_filter (popover, "projects bob");
  g_assert_cmpuint (tern_ui_move_popover_get_n_shown (popover), ==, 1);
  tern_ui_move_popover_choose (popover, 0);
  g_assert_true (ui_wait_until (list_lacks, "x1", 2000));
  g_assert_true (list_lacks ("x2"));
  g_assert_true (list_lacks ("x3"));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 3 messages to “Projects” in bob@tern.test", 10000));
  ui_x_screenshot (GTK_WIDGET (win), "tern-accounts-source-after-move.png");

  show_folder (bob_projects, 4);
  g_assert_true (list_has ("x1") && list_has ("x2") && list_has ("x3"));
  ui_x_screenshot (GTK_WIDGET (win), "tern-accounts-target-after-move.png");
  wait_server ("x1", "bob Projects \\Flagged");
  wait_server ("x2", "bob Projects $label1 \\Seen");
  wait_server ("x3", "bob Projects $work \\Flagged \\Seen");
  wait_server ("x0", "bob Projects ");
  show_folder (alice_inbox, 6);
}

/* Dropped on bob's folder in the sidebar: with Ctrl a copy (alice keeps hers), else a
 * move. The drop itself is the sidebar's ::messages-dropped (what its GtkDropTarget
 * emits): no real pointer drag in process. */
static void
test_drop (void)
{
  TernUiSidebar *sidebar = ui_child ("sidebar");
  TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (sidebar, bob_projects);
  g_autoptr(TernUiSidebarItem) projects = NULL;

  g_assert_nonnull (folder);
  projects = tern_ui_sidebar_item_new_folder (folder);
  ui_dismiss_toasts ();
  select_mids ("x4", NULL);
  g_signal_emit_by_name (sidebar, "messages-dropped", projects, TRUE);
  g_assert_true (ui_wait_until (ui_toast_shows, "Copied 1 message to “Projects” in bob@tern.test", 10000));
  g_assert_true (list_has ("x4"));
  wait_server ("x4", "alice INBOX |bob Projects ");

  ui_dismiss_toasts ();
  select_mids ("x5", NULL);
  g_signal_emit_by_name (sidebar, "messages-dropped", projects, FALSE);
  g_assert_true (ui_wait_until (list_lacks, "x5", 2000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 1 message to “Projects” in bob@tern.test", 10000));
  wait_server ("x5", "bob Projects ");
  g_assert_true (list_has ("x4"));
  show_folder (bob_projects, 6);
  show_folder (alice_inbox, 5);
}

/* Undone after the servers had it, and undone before they did: back in alice's
 * INBOX with its flags, on both servers; nothing left in bob's. */
static void
test_undo (void)
{
  ui_dismiss_toasts ();
  select_mids ("x6", NULL);
  ui_activate ("mail.move-to", g_variant_new_int64 (bob_projects));
  g_assert_true (ui_wait_until (list_lacks, "x6", 2000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 1 message to “Projects” in bob@tern.test", 10000));
  wait_server ("x6", "bob Projects ");
  ui_activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (list_has, "x6", 5000));
  wait_server ("x6", "alice INBOX ");

  /* At once: the replay may not have reached either server. */
  ui_dismiss_toasts ();
  select_mids ("x8", NULL);
  ui_activate ("mail.move-to", g_variant_new_int64 (bob_projects));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 1 message to “Projects” in bob@tern.test", 10000));
  ui_activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (list_has, "x8", 5000));
  ui_settle (3000);
  wait_server ("x8", "alice INBOX ");
  show_folder (bob_projects, 6);
  assert_lacks ("x6");
  assert_lacks ("x8");
  /* A sync changes none of it (no copy came back in bob's folder). */
  sync_all ();
  wait_server ("x6", "alice INBOX ");
  wait_server ("x8", "alice INBOX ");
  show_folder (bob_projects, 6);
  show_folder (alice_inbox, 5);
}

/* From a POP3 account's local Inbox to alice's IMAP INBOX: uploaded there, gone from
 * carol's folder, and not downloaded again by the next sync. */
static void
test_pop3 (void)
{
  ui_dismiss_toasts ();
  show_folder (carol_inbox, 2);
  select_mids ("c0", "c1", NULL);
  ui_activate ("mail.move-to", g_variant_new_int64 (alice_inbox));
  g_assert_true (ui_wait_until (list_lacks, "c0", 2000));
  g_assert_true (list_lacks ("c1"));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved 2 messages to “Inbox” in alice@tern.test", 10000));
  /* carol's POP3 server keeps its copies (leave on server), read by the download (what
   * Dovecot marks a RETR'd message); alice's server has each once. */
  wait_server ("c0", "alice INBOX |carol INBOX \\Seen");
  wait_server ("c1", "alice INBOX |carol INBOX \\Seen");
  show_folder (alice_inbox, 7);
  g_assert_true (list_has ("c0") && list_has ("c1"));
  sync_all ();
  show_folder (carol_inbox, 0);
  wait_server ("c0", "alice INBOX |carol INBOX \\Seen");
  show_folder (alice_inbox, 7);
}

typedef struct
{
  gboolean done;
  char    *out;
} Cut;

static void
cut_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Cut *cut = data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &cut->out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (G_SUBPROCESS (source)));
  cut->done = TRUE;
}

static gboolean
cut_happened (gpointer data)
{
  return ((Cut *) data)->done;
}

/* Each <b…> once on the servers, in bob's Projects; how many are where in @where. */
static gboolean
batch_in_target (GString *where)
{
  g_auto(GStrv) lines = server_lines ();
  guint n_right = 0, n_wrong = 0;

  g_string_truncate (where, 0);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], " b") == NULL || strstr (lines[i], "@tern.test ") == NULL ||
          !g_ascii_isdigit (strstr (lines[i], " b")[2]))
        continue;
      g_string_append_printf (where, "%s\n", lines[i]);
      if (g_str_has_prefix (lines[i], "bob ") && strstr (lines[i], " Projects ") != NULL)
        n_right++;
      else
        n_wrong++;
    }
  if (n_wrong > 0 || n_right != N_BATCH)
    return FALSE;
  for (guint i = 0; i < N_BATCH; i++)
    {
      g_autofree char *mid = g_strdup_printf ("b%u", i);
      g_autofree char *state = server_state (mid);

      if (g_strcmp0 (state, "bob Projects ") != 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
batch_done (gpointer data)
{
  if (batch_in_target (data))
    return TRUE;
  ui_settle (500);
  return FALSE;
}

static TernMailAccount *
account_of (const char *email)
{
  GListModel *accounts = tern_mail_get_accounts (tern_ui_application_get_mail (app));

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (tern_mail_account_get_email (account), email) == 0)
        return account;   /* the TernMail keeps it */
    }
  g_assert_not_reached ();
}

static gboolean
accounts_offline (gpointer data)
{
  return tern_mail_account_get_state (account_of (BOB)) == TERN_MAIL_ACCOUNT_OFFLINE;
}

/* Twenty bigger messages moved to bob; both servers cut off as soon as bob's has the
 * first of them; back, a sync: each once, in bob's Projects, none left with alice. */
static void
test_interrupted (void)
{
  g_autofree char *argv_line = g_strdup_printf ("%s bob Projects %u %s", g_getenv ("TERN_TEST_CUT_WHEN"),
                                                N_IN_PROJECTS + 1, g_getenv ("TERN_TEST_PROXY_PID"));
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) watcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) where = g_string_new (NULL);
  Cut cut = { FALSE, NULL };
  guint at_cut;

  ui_dismiss_toasts ();
  show_folder (alice_batch, N_BATCH);
  g_assert_true (g_shell_parse_argv (argv_line, NULL, &argv, &error));
  watcher = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (watcher, NULL, NULL, cut_done_cb, &cut);

  gtk_selection_model_select_all (GTK_SELECTION_MODEL (ui_selection ()));
  g_assert_cmpuint (tern_ui_id_selection_get_n_selected (ui_selection ()), ==, N_BATCH);
  ui_activate ("mail.move-to", g_variant_new_int64 (bob_projects));
  {
    Shown empty = { alice_batch, 0 };

    g_assert_true (ui_wait_until (list_loaded, &empty, 5000));
  }
  if (!ui_wait_until (cut_happened, &cut, 120000))
    g_error ("bob's Projects never held the first of the batch");
  at_cut = (guint) g_ascii_strtoull (cut.out, NULL, 10) - N_IN_PROJECTS;
  g_test_message ("cut off when bob's server had %u of the %u", at_cut, N_BATCH);
  g_free (cut.out);
  /* Cut midway, not after. */
  g_assert_cmpuint (at_cut, <, N_BATCH);
  if (!ui_wait_until (accounts_offline, NULL, 60000))
    g_error ("bob not offline: %s", tern_mail_account_get_status (account_of (BOB)));
  ui_settle (1000);
  batch_in_target (where);
  g_test_message ("while cut off:\n%s", where->str);

  run ("TERN_TEST_ONLINE", NULL, NULL);
  sync_all ();
  if (!ui_wait_until (batch_done, where, 120000))
    g_error ("not each once in bob's Projects:\n%s", where->str);
  /* A second sync changes nothing; the lists agree. */
  sync_all ();
  g_assert_true (batch_in_target (where));
  show_folder (alice_batch, 0);
  show_folder (bob_projects, N_IN_PROJECTS + N_BATCH);
}

static gboolean
archive_shown (gpointer data)
{
  return folder_id_of (ALICE, "Archive") != 0;
}

/* Archive where the account has none: the window asks. Cancelled, nothing changes;
 * "Create and Archive": the server has the folder Archive, with the message, and the
 * next archive goes there without asking. */
static void
test_archive_offer (void)
{
  const char *folders_before = "Batch Drafts INBOX Junk Sent Trash";
  const char *folders_after = "Archive Batch Drafts INBOX Junk Sent Trash";
  AdwMessageDialog *dialog;
  guint n_check = 0;

  ui_dismiss_toasts ();
  show_folder (alice_inbox, 7);
  g_assert_true (server_folders_are ("alice", folders_before));
  select_mids ("x7", NULL);
  ui_settle (200);
  ui_activate ("mail.archive", NULL);
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 10000));
  dialog = ui_find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Create an Archive Folder?");
  g_test_message ("body: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), ALICE));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“Archive”"));
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "cancel"), ==, "_Cancel");
  g_assert_cmpstr (adw_message_dialog_get_response_label (dialog, "create"), ==, "C_reate and Archive");
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "create");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "cancel");
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (win));
  ui_settle (300);
  check_names (GTK_WIDGET (dialog), &n_check);
  g_assert_cmpuint (n_check, >=, 2);
  g_test_message ("%u controls of the dialog checked: all named", n_check);
  ui_x_screenshot (GTK_WIDGET (win), "tern-accounts-archive-dialog.png");

  /* Cancelled: the message stays, no folder is made, here or there. */
  ui_respond (dialog, "cancel");
  ui_settle (2000);
  g_assert_null (ui_find_dialog ());
  g_assert_true (list_has ("x7"));
  g_assert_cmpint (folder_id_of (ALICE, "Archive"), ==, 0);
  wait_server ("x7", "alice INBOX ");
  g_assert_true (server_folders_are ("alice", folders_before));

  /* Created, and archived there. */
  ui_activate ("mail.archive", NULL);
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 10000));
  ui_respond (ui_find_dialog (), "create");
  g_assert_true (ui_wait_until (list_lacks, "x7", 10000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Archived 1 message", 10000));
  g_assert_true (ui_wait_until (archive_shown, NULL, 10000));
  wait_server ("x7", "alice Archive ");
  g_assert_true (server_folders_are ("alice", folders_after));
  show_folder (folder_id_of (ALICE, "Archive"), 1);
  show_folder (alice_inbox, 6);

  /* The next archive: no question. */
  ui_dismiss_toasts ();
  select_mids ("x9", NULL);
  ui_activate ("mail.archive", NULL);
  g_assert_true (ui_wait_until (list_lacks, "x9", 10000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Archived 1 message", 10000));
  g_assert_null (ui_find_dialog ());
  wait_server ("x9", "alice Archive ");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-organise-accounts");
  tern_engine_init ();
  ui_webkit_warm_up ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_settings_set_boolean (tern_ui_application_get_settings (app), "conversations", FALSE);
  g_settings_set_double (tern_ui_application_get_settings (app), "mark-read-delay", -1);
  g_settings_set_boolean (tern_ui_application_get_settings (app), "notifications", FALSE);
  win = tern_ui_window_new (app);
  ui_window_use (app, win);
  gtk_window_set_default_size (GTK_WINDOW (win), 1180, 720);
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/organise-accounts/sync", test_sync);
  g_test_add_func ("/ui/organise-accounts/popover-one", test_popover_one);
  g_test_add_func ("/ui/organise-accounts/popover-many", test_popover_many);
  g_test_add_func ("/ui/organise-accounts/drop", test_drop);
  g_test_add_func ("/ui/organise-accounts/undo", test_undo);
  g_test_add_func ("/ui/organise-accounts/pop3-to-imap", test_pop3);
  g_test_add_func ("/ui/organise-accounts/interrupted", test_interrupted);
  g_test_add_func ("/ui/organise-accounts/archive-offer", test_archive_offer);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return ret;
}
