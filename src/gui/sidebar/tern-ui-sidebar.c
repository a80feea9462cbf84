/* tern-ui-sidebar.c: the folder sidebar: All Inboxes, then each account's folders
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkListView over a GtkTreeListModel (gui.md section 2): the root holds All
 * Inboxes and the accounts; an account's children are its folders in the order of
 * tern_ui_folder_tree_build(), each folder's its subfolders. The rows are
 * TernUiSidebarItems kept by folder id, and the stores are changed item by item
 * (never cleared), so a sync's changes keep the selection and what is expanded.
 *
 * With :subscribed-only, an IMAP account shows only its special folders, its
 * subscribed folders and the folders above them (tern_ui_folder_tree_filter_subscribed());
 * the rows of the others go, the rest stay the same rows.
 *
 * A row takes two kinds of drop: messages from the message list (their ids, a
 * GArray: ::messages-dropped) and a user's folder dragged from the sidebar itself
 * (a TernStoreFolder: ::folder-dropped), onto a folder of its account or the
 * account's row; where tern_ui_folder_tree_can_move() refuses, a folder's drag is
 * not accepted (no highlight).
 *
 * Below the folders, a list of the accounts that need the user (a refused
 * password, an untrusted certificate), each with its remedy as a button: the
 * ::account-remedy signal.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-store-folder-list.h"
#include "tern-ui-bench.h"
#include "tern-ui-folder-tree.h"
#include "tern-ui-sidebar.h"

struct _TernUiSidebar
{
  GtkWidget            parent_instance;

  GtkListView         *list_view;
  GtkListBox          *problems;

  TernMail            *mail;
  TernStoreFolderList *folders;
  GCancellable        *cancellable;
  GListStore          *root;
  GtkTreeListModel    *tree;
  GtkSingleSelection  *selection;
  TernUiSidebarItem   *all_inboxes;
  TernUiSidebarItem   *local_folders;
  GHashTable          *folder_items;    /* folder id -> TernUiSidebarItem */
  GHashTable          *account_items;   /* TernMailAccount -> TernUiSidebarItem */
  GHashTable          *outbox_items;    /* TernMailAccount -> TernUiSidebarItem */
  GHashTable          *parent_of;       /* TernUiSidebarItem -> the GListStore holding it */
  GHashTable          *owner_of;        /* GListStore -> the TernUiSidebarItem it belongs to */
  GHashTable          *exposed;         /* TernUiSidebarItem -> 1 leaf, 2 with children */
  GHashTable          *expanded_once;   /* account items expanded by the sidebar */
  guint                rebuild_idle;
  gint64               pending_folder;  /* to select once the folders are read */
  gboolean             loaded;
  gboolean             subscribed_only;
  TernUiSidebarItem   *selected;
};

G_DEFINE_FINAL_TYPE (TernUiSidebar, tern_ui_sidebar, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SELECTED_ITEM, PROP_LOADED, PROP_SUBSCRIBED_ONLY, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_FOLDER_ACTIVATED, SIGNAL_ACCOUNT_REMEDY, SIGNAL_MESSAGES_DROPPED, SIGNAL_FOLDER_DROPPED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- the tree ----------------------------------------------------------------------- */

static void select_item (TernUiSidebar *self, TernUiSidebarItem *item);

static GListModel *
create_children_cb (gpointer item, gpointer user_data)
{
  TernUiSidebar *self = user_data;
  GListStore *children = tern_ui_sidebar_item_get_children (item);
  gboolean has = children != NULL && g_list_model_get_n_items (G_LIST_MODEL (children)) > 0;

  if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_FOLDER)
    g_hash_table_insert (self->exposed, item, GINT_TO_POINTER (has ? 2 : 1));
  /* An account is always expandable; a folder only with subfolders. */
  if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_ACCOUNT || has)
    return g_object_ref (G_LIST_MODEL (children));
  return NULL;
}

/* Makes @store hold @wanted, in that order, with the fewest removals and
 * insertions: items that stay are never removed, so their rows keep their state. */
static void
sync_store (GListStore *store, GPtrArray *wanted)
{
  g_autoptr(GHashTable) keep = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < wanted->len; i++)
    g_hash_table_add (keep, g_ptr_array_index (wanted, i));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), i - 1);

      if (!g_hash_table_contains (keep, item))
        g_list_store_remove (store, i - 1);
    }
  for (guint j = 0; j < wanted->len; j++)
    {
      gpointer want = g_ptr_array_index (wanted, j);
      guint found;

      n = g_list_model_get_n_items (G_LIST_MODEL (store));
      if (j < n)
        {
          g_autoptr(GObject) item = g_list_model_get_item (G_LIST_MODEL (store), j);

          if (item == want)
            continue;
        }
      if (g_list_store_find (store, want, &found))
        g_list_store_remove (store, found);
      g_list_store_insert (store, j, want);
    }
}

static TernUiSidebarItem *
folder_item (TernUiSidebar *self, TernStoreFolder *folder, GHashTable *seen)
{
  gint64 id = tern_store_folder_get_id (folder);
  TernUiSidebarItem *item = g_hash_table_lookup (self->folder_items, &id);

  if (item == NULL)
    {
      item = tern_ui_sidebar_item_new_folder (folder);
      g_hash_table_insert (self->folder_items, g_memdup2 (&id, sizeof id), item);
    }
  g_hash_table_add (seen, item);
  return item;
}

static void
sync_level (TernUiSidebar *self, TernUiSidebarItem *owner, GPtrArray *nodes, TernUiSidebarItem *outbox,
            GHashTable *seen)
{
  GListStore *store = tern_ui_sidebar_item_get_children (owner);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();

  for (guint i = 0; i < nodes->len; i++)
    {
      TernUiFolderNode *node = g_ptr_array_index (nodes, i);
      TernUiSidebarItem *item = folder_item (self, node->folder, seen);

      /* The outbox after the special folders. */
      if (outbox != NULL && tern_ui_folder_tree_role_rank (tern_store_folder_get_role (node->folder)) == G_MAXINT)
        {
          g_ptr_array_add (wanted, outbox);
          g_hash_table_insert (self->parent_of, outbox, store);
          outbox = NULL;
        }
      g_ptr_array_add (wanted, item);
      g_hash_table_insert (self->parent_of, item, store);
      sync_level (self, item, node->children, NULL, seen);
    }
  if (outbox != NULL)
    {
      g_ptr_array_add (wanted, outbox);
      g_hash_table_insert (self->parent_of, outbox, store);
    }
  g_hash_table_insert (self->owner_of, store, owner);
  sync_store (store, wanted);
}

