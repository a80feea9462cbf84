/* tern-ui-window.c: the main window: folders | messages | reader
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nested AdwLeaflets (gui.md section 1): the outer one holds [inner | reader], the
 * inner one [folders | messages]. A narrow window folds them to one pane at a time
 * with back buttons; the panes keep their state (the selection, the scroll) while
 * hidden. Unfolded, selecting a message shows it (after 120 ms, so that the arrow
 * keys run through the list without reading every message); folded, only opening it
 * (Enter, a click) goes to the reader.
 *
 * The reader is TernUiMessageView: the conversation selected (every message of it),
 * or the message selected when conversations are off. It changes nothing itself:
 * the window answers its ::need-body with tern_mail_fetch_body_async() and its
 * ::mark-read (after the `mark-read-delay` setting) with the journaled
 * tern_mail_set_flags_async(); its own ::activate-link handler opens web links in
 * the browser (gtk_show_uri_full()); the window's handler opens mailto: links in
 * a composer (tern_ui_composer_open_mailto()).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-store-thread.h"
#include "tern-ui-account-remedy.h"
#include "tern-ui-account-settings.h"
#include "tern-ui-bench.h"
#include "tern-ui-folder-actions.h"
#include "tern-ui-mail-actions.h"
#include "tern-ui-composer.h"
#include "tern-ui-composer-actions.h"
#include "tern-ui-outbox-view.h"
#include "tern-ui-message-list.h"
#include "tern-ui-message-view.h"
#include "tern-ui-reader-pane.h"
#include "tern-ui-sidebar.h"
#include "tern-ui-window.h"

struct _TernUiWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *empty_page;
  GtkButton            *add_account_button;
  GtkMenuButton        *primary_menu_button;
  GtkMenuButton        *empty_menu_button;
  AdwLeaflet           *outer;
  AdwLeaflet           *inner;
  TernUiSidebar        *sidebar;
  GtkWidget            *sidebar_pane;
  GtkWidget            *list_pane;
  GtkWidget            *reader_pane;
  AdwWindowTitle       *window_title;
  GtkButton            *sync_button;
  GtkSpinner           *sync_spinner;
  GtkToggleButton      *search_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkToggleButton      *scope_folder_button;
  GtkToggleButton      *scope_all_button;
  TernUiMessageList    *message_list;
  GtkStack             *list_stack;
  TernUiOutboxView     *outbox_view;
  GtkStack             *reader_stack;
  TernUiMessageView    *reader;
  AdwStatusPage        *selection_page;
  GtkButton            *star_button;
  GtkWidget            *forward_button;
  GtkButton            *unread_button;
  GtkWidget            *organise_box;
  GtkWidget            *move_button;
  GtkWidget            *reply_all_button;
  GtkWidget            *junk_button;
  GtkWidget            *more_button;
  GtkRevealer          *offline_revealer;

  TernUiApplication    *application;
  TernMail             *mail;
  GSettings            *settings;
  GCancellable         *cancellable;
  TernUiSidebarItem    *folder_item;    /* the folder (or All Inboxes) shown */
  guint                 reader_timeout;
  GObject              *cursor_item;    /* the message (or conversation) selected alone */
  gulong                cursor_notify_id;
  gint64                pending_message; /* to select once its folder's list is read */
  GType                 shown_type;      /* what the reader shows: a row's type, */
  gint64                shown_id;        /* its id (0: nothing), */
  guint                 shown_n_messages;/* and, a conversation, how many messages it had */
  TernMailUndo         *undo;
  AdwToast             *undo_toast;     /* unowned: the toast offering to undo it */
  TernUiMailActions    *mail_actions;
  TernUiFolderActions  *folder_actions;
  gboolean              has_accounts;
  gboolean              can_compose;
  gint64                pending_account;  /* to show its Inbox once it has one */
  guint                 pending_inbox_idle;
  gboolean              watching_folders; /* the sidebar's folders, once read */
};

G_DEFINE_FINAL_TYPE (TernUiWindow, tern_ui_window, ADW_TYPE_APPLICATION_WINDOW)

static void show_selected_folder (TernUiWindow *self);
static void show_in_reader (TernUiWindow *self, GObject *item, guint n_selected);

/* ---- what the list shows ------------------------------------------------------------ */

