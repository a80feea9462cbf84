/* test-sidebar-folders.c: the sidebar's folders against a real Dovecot: the
 * subscribed-only view, and moving a folder by drag and drop
 *
 * Run by test-sidebar-folders.sh, which makes alice's folders Lists, Lists/dev, Old,
 * Clients (<c0@tern.test>…<c2>) and Clients/Acme (<a0>, <a1>), every one subscribed,
 * and adds the account. A second IMAP session (TERN_TEST_SERVER) unsubscribes some on
 * the server; after the window's sync the store knows, and the Preferences' switch
 * hides them from the sidebar (the special folders stay, and so does a parent of a
 * subscribed folder), live, the selection kept; off, they are back. A folder made
 * from the window is subscribed on the server. Then folders are dropped on the
 * sidebar's rows through their drop target (the GtkDropTarget's ::drop, as a drag
 * ends): into another folder, back to the top level, with their subfolders and
 * messages, checked on the server by Message-ID; drops onto itself, into its own
 * subfolder, of a special folder or across accounts are refused; a move the server
 * refuses is reported in its words. Last, a real pointer drag (xdotool) of a folder
 * onto another, its drop highlighted, then dropped. Screenshots go next to the log.
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
#include "tern-ui-preferences-window.h"
#include "tern-ui-sidebar.h"
#include "tern-ui-subscriptions-window.h"
#include "tern-ui-window.h"
#include "ui-screenshot.h"
#include "ui-window.h"

static TernUiApplication *app;
static TernUiWindow *win;

static TernUiSidebar *
sidebar (void)
{
  return ui_child ("sidebar");
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }
  return NULL;
}

/* ---- the server, through a second IMAP session --------------------------------------- */

/* What `$TERN_TEST_SERVER @args` prints, stripped. */
static char *
server (const char *args)
{
  g_autofree char *cmd = g_strdup_printf ("%s %s", g_getenv ("TERN_TEST_SERVER"), args);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = -1;

  g_assert_nonnull (g_getenv ("TERN_TEST_SERVER"));
  g_assert_true (g_spawn_command_line_sync (cmd, &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return g_strstrip (out);
}

typedef struct
{
  const char *args;
  const char *wanted;
} ServerAnswer;

static gboolean
server_says (gpointer data)
{
  ServerAnswer *answer = data;
  g_autofree char *out = server (answer->args);

  if (g_strcmp0 (out, answer->wanted) == 0)
    return TRUE;
  ui_settle (300);
  return FALSE;
}

/* Waits until `$TERN_TEST_SERVER @args` prints @wanted; fails with what it prints. */
static void
wait_server (const char *args, const char *wanted)
{
  ServerAnswer answer = { args, wanted };

  if (!ui_wait_until (server_says, &answer, 30000))
    {
      g_autofree char *now = server (args);

      g_error ("server %s: “%s”, not “%s”", args, now, wanted);
    }
  g_test_message ("server %s: %s", args, wanted);
}

/* Whether @name is among the words of @list (space-separated). */
static gboolean
has_word (const char *list, const char *name)
{
  g_auto(GStrv) words = g_strsplit (list, " ", -1);

  return g_strv_contains ((const char * const *) words, name);
}

/* The store's folder at @path (alice's), or NULL. */
static TernStoreFolder *
store_folder (const char *path)
{
  GListModel *folders = tern_ui_sidebar_get_folders (sidebar ());

  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

      if (g_strcmp0 (tern_store_folder_get_account (folder), "alice@tern.test") == 0 &&
          g_str_equal (tern_store_folder_get_path (folder), path))
        return folder;   /* the list keeps it */
    }
  return NULL;
}

static gint64
folder_id (const char *path)
{
  TernStoreFolder *folder = store_folder (path);

  return folder != NULL ? tern_store_folder_get_id (folder) : 0;
}

/* Every row expanded, so that the model holds every row the sidebar shows. */
static void
expand_all (void)
{
  GListModel *rows = tern_ui_sidebar_get_model (sidebar ());
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
        {
          g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);

          if (gtk_tree_list_row_is_expandable (row) && !gtk_tree_list_row_get_expanded (row))
            {
              gtk_tree_list_row_set_expanded (row, TRUE);
              changed = TRUE;
            }
        }
    }
}

/* The sidebar's row of the folder at @path, or NULL. */
static GtkTreeListRow *
folder_row (const char *path)
{
  GListModel *rows = tern_ui_sidebar_get_model (sidebar ());

  expand_all ();
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);
      TernStoreFolder *folder = tern_ui_sidebar_item_get_folder (item);

      if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_FOLDER && folder != NULL &&
          g_str_equal (tern_store_folder_get_path (folder), path))
        return g_steal_pointer (&row);
    }
  return NULL;
}

static TernUiSidebarItem *
row_item (GtkTreeListRow *row)
{
  return gtk_tree_list_row_get_item (row);
}

static TernUiSidebarItem *
folder_item (const char *path)
{
  g_autoptr(GtkTreeListRow) row = folder_row (path);

  return row != NULL ? row_item (row) : NULL;
}

/* The title of the row above the folder's row in the tree (its parent folder, or the
 * account's address). */
