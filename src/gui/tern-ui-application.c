/* tern-ui-application.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-store-db.h"
#include "tern-sync-worker.h"
#include "tern-ui-application.h"
#include "tern-ui-window.h"

struct _TernUiApplication
{
  AdwApplication      parent_instance;

  GSettings          *settings;
  GError             *tls_error;
  TernAccountManager *accounts;
  TernSyncWorker     *sync_worker;
  GCancellable       *sync_cancellable;
  char               *sync_status;
  guint               sync_failures;
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

/* ---- sync: the engine's worker threads, reported here on the UI thread ---------------- */

static void
show_sync_status (TernUiApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TERN_UI_IS_WINDOW (l->data))
      {
        tern_ui_window_set_has_accounts (l->data,
                                         g_list_model_get_n_items (tern_account_manager_get_accounts (self->accounts)) > 0);
        tern_ui_window_set_sync_status (l->data, self->sync_status,
                                        tern_sync_worker_get_n_running (self->sync_worker) > 0);
      }
}

static void
sync_progress_cb (TernSyncWorker    *worker,
                  TernAccount       *account,
                  const char        *folder,
                  guint              done,
                  guint              total,
                  const char        *message,
                  TernUiApplication *self)
{
  g_free (self->sync_status);
  if (folder != NULL && total > 0)
    /* Translators: sync progress, e.g. "alice@example.com — INBOX: 1200 of 10000 headers" */
    self->sync_status = g_strdup_printf (_("%s — %s: %u of %u %s"), tern_account_get_email (account), folder,
                                         done, total, message != NULL ? message : "");
  else
    self->sync_status = g_strdup_printf ("%s — %s", tern_account_get_email (account), message != NULL ? message : "");
  show_sync_status (self);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TernUiApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!tern_sync_worker_sync_finish (TERN_SYNC_WORKER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->sync_failures++;
      g_free (self->sync_status);
      self->sync_status = g_strdup (error->message);
      g_warning ("sync: %s", error->message);
    }
  else if (tern_sync_worker_get_n_running (self->sync_worker) == 0 && self->sync_failures == 0)
    {
      g_free (self->sync_status);
      self->sync_status = g_strdup (_("Up to date"));
    }
  show_sync_status (self);
}

/**
 * tern_ui_application_sync:
 *
 * Syncs every account, each on a worker thread of the engine; does nothing for an
 * account whose sync is running. (The "app.sync" action.)
 */
void
tern_ui_application_sync (TernUiApplication *self)
{
  GListModel *accounts;

  g_return_if_fail (TERN_UI_IS_APPLICATION (self));

  if (tern_sync_worker_get_n_running (self->sync_worker) > 0)
    return;
  accounts = tern_account_manager_get_accounts (self->accounts);
  self->sync_failures = 0;
  g_clear_object (&self->sync_cancellable);
  self->sync_cancellable = g_cancellable_new ();
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernAccount) account = g_list_model_get_item (accounts, i);

      tern_sync_worker_sync_async (self->sync_worker, account, self->sync_cancellable, sync_done_cb,
                                   g_object_ref (self));
    }
  show_sync_status (self);
}

/**
 * tern_ui_application_get_sync_worker:
 *
 * Returns: (transfer none): the worker running the accounts' syncs
 */
TernSyncWorker *
tern_ui_application_get_sync_worker (TernUiApplication *self)
{
  g_return_val_if_fail (TERN_UI_IS_APPLICATION (self), NULL);

  return self->sync_worker;
}

static void
sync_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  tern_ui_application_sync (user_data);
}

static TernUiWindow *
get_or_create_window (TernUiApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (tern_ui_window_new (self));
      show_sync_status (self);
    }

  return TERN_UI_WINDOW (window);
}

static void
tern_ui_application_activate (GApplication *app)
{
  TernUiApplication *self = TERN_UI_APPLICATION (app);
  gboolean first = gtk_application_get_active_window (GTK_APPLICATION (self)) == NULL;

  gtk_window_present (GTK_WINDOW (get_or_create_window (self)));
  /* As every mail client does: fetch new mail when started. */
  if (first)
    tern_ui_application_sync (self);
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
  { .name = "sync", .activate = sync_action_cb },
};

static void
tern_ui_application_startup (GApplication *app)
{
  TernUiApplication *self = TERN_UI_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *add_account_accels[] = { "<Control><Shift>n", NULL };
  static const char *sync_accels[] = { "F5", NULL };
  g_autofree char *store_path = tern_store_db_get_default_path ();
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (tern_ui_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.add-account", add_account_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.sync", sync_accels);

  /* A few hundred bytes of settings: read once, here. */
  self->accounts = tern_account_manager_new (NULL);
  if (!tern_account_manager_load (self->accounts, &error))
    g_warning ("%s", error->message);
  self->sync_worker = tern_sync_worker_new (store_path);
  g_signal_connect (self->sync_worker, "progress", G_CALLBACK (sync_progress_cb), self);

  gtk_window_set_default_icon_name (APP_ID);

  if (!tern_net_tls_check_available (&self->tls_error))
    g_warning ("%s", self->tls_error->message);
}

static void
tern_ui_application_dispose (GObject *object)
{
  TernUiApplication *self = TERN_UI_APPLICATION (object);

  if (self->sync_cancellable != NULL)
    g_cancellable_cancel (self->sync_cancellable);
  g_clear_object (&self->sync_cancellable);
  if (self->sync_worker != NULL)
    g_signal_handlers_disconnect_by_data (self->sync_worker, self);
  g_clear_object (&self->sync_worker);
  g_clear_object (&self->accounts);
  g_clear_pointer (&self->sync_status, g_free);
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