static char *
quote_folder (const char *path)
{
  GString *quoted = g_string_new ("in:\"");

  for (const char *p = path; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

/* The search's query, scoped to the folder shown (in:PATH) or to every account. */
static char *
dup_query (TernUiWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  TernStoreFolder *folder;

  if (!gtk_search_bar_get_search_mode (self->search_bar) || *stripped == '\0')
    return NULL;
  if (gtk_toggle_button_get_active (self->scope_all_button) || self->folder_item == NULL)
    return g_steal_pointer (&stripped);
  if (tern_ui_sidebar_item_get_kind (self->folder_item) == TERN_UI_SIDEBAR_ALL_INBOXES)
    return g_strdup_printf ("in:INBOX %s", stripped);
  folder = tern_ui_sidebar_item_get_folder (self->folder_item);
  if (folder == NULL)
    return g_steal_pointer (&stripped);
  {
    g_autofree char *in = quote_folder (tern_store_folder_get_path (folder));

    return g_strdup_printf ("%s %s", in, stripped);
  }
}

static void
update_title (TernUiWindow *self)
{
  const char *title = self->folder_item != NULL ? tern_ui_sidebar_item_get_title (self->folder_item) : _("Tern");
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  if (gtk_search_bar_get_search_mode (self->search_bar) && text[0] != '\0')
    {
      g_autofree char *searching = NULL;

      if (gtk_toggle_button_get_active (self->scope_all_button))
        searching = g_strdup (_("Search in All Accounts"));
      else
        /* Translators: the title of a search in one folder */
        searching = g_strdup_printf (_("Search in %s"), title);
      adw_window_title_set_title (self->window_title, searching);
    }
  else
    adw_window_title_set_title (self->window_title, title);
}

static void update_actions (TernUiWindow *self);

static void
show_selected_folder (TernUiWindow *self)
{
  g_autofree char *query = NULL;
  gboolean conversations, recipients = FALSE;
  TernStoreFolder *folder;
  TernUiSidebarItemKind kind;

  if (self->folder_item == NULL || self->mail == NULL)
    return;
  kind = tern_ui_sidebar_item_get_kind (self->folder_item);
  update_title (self);
  if (kind == TERN_UI_SIDEBAR_OUTBOX)
    {
      tern_ui_outbox_view_show (self->outbox_view, tern_ui_sidebar_item_get_account (self->folder_item));
      gtk_stack_set_visible_child_name (self->list_stack, "outbox");
      /* The list hidden behind the Outbox keeps no selection for the header bar's
       * actions (Archive there would act on messages no longer in sight). */
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (tern_ui_message_list_get_selection (self->message_list)));
      show_in_reader (self, NULL, 0);
      update_actions (self);
      return;
    }
  gtk_stack_set_visible_child_name (self->list_stack, "messages");
  conversations = g_settings_get_boolean (self->settings, "conversations");
  query = dup_query (self);
  folder = tern_ui_sidebar_item_get_folder (self->folder_item);
  if (folder != NULL)
    switch (tern_store_folder_get_role (folder))
      {
      case TERN_STORE_FOLDER_ROLE_SENT:
      case TERN_STORE_FOLDER_ROLE_DRAFTS:
      case TERN_STORE_FOLDER_ROLE_OUTBOX:
        recipients = TRUE;
        break;
      default:
        break;
      }
  if (query == NULL && kind == TERN_UI_SIDEBAR_ALL_INBOXES)
    query = g_strdup ("in:INBOX");
  tern_ui_message_list_show (self->message_list, folder != NULL ? tern_store_folder_get_id (folder) : 0,
                             query, conversations, recipients && query == NULL);
}

static void
sidebar_selected_cb (TernUiSidebar *sidebar, GParamSpec *pspec, TernUiWindow *self)
{
  TernUiSidebarItem *item = tern_ui_sidebar_get_selected_item (sidebar);

  if (item == NULL || item == self->folder_item)
    return;
  g_set_object (&self->folder_item, item);
  g_settings_set_int64 (self->settings, "last-folder", tern_ui_sidebar_item_get_folder_id (item));
  show_selected_folder (self);
}

static void
folder_activated_cb (TernUiSidebar *sidebar, TernUiSidebarItem *item, TernUiWindow *self)
{
  if (adw_leaflet_get_folded (self->inner))
    adw_leaflet_navigate (self->inner, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* ---- the reader ----------------------------------------------------------------------- */

/* What replying, forwarding and going on with a draft act on: the message, or a
 * conversation's newest. */
static TernStoreMessage *
message_of (GObject *item)
{
  TernStoreMessage *latest;

  if (TERN_IS_STORE_MESSAGE (item))
    return g_object_ref (TERN_STORE_MESSAGE (item));
  if (TERN_IS_STORE_THREAD (item) && (latest = tern_store_thread_get_latest (TERN_STORE_THREAD (item))) != NULL)
    return g_object_ref (latest);
  return NULL;
}

static guint
n_messages_of (GObject *item)
{
  return TERN_IS_STORE_THREAD (item) && tern_store_thread_is_loaded (TERN_STORE_THREAD (item))
           ? tern_store_thread_get_n_messages (TERN_STORE_THREAD (item)) : 1;
}

/* The one place the reader is driven from. A row shown already is not read again
 * (a sync refreshes rows in place), unless its conversation gained a message. */
static void
show_in_reader (TernUiWindow *self, GObject *item, guint n_selected)
{
  gint64 id;

  if (n_selected > 1)
    {
      g_autofree char *title =
        /* Translators: the reader, with several messages selected */
        g_strdup_printf (ngettext ("%u Message Selected", "%u Messages Selected", n_selected), n_selected);

      adw_status_page_set_title (self->selection_page, title);
      gtk_stack_set_visible_child_name (self->reader_stack, "selection");
      self->shown_id = 0;
      tern_ui_message_view_clear (self->reader);
      return;
    }
  gtk_stack_set_visible_child_name (self->reader_stack, "view");
  if (item == NULL || self->mail == NULL)
    {
      self->shown_id = 0;
      tern_ui_message_view_clear (self->reader);
      return;
    }
  id = tern_ui_id_selection_get_item_id (item);
  if (id == self->shown_id && G_OBJECT_TYPE (item) == self->shown_type &&
      n_messages_of (item) == self->shown_n_messages)
    return;
  self->shown_id = id;
  self->shown_type = G_OBJECT_TYPE (item);
  self->shown_n_messages = n_messages_of (item);
  if (TERN_IS_STORE_THREAD (item))
    {
      /* Its newest message (the row's) is expanded and scrolled to, with the unread ones. */
      TernStoreMessage *latest = tern_store_thread_get_latest (TERN_STORE_THREAD (item));

      tern_ui_message_view_show_thread (self->reader, id, latest != NULL ? tern_store_message_get_id (latest) : 0);
    }
  else
    tern_ui_message_view_show_message_ids (self->reader, &id, 1, id);
}


static void
cursor_notify_cb (GObject *item, GParamSpec *pspec, TernUiWindow *self)
{
  update_actions (self);
  /* A conversation read while selected (its newest message known now), or one that
   * gained a message: show it again. */
  if ((g_str_equal (g_param_spec_get_name (pspec), "loaded") ||
       g_str_equal (g_param_spec_get_name (pspec), "n-messages")) &&
      tern_ui_id_selection_get_n_selected (tern_ui_message_list_get_selection (self->message_list)) == 1)
    show_in_reader (self, item, 1);
}

static void
set_cursor_item (TernUiWindow *self, GObject *item)
{
  if (self->cursor_item == item)
    return;
  if (self->cursor_item != NULL)
    g_clear_signal_handler (&self->cursor_notify_id, self->cursor_item);
  g_set_object (&self->cursor_item, item);
  if (item != NULL)
    self->cursor_notify_id = g_signal_connect (item, "notify", G_CALLBACK (cursor_notify_cb), self);
}

static GObject *
lookup_item (TernUiWindow *self, gint64 id)
{
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->message_list);
  int position = id != 0 ? tern_ui_id_selection_find (selection, id) : -1;

  return position >= 0 ? g_list_model_get_item (G_LIST_MODEL (selection), position) : NULL;
}

/* The id of the row selected alone, or 0. */
static gint64
single_selected_id (TernUiWindow *self)
{
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->message_list);
  g_autoptr(GArray) ids = NULL;

  if (tern_ui_id_selection_get_n_selected (selection) != 1 || tern_ui_id_selection_get_all (selection))
    return 0;
  ids = tern_ui_id_selection_dup_ids (selection);
  return ids->len == 1 ? g_array_index (ids, gint64, 0) : 0;
}

static void
update_reader (TernUiWindow *self)
{
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->message_list);
  guint n = tern_ui_id_selection_get_n_selected (selection);
  g_autoptr(GObject) item = n == 1 ? lookup_item (self, single_selected_id (self)) : NULL;

  set_cursor_item (self, item);
  update_actions (self);
  show_in_reader (self, item, n);
}