static char *
parent_title (const char *path)
{
  g_autoptr(GtkTreeListRow) row = folder_row (path);
  g_autoptr(GtkTreeListRow) parent = row != NULL ? gtk_tree_list_row_get_parent (row) : NULL;
  g_autoptr(TernUiSidebarItem) item = parent != NULL ? row_item (parent) : NULL;

  return item != NULL ? g_strdup (tern_ui_sidebar_item_get_title (item)) : NULL;
}

typedef struct
{
  const char *path;
  const char *parent;
} Placed;

static gboolean
placed (gpointer data)
{
  Placed *placed = data;
  g_autofree char *parent = parent_title (placed->path);

  return g_strcmp0 (parent, placed->parent) == 0;
}

/* Waits until the sidebar shows the folder at @path under the row titled @parent. */
static void
wait_placed (const char *path, const char *parent)
{
  Placed wanted = { path, parent };

  if (!ui_wait_until (placed, &wanted, 5000))
    {
      g_autofree char *now = parent_title (path);

      g_error ("%s under “%s”, not “%s”", path, now, parent);
    }
}

static gboolean
shown (gpointer path)
{
  g_autoptr(GtkTreeListRow) row = folder_row (path);

  return row != NULL;
}

static gboolean
not_shown (gpointer path)
{
  return !shown (path);
}

static TernUiSidebarItem *
account_item (void)
{
  GListModel *rows = tern_ui_sidebar_get_model (sidebar ());

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (rows, i);
      g_autoptr(TernUiSidebarItem) item = gtk_tree_list_row_get_item (row);

      if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_ACCOUNT &&
          tern_ui_sidebar_item_get_account (item) != NULL)
        return g_steal_pointer (&item);
    }
  g_assert_not_reached ();
}

/* The path of the folder the sidebar has selected, or "". */
static const char *
selected_path (void)
{
  TernUiSidebarItem *item = tern_ui_sidebar_get_selected_item (sidebar ());
  TernStoreFolder *folder = item != NULL ? tern_ui_sidebar_item_get_folder (item) : NULL;
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (tern_ui_sidebar_get_list_view (sidebar ())));
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (selection);
  g_autoptr(TernUiSidebarItem) row_selected = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  /* The row selected in the list is the sidebar's selected item. */
  g_assert_true (row_selected == item);
  return folder != NULL ? tern_store_folder_get_path (folder) : "";
}

/* The row's widget (the GtkTreeExpander the factory made) for @item, shown. */
static GtkWidget *
find_row_widget (GtkWidget *root, TernUiSidebarItem *item)
{
  if (GTK_IS_TREE_EXPANDER (root))
    {
      g_autoptr(GObject) bound = gtk_tree_expander_get_item (GTK_TREE_EXPANDER (root));

      if (bound == (GObject *) item && gtk_widget_get_mapped (root))
        return root;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_row_widget (c, item);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gpointer
row_controller (GtkWidget *row, GType type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (row);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;   /* the row keeps it */
    }
  return NULL;
}

/* Drops @folder on @onto's row as a drag ending there does: its GtkDropTarget's
 * ::drop, with the value the sidebar's drag source gives (the TernStoreFolder).
 * Returns whether the row took it. */
static gboolean
drop_folder (TernStoreFolder *folder, TernUiSidebarItem *onto)
{
  GtkWidget *row;
  GtkDropTarget *target;
  g_auto(GValue) value = G_VALUE_INIT;
  gboolean taken = FALSE;

  ui_settle (100);
  row = find_row_widget (GTK_WIDGET (tern_ui_sidebar_get_list_view (sidebar ())), onto);
  g_assert_nonnull (row);
  target = row_controller (row, GTK_TYPE_DROP_TARGET);
  g_assert_nonnull (target);
  g_value_init (&value, TERN_TYPE_STORE_FOLDER);
  g_value_set_object (&value, folder);
  g_signal_emit_by_name (target, "drop", &value, 4.0, 4.0, &taken);
  return taken;
}

static void
sync_now (void)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "sync", NULL);
  if (!ui_wait_until (ui_not_syncing, NULL, 120000))
    {
      GListModel *accounts = tern_mail_get_accounts (tern_ui_application_get_mail (app));
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, 0);

      g_error ("still syncing: %s", tern_mail_account_get_status (account));
    }
}

static gboolean
unsubscribed_in_store (gpointer path)
{
  TernStoreFolder *folder = store_folder (path);

  if (folder != NULL && !tern_store_folder_get_subscribed (folder))
    return TRUE;
  ui_settle (200);
  return FALSE;
}

/* ---- the tests ---------------------------------------------------------------------------- */

static const char *all_folders = "Archive Clients Clients/Acme Drafts INBOX Junk Lists Lists/dev Old Sent Trash";