static void
expand_new_accounts (TernUiSidebar *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
      g_autoptr(GObject) item = NULL;

      if (gtk_tree_list_row_get_depth (row) != 0)
        continue;
      item = gtk_tree_list_row_get_item (row);
      if (tern_ui_sidebar_item_get_kind (TERN_UI_SIDEBAR_ITEM (item)) != TERN_UI_SIDEBAR_ACCOUNT ||
          g_hash_table_contains (self->expanded_once, item))
        continue;
      g_hash_table_add (self->expanded_once, item);
      gtk_tree_list_row_set_expanded (row, TRUE);
      n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
    }
}

static void
rebuild (TernUiSidebar *self)
{
  GListModel *accounts = tern_mail_get_accounts (self->mail);
  guint n_accounts = g_list_model_get_n_items (accounts);
  g_autoptr(GPtrArray) root = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) reinsert = g_ptr_array_new ();
  guint inbox_unread = 0;
  GHashTableIter iter;
  gpointer key, value;

  if (n_accounts > 0)
    g_ptr_array_add (root, self->all_inboxes);

  for (guint a = 0; a < n_accounts; a++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, a);
      TernUiSidebarItem *item = g_hash_table_lookup (self->account_items, account);
      TernUiSidebarItem *outbox = NULL;
      g_autoptr(GPtrArray) folders = g_ptr_array_new ();
      g_autoptr(GPtrArray) nodes = NULL;
      gint64 account_id = tern_mail_account_get_store_id (account);

      if (item == NULL)
        {
          item = tern_ui_sidebar_item_new_account (account);
          g_hash_table_insert (self->account_items, g_object_ref (account), item);
        }
      g_ptr_array_add (root, item);
      if (tern_mail_account_get_outbox_count (account) > 0)
        {
          outbox = g_hash_table_lookup (self->outbox_items, account);
          if (outbox == NULL)
            {
              outbox = tern_ui_sidebar_item_new_outbox (account);
              g_hash_table_insert (self->outbox_items, g_object_ref (account), outbox);
            }
        }
      if (self->folders != NULL)
        for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->folders)); i++)
          {
            g_autoptr(TernStoreFolder) folder = g_list_model_get_item (G_LIST_MODEL (self->folders), i);

            if (tern_store_folder_get_account_id (folder) == account_id)
              g_ptr_array_add (folders, g_steal_pointer (&folder));
            else
              continue;
          }
      for (guint i = 0; i < folders->len; i++)
        {
          TernStoreFolder *folder = g_ptr_array_index (folders, i);

          if (tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_INBOX)
            inbox_unread += tern_store_folder_get_unread (folder);
        }
      if (self->subscribed_only &&
          tern_account_get_protocol (tern_mail_account_get_account (account)) == TERN_ACCOUNT_PROTOCOL_IMAP)
        {
          g_autoptr(GPtrArray) shown = tern_ui_folder_tree_filter_subscribed (folders);

          nodes = tern_ui_folder_tree_build (shown);
        }
      else
        nodes = tern_ui_folder_tree_build (folders);
      g_ptr_array_set_free_func (folders, g_object_unref);
      sync_level (self, item, nodes, outbox, seen);
    }
  /* Local Folders (mail imported with tern-cli import), once they hold mail or the
   * user made one (the store always has an empty Inbox and Trash there). */
  {
    g_autoptr(GPtrArray) local = g_ptr_array_new_with_free_func (g_object_unref);
    gboolean used = FALSE;

    for (guint i = 0; self->folders != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (self->folders)); i++)
      {
        g_autoptr(TernStoreFolder) folder = g_list_model_get_item (G_LIST_MODEL (self->folders), i);

        if (g_strcmp0 (tern_store_folder_get_account (folder), TERN_STORE_LOCAL_ACCOUNT) != 0)
          continue;
        if (tern_store_folder_get_total (folder) > 0 ||
            tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_NONE)
          used = TRUE;
        g_ptr_array_add (local, g_steal_pointer (&folder));
      }
    if (used)
      {
        g_autoptr(GPtrArray) nodes = tern_ui_folder_tree_build (local);

        g_ptr_array_add (root, self->local_folders);
        sync_level (self, self->local_folders, nodes, NULL, seen);
      }
  }
  sync_store (self->root, root);

  /* Folders gone: forget them. */
  g_hash_table_iter_init (&iter, self->folder_items);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, value))
      {
        if (self->selected == value)
          g_clear_object (&self->selected);
        g_hash_table_remove (self->parent_of, value);
        g_hash_table_remove (self->exposed, value);
        g_hash_table_remove (self->owner_of, tern_ui_sidebar_item_get_children (value));
        g_hash_table_iter_remove (&iter);
      }

  /* A folder that gained its first subfolder (or lost its last) is shown again, so
   * that its row gets (or loses) its expander. */
  g_hash_table_iter_init (&iter, self->exposed);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gboolean has = g_list_model_get_n_items (G_LIST_MODEL (tern_ui_sidebar_item_get_children (key))) > 0;

      if ((GPOINTER_TO_INT (value) == 2) != has)
        g_ptr_array_add (reinsert, key);
    }
  for (guint i = 0; i < reinsert->len; i++)
    {
      TernUiSidebarItem *item = g_ptr_array_index (reinsert, i);
      GListStore *store = g_hash_table_lookup (self->parent_of, item);
      guint position;

      g_hash_table_remove (self->exposed, item);
      if (store != NULL && g_list_store_find (store, item, &position))
        {
          g_object_ref (item);
          g_list_store_remove (store, position);
          g_list_store_insert (store, position, item);
          g_object_unref (item);
        }
    }

  tern_ui_sidebar_item_set_count (self->all_inboxes, inbox_unread);
  expand_new_accounts (self);
  /* (A selection lost with a row shown again is given back.) */
  if (self->selected != NULL && gtk_single_selection_get_selected (self->selection) == GTK_INVALID_LIST_POSITION &&
      g_hash_table_contains (seen, self->selected))
    select_item (self, self->selected);
  if (self->folders != NULL && self->pending_folder >= 0)
    {
      gint64 pending = self->pending_folder;

      self->pending_folder = -1;
      if (!tern_ui_sidebar_select_folder (self, pending))
        tern_ui_sidebar_select_all_inboxes (self);
    }
}

