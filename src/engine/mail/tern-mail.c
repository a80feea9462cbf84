/* tern-mail.c: the engine for a front end: the store, the accounts, their syncs
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One TernMail per process, on the main thread: the window and tern-cli both go
 * through it. It owns the one TernStore the front end reads (whose list models see
 * every write, the syncs' included: they write through tern_store_open_db()), the
 * accounts as live TernMailAccount objects, and every operation on mail
 * (tern-mail-operations.c), each applied to the store at once and journaled for the
 * server. Like Geary's Engine with its Account objects, the front end never talks
 * to a protocol or to SQLite itself.
 *
 * Started (the window), it keeps every account in step (IMAP IDLE, a periodic sync,
 * a resync when the network comes back) and sends the outbox; not started
 * (tern-cli), tern_mail_sync_async() runs one sync.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-account-manager.h"
#include "tern-credentials.h"
#include "tern-mail-private.h"
#include "tern-store-db-sync.h"
#include "tern-store-folder-list.h"
#include "tern-sync-message-fetch.h"

struct _TernMail
{
  GObject              parent_instance;

  TernStore           *store;
  TernAccountManager  *manager;
  GListStore          *accounts;      /* TernMailAccount */
  TernStoreFolderList *folders;       /* every account's, to map a folder to its account */
  GNetworkMonitor     *monitor;
  gboolean             network;
  gboolean             started;
  guint                poll_interval;
};

static void tern_mail_async_initable_iface_init (GAsyncInitableIface *iface);
static void tern_mail_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernMail, tern_mail, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, tern_mail_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, tern_mail_async_initable_iface_init))

enum { PROP_0, PROP_STORE_PATH, PROP_ACCOUNTS_PATH, PROP_STARTED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_NEW_MAIL, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Construction data: the paths, until the store and accounts are open. */
typedef struct
{
  char *store_path;
  char *accounts_path;
} Paths;

static GQuark
paths_quark (void)
{
  return g_quark_from_static_string ("tern-mail-paths");
}

static void
paths_free (Paths *paths)
{
  g_free (paths->store_path);
  g_free (paths->accounts_path);
  g_free (paths);
}

static Paths *
get_paths (TernMail *self)
{
  Paths *paths = g_object_get_qdata (G_OBJECT (self), paths_quark ());

  if (paths == NULL)
    {
      paths = g_new0 (Paths, 1);
      g_object_set_qdata_full (G_OBJECT (self), paths_quark (), paths, (GDestroyNotify) paths_free);
    }
  return paths;
}

/* ---- new mail ---------------------------------------------------------------------- */

static void
messages_arrived_cb (TernStore *store, gint64 folder_id, GArray *ids, TernMail *self)
{
  TernStoreFolder *folder = self->folders != NULL ? tern_store_folder_list_lookup (self->folders, folder_id) : NULL;
  TernMailAccount *account;

  if (folder == NULL)
    return;
  account = tern_mail_lookup_account_by_id (self, tern_store_folder_get_account_id (folder));
  if (account != NULL)
    g_signal_emit (self, signals[SIGNAL_NEW_MAIL], 0, account, folder_id, ids);
}

/* ---- the network ---------------------------------------------------------------------- */

static void
network_changed_cb (GNetworkMonitor *monitor, gboolean available, TernMail *self)
{
  if (available == self->network)
    return;
  self->network = available;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      _tern_mail_account_network_changed (account, available);
    }
}

struct _TernAccountManager *
_tern_mail_get_manager (TernMail *self)
{
  return self->manager;
}

/* The live account of @account's address replaced by a new one (its protocol
 * changed: a new place in the store); started when the others are. */
TernMailAccount *
_tern_mail_replace_account (TernMail *self, TernAccount *account, gint64 store_id)
{
  TernMailAccount *old = tern_mail_lookup_account (self, tern_account_get_email (account));
  g_autoptr(TernMailAccount) live = _tern_mail_account_new (self, account, store_id);
  guint position = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  if (old != NULL && g_list_store_find (self->accounts, old, &position))
    {
      _tern_mail_account_stop (old);
      g_list_store_splice (self->accounts, position, 1, (gpointer *) &live, 1);
    }
  else
    g_list_store_append (self->accounts, live);
  if (self->started)
    _tern_mail_account_start (live);
  return g_object_ref (live);
}

