/* tern-ui-attachment-list.c: the files attached to a message being written
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A boxed list, one row per file: its icon, name and size, and a button that removes
 * it. Files (from the file chooser, or dropped) are read on worker threads; the list
 * is "loading" meanwhile, and says "error" when a file cannot be read. Hidden while
 * empty.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-attachment-list.h"

struct _TernUiAttachmentList
{
  GtkWidget     parent_instance;

  GtkWidget    *list;         /* GtkListBox */
  GPtrArray    *attachments;  /* TernOutboxAttachment, in the rows' order */
  GCancellable *cancellable;
  guint         n_loading;
};

G_DEFINE_FINAL_TYPE (TernUiAttachmentList, tern_ui_attachment_list, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_N_ATTACHMENTS, PROP_LOADING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CHANGED, SIGNAL_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

GtkWidget *
tern_ui_attachment_list_new (void)
{
  return g_object_new (TERN_UI_TYPE_ATTACHMENT_LIST, NULL);
}

static void
changed (TernUiAttachmentList *self)
{
  gtk_widget_set_visible (self->list, self->attachments->len > 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ATTACHMENTS]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
remove_clicked_cb (GtkButton *button, TernUiAttachmentList *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  tern_ui_attachment_list_remove (self, gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
}

static GtkWidget *
row_new (TernUiAttachmentList *self, const TernOutboxAttachment *attachment)
{
  g_autofree char *size = g_format_size (g_bytes_get_size (attachment->data));
  g_autofree char *content_type = g_content_type_from_mime_type (attachment->content_type);
  g_autoptr(GIcon) icon = content_type != NULL ? g_content_type_get_symbolic_icon (content_type) : NULL;
  /* Translators: an attachment's name and size, for screen readers */
  g_autofree char *accessible = g_strdup_printf (_("%s, %s"), attachment->filename, size);
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), attachment->filename);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *image = icon != NULL ? gtk_image_new_from_gicon (icon) : gtk_image_new_from_icon_name ("mail-attachment-symbolic");
  GtkWidget *name = gtk_label_new (attachment->filename);
  GtkWidget *size_label = gtk_label_new (size);
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, attachment->content_type,
                                  -1);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (size_label, "dim-label");
  gtk_widget_add_css_class (size_label, "numeric");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), size_label);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return row;
}

/**
 * tern_ui_attachment_list_add:
 * @attachment: (transfer none): copied
 */
void
tern_ui_attachment_list_add (TernUiAttachmentList *self, const TernOutboxAttachment *attachment)
{
  g_return_if_fail (TERN_UI_IS_ATTACHMENT_LIST (self));

  g_ptr_array_add (self->attachments, tern_outbox_attachment_copy (attachment));
  gtk_list_box_append (GTK_LIST_BOX (self->list), row_new (self, attachment));
  changed (self);
}

void
tern_ui_attachment_list_remove (TernUiAttachmentList *self, guint position)
{
  GtkListBoxRow *row;

  g_return_if_fail (TERN_UI_IS_ATTACHMENT_LIST (self));
  g_return_if_fail (position < self->attachments->len);

  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (self->list), position);
  gtk_list_box_remove (GTK_LIST_BOX (self->list), GTK_WIDGET (row));
  g_ptr_array_remove_index (self->attachments, position);
  changed (self);
}

/* ---- reading files on workers ------------------------------------------------------------ */

static void
read_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *contents = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) data = NULL;
  GError *error = NULL;
  gsize length = 0;
  const char *name;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME, G_FILE_QUERY_INFO_NONE, cancellable, NULL);
  name = info != NULL ? g_file_info_get_display_name (info) : NULL;
  data = g_bytes_new_take (g_steal_pointer (&contents), length);
  if (name == NULL)
    {
      g_autofree char *basename = g_file_get_basename (file);
      g_task_return_pointer (task, tern_outbox_attachment_new (basename, NULL, data),
                             (GDestroyNotify) tern_outbox_attachment_free);
      return;
    }
  g_task_return_pointer (task, tern_outbox_attachment_new (name, NULL, data),
                         (GDestroyNotify) tern_outbox_attachment_free);
}

