/* tern-ui-mail-actions.c: the window's actions that organise mail: delete, archive,
 * junk, move, copy, mark a folder read
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `mail.*` actions of the main window, on the message list's selection (a
 * message, a conversation's messages, many, or everything): each collects the
 * messages' ids on a worker (tern_ui_message_list_collect_ids_async()), then runs
 * TernMail's journaled operation. The store changes at once (the rows leave the
 * list and the counts change before any server answers), the journal takes it to
 * the server, and the window offers to undo it in a toast (Ctrl+Z while it shows).
 *
 *   mail.trash              to the account's Trash; in Trash, mail.delete
 *   mail.delete             permanently, after a confirmation (no undo)
 *   mail.archive            to the account's Archive (none: offers to make one)
 *   mail.junk, not-junk     to Junk with $Junk, back to the Inbox with $NotJunk
 *   mail.move, mail.copy    a TernUiMovePopover of every account's folders
 *   mail.move-to(x), copy-to(x)   to a folder (the popover's choice, a drop)
 *   mail.mark-folder-read(x)      every message of a folder
 *
 * The selection then goes to the row after the last one that left (as Thunderbird
 * and Geary do), so that Delete, Delete, Delete runs through a folder.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-mail-actions.h"
#include "tern-ui-window.h"

typedef enum
{
  ACT_TRASH,
  ACT_DELETE,
  ACT_ARCHIVE,
  ACT_JUNK,
  ACT_NOT_JUNK,
  ACT_MOVE,
  ACT_COPY,
} ActKind;

struct _TernUiMailActions
{
  GObject             parent_instance;

  GtkWidget          *window;     /* unowned: it owns us */
  TernUiMessageList  *list;
  TernUiSidebar      *sidebar;
  TernMail           *mail;
  GSimpleActionGroup *group;
  GCancellable       *cancellable;
  TernUiMovePopover  *popover;    /* while open */
  AdwMessageDialog   *dialog;     /* while open */
};

G_DEFINE_FINAL_TYPE (TernUiMailActions, tern_ui_mail_actions, G_TYPE_OBJECT)

typedef struct
{
  TernUiMailActions *self;
  ActKind            kind;
  gint64             folder_id;  /* move, copy; archive to a folder just created */
  gint64             next_id;    /* the row to select once the others left */
  GArray            *ids;        /* the messages */
} Act;

static void
act_free (Act *act)
{
  g_object_unref (act->self);
  g_clear_pointer (&act->ids, g_array_unref);
  g_free (act);
}

static Act *
act_new (TernUiMailActions *self, ActKind kind, gint64 folder_id)
{
  Act *act = g_new0 (Act, 1);

  act->self = g_object_ref (self);
  act->kind = kind;
  act->folder_id = folder_id;
  return act;
}

/* ---- what is shown ------------------------------------------------------------------ */

static TernStoreFolder *
lookup_folder (TernUiMailActions *self, gint64 folder_id)
{
  return folder_id != 0 ? tern_ui_sidebar_lookup_folder (self->sidebar, folder_id) : NULL;
}

/* The role of the folder the list shows (NONE for All Inboxes and searches). */
static TernStoreFolderRole
shown_role (TernUiMailActions *self)
{
  TernStoreFolder *folder = NULL;

  if (tern_ui_message_list_get_query (self->list) == NULL)
    folder = lookup_folder (self, tern_ui_message_list_get_folder_id (self->list));
  return folder != NULL ? tern_store_folder_get_role (folder) : TERN_STORE_FOLDER_ROLE_NONE;
}

static char *
folder_title (TernUiMailActions *self, gint64 folder_id)
{
  TernStoreFolder *folder = lookup_folder (self, folder_id);
  g_autoptr(TernUiSidebarItem) item = folder != NULL ? tern_ui_sidebar_item_new_folder (folder) : NULL;

  return g_strdup (item != NULL ? tern_ui_sidebar_item_get_title (item) : _("the folder"));
}

/* The account of @folder_id when it is not the account of the folder shown (a move
 * to another account), for the toast; else NULL. */