gboolean
_tern_mail_is_network_available (TernMail *self)
{
  return self->network;
}

/* ---- opening ----------------------------------------------------------------------------- */

/* What the worker opens: the store and the accounts' settings, with each account's
 * id in the store. */
typedef struct
{
  TernStore          *store;
  TernAccountManager *manager;
  GArray             *store_ids;     /* gint64, one per account */
} Opened;

static void
opened_free (Opened *opened)
{
  g_clear_object (&opened->store);
  g_clear_object (&opened->manager);
  g_clear_pointer (&opened->store_ids, g_array_unref);
  g_free (opened);
}

static Opened *
open_all (const char *store_path, const char *accounts_path, GCancellable *cancellable, GError **error)
{
  Opened *opened = g_new0 (Opened, 1);
  g_autoptr(TernStoreDb) db = NULL;
  GListModel *accounts;

  /* On a worker (open_thread), or blocking for tern-cli (tern_mail_new_sync()): the
   * window's thread reads no file. */
  opened->manager = tern_account_manager_new (accounts_path);
  if (!tern_account_manager_load (opened->manager, error))
    goto fail;
  /* Creates or migrates the store (TernStore opens it again, in the caller's
   * context, for its signals). */
  {
    g_autofree char *path = store_path != NULL ? g_strdup (store_path) : tern_store_db_get_default_path ();

    if ((db = tern_store_db_open (path, error)) == NULL)
      goto fail;
  }

  accounts = tern_account_manager_get_accounts (opened->manager);
  opened->store_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernAccount) account = g_list_model_get_item (accounts, i);
      gint64 id = tern_store_db_ensure_account (db, tern_account_get_email (account),
                                                tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3
                                                ? TERN_STORE_ACCOUNT_POP3 : TERN_STORE_ACCOUNT_IMAP, error);
      if (id == 0)
        goto fail;
      g_array_append_val (opened->store_ids, id);
    }
  return opened;

fail:
  opened_free (opened);
  return NULL;
}

static void
adopt (TernMail *self, Opened *opened)
{
  GListModel *accounts = tern_account_manager_get_accounts (opened->manager);

  self->manager = g_steal_pointer (&opened->manager);
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernAccount) account = g_list_model_get_item (accounts, i);
      g_autoptr(TernMailAccount) live = _tern_mail_account_new (self, account,
                                                                g_array_index (opened->store_ids, gint64, i));
      g_list_store_append (self->accounts, live);
    }
}

static void
folders_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernMail *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->folders = tern_store_folder_list_new_finish (result, &error);
  if (self->folders == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
open_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Paths *paths = task_data;
  GError *error = NULL;
  Opened *opened = open_all (paths->store_path, paths->accounts_path, cancellable, &error);

  if (opened == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, opened, (GDestroyNotify) opened_free);
}

static void
store_ready_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernMail *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->store = tern_store_new_finish (result, &error);
  if (self->store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_connect_object (self->store, "messages-arrived", G_CALLBACK (messages_arrived_cb), self, 0);
  tern_store_folder_list_new_async (self->store, 0, g_task_get_cancellable (task), folders_ready_cb,
                                    g_object_ref (task));
}

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernMail *self = g_task_get_source_object (task);
  GError *error = NULL;
  Opened *opened = g_task_propagate_pointer (G_TASK (result), &error);
  Paths *paths = get_paths (self);

  if (opened == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  adopt (self, opened);
  opened_free (opened);
  /* The store signals in this (the caller's) context. */
  tern_store_new_async (paths->store_path, g_task_get_cancellable (task), store_ready_cb, g_object_ref (task));
}

