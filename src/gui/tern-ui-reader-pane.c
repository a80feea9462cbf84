/* tern-ui-reader-pane.c: the window's reader pane until TernUiMessageView lands: a
 * message's headers and plain text, read only
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The body comes from tern_mail_fetch_body_async() (from the store, or from the
 * server when only the header is stored) and is reduced to text by the engine's
 * tern_mime_summary_new() on a worker thread. Like TernUiMessageView, the pane says
 * when an unread message has been read (::mark-read, after the `mark-read-delay`
 * setting) and leaves changing the store to the window.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "tern-mime-summary.h"
#include "tern-ui-date-format.h"
#include "tern-ui-reader-pane.h"

struct _TernUiReaderPane
{
  GtkWidget         parent_instance;

  GtkStack         *stack;
  AdwStatusPage    *selection_page;
  GtkLabel         *subject;
  GtkGrid          *headers;
  GtkStack         *body_stack;
  GtkTextView      *body;
  GtkSpinner       *spinner;
  GtkLabel         *body_error;

  TernMail         *mail;
  GSettings        *settings;
  GCancellable     *cancellable;
  gint64            message_id;
  gboolean          unread;
  guint             mark_read_timeout;
  char             *body_text;
};

G_DEFINE_FINAL_TYPE (TernUiReaderPane, tern_ui_reader_pane, GTK_TYPE_WIDGET)

enum { SIGNAL_MARK_READ, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
stop (TernUiReaderPane *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->mark_read_timeout, g_source_remove);
  gtk_spinner_set_spinning (self->spinner, FALSE);
}

/* ---- marking read ------------------------------------------------------------------- */

static gboolean
mark_read_cb (gpointer user_data)
{
  TernUiReaderPane *self = user_data;

  self->mark_read_timeout = 0;
  if (self->unread)
    {
      self->unread = FALSE;
      g_signal_emit (self, signals[SIGNAL_MARK_READ], 0, self->message_id);
    }
  return G_SOURCE_REMOVE;
}

static void
start_mark_read (TernUiReaderPane *self)
{
  double delay = self->settings != NULL ? g_settings_get_double (self->settings, "mark-read-delay") : 1.0;

  if (!self->unread || delay < 0)
    return;
  if (delay == 0)
    mark_read_cb (self);
  else
    self->mark_read_timeout = g_timeout_add ((guint) (delay * 1000), mark_read_cb, self);
}

/* ---- the body ------------------------------------------------------------------------ */

static void
summary_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GBytes *raw = task_data;
  gsize len;
  const guint8 *data = g_bytes_get_data (raw, &len);
  g_autoptr(TernMimeSummary) summary = tern_mime_summary_new (data, len);

  g_task_return_pointer (task, g_strdup (summary != NULL && summary->body_text != NULL ? summary->body_text : ""),
                         g_free);
}

static void
summary_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (source);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), &error);

  if (text == NULL)
    return;   /* cancelled: another message is shown */
  gtk_spinner_set_spinning (self->spinner, FALSE);
  g_free (self->body_text);
  self->body_text = g_steal_pointer (&text);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body), self->body_text, -1);
  gtk_stack_set_visible_child_name (self->body_stack, "text");
  start_mark_read (self);
}

static gboolean
is_offline_error (const GError *error)
{
  return error->domain == G_RESOLVER_ERROR ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

static void
body_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiReaderPane) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = tern_mail_fetch_body_finish (TERN_MAIL (source), result, &error);
  g_autoptr(GTask) task = NULL;

  if (raw == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_spinner_set_spinning (self->spinner, FALSE);
      if (is_offline_error (error))
        gtk_label_set_text (self->body_error, _("This message’s text is not downloaded yet, and its server cannot be "
                                                "reached. It will show once Tern is back online."));
      else
        {
          g_autofree char *text = g_strdup_printf (_("This message’s text cannot be shown: %s"), error->message);

          gtk_label_set_text (self->body_error, text);
        }
      gtk_stack_set_visible_child_name (self->body_stack, "error");
      return;
    }
  /* MIME is parsed on a worker: the UI thread never does. */
  task = g_task_new (self, self->cancellable, summary_done_cb, NULL);
  g_task_set_source_tag (task, body_cb);
  g_task_set_task_data (task, g_bytes_ref (raw), (GDestroyNotify) g_bytes_unref);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, summary_thread);
}

/* ---- showing --------------------------------------------------------------------------- */

static void
add_header (TernUiReaderPane *self, int row, const char *name, const char *value)
{
  GtkWidget *label, *text;

  if (value == NULL || *value == '\0')
    return;
  label = gtk_label_new (name);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "dim-label");
  text = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_wrap (GTK_LABEL (text), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (text), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (text), TRUE);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_grid_attach (self->headers, label, 0, row, 1, 1);
  gtk_grid_attach (self->headers, text, 1, row, 1, 1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL, -1);
}

/**
 * tern_ui_reader_pane_show_message:
 *
 * Shows a message: its headers at once, its text once read (and downloaded, when
 * only its header is stored).
 */
