/* tern-ui-application.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#if HAVE_MALLOPT
#include <malloc.h>
#endif

#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-ui-account-assistant.h"
#include "tern-ui-account-remedy.h"
#include "tern-ui-application.h"
#include "tern-ui-bench.h"
#include "tern-ui-composer.h"
#include "tern-ui-composer-preferences.h"
#include "tern-ui-notifier.h"
#include "tern-ui-preferences-window.h"
#include "tern-ui-window.h"

struct _TernUiApplication
{
  AdwApplication      parent_instance;

  GSettings          *settings;
  GError             *tls_error;
  TernMail           *mail;           /* NULL until loaded */
  TernUiNotifier     *notifier;       /* with the mail */
  guint               start_timeout;  /* starts the engine if no list shows first */
  GCancellable       *cancellable;
  guint               n_sync_requests; /* "app.sync" runs not finished */
  gboolean            sync_failed;
  gboolean            sync_on_load;
  gboolean            add_account_on_load;
  TernUiAccountAssistant *assistant;  /* weak */
};

G_DEFINE_FINAL_TYPE (TernUiApplication, tern_ui_application, ADW_TYPE_APPLICATION)

enum { PROP_0, PROP_MAIL, PROP_SYNCING, N_PROPS };
static GParamSpec *properties[N_PROPS];

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

/* ---- the engine: accounts kept in step by TernMail, shown on the UI thread ---------- */

/**
 * tern_ui_application_get_syncing:
 *
 * Returns: whether an account is syncing, or a sync asked for is not done
 */
gboolean
tern_ui_application_get_syncing (TernUiApplication *self)
{
  GListModel *accounts;

  g_return_val_if_fail (TERN_UI_IS_APPLICATION (self), FALSE);

  if (self->n_sync_requests > 0)
    return TRUE;
  if (self->mail == NULL)
    return FALSE;
  accounts = tern_mail_get_accounts (self->mail);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);
      if (tern_mail_account_get_state (account) == TERN_MAIL_ACCOUNT_SYNCING)
        return TRUE;
    }
  return FALSE;
}

/* What the window's subtitle says: a failure first, then work, then offline. */
static char *
dup_status (TernUiApplication *self)
{
  GListModel *accounts = tern_mail_get_accounts (self->mail);
  g_autoptr(TernMailAccount) failed = NULL, syncing = NULL, offline = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      switch (tern_mail_account_get_state (account))
        {
        case TERN_MAIL_ACCOUNT_FAILED:
          if (failed == NULL)
            failed = g_object_ref (account);
          break;
        case TERN_MAIL_ACCOUNT_SYNCING:
          if (syncing == NULL)
            syncing = g_object_ref (account);
          break;
        case TERN_MAIL_ACCOUNT_OFFLINE:
          if (offline == NULL)
            offline = g_object_ref (account);
          break;
        default:
          break;
        }
    }
  if (failed != NULL)
    return g_strdup_printf ("%s — %s", tern_mail_account_get_email (failed),
                            tern_mail_account_get_status (failed) != NULL ? tern_mail_account_get_status (failed) : "");
  if (syncing != NULL)
    return g_strdup_printf ("%s — %s", tern_mail_account_get_email (syncing),
                            tern_mail_account_get_status (syncing) != NULL ? tern_mail_account_get_status (syncing)
                                                                           : _("syncing"));
  if (offline != NULL)
    return g_strdup (_("Offline"));
  if (self->n_sync_requests > 0)
    return g_strdup (_("Syncing"));
  return g_strdup (_("Up to date"));
}

static void
show_sync_status (TernUiApplication *self)
{
  g_autofree char *status = NULL;
  gboolean has_accounts, syncing;

  if (self->mail == NULL)
    return;
  status = dup_status (self);
  has_accounts = g_list_model_get_n_items (tern_mail_get_accounts (self->mail)) > 0;
  syncing = tern_ui_application_get_syncing (self);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TERN_UI_IS_WINDOW (l->data))
      {
        tern_ui_window_set_has_accounts (l->data, has_accounts);
        tern_ui_window_set_sync_status (l->data, status, syncing);
      }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNCING]);
}