static void
tern_mail_init_async (GAsyncInitable       *initable,
                      int                   io_priority,
                      GCancellable         *cancellable,
                      GAsyncReadyCallback   callback,
                      gpointer              user_data)
{
  TernMail *self = TERN_MAIL (initable);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;
  Paths *paths = get_paths (self);
  Paths *copy = g_new0 (Paths, 1);

  g_task_set_source_tag (task, tern_mail_init_async);
  copy->store_path = g_strdup (paths->store_path);
  copy->accounts_path = g_strdup (paths->accounts_path);
  inner = g_task_new (self, cancellable, opened_cb, g_object_ref (task));
  g_task_set_task_data (inner, copy, (GDestroyNotify) paths_free);
  g_task_run_in_thread (inner, open_thread);
}

static gboolean
tern_mail_init_finish (GAsyncInitable *initable, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
tern_mail_async_initable_iface_init (GAsyncInitableIface *iface)
{
  iface->init_async = tern_mail_init_async;
  iface->init_finish = tern_mail_init_finish;
}

static void
keep_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
tern_mail_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  TernMail *self = TERN_MAIL (initable);
  Paths *paths = get_paths (self);
  Opened *opened = open_all (paths->store_path, paths->accounts_path, cancellable, error);
  g_autoptr(GAsyncResult) result = NULL;

  if (opened == NULL)
    return FALSE;
  adopt (self, opened);
  opened_free (opened);
  if ((self->store = tern_store_new_sync (paths->store_path, cancellable, error)) == NULL)
    return FALSE;
  g_signal_connect_object (self->store, "messages-arrived", G_CALLBACK (messages_arrived_cb), self, 0);

  /* The folder list, read by a store worker: wait for it here. */
  {
    g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();

    tern_store_folder_list_new_async (self->store, 0, cancellable, keep_result_cb, &result);
    while (result == NULL)
      g_main_context_iteration (context, TRUE);
    if ((self->folders = tern_store_folder_list_new_finish (result, error)) == NULL)
      return FALSE;
  }
  return TRUE;
}

static void
tern_mail_initable_iface_init (GInitableIface *iface)
{
  iface->init = tern_mail_initable_init;
}

/**
 * tern_mail_new_async:
 * @store_path: (nullable): the store, %NULL for `$XDG_DATA_HOME/tern/store.db`
 * @accounts_path: (nullable): the accounts' settings, %NULL for
 *   `$XDG_CONFIG_HOME/tern/accounts.ini`
 *
 * Opens the store and loads the accounts off the calling thread; the object's
 * signals, its store's and its accounts' notifications are delivered in the calling
 * thread's thread-default main context.
 */
void
tern_mail_new_async (const char          *store_path,
                     const char          *accounts_path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_async_initable_new_async (TERN_TYPE_MAIL, G_PRIORITY_DEFAULT, cancellable, callback, user_data,
                              "store-path", store_path, "accounts-path", accounts_path, NULL);
}

TernMail *
tern_mail_new_finish (GAsyncResult *result, GError **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

  return object != NULL ? TERN_MAIL (object) : NULL;
}

/**
 * tern_mail_new_sync:
 *
 * Like tern_mail_new_async(), blocking (tern-cli, tests).
 */
TernMail *
tern_mail_new_sync (const char *store_path, const char *accounts_path, GCancellable *cancellable, GError **error)
{
  return g_initable_new (TERN_TYPE_MAIL, cancellable, error, "store-path", store_path, "accounts-path",
                         accounts_path, NULL);
}

/* ---- the object --------------------------------------------------------------------------- */