static void
test_sync (void)
{
  g_assert_true (ui_wait_until (ui_mail_loaded, NULL, 20000));
  sync_now ();
  g_assert_true (ui_wait_until (ui_sidebar_loaded, NULL, 20000));
  g_assert_true (ui_wait_until (shown, "Clients/Acme", 20000));
  wait_server ("folders", all_folders);
  for (guint i = 0; i < 5; i++)
    {
      const char *path = (const char *[]) { "Lists", "Lists/dev", "Old", "Clients", "Clients/Acme" }[i];

      g_assert_true (shown ((gpointer) path));
      g_assert_true (tern_store_folder_get_subscribed (store_folder (path)));
    }
  g_assert_false (tern_ui_sidebar_get_subscribed_only (sidebar ()));
}

/* Unsubscribed on the server by another client: after a sync the store knows. */
static void
test_unsubscribed_elsewhere (void)
{
  g_free (server ("unsubscribe Lists"));
  g_free (server ("unsubscribe Old"));
  g_free (server ("unsubscribe Junk"));
  sync_now ();
  g_assert_true (ui_wait_until (unsubscribed_in_store, "Lists", 30000));
  g_assert_true (ui_wait_until (unsubscribed_in_store, "Old", 5000));
  g_assert_true (tern_store_folder_get_subscribed (store_folder ("Lists/dev")));
  g_assert_true (tern_store_folder_get_subscribed (store_folder ("Clients")));
  /* (Dovecot keeps its auto = subscribe folders subscribed, or not: Junk is shown either way.) */
  g_test_message ("Junk subscribed in the store: %d", tern_store_folder_get_subscribed (store_folder ("Junk")));
  /* The option is off: every folder still shown. */
  g_assert_true (shown ("Old"));
  g_assert_true (shown ("Lists"));
}

/* The Preferences' switch: on, the sidebar hides Old (unsubscribed), keeps Lists
 * (unsubscribed, but above the subscribed Lists/dev), the special folders and the
 * selection; off, Old is back. */
static void
test_subscribed_only (void)
{
  GSettings *settings = tern_ui_application_get_settings (app);
  GtkWindow *preferences;
  GtkSwitch *toggle;
  const char *special[] = { "INBOX", "Drafts", "Sent", "Archive", "Junk", "Trash" };

  g_assert_true (tern_ui_sidebar_select_folder (sidebar (), folder_id ("Lists/dev")));
  ui_settle (200);
  g_assert_cmpstr (selected_path (), ==, "Lists/dev");
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-all-folders.png");

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  preferences = find_toplevel (TERN_UI_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (preferences);
  toggle = GTK_SWITCH (gtk_widget_get_template_child (GTK_WIDGET (preferences), TERN_UI_TYPE_PREFERENCES_WINDOW,
                                                      "subscribed_only_switch"));
  g_assert_nonnull (toggle);
  g_assert_false (gtk_switch_get_active (toggle));
  {
    GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (toggle), ADW_TYPE_ACTION_ROW);

    g_assert_nonnull (row);
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Subscribed Folders Only");
  }
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "subscribed-only"));
  ui_settle (300);
  ui_wait_painted (GTK_WIDGET (preferences));
  ui_x_screenshot_area ("tern-sidebar-subscribed-preference.png", 1180, 720);
  gtk_window_destroy (preferences);

  /* Live: gone from the sidebar's model at once. */
  g_assert_true (tern_ui_sidebar_get_subscribed_only (sidebar ()));
  g_assert_true (ui_wait_until (not_shown, "Old", 2000));
  g_assert_true (shown ("Lists"));
  g_assert_true (shown ("Lists/dev"));
  g_assert_true (shown ("Clients"));
  g_assert_true (shown ("Clients/Acme"));
  wait_placed ("Lists/dev", "Lists");
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    g_assert_true (shown ((gpointer) special[i]));
  g_assert_cmpstr (selected_path (), ==, "Lists/dev");
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-subscribed-only.png");

  /* Subscribed again elsewhere: shown after a sync, the option on. */
  g_free (server ("subscribe Old"));
  sync_now ();
  g_assert_true (ui_wait_until (shown, "Old", 30000));
  g_free (server ("unsubscribe Old"));
  sync_now ();
  g_assert_true (ui_wait_until (not_shown, "Old", 30000));

  /* Off: every folder again, the selection kept. */
  g_settings_set_boolean (settings, "subscribed-only", FALSE);
  g_assert_false (tern_ui_sidebar_get_subscribed_only (sidebar ()));
  g_assert_true (ui_wait_until (shown, "Old", 2000));
  g_assert_true (shown ("Lists"));
  g_assert_cmpstr (selected_path (), ==, "Lists/dev");
}

/* A folder made from the window is subscribed on the server, so the subscribed-only
 * view shows it after a sync too. */
static void
test_created_subscribed (void)
{
  g_autoptr(TernUiSidebarItem) account = account_item ();
  g_autofree char *subscribed = NULL;
  AdwMessageDialog *dialog;

  ui_activate ("folder.new-in-account",
            g_variant_new_int64 (tern_mail_account_get_store_id (tern_ui_sidebar_item_get_account (account))));
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Fresh");
  adw_message_dialog_response (dialog, "ok");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (ui_wait_until (shown, "Fresh", 5000));
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/dev Old Sent Trash");
  subscribed = server ("subscribed");
  g_test_message ("subscribed on the server: %s", subscribed);
  g_assert_true (has_word (subscribed, "Fresh"));
  g_assert_false (has_word (subscribed, "Old"));
  g_settings_set_boolean (tern_ui_application_get_settings (app), "subscribed-only", TRUE);
  sync_now ();
  ui_settle (500);
  g_assert_true (shown ("Fresh"));
  g_assert_true (not_shown ("Old"));
  g_settings_set_boolean (tern_ui_application_get_settings (app), "subscribed-only", FALSE);
  g_assert_true (ui_wait_until (shown, "Old", 2000));
  ui_dismiss_toasts ();
}

