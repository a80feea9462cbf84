/* tern-ui-source-window.c: a message's raw source (View Source)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Read-only and monospace, with every byte visible: control characters as their
 * Unicode pictures, bytes that are not UTF-8 as \xNN, bidirectional overrides as
 * <U+XXXX> (tern_mime_source_make_visible(), run off the UI thread).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-mime-source.h"
#include "tern-ui-source-window.h"

struct _TernUiSourceWindow
{
  AdwWindow       parent_instance;

  GCancellable   *cancellable;
  gboolean        ready;

  AdwWindowTitle *window_title;
  GtkStack       *stack;
  GtkSpinner     *spinner;
  GtkTextView    *text_view;
};

G_DEFINE_FINAL_TYPE (TernUiSourceWindow, tern_ui_source_window, ADW_TYPE_WINDOW)

static void
make_visible_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (task_data, &len);

  g_task_return_pointer (task, tern_mime_source_make_visible (data, len), g_free);
}

static void
visible_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TernUiSourceWindow *self = TERN_UI_SOURCE_WINDOW (source);
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), NULL);

  if (text == NULL)
    return;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  gtk_spinner_set_spinning (self->spinner, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "source");
  self->ready = TRUE;
}

/**
 * tern_ui_source_window_present:
 * @from: a widget of the window the source window belongs to
 * @subject: (nullable): the message's subject, for the title
 * @raw: the raw message
 *
 * Returns: (transfer none): the window, presented
 */
TernUiSourceWindow *
tern_ui_source_window_present (GtkWidget  *from,
                               const char *subject,
                               GBytes     *raw)
{
  TernUiSourceWindow *self = g_object_new (TERN_UI_TYPE_SOURCE_WINDOW, NULL);
  GtkRoot *root = from != NULL ? gtk_widget_get_root (from) : NULL;
  g_autoptr(GTask) task = NULL;

  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (self), GTK_WINDOW (root));
      if (gtk_window_get_application (GTK_WINDOW (root)) != NULL)
        gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (GTK_WINDOW (root)));
    }
  if (subject != NULL && *subject != '\0')
    adw_window_title_set_subtitle (self->window_title, subject);

  task = g_task_new (self, self->cancellable, visible_cb, NULL);
  g_task_set_source_tag (task, tern_ui_source_window_present);
  g_task_set_task_data (task, g_bytes_ref (raw), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, make_visible_thread);

  gtk_window_present (GTK_WINDOW (self));
  return self;
}

GtkTextView *
tern_ui_source_window_get_view (TernUiSourceWindow *self)
{
  g_return_val_if_fail (TERN_UI_IS_SOURCE_WINDOW (self), NULL);
  return self->text_view;
}

/**
 * tern_ui_source_window_get_ready:
 *
 * Returns: whether the source is shown
 */
gboolean
tern_ui_source_window_get_ready (TernUiSourceWindow *self)
{
  g_return_val_if_fail (TERN_UI_IS_SOURCE_WINDOW (self), FALSE);
  return self->ready;
}

static void
tern_ui_source_window_dispose (GObject *object)
{
  TernUiSourceWindow *self = TERN_UI_SOURCE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  G_OBJECT_CLASS (tern_ui_source_window_parent_class)->dispose (object);
}

static void
tern_ui_source_window_finalize (GObject *object)
{
  TernUiSourceWindow *self = TERN_UI_SOURCE_WINDOW (object);

  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tern_ui_source_window_parent_class)->finalize (object);
}

static void
tern_ui_source_window_class_init (TernUiSourceWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_source_window_dispose;
  object_class->finalize = tern_ui_source_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tern-ui-source-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiSourceWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TernUiSourceWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiSourceWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiSourceWindow, text_view);
}

static void
tern_ui_source_window_init (TernUiSourceWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
