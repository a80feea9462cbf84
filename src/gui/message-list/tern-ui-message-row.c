/* tern-ui-message-row.c: one row of the message list (a message or a conversation)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row has the same height (three lines, whatever is shown), so that the list
 * view's estimate of the rows it has not made is right. Bind sets pre-formatted
 * strings on GtkInscriptions and toggles classes; the item's notify (a row read
 * from the store, a flag changed by a sync) binds again in place.
 *
 * The item is a TernStoreMessage, or a TernStoreThread (a conversation: its newest
 * message's subject, preview and date, its participants, its count, and its
 * messages' marks together).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-store.h"
#include "tern-store-thread.h"
#include "tern-ui-date-format.h"
#include "tern-ui-id-selection.h"
#include "tern-ui-message-row.h"
#include "tern-ui-row-text.h"

struct _TernUiMessageRow
{
  GtkWidget        parent_instance;

  GtkWidget       *unread_dot;
  GtkInscription  *sender;
  GtkLabel        *count;
  GtkWidget       *attachment;
  GtkImage        *answered;
  GtkLabel        *date;
  GtkInscription  *subject;
  GtkImage        *star;
  GtkInscription  *preview;

  GObject         *item;
  gulong           notify_id;
  gboolean         show_recipients;
  gint64           date_value;
  gboolean         loaded;
  gboolean         flagged;
  gboolean         forwarded;
  char            *a11y_text;
  GtkWidget       *labelled;        /* the list item the label was set on */
};

G_DEFINE_FINAL_TYPE (TernUiMessageRow, tern_ui_message_row, GTK_TYPE_WIDGET)

typedef struct
{
  gboolean          loaded;
  gint64            id;
  char             *who;
  const char       *subject;
  const char       *preview;
  gint64            date;
  guint             n_messages;     /* 0 for a message */
  gboolean          unread;
  gboolean          flagged;
  gboolean          attachment;
  gboolean          answered;
  gboolean          forwarded;
} RowData;

static void
row_data_clear (RowData *data)
{
  g_free (data->who);
}

static gboolean
has_keyword (const char *keywords, const char *keyword)
{
  gsize len = strlen (keyword);

  for (const char *p = keywords; p != NULL && (p = strstr (p, keyword)) != NULL; p += len)
    if ((p == keywords || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' '))
      return TRUE;
  return FALSE;
}

static void
read_message (RowData *data, TernStoreMessage *message, gboolean show_recipients)
{
  TernStoreFlags flags;

  data->loaded = tern_store_message_is_loaded (message);
  data->id = tern_store_message_get_id (message);
  if (!data->loaded)
    return;
  flags = tern_store_message_get_flags (message);
  data->who = tern_ui_row_text_names (show_recipients ? tern_store_message_get_to (message)
                                                      : tern_store_message_get_from (message));
  data->subject = tern_store_message_get_subject (message);
  data->preview = tern_store_message_get_preview (message);
  data->date = tern_store_message_get_date (message);
  if (data->date == 0)
    data->date = tern_store_message_get_internal_date (message);
  data->unread = (flags & TERN_STORE_FLAG_SEEN) == 0;
  data->flagged = (flags & TERN_STORE_FLAG_FLAGGED) != 0;
  data->answered = (flags & TERN_STORE_FLAG_ANSWERED) != 0;
  data->forwarded = has_keyword (tern_store_message_get_keywords (message), "$Forwarded");
  data->attachment = tern_store_message_get_has_attachments (message);
}

static void
read_conversation (RowData *data, TernStoreThread *thread)
{
  TernStoreMessage *latest = tern_store_thread_get_latest (thread);
  const char *participants = tern_store_thread_get_participants (thread);

  data->id = tern_store_thread_get_id (thread);
  if (!tern_store_thread_is_loaded (thread) || latest == NULL)
    return;
  read_message (data, latest, FALSE);
  data->id = tern_store_thread_get_id (thread);
  data->n_messages = tern_store_thread_get_n_messages (thread);
  data->unread = tern_store_thread_get_n_unread (thread) > 0;
  data->flagged = tern_store_thread_get_flagged (thread);
  data->attachment = tern_store_thread_get_has_attachments (thread);
  data->answered = tern_store_thread_get_answered (thread);
  if (participants != NULL && *participants != '\0')
    {
      g_free (data->who);
      data->who = g_strdup (participants);
    }
}

static void
set_inscription (GtkInscription *inscription, const char *text)
{
  if (g_strcmp0 (gtk_inscription_get_text (inscription), text) != 0)
    gtk_inscription_set_text (inscription, text);
}

