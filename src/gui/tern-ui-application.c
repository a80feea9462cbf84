/* tern-ui-application.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-ui-application.h"
#include "tern-ui-window.h"

struct _TernUiApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  GError         *tls_error;
};

G_DEFINE_FINAL_TYPE (TernUiApplication, tern_ui_application, ADW_TYPE_APPLICATION)

TernUiApplication *
tern_ui_application_new (void)
{
  return g_object_new (TERN_UI_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/**
 * tern_ui_application_get_settings:
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
tern_ui_application_get_settings (TernUiApplication *self)
{
  g_return_val_if_fail (TERN_UI_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * tern_ui_application_get_tls_error:
 *
 * Returns: (nullable): why TLS connections are impossible, or %NULL when they work
 */
const GError *
tern_ui_application_get_tls_error (TernUiApplication *self)
{
  g_return_val_if_fail (TERN_UI_IS_APPLICATION (self), NULL);

  return self->tls_error;
}

static TernUiWindow *
get_or_create_window (TernUiApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (tern_ui_window_new (self));

  return TERN_UI_WINDOW (window);
}

static void
tern_ui_application_activate (GApplication *app)
{
  TernUiApplication *self = TERN_UI_APPLICATION (app);

  gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
}

static void
tern_ui_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  TernUiApplication *self = TERN_UI_APPLICATION (app);

  /* mailto: links arrive here; the composer will take them. Until then the
   * window is shown so the user sees Tern answered the link. */
  gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TernUiApplication *self = user_data;
  static const char *developers[] = { "The Tern developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (parent,
                         "application-name", _("Tern"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Tern developers"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/ternmail/tern",
                         "issue-url", "https://github.com/ternmail/tern/issues",
                         "copyright", "© 2026 The Tern developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: your name(s), one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_action_cb },
  { .name = "about", .activate = about_action_cb },
};

static void
tern_ui_application_startup (GApplication *app)
{
  TernUiApplication *self = TERN_UI_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *add_account_accels[] = { "<Control><Shift>n", NULL };

  G_APPLICATION_CLASS (tern_ui_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.add-account", add_account_accels);

  gtk_window_set_default_icon_name (APP_ID);

  if (!tern_net_tls_check_available (&self->tls_error))
    g_warning ("%s", self->tls_error->message);
}

static void
tern_ui_application_dispose (GObject *object)
{
  TernUiApplication *self = TERN_UI_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_error (&self->tls_error);

  G_OBJECT_CLASS (tern_ui_application_parent_class)->dispose (object);
}

static void
tern_ui_application_class_init (TernUiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tern_ui_application_dispose;

  app_class->activate = tern_ui_application_activate;
  app_class->open = tern_ui_application_open;
  app_class->startup = tern_ui_application_startup;
}

static void
tern_ui_application_init (TernUiApplication *self)
{
  self->settings = g_settings_new (APP_ID);
}
