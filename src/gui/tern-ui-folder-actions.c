/* tern-ui-folder-actions.c: the window's actions on folders: create, rename, move,
 * delete, empty
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `folder.*` actions of the main window, offered by the sidebar's context menu:
 *
 *   folder.new-in-account(x)   a top-level folder of an account (its store id)
 *   folder.new-subfolder(x)    a folder under a folder
 *   folder.rename(x)           a new name (not for special folders)
 *   folder.delete(x)           after a confirmation that says how many messages go
 *   folder.empty(x)            Trash or Junk, after a confirmation
 *   folder.move(x)             into another folder of its account, or to its top
 *                              level, chosen in a dialog (what a drag in the
 *                              sidebar does, for the keyboard)
 *   folder.subscribe(x)        an IMAP folder: subscribe (what "Subscribed Folders
 *   folder.unsubscribe(x)      Only" shows), or unsubscribe, with an undo toast
 *   folder.subscriptions(x)    an IMAP account's subscriptions, in a window
 *
 * Each asks in an AdwMessageDialog, then runs TernMail's journaled operation: the
 * sidebar changes at once, the server follows (for IMAP; POP3 and local folders
 * only here). A folder dragged in the sidebar onto another folder or its account
 * (TernUiSidebar::folder-dropped) is moved there without asking. Creating,
 * renaming and moving can be undone from the toast; a change the server refuses
 * is reported by the window in the server's words (TernMailAccount::change-refused).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-ui-folder-actions.h"
#include "tern-ui-folder-tree.h"
#include "tern-ui-sidebar-item.h"
#include "tern-ui-subscriptions-window.h"
#include "tern-ui-window.h"

typedef enum
{
  FOLDER_NEW,
  FOLDER_RENAME,
  FOLDER_DELETE,
  FOLDER_EMPTY,
  FOLDER_MOVE,
  FOLDER_SUBSCRIBE,
  FOLDER_UNSUBSCRIBE,
} FolderKind;

struct _TernUiFolderActions
{
  GObject             parent_instance;

  GtkWidget          *window;     /* unowned: it owns us */
  TernUiSidebar      *sidebar;
  TernMail           *mail;
  GSimpleActionGroup *group;
  GCancellable       *cancellable;
  AdwMessageDialog   *dialog;     /* while open */
  GtkEditable        *entry;      /* its name entry, for new and rename */
  GtkDropDown        *places;     /* its choice of a new parent, for move */
  GArray             *place_ids;  /* gint64: each choice's folder, 0 for the top level */
  gpointer            subscriptions; /* TernUiSubscriptionsWindow, weak, while open */
};

G_DEFINE_FINAL_TYPE (TernUiFolderActions, tern_ui_folder_actions, G_TYPE_OBJECT)

typedef struct
{
  TernUiFolderActions *self;
  FolderKind           kind;
  gint64               account_id;
  gint64               folder_id;   /* the parent for new */
  gint64               parent_id;   /* move: the new parent, or 0 for the top level */
  char                *title;       /* the folder's, as shown */
  char                *name;        /* new, rename; move: where to, as shown */
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->self);
  g_free (request->title);
  g_free (request->name);
  g_free (request);
}

static void
toast (TernUiFolderActions *self, const char *text, TernMailUndo *undo)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  if (self->window == NULL)
    return;
  if (undo != NULL)
    tern_ui_window_offer_undo (TERN_UI_WINDOW (self->window), undo, escaped);
  else
    {
      AdwToast *t = adw_toast_new (escaped);

      tern_ui_window_add_toast (TERN_UI_WINDOW (self->window), t);
    }
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Request *request = user_data;
  TernUiFolderActions *self = request->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autofree char *text = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, &undo, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          toast (self, error->message, NULL);
        }
      request_free (request);
      return;
    }
  switch (request->kind)
    {
    case FOLDER_NEW:
      text = g_strdup_printf (_("Created the folder “%s”"), request->name);
      break;
    case FOLDER_RENAME:
      /* Translators: the old name, then the new one */
      text = g_strdup_printf (_("Renamed “%s” to “%s”"), request->title, request->name);
      break;
    case FOLDER_DELETE:
      text = g_strdup_printf (_("Deleted the folder “%s”"), request->title);
      break;
    case FOLDER_EMPTY:
      text = g_strdup_printf (_("Emptied “%s”"), request->title);
      break;
    case FOLDER_MOVE:
      if (request->parent_id != 0)
        /* Translators: the folder, then the folder it was moved into */
        text = g_strdup_printf (_("Moved “%s” into “%s”"), request->title, request->name);
      else
        /* Translators: the folder, then the account (its address) */
        text = g_strdup_printf (_("Moved “%s” to the top of %s"), request->title, request->name);
      break;
    case FOLDER_SUBSCRIBE:
      text = g_strdup_printf (_("Subscribed to “%s”"), request->title);
      break;
    case FOLDER_UNSUBSCRIBE:
      text = g_strdup_printf (_("Unsubscribed from “%s”"), request->title);
      break;
    default:
      g_assert_not_reached ();
    }
  toast (self, text, undo);
  request_free (request);
}