static void
set_label (GtkLabel *label, const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_icon (GtkImage *image, const char *icon_name)
{
  if (g_strcmp0 (gtk_image_get_icon_name (image), icon_name) != 0)
    gtk_image_set_from_icon_name (image, icon_name);
}

static GtkWidget *attach (TernUiMessageRow *self, GtkWidget *child, int column, int row, int column_span);
static GtkWidget *mark_new (const char *icon_name);

/* The marks most rows lack are made the first time a row shows them (the list view
 * makes about 200 rows at once: fewer widgets each, sooner on screen). */
static void
show_mark (TernUiMessageRow *self, GtkWidget **mark, int column, const char *icon_name)
{
  if (icon_name == NULL)
    {
      if (*mark != NULL)
        gtk_widget_set_visible (*mark, FALSE);
      return;
    }
  if (*mark == NULL)
    *mark = attach (self, mark_new (icon_name), column, 0, 1);
  set_icon (GTK_IMAGE (*mark), icon_name);
  gtk_widget_set_visible (*mark, TRUE);
}

static void
show_count (TernUiMessageRow *self, const char *count)
{
  if (count == NULL)
    {
      if (self->count != NULL)
        gtk_widget_set_visible (GTK_WIDGET (self->count), FALSE);
      return;
    }
  if (self->count == NULL)
    {
      self->count = GTK_LABEL (gtk_label_new (NULL));
      gtk_widget_set_valign (GTK_WIDGET (self->count), GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (GTK_WIDGET (self->count), "numeric");
      gtk_widget_add_css_class (GTK_WIDGET (self->count), "message-count");
      attach (self, GTK_WIDGET (self->count), 2, 0, 1);
    }
  set_label (self->count, count);
  gtk_widget_set_visible (GTK_WIDGET (self->count), TRUE);
}

/* One tooltip for the whole row, asked for when the pointer rests on it (setting a
 * widget's tooltip makes GTK ask the X server where the pointer is: 200 rows, 200
 * round trips). */
static gboolean
query_tooltip_cb (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip, gpointer data)
{
  TernUiMessageRow *self = TERN_UI_MESSAGE_ROW (widget);
  GtkWidget *child = gtk_widget_pick (widget, x, y, GTK_PICK_DEFAULT);
  const char *text = NULL;

  if (child == NULL || self->item == NULL || !self->loaded)
    return FALSE;
  if (child == GTK_WIDGET (self->star))
    text = self->flagged ? _("Unstar") : _("Star");
  else if (child == self->attachment)
    text = _("Has attachments");
  else if (child == GTK_WIDGET (self->answered))
    text = self->forwarded ? _("Forwarded") : _("Answered");
  else if (child == GTK_WIDGET (self->date))
    {
      g_autofree char *date = tern_ui_date_format_long (self->date_value, tern_ui_date_format_prefers_24h ());

      gtk_tooltip_set_text (tooltip, date);
      return TRUE;
    }
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The list view's row widget, which screen readers see as the list item. */
static void
set_accessible_label (TernUiMessageRow *self, const char *text)
{
  GtkWidget *list_item = gtk_widget_get_parent (GTK_WIDGET (self));

  if (g_strcmp0 (self->a11y_text, text) == 0 && list_item == self->labelled)
    return;
  g_free (self->a11y_text);
  self->a11y_text = g_strdup (text);
  self->labelled = list_item;
#if !GTK_CHECK_VERSION (4, 12, 0)
  if (list_item != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (list_item), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
#endif
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

/* "Now" for the dates of the rows bound in one go (read again after a second:
 * making it reads the time zone). */
static char *
format_date (gint64 date)
{
  static int clock_24h = -1;
  static GDateTime *now;
  static gint64 now_at;
  gint64 monotonic = g_get_monotonic_time ();

  if (clock_24h < 0)
    clock_24h = tern_ui_date_format_prefers_24h ();
  if (now == NULL || monotonic - now_at > G_USEC_PER_SEC)
    {
      g_clear_pointer (&now, g_date_time_unref);
      now = g_date_time_new_now_local ();
      now_at = monotonic;
    }
  return tern_ui_date_format_short (date, now, clock_24h);
}

static void
update (TernUiMessageRow *self)
{
  RowData data = { 0, };
  g_autofree char *date = NULL;
  g_autofree char *count = NULL;
  GtkWidget *widget = GTK_WIDGET (self);

  if (self->item == NULL)
    return;
  if (TERN_IS_STORE_MESSAGE (self->item))
    read_message (&data, TERN_STORE_MESSAGE (self->item), self->show_recipients);
  else if (TERN_IS_STORE_THREAD (self->item))
    read_conversation (&data, TERN_STORE_THREAD (self->item));

  self->loaded = data.loaded;
  if (!data.loaded)
    {
      set_inscription (self->sender, NULL);
      set_inscription (self->subject, NULL);
      set_inscription (self->preview, NULL);
      set_label (self->date, "");
      gtk_widget_set_opacity (self->unread_dot, 0);
      gtk_widget_set_opacity (GTK_WIDGET (self->star), 0);
      show_count (self, NULL);
      show_mark (self, &self->attachment, 3, NULL);
      show_mark (self, (GtkWidget **) &self->answered, 4, NULL);
      gtk_widget_remove_css_class (widget, "unread");
      set_accessible_label (self, _("Loading"));
      row_data_clear (&data);
      return;
    }

  self->date_value = data.date;
  date = format_date (data.date);
  set_inscription (self->sender, data.who != NULL && *data.who != '\0' ? data.who : _("Unknown sender"));
  set_inscription (self->subject, data.subject != NULL && *data.subject != '\0' ? data.subject : _("No subject"));
  set_inscription (self->preview, data.preview);
  set_label (self->date, date);
  if (data.n_messages > 1)
    count = g_strdup_printf ("%u", data.n_messages);
  show_count (self, count);
  show_mark (self, &self->attachment, 3, data.attachment ? "mail-attachment-symbolic" : NULL);
  show_mark (self, (GtkWidget **) &self->answered, 4,
             data.answered ? "mail-replied-symbolic" : data.forwarded ? "mail-forward-symbolic" : NULL);
  self->forwarded = data.forwarded && !data.answered;
  self->flagged = data.flagged;
  gtk_widget_set_opacity (self->unread_dot, data.unread ? 1 : 0);
  gtk_widget_set_opacity (GTK_WIDGET (self->star), 1);
  set_icon (self->star, data.flagged ? "starred-symbolic" : "non-starred-symbolic");
  if (data.flagged)
    gtk_widget_add_css_class (GTK_WIDGET (self->star), "starred");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->star), "starred");
  if (data.unread)
    gtk_widget_add_css_class (widget, "unread");
  else
    gtk_widget_remove_css_class (widget, "unread");

  {
    g_autofree char *label = tern_ui_row_text_accessible_label (data.who, data.subject, date, data.n_messages,
                                                                data.unread, data.flagged, data.attachment,
                                                                data.answered, data.forwarded);

    set_accessible_label (self, label);
  }
  row_data_clear (&data);
}

static void
item_notify_cb (GObject *item, GParamSpec *pspec, TernUiMessageRow *self)
{
  const char *name = g_param_spec_get_name (pspec);

  /* What a row does not show; the rest arrives as one notify each, frozen. */
  if (g_str_equal (name, "size") || g_str_equal (name, "folder-id") || g_str_equal (name, "thread-id"))
    return;
  update (self);
}

/**
 * tern_ui_message_row_bind:
 * @item: a #TernStoreMessage or a #TernStoreThread
 * @show_recipients: show the recipients rather than the sender (Sent, Drafts)
 */
void
tern_ui_message_row_bind (TernUiMessageRow *self, GObject *item, gboolean show_recipients)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_ROW (self));
  g_return_if_fail (G_IS_OBJECT (item));

  tern_ui_message_row_unbind (self);
  self->item = g_object_ref (item);
  self->show_recipients = show_recipients;
  self->notify_id = g_signal_connect (item, "notify", G_CALLBACK (item_notify_cb), self);
  update (self);
}

void
tern_ui_message_row_unbind (TernUiMessageRow *self)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_ROW (self));

  if (self->item == NULL)
    return;
  g_clear_signal_handler (&self->notify_id, self->item);
  g_clear_object (&self->item);
}