static gboolean
rebuild_idle_cb (gpointer user_data)
{
  TernUiSidebar *self = user_data;

  self->rebuild_idle = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
queue_rebuild (TernUiSidebar *self)
{
  if (self->rebuild_idle == 0)
    self->rebuild_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, rebuild_idle_cb, self, NULL);
}

/* ---- account problems ---------------------------------------------------------------- */

static const char *
remedy_label (TernMailRemedy remedy)
{
  switch (remedy)
    {
    case TERN_MAIL_REMEDY_PASSWORD:
      return _("Enter Password…");
    case TERN_MAIL_REMEDY_CERTIFICATE:
      return _("Review Certificate…");
    case TERN_MAIL_REMEDY_SETTINGS:
      return _("Account Settings…");
    case TERN_MAIL_REMEDY_NONE:
    default:
      return _("Retry");
    }
}

static void
remedy_clicked_cb (GtkButton *button, TernUiSidebar *self)
{
  TernMailAccount *account = g_object_get_data (G_OBJECT (button), "tern-account");

  g_signal_emit (self, signals[SIGNAL_ACCOUNT_REMEDY], 0, account);
}

static void
update_problems (TernUiSidebar *self)
{
  GListModel *accounts = self->mail != NULL ? tern_mail_get_accounts (self->mail) : NULL;
  GtkWidget *child;
  gboolean any = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems))) != NULL)
    gtk_list_box_remove (self->problems, child);
  for (guint i = 0; accounts != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);
      TernMailRemedy remedy = tern_mail_account_get_remedy (account);
      const GError *error = tern_mail_account_get_error (account);
      TernDiagnosis *diagnosis = tern_mail_account_get_diagnosis (account);
      GtkWidget *row, *button;
      const char *subtitle;

      if (tern_mail_account_get_state (account) != TERN_MAIL_ACCOUNT_FAILED)
        continue;
      any = TRUE;
      if (diagnosis != NULL)
        subtitle = tern_diagnosis_get_title (diagnosis);
      else if (error != NULL)
        subtitle = error->message;
      else
        subtitle = tern_mail_account_get_status (account);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tern_mail_account_get_email (account));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : _("Cannot sync"));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("dialog-warning-symbolic"));
      button = gtk_button_new_with_label (remedy_label (remedy));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "suggested-action");
      g_object_set_data_full (G_OBJECT (button), "tern-account", g_object_ref (account), g_object_unref);
      g_signal_connect (button, "clicked", G_CALLBACK (remedy_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->problems, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->problems), any);
}

/* ---- rows ------------------------------------------------------------------------------ */

typedef struct
{
  GtkTreeExpander   *expander;
  GtkImage          *icon;
  GtkLabel          *title;
  GtkSpinner        *spinner;
  GtkImage          *status;
  GtkLabel          *count;
  TernUiSidebarItem *item;
  TernMailAccount   *account;
  GtkListItem       *list_item;
} Row;

static void
row_free (Row *row)
{
  g_free (row);
}

static const char *
account_state_text (TernMailAccount *account)
{
  switch (tern_mail_account_get_state (account))
    {
    case TERN_MAIL_ACCOUNT_SYNCING:
      return _("syncing");
    case TERN_MAIL_ACCOUNT_OFFLINE:
      return _("offline");
    case TERN_MAIL_ACCOUNT_FAILED:
      return _("needs attention");
    case TERN_MAIL_ACCOUNT_IDLE:
    default:
      return NULL;
    }
}

static void
update_row (Row *row)
{
  TernUiSidebarItem *item = row->item;
  guint count = tern_ui_sidebar_item_get_count (item);
  g_autofree char *label = tern_ui_sidebar_item_dup_accessible_label (item);
  g_autofree char *count_text = NULL;
  GtkWidget *list_item_widget = gtk_widget_get_parent (GTK_WIDGET (row->expander));

  gtk_image_set_from_icon_name (row->icon, tern_ui_sidebar_item_get_icon_name (item));
  gtk_label_set_text (row->title, tern_ui_sidebar_item_get_title (item));
  gtk_widget_set_visible (GTK_WIDGET (row->count), count > 0);
  if (count > 0)
    {
      count_text = g_strdup_printf ("%u", count);
      gtk_label_set_text (row->count, count_text);
    }

  gtk_widget_set_visible (GTK_WIDGET (row->spinner), FALSE);
  gtk_spinner_set_spinning (row->spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (row->status), FALSE);
  if (row->account != NULL && tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_ACCOUNT)
    {
      TernMailAccountState state = tern_mail_account_get_state (row->account);
      const char *state_text = account_state_text (row->account);

      if (state == TERN_MAIL_ACCOUNT_SYNCING)
        {
          gtk_widget_set_visible (GTK_WIDGET (row->spinner), TRUE);
          gtk_spinner_set_spinning (row->spinner, TRUE);
        }
      else if (state == TERN_MAIL_ACCOUNT_OFFLINE || state == TERN_MAIL_ACCOUNT_FAILED)
        {
          gtk_image_set_from_icon_name (row->status, state == TERN_MAIL_ACCOUNT_OFFLINE ? "network-offline-symbolic"
                                                                                        : "dialog-warning-symbolic");
          const char *tooltip = gtk_widget_get_tooltip_text (GTK_WIDGET (row->status));

          /* (Setting a tooltip asks the X server where the pointer is.) */
          if (g_strcmp0 (tooltip, tern_mail_account_get_status (row->account)) != 0)
            gtk_widget_set_tooltip_text (GTK_WIDGET (row->status), tern_mail_account_get_status (row->account));
          gtk_widget_set_visible (GTK_WIDGET (row->status), TRUE);
        }
      if (state_text != NULL)
        {
          char *with_state = g_strdup_printf ("%s, %s", label, state_text);

          g_free (label);
          label = with_state;
        }
    }
  if (list_item_widget != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (list_item_widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->expander), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static void
item_notify_cb (GObject *object, GParamSpec *pspec, Row *row)
{
  update_row (row);
}

static void
row_released_cb (GtkGestureClick *gesture, int n_press, double x, double y, Row *row)
{
  TernUiSidebar *self = TERN_UI_SIDEBAR (gtk_widget_get_ancestor (GTK_WIDGET (row->expander), TERN_UI_TYPE_SIDEBAR));

  if (self != NULL && row->item != NULL && n_press == 1 &&
      tern_ui_sidebar_item_get_kind (row->item) != TERN_UI_SIDEBAR_ACCOUNT)
    g_signal_emit (self, signals[SIGNAL_FOLDER_ACTIVATED], 0, row->item);
}

/* ---- the context menu --------------------------------------------------------------------- */

static void
append_item (GMenu *section, const char *label, const char *action, gint64 target)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action, g_variant_new_int64 (target));
  g_menu_append_item (section, item);
}