static void
run (Request *request)
{
  TernUiFolderActions *self = request->self;

  if (self->window != NULL)
    tern_ui_window_expect_undo (TERN_UI_WINDOW (self->window));
  switch (request->kind)
    {
    case FOLDER_NEW:
      tern_mail_create_folder_async (self->mail, request->account_id, request->folder_id, request->name,
                                     self->cancellable, done_cb, request);
      break;
    case FOLDER_RENAME:
      tern_mail_rename_folder_async (self->mail, request->folder_id, request->name, self->cancellable, done_cb,
                                     request);
      break;
    case FOLDER_DELETE:
      tern_mail_delete_folder_async (self->mail, request->folder_id, self->cancellable, done_cb, request);
      break;
    case FOLDER_EMPTY:
      tern_mail_empty_folder_async (self->mail, request->folder_id, self->cancellable, done_cb, request);
      break;
    case FOLDER_MOVE:
      tern_mail_move_folder_async (self->mail, request->folder_id, request->parent_id, self->cancellable, done_cb,
                                   request);
      break;
    case FOLDER_SUBSCRIBE:
    case FOLDER_UNSUBSCRIBE:
      tern_mail_set_folder_subscribed_async (self->mail, request->folder_id, request->kind == FOLDER_SUBSCRIBE,
                                             self->cancellable, done_cb, request);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
response_cb (AdwMessageDialog *dialog, const char *response, Request *request)
{
  TernUiFolderActions *self = request->self;

  g_signal_handlers_disconnect_by_func (dialog, response_cb, request);
  if (self->dialog == dialog)
    {
      if (self->entry != NULL && (request->kind == FOLDER_NEW || request->kind == FOLDER_RENAME))
        request->name = g_strstrip (g_strdup (gtk_editable_get_text (self->entry)));
      if (self->places != NULL && request->kind == FOLDER_MOVE)
        {
          guint i = gtk_drop_down_get_selected (self->places);
          TernMailAccount *account = tern_mail_lookup_account_by_id (self->mail, request->account_id);

          if (i >= self->place_ids->len)
            response = "cancel";   /* nothing chosen */
          else
            request->parent_id = g_array_index (self->place_ids, gint64, i);
          /* The toast's words: the new parent, or the account at the top level. */
          request->name = request->parent_id != 0
                          ? g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (self->places)), i))
                          : g_strdup (account != NULL ? tern_mail_account_get_email (account) : "");
        }
      self->dialog = NULL;
      self->entry = NULL;
      self->places = NULL;
    }
  if (g_strcmp0 (response, "ok") == 0 && self->mail != NULL)
    run (request);
  else
    request_free (request);
}

static void
entry_changed_cb (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "ok", *text != '\0');
}