/**
 * tern_ui_message_row_get_item:
 *
 * Returns: (transfer none) (nullable): the message or conversation shown
 */
GObject *
tern_ui_message_row_get_item (TernUiMessageRow *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_ROW (self), NULL);
  return self->item;
}

/**
 * tern_ui_message_row_get_accessible_text:
 *
 * Returns: (nullable): what the row's accessible label says
 */
const char *
tern_ui_message_row_get_accessible_text (TernUiMessageRow *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_ROW (self), NULL);
  return self->a11y_text;
}

/**
 * tern_ui_message_row_get_loaded:
 *
 * Returns: whether the row shows a message (not a placeholder being read)
 */
gboolean
tern_ui_message_row_get_loaded (TernUiMessageRow *self)
{
  g_return_val_if_fail (TERN_UI_IS_MESSAGE_ROW (self), FALSE);
  return self->item != NULL && self->loaded;
}

/**
 * tern_ui_message_row_refresh_date:
 *
 * Formats the date again ("14:05" becomes "Tue" after midnight).
 */
void
tern_ui_message_row_refresh_date (TernUiMessageRow *self)
{
  g_return_if_fail (TERN_UI_IS_MESSAGE_ROW (self));
  update (self);
}

static void
star_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, TernUiMessageRow *self)
{
  /* The star is the row's own: the press does not select the row. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
star_released_cb (GtkGestureClick *gesture, int n_press, double x, double y, TernUiMessageRow *self)
{
  gint64 id;

  if (self->item == NULL)
    return;
  id = tern_ui_id_selection_get_item_id (self->item);
  gtk_widget_activate_action (GTK_WIDGET (self), "message-list.toggle-star", "x", id);
}

static void
tern_ui_message_row_dispose (GObject *object)
{
  TernUiMessageRow *self = TERN_UI_MESSAGE_ROW (object);
  GtkWidget *child;

  tern_ui_message_row_unbind (self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (tern_ui_message_row_parent_class)->dispose (object);
}

static void
tern_ui_message_row_finalize (GObject *object)
{
  TernUiMessageRow *self = TERN_UI_MESSAGE_ROW (object);

  g_free (self->a11y_text);
  G_OBJECT_CLASS (tern_ui_message_row_parent_class)->finalize (object);
}

static void
tern_ui_message_row_class_init (TernUiMessageRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_message_row_dispose;
  object_class->finalize = tern_ui_message_row_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_GRID_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "messagerow");
}

/* The list view makes about 200 rows at once (a new folder, a jump): they are built
 * in code, which costs a fraction of a template's XML. */
static GtkWidget *
attach (TernUiMessageRow *self, GtkWidget *child, int column, int row, int column_span)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkGridLayoutChild *layout_child;

  gtk_widget_set_parent (child, GTK_WIDGET (self));
  layout_child = GTK_GRID_LAYOUT_CHILD (gtk_layout_manager_get_layout_child (layout, child));
  gtk_grid_layout_child_set_column (layout_child, column);
  gtk_grid_layout_child_set_row (layout_child, row);
  gtk_grid_layout_child_set_column_span (layout_child, column_span);
  return child;
}