static gboolean
is_imap (TernUiSidebar *self, gint64 account_id)
{
  TernMailAccount *account = self->mail != NULL ? tern_mail_lookup_account_by_id (self->mail, account_id) : NULL;

  return account != NULL &&
         tern_account_get_protocol (tern_mail_account_get_account (account)) == TERN_ACCOUNT_PROTOCOL_IMAP;
}

/* What a folder or an account row offers: the window's `mail.*` and `folder.*`
 * actions, on that folder. */
static GMenuModel *
item_menu (TernUiSidebar *self, TernUiSidebarItem *item)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) read = g_menu_new ();
  g_autoptr(GMenu) folders = g_menu_new ();
  g_autoptr(GMenu) subscriptions = g_menu_new ();
  g_autoptr(GMenu) empty = g_menu_new ();
  TernStoreFolder *folder = tern_ui_sidebar_item_get_folder (item);
  TernMailAccount *account = tern_ui_sidebar_item_get_account (item);

  if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_ACCOUNT && account != NULL)
    {
      gint64 account_id = tern_mail_account_get_store_id (account);

      append_item (folders, _("_New Folder…"), "folder.new-in-account", account_id);
      if (is_imap (self, account_id))
        append_item (subscriptions, _("Folder _Subscriptions…"), "folder.subscriptions", account_id);
    }
  else if (tern_ui_sidebar_item_get_kind (item) == TERN_UI_SIDEBAR_FOLDER && folder != NULL)
    {
      gint64 id = tern_store_folder_get_id (folder);
      TernStoreFolderRole role = tern_store_folder_get_role (folder);

      append_item (read, _("Mark All as _Read"), "mail.mark-folder-read", id);
      append_item (folders, _("_New Subfolder…"), "folder.new-subfolder", id);
      if (role == TERN_STORE_FOLDER_ROLE_NONE)
        {
          append_item (folders, _("Re_name…"), "folder.rename", id);
          append_item (folders, _("_Move To…"), "folder.move", id);
          append_item (folders, _("_Delete…"), "folder.delete", id);
          /* Special folders are always shown, subscribed or not. */
          if (is_imap (self, tern_store_folder_get_account_id (folder)))
            {
              if (tern_store_folder_get_subscribed (folder))
                append_item (subscriptions, _("_Unsubscribe"), "folder.unsubscribe", id);
              else
                append_item (subscriptions, _("_Subscribe"), "folder.subscribe", id);
            }
        }
      if (role == TERN_STORE_FOLDER_ROLE_TRASH)
        append_item (empty, _("_Empty Trash…"), "folder.empty", id);
      else if (role == TERN_STORE_FOLDER_ROLE_JUNK)
        append_item (empty, _("_Empty Junk…"), "folder.empty", id);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (read));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (folders));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (subscriptions));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (empty));
  return G_MENU_MODEL (menu);
}

static gboolean
unparent_idle_cb (gpointer data)
{
  gtk_widget_unparent (data);
  return G_SOURCE_REMOVE;
}

static void
menu_closed_cb (GtkPopover *popover, gpointer data)
{
  g_signal_handlers_disconnect_by_func (popover, menu_closed_cb, data);
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, unparent_idle_cb, g_object_ref (popover), g_object_unref);
}

/**
 * tern_ui_sidebar_popup_menu:
 * @item: a row's item
 * @widget: (nullable): where to point (a row), or %NULL for the sidebar
 *
 * Opens the context menu of a folder or an account (a right click, a long press, the
 * Menu key).
 *
 * Returns: (transfer none) (nullable): the menu, or %NULL when the row has none
 */