static void
account_changed_cb (TernMailAccount *account, GParamSpec *pspec, TernUiApplication *self)
{
  show_sync_status (self);
}

static TernUiWindow *get_or_create_window (TernUiApplication *self);

/* An account whose password is kept nowhere is asked for it once Tern starts (its
 * first sync fails for want of it): once per run. */
static void
account_remedy_cb (TernMailAccount *account, GParamSpec *pspec, TernUiApplication *self)
{
  TernUiWindow *window;

  if (tern_mail_account_get_remedy (account) != TERN_MAIL_REMEDY_PASSWORD ||
      !tern_account_get_ask_password (tern_mail_account_get_account (account)) ||
      g_object_get_data (G_OBJECT (account), "tern-asked") != NULL)
    return;
  g_object_set_data (G_OBJECT (account), "tern-asked", GINT_TO_POINTER (TRUE));
  window = get_or_create_window (self);
  gtk_window_present (GTK_WINDOW (window));
  tern_ui_account_remedy_run (GTK_WINDOW (window), self->mail, account);
}

static void
watch_account (TernUiApplication *self, TernMailAccount *account)
{
  g_signal_connect_object (account, "notify::remedy", G_CALLBACK (account_remedy_cb), self, 0);
  g_signal_connect_object (account, "notify::state", G_CALLBACK (account_changed_cb), self, 0);
  g_signal_connect_object (account, "notify::status", G_CALLBACK (account_changed_cb), self, 0);
}

static void
accounts_changed_cb (GListModel *accounts, guint position, guint removed, guint added, TernUiApplication *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);
      watch_account (self, account);
    }
  show_sync_status (self);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TernUiApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->n_sync_requests--;
  if (!tern_mail_sync_finish (TERN_MAIL (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      self->sync_failed = TRUE;
      g_message ("sync: %s", error->message);
    }
  show_sync_status (self);
}

/**
 * tern_ui_application_sync:
 *
 * Syncs every account now, on the engine's threads (the "app.sync" action). The
 * accounts are kept in step anyway; this asks for it at once.
 */
void
tern_ui_application_sync (TernUiApplication *self)
{
  g_return_if_fail (TERN_UI_IS_APPLICATION (self));

  if (self->mail == NULL)
    {
      self->sync_on_load = TRUE;
      return;
    }
  if (self->n_sync_requests > 0)
    return;
  /* Asked for a sync: the accounts are kept in step from now on, without waiting
   * for the window's first rows, and this sync is their first (a one-off sync now
   * would be followed by a second one when they start). */
  tern_ui_application_start_mail (self);
  self->n_sync_requests++;
  self->sync_failed = FALSE;
  tern_mail_sync_async (self->mail, NULL, self->cancellable, sync_done_cb, g_object_ref (self));
  show_sync_status (self);
}

/**
 * tern_ui_application_get_mail:
 *
 * Returns: (transfer none) (nullable): the engine, or %NULL while it loads
 */
TernMail *
tern_ui_application_get_mail (TernUiApplication *self)
{
  g_return_val_if_fail (TERN_UI_IS_APPLICATION (self), NULL);

  return self->mail;
}

static void
account_added_cb (TernUiAccountAssistant *assistant, TernMailAccount *account, TernUiApplication *self)
{
  TernUiWindow *window = get_or_create_window (self);

  gtk_window_present (GTK_WINDOW (window));
  tern_ui_window_show_account (window, account);
}

/**
 * tern_ui_application_add_account:
 *
 * Opens the account assistant ("app.add-account"; by itself at the first start), or
 * brings it forward when open.
 */
void
tern_ui_application_add_account (TernUiApplication *self)
{
  TernUiWindow *window;

  g_return_if_fail (TERN_UI_IS_APPLICATION (self));

  if (self->mail == NULL)
    {
      self->add_account_on_load = TRUE;
      return;
    }
  if (self->assistant != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->assistant));
      return;
    }
  window = get_or_create_window (self);
  gtk_window_present (GTK_WINDOW (window));
  self->assistant = tern_ui_account_assistant_new (GTK_WINDOW (window), self->mail);
  g_object_add_weak_pointer (G_OBJECT (self->assistant), (gpointer *) &self->assistant);
  g_signal_connect_object (self->assistant, "account-added", G_CALLBACK (account_added_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->assistant));
}

