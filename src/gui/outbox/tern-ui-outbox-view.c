/* tern-ui-outbox-view.c: the messages waiting in an account's outbox
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the sidebar's Outbox shows (it is there while the outbox holds mail): one row
 * per message, its subject and recipients, and where it is: waiting, sending, sent
 * and being filed in Sent, to be tried again at a time (with the server's or the
 * network's words), refused (the server's words), or sent to some recipients and
 * refused for others (which, and why). Send Now, Edit (the message goes back into a
 * composer, out of the outbox) and Delete act on it through TernMail. The list is
 * read on a store worker, again when the account's outbox count or state changes.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-outbox-mime.h"
#include "tern-ui-composer.h"
#include "tern-ui-outbox-view.h"
#include "tern-ui-window.h"

struct _TernUiOutboxView
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkListBox      *list;
  AdwStatusPage   *empty_page;

  TernMail        *mail;
  TernMailAccount *account;
  GCancellable    *cancellable;
  GPtrArray       *items;      /* Item, in the rows' order */
  gulong           handlers[3];
  gboolean         reading;
  gboolean         read_again;
};

G_DEFINE_FINAL_TYPE (TernUiOutboxView, tern_ui_outbox_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_N_ROWS, N_PROPS };
static GParamSpec *properties[N_PROPS];

typedef struct
{
  TernStoreOutboxEntry *entry;
  char                 *subject;
} Item;

static void
item_free (Item *item)
{
  tern_store_outbox_entry_free (item->entry);
  g_free (item->subject);
  g_free (item);
}

GtkWidget *
tern_ui_outbox_view_new (void)
{
  return g_object_new (TERN_UI_TYPE_OUTBOX_VIEW, NULL);
}

/* ---- what a row says -------------------------------------------------------------------- */

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_time);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (g_date_time_get_year (time) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (time) == g_date_time_get_day_of_year (now))
    /* Translators: a time today, g_date_time_format() codes */
    return g_date_time_format (time, C_("outbox time", "%H:%M"));
  /* Translators: a day and time, g_date_time_format() codes */
  return g_date_time_format (time, C_("outbox time", "%a %-d %b, %H:%M"));
}

static char *
state_text (const TernStoreOutboxEntry *entry, gboolean offline)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  switch (entry->state)
    {
    case TERN_STORE_OUTBOX_QUEUED:
      if (entry->attempts > 0)
        {
          g_autofree char *when = format_time (MAX (entry->next_attempt, now));

          /* Translators: a message the server or the network refused for now: the time it
           * is tried again, and what was said */
          return g_strdup_printf (_("Will retry at %s: %s"), when,
                                  entry->last_error != NULL ? entry->last_error : _("not sent yet"));
        }
      if (entry->next_attempt > now)
        return g_strdup (_("Waiting: it can still be taken back"));
      if (offline)
        return g_strdup (_("Waiting: the server cannot be reached; it is sent as soon as it can be"));
      return g_strdup (_("Waiting to be sent"));
    case TERN_STORE_OUTBOX_SENDING:
      return g_strdup (_("Sending…"));
    case TERN_STORE_OUTBOX_SENT:
      return g_strdup (_("Sent; its copy is being filed in Sent"));
    case TERN_STORE_OUTBOX_FAILED:
      /* Translators: the server's own words follow */
      return g_strdup_printf (_("Refused by the server: %s"), entry->last_error != NULL ? entry->last_error : "");
    case TERN_STORE_OUTBOX_PARTLY_SENT:
      {
        g_autoptr(GPtrArray) replies = NULL;
        g_autoptr(GPtrArray) refused = tern_store_outbox_parse_rejected (entry->last_error, &replies);
        g_autoptr(GString) text = g_string_new (_("Sent, but not delivered to:"));

        for (guint i = 0; i < refused->len; i++)
          g_string_append_printf (text, "\n%s — %s", (char *) g_ptr_array_index (refused, i),
                                  (char *) g_ptr_array_index (replies, i));
        return g_string_free (g_steal_pointer (&text), FALSE);
      }
    default:
      return g_strdup ("");
    }
}

static gboolean
is_offline (TernUiOutboxView *self, const TernStoreOutboxEntry *entry)
{
  TernMailAccount *account = self->mail != NULL ? tern_mail_lookup_account_by_id (self->mail, entry->account_id)
                                                : NULL;

  return account != NULL && tern_mail_account_get_state (account) == TERN_MAIL_ACCOUNT_OFFLINE;
}

/* ---- actions on a row -------------------------------------------------------------------- */

static void
operation_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiOutboxView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_mail_operation_finish (TERN_MAIL (source), result, NULL, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (TERN_UI_IS_WINDOW (root))
        tern_ui_window_add_toast (TERN_UI_WINDOW (root), adw_toast_new (error->message));
    }
  tern_ui_outbox_view_refresh (self);
}