static gboolean
reader_timeout_cb (gpointer user_data)
{
  TernUiWindow *self = user_data;

  self->reader_timeout = 0;
  update_reader (self);
  return G_SOURCE_REMOVE;
}

static void
selection_changed_cb (GtkSelectionModel *model, guint position, guint n_items, TernUiWindow *self)
{
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->message_list);
  g_autoptr(GObject) item = NULL;

  g_clear_handle_id (&self->reader_timeout, g_source_remove);
  /* The actions follow the selection at once (a key pressed right after a click
   * acts on what is selected now); only the reader waits. */
  if (tern_ui_id_selection_get_n_selected (selection) == 1)
    item = lookup_item (self, single_selected_id (self));
  set_cursor_item (self, item);
  update_actions (self);
  /* Moved on before the delay ran out: what the reader shows stays unread. */
  if (self->shown_id != 0 && single_selected_id (self) != self->shown_id)
    tern_ui_message_view_cancel_mark_read (self->reader);
  /* Folded, the reader is not on screen: it follows the selection when opened. */
  self->reader_timeout = g_timeout_add (adw_leaflet_get_folded (self->outer) ? 0 : 120, reader_timeout_cb, self);
}

static void
message_activated_cb (TernUiMessageList *list, GObject *item, TernUiWindow *self)
{
  g_autoptr(TernStoreMessage) message = item != NULL ? message_of (item) : NULL;

  /* A draft opens in the composer, to go on with it. */
  if (tern_ui_composer_actions_open_draft (GTK_WIDGET (self), message))
    return;
  g_clear_handle_id (&self->reader_timeout, g_source_remove);
  update_reader (self);
  if (adw_leaflet_get_folded (self->outer))
    adw_leaflet_set_visible_child_name (self->outer, "reader");
}

static void
outer_folded_cb (AdwLeaflet *leaflet, GParamSpec *pspec, TernUiWindow *self)
{
  gboolean folded = adw_leaflet_get_folded (leaflet);
  GtkWidget *wide_only[] = { self->reply_all_button, self->forward_button, self->junk_button, self->move_button,
                             GTK_WIDGET (self->star_button), GTK_WIDGET (self->unread_button) };

  tern_ui_message_list_set_click_activates (self->message_list, folded);
  /* Folded to one pane, the reader's header bar keeps Reply, Archive and Trash and
   * puts the other actions in its More menu: so the window narrows to a phone's
   * 360 px (all its buttons needed about 500). */
  for (guint i = 0; i < G_N_ELEMENTS (wide_only); i++)
    gtk_widget_set_visible (wide_only[i], !folded);
  gtk_widget_set_visible (self->more_button, folded);
}

/* ---- operations on mail ------------------------------------------------------------------ */

/* A toast with @error's words (a toast's title is Pango markup: escaped). */
static AdwToast *
error_toast_new (const GError *error)
{
  g_autofree char *escaped = g_markup_escape_text (error->message, -1);

  return adw_toast_new (escaped);
}

typedef struct
{
  TernUiWindow   *self;
  TernStoreFlags  add;
  TernStoreFlags  remove;
  gboolean        toast;
} FlagsOp;

static void
flags_op_free (FlagsOp *op)
{
  g_object_unref (op->self);
  g_free (op);
}

static char *
describe_flags (TernStoreFlags add, TernStoreFlags remove, guint n)
{
  if (add & TERN_STORE_FLAG_SEEN)
    return g_strdup_printf (ngettext ("Marked %u message as read", "Marked %u messages as read", n), n);
  if (remove & TERN_STORE_FLAG_SEEN)
    return g_strdup_printf (ngettext ("Marked %u message as unread", "Marked %u messages as unread", n), n);
  if (add & TERN_STORE_FLAG_FLAGGED)
    return g_strdup_printf (ngettext ("Starred %u message", "Starred %u messages", n), n);
  return g_strdup_printf (ngettext ("Unstarred %u message", "Unstarred %u messages", n), n);
}

static void
flags_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FlagsOp *op = user_data;
  TernUiWindow *self = op->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMailUndo) undo = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, &undo, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, error_toast_new (error));
    }
  else if (op->toast && undo != NULL)
    {
      g_autofree char *text = describe_flags (op->add, op->remove, tern_mail_undo_get_n_messages (undo));

      tern_ui_window_offer_undo (self, undo, text);
    }
  flags_op_free (op);
}

static void
set_flags (TernUiWindow *self, GArray *ids, TernStoreFlags add, TernStoreFlags remove, gboolean toast)
{
  FlagsOp *op;

  if (self->mail == NULL || ids == NULL || ids->len == 0)
    return;
  op = g_new0 (FlagsOp, 1);
  op->self = g_object_ref (self);
  op->add = add;
  op->remove = remove;
  op->toast = toast;
  if (toast)
    tern_ui_window_expect_undo (self);
  tern_mail_set_flags_async (self->mail, (const gint64 *) ids->data, ids->len, add, remove, self->cancellable,
                             flags_done_cb, op);
}

static void
collected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FlagsOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = tern_ui_message_list_collect_ids_finish (TERN_UI_MESSAGE_LIST (source), result, &error);

  if (ids != NULL)
    set_flags (op->self, ids, op->add, op->remove, op->toast);
  flags_op_free (op);
}

/* Changes the flags of the messages of @ids' rows, or of the selection's (every
 * message of the folder when everything is selected, every message of the
 * conversations selected: their ids are read on a worker). A star goes on a
 * conversation's newest message, and comes off all of them. */