typedef struct
{
  const char *name;
  gboolean    subscribed;
} Subscription;

static gboolean
server_subscription_is (gpointer data)
{
  Subscription *wanted = data;
  g_autofree char *subscribed = server ("subscribed");

  if (!has_word (subscribed, wanted->name) == !wanted->subscribed)
    return TRUE;
  ui_settle (300);
  return FALSE;
}

/* Waits until the server lists @name as subscribed, or not. */
static void
wait_server_subscribed (const char *name, gboolean subscribed)
{
  Subscription wanted = { name, subscribed };

  if (!ui_wait_until (server_subscription_is, &wanted, 30000))
    {
      g_autofree char *now = server ("subscribed");

      g_error ("%s is %s on the server (subscribed: %s)", name, subscribed ? "not subscribed" : "still subscribed",
               now);
    }
}

/* A menu item of a popover menu's model, by its action. */
static gboolean
menu_has_action (GMenuModel *model, const char *action, gint64 target)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autofree char *name = NULL;
      g_autoptr(GVariant) value = NULL;

      if (section != NULL && menu_has_action (section, action, target))
        return TRUE;
      if (g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action) &&
          (value = g_menu_model_get_item_attribute_value (model, i, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_INT64)) &&
          g_variant_get_int64 (value) == target)
        return TRUE;
    }
  return FALSE;
}

static gboolean
subscriptions_open (gpointer data)
{
  return find_toplevel (TERN_UI_TYPE_SUBSCRIPTIONS_WINDOW) != NULL;
}

/* Subscriptions changed from the window, with "Subscribed Folders Only" on: the
 * folder's menu unsubscribes (the folder leaves the sidebar, the server's LSUB drops
 * it) and the toast's Undo brings it back; the account's "Folder Subscriptions…"
 * lists its own folders with a switch each, which subscribes on the server and shows
 * the folder, and the other way. */
