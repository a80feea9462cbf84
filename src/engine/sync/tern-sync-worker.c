/* tern-sync-worker.c: an account's sync, off the UI thread, reported on it
 *
 * The GUI's way to the sync workers. tern_sync_worker_sync_async() runs one account's
 * whole sync on a thread of its own, with a store connection of its own: the
 * password from the keyring (or the password command), the IMAP sync or POP3
 * download, then the outbox. The UI thread never waits on the network or the disk;
 * it receives, on the main context that started the sync:
 *
 *  - #TernSyncWorker::progress, coalesced: however fast the worker reports, at most
 *    one pending report per account is queued on the main context (the newest wins);
 *  - #TernSyncWorker::changed with the store's changes (#TernStoreChanges) of each
 *    transaction the worker commits, so that open views update;
 *  - the GAsyncReadyCallback at the end.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-mail-sync.h"
#include "tern-credentials.h"
#include "tern-store-changes.h"
#include "tern-store-db.h"
#include "tern-sync-worker.h"

struct _TernSyncWorker
{
  GObject  parent_instance;

  char    *store_path;
  guint    n_running;
};

G_DEFINE_FINAL_TYPE (TernSyncWorker, tern_sync_worker, G_TYPE_OBJECT)

enum { PROP_0, PROP_STORE_PATH, PROP_N_RUNNING, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_PROGRESS, SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* One running sync: what the thread shares with the main context. */
typedef struct
{
  gatomicrefcount  ref_count;
  TernSyncWorker  *worker;    /* owned */
  TernAccount     *account;   /* owned */
  GMainContext    *context;   /* the caller's */

  gboolean         finished;  /* tern_sync_worker_sync_finish() ran: no more progress */

  GMutex           lock;      /* guards the pending progress */
  gboolean         pending;   /* a report is queued on @context */
  char            *folder;
  guint            done, total;
  char            *message;
} Run;

static Run *
run_ref (Run *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_atomic_ref_count_dec (&run->ref_count))
    return;
  g_clear_object (&run->worker);
  g_clear_object (&run->account);
  g_main_context_unref (run->context);
  g_mutex_clear (&run->lock);
  g_free (run->folder);
  g_free (run->message);
  g_free (run);
}

/* Runs @func on @run's context, always from its loop. (Not g_main_context_invoke():
 * from a thread with no thread-default context it may call @func right there, on
 * the worker, when the global default context happens to be free.) */
static void
run_on_context (Run *run, int priority, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, priority);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[tern] TernSyncWorker report");
  g_source_attach (source, run->context);
}

/* ---- progress, coalesced ------------------------------------------------------------ */

static gboolean
emit_progress (gpointer data)
{
  Run *run = data;
  g_autofree char *folder = NULL;
  g_autofree char *message = NULL;
  guint done, total;

  g_mutex_lock (&run->lock);
  folder = g_steal_pointer (&run->folder);
  message = g_steal_pointer (&run->message);
  done = run->done;
  total = run->total;
  run->pending = FALSE;
  g_mutex_unlock (&run->lock);

  /* Never after the end: a late report would undo what the callback showed. */
  if (run->finished)
    return G_SOURCE_REMOVE;
  g_signal_emit (run->worker, signals[SIGNAL_PROGRESS], 0, run->account, folder, done, total, message);
  return G_SOURCE_REMOVE;
}

static void
progress_cb (const char *account, const char *folder, guint done, guint total, const char *message,
             gpointer user_data)
{
  Run *run = user_data;
  gboolean schedule;

  g_mutex_lock (&run->lock);
  g_free (run->folder);
  run->folder = g_strdup (folder);
  g_free (run->message);
  run->message = g_strdup (message);
  run->done = done;
  run->total = total;
  schedule = !run->pending;
  run->pending = TRUE;
  g_mutex_unlock (&run->lock);

  if (schedule)
    /* The priority of the task's callback, queued after it: in order, before it. */
    run_on_context (run, G_PRIORITY_DEFAULT, emit_progress, run_ref (run), (GDestroyNotify) run_unref);
}

/* ---- store changes ------------------------------------------------------------------ */

typedef struct
{
  Run              *run;
  TernStoreChanges *changes;
} Changed;

static gboolean
emit_changed (gpointer data)
{
  Changed *changed = data;

  g_signal_emit (changed->run->worker, signals[SIGNAL_CHANGED], 0, changed->changes);
  return G_SOURCE_REMOVE;
}

static void
changed_free (Changed *changed)
{
  run_unref (changed->run);
  tern_store_changes_unref (changed->changes);
  g_free (changed);
}