static void
set_rows_flags (TernUiWindow *self, GArray *ids, TernStoreFlags add, TernStoreFlags remove, gboolean toast)
{
  FlagsOp *op = g_new0 (FlagsOp, 1);

  op->self = g_object_ref (self);
  op->add = add;
  op->remove = remove;
  op->toast = toast;
  tern_ui_message_list_collect_ids_async (self->message_list, ids, (add & TERN_STORE_FLAG_FLAGGED) != 0,
                                          self->cancellable, collected_cb, op);
}

static void
set_selection_flags (TernUiWindow *self, TernStoreFlags add, TernStoreFlags remove)
{
  set_rows_flags (self, NULL, add, remove, TRUE);
}

/* The flags a row shows: a conversation's read when all its messages are, starred
 * when one is. */
static TernStoreFlags
item_flags (GObject *item)
{
  if (TERN_IS_STORE_THREAD (item))
    return (tern_store_thread_get_flagged (TERN_STORE_THREAD (item)) ? TERN_STORE_FLAG_FLAGGED : 0) |
           (tern_store_thread_get_n_unread (TERN_STORE_THREAD (item)) == 0 ? TERN_STORE_FLAG_SEEN : 0);
  if (TERN_IS_STORE_MESSAGE (item))
    return tern_store_message_get_flags (TERN_STORE_MESSAGE (item));
  return 0;
}

static void
toggle_star_cb (TernUiMessageList *list, GObject *item, TernUiWindow *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gboolean flagged = (item_flags (item) & TERN_STORE_FLAG_FLAGGED) != 0;
  gint64 id = tern_ui_id_selection_get_item_id (item);

  g_array_append_val (ids, id);
  set_rows_flags (self, ids, flagged ? 0 : TERN_STORE_FLAG_FLAGGED, flagged ? TERN_STORE_FLAG_FLAGGED : 0, FALSE);
}

/* ---- the reader's requests ------------------------------------------------------------- */

static void
reader_mark_read_cb (TernUiMessageView *reader, gint64 message_id, TernUiWindow *self)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_array_append_val (ids, message_id);
  set_flags (self, ids, TERN_STORE_FLAG_SEEN, 0, FALSE);
}

typedef struct
{
  TernUiWindow *self;
  gint64        message_id;
} BodyFetch;

static void
body_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BodyFetch *fetch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = tern_mail_fetch_body_finish (TERN_MAIL (source), result, &error);

  /* Stored now: the card reads it from the store (or says why not, offline in words). */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && fetch->self->reader != NULL)
    tern_ui_message_view_body_fetched (fetch->self->reader, fetch->message_id, error);
  g_object_unref (fetch->self);
  g_free (fetch);
}

/* Only the message's header is stored: its body is fetched from the server now, on a
 * connection of its own (the card shows a spinner meanwhile). Moving on does not
 * cancel it: the body is stored for next time. */
static void
reader_need_body_cb (TernUiMessageView *reader, gint64 message_id, TernUiWindow *self)
{
  BodyFetch *fetch;

  if (self->mail == NULL)
    return;
  fetch = g_new0 (BodyFetch, 1);
  fetch->self = g_object_ref (self);
  fetch->message_id = message_id;
  tern_mail_fetch_body_async (self->mail, message_id, self->cancellable, body_fetched_cb, fetch);
}

/* A mailto: link opens a composer with all of the link (RFC 6068: to, cc, bcc,
 * subject, body), as `tern mailto:` does; while messages cannot be written (no
 * composer), it says so instead of doing nothing. Other links go on to the view's own
 * handler (the browser). */
static gboolean
reader_activate_link_cb (TernUiMessageView *reader, const char *uri, TernUiWindow *self)
{
  g_autofree char *scheme = g_uri_parse_scheme (uri);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (g_strcmp0 (scheme, "mailto") != 0)
    return FALSE;
  if (self->can_compose && TERN_UI_IS_APPLICATION (app))
    tern_ui_composer_open_mailto (TERN_UI_APPLICATION (app), uri);
  else
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Writing messages is not available yet")));
  return TRUE;
}

static void
update_actions (TernUiWindow *self)
{
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->message_list);
  guint n = tern_ui_id_selection_get_n_selected (selection);
  gboolean one = self->cursor_item != NULL && n == 1;
  TernStoreFlags flags = one ? item_flags (self->cursor_item) : 0;
  GtkWidget *widget = GTK_WIDGET (self);

  gtk_widget_action_set_enabled (widget, "win.mark-read", n > 1 || (one && !(flags & TERN_STORE_FLAG_SEEN)));
  gtk_widget_action_set_enabled (widget, "win.mark-unread", n > 1 || (one && (flags & TERN_STORE_FLAG_SEEN)));
  gtk_widget_action_set_enabled (widget, "win.star", n > 1 || (one && !(flags & TERN_STORE_FLAG_FLAGGED)));
  gtk_widget_action_set_enabled (widget, "win.unstar", n > 1 || (one && (flags & TERN_STORE_FLAG_FLAGGED)));
  gtk_widget_action_set_enabled (widget, "win.toggle-star", n > 0);
  gtk_button_set_icon_name (self->star_button, (flags & TERN_STORE_FLAG_FLAGGED) ? "starred-symbolic"
                                                                                 : "non-starred-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->star_button), (flags & TERN_STORE_FLAG_FLAGGED) ? _("Unstar (Ctrl+D)")
                                                                                                 : _("Star (Ctrl+D)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->star_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  (flags & TERN_STORE_FLAG_FLAGGED) ? _("Unstar") : _("Star"), -1);
  if (self->mail_actions != NULL)
    tern_ui_mail_actions_update (self->mail_actions);
  {
    g_autoptr(TernStoreMessage) message = one ? message_of (self->cursor_item) : NULL;

    tern_ui_composer_actions_update (widget, message);
    /* A menu button stays sensitive when its menu's actions are not: nothing to forward. */
    gtk_widget_set_sensitive (self->forward_button, message != NULL);
  }
}

/**
 * tern_ui_window_get_current_message:
 *
 * Returns: (transfer full) (nullable): the message the window shows (a conversation's
 *   newest), what replying and forwarding act on
 */
TernStoreMessage *
tern_ui_window_get_current_message (TernUiWindow *self)
{
  g_return_val_if_fail (TERN_UI_IS_WINDOW (self), NULL);

  if (self->cursor_item == NULL ||
      tern_ui_id_selection_get_n_selected (tern_ui_message_list_get_selection (self->message_list)) != 1)
    return NULL;
  return message_of (self->cursor_item);
}

static void
mark_read_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  set_selection_flags (TERN_UI_WINDOW (widget), TERN_STORE_FLAG_SEEN, 0);
}