static void
test_subscriptions (void)
{
  GSettings *settings = tern_ui_application_get_settings (app);
  g_autoptr(TernUiSidebarItem) fresh = folder_item ("Fresh");
  g_autoptr(TernUiSidebarItem) old = folder_item ("Old");
  g_autoptr(TernUiSidebarItem) account = account_item ();
  gint64 account_id = tern_mail_account_get_store_id (tern_ui_sidebar_item_get_account (account));
  GtkPopover *menu;
  GtkWindow *window;
  GtkSwitch *toggle;
  GtkWidget *row;
  g_autofree char *label = NULL;

  g_settings_set_boolean (settings, "subscribed-only", TRUE);
  g_assert_true (ui_wait_until (not_shown, "Old", 2000));
  g_assert_true (shown ("Fresh"));
  wait_server_subscribed ("Fresh", TRUE);
  wait_server_subscribed ("Old", FALSE);

  /* The menus offer what the folder's subscription allows. */
  menu = tern_ui_sidebar_popup_menu (sidebar (), fresh,
                                     find_row_widget (GTK_WIDGET (tern_ui_sidebar_get_list_view (sidebar ())), fresh),
                                     60, 20);
  g_assert_nonnull (menu);
  g_assert_true (menu_has_action (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), "folder.unsubscribe",
                                  folder_id ("Fresh")));
  g_assert_false (menu_has_action (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), "folder.subscribe",
                                   folder_id ("Fresh")));
  g_assert_nonnull (ui_find_label_with (GTK_WIDGET (menu), "Unsubscribe"));
  ui_settle (300);
  ui_wait_painted (GTK_WIDGET (menu));
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-folder-menu-unsubscribe.png");
  gtk_popover_popdown (menu);
  menu = tern_ui_sidebar_popup_menu (sidebar (), old, NULL, 0, 0);
  g_assert_true (menu_has_action (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), "folder.subscribe",
                                  folder_id ("Old")));
  gtk_popover_popdown (menu);
  menu = tern_ui_sidebar_popup_menu (sidebar (), account, NULL, 0, 0);
  g_assert_true (menu_has_action (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (menu)), "folder.subscriptions",
                                  account_id));
  g_assert_nonnull (ui_find_label_with (GTK_WIDGET (menu), "Folder Subscriptions…"));
  gtk_popover_popdown (menu);
  ui_settle (200);

  /* Unsubscribe: gone from the sidebar at once, from the server's list soon; Undo. */
  ui_activate ("folder.unsubscribe", g_variant_new_int64 (folder_id ("Fresh")));
  g_assert_true (ui_wait_until (not_shown, "Fresh", 2000));
  g_assert_true (ui_wait_until (ui_toast_shows, "Unsubscribed from “Fresh”", 2000));
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-unsubscribed-toast.png");
  wait_server_subscribed ("Fresh", FALSE);
  ui_activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (shown, "Fresh", 5000));
  wait_server_subscribed ("Fresh", TRUE);
  ui_dismiss_toasts ();

  /* The account's subscriptions: its own folders, in the sidebar's names. */
  ui_activate ("folder.subscriptions", g_variant_new_int64 (account_id));
  g_assert_true (ui_wait_until (subscriptions_open, NULL, 5000));
  window = find_toplevel (TERN_UI_TYPE_SUBSCRIPTIONS_WINDOW);
  g_assert_cmpstr (gtk_window_get_title (window), ==, "Folder Subscriptions");
  /* Asked again: the same window, not a second one. */
  ui_activate ("folder.subscriptions", g_variant_new_int64 (account_id));
  ui_settle (200);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    guint n = 0;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        n += TERN_UI_IS_SUBSCRIPTIONS_WINDOW (w) && gtk_widget_get_visible (GTK_WIDGET (w));
      }
    g_assert_cmpuint (n, ==, 1);
  }
  g_assert_true (find_toplevel (TERN_UI_TYPE_SUBSCRIPTIONS_WINDOW) == window);
  g_assert_cmpuint (tern_ui_subscriptions_window_get_n_rows (TERN_UI_SUBSCRIPTIONS_WINDOW (window)), ==, 6);
  g_assert_null (tern_ui_subscriptions_window_get_switch (TERN_UI_SUBSCRIPTIONS_WINDOW (window), folder_id ("INBOX")));
  g_assert_true (gtk_switch_get_active (tern_ui_subscriptions_window_get_switch (TERN_UI_SUBSCRIPTIONS_WINDOW (window),
                                                                                 folder_id ("Fresh"))));
  toggle = tern_ui_subscriptions_window_get_switch (TERN_UI_SUBSCRIPTIONS_WINDOW (window), folder_id ("Lists/dev"));
  g_assert_true (gtk_switch_get_active (toggle));
  row = gtk_widget_get_ancestor (GTK_WIDGET (toggle), ADW_TYPE_ACTION_ROW);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Lists / dev");
  toggle = tern_ui_subscriptions_window_get_switch (TERN_UI_SUBSCRIPTIONS_WINDOW (window), folder_id ("Old"));
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_true (ui_is_named (GTK_WIDGET (toggle)));
  ui_wait_painted (GTK_WIDGET (window));
  ui_x_screenshot_area ("tern-sidebar-subscriptions-window.png", 1180, 720);

  /* On: Old is subscribed and shown; off again: gone. The row's activation is the
   * switch's (a click anywhere on the row, Space or Enter on it). */
  g_assert_true (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (gtk_widget_get_ancestor (GTK_WIDGET (toggle),
                                                                                                 ADW_TYPE_ACTION_ROW)))
                 == GTK_WIDGET (toggle));
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (ui_wait_until (shown, "Old", 2000));
  wait_server_subscribed ("Old", TRUE);
  g_assert_true (tern_store_folder_get_subscribed (store_folder ("Old")));
  gtk_switch_set_active (toggle, FALSE);
  g_assert_true (ui_wait_until (not_shown, "Old", 2000));
  wait_server_subscribed ("Old", FALSE);

  /* A change made elsewhere (the sidebar's menu) shows on the switch. */
  ui_activate ("folder.subscribe", g_variant_new_int64 (folder_id ("Old")));
  g_assert_true (ui_wait_until (shown, "Old", 2000));
  label = g_strdup ("Old");
  for (guint i = 0; i < 20 && !gtk_switch_get_active (toggle); i++)
    ui_settle (100);
  g_assert_true (gtk_switch_get_active (toggle));
  ui_activate ("win.undo", NULL);
  g_assert_true (ui_wait_until (not_shown, label, 5000));
  g_assert_false (gtk_switch_get_active (toggle));
  wait_server_subscribed ("Old", FALSE);
  gtk_window_destroy (window);
  ui_dismiss_toasts ();

  g_settings_set_boolean (settings, "subscribed-only", FALSE);
  g_assert_true (ui_wait_until (shown, "Old", 2000));
}

/* Drops that are refused, and not even highlighted (tern_ui_sidebar_can_drop_folder(),
 * which the drop target's motion asks): a folder onto itself, into its own subfolder,
 * where it is already; a special folder; another account's folder or top level. */