static void
add_account_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  tern_ui_application_add_account (user_data);
}

static void
sync_interval_cb (GSettings *settings, const char *key, TernUiApplication *self)
{
  tern_mail_set_poll_interval (self->mail, (guint) g_settings_get_int (settings, key) * 60);
}

/**
 * tern_ui_application_start_mail:
 *
 * Starts keeping the accounts in step (IMAP IDLE, the periodic sync, the network
 * monitor): once the window shows its first rows, or by itself two seconds after
 * the mail is loaded. Does nothing the second time.
 */
void
tern_ui_application_start_mail (TernUiApplication *self)
{
  g_return_if_fail (TERN_UI_IS_APPLICATION (self));

  g_clear_handle_id (&self->start_timeout, g_source_remove);
  if (self->mail != NULL && !tern_mail_get_started (self->mail))
    tern_mail_start (self->mail);
}

static gboolean
start_timeout_cb (gpointer user_data)
{
  TernUiApplication *self = user_data;

  self->start_timeout = 0;
  tern_ui_application_start_mail (self);
  return G_SOURCE_REMOVE;
}

static void
mail_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(TernUiApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *accounts;

  self->mail = tern_mail_new_finish (result, &error);
  if (self->mail == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot open the mail store or the accounts: %s", error->message);
      return;
    }
  accounts = tern_mail_get_accounts (self->mail);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);
      watch_account (self, account);
    }
  g_signal_connect_object (accounts, "items-changed", G_CALLBACK (accounts_changed_cb), self, 0);
  self->notifier = tern_ui_notifier_new (G_APPLICATION (self), self->mail, self->settings);
  g_signal_connect_object (self->settings, "changed::sync-interval-minutes", G_CALLBACK (sync_interval_cb), self, 0);
  sync_interval_cb (self->settings, "sync-interval-minutes", self);
  /* As every mail client does: the accounts are kept in step while Tern runs; from
   * when the window shows its first rows (the syncs' threads then do not compete
   * with it), or in two seconds; at once when there is no account yet (no rows to
   * wait for: the first account's sync must not wait). */
  if (g_list_model_get_n_items (accounts) == 0)
    tern_mail_start (self->mail);
  else
    self->start_timeout = g_timeout_add_seconds (2, start_timeout_cb, self);
  tern_ui_bench_mark ("mail-loaded");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAIL]);
  if (self->sync_on_load)
    {
      self->sync_on_load = FALSE;
      tern_ui_application_sync (self);
    }
  show_sync_status (self);
  /* The first start (no account yet): the assistant opens by itself. */
  if (self->add_account_on_load || g_list_model_get_n_items (accounts) == 0)
    {
      self->add_account_on_load = FALSE;
      tern_ui_application_add_account (self);
    }
}

static void
sync_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  tern_ui_application_sync (user_data);
}

/**
 * tern_ui_application_get_notifier:
 *
 * Returns: (transfer none) (nullable): the notifications of new mail, once the mail
 *   is loaded
 */
TernUiNotifier *
tern_ui_application_get_notifier (TernUiApplication *self)
{
  g_return_val_if_fail (TERN_UI_IS_APPLICATION (self), NULL);
  return self->notifier;
}

/* A window the user looks at: the new mail notified is seen. */
static void
window_active_cb (GtkWindow *window, GParamSpec *pspec, TernUiApplication *self)
{
  if (gtk_window_is_active (window) && self->notifier != NULL)
    tern_ui_notifier_withdraw (self->notifier);
}