static void
mark_unread_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);

  /* Marked unread by hand: the reader must not mark it read again. */
  tern_ui_message_view_cancel_mark_read (self->reader);
  set_selection_flags (self, 0, TERN_STORE_FLAG_SEEN);
}

static void
star_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  set_selection_flags (TERN_UI_WINDOW (widget), TERN_STORE_FLAG_FLAGGED, 0);
}

static void
unstar_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  set_selection_flags (TERN_UI_WINDOW (widget), 0, TERN_STORE_FLAG_FLAGGED);
}

static void
toggle_star_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);
  gboolean flagged = self->cursor_item != NULL && (item_flags (self->cursor_item) & TERN_STORE_FLAG_FLAGGED);

  set_selection_flags (self, flagged ? 0 : TERN_STORE_FLAG_FLAGGED, flagged ? TERN_STORE_FLAG_FLAGGED : 0);
}

static void
undo_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, NULL, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    adw_toast_overlay_add_toast (self->toast_overlay, error_toast_new (error));
}

static void
undo_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);
  g_autoptr(TernMailUndo) undo = g_steal_pointer (&self->undo);

  self->undo_toast = NULL;
  gtk_widget_action_set_enabled (widget, "win.undo", FALSE);
  if (undo != NULL && self->mail != NULL)
    tern_mail_undo_async (self->mail, undo, self->cancellable, undo_done_cb, g_object_ref (self));
}

/* The toast gone (timed out, closed, or its Undo clicked: the action ran first). As in
 * Thunderbird and Geary, Ctrl+Z still undoes the last action until another one takes
 * its place (or it was undone): the toast is only the reminder. */
static void
undo_toast_dismissed_cb (AdwToast *toast, TernUiWindow *self)
{
  if (self->undo_toast == toast)
    self->undo_toast = NULL;
}

/**
 * tern_ui_window_expect_undo:
 *
 * An action that replaces what Undo undoes has started. Until it is done and offers
 * its own Undo, Ctrl+Z undoes nothing: not the action before it, which is no longer
 * what the user means (its effect shows at once, its completion a moment later).
 */
void
tern_ui_window_expect_undo (TernUiWindow *self)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  if (self->undo_toast != NULL)
    {
      AdwToast *old = g_steal_pointer (&self->undo_toast);

      adw_toast_dismiss (old);
    }
  g_clear_pointer (&self->undo, tern_mail_undo_unref);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", FALSE);
}

/**
 * tern_ui_window_offer_undo:
 * @undo: what undoes an operation just done
 * @text: what was done, in Pango markup (escaped)
 *
 * Says what was done in a toast with an Undo button; Ctrl+Z (`win.undo`) undoes it
 * too, also once the toast is gone, until a new offer replaces this one.
 */
void
tern_ui_window_offer_undo (TernUiWindow *self, TernMailUndo *undo, const char *text)
{
  AdwToast *toast;

  g_return_if_fail (TERN_UI_IS_WINDOW (self));
  g_return_if_fail (undo != NULL);

  if (self->undo_toast != NULL)
    {
      AdwToast *old = g_steal_pointer (&self->undo_toast);

      adw_toast_dismiss (old);
    }
  g_clear_pointer (&self->undo, tern_mail_undo_unref);
  self->undo = tern_mail_undo_ref (undo);
  toast = adw_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "win.undo");
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  /* Twice the default: time to see what was done and reach for Undo. */
  adw_toast_set_timeout (toast, 10);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (undo_toast_dismissed_cb), self, 0);
  self->undo_toast = toast;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", TRUE);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- search --------------------------------------------------------------------------------- */

static void
search_changed_cb (TernUiWindow *self)
{
  show_selected_folder (self);
}

static void
stop_search_cb (TernUiWindow *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
search_activate_cb (TernUiWindow *self)
{
  /* Enter: on to the results. */
  gtk_widget_grab_focus (GTK_WIDGET (self->message_list));
}

static void
scope_toggled_cb (TernUiWindow *self)
{
  show_selected_folder (self);
}

static void
search_mode_cb (GtkSearchBar *bar, GParamSpec *pspec, TernUiWindow *self)
{
  if (gtk_search_bar_get_search_mode (bar))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->message_list));
  show_selected_folder (self);
}

static void
search_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);

  if (adw_leaflet_get_folded (self->inner))
    adw_leaflet_set_visible_child_name (self->inner, "list");
  if (adw_leaflet_get_folded (self->outer))
    adw_leaflet_set_visible_child_name (self->outer, "inner");
  if (gtk_search_bar_get_search_mode (self->search_bar))
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  else
    gtk_search_bar_set_search_mode (self->search_bar, TRUE);
}

/**
 * tern_ui_window_search:
 * @text: a query in the store's language
 * @all_accounts: search every account, not only the folder shown
 *
 * Shows the search bar with @text (what typing it does, without the typing delay).
 */
void
tern_ui_window_search (TernUiWindow *self, const char *text, gboolean all_accounts)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  gtk_toggle_button_set_active (all_accounts ? self->scope_all_button : self->scope_folder_button, TRUE);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  show_selected_folder (self);
}

/* ---- navigation -------------------------------------------------------------------------------- */

static void
show_folders_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->inner, "sidebar");
}

static void
show_list_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);

  adw_leaflet_set_visible_child_name (self->outer, "inner");
  gtk_widget_grab_focus (GTK_WIDGET (self->message_list));
}