static GtkInscription *
inscription_new (const char *css_class)
{
  GtkWidget *inscription = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (inscription), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_min_lines (GTK_INSCRIPTION (inscription), 1);
  gtk_inscription_set_nat_lines (GTK_INSCRIPTION (inscription), 1);
  gtk_widget_set_hexpand (inscription, TRUE);
  gtk_widget_add_css_class (inscription, css_class);
  return GTK_INSCRIPTION (inscription);
}

/* The row's accessible label says what its icons show: they are presentation. */
static GtkWidget *
icon_new (const char *icon_name)
{
  return g_object_new (GTK_TYPE_IMAGE, "icon-name", icon_name, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                       NULL);
}

static GtkWidget *
mark_new (const char *icon_name)
{
  GtkWidget *image = icon_new (icon_name);

  gtk_widget_set_visible (image, FALSE);
  gtk_widget_add_css_class (image, "dim-label");
  return image;
}

static void
tern_ui_message_row_init (TernUiMessageRow *self)
{
  GtkGridLayout *layout = GTK_GRID_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));
  GtkGesture *click;

  gtk_grid_layout_set_column_spacing (layout, 6);
  gtk_grid_layout_set_row_spacing (layout, 2);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  self->unread_dot = icon_new ("tern-unread-dot-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (self->unread_dot), 8);
  gtk_widget_set_valign (self->unread_dot, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (self->unread_dot, "unread-dot");
  attach (self, self->unread_dot, 0, 0, 1);

  self->sender = inscription_new ("sender");
  attach (self, GTK_WIDGET (self->sender), 1, 0, 1);

  self->date = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->date, 1);
  gtk_widget_set_valign (GTK_WIDGET (self->date), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->date), "numeric");
  gtk_widget_add_css_class (GTK_WIDGET (self->date), "date");
  attach (self, GTK_WIDGET (self->date), 5, 0, 1);

  self->subject = inscription_new ("subject");
  attach (self, GTK_WIDGET (self->subject), 1, 1, 4);

  self->star = GTK_IMAGE (icon_new ("non-starred-symbolic"));
  gtk_widget_set_halign (GTK_WIDGET (self->star), GTK_ALIGN_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->star), "star");
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (star_pressed_cb), self);
  g_signal_connect (click, "released", G_CALLBACK (star_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->star), GTK_EVENT_CONTROLLER (click));
  attach (self, GTK_WIDGET (self->star), 5, 1, 1);

  self->preview = inscription_new ("preview");
  gtk_widget_add_css_class (GTK_WIDGET (self->preview), "dim-label");
  attach (self, GTK_WIDGET (self->preview), 1, 2, 5);
}

TernUiMessageRow *
tern_ui_message_row_new (void)
{
  return g_object_new (TERN_UI_TYPE_MESSAGE_ROW, NULL);
}
