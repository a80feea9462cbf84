/* tern-ui-attachments.c: a message's attachments: listed, opened, saved
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Open writes a private copy (0600, in a 0700 folder of its own under
 * $XDG_CACHE_HOME/tern/attachments; copies older than a day are removed) and
 * opens it with the default application. Files that could run programs are only
 * opened after the user confirms. Save and Save All use the file chooser portal
 * (GtkFileChooserNative) and write off the UI thread.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <adwaita.h>

#include "tern-ui-attachments.h"
#include "tern-ui-reader-private.h"

#define MAX_AGE_SECONDS (24 * 60 * 60)

static TernUiReaderLaunchHook launch_hook;
static gpointer launch_hook_data;

/**
 * _tern_ui_reader_set_launch_hook:
 *
 * Tests: open files with @hook instead of the default application.
 */
void
_tern_ui_reader_set_launch_hook (TernUiReaderLaunchHook hook, gpointer user_data)
{
  launch_hook = hook;
  launch_hook_data = user_data;
}

static char *
gio_content_type (TernMimePart *part)
{
  g_autofree char *from_mime = g_content_type_from_mime_type (tern_mime_part_get_content_type (part));

  return from_mime != NULL ? g_steal_pointer (&from_mime) : g_strdup ("application/octet-stream");
}

/* ---- the row ---------------------------------------------------------------------- */

/**
 * tern_ui_attachment_row_new:
 * @part: the attachment
 * @index: its index in the message's attachments (the actions' target)
 *
 * Returns: (transfer floating): a row with the attachment's icon, name, type and
 *   size, and Open and Save buttons (the `card.open-attachment` and
 *   `card.save-attachment` actions)
 */
GtkWidget *
tern_ui_attachment_row_new (TernMimePart *part, guint index)
{
  g_autofree char *type = gio_content_type (part);
  g_autofree char *description = g_content_type_get_description (type);
  g_autofree char *size = g_format_size (tern_mime_part_get_size (part));
  g_autofree char *subtitle = NULL;
  g_autofree char *open_label = NULL;
  g_autofree char *save_label = NULL;
  g_autoptr(GIcon) icon = g_content_type_get_symbolic_icon (type);
  const char *name = tern_mime_part_get_filename (part);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_gicon (icon);
  GtkWidget *open = gtk_button_new_from_icon_name ("document-open-symbolic");
  GtkWidget *save = gtk_button_new_from_icon_name ("document-save-symbolic");

  /* Translators: an attachment's type and size, as "PDF document · 1.2 MB" */
  subtitle = g_strdup_printf (_("%s · %s"), description, size);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);

  /* Translators: the accessible name of the button that opens an attachment */
  open_label = g_strdup_printf (_("Open “%s”"), name);
  /* Translators: the accessible name of the button that saves an attachment */
  save_label = g_strdup_printf (_("Save “%s”…"), name);
  gtk_widget_set_tooltip_text (open, _("Open"));
  gtk_widget_set_tooltip_text (save, _("Save As…"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (open), GTK_ACCESSIBLE_PROPERTY_LABEL, open_label, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (save), GTK_ACCESSIBLE_PROPERTY_LABEL, save_label, -1);
  for (GtkWidget *b = open; b != NULL; b = b == open ? save : NULL)
    {
      gtk_widget_set_valign (b, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (b, "flat");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), b);
    }
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "card.open-attachment");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (open), "u", index);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (save), "card.save-attachment");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (save), "u", index);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), open);
  return row;
}

/* ---- private copies ------------------------------------------------------------------ */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Copies opened more than a day ago are not needed any more. */
static void
prune_old_copies (const char *root)
{
  g_autoptr(GDir) dir = g_dir_open (root, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode) && now - (gint64) st.st_mtime > MAX_AGE_SECONDS)
        remove_tree (path);
    }
}

static void
write_private_copy_thread (GTask        *task,
                           gpointer      source,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  TernMimePart *part = task_data;
  g_autofree char *root = g_build_filename (g_get_user_cache_dir (), "tern", "attachments", NULL);
  g_autofree char *folder = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  GBytes *bytes = tern_mime_part_get_bytes (part);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (g_mkdir_with_parents (root, 0700) != 0 || g_chmod (root, 0700) != 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "%s: %s", root, g_strerror (saved));
      return;
    }
  prune_old_copies (root);

  folder = g_build_filename (root, "XXXXXX", NULL);
  if (g_mkdtemp_full (folder, 0700) == NULL)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               "%s: %s", root, g_strerror (saved));
      return;
    }
  path = g_build_filename (folder, tern_mime_part_get_filename (part), NULL);
  if (!g_file_set_contents_full (path, data != NULL ? data : "", len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_file_new_for_path (path), g_object_unref);
}

/**
 * tern_ui_attachment_write_private_copy_async:
 *
 * Writes the attachment to a new private file (0600, in a new 0700 folder under
 * $XDG_CACHE_HOME/tern/attachments), off the UI thread.
 */
