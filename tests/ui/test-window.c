/* test-window.c: the main window, in process, under Xvfb
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gtk/gtk.h>
#include <adwaita.h>

#include "tern-engine.h"
#include "tern-ui-account-assistant.h"
#include "tern-ui-application.h"
#include "tern-ui-window.h"
#include "ui-screenshot.h"

static TernUiApplication *app;
static TernUiWindow *win;

static gboolean
is_shown (gpointer w)
{
  return gtk_widget_get_mapped (GTK_WIDGET (w)) && gtk_widget_get_width (GTK_WIDGET (w)) > 0;
}

/* A person sees a label when it is mapped with that text. */
static GtkWidget *
find_label (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkWidget *
template_child (const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (win), TERN_UI_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static void
test_window_shown (void)
{
  GtkWindow *active;

  g_assert_true (ui_wait_until (is_shown, win, 5000));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (win)), ==, "Tern");
  g_assert_true (gtk_window_get_application (GTK_WINDOW (win)) == GTK_APPLICATION (app));
  active = gtk_application_get_active_window (GTK_APPLICATION (app));
  /* No account: the assistant may have opened by itself over the window already. */
  g_assert_true (active == GTK_WINDOW (win) || active == NULL ||
                 (TERN_UI_IS_ACCOUNT_ASSISTANT (active) && gtk_window_get_transient_for (active) == GTK_WINDOW (win)));
}

static TernUiAccountAssistant *
find_assistant (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (TERN_UI_IS_ACCOUNT_ASSISTANT (l->data))
      return l->data;
  return NULL;
}

static gboolean
assistant_shown (gpointer data)
{
  TernUiAccountAssistant *assistant = find_assistant ();

  return assistant != NULL && gtk_widget_get_mapped (GTK_WIDGET (assistant));
}

static gboolean
assistant_gone (gpointer data)
{
  return find_assistant () == NULL;
}

static void
test_empty_state (void)
{
  GtkStack *stack = GTK_STACK (template_child ("main_stack"));
  GtkWidget *button = template_child ("add_account_button");
  TernUiAccountAssistant *assistant;

  ui_settle (50);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "empty");
  g_assert_nonnull (find_label (GTK_WIDGET (win), "Welcome to Tern"));
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.add-account");
  g_assert_true (gtk_widget_is_sensitive (button));

  /* The first start: the account assistant opened by itself, over the window. */
  g_assert_true (ui_wait_until (assistant_shown, NULL, 5000));
  assistant = find_assistant ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (assistant)) == GTK_WINDOW (win));
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (assistant)));
  g_assert_cmpstr (tern_ui_account_assistant_get_page (assistant), ==, "who");
  /* Typing, then Escape: the window closes (with the focus in an entry row). */
  gtk_widget_grab_focus (GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (assistant),
                                                                    TERN_UI_TYPE_ACCOUNT_ASSISTANT, "email_row")));
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (assistant),
                                                                      TERN_UI_TYPE_ACCOUNT_ASSISTANT, "email_row")),
                         "someone@example.org");
  gtk_widget_activate_action (GTK_WIDGET (assistant), "window.close", NULL);
  g_assert_true (ui_wait_until (assistant_gone, NULL, 5000));

  /* The welcome page's button opens it again. */
  gtk_widget_activate (button);
  g_assert_true (ui_wait_until (assistant_shown, NULL, 5000));
  gtk_window_close (GTK_WINDOW (find_assistant ()));
  g_assert_true (ui_wait_until (assistant_gone, NULL, 5000));
}

static void
test_actions_and_accels (void)
{
  g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_auto(GStrv) add = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.add-account");

  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "quit"));
  g_assert_nonnull (g_action_map_lookup_action (G_ACTION_MAP (app), "about"));
  g_assert_cmpuint (g_strv_length (quit), ==, 1);
  g_assert_cmpstr (quit[0], ==, "<Control>q");
  g_assert_cmpuint (g_strv_length (add), ==, 1);
  g_assert_cmpstr (add[0], ==, "<Shift><Control>n");
  /* GtkApplication loads gtk/help-overlay.ui from the resource base path */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (win)));
}

static void
test_accessibility (void)
{
  GtkWidget *button = template_child ("add_account_button");
  GtkWidget *menu_button = template_child ("primary_menu_button");

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_ROLE_BUTTON);
  /* an icon-only button needs a name for screen readers */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Main Menu");
}

/* Paint the window's content offscreen and save it next to the test log. */
static void
test_screenshot (void)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (win));
  g_autofree char *path = NULL;
  int width, height;

  gtk_widget_queue_draw (content);
  ui_settle (100);
  width = gtk_widget_get_width (content);
  height = gtk_widget_get_height (content);
  g_assert_cmpint (width, >, 300);
  g_assert_cmpint (height, >, 200);
  /* The assistant opening over it (first start) restyles the window: wait for the
   * new frame. */
  for (guint i = 0; i < 50 && (path = ui_screenshot_save (content, "tern-window.png")) == NULL; i++)
    {
      gtk_widget_queue_draw (content);
      ui_settle (100);
    }
  g_assert_nonnull (path);
  g_test_message ("screenshot: %s (%dx%d)", path, width, height);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);
  ui_watchdog_start ();
  tern_engine_init ();

  app = tern_ui_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  /* register() ran startup: actions, accels, help overlay */

  win = tern_ui_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (win), 960, 640);
  gtk_window_present (GTK_WINDOW (win));

  g_test_add_func ("/ui/window/shown", test_window_shown);
  g_test_add_func ("/ui/window/screenshot", test_screenshot);
  g_test_add_func ("/ui/window/empty-state", test_empty_state);
  g_test_add_func ("/ui/window/actions", test_actions_and_accels);
  g_test_add_func ("/ui/window/accessibility", test_accessibility);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (app);
  return ret;
}