/* Selects the message waiting for its folder's list (from a notification). */
static void
select_pending_message (TernUiWindow *self)
{
  TernUiIdSelection *selection = tern_ui_message_list_get_selection (self->message_list);

  if (self->pending_message == 0 || tern_ui_message_list_get_state (self->message_list) != TERN_UI_MESSAGE_LIST_ROWS ||
      tern_ui_id_selection_find (selection, self->pending_message) < 0)
    return;
  tern_ui_id_selection_select_id (selection, self->pending_message, TRUE);
  tern_ui_message_list_focus_id (self->message_list, self->pending_message);
  self->pending_message = 0;
  g_clear_handle_id (&self->reader_timeout, g_source_remove);
  update_reader (self);
  if (adw_leaflet_get_folded (self->inner))
    adw_leaflet_set_visible_child_name (self->inner, "list");
  if (adw_leaflet_get_folded (self->outer))
    adw_leaflet_set_visible_child_name (self->outer, "reader");
}

static void
list_state_cb (TernUiMessageList *list, GParamSpec *pspec, TernUiWindow *self)
{
  tern_ui_mail_actions_update (self->mail_actions);
  select_pending_message (self);
}

static void
list_items_changed_cb (GListModel *model, guint position, guint removed, guint added, TernUiWindow *self)
{
  if (self->pending_message != 0 && added > 0)
    select_pending_message (self);
}

/**
 * tern_ui_window_show_folder:
 * @folder_id: a folder, or 0 for All Inboxes
 */
void
tern_ui_window_show_folder (TernUiWindow *self, gint64 folder_id)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  if (!tern_ui_sidebar_select_folder (self->sidebar, folder_id))
    tern_ui_sidebar_select_all_inboxes (self->sidebar);
  if (adw_leaflet_get_folded (self->inner))
    adw_leaflet_set_visible_child_name (self->inner, "list");
  if (adw_leaflet_get_folded (self->outer))
    adw_leaflet_set_visible_child_name (self->outer, "inner");
}

static gpointer
message_folder_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  return tern_store_db_get_message (db, *(gint64 *) data, error);
}

static void
message_folder_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessage) message = tern_store_run_finish (TERN_STORE (source), result, &error);

  if (message == NULL)
    {
      self->pending_message = 0;
      return;
    }
  tern_ui_window_show_folder (self, tern_store_message_get_folder_id (message));
  select_pending_message (self);
}

/**
 * tern_ui_window_show_message:
 *
 * Shows a message in its folder (a notification's default action): its folder is
 * read on a worker, then the message is selected once the list has it.
 */
void
tern_ui_window_show_message (TernUiWindow *self, gint64 message_id)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  if (self->mail == NULL)
    return;
  self->pending_message = message_id;
  tern_store_run_async (tern_mail_get_store (self->mail), message_folder_work, g_memdup2 (&message_id, sizeof message_id),
                        g_free, g_object_unref, self->cancellable, message_folder_cb, g_object_ref (self));
}

/* ---- accounts ------------------------------------------------------------------------------------- */

static void
account_remedy_cb (TernUiSidebar *sidebar, TernMailAccount *account, TernUiWindow *self)
{
  tern_ui_account_remedy_run (GTK_WINDOW (self), self->mail, account);
}

static void
update_offline (TernUiWindow *self)
{
  GListModel *accounts = self->mail != NULL ? tern_mail_get_accounts (self->mail) : NULL;
  gboolean offline = FALSE;

  for (guint i = 0; accounts != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      if (tern_mail_account_get_state (account) == TERN_MAIL_ACCOUNT_OFFLINE)
        offline = TRUE;
    }
  gtk_revealer_set_reveal_child (self->offline_revealer, offline);
}

static void
account_state_cb (TernMailAccount *account, GParamSpec *pspec, TernUiWindow *self)
{
  update_offline (self);
}

/* The server refused a change (the list shows the server's state again): say so in
 * its words. */
static void
change_refused_cb (TernMailAccount *account, const GError *error, TernUiWindow *self)
{
  AdwToast *toast = error_toast_new (error);

  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
watch_accounts (TernUiWindow *self, GListModel *accounts, guint position, guint added)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      g_signal_connect_object (account, "notify::state", G_CALLBACK (account_state_cb), self, 0);
      g_signal_connect_object (account, "change-refused", G_CALLBACK (change_refused_cb), self, 0);
    }
}

static void
accounts_changed_cb (GListModel *accounts, guint position, guint removed, guint added, TernUiWindow *self)
{
  watch_accounts (self, accounts, position, added);
  update_offline (self);
}

static void
retry_offline_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);
  GListModel *accounts = self->mail != NULL ? tern_mail_get_accounts (self->mail) : NULL;

  for (guint i = 0; accounts != NULL && i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      if (tern_mail_account_get_state (account) == TERN_MAIL_ACCOUNT_OFFLINE)
        tern_mail_account_retry (account);
    }
}

/* ---- a new account ---------------------------------------------------------------------- */

/* A new account's Inbox is shown as soon as its first sync has made it (the list then
 * fills as the headers arrive): the sidebar's folders are the store's, live, so the
 * Inbox is looked for there whenever they change, once the sidebar has rebuilt its
 * rows (its own idle, at a higher priority). */
static gboolean
pending_inbox_idle_cb (gpointer user_data)
{
  TernUiWindow *self = user_data;
  GListModel *folders = tern_ui_sidebar_get_folders (self->sidebar);

  self->pending_inbox_idle = 0;
  for (guint i = 0; folders != NULL && self->pending_account != 0 && i < g_list_model_get_n_items (folders); i++)
    {
      g_autoptr(TernStoreFolder) folder = g_list_model_get_item (folders, i);
      gint64 id = tern_store_folder_get_id (folder);

      if (tern_store_folder_get_account_id (folder) == self->pending_account &&
          tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_INBOX &&
          tern_ui_sidebar_select_folder (self->sidebar, id))
        {
          tern_ui_bench_mark ("new-account-inbox-selected");
          self->pending_account = 0;
          tern_ui_window_show_folder (self, id);
        }
    }
  return G_SOURCE_REMOVE;
}

static void
look_for_pending_inbox (TernUiWindow *self)
{
  if (self->pending_account != 0 && self->pending_inbox_idle == 0)
    self->pending_inbox_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pending_inbox_idle_cb, self, NULL);
}

static void
sidebar_folders_changed_cb (GListModel *folders, guint position, guint removed, guint added, TernUiWindow *self)
{
  look_for_pending_inbox (self);
}