void
tern_ui_attachment_write_private_copy_async (TernMimePart        *part,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, tern_ui_attachment_write_private_copy_async);
  g_task_set_task_data (task, g_object_ref (part), g_object_unref);
  g_task_run_in_thread (task, write_private_copy_thread);
}

/**
 * tern_ui_attachment_write_private_copy_finish:
 *
 * Returns: (transfer full): the file written
 */
GFile *
tern_ui_attachment_write_private_copy_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- open ---------------------------------------------------------------------------- */

static gboolean
could_run_programs (TernMimePart *part)
{
  static const char * const types[] = {
    "application/x-executable", "application/x-sharedlib", "application/x-desktop",
    "application/x-shellscript", "application/x-ms-dos-executable", "application/x-msdownload",
    "application/x-msi", "application/x-ms-shortcut", "application/java-archive",
    "application/vnd.microsoft.portable-executable", "application/x-perl", "application/x-python",
    "application/vnd.appimage", "application/x-csh", "application/javascript",
  };
  static const char * const extensions[] = {
    ".desktop", ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".sh", ".bash", ".run",
    ".jar", ".js", ".vbs", ".vbe", ".wsf", ".ps1", ".appimage", ".py", ".pl", ".lnk", ".hta",
  };
  const char *name = tern_mime_part_get_filename (part);
  g_autofree char *lower = g_utf8_strdown (name, -1);
  gsize len;
  const guchar *data = g_bytes_get_data (tern_mime_part_get_bytes (part), &len);
  g_autofree char *guessed = g_content_type_guess (name, data, MIN (len, 4096), NULL);
  g_autofree char *declared = gio_content_type (part);

  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *t = g_content_type_from_mime_type (types[i]);

      if (t != NULL && (g_content_type_is_a (guessed, t) || g_content_type_is_a (declared, t)))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  GtkWidget *from;
  char      *name;
} OpenData;

static void
open_data_free (OpenData *d)
{
  g_object_unref (d->from);
  g_free (d->name);
  g_free (d);
}

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  OpenData *d = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s"), d->name, error->message);

      _tern_ui_reader_toast (d->from, text);
    }
  open_data_free (d);
}

static void
copy_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  OpenData *d = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = tern_ui_attachment_write_private_copy_finish (result, &error);
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autofree char *uri = NULL;

  if (file == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Could not open “%s”: %s"), d->name, error->message);

      _tern_ui_reader_toast (d->from, text);
      open_data_free (d);
      return;
    }
  if (launch_hook != NULL)
    {
      launch_hook (file, launch_hook_data);
      open_data_free (d);
      return;
    }
  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (d->from)));
  uri = g_file_get_uri (file);
  g_app_info_launch_default_for_uri_async (uri, context, NULL, launched_cb, d);
}

static void
open_now (GtkWidget *from, TernMimePart *part)
{
  OpenData *d = g_new0 (OpenData, 1);

  d->from = g_object_ref (from);
  d->name = g_strdup (tern_mime_part_get_filename (part));
  tern_ui_attachment_write_private_copy_async (part, NULL, copy_written_cb, d);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  TernMimePart *part = g_object_get_data (G_OBJECT (dialog), "part");
  GtkWidget *from = g_object_get_data (G_OBJECT (dialog), "from");

  if (g_strcmp0 (response, "open") == 0)
    open_now (from, part);
}

/**
 * tern_ui_attachment_open:
 * @from: the widget asking (for the display, the dialog's parent, toasts)
 *
 * Opens a private copy of the attachment with the default application; asks
 * first when the file could run programs.
 */
void
tern_ui_attachment_open (GtkWidget *from, TernMimePart *part)
{
  GtkWidget *dialog;
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (from));
  g_return_if_fail (TERN_IS_MIME_PART (part));

  if (!could_run_programs (part))
    {
      open_now (from, part);
      return;
    }

  root = gtk_widget_get_root (from);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Open a File That Can Run Programs?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” could change your computer or run programs. Open it only if you "
                                    "trust its sender and expected this file."),
                                  tern_mime_part_get_filename (part));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "open", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "part", g_object_ref (part), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "from", g_object_ref (from), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- save ------------------------------------------------------------------------------ */

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GtkWidget) from = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));
      g_autofree char *text = g_strdup_printf (_("Could not save “%s”: %s"), name, error->message);

      _tern_ui_reader_toast (from, text);
    }
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  TernMimePart *part = g_object_get_data (G_OBJECT (chooser), "part");
  GtkWidget *from = g_object_get_data (G_OBJECT (chooser), "from");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        g_file_replace_contents_bytes_async (file, tern_mime_part_get_bytes (part), NULL, FALSE,
                                             G_FILE_CREATE_NONE, NULL, saved_cb, g_object_ref (from));
    }
  g_object_unref (chooser);
}

static GtkFileChooserNative *
chooser_new (GtkWidget *from, const char *title, GtkFileChooserAction action, const char *accept)
{
  GtkRoot *root = gtk_widget_get_root (from);
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         action, accept, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data_full (G_OBJECT (chooser), "from", g_object_ref (from), g_object_unref);
  return chooser;
}

