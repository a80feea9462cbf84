/* tern-ui-subscriptions-window.c: an IMAP account's folder subscriptions
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Thunderbird's "Subscribe…" dialog does, as a GNOME settings list: the
 * account's own folders (the special ones are always shown), each with a switch
 * that subscribes or unsubscribes at once (TernMail's journaled operation: the
 * store now, the server with the next replay). A switch follows its folder, so a
 * change made elsewhere (the sidebar's menu, an undo, another client seen by the
 * sync) shows here too. The search (Ctrl+F) finds a folder by its name. A change
 * the engine refuses is said in a toast of this window, and the switch goes back.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-ui-subscriptions-window.h"

struct _TernUiSubscriptionsWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwPreferencesGroup  *group;

  TernMail             *mail;
  TernMailAccount      *account;
  GCancellable         *cancellable;
  GHashTable           *switches;   /* folder id (gint64 *) -> GtkSwitch, unowned */
};

G_DEFINE_FINAL_TYPE (TernUiSubscriptionsWindow, tern_ui_subscriptions_window, ADW_TYPE_PREFERENCES_WINDOW)

typedef struct
{
  TernUiSubscriptionsWindow *self;
  TernStoreFolder           *folder;
  char                      *label;
} Change;

static void
change_free (Change *change)
{
  g_object_unref (change->self);
  g_object_unref (change->folder);
  g_free (change->label);
  g_free (change);
}

static void
changed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Change *change = user_data;
  TernUiSubscriptionsWindow *self = change->self;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, NULL, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gint64 id = tern_store_folder_get_id (change->folder);
      GtkSwitch *toggle = g_hash_table_lookup (self->switches, &id);
      g_autofree char *text = g_markup_escape_text (error->message, -1);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
      /* Back to what the folder is. */
      if (toggle != NULL)
        gtk_switch_set_active (toggle, tern_store_folder_get_subscribed (change->folder));
    }
  change_free (change);
}

static void
switch_active_cb (GtkSwitch *toggle, GParamSpec *pspec, TernUiSubscriptionsWindow *self)
{
  TernStoreFolder *folder = g_object_get_data (G_OBJECT (toggle), "tern-folder");
  gboolean active = gtk_switch_get_active (toggle);
  Change *change;

  /* The folder's own change, shown (the binding below): nothing to do. */
  if (self->mail == NULL || !active == !tern_store_folder_get_subscribed (folder))
    return;
  change = g_new0 (Change, 1);
  change->self = g_object_ref (self);
  change->folder = g_object_ref (folder);
  tern_mail_set_folder_subscribed_async (self->mail, tern_store_folder_get_id (folder), active, self->cancellable,
                                         changed_cb, change);
}

typedef struct
{
  TernStoreFolder *folder;
  char            *label;
  char            *key;
} Entry;

static void
entry_clear (Entry *entry)
{
  g_object_unref (entry->folder);
  g_free (entry->label);
  g_free (entry->key);
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Entry *) a)->key, ((const Entry *) b)->key);
}

static void
add_row (TernUiSubscriptionsWindow *self, Entry *entry)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  gint64 *id = g_new (gint64, 1);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->label);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (toggle), "tern-folder", g_object_ref (entry->folder), g_object_unref);
  g_object_bind_property (entry->folder, "subscribed", toggle, "active", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (switch_active_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  /* Also what names the switch for a screen reader: the row's title labels it (a
   * label of our own as well was read twice, "Old Old"). */
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (self->group, row);
  *id = tern_store_folder_get_id (entry->folder);
  g_hash_table_insert (self->switches, id, toggle);
}

static void
fill (TernUiSubscriptionsWindow *self, TernUiSidebar *sidebar, TernMailAccount *account)
{
  GListModel *folders = tern_ui_sidebar_get_folders (sidebar);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  gint64 account_id = tern_mail_account_get_store_id (account);

  adw_preferences_group_set_title (self->group, tern_mail_account_get_email (account));
  g_array_set_clear_func (entries, (GDestroyNotify) entry_clear);
  for (guint i = 0; folders != NULL && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);
      g_autofree char *folded = NULL;
      Entry entry;

      if (tern_store_folder_get_account_id (folder) != account_id ||
          tern_store_folder_get_role (folder) != TERN_STORE_FOLDER_ROLE_NONE)
        continue;
      entry.folder = g_steal_pointer (&folder);
      entry.label = tern_ui_sidebar_dup_folder_label (sidebar, entry.folder);
      /* As the sidebar sorts: the locale's order, whatever the case. */
      folded = g_utf8_casefold (entry.label, -1);
      entry.key = g_utf8_collate_key (folded, -1);
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    add_row (self, &g_array_index (entries, Entry, i));
  if (entries->len == 0)
    adw_preferences_group_set_description (self->group,
                                           _("This account has no folders besides its special ones (Inbox, Sent, "
                                             "Drafts, Trash…), which are always shown."));
}

/**
 * tern_ui_subscriptions_window_get_switch:
 *
 * Returns: (transfer none) (nullable): the switch of a folder, for tests
 */
GtkSwitch *
tern_ui_subscriptions_window_get_switch (TernUiSubscriptionsWindow *self, gint64 folder_id)
{
  g_return_val_if_fail (TERN_UI_IS_SUBSCRIPTIONS_WINDOW (self), NULL);
  return g_hash_table_lookup (self->switches, &folder_id);
}

guint
tern_ui_subscriptions_window_get_n_rows (TernUiSubscriptionsWindow *self)
{
  g_return_val_if_fail (TERN_UI_IS_SUBSCRIPTIONS_WINDOW (self), 0);
  return g_hash_table_size (self->switches);
}

/**
 * tern_ui_subscriptions_window_get_account:
 *
 * Returns: (transfer none): the account whose folders it lists
 */
TernMailAccount *
tern_ui_subscriptions_window_get_account (TernUiSubscriptionsWindow *self)
{
  g_return_val_if_fail (TERN_UI_IS_SUBSCRIPTIONS_WINDOW (self), NULL);
  return self->account;
}

static void
tern_ui_subscriptions_window_dispose (GObject *object)
{
  TernUiSubscriptionsWindow *self = TERN_UI_SUBSCRIPTIONS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->mail);
  g_clear_object (&self->account);
  g_clear_pointer (&self->switches, g_hash_table_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_SUBSCRIPTIONS_WINDOW);
  G_OBJECT_CLASS (tern_ui_subscriptions_window_parent_class)->dispose (object);
}

static void
tern_ui_subscriptions_window_class_init (TernUiSubscriptionsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = tern_ui_subscriptions_window_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/ternmail/Tern/ui/sidebar/tern-ui-subscriptions-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiSubscriptionsWindow, group);
}

static void
tern_ui_subscriptions_window_init (TernUiSubscriptionsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->switches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/**
 * tern_ui_subscriptions_window_new:
 * @sidebar: the sidebar, for the account's folders and their names as shown
 * @account: an IMAP account
 */
TernUiSubscriptionsWindow *
tern_ui_subscriptions_window_new (GtkWindow *parent, TernMail *mail, TernUiSidebar *sidebar, TernMailAccount *account)
{
  TernUiSubscriptionsWindow *self = g_object_new (TERN_UI_TYPE_SUBSCRIPTIONS_WINDOW,
                                                  "transient-for", parent, NULL);

  self->mail = g_object_ref (mail);
  self->account = g_object_ref (account);
  fill (self, sidebar, account);
  return self;
}