/* Asks, in a dialog with a name entry when @with_entry (holding @name). */
static void
ask (Request *request, const char *heading, const char *body, const char *ok_label, gboolean destructive,
     gboolean with_entry, const char *name)
{
  TernUiFolderActions *self = request->self;
  AdwMessageDialog *dialog;

  if (self->window == NULL)
    {
      request_free (request);
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "ok", ok_label, NULL);
  adw_message_dialog_set_response_appearance (dialog, "ok", destructive ? ADW_RESPONSE_DESTRUCTIVE
                                                                        : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, destructive ? "cancel" : "ok");
  adw_message_dialog_set_close_response (dialog, "cancel");
  self->entry = NULL;
  if (with_entry)
    {
      GtkWidget *entry = gtk_entry_new ();

      gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (entry), name != NULL ? name : "");
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Folder Name"), -1);
      g_signal_connect (entry, "changed", G_CALLBACK (entry_changed_cb), dialog);
      adw_message_dialog_set_extra_child (dialog, entry);
      entry_changed_cb (GTK_EDITABLE (entry), dialog);
      self->entry = GTK_EDITABLE (entry);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), request);
  self->dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
  if (self->entry != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static Request *
request_new (TernUiFolderActions *self, FolderKind kind, gint64 folder_id)
{
  Request *request = g_new0 (Request, 1);
  TernStoreFolder *folder = folder_id != 0 ? tern_ui_sidebar_lookup_folder (self->sidebar, folder_id) : NULL;

  request->self = g_object_ref (self);
  request->kind = kind;
  request->folder_id = folder_id;
  if (folder != NULL)
    {
      g_autoptr(TernUiSidebarItem) item = tern_ui_sidebar_item_new_folder (folder);

      request->account_id = tern_store_folder_get_account_id (folder);
      request->title = g_strdup (tern_ui_sidebar_item_get_title (item));
    }
  return request;
}

static void
new_in_account_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiFolderActions *self = user_data;
  Request *request = request_new (self, FOLDER_NEW, 0);
  TernMailAccount *account = self->mail != NULL
                             ? tern_mail_lookup_account_by_id (self->mail, g_variant_get_int64 (parameter)) : NULL;
  g_autofree char *body = NULL;

  request->account_id = g_variant_get_int64 (parameter);
  body = g_strdup_printf (_("A folder at the top of %s."), account != NULL ? tern_mail_account_get_email (account) : "");
  ask (request, _("New Folder"), body, _("C_reate"), FALSE, TRUE, NULL);
}

static void
new_subfolder_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Request *request = request_new (user_data, FOLDER_NEW, g_variant_get_int64 (parameter));
  g_autofree char *body = NULL;

  if (request->title == NULL)
    {
      request_free (request);
      return;
    }
  body = g_strdup_printf (_("A folder in “%s”."), request->title);
  ask (request, _("New Folder"), body, _("C_reate"), FALSE, TRUE, NULL);
}

static void
rename_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  Request *request = request_new (user_data, FOLDER_RENAME, g_variant_get_int64 (parameter));
  g_autofree char *heading = NULL;

  if (request->title == NULL)
    {
      request_free (request);
      return;
    }
  heading = g_strdup_printf (_("Rename “%s”"), request->title);
  ask (request, heading, NULL, _("_Rename"), FALSE, TRUE, request->title);
}

static void
delete_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiFolderActions *self = user_data;
  gint64 folder_id = g_variant_get_int64 (parameter);
  Request *request = request_new (self, FOLDER_DELETE, folder_id);
  TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (self->sidebar, folder_id);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  guint n;

  if (folder == NULL)
    {
      request_free (request);
      return;
    }
  n = tern_store_folder_get_total (folder);
  heading = g_strdup_printf (_("Delete “%s”?"), request->title);
  body = n > 0 ? g_strdup_printf (ngettext ("Its %u message is deleted with it, on the server too, with any folder "
                                            "inside it. This cannot be undone.",
                                            "Its %u messages are deleted with it, on the server too, with any folder "
                                            "inside it. This cannot be undone.", n), n)
               : g_strdup (_("It holds no message. Any folder inside it is deleted too. This cannot be undone."));
  ask (request, heading, body, _("_Delete"), TRUE, FALSE, NULL);
}

static void
empty_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiFolderActions *self = user_data;
  gint64 folder_id = g_variant_get_int64 (parameter);
  Request *request = request_new (self, FOLDER_EMPTY, folder_id);
  TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (self->sidebar, folder_id);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  guint n;

  if (folder == NULL)
    {
      request_free (request);
      return;
    }
  n = tern_store_folder_get_total (folder);
  heading = g_strdup_printf (_("Empty “%s”?"), request->title);
  body = g_strdup_printf (ngettext ("Its %u message is deleted for good, on the server too. This cannot be undone.",
                                    "Its %u messages are deleted for good, on the server too. This cannot be undone.",
                                    n), n);
  ask (request, heading, body, _("_Empty"), TRUE, FALSE, NULL);
}

typedef struct
{
  char   *label;
  char   *key;
  gint64  id;
} Place;

static void
place_clear (Place *place)
{
  g_free (place->label);
  g_free (place->key);
}

static int
compare_places (gconstpointer a, gconstpointer b)
{
  return strcmp (((const Place *) a)->key, ((const Place *) b)->key);
}