/* The sidebar's folders read (at start): watched from then on. */
static void
sidebar_loaded_cb (TernUiSidebar *sidebar, GParamSpec *pspec, TernUiWindow *self)
{
  GListModel *folders = tern_ui_sidebar_get_folders (sidebar);

  if (folders == NULL || self->watching_folders)
    return;
  self->watching_folders = TRUE;
  g_signal_connect_object (folders, "items-changed", G_CALLBACK (sidebar_folders_changed_cb), self, 0);
  look_for_pending_inbox (self);
}

/**
 * tern_ui_window_show_account:
 *
 * Shows @account's Inbox once its first sync has made it (a new account).
 */
void
tern_ui_window_show_account (TernUiWindow *self, TernMailAccount *account)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));

  self->pending_account = tern_mail_account_get_store_id (account);
  look_for_pending_inbox (self);
}

/* ---- the engine ---------------------------------------------------------------------------------- */

static void
setup_mail (TernUiWindow *self)
{
  TernMail *mail = tern_ui_application_get_mail (self->application);
  GListModel *accounts;

  if (mail == NULL || self->mail != NULL)
    return;
  self->mail = g_object_ref (mail);
  tern_ui_message_list_set_store (self->message_list, tern_mail_get_store (mail));
  tern_ui_message_view_set_store (self->reader, tern_mail_get_store (mail));
  tern_ui_outbox_view_set_mail (self->outbox_view, mail);
  tern_ui_sidebar_set_mail (self->sidebar, mail);
  tern_ui_mail_actions_set_mail (self->mail_actions, mail);
  tern_ui_folder_actions_set_mail (self->folder_actions, mail);
  accounts = tern_mail_get_accounts (mail);
  watch_accounts (self, accounts, 0, g_list_model_get_n_items (accounts));
  g_signal_connect_object (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self, 0);
  update_offline (self);
  /* The folder shown last time (0: All Inboxes): its list is read at once, while
   * the sidebar reads the folders (then selecting it does not read it again). */
  {
    gint64 last = g_settings_get_int64 (self->settings, "last-folder");

    tern_ui_message_list_show (self->message_list, last, last == 0 ? "in:INBOX" : NULL,
                               g_settings_get_boolean (self->settings, "conversations"), FALSE);
  }
  if (!tern_ui_sidebar_select_folder (self->sidebar, g_settings_get_int64 (self->settings, "last-folder")))
    tern_ui_sidebar_select_all_inboxes (self->sidebar);
}

static void
mail_cb (TernUiApplication *application, GParamSpec *pspec, TernUiWindow *self)
{
  setup_mail (self);
}

static void
conversations_changed_cb (GSettings *settings, const char *key, TernUiWindow *self)
{
  show_selected_folder (self);
}

/**
 * tern_ui_window_set_has_accounts:
 *
 * Shows the welcome page (no account yet) or the three panes.
 */
void
tern_ui_window_set_has_accounts (TernUiWindow *self, gboolean has_accounts)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  self->has_accounts = has_accounts;
  gtk_stack_set_visible_child_name (self->main_stack, has_accounts ? "mail" : "empty");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_button), has_accounts);
}

/**
 * tern_ui_window_set_sync_status:
 * @status: (nullable): what the sync is doing, or how it ended
 * @running: whether a sync runs
 *
 * The sync's status, under the message list's title, with a spinner while it runs.
 */
void
tern_ui_window_set_sync_status (TernUiWindow *self, const char *status, gboolean running)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  adw_window_title_set_subtitle (self->window_title, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_spinner), running);
  gtk_spinner_set_spinning (self->sync_spinner, running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), !running);
}

/**
 * tern_ui_window_add_toast:
 * @toast: (transfer full): a toast
 */
void
tern_ui_window_add_toast (TernUiWindow *self, AdwToast *toast)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* ---- the window ------------------------------------------------------------------------------------ */

static gboolean
close_request_cb (GtkWindow *window, TernUiWindow *self)
{
  int width, height;

  /* The size is saved here (not bound), so that a maximized window restores its
   * normal size too. */
  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  return FALSE;
}

/* "application" is not a construct property, so it is only set after constructed()
 * has run: the window takes what it needs from the application here instead. */
static void
setup_from_application (TernUiWindow *self, TernUiApplication *app)
{
  const GError *tls_error = tern_ui_application_get_tls_error (app);
  g_autoptr(GAction) conversations = NULL;
  GSimpleActionGroup *group;

  self->application = app;
  self->settings = g_object_ref (tern_ui_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), self);

  /* "win.conversations": the setting, as a check item of the primary menu. */
  conversations = g_settings_create_action (self->settings, "conversations");
  group = G_SIMPLE_ACTION_GROUP (g_simple_action_group_new ());
  g_action_map_add_action (G_ACTION_MAP (group), conversations);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "settings", G_ACTION_GROUP (group));
  g_object_unref (group);
  g_signal_connect_object (self->settings, "changed::conversations", G_CALLBACK (conversations_changed_cb), self, 0);
  g_settings_bind (self->settings, "subscribed-only", self->sidebar, "subscribed-only", G_SETTINGS_BIND_GET);

  if (tls_error != NULL)
    {
      AdwToast *toast = adw_toast_new (tls_error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  g_signal_connect_object (app, "notify::mail", G_CALLBACK (mail_cb), self, 0);
  setup_mail (self);
}

TernUiWindow *
tern_ui_window_new (TernUiApplication *application)
{
  TernUiWindow *self;

  g_return_val_if_fail (TERN_UI_IS_APPLICATION (application), NULL);

  self = g_object_new (TERN_UI_TYPE_WINDOW, "application", application, NULL);
  setup_from_application (self, application);
  return self;
}

static void
tern_ui_window_dispose (GObject *object)
{
  TernUiWindow *self = TERN_UI_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->reader_timeout, g_source_remove);
  g_clear_handle_id (&self->pending_inbox_idle, g_source_remove);
  set_cursor_item (self, NULL);
  g_clear_pointer (&self->undo, tern_mail_undo_unref);
  self->undo_toast = NULL;
  if (self->mail_actions != NULL)
    gtk_widget_insert_action_group (GTK_WIDGET (self), "mail", NULL);
  g_clear_object (&self->mail_actions);
  if (self->folder_actions != NULL)
    gtk_widget_insert_action_group (GTK_WIDGET (self), "folder", NULL);
  g_clear_object (&self->folder_actions);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_WINDOW);
  g_clear_object (&self->folder_item);
  g_clear_object (&self->mail);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tern_ui_window_parent_class)->dispose (object);
}