static TernUiWindow *
get_or_create_window (TernUiApplication *self)
{
  GtkWindow *window = NULL;

  /* The main window, not whichever is active: that may be a composer. Most recently
   * active first. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL && window == NULL; l = l->next)
    if (TERN_UI_IS_WINDOW (l->data))
      window = l->data;
  if (window == NULL)
    {
      window = GTK_WINDOW (tern_ui_window_new (self));
      g_signal_connect_object (window, "notify::is-active", G_CALLBACK (window_active_cb), self, 0);
      show_sync_status (self);
    }

  return TERN_UI_WINDOW (window);
}

static void
show_message_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiApplication *self = user_data;
  TernUiWindow *window = get_or_create_window (self);

  if (self->notifier != NULL)
    tern_ui_notifier_withdraw (self->notifier);
  gtk_window_present (GTK_WINDOW (window));
  tern_ui_window_show_message (window, g_variant_get_int64 (parameter));
}

static void
show_folder_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiApplication *self = user_data;
  TernUiWindow *window = get_or_create_window (self);

  if (self->notifier != NULL)
    tern_ui_notifier_withdraw (self->notifier);
  gtk_window_present (GTK_WINDOW (window));
  tern_ui_window_show_folder (window, g_variant_get_int64 (parameter));
}

static void
preferences_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  TernUiApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  TernUiPreferencesWindow *preferences = tern_ui_preferences_window_new (parent, self->settings);

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (preferences),
                              tern_ui_composer_preferences_new (self->settings, self->mail));
  gtk_window_present (GTK_WINDOW (preferences));
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
  gboolean composed = FALSE;

  /* mailto: links (`tern mailto:...`, the desktop file's handler), in the running
   * instance: a composer each. */
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (uri != NULL && g_ascii_strncasecmp (uri, "mailto:", 7) == 0)
        {
          tern_ui_composer_open_mailto (self, uri);
          composed = TRUE;
        }
    }
  if (!composed)
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
  { .name = "preferences", .activate = preferences_action_cb },
  { .name = "add-account", .activate = add_account_action_cb },
  { .name = "show-message", .activate = show_message_action_cb, .parameter_type = "x" },
  { .name = "show-folder", .activate = show_folder_action_cb, .parameter_type = "x" },
};

static gboolean
style_get_mapping (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *style = g_variant_get_string (variant, NULL);

  if (g_str_equal (style, "light"))
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_LIGHT);
  else if (g_str_equal (style, "dark"))
    g_value_set_enum (value, ADW_COLOR_SCHEME_FORCE_DARK);
  else
    g_value_set_enum (value, ADW_COLOR_SCHEME_DEFAULT);
  return TRUE;
}

/* GTK 4.8's gtk_window_unrealize() disconnects the handlers the window put on its
 * GdkSurface, all but "compute-size" (GTK 4.8.3 gtk/gtkwindow.c). A surface that
 * outlives its window (something else holds a reference) and is asked for a layout
 * again then calls toplevel_compute_size() with the finalized window: a composer
 * closed after sending brought the sanitizer build down with "invalid unclassed
 * pointer in cast to 'GtkWindow'". So a window's compute-size handler leaves its
 * surface before GTK unrealizes it ("unrealize" runs its class handler last). */
static gboolean
window_unrealize_hook (GSignalInvocationHint *hint, guint n_values, const GValue *values, gpointer data)
{
  GObject *object = g_value_get_object (&values[0]);
  GdkSurface *surface;

  if (GTK_IS_WINDOW (object) && (surface = gtk_native_get_surface (GTK_NATIVE (object))) != NULL &&
      GDK_IS_TOPLEVEL (surface))
    g_signal_handlers_disconnect_matched (surface, G_SIGNAL_MATCH_ID | G_SIGNAL_MATCH_DATA,
                                          g_signal_lookup ("compute-size", GDK_TYPE_TOPLEVEL), 0, NULL, NULL, object);
  return TRUE;
}

static void
install_window_unrealize_hook (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      /* The signal exists once the class is made (not yet at start-up in tern itself). */
      g_type_class_unref (g_type_class_ref (GTK_TYPE_WIDGET));
      g_signal_add_emission_hook (g_signal_lookup ("unrealize", GTK_TYPE_WIDGET), 0, window_unrealize_hook, NULL,
                                  NULL);
      g_once_init_leave (&installed, 1);
    }
}