static gint64
row_outbox_id (GtkWidget *button)
{
  GtkWidget *row = gtk_widget_get_ancestor (button, GTK_TYPE_LIST_BOX_ROW);

  return row != NULL ? GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "tern-outbox-id")) : 0;
}

static void
send_now_cb (GtkButton *button, TernUiOutboxView *self)
{
  tern_mail_outbox_send_now_async (self->mail, row_outbox_id (GTK_WIDGET (button)), self->cancellable,
                                   operation_done_cb, g_object_ref (self));
}

static void
delete_cb (GtkButton *button, TernUiOutboxView *self)
{
  tern_mail_outbox_delete_async (self->mail, row_outbox_id (GTK_WIDGET (button)), self->cancellable,
                                 operation_done_cb, g_object_ref (self));
}

static void
edit_cb (GtkButton *button, TernUiOutboxView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *application = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  if (application != NULL)
    tern_ui_composer_open_outbox_entry (TERN_UI_APPLICATION (application), row_outbox_id (GTK_WIDGET (button)));
}

static GtkWidget *
row_button (const char *icon, const char *label, const char *subject, GCallback callback, TernUiOutboxView *self,
            gboolean sensitive)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);
  /* Translators: an outbox button's name for screen readers: "Send Now: <subject>" */
  g_autofree char *accessible = g_strdup_printf (_("%s: %s"), label, subject);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_widget_set_sensitive (button, sensitive);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
row_new (TernUiOutboxView *self, Item *item)
{
  TernStoreOutboxEntry *entry = item->entry;
  const char *subject = item->subject != NULL && *item->subject != '\0' ? item->subject : _("(No subject)");
  g_autofree char *recipients = g_strjoinv (", ", entry->rcpt_to);
  g_autofree char *to = g_strdup_printf (_("To %s"), recipients);
  g_autofree char *state = state_text (entry, is_offline (self, entry));
  g_autofree char *subtitle = g_strdup_printf ("%s\n%s", to, state);
  g_autofree char *accessible = g_strdup_printf ("%s, %s, %s", subject, to, state);
  gboolean busy = entry->state == TERN_STORE_OUTBOX_SENDING || entry->state == TERN_STORE_OUTBOX_SENT;
  gboolean partly = entry->state == TERN_STORE_OUTBOX_PARTLY_SENT;
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), subject);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row),
                                entry->state == TERN_STORE_OUTBOX_FAILED || partly ? "dialog-warning-symbolic"
                                : entry->state == TERN_STORE_OUTBOX_SENDING ? "mail-send-symbolic"
                                : "mail-outbox-symbolic");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button ("mail-send-symbolic", _("Send Now"), subject,
                                                               G_CALLBACK (send_now_cb), self, !busy && !partly));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button ("document-edit-symbolic", _("Edit"), subject,
                                                               G_CALLBACK (edit_cb), self, !busy && !partly));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), row_button ("user-trash-symbolic",
                                                               partly ? _("Dismiss") : _("Delete"), subject,
                                                               G_CALLBACK (delete_cb), self, !busy));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_object_set_data (G_OBJECT (row), "tern-outbox-id", GSIZE_TO_POINTER ((gsize) entry->id));
  return row;
}

/* ---- reading the outbox --------------------------------------------------------------------- */

static gpointer
list_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  gint64 account_id = *(gint64 *) data;
  g_autoptr(GPtrArray) entries = tern_store_db_outbox_list (db, account_id, error);
  GPtrArray *items;

  if (entries == NULL)
    return NULL;
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  for (guint i = 0; i < entries->len; i++)
    {
      Item *item = g_new0 (Item, 1);
      g_autoptr(GBytes) raw = NULL;

      item->entry = g_ptr_array_index (entries, i);
      g_ptr_array_index (entries, i) = NULL;
      raw = tern_store_db_outbox_get_raw (db, item->entry->id, NULL);
      item->subject = raw != NULL ? tern_outbox_dup_subject (raw) : NULL;
      g_ptr_array_add (items, item);
    }
  return items;
}

