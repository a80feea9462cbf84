/* ui-window.c: what the in-process window tests share (see ui-window.h)
 *
 * The helpers work on the window given to ui_window_use(), made by the test.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-ui-sidebar.h"
#include "ui-screenshot.h"
#include "ui-window.h"

static TernUiApplication *the_app;
static TernUiWindow *the_win;

/**
 * ui_window_use:
 *
 * The application and the window the other helpers work on.
 */
void
ui_window_use (TernUiApplication *app, TernUiWindow *win)
{
  the_app = app;
  the_win = win;
}

/* ---- the window's parts ----------------------------------------------------------------- */

/* The window's template child @name (it must exist). */
gpointer
ui_child (const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (the_win), TERN_UI_TYPE_WINDOW, name);

  g_assert_nonnull (object);
  return object;
}

TernUiMessageList *
ui_message_list (void)
{
  return ui_child ("message_list");
}

TernUiIdSelection *
ui_selection (void)
{
  return tern_ui_message_list_get_selection (ui_message_list ());
}

/* Runs the window's action @action (it must be there and enabled). */
void
ui_activate (const char *action, GVariant *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (GTK_WIDGET (the_win), action, parameter));
}

/* ---- conditions for ui_wait_until() --------------------------------------------------------- */

gboolean
ui_mail_loaded (gpointer data)
{
  return tern_ui_application_get_mail (the_app) != NULL;
}

gboolean
ui_not_syncing (gpointer data)
{
  return !tern_ui_application_get_syncing (the_app);
}

gboolean
ui_sidebar_loaded (gpointer data)
{
  return tern_ui_sidebar_get_loaded (ui_child ("sidebar"));
}

/* ---- paints and screenshots ---------------------------------------------------------------- */

static void
painted_cb (GdkFrameClock *clock, gpointer data)
{
  (*(guint *) data)++;
}

/* Waits until @widget's window has painted twice (a style change relayouts everything),
 * five seconds at most. */
void
ui_wait_painted (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  guint n_painted = 0;
  gulong id;
  gint64 until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  if (clock == NULL)
    return;
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &n_painted);
  while (n_painted < 2 && g_get_monotonic_time () < until)
    {
      gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, id);
}

/* The X screen from its top left corner, @width × @height, as the X server shows it
 * (popovers and dialogs are surfaces of their own): $TERN_SCREENSHOT_DIR/@name. */
void
ui_x_screenshot_area (const char *name, int width, int height)
{
  const char *dir = g_getenv ("TERN_SCREENSHOT_DIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  g_autofree char *cmd = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s", width, height, path);
  int status = -1;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_test_message ("screenshot: %s", path);
}

/* The screen over @window (at the top left: there is no window manager), once it
 * has settled and painted. */
void
ui_x_screenshot (GtkWidget *window, const char *name)
{
  ui_settle (250);
  ui_wait_painted (window);
  ui_x_screenshot_area (name, gtk_widget_get_width (window), gtk_widget_get_height (window));
}

/* ---- toasts ------------------------------------------------------------------------------- */

/* A mapped label under @root whose text holds @part. */
GtkWidget *
ui_find_label_with (GtkWidget *root, const char *part)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), part) != NULL)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = ui_find_label_with (c, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A label holding @part in a toast shown (libadwaita's toast widget, CSS name
 * "toast"), not elsewhere in the overlay (the sidebar's account status, say). */
static GtkWidget *
find_toast_label (GtkWidget *root, const char *part)
{
  if (g_strcmp0 (gtk_widget_get_css_name (root), "toast") == 0)
    return ui_find_label_with (root, part);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_toast_label (c, part);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The label of a toast of the window that holds @part, or NULL. */
GtkWidget *
ui_find_toast_label (const char *part)
{
  return find_toast_label (GTK_WIDGET (ui_child ("toast_overlay")), part);
}

/* Whether a toast of the window says @part (a string). */
gboolean
ui_toast_shows (gpointer part)
{
  return ui_find_toast_label (part) != NULL;
}

static gboolean
dismiss_toast (GtkWidget *root, gboolean in_toast)
{
  in_toast = in_toast || g_strcmp0 (gtk_widget_get_css_name (root), "toast") == 0;
  if (in_toast && GTK_IS_BUTTON (root) &&
      g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (root)), "window-close-symbolic") == 0)
    {
      g_signal_emit_by_name (root, "clicked");
      return TRUE;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (dismiss_toast (c, in_toast))
      return TRUE;   /* the toast may be gone: its children too */
  return FALSE;
}

/* Closes the toast shown, if any (its close button). Returns whether there was one. */
gboolean
ui_dismiss_toast (void)
{
  return dismiss_toast (GTK_WIDGET (ui_child ("toast_overlay")), FALSE);
}

/* Closes the toasts shown and queued, so that the next toasts show. */
void
ui_dismiss_toasts (void)
{
  for (guint i = 0; i < 5 && ui_dismiss_toast (); i++)
    ui_settle (100);
}

/* ---- dialogs ------------------------------------------------------------------------------ */

/* The AdwMessageDialog shown, or NULL. */
AdwMessageDialog *
ui_find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

gboolean
ui_dialog_shown (gpointer data)
{
  return ui_find_dialog () != NULL;
}

/* What a click on a response button does: the response, then the dialog closes. */
void
ui_respond (AdwMessageDialog *dialog, const char *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---- accessible names --------------------------------------------------------------------- */

/* Whether a screen reader has a name for @widget: its label property, a labelling
 * widget, or a button's own text (not an icon's). */
gboolean
ui_is_named (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
         gtk_button_get_icon_name (GTK_BUTTON (widget)) == NULL;
}