GtkPopover *
tern_ui_sidebar_popup_menu (TernUiSidebar *self, TernUiSidebarItem *item, GtkWidget *widget, double x, double y)
{
  g_autoptr(GMenuModel) model = NULL;
  GtkWidget *popover;

  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);

  model = item_menu (self, item);
  if (g_menu_model_get_n_items (model) == 0)
    return NULL;
  for (int i = 0, n = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);

      n += g_menu_model_get_n_items (section);
      if (i == g_menu_model_get_n_items (model) - 1 && n == 0)
        return NULL;
    }
  popover = gtk_popover_menu_new_from_model (model);
  gtk_widget_set_parent (popover, widget != NULL ? widget : GTK_WIDGET (self));
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  if (widget != NULL)
    gtk_popover_set_pointing_to (GTK_POPOVER (popover), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  g_signal_connect (popover, "closed", G_CALLBACK (menu_closed_cb), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
  return GTK_POPOVER (popover);
}

static void
row_context_cb (GtkGestureClick *gesture, int n_press, double x, double y, Row *row)
{
  TernUiSidebar *self = TERN_UI_SIDEBAR (gtk_widget_get_ancestor (GTK_WIDGET (row->expander), TERN_UI_TYPE_SIDEBAR));

  if (self == NULL || row->item == NULL)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  tern_ui_sidebar_popup_menu (self, row->item, GTK_WIDGET (row->expander), x, y);
}

/* ---- drag and drop: messages onto a folder, a folder onto a folder or an account ---- */

static TernUiSidebar *
row_sidebar (Row *row)
{
  return TERN_UI_SIDEBAR (gtk_widget_get_ancestor (GTK_WIDGET (row->expander), TERN_UI_TYPE_SIDEBAR));
}

/**
 * tern_ui_sidebar_can_drop_folder:
 * @folder: a folder dragged
 * @item: the row it would be dropped on
 *
 * Returns: whether dropping @folder on @item moves it there (into a folder of its
 *   account, or to the top level on its account's row)
 */
gboolean
tern_ui_sidebar_can_drop_folder (TernUiSidebar *self, TernStoreFolder *folder, TernUiSidebarItem *item)
{
  TernMailAccount *account;

  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), FALSE);
  g_return_val_if_fail (TERN_IS_STORE_FOLDER (folder), FALSE);

  switch (tern_ui_sidebar_item_get_kind (item))
    {
    case TERN_UI_SIDEBAR_FOLDER:
      return tern_ui_folder_tree_can_move (folder, tern_ui_sidebar_item_get_folder (item), 0);
    case TERN_UI_SIDEBAR_ACCOUNT:
      account = tern_ui_sidebar_item_get_account (item);
      if (account != NULL)
        return tern_ui_folder_tree_can_move (folder, NULL, tern_mail_account_get_store_id (account));
      /* Local Folders */
      return g_strcmp0 (tern_store_folder_get_account (folder), TERN_STORE_LOCAL_ACCOUNT) == 0 &&
             tern_ui_folder_tree_can_move (folder, NULL, tern_store_folder_get_account_id (folder));
    case TERN_UI_SIDEBAR_ALL_INBOXES:
    case TERN_UI_SIDEBAR_OUTBOX:
    default:
      return FALSE;
    }
}

/* The folder a drag from this process carries, or NULL (messages, or another
 * program's drag): read from the drag's own content, so that the pointer's motion
 * can be answered at once. */
static TernStoreFolder *
dragged_folder (GtkDropTarget *target)
{
  GdkDrop *drop = gtk_drop_target_get_current_drop (target);
  GdkDrag *drag = drop != NULL ? gdk_drop_get_drag (drop) : NULL;
  GdkContentProvider *content = drag != NULL ? gdk_drag_get_content (drag) : NULL;
  g_auto(GValue) value = G_VALUE_INIT;

  if (content == NULL || !gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), TERN_TYPE_STORE_FOLDER))
    return NULL;
  g_value_init (&value, TERN_TYPE_STORE_FOLDER);
  if (!gdk_content_provider_get_value (content, &value, NULL))
    return NULL;
  return g_value_dup_object (&value);
}

static gboolean
row_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, Row *row)
{
  TernUiSidebar *self = row_sidebar (row);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (target));
  GdkDrop *drop = gtk_drop_target_get_current_drop (target);
  GdkDrag *drag = drop != NULL ? gdk_drop_get_drag (drop) : NULL;
  gboolean copy = (state & GDK_CONTROL_MASK) != 0;

  if (self == NULL || row->item == NULL)
    return FALSE;
  if (G_VALUE_HOLDS (value, TERN_TYPE_STORE_FOLDER))
    {
      TernStoreFolder *folder = g_value_get_object (value);

      if (folder == NULL || !tern_ui_sidebar_can_drop_folder (self, folder, row->item))
        return FALSE;
      g_signal_emit (self, signals[SIGNAL_FOLDER_DROPPED], 0, folder, row->item);
      return TRUE;
    }
  if (tern_ui_sidebar_item_get_kind (row->item) != TERN_UI_SIDEBAR_FOLDER)
    return FALSE;
  /* X11 tells the action chosen through the drag (gui.md). */
  if (drag != NULL && gdk_drag_get_selected_action (drag) == GDK_ACTION_COPY)
    copy = TRUE;
  g_signal_emit (self, signals[SIGNAL_MESSAGES_DROPPED], 0, row->item, copy);
  return TRUE;
}

static GdkDragAction
row_drop_motion_cb (GtkDropTarget *target, double x, double y, Row *row)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (target));
  GdkDrop *drop = gtk_drop_target_get_current_drop (target);
  TernUiSidebar *self = row_sidebar (row);

  if (row->item == NULL || self == NULL)
    return 0;
  if (drop != NULL && gdk_content_formats_contain_gtype (gdk_drop_get_formats (drop), TERN_TYPE_STORE_FOLDER))
    {
      g_autoptr(TernStoreFolder) folder = dragged_folder (target);

      return folder != NULL && tern_ui_sidebar_can_drop_folder (self, folder, row->item) ? GDK_ACTION_MOVE : 0;
    }
  if (tern_ui_sidebar_item_get_kind (row->item) != TERN_UI_SIDEBAR_FOLDER)
    return 0;
  return (state & GDK_CONTROL_MASK) != 0 ? GDK_ACTION_COPY : GDK_ACTION_MOVE;
}

/* A user's folder may be dragged (not a special folder, an account, an outbox). */
static GdkContentProvider *
row_drag_prepare_cb (GtkDragSource *source, double x, double y, Row *row)
{
  TernStoreFolder *folder;

  if (row->item == NULL || tern_ui_sidebar_item_get_kind (row->item) != TERN_UI_SIDEBAR_FOLDER)
    return NULL;
  folder = tern_ui_sidebar_item_get_folder (row->item);
  if (folder == NULL || tern_store_folder_get_role (folder) != TERN_STORE_FOLDER_ROLE_NONE)
    return NULL;
  return gdk_content_provider_new_typed (TERN_TYPE_STORE_FOLDER, folder);
}