static void
store_changed_cb (TernStoreChanges *changes, gpointer user_data)
{
  Run *run = user_data;
  Changed *changed = g_new0 (Changed, 1);

  changed->run = run_ref (run);
  changed->changes = tern_store_changes_ref (changes);
  run_on_context (run, G_PRIORITY_DEFAULT_IDLE, emit_changed, changed, (GDestroyNotify) changed_free);
}

/* ---- the thread --------------------------------------------------------------------- */

static void
sync_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  Run *run = task_data;
  TernAccount *account = run->account;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernPassword) password = NULL;
  GError *error = NULL;

  db = tern_store_db_open (run->worker->store_path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  tern_store_db_set_change_func (db, store_changed_cb, run_ref (run), (GDestroyNotify) run_unref);

  password = tern_credentials_get_password (account, cancellable, &error);
  if (password == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (tern_mail_sync_run (db, account, password, FALSE, progress_cb, run, NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
run_done (TernSyncWorker *self)
{
  self->n_running--;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
}

/**
 * tern_sync_worker_sync_async:
 * @account: the account to sync
 *
 * Syncs @account on a worker thread: incoming mail (IMAP sync or POP3 download),
 * then the outbox. Progress and store changes are signalled on the calling thread's
 * thread-default main context, as is @callback.
 */
void
tern_sync_worker_sync_async (TernSyncWorker      *self,
                             TernAccount         *account,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Run *run;

  g_return_if_fail (TERN_IS_SYNC_WORKER (self));
  g_return_if_fail (TERN_IS_ACCOUNT (account));

  run = g_new0 (Run, 1);
  g_atomic_ref_count_init (&run->ref_count);
  run->worker = g_object_ref (self);
  run->account = g_object_ref (account);
  run->context = g_main_context_ref_thread_default ();
  g_mutex_init (&run->lock);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_sync_worker_sync_async);
  g_task_set_task_data (task, run, (GDestroyNotify) run_unref);
  self->n_running++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RUNNING]);
  g_task_run_in_thread (task, sync_thread);
}

/**
 * tern_sync_worker_sync_finish:
 *
 * Returns: %TRUE when the account's store equals its server and the outbox was sent
 */
gboolean
tern_sync_worker_sync_finish (TernSyncWorker  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (TERN_IS_SYNC_WORKER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_sync_worker_sync_async, FALSE);

  ((Run *) g_task_get_task_data (G_TASK (result)))->finished = TRUE;
  run_done (self);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- the object ----------------------------------------------------------------------- */

TernSyncWorker *
tern_sync_worker_new (const char *store_path)
{
  g_return_val_if_fail (store_path != NULL, NULL);

  return g_object_new (TERN_TYPE_SYNC_WORKER, "store-path", store_path, NULL);
}

const char *
tern_sync_worker_get_store_path (TernSyncWorker *self)
{
  g_return_val_if_fail (TERN_IS_SYNC_WORKER (self), NULL);

  return self->store_path;
}

/**
 * tern_sync_worker_get_n_running:
 *
 * Returns: how many syncs started with tern_sync_worker_sync_async() have not been
 *   finished yet
 */
guint
tern_sync_worker_get_n_running (TernSyncWorker *self)
{
  g_return_val_if_fail (TERN_IS_SYNC_WORKER (self), 0);

  return self->n_running;
}

static void
tern_sync_worker_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernSyncWorker *self = TERN_SYNC_WORKER (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      g_value_set_string (value, self->store_path);
      break;
    case PROP_N_RUNNING:
      g_value_set_uint (value, self->n_running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_sync_worker_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TernSyncWorker *self = TERN_SYNC_WORKER (object);

  switch (prop_id)
    {
    case PROP_STORE_PATH:
      self->store_path = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_sync_worker_finalize (GObject *object)
{
  TernSyncWorker *self = TERN_SYNC_WORKER (object);

  g_free (self->store_path);
  G_OBJECT_CLASS (tern_sync_worker_parent_class)->finalize (object);
}

static void
tern_sync_worker_class_init (TernSyncWorkerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = tern_sync_worker_get_property;
  object_class->set_property = tern_sync_worker_set_property;
  object_class->finalize = tern_sync_worker_finalize;

  properties[PROP_STORE_PATH] =
    g_param_spec_string ("store-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_RUNNING] =
    g_param_spec_uint ("n-running", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernSyncWorker::progress:
   * @account: the #TernAccount
   * @folder: (nullable): the folder's path, or %NULL for the account as a whole
   * @done: how much is done
   * @total: out of how much (0: unknown)
   * @message: (nullable): what is being done ("headers", "bodies", "connecting"...)
   */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, TERN_TYPE_ACCOUNT, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_STRING);

  /**
   * TernSyncWorker::changed:
   * @changes: what a committed transaction of the worker changed in the store
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TERN_TYPE_STORE_CHANGES | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tern_sync_worker_init (TernSyncWorker *self)
{
}