static const char *
other_account (TernUiMailActions *self, gint64 folder_id)
{
  TernStoreFolder *target = lookup_folder (self, folder_id);
  TernStoreFolder *shown = NULL;
  const char *account;

  if (tern_ui_message_list_get_query (self->list) == NULL)
    shown = lookup_folder (self, tern_ui_message_list_get_folder_id (self->list));
  if (target == NULL || shown == NULL ||
      tern_store_folder_get_account_id (target) == tern_store_folder_get_account_id (shown))
    return NULL;
  account = tern_store_folder_get_account (target);
  if (account == NULL || g_str_equal (account, TERN_STORE_LOCAL_ACCOUNT))
    return _("Local Folders");
  return account;
}

static void
toast_error (TernUiMailActions *self, const GError *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 10);
  tern_ui_window_add_toast (TERN_UI_WINDOW (self->window), toast);
}

/* The row after the last selected one (or before the first, at the end): where the
 * selection goes once the selected rows left. 0 when everything is selected. */
static gint64
next_row_id (TernUiMailActions *self)
{
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->list);
  GListModel *model = G_LIST_MODEL (selection);
  g_autoptr(GArray) ids = NULL;
  int first = -1, last = -1;
  guint n = g_list_model_get_n_items (model);

  if (tern_ui_id_selection_get_all (selection))
    return 0;
  ids = tern_ui_id_selection_dup_ids (selection);
  for (guint i = 0; i < ids->len; i++)
    {
      int position = tern_ui_id_selection_find (selection, g_array_index (ids, gint64, i));

      if (position < 0)
        continue;
      first = first < 0 ? position : MIN (first, position);
      last = MAX (last, position);
    }
  for (int position = last + 1; last >= 0 && position < (int) n; position++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position);
      gint64 id = item != NULL ? tern_ui_id_selection_get_item_id (item) : 0;

      if (id != 0 && !tern_ui_id_selection_is_id_selected (selection, id))
        return id;
    }
  for (int position = first - 1; position >= 0; position--)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, position);
      gint64 id = item != NULL ? tern_ui_id_selection_get_item_id (item) : 0;

      if (id != 0 && !tern_ui_id_selection_is_id_selected (selection, id))
        return id;
    }
  return 0;
}

/* ---- running an action ------------------------------------------------------------------ */

static char *
describe (TernUiMailActions *self, Act *act, guint n)
{
  g_autofree char *folder = NULL;
  const char *account;

  switch (act->kind)
    {
    case ACT_TRASH:
      return g_strdup_printf (ngettext ("Moved %u message to Trash", "Moved %u messages to Trash", n), n);
    case ACT_DELETE:
      return g_strdup_printf (ngettext ("Deleted %u message", "Deleted %u messages", n), n);
    case ACT_ARCHIVE:
      return g_strdup_printf (ngettext ("Archived %u message", "Archived %u messages", n), n);
    case ACT_JUNK:
      return g_strdup_printf (ngettext ("Marked %u message as junk", "Marked %u messages as junk", n), n);
    case ACT_NOT_JUNK:
      return g_strdup_printf (ngettext ("Marked %u message as not junk", "Marked %u messages as not junk", n), n);
    case ACT_MOVE:
      folder = folder_title (self, act->folder_id);
      if ((account = other_account (self, act->folder_id)) != NULL)
        /* Translators: %u messages, the first %s a folder, the second its account (another one) */
        return g_strdup_printf (ngettext ("Moved %u message to “%s” in %s", "Moved %u messages to “%s” in %s", n), n,
                                folder, account);
      /* Translators: %u messages, %s a folder */
      return g_strdup_printf (ngettext ("Moved %u message to “%s”", "Moved %u messages to “%s”", n), n, folder);
    case ACT_COPY:
      folder = folder_title (self, act->folder_id);
      if ((account = other_account (self, act->folder_id)) != NULL)
        /* Translators: %u messages, the first %s a folder, the second its account (another one) */
        return g_strdup_printf (ngettext ("Copied %u message to “%s” in %s", "Copied %u messages to “%s” in %s", n), n,
                                folder, account);
      /* Translators: %u messages, %s a folder */
      return g_strdup_printf (ngettext ("Copied %u message to “%s”", "Copied %u messages to “%s”", n), n, folder);
    default:
      g_assert_not_reached ();
    }
}