static void
row_drag_begin_cb (GtkDragSource *source, GdkDrag *drag, Row *row)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (row->expander));

  /* The row, below and right of the pointer: the row under it stays in sight. */
  gtk_drag_source_set_icon (source, paintable, -12, -12);
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, TernUiSidebar *self)
{
  GtkGesture *context = gtk_gesture_click_new ();
  GtkDropTarget *drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_MOVE | GDK_ACTION_COPY);
  GtkDragSource *drag = gtk_drag_source_new ();
  GType drop_types[] = { G_TYPE_ARRAY, TERN_TYPE_STORE_FOLDER };
  Row *row = g_new0 (Row, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkGesture *click = gtk_gesture_click_new ();

  row->list_item = list_item;
  row->expander = GTK_TREE_EXPANDER (gtk_tree_expander_new ());
  row->icon = GTK_IMAGE (gtk_image_new ());
  row->title = GTK_LABEL (gtk_label_new (NULL));
  row->spinner = GTK_SPINNER (gtk_spinner_new ());
  row->status = GTK_IMAGE (gtk_image_new ());
  row->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->title, 0);
  gtk_label_set_ellipsize (row->title, PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (GTK_WIDGET (row->title), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row->count), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (row->count), "sidebar-count");
  gtk_widget_set_valign (GTK_WIDGET (row->count), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Syncing"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->icon));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->spinner));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->status));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (row->count));
  gtk_tree_expander_set_child (row->expander, box);
  g_signal_connect (click, "released", G_CALLBACK (row_released_cb), row);
  gtk_widget_add_controller (GTK_WIDGET (row->expander), GTK_EVENT_CONTROLLER (click));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (context), GDK_BUTTON_SECONDARY);
  g_signal_connect (context, "pressed", G_CALLBACK (row_context_cb), row);
  gtk_widget_add_controller (GTK_WIDGET (row->expander), GTK_EVENT_CONTROLLER (context));
  gtk_drop_target_set_gtypes (drop, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect (drop, "drop", G_CALLBACK (row_drop_cb), row);
  g_signal_connect (drop, "enter", G_CALLBACK (row_drop_motion_cb), row);
  g_signal_connect (drop, "motion", G_CALLBACK (row_drop_motion_cb), row);
  gtk_widget_add_controller (GTK_WIDGET (row->expander), GTK_EVENT_CONTROLLER (drop));
  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect (drag, "prepare", G_CALLBACK (row_drag_prepare_cb), row);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (row_drag_begin_cb), row);
  gtk_widget_add_controller (GTK_WIDGET (row->expander), GTK_EVENT_CONTROLLER (drag));
  g_object_set_data_full (G_OBJECT (list_item), "tern-row", row, (GDestroyNotify) row_free);
  gtk_list_item_set_child (list_item, GTK_WIDGET (row->expander));
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, TernUiSidebar *self)
{
  Row *row = g_object_get_data (G_OBJECT (list_item), "tern-row");
  GtkTreeListRow *tree_row = gtk_list_item_get_item (list_item);
  g_autoptr(GObject) item = gtk_tree_list_row_get_item (tree_row);
  TernUiSidebarItemKind kind;

  row->item = TERN_UI_SIDEBAR_ITEM (item);
  kind = tern_ui_sidebar_item_get_kind (row->item);
  gtk_tree_expander_set_list_row (row->expander, tree_row);
  g_signal_connect (row->item, "notify", G_CALLBACK (item_notify_cb), row);
  if (kind == TERN_UI_SIDEBAR_ACCOUNT)
    {
      row->account = tern_ui_sidebar_item_get_account (row->item);
      if (row->account != NULL)
        g_signal_connect (row->account, "notify::state", G_CALLBACK (item_notify_cb), row);
      gtk_widget_add_css_class (GTK_WIDGET (row->title), "heading");
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row->title), "heading");
  gtk_list_item_set_selectable (list_item, kind != TERN_UI_SIDEBAR_ACCOUNT);
  update_row (row);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, TernUiSidebar *self)
{
  Row *row = g_object_get_data (G_OBJECT (list_item), "tern-row");

  if (row->item != NULL)
    g_signal_handlers_disconnect_by_func (row->item, item_notify_cb, row);
  if (row->account != NULL)
    g_signal_handlers_disconnect_by_func (row->account, item_notify_cb, row);
  gtk_tree_expander_set_list_row (row->expander, NULL);
  row->item = NULL;
  row->account = NULL;
}

static void
activate_cb (GtkListView *list_view, guint position, TernUiSidebar *self)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
  g_autoptr(GObject) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (item == NULL)
    return;
  if (tern_ui_sidebar_item_get_kind (TERN_UI_SIDEBAR_ITEM (item)) == TERN_UI_SIDEBAR_ACCOUNT)
    gtk_tree_list_row_set_expanded (row, !gtk_tree_list_row_get_expanded (row));
  else
    g_signal_emit (self, signals[SIGNAL_FOLDER_ACTIVATED], 0, item);
}

static void
selected_cb (GtkSingleSelection *selection, GParamSpec *pspec, TernUiSidebar *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (selection);
  g_autoptr(GObject) item = row != NULL ? gtk_tree_list_row_get_item (row) : NULL;

  if (item != NULL && tern_ui_sidebar_item_get_kind (TERN_UI_SIDEBAR_ITEM (item)) == TERN_UI_SIDEBAR_ACCOUNT)
    return;
  /* A row gone with its folder leaves nothing selected: keep showing the last one
   * until the user picks another (never jump elsewhere on a sync). */
  if (item == NULL)
    return;
  if (g_set_object (&self->selected, TERN_UI_SIDEBAR_ITEM (item)))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

/* ---- the engine --------------------------------------------------------------------------- */

static void
folders_changed_cb (GListModel *model, guint position, guint removed, guint added, TernUiSidebar *self)
{
  queue_rebuild (self);
}

static void
account_changed_cb (TernMailAccount *account, GParamSpec *pspec, TernUiSidebar *self)
{
  update_problems (self);
  if (g_strcmp0 (g_param_spec_get_name (pspec), "outbox-count") == 0)
    queue_rebuild (self);
}

static void
watch_accounts (TernUiSidebar *self, GListModel *accounts, guint position, guint added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      g_signal_connect_object (account, "notify::state", G_CALLBACK (account_changed_cb), self, 0);
      g_signal_connect_object (account, "notify::remedy", G_CALLBACK (account_changed_cb), self, 0);
      g_signal_connect_object (account, "notify::outbox-count", G_CALLBACK (account_changed_cb), self, 0);
    }
}

static void
accounts_changed_cb (GListModel *accounts, guint position, guint removed, guint added, TernUiSidebar *self)
{
  watch_accounts (self, accounts, position, added);
  update_problems (self);
  queue_rebuild (self);
}

