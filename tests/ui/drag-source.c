/* drag-source.c: another program to drag a file from, for the composer's black-box test
 *
 *   drag-source FILE
 *
 * A window titled "Drag Source" at the right of the screen, all of it a drag source of
 * FILE (a GdkFileList, as a file manager offers it, with its text/uri-list).
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>

static GdkContentProvider *
prepare_cb (GtkDragSource *source, double x, double y, GFile *file)
{
  GSList *files = g_slist_append (NULL, file);
  GdkContentProvider *provider = gdk_content_provider_new_typed (GDK_TYPE_FILE_LIST,
                                                                 gdk_file_list_new_from_list (files));

  g_slist_free (files);
  g_printerr ("drag-source: drag started\n");
  return provider;
}

static void
end_cb (GtkDragSource *source, GdkDrag *drag, gboolean delete_data, gpointer data)
{
  g_printerr ("drag-source: drag ended\n");
}

int
main (int argc, char **argv)
{
  GtkWidget *window, *label;
  GtkDragSource *source;
  g_autoptr(GFile) file = NULL;

  if (argc != 2)
    return 2;
  gtk_init ();
  file = g_file_new_for_commandline_arg (argv[1]);
  window = gtk_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), "Drag Source");
  gtk_window_set_default_size (GTK_WINDOW (window), 200, 150);
  label = gtk_label_new ("Drag this file");
  gtk_window_set_child (GTK_WINDOW (window), label);
  source = gtk_drag_source_new ();
  gtk_drag_source_set_actions (source, GDK_ACTION_COPY);
  g_signal_connect (source, "prepare", G_CALLBACK (prepare_cb), file);
  g_signal_connect (source, "drag-end", G_CALLBACK (end_cb), NULL);
  gtk_widget_add_controller (label, GTK_EVENT_CONTROLLER (source));
  gtk_window_present (GTK_WINDOW (window));
  while (g_list_model_get_n_items (gtk_window_get_toplevels ()) > 0)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