static void
move_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiFolderActions *self = user_data;
  gint64 folder_id = g_variant_get_int64 (parameter);
  TernStoreFolder *folder = tern_ui_sidebar_lookup_folder (self->sidebar, folder_id);
  GListModel *folders = tern_ui_sidebar_get_folders (self->sidebar);
  g_autoptr(GArray) places = g_array_new (FALSE, FALSE, sizeof (Place));
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GtkExpression) expression = NULL;
  TernMailAccount *account;
  Request *request;
  GtkWidget *drop_down;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  if (folder == NULL || folders == NULL || self->window == NULL)
    return;
  g_array_set_clear_func (places, (GDestroyNotify) place_clear);
  account = tern_mail_lookup_account_by_id (self->mail, tern_store_folder_get_account_id (folder));
  if (tern_ui_folder_tree_can_move (folder, NULL, tern_store_folder_get_account_id (folder)))
    {
      /* Translators: where a folder can go: the top of the folder tree of an account */
      Place top = { g_strdup (_("Top Level")), g_strdup (""), 0 };

      g_array_append_val (places, top);
    }
  for (guint i = 0; i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) candidate = g_list_model_get_item (folders, i);
      Place place = { 0 };

      if (!tern_ui_folder_tree_can_move (folder, candidate, 0))
        continue;
      place.label = tern_ui_sidebar_dup_folder_label (self->sidebar, candidate);
      {
        /* As the sidebar sorts: the locale's order, whatever the case. */
        g_autofree char *folded = g_utf8_casefold (place.label, -1);

        place.key = g_utf8_collate_key (folded, -1);
      }
      place.id = tern_store_folder_get_id (candidate);
      g_array_append_val (places, place);
    }
  if (places->len == 0)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” has nowhere else to go in its account"),
                                               tern_store_folder_get_name (folder));

      toast (self, text, NULL);
      return;
    }
  g_array_sort (places, compare_places);

  request = request_new (self, FOLDER_MOVE, folder_id);
  heading = g_strdup_printf (_("Move “%s”"), request->title);
  if (account != NULL)
    /* Translators: the account's address */
    body = g_strdup_printf (_("Choose its new place in %s. The folders inside it move with it."),
                            tern_mail_account_get_email (account));
  ask (request, heading, body, _("_Move"), FALSE, FALSE, NULL);
  if (self->dialog == NULL)
    return;

  g_array_set_size (self->place_ids, 0);
  for (guint i = 0; i < places->len; i++)
    {
      gtk_string_list_append (labels, g_array_index (places, Place, i).label);
      g_array_append_val (self->place_ids, g_array_index (places, Place, i).id);
    }
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (labels)), NULL);
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (GTK_DROP_DOWN (drop_down), expression);
  gtk_drop_down_set_enable_search (GTK_DROP_DOWN (drop_down), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL, _("New Place"), -1);
  adw_message_dialog_set_extra_child (self->dialog, drop_down);
  self->places = GTK_DROP_DOWN (drop_down);
  gtk_widget_grab_focus (drop_down);
}

static void
subscription_cb (TernUiFolderActions *self, GVariant *parameter, FolderKind kind)
{
  Request *request = request_new (self, kind, g_variant_get_int64 (parameter));

  if (request->title == NULL || self->mail == NULL)
    {
      request_free (request);
      return;
    }
  run (request);
}

static void
subscribe_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  subscription_cb (user_data, parameter, FOLDER_SUBSCRIBE);
}

static void
unsubscribe_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  subscription_cb (user_data, parameter, FOLDER_UNSUBSCRIBE);
}

static void
subscriptions_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiFolderActions *self = user_data;
  TernMailAccount *account = self->mail != NULL
                             ? tern_mail_lookup_account_by_id (self->mail, g_variant_get_int64 (parameter)) : NULL;
  TernUiSubscriptionsWindow *window;

  if (account == NULL || self->window == NULL)
    return;
  /* One at a time: the open one again for its account, or in place of it for another. */
  if (self->subscriptions != NULL)
    {
      if (tern_ui_subscriptions_window_get_account (self->subscriptions) == account)
        {
          gtk_window_present (self->subscriptions);
          return;
        }
      gtk_window_destroy (self->subscriptions);
    }
  window = tern_ui_subscriptions_window_new (GTK_WINDOW (self->window), self->mail, self->sidebar, account);
  g_set_weak_pointer (&self->subscriptions, window);
  gtk_window_present (GTK_WINDOW (window));
}

/* A folder dropped on a folder (its new parent) or on its account's row (the top
 * level): the sidebar has checked that it may go there. */
static void
folder_dropped_cb (TernUiSidebar *sidebar, TernStoreFolder *folder, TernUiSidebarItem *item, TernUiFolderActions *self)
{
  Request *request;

  if (self->mail == NULL)
    return;
  request = request_new (self, FOLDER_MOVE, tern_store_folder_get_id (folder));
  if (request->title == NULL)
    {
      request_free (request);
      return;
    }
  request->parent_id = tern_ui_sidebar_item_get_folder_id (item);
  request->name = g_strdup (tern_ui_sidebar_item_get_title (item));
  run (request);
}