static void
folders_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiSidebar) self = user_data;
  g_autoptr(GError) error = NULL;
  TernStoreFolderList *folders = tern_store_folder_list_new_finish (result, &error);

  if (folders == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the folders: %s", error->message);
      return;
    }
  self->folders = folders;
  g_signal_connect_object (folders, "items-changed", G_CALLBACK (folders_changed_cb), self, 0);
  g_clear_handle_id (&self->rebuild_idle, g_source_remove);
  rebuild (self);
  tern_ui_bench_mark ("folders-loaded");
  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

/**
 * tern_ui_sidebar_set_mail:
 *
 * Shows the accounts of @mail and their folders (read on a worker), live.
 */
void
tern_ui_sidebar_set_mail (TernUiSidebar *self, TernMail *mail)
{
  GListModel *accounts;

  g_return_if_fail (TERN_UI_IS_SIDEBAR (self));
  g_return_if_fail (TERN_IS_MAIL (mail));
  g_return_if_fail (self->mail == NULL);

  self->mail = g_object_ref (mail);
  accounts = tern_mail_get_accounts (mail);
  watch_accounts (self, accounts, 0, g_list_model_get_n_items (accounts));
  g_signal_connect_object (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self, 0);
  rebuild (self);
  update_problems (self);
  tern_store_folder_list_new_async (tern_mail_get_store (mail), 0, self->cancellable, folders_ready_cb,
                                    g_object_ref (self));
}

/* ---- selection ------------------------------------------------------------------------------ */

static guint
find_row (TernUiSidebar *self, TernUiSidebarItem *wanted)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == (GObject *) wanted)
        return i;
    }
  return GTK_INVALID_LIST_POSITION;
}

static void
expand_to (TernUiSidebar *self, TernUiSidebarItem *item)
{
  GListStore *store = g_hash_table_lookup (self->parent_of, item);
  TernUiSidebarItem *owner = store != NULL ? g_hash_table_lookup (self->owner_of, store) : NULL;
  guint position;

  if (owner == NULL)
    return;
  expand_to (self, owner);
  position = find_row (self, owner);
  if (position != GTK_INVALID_LIST_POSITION)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);

      gtk_tree_list_row_set_expanded (row, TRUE);
    }
}

static void
select_item (TernUiSidebar *self, TernUiSidebarItem *item)
{
  guint position;

  expand_to (self, item);
  position = find_row (self, item);
  if (position != GTK_INVALID_LIST_POSITION)
    {
      gtk_single_selection_set_selected (self->selection, position);
      gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
    }
}

/**
 * tern_ui_sidebar_select_folder:
 * @folder_id: a folder, or 0 for All Inboxes
 *
 * Selects a folder (expanding its parents). Before the folders are read, remembers
 * it for then.
 *
 * Returns: whether the folder is selected (or will be, once read)
 */
gboolean
tern_ui_sidebar_select_folder (TernUiSidebar *self, gint64 folder_id)
{
  TernUiSidebarItem *item;

  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), FALSE);

  if (folder_id == 0)
    {
      tern_ui_sidebar_select_all_inboxes (self);
      return TRUE;
    }
  if (self->folders == NULL)
    {
      self->pending_folder = folder_id;
      return TRUE;
    }
  item = g_hash_table_lookup (self->folder_items, &folder_id);
  if (item == NULL)
    return FALSE;
  select_item (self, item);
  return TRUE;
}

void
tern_ui_sidebar_select_all_inboxes (TernUiSidebar *self)
{
  g_return_if_fail (TERN_UI_IS_SIDEBAR (self));

  if (self->folders == NULL)
    {
      self->pending_folder = 0;
      return;
    }
  select_item (self, self->all_inboxes);
}

/**
 * tern_ui_sidebar_get_selected_item:
 *
 * Returns: (transfer none) (nullable): the folder (or All Inboxes, or an outbox) shown
 */
TernUiSidebarItem *
tern_ui_sidebar_get_selected_item (TernUiSidebar *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);
  return self->selected;
}

/**
 * tern_ui_sidebar_get_loaded:
 *
 * Returns: whether the folders are read
 */
gboolean
tern_ui_sidebar_get_loaded (TernUiSidebar *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), FALSE);
  return self->loaded;
}

/**
 * tern_ui_sidebar_lookup_folder:
 *
 * Returns: (transfer none) (nullable): a folder the sidebar shows
 */
TernStoreFolder *
tern_ui_sidebar_lookup_folder (TernUiSidebar *self, gint64 folder_id)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);
  return self->folders != NULL ? tern_store_folder_list_lookup (self->folders, folder_id) : NULL;
}

/**
 * tern_ui_sidebar_get_folders:
 *
 * Returns: (transfer none) (nullable) (element-type TernStoreFolder): every
 *   account's folders, live, once read
 */
GListModel *
tern_ui_sidebar_get_folders (TernUiSidebar *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);
  return self->folders != NULL ? G_LIST_MODEL (self->folders) : NULL;
}

/**
 * tern_ui_sidebar_get_model:
 *
 * Returns: (transfer none): the rows (GtkTreeListRows of TernUiSidebarItems)
 */
GListModel *
tern_ui_sidebar_get_model (TernUiSidebar *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);
  return G_LIST_MODEL (self->tree);
}

GtkListView *
tern_ui_sidebar_get_list_view (TernUiSidebar *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);
  return self->list_view;
}

/**
 * tern_ui_sidebar_dup_folder_label:
 *
 * Returns: a folder's path in the names the sidebar shows ("Inbox / Clients"), for
 *   a list of the account's folders
 */
char *
tern_ui_sidebar_dup_folder_label (TernUiSidebar *self, TernStoreFolder *folder)
{
  g_autoptr(TernUiSidebarItem) item = tern_ui_sidebar_item_new_folder (folder);
  gint64 parent_id = tern_store_folder_get_parent_id (folder);
  TernStoreFolder *parent = parent_id != 0 ? tern_ui_sidebar_lookup_folder (self, parent_id) : NULL;
  g_autofree char *above = NULL;

  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);

  if (parent == NULL)
    return g_strdup (tern_ui_sidebar_item_get_title (item));
  above = tern_ui_sidebar_dup_folder_label (self, parent);
  return g_strdup_printf ("%s / %s", above, tern_ui_sidebar_item_get_title (item));
}