static void
test_drop_refused (void)
{
  TernUiSidebar *bar = sidebar ();
  g_autoptr(TernUiSidebarItem) clients = folder_item ("Clients");
  g_autoptr(TernUiSidebarItem) acme = folder_item ("Clients/Acme");
  g_autoptr(TernUiSidebarItem) lists = folder_item ("Lists");
  g_autoptr(TernUiSidebarItem) account = account_item ();
  g_autoptr(TernUiSidebarItem) local = tern_ui_sidebar_item_new_local_folders ();
  g_autoptr(TernUiSidebarItem) local_inbox = NULL;
  GListModel *folders = tern_ui_sidebar_get_folders (bar);

  for (guint i = 0; i < g_list_model_get_n_items (folders) && local_inbox == NULL; i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);

      if (g_strcmp0 (tern_store_folder_get_account (folder), TERN_STORE_LOCAL_ACCOUNT) == 0)
        local_inbox = tern_ui_sidebar_item_new_folder (folder);
    }
  g_assert_nonnull (local_inbox);

  g_assert_true (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients"), lists));
  g_assert_true (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients/Acme"), account));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients"), clients));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients"), acme));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients/Acme"), clients));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients"), account));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Trash"), lists));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Junk"), account));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients"), local));
  g_assert_false (tern_ui_sidebar_can_drop_folder (bar, store_folder ("Clients"), local_inbox));

  /* Dropped anyway (the drop target's ::drop): not taken, nothing moves. */
  g_assert_false (drop_folder (store_folder ("Clients"), clients));
  g_assert_false (drop_folder (store_folder ("Clients"), acme));
  g_assert_false (drop_folder (store_folder ("Trash"), lists));
  g_assert_false (drop_folder (store_folder ("Clients"), account));
  ui_settle (500);
  g_assert_true (shown ("Clients"));
  g_assert_true (shown ("Clients/Acme"));
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/dev Old Sent Trash");
}

/* Clients (with Acme in it) dropped on Lists: Lists/Clients and Lists/Clients/Acme,
 * in the sidebar at once and on the server soon, with their messages; then dropped on
 * the account's row: back at the top level. */
static void
test_drop_move (void)
{
  g_autoptr(TernUiSidebarItem) lists = folder_item ("Lists");
  g_autoptr(TernUiSidebarItem) account = account_item ();
  g_autofree char *subscribed = NULL;

  g_assert_true (drop_folder (store_folder ("Clients"), lists));
  g_assert_true (ui_wait_until (shown, "Lists/Clients", 2000));
  g_assert_true (ui_wait_until (shown, "Lists/Clients/Acme", 2000));
  wait_placed ("Lists/Clients", "Lists");
  wait_placed ("Lists/Clients/Acme", "Clients");
  g_assert_true (not_shown ("Clients"));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved “Clients” into “Lists”", 2000));
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-folder-moved.png");

  wait_server ("folders", "Archive Drafts Fresh INBOX Junk Lists Lists/Clients Lists/Clients/Acme Lists/dev Old Sent "
                          "Trash");
  wait_server ("mids Lists/Clients", "c0 c1 c2");
  wait_server ("mids Lists/Clients/Acme", "a0 a1");
  subscribed = server ("subscribed");
  g_test_message ("subscribed on the server: %s", subscribed);
  /* The subscriptions moved with the folders, the one inside it too. */
  g_assert_true (has_word (subscribed, "Lists/Clients"));
  g_assert_true (has_word (subscribed, "Lists/Clients/Acme"));
  g_assert_false (has_word (subscribed, "Clients"));
  g_assert_false (has_word (subscribed, "Clients/Acme"));
  /* So the subscribed-only view still shows them after a sync. */
  g_settings_set_boolean (tern_ui_application_get_settings (app), "subscribed-only", TRUE);
  sync_now ();
  ui_settle (500);
  g_assert_true (shown ("Lists/Clients/Acme"));
  g_assert_true (tern_store_folder_get_subscribed (store_folder ("Lists/Clients/Acme")));
  g_settings_set_boolean (tern_ui_application_get_settings (app), "subscribed-only", FALSE);
  ui_dismiss_toasts ();

  /* To the top level: the account's row. */
  g_assert_true (drop_folder (store_folder ("Lists/Clients"), account));
  g_assert_true (ui_wait_until (shown, "Clients", 2000));
  g_assert_true (ui_wait_until (shown, "Clients/Acme", 2000));
  wait_placed ("Clients", "alice@tern.test");
  wait_placed ("Clients/Acme", "Clients");
  g_assert_true (not_shown ("Lists/Clients"));
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved “Clients” to the top of alice@tern.test", 2000));
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/dev Old Sent Trash");
  wait_server ("mids Clients", "c0 c1 c2");
  wait_server ("mids Clients/Acme", "a0 a1");
  ui_dismiss_toasts ();

  /* Ctrl+Z at once, before the move is done: it undoes nothing, not the move of
   * Clients before it (the drop runs the move without the main loop turning, so its
   * completion cannot have come yet). */
  g_assert_true (drop_folder (store_folder ("Old"), lists));
  ui_activate ("win.undo", NULL);
  ui_settle (500);
  g_assert_true (shown ("Clients"));
  wait_placed ("Clients", "alice@tern.test");

  /* Undo (the toast's, Ctrl+Z), once the server has the move: back at the top. */
  g_assert_true (ui_wait_until (shown, "Lists/Old", 2000));
  wait_placed ("Lists/Old", "Lists");
  /* (Undo is offered once the move is done here, which the server may see first: a
   * Ctrl+Z before it would undo the move before.) */
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved “Old” into “Lists”", 2000));
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/Old Lists/dev Sent Trash");
  ui_activate ("win.undo", NULL);
  if (!ui_wait_until (shown, "Old", 5000))
    {
      GtkWidget *label = ui_find_toast_label ("");
      g_autofree char *where = parent_title ("Lists/Old");

      g_error ("Old is not back at the top level after Undo (Lists/Old is under “%s”; the toast says “%s”)",
               where != NULL ? where : "(not shown)", label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : "");
    }
  wait_placed ("Old", "alice@tern.test");
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/dev Old Sent Trash");
  ui_dismiss_toasts ();
}