static void
read_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  TernUiAttachmentList *self = TERN_UI_ATTACHMENT_LIST (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxAttachment) attachment = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->n_loading--;
  if (attachment != NULL)
    tern_ui_attachment_list_add (self, attachment);
  else
    {
      GFile *file = g_task_get_task_data (G_TASK (result));
      g_autofree char *name = g_file_get_parse_name (file);
      g_autofree char *message = g_strdup_printf (_("“%s” cannot be attached: %s"), name, error->message);

      g_signal_emit (self, signals[SIGNAL_ERROR], 0, message);
    }
  if (self->n_loading == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

/**
 * tern_ui_attachment_list_add_files:
 * @files: (element-type GFile): files to attach, read on workers
 */
void
tern_ui_attachment_list_add_files (TernUiAttachmentList *self, GList *files)
{
  g_return_if_fail (TERN_UI_IS_ATTACHMENT_LIST (self));

  for (GList *l = files; l != NULL; l = l->next)
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, read_done_cb, NULL);

      g_task_set_source_tag (task, tern_ui_attachment_list_add_files);
      g_task_set_task_data (task, g_object_ref (l->data), g_object_unref);
      if (self->n_loading++ == 0)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      g_task_run_in_thread (task, read_thread);
    }
}

/**
 * tern_ui_attachment_list_dup_attachments:
 *
 * Returns: (transfer full) (element-type TernOutboxAttachment): copies of the attachments
 */
GPtrArray *
tern_ui_attachment_list_dup_attachments (TernUiAttachmentList *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_outbox_attachment_free);

  g_return_val_if_fail (TERN_UI_IS_ATTACHMENT_LIST (self), copy);
  for (guint i = 0; i < self->attachments->len; i++)
    g_ptr_array_add (copy, tern_outbox_attachment_copy (g_ptr_array_index (self->attachments, i)));
  return copy;
}

guint
tern_ui_attachment_list_get_n_attachments (TernUiAttachmentList *self)
{
  g_return_val_if_fail (TERN_UI_IS_ATTACHMENT_LIST (self), 0);
  return self->attachments->len;
}

guint64
tern_ui_attachment_list_get_total_size (TernUiAttachmentList *self)
{
  guint64 total = 0;

  g_return_val_if_fail (TERN_UI_IS_ATTACHMENT_LIST (self), 0);
  for (guint i = 0; i < self->attachments->len; i++)
    total += g_bytes_get_size (((TernOutboxAttachment *) g_ptr_array_index (self->attachments, i))->data);
  return total;
}

/**
 * tern_ui_attachment_list_get_loading:
 *
 * Returns: whether files are still being read
 */
gboolean
tern_ui_attachment_list_get_loading (TernUiAttachmentList *self)
{
  g_return_val_if_fail (TERN_UI_IS_ATTACHMENT_LIST (self), FALSE);
  return self->n_loading > 0;
}

static void
tern_ui_attachment_list_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiAttachmentList *self = TERN_UI_ATTACHMENT_LIST (object);

  switch (prop_id)
    {
    case PROP_N_ATTACHMENTS:
      g_value_set_uint (value, self->attachments->len);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->n_loading > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_attachment_list_dispose (GObject *object)
{
  TernUiAttachmentList *self = TERN_UI_ATTACHMENT_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->list, gtk_widget_unparent);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  G_OBJECT_CLASS (tern_ui_attachment_list_parent_class)->dispose (object);
}

static void
tern_ui_attachment_list_class_init (TernUiAttachmentListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tern_ui_attachment_list_dispose;
  object_class->get_property = tern_ui_attachment_list_get_property;

  properties[PROP_N_ATTACHMENTS] = g_param_spec_uint ("n-attachments", NULL, NULL, 0, G_MAXUINT, 0,
                                                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                      G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                   G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
tern_ui_attachment_list_init (TernUiAttachmentList *self)
{
  self->attachments = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_outbox_attachment_free);
  self->cancellable = g_cancellable_new ();
  self->list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (self->list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (self->list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Attachments"), -1);
  gtk_widget_set_visible (self->list, FALSE);
  gtk_widget_set_parent (self->list, GTK_WIDGET (self));
}