/**
 * tern_ui_sidebar_set_subscribed_only:
 *
 * Shows IMAP accounts' subscribed folders only (see :subscribed-only), or every
 * folder, at once. The folder selected stays selected while it is shown.
 */
void
tern_ui_sidebar_set_subscribed_only (TernUiSidebar *self, gboolean subscribed_only)
{
  g_return_if_fail (TERN_UI_IS_SIDEBAR (self));

  subscribed_only = !!subscribed_only;
  if (self->subscribed_only == subscribed_only)
    return;
  self->subscribed_only = subscribed_only;
  if (self->mail != NULL)
    {
      g_clear_handle_id (&self->rebuild_idle, g_source_remove);
      rebuild (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBSCRIBED_ONLY]);
}

gboolean
tern_ui_sidebar_get_subscribed_only (TernUiSidebar *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), FALSE);
  return self->subscribed_only;
}

/**
 * tern_ui_sidebar_get_problems:
 *
 * Returns: (transfer none): the list of accounts that need the user
 */
GtkListBox *
tern_ui_sidebar_get_problems (TernUiSidebar *self)
{
  g_return_val_if_fail (TERN_UI_IS_SIDEBAR (self), NULL);
  return self->problems;
}

/* ---- object --------------------------------------------------------------------------------- */

static void
tern_ui_sidebar_dispose (GObject *object)
{
  TernUiSidebar *self = TERN_UI_SIDEBAR (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rebuild_idle, g_source_remove);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_SIDEBAR);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->tree);
  g_clear_object (&self->root);
  g_clear_object (&self->selected);
  g_clear_pointer (&self->folder_items, g_hash_table_unref);
  g_clear_pointer (&self->account_items, g_hash_table_unref);
  g_clear_pointer (&self->outbox_items, g_hash_table_unref);
  g_clear_pointer (&self->parent_of, g_hash_table_unref);
  g_clear_pointer (&self->owner_of, g_hash_table_unref);
  g_clear_pointer (&self->exposed, g_hash_table_unref);
  g_clear_pointer (&self->expanded_once, g_hash_table_unref);
  g_clear_object (&self->all_inboxes);
  g_clear_object (&self->local_folders);
  g_clear_object (&self->folders);
  g_clear_object (&self->mail);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tern_ui_sidebar_parent_class)->dispose (object);
}

static void
tern_ui_sidebar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiSidebar *self = TERN_UI_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, self->selected);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    case PROP_SUBSCRIBED_ONLY:
      g_value_set_boolean (value, self->subscribed_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_sidebar_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TernUiSidebar *self = TERN_UI_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_SUBSCRIBED_ONLY:
      tern_ui_sidebar_set_subscribed_only (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_sidebar_class_init (TernUiSidebarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_sidebar_dispose;
  object_class->get_property = tern_ui_sidebar_get_property;
  object_class->set_property = tern_ui_sidebar_set_property;

  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, TERN_UI_TYPE_SIDEBAR_ITEM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] = g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * TernUiSidebar:subscribed-only:
   *
   * Whether IMAP accounts show their subscribed folders only (with the special
   * folders, and the folders above a subscribed one).
   */
  properties[PROP_SUBSCRIBED_ONLY] =
    g_param_spec_boolean ("subscribed-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernUiSidebar::folder-activated:
   * @item: the #TernUiSidebarItem
   *
   * The user chose a folder (a click or Enter): a folded window shows its list.
   */
  signals[SIGNAL_FOLDER_ACTIVATED] = g_signal_new ("folder-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, TERN_UI_TYPE_SIDEBAR_ITEM);
  /**
   * TernUiSidebar::account-remedy:
   * @account: the #TernMailAccount
   *
   * The user asked to mend an account (its remedy's button).
   */
  signals[SIGNAL_ACCOUNT_REMEDY] = g_signal_new ("account-remedy", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, TERN_TYPE_MAIL_ACCOUNT);
  /**
   * TernUiSidebar::messages-dropped:
   * @item: the folder's #TernUiSidebarItem
   * @copy: copy them (Ctrl held), rather than move
   *
   * Messages dragged from the message list (its selection) were dropped on a folder.
   */
  signals[SIGNAL_MESSAGES_DROPPED] = g_signal_new ("messages-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 2, TERN_UI_TYPE_SIDEBAR_ITEM,
                                                   G_TYPE_BOOLEAN);

  /**
   * TernUiSidebar::folder-dropped:
   * @folder: the #TernStoreFolder dragged
   * @item: the #TernUiSidebarItem it was dropped on: a folder (its new parent) or an
   *   account (its top level)
   *
   * A folder was dragged onto a folder or an account where it may go
   * (tern_ui_sidebar_can_drop_folder()).
   */
  signals[SIGNAL_FOLDER_DROPPED] = g_signal_new ("folder-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                 0, NULL, NULL, NULL, G_TYPE_NONE, 2, TERN_TYPE_STORE_FOLDER,
                                                 TERN_UI_TYPE_SIDEBAR_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/sidebar/tern-ui-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiSidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, TernUiSidebar, problems);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_set_css_name (widget_class, "sidebar");
}

static void
tern_ui_sidebar_init (TernUiSidebar *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->pending_folder = -1;
  self->folder_items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->account_items = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->outbox_items = g_hash_table_new_full (NULL, NULL, g_object_unref, g_object_unref);
  self->parent_of = g_hash_table_new (NULL, NULL);
  self->owner_of = g_hash_table_new (NULL, NULL);
  self->exposed = g_hash_table_new (NULL, NULL);
  self->expanded_once = g_hash_table_new (NULL, NULL);
  self->all_inboxes = tern_ui_sidebar_item_new_all_inboxes ();
  self->local_folders = tern_ui_sidebar_item_new_local_folders ();
  self->root = g_list_store_new (TERN_UI_TYPE_SIDEBAR_ITEM);
  self->tree = gtk_tree_list_model_new (G_LIST_MODEL (g_object_ref (self->root)), FALSE, FALSE,
                                        create_children_cb, self, NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->tree)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selected_cb), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
}

TernUiSidebar *
tern_ui_sidebar_new (void)
{
  return g_object_new (TERN_UI_TYPE_SIDEBAR, NULL);
}