static void
tern_mail_dispose (GObject *object)
{
  TernMail *self = TERN_MAIL (object);

  tern_mail_stop (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  if (self->accounts != NULL)
    g_list_store_remove_all (self->accounts);
  g_clear_object (&self->folders);
  g_clear_object (&self->store);
  g_clear_object (&self->manager);
  G_OBJECT_CLASS (tern_mail_parent_class)->dispose (object);
}

static void
tern_mail_finalize (GObject *object)
{
  TernMail *self = TERN_MAIL (object);

  g_clear_object (&self->accounts);
  G_OBJECT_CLASS (tern_mail_parent_class)->finalize (object);
}

static void
tern_mail_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernMail *self = TERN_MAIL (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      g_value_set_string (value, get_paths (self)->store_path);
      break;
    case PROP_ACCOUNTS_PATH:
      g_value_set_string (value, get_paths (self)->accounts_path);
      break;
    case PROP_STARTED:
      g_value_set_boolean (value, self->started);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_mail_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TernMail *self = TERN_MAIL (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      get_paths (self)->store_path = g_value_dup_string (value);
      break;
    case PROP_ACCOUNTS_PATH:
      get_paths (self)->accounts_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_mail_class_init (TernMailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_mail_dispose;
  object_class->finalize = tern_mail_finalize;
  object_class->get_property = tern_mail_get_property;
  object_class->set_property = tern_mail_set_property;

  properties[PROP_STORE_PATH] =
    g_param_spec_string ("store-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNTS_PATH] =
    g_param_spec_string ("accounts-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STARTED] =
    g_param_spec_boolean ("started", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernMail::new-mail:
   * @account: the #TernMailAccount
   * @folder_id: the folder
   * @ids: (element-type gint64): the new messages (unread, found by a sync since the
   *   folder's previous one; never the messages of a folder's first sync)
   */
  signals[SIGNAL_NEW_MAIL] =
    g_signal_new ("new-mail", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, TERN_TYPE_MAIL_ACCOUNT, G_TYPE_INT64, G_TYPE_ARRAY);
}

static void
tern_mail_init (TernMail *self)
{
  self->accounts = g_list_store_new (TERN_TYPE_MAIL_ACCOUNT);
  /* Until started, nothing watches the network: a one-shot sync just tries. */
  self->network = TRUE;
  self->poll_interval = 300;
}

TernStore *
tern_mail_get_store (TernMail *self)
{
  g_return_val_if_fail (TERN_IS_MAIL (self), NULL);
  return self->store;
}

/**
 * tern_mail_get_accounts:
 *
 * Returns: (transfer none): the accounts, #TernMailAccount items, in the order of
 *   the settings; accounts added or removed change it
 */
GListModel *
tern_mail_get_accounts (TernMail *self)
{
  g_return_val_if_fail (TERN_IS_MAIL (self), NULL);
  return G_LIST_MODEL (self->accounts);
}

/**
 * tern_mail_lookup_account:
 *
 * Returns: (transfer none) (nullable): the account with address @email
 */
TernMailAccount *
tern_mail_lookup_account (TernMail *self, const char *email)
{
  g_return_val_if_fail (TERN_IS_MAIL (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (email != NULL && g_ascii_strcasecmp (tern_mail_account_get_email (account), email) == 0)
        return account;
    }
  return NULL;
}

/**
 * tern_mail_lookup_account_by_id:
 *
 * Returns: (transfer none) (nullable): the account whose id in the store is @store_id
 */
TernMailAccount *
tern_mail_lookup_account_by_id (TernMail *self, gint64 store_id)
{
  g_return_val_if_fail (TERN_IS_MAIL (self), NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (tern_mail_account_get_store_id (account) == store_id)
        return account;
    }
  return NULL;
}

/**
 * tern_mail_lookup_account_for_message:
 *
 * Returns: (transfer none) (nullable): the account of the folder the message is in
 */
TernMailAccount *
tern_mail_lookup_account_for_message (TernMail *self, TernStoreMessage *message)
{
  TernStoreFolder *folder;

  g_return_val_if_fail (TERN_IS_MAIL (self), NULL);
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE (message), NULL);

  folder = self->folders != NULL ? tern_store_folder_list_lookup (self->folders,
                                                                  tern_store_message_get_folder_id (message))
                                 : NULL;
  return folder != NULL ? tern_mail_lookup_account_by_id (self, tern_store_folder_get_account_id (folder)) : NULL;
}

/* ---- syncing ---------------------------------------------------------------------------- */

/**
 * tern_mail_start:
 *
 * Keeps every account in step from now on, each on a thread of its own: IMAP IDLE
 * on the Inbox, a sync of every folder each poll interval, and at once when the
 * network comes back; the outbox is sent when mail is queued and at its retry times.
 */
void
tern_mail_start (TernMail *self)
{
  g_return_if_fail (TERN_IS_MAIL (self));

  if (self->started)
    return;
  self->started = TRUE;
  if (self->monitor == NULL)
    {
      self->monitor = g_object_ref (g_network_monitor_get_default ());
      g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
      network_changed_cb (self->monitor, g_network_monitor_get_network_available (self->monitor), self);
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      _tern_mail_account_start (account);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED]);
}

/**
 * tern_mail_stop:
 *
 * Stops the accounts' syncs (waiting for their threads to end).
 */
void
tern_mail_stop (TernMail *self)
{
  g_return_if_fail (TERN_IS_MAIL (self));

  if (!self->started)
    return;
  self->started = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);
      _tern_mail_account_stop (account);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STARTED]);
}

gboolean
tern_mail_get_started (TernMail *self)
{
  g_return_val_if_fail (TERN_IS_MAIL (self), FALSE);
  return self->started;
}

/**
 * tern_mail_set_poll_interval:
 *
 * How often every folder is synced while started (the Inbox follows at once, by
 * IDLE). Takes effect at an account's next connection.
 */
void
tern_mail_set_poll_interval (TernMail *self, guint seconds)
{
  g_return_if_fail (TERN_IS_MAIL (self));
  g_atomic_int_set (&self->poll_interval, MAX (seconds, 10));
}

guint
_tern_mail_get_poll_interval (TernMail *self)
{
  return (guint) g_atomic_int_get (&self->poll_interval);
}

/* ---- one call on every account -------------------------------------------------------- */

typedef struct
{
  guint                      pending;
  GError                    *error;
  TernMailAccountCallFinish  finish;
} ForAccounts;

static void
for_accounts_free (ForAccounts *all)
{
  g_clear_error (&all->error);
  g_free (all);
}

static void
for_accounts_one_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  ForAccounts *all = g_task_get_task_data (task);
  GError *error = NULL;

  if (!all->finish (TERN_MAIL_ACCOUNT (source), result, &error))
    {
      if (all->error == NULL)
        all->error = error;
      else
        g_error_free (error);
    }
  if (--all->pending > 0)
    return;
  if (all->error != NULL)
    g_task_return_error (task, g_steal_pointer (&all->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Runs @call on @account, or on every account in parallel; the task completes when
 * all have, with the first failure if any. */
void
_tern_mail_for_accounts (TernMail                  *self,
                         TernMailAccount           *account,
                         TernMailAccountCall        call,
                         TernMailAccountCallFinish  finish,
                         gpointer                   source_tag,
                         GCancellable              *cancellable,
                         GAsyncReadyCallback        callback,
                         gpointer                   user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ForAccounts *all = g_new0 (ForAccounts, 1);
  GListModel *accounts = G_LIST_MODEL (self->accounts);

  all->finish = finish;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, all, (GDestroyNotify) for_accounts_free);
  if (account != NULL)
    {
      all->pending = 1;
      call (account, cancellable, for_accounts_one_cb, g_object_ref (task));
      return;
    }
  all->pending = g_list_model_get_n_items (accounts);
  if (all->pending == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) item = g_list_model_get_item (accounts, i);
      call (item, cancellable, for_accounts_one_cb, g_object_ref (task));
    }
}

/**
 * tern_mail_sync_async:
 * @account: (nullable): one account, or %NULL for every account
 *
 * Syncs now: replays the changes made here, brings new mail and the servers'
 * changes, and sends the outbox. While started, it wakes the accounts' syncs and
 * completes when they are up to date again (or cannot reach their servers); else
 * it runs one sync per account, in parallel.
 */
void
tern_mail_sync_async (TernMail            *self,
                      TernMailAccount     *account,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (TERN_IS_MAIL (self));
  g_return_if_fail (account == NULL || TERN_IS_MAIL_ACCOUNT (account));

  _tern_mail_for_accounts (self, account, _tern_mail_account_sync_async, _tern_mail_account_sync_finish,
                           tern_mail_sync_async, cancellable, callback, user_data);
}

/**
 * tern_mail_sync_finish:
 *
 * Returns: %TRUE when every account synced; else the first failure
 */
gboolean
tern_mail_sync_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- a message's body -------------------------------------------------------------------- */

typedef struct
{
  TernStore   *store;
  TernAccount *account;
  gint64       message_id;
} BodyFetch;

static void
body_fetch_free (BodyFetch *fetch)
{
  g_object_unref (fetch->store);
  g_clear_object (&fetch->account);
  g_free (fetch);
}

static void
body_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  BodyFetch *fetch = task_data;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernPassword) password = NULL;
  GError *error = NULL;
  GBytes *raw;

  if ((db = tern_store_open_db (fetch->store, NULL, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* Stored already: no network. */
  raw = tern_store_db_get_raw (db, fetch->message_id, NULL);
  if (raw == NULL && fetch->account == NULL)
    g_set_error_literal (&error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NOT_DOWNLOADED,
                         _("The message is not stored here and its account is gone"));
  else if (raw == NULL && (password = tern_credentials_get_password (fetch->account, cancellable, &error)) != NULL)
    raw = tern_sync_message_fetch (db, fetch->account, password, fetch->message_id, cancellable, &error);
  if (raw == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, raw, (GDestroyNotify) g_bytes_unref);
}

static void
body_message_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernMail *self = g_task_get_source_object (task);
  BodyFetch *fetch = g_task_get_task_data (task);
  GError *error = NULL;
  gint64 *account_id = tern_store_run_finish (TERN_STORE (source), result, &error);
  TernMailAccount *account;

  if (account_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  account = tern_mail_lookup_account_by_id (self, *account_id);
  g_free (account_id);
  if (account != NULL && tern_account_get_protocol (tern_mail_account_get_account (account)) == TERN_ACCOUNT_PROTOCOL_IMAP)
    fetch->account = g_object_ref (tern_mail_account_get_account (account));
  g_task_run_in_thread (task, body_thread);
}

static gpointer
message_account_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  gint64 message_id = *(gint64 *) data;
  g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, message_id, error);
  g_autoptr(TernStoreFolder) folder = NULL;
  gint64 id;

  if (message == NULL || (folder = tern_store_db_get_folder (db, tern_store_message_get_folder_id (message),
                                                             error)) == NULL)
    return NULL;
  id = tern_store_folder_get_account_id (folder);
  return g_memdup2 (&id, sizeof id);
}

/**
 * tern_mail_fetch_body_async:
 *
 * The message's raw bytes: the stored ones, or, when only its header is stored,
 * fetched from its IMAP server at once on a connection of its own (the message
 * stays unread) and stored.
 */
void
tern_mail_fetch_body_async (TernMail            *self,
                            gint64               message_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BodyFetch *fetch;

  g_return_if_fail (TERN_IS_MAIL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_mail_fetch_body_async);
  fetch = g_new0 (BodyFetch, 1);
  fetch->store = g_object_ref (self->store);
  fetch->message_id = message_id;
  g_task_set_task_data (task, fetch, (GDestroyNotify) body_fetch_free);
  tern_store_run_async (self->store, message_account_work, g_memdup2 (&message_id, sizeof message_id), g_free,
                        g_free, cancellable, body_message_cb, g_object_ref (task));
}

/**
 * tern_mail_fetch_body_finish:
 *
 * Returns: (transfer full): the message, or %NULL: %TERN_SYNC_ERROR_NOT_ON_SERVER,
 *   a network error when offline...
 */
GBytes *
tern_mail_fetch_body_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- accounts ---------------------------------------------------------------------------- */

typedef struct
{
  TernAccountManager *manager;
  TernAccount        *account;
  TernStore          *store;
  char               *password;
  gboolean            is_new;
  gint64              store_id;
  char               *remove;     /* the address of an account to remove */
} AccountJob;

static void
account_job_free (AccountJob *job)
{
  g_clear_object (&job->manager);
  g_clear_object (&job->account);
  g_clear_object (&job->store);
  tern_credentials_free_password (job->password);
  g_free (job->remove);
  g_free (job);
}

/* On a worker: the settings file and the keyring block. */
static void
account_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AccountJob *job = task_data;
  g_autoptr(TernStoreDb) db = NULL;
  GError *error = NULL;

  if (job->remove != NULL)
    {
      TernAccount *account = tern_account_manager_lookup (job->manager, job->remove);
      g_autoptr(TernAccount) kept = account != NULL ? g_object_ref (account) : NULL;

      if (!tern_account_manager_remove (job->manager, job->remove, &error) ||
          !tern_account_manager_save (job->manager, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      /* The settings are gone; a password left in an unreachable keyring is only
       * logged. */
      if (kept != NULL)
        tern_credentials_set_session_password (kept, NULL);
      /* Its mail and folders here go too (announced to the open lists). */
      {
        g_autoptr(TernStoreDb) store_db = tern_store_open_db (job->store, NULL, &error);
        gint64 id = store_db != NULL ? tern_store_db_lookup_account (store_db, job->remove, NULL) : 0;

        if (store_db == NULL || (id != 0 && !tern_store_db_delete_account (store_db, id, &error)))
          {
            g_warning ("The mail of %s could not be removed from the store: %s", job->remove, error->message);
            g_clear_error (&error);
          }
      }
      if (kept != NULL && tern_account_get_password_command (kept) == NULL && !tern_account_get_ask_password (kept) &&
          !tern_credentials_clear_password (kept, cancellable, &error))
        {
          g_warning ("The password of %s could not be removed from the keyring: %s", job->remove,
                     error->message);
          g_clear_error (&error);
        }
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (job->is_new)
    {
      if (!tern_account_manager_add (job->manager, job->account, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      /* A change: the new settings replace the old object's place. */
      if (!tern_account_manager_remove (job->manager, tern_account_get_email (job->account), &error) ||
          !tern_account_manager_add (job->manager, job->account, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  if (job->password != NULL && tern_account_get_ask_password (job->account))
    {
      /* Kept nowhere but in this process. */
      tern_credentials_set_session_password (job->account, job->password);
    }
  else if (job->password != NULL)
    {
      if (!tern_credentials_store_password (job->account, job->password, cancellable, &error))
        {
          if (job->is_new)
            tern_account_manager_remove (job->manager, tern_account_get_email (job->account), NULL);
          g_task_return_error (task, error);
          return;
        }
      tern_credentials_set_session_password (job->account, NULL);
    }
  if (!tern_account_manager_save (job->manager, &error))
    {
      if (job->is_new && job->password != NULL)
        tern_credentials_clear_password (job->account, NULL, NULL);
      g_task_return_error (task, error);
      return;
    }
  if ((db = tern_store_open_db (job->store, NULL, &error)) == NULL ||
      (job->store_id = tern_store_db_ensure_account (db, tern_account_get_email (job->account),
                                                     tern_account_get_protocol (job->account) ==
                                                     TERN_ACCOUNT_PROTOCOL_POP3 ? TERN_STORE_ACCOUNT_POP3
                                                                                : TERN_STORE_ACCOUNT_IMAP,
                                                     &error)) == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
account_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernMail *self = g_task_get_source_object (task);
  AccountJob *job = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (job->remove != NULL)
    {
      TernMailAccount *live = tern_mail_lookup_account (self, job->remove);
      guint position;

      if (live != NULL)
        {
          _tern_mail_account_stop (live);
          if (g_list_store_find (self->accounts, live, &position))
            g_list_store_remove (self->accounts, position);
        }
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (job->is_new)
    {
      g_autoptr(TernMailAccount) live = _tern_mail_account_new (self, job->account, job->store_id);

      g_list_store_append (self->accounts, live);
      if (self->started)
        _tern_mail_account_start (live);
      g_task_return_pointer (task, g_object_ref (live), g_object_unref);
      return;
    }
  {
    TernMailAccount *live = tern_mail_lookup_account (self, tern_account_get_email (job->account));

    if (live != NULL)
      _tern_mail_account_set_account (live, job->account);
    g_task_return_pointer (task, live != NULL ? g_object_ref (live) : NULL, g_object_unref);
  }
}

static void
run_account_job (TernMail *self, AccountJob *job, gpointer tag, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;

  g_task_set_source_tag (task, tag);
  job->manager = g_object_ref (self->manager);
  job->store = g_object_ref (self->store);
  inner = g_task_new (self, cancellable, account_done_cb, g_object_ref (task));
  g_task_set_task_data (inner, job, (GDestroyNotify) account_job_free);
  g_task_run_in_thread (inner, account_thread);
}

static AccountJob *
job_from_builder (TernMailAccountBuilder *builder, GError **error)
{
  TernAccount *account = tern_mail_account_builder_build (builder, error);
  AccountJob *job;

  if (account == NULL)
    return NULL;
  job = g_new0 (AccountJob, 1);
  job->account = account;
  job->password = g_strdup (tern_mail_account_builder_get_password (builder));
  job->is_new = tern_mail_account_builder_is_new (builder);
  return job;
}

/**
 * tern_mail_add_account_async:
 *
 * Builds the account (tern_mail_account_builder_build()), keeps its password in the
 * keyring, saves the settings and adds it to the accounts (syncing it at once when
 * started).
 */
void
tern_mail_add_account_async (TernMail               *self,
                             TernMailAccountBuilder *builder,
                             GCancellable           *cancellable,
                             GAsyncReadyCallback     callback,
                             gpointer                user_data)
{
  GError *error = NULL;
  AccountJob *job;

  g_return_if_fail (TERN_IS_MAIL (self));
  g_return_if_fail (tern_mail_account_builder_is_new (builder));

  if (tern_mail_lookup_account (self, tern_mail_account_builder_get_email (builder)) != NULL)
    {
      g_task_report_new_error (self, callback, user_data, tern_mail_add_account_async, TERN_ACCOUNT_ERROR,
                               TERN_ACCOUNT_ERROR_EXISTS, _("There is an account for %s already"),
                               tern_mail_account_builder_get_email (builder));
      return;
    }
  if ((job = job_from_builder (builder, &error)) == NULL)
    {
      g_task_report_error (self, callback, user_data, tern_mail_add_account_async, error);
      return;
    }
  run_account_job (self, job, tern_mail_add_account_async, cancellable, callback, user_data);
}

/**
 * tern_mail_add_account_finish:
 *
 * Returns: (transfer full): the new account
 */
TernMailAccount *
tern_mail_add_account_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tern_mail_update_account_async:
 * @builder: made with tern_mail_account_builder_new_for_account()
 *
 * Changes an account's settings (and its password, when the builder has one); its
 * sync restarts with them.
 */
void
tern_mail_update_account_async (TernMail               *self,
                                TernMailAccountBuilder *builder,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  GError *error = NULL;
  AccountJob *job;

  g_return_if_fail (TERN_IS_MAIL (self));
  g_return_if_fail (!tern_mail_account_builder_is_new (builder));

  if ((job = job_from_builder (builder, &error)) == NULL)
    {
      g_task_report_error (self, callback, user_data, tern_mail_update_account_async, error);
      return;
    }
  run_account_job (self, job, tern_mail_update_account_async, cancellable, callback, user_data);
}

gboolean
tern_mail_update_account_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_autoptr(TernMailAccount) account = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  account = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * tern_mail_remove_account_async:
 *
 * Stops the account's sync, removes its settings, its password from the keyring and
 * its mail and folders from the store.
 */
void
tern_mail_remove_account_async (TernMail            *self,
                                TernMailAccount     *account,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  AccountJob *job;

  g_return_if_fail (TERN_IS_MAIL (self));
  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));

  _tern_mail_account_stop (account);
  job = g_new0 (AccountJob, 1);
  job->remove = g_strdup (tern_mail_account_get_email (account));
  run_account_job (self, job, tern_mail_remove_account_async, cancellable, callback, user_data);
}

gboolean
tern_mail_remove_account_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