static const GActionEntry entries[] = {
  { "new-in-account", new_in_account_cb, "x", NULL, NULL, { 0 } },
  { "new-subfolder", new_subfolder_cb, "x", NULL, NULL, { 0 } },
  { "rename", rename_cb, "x", NULL, NULL, { 0 } },
  { "delete", delete_cb, "x", NULL, NULL, { 0 } },
  { "empty", empty_cb, "x", NULL, NULL, { 0 } },
  { "move", move_cb, "x", NULL, NULL, { 0 } },
  { "subscribe", subscribe_cb, "x", NULL, NULL, { 0 } },
  { "unsubscribe", unsubscribe_cb, "x", NULL, NULL, { 0 } },
  { "subscriptions", subscriptions_cb, "x", NULL, NULL, { 0 } },
};

void
tern_ui_folder_actions_set_mail (TernUiFolderActions *self, TernMail *mail)
{
  g_return_if_fail (TERN_UI_IS_FOLDER_ACTIONS (self));

  g_set_object (&self->mail, mail);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self->group),
                                                                              entries[i].name)),
                                 mail != NULL);
}

/**
 * tern_ui_folder_actions_get_dialog:
 *
 * Returns: (transfer none) (nullable): the dialog asking, while open
 */
AdwMessageDialog *
tern_ui_folder_actions_get_dialog (TernUiFolderActions *self)
{
  g_return_val_if_fail (TERN_UI_IS_FOLDER_ACTIONS (self), NULL);
  return self->dialog;
}

/**
 * tern_ui_folder_actions_get_places:
 *
 * Returns: (transfer none) (nullable): the move dialog's choice of a new place,
 *   while open
 */
GtkDropDown *
tern_ui_folder_actions_get_places (TernUiFolderActions *self)
{
  g_return_val_if_fail (TERN_UI_IS_FOLDER_ACTIONS (self), NULL);
  return self->places;
}

/**
 * tern_ui_folder_actions_get_entry:
 *
 * Returns: (transfer none) (nullable): the dialog's name entry, while open
 */
GtkEditable *
tern_ui_folder_actions_get_entry (TernUiFolderActions *self)
{
  g_return_val_if_fail (TERN_UI_IS_FOLDER_ACTIONS (self), NULL);
  return self->entry;
}

/**
 * tern_ui_folder_actions_get_subscriptions:
 *
 * Returns: (transfer none) (nullable): the subscriptions window, while open
 */
GtkWindow *
tern_ui_folder_actions_get_subscriptions (TernUiFolderActions *self)
{
  g_return_val_if_fail (TERN_UI_IS_FOLDER_ACTIONS (self), NULL);
  return self->subscriptions;
}

static void
tern_ui_folder_actions_dispose (GObject *object)
{
  TernUiFolderActions *self = TERN_UI_FOLDER_ACTIONS (object);

  g_cancellable_cancel (self->cancellable);
  self->window = NULL;
  g_clear_object (&self->mail);
  g_clear_object (&self->group);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->place_ids, g_array_unref);
  g_clear_weak_pointer (&self->subscriptions);
  G_OBJECT_CLASS (tern_ui_folder_actions_parent_class)->dispose (object);
}

static void
tern_ui_folder_actions_class_init (TernUiFolderActionsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tern_ui_folder_actions_dispose;
}

static void
tern_ui_folder_actions_init (TernUiFolderActions *self)
{
  self->cancellable = g_cancellable_new ();
  self->place_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->group = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->group), entries, G_N_ELEMENTS (entries), self);
}

/**
 * tern_ui_folder_actions_new:
 * @window: the main window, which owns the object and shows its dialogs and toasts
 * @sidebar: the sidebar, for the folders
 *
 * Inserts the `folder` action group in @window.
 */
TernUiFolderActions *
tern_ui_folder_actions_new (GtkWidget *window, TernUiSidebar *sidebar)
{
  TernUiFolderActions *self = g_object_new (TERN_UI_TYPE_FOLDER_ACTIONS, NULL);

  self->window = window;
  self->sidebar = sidebar;
  gtk_widget_insert_action_group (window, "folder", G_ACTION_GROUP (self->group));
  g_signal_connect_object (sidebar, "folder-dropped", G_CALLBACK (folder_dropped_cb), self, 0);
  tern_ui_folder_actions_set_mail (self, NULL);
  return self;
}
