/* tern-ui-window.c: the main window
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-ui-window.h"

struct _TernUiWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  AdwStatusPage        *empty_page;
  GtkButton            *add_account_button;
  GtkMenuButton        *primary_menu_button;
  AdwWindowTitle       *window_title;
  GtkButton            *sync_button;
  GtkSpinner           *sync_spinner;
  AdwStatusPage        *accounts_page;
};

G_DEFINE_FINAL_TYPE (TernUiWindow, tern_ui_window, ADW_TYPE_APPLICATION_WINDOW)


static void
add_account_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TernUiWindow *self = TERN_UI_WINDOW (widget);
  AdwToast *toast;

  /* The account assistant arrives with the wizard; say so rather than do nothing. */
  toast = adw_toast_new (_("The account assistant is not available in this version yet"));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* "application" is not a construct property, so it is only set after constructed()
 * has run: the window takes what it needs from the application here instead. */
static void
setup_from_application (TernUiWindow      *self,
                        TernUiApplication *app)
{
  GSettings *settings = tern_ui_application_get_settings (app);
  const GError *tls_error = tern_ui_application_get_tls_error (app);

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  if (tls_error != NULL)
    {
      AdwToast *toast = adw_toast_new (tls_error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
}

/**
 * tern_ui_window_set_has_accounts:
 *
 * Shows the welcome page (no account yet) or the accounts' page with the sync button.
 */
void
tern_ui_window_set_has_accounts (TernUiWindow *self,
                                 gboolean      has_accounts)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  gtk_stack_set_visible_child_name (self->main_stack, has_accounts ? "accounts" : "empty");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_button), has_accounts);
}

/**
 * tern_ui_window_set_sync_status:
 * @status: (nullable): what the sync is doing, or how it ended
 * @running: whether a sync runs
 *
 * The sync's status, under the window title, with a spinner while it runs.
 */
void
tern_ui_window_set_sync_status (TernUiWindow *self,
                                const char   *status,
                                gboolean      running)
{
  g_return_if_fail (TERN_UI_IS_WINDOW (self));

  adw_window_title_set_subtitle (self->window_title, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sync_spinner), running);
  gtk_spinner_set_spinning (self->sync_spinner, running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), !running);
}

TernUiWindow *
tern_ui_window_new (TernUiApplication *application)
{
  TernUiWindow *self;

  g_return_val_if_fail (TERN_UI_IS_APPLICATION (application), NULL);

  self = g_object_new (TERN_UI_TYPE_WINDOW,
                       "application", application,
                       NULL);
  setup_from_application (self, application);

  return self;
}

static void
tern_ui_window_class_init (TernUiWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/ui/tern-ui-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, add_account_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, TernUiWindow, accounts_page);

  gtk_widget_class_install_action (widget_class, "win.add-account", NULL, add_account_action_cb);
}

static void
tern_ui_window_init (TernUiWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