static void offer_archive_folder (TernUiMailActions *self, Act *act);

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Act *act = user_data;
  TernUiMailActions *self = act->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailUndo) undo = NULL;
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, &undo, NULL, &error))
    {
      if (g_error_matches (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NO_FOLDER) && act->kind == ACT_ARCHIVE)
        {
          offer_archive_folder (self, g_steal_pointer (&act));
          return;
        }
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      act_free (act);
      return;
    }
  if (self->window == NULL)
    {
      act_free (act);
      return;
    }
  /* On to the next row (a copy leaves the rows where they are). */
  if (act->kind != ACT_COPY && act->next_id != 0)
    {
      TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->list);

      if (tern_ui_id_selection_find (selection, act->next_id) >= 0)
        {
          tern_ui_id_selection_select_id (selection, act->next_id, TRUE);
          tern_ui_message_list_focus_id (self->list, act->next_id);
        }
    }
  text = describe (self, act, undo != NULL ? tern_mail_undo_get_n_messages (undo) : act->ids->len);
  escaped = g_markup_escape_text (text, -1);
  if (undo != NULL)
    tern_ui_window_offer_undo (TERN_UI_WINDOW (self->window), undo, escaped);
  else
    tern_ui_window_add_toast (TERN_UI_WINDOW (self->window), adw_toast_new (escaped));
  act_free (act);
}

static void
dispatch (Act *act)
{
  TernUiMailActions *self = act->self;
  const gint64 *ids = (const gint64 *) (void *) act->ids->data;
  guint n = act->ids->len;

  if (self->window != NULL)
    tern_ui_window_expect_undo (TERN_UI_WINDOW (self->window));
  switch (act->kind)
    {
    case ACT_TRASH:
      tern_mail_trash_async (self->mail, ids, n, self->cancellable, done_cb, act);
      break;
    case ACT_DELETE:
      tern_mail_expunge_async (self->mail, ids, n, self->cancellable, done_cb, act);
      break;
    case ACT_ARCHIVE:
      if (act->folder_id != 0)
        tern_mail_move_async (self->mail, ids, n, act->folder_id, self->cancellable, done_cb, act);
      else
        tern_mail_archive_async (self->mail, ids, n, self->cancellable, done_cb, act);
      break;
    case ACT_JUNK:
    case ACT_NOT_JUNK:
      tern_mail_junk_async (self->mail, ids, n, act->kind == ACT_JUNK, self->cancellable, done_cb, act);
      break;
    case ACT_MOVE:
      tern_mail_move_async (self->mail, ids, n, act->folder_id, self->cancellable, done_cb, act);
      break;
    case ACT_COPY:
      tern_mail_copy_async (self->mail, ids, n, act->folder_id, self->cancellable, done_cb, act);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
collected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Act *act = user_data;
  g_autoptr(GError) error = NULL;

  act->ids = tern_ui_message_list_collect_ids_finish (TERN_UI_MESSAGE_LIST (source), result, &error);
  if (act->ids == NULL || act->ids->len == 0 || act->self->mail == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (act->self, error);
      act_free (act);
      return;
    }
  dispatch (act);
}

/* Runs @kind on the selection's messages. */
static void
run_on_selection (TernUiMailActions *self, ActKind kind, gint64 folder_id)
{
  Act *act;

  if (self->mail == NULL ||
      tern_ui_id_selection_get_n_selected (tern_ui_message_list_get_selection (self->list)) == 0)
    return;
  act = act_new (self, kind, folder_id);
  act->next_id = next_row_id (self);
  tern_ui_message_list_collect_ids_async (self->list, NULL, FALSE, self->cancellable, collected_cb, act);
}

static void
messages_dropped_cb (TernUiSidebar *sidebar, TernUiSidebarItem *item, gboolean copy, TernUiMailActions *self)
{
  gint64 folder_id = tern_ui_sidebar_item_get_folder_id (item);

  if (folder_id != 0)
    run_on_selection (self, copy ? ACT_COPY : ACT_MOVE, folder_id);
}

/**
 * tern_ui_mail_actions_transfer:
 * @folder_id: the target folder
 * @copy: copy rather than move
 *
 * Moves (or copies) the selection's messages to a folder: what a drop on the
 * sidebar does.
 */
void
tern_ui_mail_actions_transfer (TernUiMailActions *self, gint64 folder_id, gboolean copy)
{
  g_return_if_fail (TERN_UI_IS_MAIL_ACTIONS (self));

  run_on_selection (self, copy ? ACT_COPY : ACT_MOVE, folder_id);
}

/* ---- archive without an Archive folder ------------------------------------------------------ */

typedef struct
{
  Act    *act;
  gint64  account_id;
} ArchiveOffer;

static void
archive_created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Act *act = user_data;
  g_autoptr(GError) error = NULL;
  gint64 folder_id = 0;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, NULL, &folder_id, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (act->self, error);
      act_free (act);
      return;
    }
  /* The sync gives it the Archive role by its name; meanwhile, the messages go
   * there directly (and the toast still says they were archived). */
  act->folder_id = folder_id;
  dispatch (act);
}