/* Big buffers go back to the system when they are freed. glibc serves blocks above
 * its mmap threshold with a mapping of their own, but raises that threshold each
 * time such a block is freed, up to 32 MiB: a message's source, its parsed parts or
 * a web page's text then stay in the heap, which keeps their pages long after. The
 * window holds many such short-lived blocks; a fixed threshold kept it 5 MiB smaller
 * with a 100,000-message folder open and an HTML message shown (202 → 196 MiB,
 * tests/bench/bench-window). */
static void
limit_heap_growth (void)
{
#if HAVE_MALLOPT
  mallopt (M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

static void
tern_ui_application_startup (GApplication *app)
{
  TernUiApplication *self = TERN_UI_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *add_account_accels[] = { "<Control><Shift>n", NULL };
  static const char *sync_accels[] = { "F5", NULL };
  static const struct { const char *action; const char *accels[3]; } window_accels[] = {
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.compose", { "<Control>n", NULL } },
    { "win.reply", { "<Control>r", NULL } },
    { "win.reply-all", { "<Control><Shift>r", NULL } },
    { "win.forward", { "<Control>l", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.mark-read", { "<Control>i", NULL } },
    { "win.mark-unread", { "<Control>u", NULL } },
    { "win.toggle-star", { "<Control>d", NULL } },
    { "win.undo", { "<Control>z", NULL } },
  };
  limit_heap_growth ();
  G_APPLICATION_CLASS (tern_ui_application_parent_class)->startup (app);
  tern_ui_bench_mark ("startup");
  install_window_unrealize_hook ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.add-account", add_account_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.sync", sync_accels);
  for (guint i = 0; i < G_N_ELEMENTS (window_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), window_accels[i].action,
                                           window_accels[i].accels);

  /* Dark mode: the system's (AdwStyleManager follows it), or the user's choice. */
  g_settings_bind_with_mapping (self->settings, "style-variant", adw_style_manager_get_default (), "color-scheme",
                                G_SETTINGS_BIND_GET, style_get_mapping, NULL, NULL, NULL);

  /* The store and the accounts open on a worker; the window shows meanwhile. */
  tern_mail_new_async (NULL, NULL, self->cancellable, mail_ready_cb, g_object_ref (self));

  gtk_window_set_default_icon_name (APP_ID);

  if (!tern_net_tls_check_available (&self->tls_error))
    g_warning ("%s", self->tls_error->message);
}

static void
tern_ui_application_shutdown (GApplication *app)
{
  TernUiApplication *self = TERN_UI_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->start_timeout, g_source_remove);
  if (self->mail != NULL && tern_mail_get_started (self->mail))
    tern_mail_stop (self->mail);
  G_APPLICATION_CLASS (tern_ui_application_parent_class)->shutdown (app);
}

static void
tern_ui_application_dispose (GObject *object)
{
  TernUiApplication *self = TERN_UI_APPLICATION (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->assistant != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->assistant), (gpointer *) &self->assistant);
  self->assistant = NULL;
  g_clear_object (&self->notifier);
  g_clear_object (&self->mail);
  g_clear_object (&self->settings);
  g_clear_error (&self->tls_error);

  G_OBJECT_CLASS (tern_ui_application_parent_class)->dispose (object);
}

static void
tern_ui_application_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernUiApplication *self = TERN_UI_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_MAIL:
      g_value_set_object (value, self->mail);
      break;
    case PROP_SYNCING:
      g_value_set_boolean (value, tern_ui_application_get_syncing (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_ui_application_class_init (TernUiApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = tern_ui_application_dispose;
  object_class->get_property = tern_ui_application_get_property;

  properties[PROP_MAIL] = g_param_spec_object ("mail", NULL, NULL, TERN_TYPE_MAIL,
                                               G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNCING] = g_param_spec_boolean ("syncing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  app_class->activate = tern_ui_application_activate;
  app_class->shutdown = tern_ui_application_shutdown;
  app_class->open = tern_ui_application_open;
  app_class->startup = tern_ui_application_startup;
}

static void
tern_ui_application_init (TernUiApplication *self)
{
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
}