/* The first rows on screen: the engine's syncs may start (see the application). */
static void
rows_painted_cb (TernUiMessageList *list, TernUiWindow *self)
{
  static gboolean once;

  if (once)
    return;
  once = TRUE;
  tern_ui_bench_mark ("rows-painted");
  tern_ui_application_start_mail (self->application);
  tern_ui_message_view_prepare (self->reader);
}

static void
map_cb (GtkWidget *widget, gpointer data)
{
  tern_ui_bench_mark ("window-mapped");
}

/* "Accounts…": the settings of the account shown (or the first). */
static void
accounts_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);
  TernStoreFolder *folder = self->folder_item != NULL ? tern_ui_sidebar_item_get_folder (self->folder_item) : NULL;
  GListModel *accounts = self->mail != NULL ? tern_mail_get_accounts (self->mail) : NULL;
  g_autoptr(TernMailAccount) first = NULL;
  TernMailAccount *account = NULL;

  if (accounts == NULL)
    return;
  if (folder != NULL)
    account = tern_mail_lookup_account_by_id (self->mail, tern_store_folder_get_account_id (folder));
  if (account == NULL && g_list_model_get_n_items (accounts) > 0)
    account = first = g_list_model_get_item (accounts, 0);
  if (account == NULL)
    {
      gtk_widget_activate_action (widget, "app.add-account", NULL);
      return;
    }
  gtk_window_present (GTK_WINDOW (tern_ui_account_settings_new (GTK_WINDOW (self), self->mail, account)));
}

static void
add_account_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  gtk_widget_activate_action (widget, "app.add-account", NULL);
}

/* Whether messages can be written: `win.compose` and `win.compose-to` (the
 * composer's actions, tern-ui-composer-actions.c), and mailto: links in the reader. */
static void
set_can_compose (TernUiWindow *self, gboolean can_compose)
{
  self->can_compose = can_compose;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compose", can_compose);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compose-to", can_compose);
}

static void
tern_ui_window_class_init (TernUiWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_window_dispose;

  g_type_ensure (TERN_UI_TYPE_SIDEBAR);
  g_type_ensure (TERN_UI_TYPE_MESSAGE_LIST);
  g_type_ensure (TERN_UI_TYPE_MESSAGE_VIEW);
  g_type_ensure (TERN_UI_TYPE_READER_PANE);
  g_type_ensure (TERN_UI_TYPE_OUTBOX_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tern-ui-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, add_account_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, empty_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, outer);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, inner);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, list_pane);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, reader_pane);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, scope_folder_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, scope_all_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, message_list);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, outbox_view);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, reader_stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, reader);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, selection_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, star_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, forward_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, unread_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, organise_box);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, move_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, reply_all_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, junk_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, more_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, offline_revealer);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, scope_toggled_cb);

  /* win.compose, win.compose-to (the reader's "New Message To"), replies, forwards. */
  tern_ui_composer_actions_install (widget_class);
  /* The account assistant is the application's. */
  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action_cb);
  gtk_widget_class_install_action (widget_class, "win.accounts", NULL, accounts_action_cb);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action_cb);
  gtk_widget_class_install_action (widget_class, "win.mark-read", NULL, mark_read_action_cb);
  gtk_widget_class_install_action (widget_class, "win.mark-unread", NULL, mark_unread_action_cb);
  gtk_widget_class_install_action (widget_class, "win.star", NULL, star_action_cb);
  gtk_widget_class_install_action (widget_class, "win.unstar", NULL, unstar_action_cb);
  gtk_widget_class_install_action (widget_class, "win.toggle-star", NULL, toggle_star_action_cb);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-folders", NULL, show_folders_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-list", NULL, show_list_action_cb);
  gtk_widget_class_install_action (widget_class, "win.retry-offline", NULL, retry_offline_action_cb);
}

static void
tern_ui_window_init (TernUiWindow *self)
{
  GtkSelectionModel *selection;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->main_stack, "loading");

  set_can_compose (self, TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo", FALSE);
  self->mail_actions = tern_ui_mail_actions_new (GTK_WIDGET (self), self->message_list, self->sidebar);
  self->folder_actions = tern_ui_folder_actions_new (GTK_WIDGET (self), self->sidebar);

  g_signal_connect (self->sidebar, "notify::selected-item", G_CALLBACK (sidebar_selected_cb), self);
  g_signal_connect (self->sidebar, "folder-activated", G_CALLBACK (folder_activated_cb), self);
  g_signal_connect (self->sidebar, "account-remedy", G_CALLBACK (account_remedy_cb), self);
  g_signal_connect (self->sidebar, "notify::loaded", G_CALLBACK (sidebar_loaded_cb), self);
  selection = GTK_SELECTION_MODEL (tern_ui_message_list_get_selection (self->message_list));
  g_signal_connect (selection, "selection-changed", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (selection, "items-changed", G_CALLBACK (list_items_changed_cb), self);
  g_signal_connect (self->message_list, "activate", G_CALLBACK (message_activated_cb), self);
  g_signal_connect (self->message_list, "toggle-star", G_CALLBACK (toggle_star_cb), self);
  g_signal_connect (self->message_list, "notify::state", G_CALLBACK (list_state_cb), self);
  g_signal_connect (self->reader, "mark-read", G_CALLBACK (reader_mark_read_cb), self);
  g_signal_connect (self->reader, "need-body", G_CALLBACK (reader_need_body_cb), self);
  g_signal_connect (self->reader, "activate-link", G_CALLBACK (reader_activate_link_cb), self);
  g_signal_connect (self->outer, "notify::folded", G_CALLBACK (outer_folded_cb), self);
  g_signal_connect (self->search_bar, "notify::search-mode-enabled", G_CALLBACK (search_mode_cb), self);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  outer_folded_cb (self->outer, NULL, self);
  update_actions (self);
  g_signal_connect (self->message_list, "rows-painted", G_CALLBACK (rows_painted_cb), self);
  g_signal_connect (self, "map", G_CALLBACK (map_cb), NULL);
}