void
tern_ui_reader_pane_show_message (TernUiReaderPane *self, TernStoreMessage *message)
{
  GtkWidget *child;
  g_autofree char *date = NULL;
  const char *subject;

  g_return_if_fail (TERN_UI_IS_READER_PANE (self));
  g_return_if_fail (TERN_IS_STORE_MESSAGE (message));

  if (self->message_id == tern_store_message_get_id (message) &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "message") == 0)
    return;
  stop (self);
  self->message_id = tern_store_message_get_id (message);
  self->unread = (tern_store_message_get_flags (message) & TERN_STORE_FLAG_SEEN) == 0;
  g_clear_pointer (&self->body_text, g_free);

  subject = tern_store_message_get_subject (message);
  gtk_label_set_text (self->subject, subject != NULL && *subject != '\0' ? subject : _("No subject"));
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->headers))) != NULL)
    gtk_grid_remove (self->headers, child);
  date = tern_ui_date_format_long (tern_store_message_get_date (message) != 0 ? tern_store_message_get_date (message)
                                                                             : tern_store_message_get_internal_date (message),
                                   tern_ui_date_format_prefers_24h ());
  add_header (self, 0, _("From"), tern_store_message_get_from (message));
  add_header (self, 1, _("To"), tern_store_message_get_to (message));
  add_header (self, 2, _("Cc"), tern_store_message_get_cc (message));
  add_header (self, 3, _("Date"), date);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->body), "", 0);
  gtk_stack_set_visible_child_name (self->stack, "message");

  if (self->mail == NULL)
    return;
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->body_stack, "loading");
  gtk_spinner_set_spinning (self->spinner, TRUE);
  tern_mail_fetch_body_async (self->mail, self->message_id, self->cancellable, body_cb, g_object_ref (self));
}

/**
 * tern_ui_reader_pane_show_selection:
 *
 * Says how many messages are selected (more than one: none is shown).
 */
void
tern_ui_reader_pane_show_selection (TernUiReaderPane *self, guint n_selected)
{
  g_autofree char *title = NULL;

  g_return_if_fail (TERN_UI_IS_READER_PANE (self));

  stop (self);
  self->message_id = 0;
  /* Translators: the reader pane, with several messages selected */
  title = g_strdup_printf (ngettext ("%u Message Selected", "%u Messages Selected", n_selected), n_selected);
  adw_status_page_set_title (self->selection_page, title);
  gtk_stack_set_visible_child_name (self->stack, "selection");
}

void
tern_ui_reader_pane_clear (TernUiReaderPane *self)
{
  g_return_if_fail (TERN_UI_IS_READER_PANE (self));

  stop (self);
  self->message_id = 0;
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
tern_ui_reader_pane_set_mail (TernUiReaderPane *self, TernMail *mail)
{
  g_return_if_fail (TERN_UI_IS_READER_PANE (self));
  g_set_object (&self->mail, mail);
}

gint64
tern_ui_reader_pane_get_message_id (TernUiReaderPane *self)
{
  g_return_val_if_fail (TERN_UI_IS_READER_PANE (self), 0);
  return self->message_id;
}

/**
 * tern_ui_reader_pane_get_body_text:
 *
 * Returns: (nullable): the text shown, once read
 */
const char *
tern_ui_reader_pane_get_body_text (TernUiReaderPane *self)
{
  g_return_val_if_fail (TERN_UI_IS_READER_PANE (self), NULL);
  return self->body_text;
}

static void
tern_ui_reader_pane_dispose (GObject *object)
{
  TernUiReaderPane *self = TERN_UI_READER_PANE (object);

  stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TERN_UI_TYPE_READER_PANE);
  g_clear_object (&self->mail);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (tern_ui_reader_pane_parent_class)->dispose (object);
}

static void
tern_ui_reader_pane_finalize (GObject *object)
{
  g_free (TERN_UI_READER_PANE (object)->body_text);
  G_OBJECT_CLASS (tern_ui_reader_pane_parent_class)->finalize (object);
}

static void
tern_ui_reader_pane_class_init (TernUiReaderPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_reader_pane_dispose;
  object_class->finalize = tern_ui_reader_pane_finalize;

  /**
   * TernUiReaderPane::mark-read:
   * @message_id: an unread message the user has now read
   *
   * As TernUiMessageView::mark-read: once an unread message has been shown for the
   * `mark-read-delay` setting (at once for 0, never for -1).
   */
  signals[SIGNAL_MARK_READ] = g_signal_new ("mark-read", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                            NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tern-ui-reader-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, selection_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, subject);
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, headers);
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, body_stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, body);
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiReaderPane, body_error);
}

static void
tern_ui_reader_pane_init (TernUiReaderPane *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  if (schema != NULL)
    self->settings = g_settings_new (APP_ID);
}

TernUiReaderPane *
tern_ui_reader_pane_new (void)
{
  return g_object_new (TERN_UI_TYPE_READER_PANE, NULL);
}