static void
archive_response_cb (AdwMessageDialog *dialog, const char *response, ArchiveOffer *offer)
{
  Act *act = offer->act;

  /* Said once (closing the dialog must not answer again). */
  g_signal_handlers_disconnect_by_func (dialog, archive_response_cb, offer);
  if (act->self->dialog == dialog)
    act->self->dialog = NULL;
  if (g_strcmp0 (response, "create") == 0 && act->self->mail != NULL)
    tern_mail_create_folder_async (act->self->mail, offer->account_id, 0, "Archive", act->self->cancellable,
                                   archive_created_cb, act);
  else
    act_free (act);
  g_free (offer);
}

static gpointer
message_account_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, *(gint64 *) data, error);
  g_autoptr(TernStoreFolder) folder = NULL;

  if (message == NULL)
    return NULL;
  folder = tern_store_db_get_folder (db, tern_store_message_get_folder_id (message), error);
  return folder != NULL ? g_steal_pointer (&folder) : NULL;
}

static void
message_account_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Act *act = user_data;
  TernUiMailActions *self = act->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolder) folder = tern_store_run_finish (TERN_STORE (source), result, &error);
  ArchiveOffer *offer;
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (folder == NULL || self->window == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      act_free (act);
      return;
    }
  offer = g_new0 (ArchiveOffer, 1);
  offer->act = act;
  offer->account_id = tern_store_folder_get_account_id (folder);
  body = g_strdup_printf (_("The account %s has no folder for archived mail. Tern can create a folder “Archive” on "
                            "the server and archive to it from now on."),
                          tern_store_folder_get_account (folder) != NULL ? tern_store_folder_get_account (folder) : "");
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self->window), _("Create an Archive Folder?"), body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "create", _("C_reate and Archive"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (archive_response_cb), offer);
  self->dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The account has no Archive: ask whether to make one (for the first message's
 * account), then archive there. */
static void
offer_archive_folder (TernUiMailActions *self, Act *act)
{
  gint64 *id = g_new (gint64, 1);

  *id = g_array_index (act->ids, gint64, 0);
  tern_store_run_async (tern_mail_get_store (self->mail), message_account_work, id, g_free, g_object_unref,
                        self->cancellable, message_account_cb, act);
}

/* ---- deleting for good ------------------------------------------------------------------------- */

static void
delete_response_cb (AdwMessageDialog *dialog, const char *response, Act *act)
{
  g_signal_handlers_disconnect_by_func (dialog, delete_response_cb, act);
  if (act->self->dialog == dialog)
    act->self->dialog = NULL;
  if (g_strcmp0 (response, "delete") == 0 && act->self->mail != NULL)
    dispatch (act);
  else
    act_free (act);
}