static void
list_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiOutboxView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = tern_store_run_finish (TERN_STORE (source), result, &error);
  GtkWidget *child;

  self->reading = FALSE;
  if (items == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The outbox cannot be read: %s", error->message);
      return;
    }
  if (self->read_again)
    {
      self->read_again = FALSE;
      tern_ui_outbox_view_refresh (self);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = g_steal_pointer (&items);
  for (guint i = 0; i < self->items->len; i++)
    gtk_list_box_append (self->list, row_new (self, g_ptr_array_index (self->items, i)));
  gtk_stack_set_visible_child_name (self->stack, self->items->len > 0 ? "list" : "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROWS]);
}

/**
 * tern_ui_outbox_view_refresh:
 *
 * Reads the outbox again (on a store worker).
 */
void
tern_ui_outbox_view_refresh (TernUiOutboxView *self)
{
  gint64 account_id;

  g_return_if_fail (TERN_UI_IS_OUTBOX_VIEW (self));

  if (self->mail == NULL)
    return;
  if (self->reading)
    {
      self->read_again = TRUE;
      return;
    }
  self->reading = TRUE;
  account_id = self->account != NULL ? tern_mail_account_get_store_id (self->account) : 0;
  tern_store_run_async (tern_mail_get_store (self->mail), list_work, g_memdup2 (&account_id, sizeof account_id),
                        g_free, (GDestroyNotify) g_ptr_array_unref, self->cancellable, list_done_cb,
                        g_object_ref (self));
}

static void
account_changed_cb (TernMailAccount *account, GParamSpec *pspec, TernUiOutboxView *self)
{
  tern_ui_outbox_view_refresh (self);
}

/**
 * tern_ui_outbox_view_show:
 * @account: (nullable): whose outbox (%NULL: every account's)
 */
void
tern_ui_outbox_view_show (TernUiOutboxView *self, TernMailAccount *account)
{
  static const char * const watched[] = { "notify::outbox-count", "notify::state", "notify::status" };

  g_return_if_fail (TERN_UI_IS_OUTBOX_VIEW (self));

  if (self->account != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->account);
  g_set_object (&self->account, account);
  if (account != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      self->handlers[i] = g_signal_connect (account, watched[i], G_CALLBACK (account_changed_cb), self);
  tern_ui_outbox_view_refresh (self);
}

void
tern_ui_outbox_view_set_mail (TernUiOutboxView *self, TernMail *mail)
{
  g_return_if_fail (TERN_UI_IS_OUTBOX_VIEW (self));
  g_set_object (&self->mail, mail);
}

guint
tern_ui_outbox_view_get_n_rows (TernUiOutboxView *self)
{
  g_return_val_if_fail (TERN_UI_IS_OUTBOX_VIEW (self), 0);
  return self->items != NULL ? self->items->len : 0;
}

/**
 * tern_ui_outbox_view_get_row:
 *
 * Returns: (transfer none) (nullable): the row at @position
 */
GtkWidget *
tern_ui_outbox_view_get_row (TernUiOutboxView *self, guint position)
{
  g_return_val_if_fail (TERN_UI_IS_OUTBOX_VIEW (self), NULL);
  return GTK_WIDGET (gtk_list_box_get_row_at_index (self->list, position));
}

/**
 * tern_ui_outbox_view_dup_state_text:
 *
 * Returns: (transfer full) (nullable): what the row at @position says of its message
 */
char *
tern_ui_outbox_view_dup_state_text (TernUiOutboxView *self, guint position)
{
  g_return_val_if_fail (TERN_UI_IS_OUTBOX_VIEW (self), NULL);
  if (self->items == NULL || position >= self->items->len)
    return NULL;
  {
    TernStoreOutboxEntry *entry = ((Item *) g_ptr_array_index (self->items, position))->entry;
    return state_text (entry, is_offline (self, entry));
  }
}

static void
tern_ui_outbox_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_N_ROWS:
      g_value_set_uint (value, tern_ui_outbox_view_get_n_rows (TERN_UI_OUTBOX_VIEW (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_outbox_view_dispose (GObject *object)
{
  TernUiOutboxView *self = TERN_UI_OUTBOX_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->account != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (self->handlers); i++)
      g_clear_signal_handler (&self->handlers[i], self->account);
  g_clear_object (&self->account);
  g_clear_object (&self->mail);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer ((GtkWidget **) &self->stack, gtk_widget_unparent);
  G_OBJECT_CLASS (tern_ui_outbox_view_parent_class)->dispose (object);
}

static void
tern_ui_outbox_view_class_init (TernUiOutboxViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_outbox_view_dispose;
  object_class->get_property = tern_ui_outbox_view_get_property;
  properties[PROP_N_ROWS] = g_param_spec_uint ("n-rows", NULL, NULL, 0, G_MAXUINT, 0,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tern_ui_outbox_view_init (TernUiOutboxView *self)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();

  self->cancellable = g_cancellable_new ();
  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_widget_set_valign (GTK_WIDGET (self->list), GTK_ALIGN_START);
  gtk_widget_set_margin_top (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->list), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->list), 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Outbox"), -1);
  adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (self->list));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_stack_add_named (self->stack, scroller, "list");

  self->empty_page = ADW_STATUS_PAGE (adw_status_page_new ());
  adw_status_page_set_icon_name (self->empty_page, "mail-outbox-symbolic");
  adw_status_page_set_title (self->empty_page, _("The Outbox Is Empty"));
  adw_status_page_set_description (self->empty_page, _("Every message was sent."));
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->empty_page), "empty");
  gtk_stack_set_visible_child_name (self->stack, "empty");
}