/* A move the server refuses (another client made Lists/Fresh meanwhile): the toast
 * says so in the server's words, and the folder is back where the server has it. */
static void
test_drop_refused_by_server (void)
{
  g_autoptr(TernUiSidebarItem) lists = folder_item ("Lists");
  GtkWidget *label;

  g_free (server ("create Lists/Fresh"));
  g_assert_true (drop_folder (store_folder ("Fresh"), lists));
  g_assert_true (ui_wait_until (shown, "Lists/Fresh", 2000));
  if (!ui_wait_until (ui_toast_shows, "exists", 30000))
    g_error ("no toast with the server's words");
  label = ui_find_toast_label ("exists");
  g_test_message ("refusal: %s", gtk_label_get_text (GTK_LABEL (label)));
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-move-refused.png");
  sync_now ();
  g_assert_true (ui_wait_until (shown, "Fresh", 30000));
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/Fresh Lists/dev Old Sent "
                          "Trash");
  ui_dismiss_toasts ();
}

/* The dialog's choice of @label in its drop-down of new places. */
static void
choose_place (AdwMessageDialog *dialog, const char *label)
{
  GtkWidget *places = adw_message_dialog_get_extra_child (dialog);
  GListModel *labels;

  g_assert_true (GTK_IS_DROP_DOWN (places));
  g_assert_true (ui_is_named (places));
  labels = gtk_drop_down_get_model (GTK_DROP_DOWN (places));
  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (labels), i), label))
      {
        gtk_drop_down_set_selected (GTK_DROP_DOWN (places), i);
        return;
      }
  g_error ("no place “%s” offered", label);
}

/* The choices offered, joined by "|". */
static char *
places_offered (AdwMessageDialog *dialog)
{
  GListModel *labels = gtk_drop_down_get_model (GTK_DROP_DOWN (adw_message_dialog_get_extra_child (dialog)));
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (labels); i++)
    g_string_append_printf (s, "%s%s", i > 0 ? "|" : "",
                            gtk_string_list_get_string (GTK_STRING_LIST (labels), i));
  return g_string_free (s, FALSE);
}

/* "Move To…" of the folder at @path: its dialog, once shown. */
static AdwMessageDialog *
open_move_dialog (const char *path)
{
  ui_activate ("folder.move", g_variant_new_int64 (tern_store_folder_get_id (store_folder (path))));
  g_assert_true (ui_wait_until (ui_dialog_shown, NULL, 5000));
  return ui_find_dialog ();
}

/* What a drag does, from the keyboard: the folder's menu has "Move To…", whose dialog
 * offers every place the folder may go (not itself, not inside itself, not where it
 * is; the top level once it is in a folder). Old into Lists/dev, then back to the top
 * level, on the server too. */
static void
test_move_dialog (void)
{
  g_autoptr(TernUiSidebarItem) old = folder_item ("Old");
  GtkPopover *menu;
  AdwMessageDialog *dialog;
  g_autofree char *offered = NULL;
  g_autofree char *offered_inside = NULL;

  menu = tern_ui_sidebar_popup_menu (sidebar (), old, NULL, 0, 0);
  g_assert_nonnull (menu);
  g_assert_nonnull (ui_find_label_with (GTK_WIDGET (menu), "Move To…"));
  gtk_popover_popdown (menu);

  dialog = open_move_dialog ("Old");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Move “Old”");
  offered = places_offered (dialog);
  g_test_message ("places offered for Old: %s", offered);
  /* At the top level already: no "Top Level"; every folder of the account otherwise,
   * special ones too, in the names the sidebar shows. */
  {
    const char *expected[] = { "Archive", "Clients", "Clients / Acme", "Drafts", "Fresh", "Inbox", "Junk", "Lists",
                               "Lists / dev", "Lists / Fresh", "Sent", "Trash" };
    g_auto(GStrv) got = g_strsplit (offered, "|", -1);

    /* (in the locale's order) */
    g_assert_cmpuint (g_strv_length (got), ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_true (g_strv_contains ((const char * const *) got, expected[i]));
    g_assert_cmpstr (got[0], ==, "Archive");
  }
  choose_place (dialog, "Lists / dev");
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-move-dialog.png");
  ui_respond (dialog, "ok");
  g_assert_true (ui_wait_until (shown, "Lists/dev/Old", 2000));
  wait_placed ("Lists/dev/Old", "dev");
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved “Old” into “Lists / dev”", 2000));
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/Fresh Lists/dev "
                          "Lists/dev/Old Sent Trash");
  ui_dismiss_toasts ();

  /* Inside a folder now: the top level is offered first; not Lists/dev, where it is. */
  dialog = open_move_dialog ("Lists/dev/Old");
  offered_inside = places_offered (dialog);
  g_test_message ("places offered for Lists/dev/Old: %s", offered_inside);
  g_assert_true (g_str_has_prefix (offered_inside, "Top Level|"));
  g_assert_null (strstr (offered_inside, "Lists / dev|"));
  /* Cancelled: nothing moves. */
  ui_respond (dialog, "cancel");
  ui_settle (300);
  g_assert_true (shown ("Lists/dev/Old"));

  dialog = open_move_dialog ("Lists/dev/Old");
  choose_place (dialog, "Top Level");
  ui_respond (dialog, "ok");
  g_assert_true (ui_wait_until (shown, "Old", 2000));
  wait_placed ("Old", "alice@tern.test");
  g_assert_true (ui_wait_until (ui_toast_shows, "Moved “Old” to the top of alice@tern.test", 2000));
  wait_server ("folders", "Archive Clients Clients/Acme Drafts Fresh INBOX Junk Lists Lists/Fresh Lists/dev Old "
                          "Sent Trash");
  ui_dismiss_toasts ();
}