static void
delete_collected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Act *act = user_data;
  TernUiMailActions *self = act->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;
  guint n;

  act->ids = tern_ui_message_list_collect_ids_finish (TERN_UI_MESSAGE_LIST (source), result, &error);
  if (act->ids == NULL || act->ids->len == 0 || self->window == NULL)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
      act_free (act);
      return;
    }
  n = act->ids->len;
  heading = g_strdup_printf (ngettext ("Delete %u Message Permanently?", "Delete %u Messages Permanently?", n), n);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
    GTK_WINDOW (self->window), heading,
    ngettext ("It is deleted from the server too. This cannot be undone.",
              "They are deleted from the server too. This cannot be undone.", n)));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), act);
  self->dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
confirm_delete (TernUiMailActions *self)
{
  Act *act;

  if (self->mail == NULL ||
      tern_ui_id_selection_get_n_selected (tern_ui_message_list_get_selection (self->list)) == 0)
    return;
  act = act_new (self, ACT_DELETE, 0);
  act->next_id = next_row_id (self);
  tern_ui_message_list_collect_ids_async (self->list, NULL, FALSE, self->cancellable, delete_collected_cb, act);
}

/* ---- the move popover ------------------------------------------------------------------------- */

static void
folder_chosen_cb (TernUiMovePopover *popover, gint64 folder_id, TernUiMailActions *self)
{
  run_on_selection (self, tern_ui_move_popover_get_copy (popover) ? ACT_COPY : ACT_MOVE, folder_id);
}

static void
popover_closed_cb (GtkPopover *popover, TernUiMailActions *self)
{
  if ((GtkPopover *) self->popover == popover)
    self->popover = NULL;
}

/* The button of @name in the reader's header bar, when it is on screen. */
static GtkWidget *
anchor_button (TernUiMailActions *self, const char *name)
{
  GObject *button = gtk_widget_get_template_child (self->window, TERN_UI_TYPE_WINDOW, name);

  return button != NULL && gtk_widget_get_mapped (GTK_WIDGET (button)) ? GTK_WIDGET (button) : NULL;
}

static void
popup_folders (TernUiMailActions *self, gboolean copy)
{
  GListModel *folders = tern_ui_sidebar_get_folders (self->sidebar);
  GtkWidget *anchor;
  TernUiMovePopover *popover;

  if (folders == NULL || tern_ui_id_selection_get_n_selected (tern_ui_message_list_get_selection (self->list)) == 0)
    return;
  if (self->popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  popover = tern_ui_move_popover_new (folders, copy,
                                      tern_ui_message_list_get_query (self->list) == NULL
                                        ? tern_ui_message_list_get_folder_id (self->list) : 0);
  anchor = anchor_button (self, "move_button");
  if (anchor == NULL)
    anchor = anchor_button (self, "more_button");   /* folded to the reader */
  if (anchor == NULL)
    {
      /* Folded to the list (or the key M in it): from the list's top. */
      anchor = GTK_WIDGET (self->list);
      gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_BOTTOM);
      gtk_popover_set_pointing_to (GTK_POPOVER (popover),
                                   &(GdkRectangle) { gtk_widget_get_width (anchor) / 2, 0, 1, 1 });
    }
  gtk_widget_set_parent (GTK_WIDGET (popover), anchor);
  g_signal_connect_object (popover, "folder-chosen", G_CALLBACK (folder_chosen_cb), self, 0);
  g_signal_connect_object (popover, "closed", G_CALLBACK (popover_closed_cb), self, 0);
  self->popover = popover;
  gtk_popover_popup (GTK_POPOVER (popover));
}

/* ---- the actions ----------------------------------------------------------------------------------- */

static void
trash_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiMailActions *self = user_data;

  /* In Trash, Delete deletes for good (after asking). */
  if (shown_role (self) == TERN_STORE_FOLDER_ROLE_TRASH)
    confirm_delete (self);
  else
    run_on_selection (self, ACT_TRASH, 0);
}