/**
 * tern_ui_attachment_save:
 *
 * Asks where to save the attachment, then saves it.
 */
void
tern_ui_attachment_save (GtkWidget *from, TernMimePart *part)
{
  GtkFileChooserNative *chooser;

  g_return_if_fail (GTK_IS_WIDGET (from));
  g_return_if_fail (TERN_IS_MIME_PART (part));

  chooser = chooser_new (from, _("Save Attachment"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), tern_mime_part_get_filename (part));
  g_object_set_data_full (G_OBJECT (chooser), "part", g_object_ref (part), g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* "name (2).ext" for the second file called "name.ext" */
static char *
numbered_name (const char *name, guint n)
{
  const char *dot = strrchr (name, '.');

  if (n < 2)
    return g_strdup (name);
  if (dot == NULL || dot == name)
    return g_strdup_printf ("%s (%u)", name, n);
  return g_strdup_printf ("%.*s (%u)%s", (int) (dot - name), name, n, dot);
}

static void
save_all_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GPtrArray *parts = task_data;
  GFile *folder = g_object_get_data (G_OBJECT (task), "folder");
  guint saved = 0;

  for (guint i = 0; i < parts->len; i++)
    {
      TernMimePart *part = g_ptr_array_index (parts, i);
      GBytes *bytes = tern_mime_part_get_bytes (part);
      g_autoptr(GFileOutputStream) out = NULL;
      g_autoptr(GError) error = NULL;

      for (guint n = 1; n < 1000 && out == NULL; n++)
        {
          g_autofree char *name = numbered_name (tern_mime_part_get_filename (part), n);
          g_autoptr(GFile) file = g_file_get_child (folder, name);

          g_clear_error (&error);
          out = g_file_create (file, G_FILE_CREATE_NONE, cancellable, &error);
          if (out == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
            break;
        }
      if (out == NULL ||
          !g_output_stream_write_all (G_OUTPUT_STREAM (out), g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      NULL, cancellable, &error) ||
          !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      saved++;
    }
  g_task_return_int (task, saved);
}

/**
 * tern_ui_attachment_save_all_to_async:
 * @parts: (element-type TernMimePart): the attachments
 * @folder: where to save them; a name taken already gets a number ("a (2).pdf")
 *
 * Saves every attachment into @folder, off the UI thread. Nothing is overwritten.
 */
void
tern_ui_attachment_save_all_to_async (GPtrArray           *parts,
                                      GFile               *folder,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  GPtrArray *copy = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < parts->len; i++)
    g_ptr_array_add (copy, g_object_ref (g_ptr_array_index (parts, i)));
  g_task_set_source_tag (task, tern_ui_attachment_save_all_to_async);
  g_task_set_task_data (task, copy, (GDestroyNotify) g_ptr_array_unref);
  g_object_set_data_full (G_OBJECT (task), "folder", g_object_ref (folder), g_object_unref);
  g_task_run_in_thread (task, save_all_thread);
}

/**
 * tern_ui_attachment_save_all_to_finish:
 *
 * Returns: how many attachments were saved
 */
guint
tern_ui_attachment_save_all_to_finish (GAsyncResult *result, GError **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  n = g_task_propagate_int (G_TASK (result), error);
  return n > 0 ? (guint) n : 0;
}

static void
saved_all_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GtkWidget) from = user_data;
  g_autoptr(GError) error = NULL;
  guint n = tern_ui_attachment_save_all_to_finish (result, &error);
  g_autofree char *text = NULL;

  if (error != NULL)
    text = g_strdup_printf (_("Could not save the attachments: %s"), error->message);
  else
    text = g_strdup_printf (ngettext ("Saved %u attachment", "Saved %u attachments", n), n);
  _tern_ui_reader_toast (from, text);
}

static void
save_all_response_cb (GtkNativeDialog *chooser,
                      int              response,
                      gpointer         user_data)
{
  GPtrArray *parts = g_object_get_data (G_OBJECT (chooser), "parts");
  GtkWidget *from = g_object_get_data (G_OBJECT (chooser), "from");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (folder != NULL)
        tern_ui_attachment_save_all_to_async (parts, folder, NULL, saved_all_cb, g_object_ref (from));
    }
  g_object_unref (chooser);
}

/**
 * tern_ui_attachment_save_all:
 * @parts: (element-type TernMimePart): the attachments
 *
 * Asks for a folder, then saves every attachment into it.
 */
void
tern_ui_attachment_save_all (GtkWidget *from, GPtrArray *parts)
{
  GtkFileChooserNative *chooser;

  g_return_if_fail (GTK_IS_WIDGET (from));

  chooser = chooser_new (from, _("Save All Attachments"), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Save"));
  g_object_set_data_full (G_OBJECT (chooser), "parts", g_ptr_array_ref (parts), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (save_all_response_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