/* Where the middle of @widget is on the screen (the window is at the top left
 * corner: no window manager under Xvfb). */
static void
screen_point (GtkWidget *widget, int *x, int *y)
{
  graphene_point_t p;
  double sx, sy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (win),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.f,
                                                                 gtk_widget_get_height (widget) / 2.f), &p));
  gtk_native_get_surface_transform (GTK_NATIVE (win), &sx, &sy);
  *x = (int) (p.x + sx);
  *y = (int) (p.y + sy);
}

static void
xdotool (const char *args)
{
  g_autofree char *cmd = g_strdup_printf ("xdotool %s", args);
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
}

static gboolean
drop_highlighted (gpointer data)
{
  return (gtk_widget_get_state_flags (data) & GTK_STATE_FLAG_DROP_ACTIVE) != 0;
}

/* A real drag with the pointer (xdotool): Old over Old itself (not highlighted), then
 * over Clients (highlighted: the screenshot), released there: Clients/Old, on the
 * server too. */
static void
test_real_drag (void)
{
  g_autoptr(TernUiSidebarItem) old = folder_item ("Old");
  g_autoptr(TernUiSidebarItem) clients = folder_item ("Clients");
  GtkWidget *list = GTK_WIDGET (tern_ui_sidebar_get_list_view (sidebar ()));
  GtkWidget *from, *to;
  g_autofree char *args = NULL;
  int x1, y1, x2, y2;

  ui_settle (300);
  from = find_row_widget (list, old);
  to = find_row_widget (list, clients);
  g_assert_nonnull (from);
  g_assert_nonnull (to);
  screen_point (from, &x1, &y1);
  screen_point (to, &x2, &y2);
  g_test_message ("drag from %d,%d to %d,%d", x1, y1, x2, y2);

  args = g_strdup_printf ("mousemove %d %d mousedown 1 mousemove %d %d", x1, y1, x1 + 8, y1 + 2);
  xdotool (args);
  ui_settle (300);
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d", x1 + 12, y1 + 4);
  xdotool (args);
  ui_settle (300);
  g_assert_false (drop_highlighted (from));
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d", x2, y2);
  xdotool (args);
  ui_settle (200);
  g_free (args);
  args = g_strdup_printf ("mousemove %d %d", x2 + 2, y2 + 1);
  xdotool (args);
  if (!ui_wait_until (drop_highlighted, to, 5000))
    g_error ("Clients's row is not highlighted under the dragged folder");
  ui_x_screenshot (GTK_WIDGET (win), "tern-sidebar-folder-drag.png");
  xdotool ("mouseup 1");
  g_assert_true (ui_wait_until (shown, "Clients/Old", 5000));
  wait_placed ("Clients/Old", "Clients");
  wait_server ("folders", "Archive Clients Clients/Acme Clients/Old Drafts Fresh INBOX Junk Lists Lists/Fresh "
                          "Lists/dev Sent Trash");
  ui_dismiss_toasts ();
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  g_set_prgname ("test-sidebar-folders");
  tern_engine_init ();
  ui_webkit_warm_up ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_settings_set_boolean (tern_ui_application_get_settings (app), "notifications", FALSE);
  win = tern_ui_window_new (app);
  ui_window_use (app, win);
  gtk_window_set_default_size (GTK_WINDOW (win), 1180, 720);
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/sidebar-folders/sync", test_sync);
  g_test_add_func ("/ui/sidebar-folders/unsubscribed-elsewhere", test_unsubscribed_elsewhere);
  g_test_add_func ("/ui/sidebar-folders/subscribed-only", test_subscribed_only);
  g_test_add_func ("/ui/sidebar-folders/created-subscribed", test_created_subscribed);
  g_test_add_func ("/ui/sidebar-folders/subscriptions", test_subscriptions);
  g_test_add_func ("/ui/sidebar-folders/drop-refused", test_drop_refused);
  g_test_add_func ("/ui/sidebar-folders/drop-move", test_drop_move);
  g_test_add_func ("/ui/sidebar-folders/drop-refused-by-server", test_drop_refused_by_server);
  g_test_add_func ("/ui/sidebar-folders/move-dialog", test_move_dialog);
  g_test_add_func ("/ui/sidebar-folders/real-drag", test_real_drag);
  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return ret;
}