static void
delete_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  confirm_delete (user_data);
}

static void
archive_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  run_on_selection (user_data, ACT_ARCHIVE, 0);
}

static void
junk_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  run_on_selection (user_data, ACT_JUNK, 0);
}

static void
not_junk_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  run_on_selection (user_data, ACT_NOT_JUNK, 0);
}

static void
move_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  popup_folders (user_data, FALSE);
}

static void
copy_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  popup_folders (user_data, TRUE);
}

static void
move_to_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  run_on_selection (user_data, ACT_MOVE, g_variant_get_int64 (parameter));
}

static void
copy_to_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  run_on_selection (user_data, ACT_COPY, g_variant_get_int64 (parameter));
}

typedef struct
{
  TernUiMailActions *self;
  gint64             folder_id;
} FolderRead;

static void
folder_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FolderRead *read = user_data;
  TernUiMailActions *self = read->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailUndo) undo = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, &undo, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast_error (self, error);
    }
  else if (undo != NULL && self->window != NULL)
    {
      g_autofree char *folder = folder_title (self, read->folder_id);
      guint n = tern_mail_undo_get_n_messages (undo);
      /* Translators: %u messages, %s a folder */
      g_autofree char *text = g_strdup_printf (ngettext ("Marked %u message in “%s” as read",
                                                         "Marked %u messages in “%s” as read", n), n, folder);
      g_autofree char *escaped = g_markup_escape_text (text, -1);

      tern_ui_window_offer_undo (TERN_UI_WINDOW (self->window), undo, escaped);
    }
  g_object_unref (read->self);
  g_free (read);
}

static void
mark_folder_read_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiMailActions *self = user_data;
  FolderRead *read;

  if (self->mail == NULL)
    return;
  read = g_new0 (FolderRead, 1);
  read->self = g_object_ref (self);
  read->folder_id = g_variant_get_int64 (parameter);
  if (self->window != NULL)
    tern_ui_window_expect_undo (TERN_UI_WINDOW (self->window));
  tern_mail_mark_folder_read_async (self->mail, read->folder_id, self->cancellable, folder_read_cb, read);
}

static const GActionEntry entries[] = {
  { "trash", trash_cb, NULL, NULL, NULL, { 0 } },
  { "delete", delete_cb, NULL, NULL, NULL, { 0 } },
  { "archive", archive_cb, NULL, NULL, NULL, { 0 } },
  { "junk", junk_cb, NULL, NULL, NULL, { 0 } },
  { "not-junk", not_junk_cb, NULL, NULL, NULL, { 0 } },
  { "move", move_cb, NULL, NULL, NULL, { 0 } },
  { "copy", copy_cb, NULL, NULL, NULL, { 0 } },
  { "move-to", move_to_cb, "x", NULL, NULL, { 0 } },
  { "copy-to", copy_to_cb, "x", NULL, NULL, { 0 } },
  { "mark-folder-read", mark_folder_read_cb, "x", NULL, NULL, { 0 } },
};

static void
set_enabled (TernUiMailActions *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->group), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/**
 * tern_ui_mail_actions_update:
 *
 * Enables the actions that make sense for the selection and the folder shown
 * (archive not in Archive, junk not in Junk, not-junk only there).
 */
void
tern_ui_mail_actions_update (TernUiMailActions *self)
{
  gboolean any, in_folder;
  TernStoreFolderRole role;

  g_return_if_fail (TERN_UI_IS_MAIL_ACTIONS (self));

  any = self->mail != NULL &&
        tern_ui_id_selection_get_n_selected (tern_ui_message_list_get_selection (self->list)) > 0;
  role = shown_role (self);
  in_folder = tern_ui_message_list_get_query (self->list) == NULL;
  set_enabled (self, "trash", any);
  set_enabled (self, "delete", any);
  set_enabled (self, "archive", any && role != TERN_STORE_FOLDER_ROLE_ARCHIVE);
  set_enabled (self, "junk", any && (role != TERN_STORE_FOLDER_ROLE_JUNK || !in_folder));
  set_enabled (self, "not-junk", any && role == TERN_STORE_FOLDER_ROLE_JUNK);
  set_enabled (self, "move", any);
  set_enabled (self, "copy", any);
  set_enabled (self, "move-to", any);
  set_enabled (self, "copy-to", any);
  set_enabled (self, "mark-folder-read", self->mail != NULL);
}

void
tern_ui_mail_actions_set_mail (TernUiMailActions *self, TernMail *mail)
{
  g_return_if_fail (TERN_UI_IS_MAIL_ACTIONS (self));

  g_set_object (&self->mail, mail);
  tern_ui_mail_actions_update (self);
}

/**
 * tern_ui_mail_actions_get_popover:
 *
 * Returns: (transfer none) (nullable): the move or copy popover, while open
 */
TernUiMovePopover *
tern_ui_mail_actions_get_popover (TernUiMailActions *self)
{
  g_return_val_if_fail (TERN_UI_IS_MAIL_ACTIONS (self), NULL);
  return self->popover;
}

/**
 * tern_ui_mail_actions_get_dialog:
 *
 * Returns: (transfer none) (nullable): the confirmation shown, while open
 */
AdwMessageDialog *
tern_ui_mail_actions_get_dialog (TernUiMailActions *self)
{
  g_return_val_if_fail (TERN_UI_IS_MAIL_ACTIONS (self), NULL);
  return self->dialog;
}

static void
tern_ui_mail_actions_dispose (GObject *object)
{
  TernUiMailActions *self = TERN_UI_MAIL_ACTIONS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->popover));
  self->popover = NULL;
  self->window = NULL;
  g_clear_object (&self->mail);
  g_clear_object (&self->group);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tern_ui_mail_actions_parent_class)->dispose (object);
}

static void
tern_ui_mail_actions_class_init (TernUiMailActionsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tern_ui_mail_actions_dispose;
}

static void
tern_ui_mail_actions_init (TernUiMailActions *self)
{
  self->cancellable = g_cancellable_new ();
  self->group = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->group), entries, G_N_ELEMENTS (entries), self);
}

/* The single keys, in the message list only (they are letters in an entry). Where
 * Geary and Thunderbird agree: Delete, Shift+Delete, A (archive), S (star); junk is
 * Thunderbird's J and Shift+J (and Geary's !); move is Geary's M (Thunderbird's M
 * toggles read: Geary's Shift+I and Shift+U mark read and unread here). */
static void
add_keys (GtkWidget *widget)
{
  static const struct { const char *trigger; const char *action; } keys[] = {
    { "Delete|KP_Delete", "mail.trash" },
    { "<Shift>Delete|<Shift>KP_Delete", "mail.delete" },
    { "a", "mail.archive" },
    { "j|exclam", "mail.junk" },
    { "<Shift>j", "mail.not-junk" },
    { "m", "mail.move" },
    { "s", "win.toggle-star" },
    { "<Shift>i", "win.mark-read" },
    { "<Shift>u", "win.mark-unread" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_shortcut_trigger_parse_string (keys[i].trigger),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (widget, controller);
}

/**
 * tern_ui_mail_actions_new:
 * @window: the main window, which owns the object and shows its toasts
 * @list: the message list, whose selection the actions work on
 * @sidebar: the sidebar, for the folders
 *
 * Inserts the `mail` action group in @window.
 */
TernUiMailActions *
tern_ui_mail_actions_new (GtkWidget *window, TernUiMessageList *list, TernUiSidebar *sidebar)
{
  TernUiMailActions *self = g_object_new (TERN_UI_TYPE_MAIL_ACTIONS, NULL);

  self->window = window;
  self->list = list;
  self->sidebar = sidebar;
  gtk_widget_insert_action_group (window, "mail", G_ACTION_GROUP (self->group));
  add_keys (GTK_WIDGET (tern_ui_message_list_get_list_view (list)));
  g_signal_connect_object (sidebar, "messages-dropped", G_CALLBACK (messages_dropped_cb), self, 0);
  tern_ui_mail_actions_update (self);
  return self;
}
