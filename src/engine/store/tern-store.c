/* tern-store.c: the local mail store, for the main thread
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TernStore never touches SQLite on the thread that owns it. Every call runs on
 * one of two worker threads, each with its own TernStoreDb connection (WAL lets
 * a reader and a writer work at the same time), and completes in the caller's
 * thread-default main context. Whatever a worker commits is announced with the
 * signals below, emitted in the main context the store was created in (the
 * thread-default context of the thread that created it).
 *
 * A front end's operation takes a while to commit when it moves thousands of
 * messages (every page of a big folder is written). Messages an operation is taking
 * out of their folders are announced at once, as leaving (tern_store_hold_leaving()):
 * the live lists drop them right away and keep them out until the operation is over,
 * when they read the folder again; a failed operation's messages come back then.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-store.h"

#define N_WORKERS 2

/* A weak reference to the store that connections opened by tern_store_open_db()
 * and queued notifications may keep after the store is gone. */
typedef struct
{
  gatomicrefcount ref_count;
  GWeakRef        ref;
} SelfRef;

static SelfRef *
self_ref_ref (SelfRef *ref)
{
  g_atomic_ref_count_inc (&ref->ref_count);
  return ref;
}

static void
self_ref_unref (SelfRef *ref)
{
  if (g_atomic_ref_count_dec (&ref->ref_count))
    {
      g_weak_ref_clear (&ref->ref);
      g_free (ref);
    }
}

struct _TernStore
{
  GObject        parent_instance;

  char          *path;
  GMainContext  *context;     /* signals are emitted here */
  GThreadPool   *pool;
  GMutex         lock;
  GHashTable    *dbs;         /* GThread -> TernStoreDb, under lock */
  SelfRef       *weak_self;   /* shared with the connections' change callbacks */

  GHashTable    *leaving;     /* token -> Leaving, main context only */
  GHashTable    *leaving_ids; /* id -> number of holds on it */
  guint          last_token;
};

typedef struct
{
  GArray *ids;                /* gint64 */
  GArray *targets;            /* gint64: the folders they go to */
} Leaving;

static void
leaving_free (Leaving *leaving)
{
  g_array_unref (leaving->ids);
  g_array_unref (leaving->targets);
  g_free (leaving);
}

static void tern_store_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernStore, tern_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, tern_store_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_ASYNC_INITABLE, NULL))

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

enum {
  MESSAGES_ADDED,
  MESSAGES_REMOVED,
  MESSAGES_CHANGED,
  MESSAGES_ARRIVED,
  FOLDER_COUNTS_CHANGED,
  FOLDERS_CHANGED,
  CHANGES_COMMITTED,
  MESSAGES_LEAVING,
  LEAVING_RELEASED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- jobs ----------------------------------------------------------------------- */

/* Runs @func in @context's thread. Not g_main_context_invoke(): that calls the
 * function right away in the calling thread when nobody owns the context. */
static void
run_in_context (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "[tern-store] completion");
  g_source_attach (source, context);
  g_source_unref (source);
}

typedef struct
{
  TernStoreWorkFunc  func;
  gpointer           data;
  GDestroyNotify     result_free;
  GTask             *task;
  gpointer           result;
  GError            *error;
} Job;

static void
job_free (Job *job)
{
  if (job->result != NULL && job->result_free != NULL)
    job->result_free (job->result);
  g_clear_error (&job->error);
  g_clear_object (&job->task);
  g_free (job);
}

/* Runs in the task's context: the GTask is only ever used on its own thread. */
static gboolean
job_complete_cb (gpointer user_data)
{
  Job *job = user_data;

  if (job->error != NULL)
    g_task_return_error (job->task, g_steal_pointer (&job->error));
  else
    g_task_return_pointer (job->task, g_steal_pointer (&job->result), job->result_free);
  job_free (job);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  SelfRef    *weak_self;
  GArray     *folders;     /* FolderCounts */
  TernStoreChanges *changes;
  gpointer    source;      /* the tag of the connection that committed */
} Notification;

typedef struct
{
  gint64   folder_id;
  guint    total;
  guint    unread;
  gboolean exists;
} FolderCounts;

static void
notification_free (Notification *n)
{
  self_ref_unref (n->weak_self);
  g_array_unref (n->folders);
  tern_store_changes_unref (n->changes);
  g_free (n);
}

static void
emit_ids (TernStore *self, guint signal_id, TernStoreChanges *changes, TernStoreChangeKind kind, gint64 folder_id)
{
  g_autoptr(GArray) ids = tern_store_changes_get_ids (changes, kind, folder_id);

  if (ids->len > 0)
    g_signal_emit (self, signals[signal_id], 0, folder_id, ids);
}

static gboolean
emit_changes_cb (gpointer user_data)
{
  Notification *n = user_data;
  g_autoptr(TernStore) self = g_weak_ref_get (&n->weak_self->ref);

  if (self == NULL)
    return G_SOURCE_REMOVE;

  /* Folders first: a list of a new folder's messages finds the folder. */
  if (tern_store_changes_get_folder_rows_changed (n->changes))
    g_signal_emit (self, signals[FOLDERS_CHANGED], 0);
  for (guint i = 0; i < n->folders->len; i++)
    {
      FolderCounts *fc = &g_array_index (n->folders, FolderCounts, i);

      emit_ids (self, MESSAGES_REMOVED, n->changes, TERN_STORE_CHANGE_REMOVED, fc->folder_id);
      emit_ids (self, MESSAGES_ADDED, n->changes, TERN_STORE_CHANGE_ADDED, fc->folder_id);
      emit_ids (self, MESSAGES_CHANGED, n->changes, TERN_STORE_CHANGE_CHANGED, fc->folder_id);
      emit_ids (self, MESSAGES_ARRIVED, n->changes, TERN_STORE_CHANGE_ARRIVED, fc->folder_id);
      if (fc->exists)
        g_signal_emit (self, signals[FOLDER_COUNTS_CHANGED], 0, fc->folder_id, fc->total, fc->unread);
    }
  g_signal_emit (self, signals[CHANGES_COMMITTED], 0, n->changes, n->source);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  SelfRef      *weak_self;
  GMainContext *context;
  TernStoreDb  *db;          /* not a reference: the db owns this */
  gpointer      source;
} ChangeSink;

static void
change_sink_free (ChangeSink *sink)
{
  self_ref_unref (sink->weak_self);
  g_main_context_unref (sink->context);
  g_free (sink);
}

/* Runs on the worker right after a commit. */
static void
db_changed_cb (TernStoreChanges *changes, gpointer user_data)
{
  ChangeSink *sink = user_data;
  Notification *n = g_new0 (Notification, 1);
  g_autoptr(GArray) folders = tern_store_changes_get_folders (changes);

  n->weak_self = self_ref_ref (sink->weak_self);
  n->source = sink->source;
  n->changes = tern_store_changes_ref (changes);
  n->folders = g_array_new (FALSE, FALSE, sizeof (FolderCounts));
  for (guint i = 0; i < folders->len; i++)
    {
      gint64 folder_id = g_array_index (folders, gint64, i);
      g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (sink->db, folder_id, NULL);
      FolderCounts fc = { folder_id, 0, 0, FALSE };

      if (folder != NULL)
        {
          fc.total = tern_store_folder_get_total (folder);
          fc.unread = tern_store_folder_get_unread (folder);
          fc.exists = TRUE;
        }
      g_array_append_val (n->folders, fc);
    }

  run_in_context (sink->context, emit_changes_cb, n, (GDestroyNotify) notification_free);
}

/**
 * tern_store_open_db:
 * @source: (nullable): a tag for the changes this connection commits, given to
 *   #TernStore::changes-committed (a sync worker passes its account, say)
 *
 * Opens a connection to the store for the calling thread, such as a sync worker's
 * own: whatever it commits is announced by @self's signals, in @self's main context,
 * exactly like the writes of tern_store_run_async() work. This is how writes made
 * anywhere reach every open list model. Use and unref the connection on one thread.
 *
 * Returns: (transfer full): the connection, or %NULL
 */
TernStoreDb *
tern_store_open_db (TernStore *self, gpointer source, GError **error)
{
  TernStoreDb *db;
  ChangeSink *sink;

  g_return_val_if_fail (TERN_IS_STORE (self), NULL);

  db = tern_store_db_open (self->path, error);
  if (db == NULL)
    return NULL;
  sink = g_new0 (ChangeSink, 1);
  sink->weak_self = self_ref_ref (self->weak_self);
  sink->context = g_main_context_ref (self->context);
  sink->db = db;
  sink->source = source;
  tern_store_db_set_change_func (db, db_changed_cb, sink, (GDestroyNotify) change_sink_free);
  return db;
}

static TernStoreDb *
get_thread_db (TernStore *self, GError **error)
{
  TernStoreDb *db;

  g_mutex_lock (&self->lock);
  db = g_hash_table_lookup (self->dbs, g_thread_self ());
  g_mutex_unlock (&self->lock);
  if (db != NULL)
    return db;

  db = tern_store_open_db (self, NULL, error);
  if (db == NULL)
    return NULL;
  /* The workers mostly read for the window (lists, cards), which the system's page
   * cache serves nearly as well: a smaller cache each kept a 100,000-message INBOX's
   * window 10 MiB smaller, as fast. Bulk changes raise it while they run. */
  tern_store_db_set_cache_size (db, TERN_STORE_DB_READER_CACHE_KIB);

  g_mutex_lock (&self->lock);
  g_hash_table_insert (self->dbs, g_thread_self (), db);
  g_mutex_unlock (&self->lock);
  return db;
}

static void
worker_func (gpointer job_data, gpointer pool_data)
{
  Job *job = job_data;
  TernStore *self = pool_data;
  GCancellable *cancellable = g_task_get_cancellable (job->task);
  TernStoreDb *db;

  if (g_cancellable_set_error_if_cancelled (cancellable, &job->error))
    ;
  else if ((db = get_thread_db (self, &job->error)) != NULL)
    {
      job->result = job->func (db, job->data, cancellable, &job->error);
      if (job->result == NULL && job->error == NULL)
        g_set_error (&job->error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED, _("The store operation failed"));
    }

  run_in_context (g_task_get_context (job->task), job_complete_cb, job, NULL);
}

/**
 * tern_store_run_async:
 * @func: the work, run on a worker thread with its connection
 * @data: (nullable): data for @func, owned by the operation
 * @data_free: (nullable): frees @data when the operation is done
 * @result_free: (nullable): frees the result if nobody takes it
 *
 * Runs @func on a store worker. This is how engine code that needs several store
 * calls in one go (a transaction) works off the main thread.
 */
void
tern_store_run_async (TernStore           *self,
                      TernStoreWorkFunc    func,
                      gpointer             data,
                      GDestroyNotify       data_free,
                      GDestroyNotify       result_free,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  Job *job;

  g_return_if_fail (TERN_IS_STORE (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (Job, 1);
  job->func = func;
  job->data = data;
  job->result_free = result_free;
  job->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, tern_store_run_async);
  g_task_set_task_data (job->task, data, data_free);
  g_thread_pool_push (self->pool, job, NULL);
}

/**
 * tern_store_run_finish:
 *
 * Returns: (transfer full): the result of the work function
 */
gpointer
tern_store_run_finish (TernStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- object --------------------------------------------------------------------- */

static void
tern_store_finalize (GObject *object)
{
  TernStore *self = TERN_STORE (object);

  /* Jobs hold a reference on the store, so none is left: the workers are idle. */
  g_thread_pool_free (self->pool, TRUE, TRUE);
  g_hash_table_unref (self->dbs);
  g_hash_table_unref (self->leaving);
  g_hash_table_unref (self->leaving_ids);
  g_mutex_clear (&self->lock);
  g_weak_ref_set (&self->weak_self->ref, NULL);
  self_ref_unref (self->weak_self);
  g_main_context_unref (self->context);
  g_free (self->path);

  G_OBJECT_CLASS (tern_store_parent_class)->finalize (object);
}

static void
tern_store_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TernStore *self = TERN_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_store_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  TernStore *self = TERN_STORE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      if (self->path == NULL)
        self->path = tern_store_db_get_default_path ();
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tern_store_class_init (TernStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_store_finalize;
  object_class->get_property = tern_store_get_property;
  object_class->set_property = tern_store_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TernStore::messages-added:
   * @folder_id: the folder
   * @ids: (element-type gint64): the new messages' ids
   *
   * Emitted in the store's main context after a commit added messages to a folder
   * (new mail, an import batch, the target of a move).
   */
  signals[MESSAGES_ADDED] =
    g_signal_new ("messages-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ARRAY);
  /**
   * TernStore::messages-removed:
   * @folder_id: the folder
   * @ids: (element-type gint64): the ids of the messages that left it
   */
  signals[MESSAGES_REMOVED] =
    g_signal_new ("messages-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ARRAY);
  /**
   * TernStore::messages-changed:
   * @folder_id: the folder
   * @ids: (element-type gint64): the messages whose flags or content changed
   */
  signals[MESSAGES_CHANGED] =
    g_signal_new ("messages-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ARRAY);
  /**
   * TernStore::messages-arrived:
   * @folder_id: the folder
   * @ids: (element-type gint64): new mail: messages a sync found on the server since
   *   the folder's previous sync (not a folder's first sync); they were announced by
   *   #TernStore::messages-added too
   */
  signals[MESSAGES_ARRIVED] =
    g_signal_new ("messages-arrived", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_ARRAY);
  /**
   * TernStore::folders-changed:
   *
   * Emitted when folders were created, renamed, moved, deleted, or their role or
   * subscription changed (before the message signals of the same commit).
   */
  signals[FOLDERS_CHANGED] =
    g_signal_new ("folders-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TernStore::changes-committed:
   * @changes: everything one commit changed
   * @source: (nullable): the tag given to tern_store_open_db(), %NULL for the
   *   store's own workers
   *
   * Emitted after the other signals of a commit.
   */
  signals[CHANGES_COMMITTED] =
    g_signal_new ("changes-committed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TERN_TYPE_STORE_CHANGES | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_POINTER);
  /**
   * TernStore::folder-counts-changed:
   * @folder_id: the folder
   * @total: its message count now
   * @unread: its unread count now
   */
  signals[FOLDER_COUNTS_CHANGED] =
    g_signal_new ("folder-counts-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT64, G_TYPE_UINT, G_TYPE_UINT);
  /**
   * TernStore::messages-leaving:
   * @ids: (element-type gint64): messages an operation is taking out of their folders
   * @targets: (element-type gint64): the folders they go to (none when deleted)
   *
   * See tern_store_hold_leaving(). A list of one of @targets is not concerned.
   */
  signals[MESSAGES_LEAVING] =
    g_signal_new ("messages-leaving", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_ARRAY, G_TYPE_ARRAY);
  /**
   * TernStore::leaving-released:
   * @ids: (element-type gint64): the messages of a hold that ended
   *
   * The operation is over (committed or failed): lists read their folders again.
   */
  signals[LEAVING_RELEASED] =
    g_signal_new ("leaving-released", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ARRAY);
}

static void
tern_store_init (TernStore *self)
{
  self->context = g_main_context_ref_thread_default ();
  g_mutex_init (&self->lock);
  self->dbs = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_object_unref);
  self->leaving = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) leaving_free);
  self->leaving_ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->weak_self = g_new0 (SelfRef, 1);
  g_atomic_ref_count_init (&self->weak_self->ref_count);
  g_weak_ref_init (&self->weak_self->ref, self);
  self->pool = g_thread_pool_new (worker_func, self, N_WORKERS, FALSE, NULL);
}

static gboolean
tern_store_initable_init (GInitable *initable, GCancellable *cancellable, GError **error)
{
  TernStore *self = TERN_STORE (initable);
  g_autoptr(TernStoreDb) db = NULL;

  /* Create or migrate the store now, so that a bad file fails here, once. */
  db = tern_store_db_open (self->path, error);
  return db != NULL;
}

static void
tern_store_initable_iface_init (GInitableIface *iface)
{
  iface->init = tern_store_initable_init;
}

/**
 * tern_store_new_sync:
 * @path: (nullable): the store file, %NULL for `$XDG_DATA_HOME/tern/store.db`
 *
 * Opens the store, blocking (tools and tests; the UI uses tern_store_new_async()).
 * Signals are emitted in the calling thread's thread-default main context.
 */
TernStore *
tern_store_new_sync (const char *path, GCancellable *cancellable, GError **error)
{
  return g_initable_new (TERN_TYPE_STORE, cancellable, error, "path", path, NULL);
}

void
tern_store_new_async (const char          *path,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_async_initable_new_async (TERN_TYPE_STORE, G_PRIORITY_DEFAULT, cancellable, callback, user_data,
                              "path", path, NULL);
}

TernStore *
tern_store_new_finish (GAsyncResult *result, GError **error)
{
  g_autoptr(GObject) source = g_async_result_get_source_object (result);
  GObject *object = g_async_initable_new_finish (G_ASYNC_INITABLE (source), result, error);

  return object != NULL ? TERN_STORE (object) : NULL;
}

const char *
tern_store_get_path (TernStore *self)
{
  g_return_val_if_fail (TERN_IS_STORE (self), NULL);
  return self->path;
}

/* ---- operations ----------------------------------------------------------------- */

static gpointer
list_folders_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  const char *account = data;
  gint64 account_id = 0;

  if (account != NULL && (account_id = tern_store_db_lookup_account (db, account, error)) == 0)
    return NULL;
  return tern_store_db_list_folders (db, account_id, error);
}

/**
 * tern_store_list_folders_async:
 * @account: (nullable): an account's address, or %NULL for all accounts
 */
void
tern_store_list_folders_async (TernStore           *self,
                               const char          *account,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  tern_store_run_async (self, list_folders_work, g_strdup (account), g_free,
                        (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * tern_store_list_folders_finish:
 *
 * Returns: (transfer container) (element-type TernStoreFolder): the folders
 */
GPtrArray *
tern_store_list_folders_finish (TernStore *self, GAsyncResult *result, GError **error)
{
  return tern_store_run_finish (self, result, error);
}

typedef struct
{
  gint64  folder_id;
  guint   offset;
  guint   limit;
  char   *query;
} OpData;

static void
op_data_free (OpData *op)
{
  g_free (op->query);
  g_free (op);
}

static gpointer
list_messages_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  OpData *op = data;
  return tern_store_db_list_messages (db, op->folder_id, op->offset, op->limit, error);
}

/**
 * tern_store_list_messages_async:
 *
 * Reads a page of a folder's messages, newest first. (The message list uses
 * TernStoreMessageList, which pages by itself.)
 */
void
tern_store_list_messages_async (TernStore           *self,
                                gint64               folder_id,
                                guint                offset,
                                guint                limit,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  OpData *op = g_new0 (OpData, 1);

  op->folder_id = folder_id;
  op->offset = offset;
  op->limit = limit;
  tern_store_run_async (self, list_messages_work, op, (GDestroyNotify) op_data_free,
                        (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * tern_store_list_messages_finish:
 *
 * Returns: (transfer container) (element-type TernStoreMessage): the messages
 */
GPtrArray *
tern_store_list_messages_finish (TernStore *self, GAsyncResult *result, GError **error)
{
  return tern_store_run_finish (self, result, error);
}

static gpointer
search_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  OpData *op = data;
  g_autoptr(TernStoreQuery) query = tern_store_query_parse (op->query, error);

  if (query == NULL)
    return NULL;
  return tern_store_db_search (db, query, op->offset, op->limit, error);
}

/**
 * tern_store_search_async:
 * @query: a query in the search language (see TernStoreQuery)
 *
 * Finds messages in all accounts, newest first.
 */
void
tern_store_search_async (TernStore           *self,
                         const char          *query,
                         guint                offset,
                         guint                limit,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  OpData *op = g_new0 (OpData, 1);

  op->query = g_strdup (query);
  op->offset = offset;
  op->limit = limit;
  tern_store_run_async (self, search_work, op, (GDestroyNotify) op_data_free,
                        (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * tern_store_search_finish:
 *
 * Returns: (transfer container) (element-type TernStoreMessage): the matches
 */
GPtrArray *
tern_store_search_finish (TernStore *self, GAsyncResult *result, GError **error)
{
  return tern_store_run_finish (self, result, error);
}

static gpointer
get_raw_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  OpData *op = data;
  return tern_store_db_get_raw (db, op->folder_id, error);
}

void
tern_store_get_raw_async (TernStore           *self,
                          gint64               message_id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  OpData *op = g_new0 (OpData, 1);

  op->folder_id = message_id;
  tern_store_run_async (self, get_raw_work, op, (GDestroyNotify) op_data_free,
                        (GDestroyNotify) g_bytes_unref, cancellable, callback, user_data);
}

/**
 * tern_store_get_raw_finish:
 *
 * Returns: (transfer full): the raw message
 */
GBytes *
tern_store_get_raw_finish (TernStore *self, GAsyncResult *result, GError **error)
{
  return tern_store_run_finish (self, result, error);
}

/* ---- messages leaving their folders ------------------------------------------------- */

/**
 * tern_store_hold_leaving:
 * @ids: (array length=n_ids): the messages an operation is taking out of their folders
 * @targets: (array length=n_targets) (nullable): the folders they go to
 *
 * Announces, before the operation commits, that @ids are leaving their folders
 * (#TernStore::messages-leaving): live lists of other folders than @targets drop
 * them now and keep them out until tern_store_release_leaving(). Main context only.
 *
 * Returns: the hold's token, for tern_store_release_leaving()
 */
guint
tern_store_hold_leaving (TernStore *self, const gint64 *ids, guint n_ids, const gint64 *targets, guint n_targets)
{
  Leaving *leaving = g_new0 (Leaving, 1);
  guint token = ++self->last_token;

  g_return_val_if_fail (TERN_IS_STORE (self), 0);

  leaving->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
  g_array_append_vals (leaving->ids, ids, n_ids);
  leaving->targets = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_targets);
  if (targets != NULL)
    g_array_append_vals (leaving->targets, targets, n_targets);
  for (guint i = 0; i < n_ids; i++)
    {
      guint holds = GPOINTER_TO_UINT (g_hash_table_lookup (self->leaving_ids, &ids[i]));

      g_hash_table_insert (self->leaving_ids, g_memdup2 (&ids[i], sizeof (gint64)), GUINT_TO_POINTER (holds + 1));
    }
  g_hash_table_insert (self->leaving, GUINT_TO_POINTER (token), leaving);
  g_signal_emit (self, signals[MESSAGES_LEAVING], 0, leaving->ids, leaving->targets);
  return token;
}

/**
 * tern_store_release_leaving:
 * @token: from tern_store_hold_leaving()
 *
 * Ends a hold: the operation committed, or failed and its messages stay where they
 * were (#TernStore::leaving-released).
 */
void
tern_store_release_leaving (TernStore *self, guint token)
{
  Leaving *leaving;

  g_return_if_fail (TERN_IS_STORE (self));

  leaving = g_hash_table_lookup (self->leaving, GUINT_TO_POINTER (token));
  if (leaving == NULL)
    return;
  g_hash_table_steal (self->leaving, GUINT_TO_POINTER (token));
  for (guint i = 0; i < leaving->ids->len; i++)
    {
      gint64 *id = &g_array_index (leaving->ids, gint64, i);
      guint holds = GPOINTER_TO_UINT (g_hash_table_lookup (self->leaving_ids, id));

      if (holds <= 1)
        g_hash_table_remove (self->leaving_ids, id);
      else
        g_hash_table_insert (self->leaving_ids, g_memdup2 (id, sizeof (gint64)), GUINT_TO_POINTER (holds - 1));
    }
  g_signal_emit (self, signals[LEAVING_RELEASED], 0, leaving->ids);
  leaving_free (leaving);
}

/**
 * tern_store_filter_leaving:
 * @keys: (element-type TernStoreDbKey): a list's order
 * @folder_id: the list's folder (0: not one folder)
 *
 * Removes from @keys the messages held as leaving, unless @folder_id is where
 * one of them goes (or 0: a list across folders keeps them).
 */
static gboolean
leaving_goes_to (Leaving *leaving, gint64 folder_id)
{
  for (guint i = 0; i < leaving->targets->len; i++)
    if (g_array_index (leaving->targets, gint64, i) == folder_id)
      return TRUE;
  return FALSE;
}

/* The messages to leave out of a list of @folder_id (0: across folders, none): those
 * of the holds not going there. Usually every one held. */
static GHashTable *
leaving_for (TernStore *self, gint64 folder_id, GHashTable **owned)
{
  GHashTableIter iter;
  gpointer value;
  gboolean some = FALSE;

  *owned = NULL;
  if (folder_id == 0 || g_hash_table_size (self->leaving_ids) == 0)
    return NULL;
  g_hash_table_iter_init (&iter, self->leaving);
  while (g_hash_table_iter_next (&iter, NULL, &value) && !some)
    some = leaving_goes_to (value, folder_id);
  if (!some)
    return self->leaving_ids;

  *owned = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_hash_table_iter_init (&iter, self->leaving);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!leaving_goes_to (value, folder_id))
      for (guint j = 0; j < ((Leaving *) value)->ids->len; j++)
        g_hash_table_add (*owned, &g_array_index (((Leaving *) value)->ids, gint64, j));
  return *owned;
}

void
tern_store_filter_leaving (TernStore *self, GArray *keys, gint64 folder_id)
{
  g_autoptr(GHashTable) owned = NULL;
  GHashTable *ids;
  guint kept = 0;

  g_return_if_fail (TERN_IS_STORE (self));

  ids = leaving_for (self, folder_id, &owned);
  if (ids == NULL || g_hash_table_size (ids) == 0)
    return;
  for (guint i = 0; i < keys->len; i++)
    {
      TernStoreDbKey *key = &g_array_index (keys, TernStoreDbKey, i);

      if (!g_hash_table_contains (ids, &key->id))
        g_array_index (keys, TernStoreDbKey, kept++) = *key;
    }
  g_array_set_size (keys, kept);
}

/**
 * tern_store_without_leaving:
 * @keys: (element-type TernStoreDbKey): a list's order
 * @folder_id: the list's folder
 *
 * Like tern_store_filter_leaving(), into a new array.
 *
 * Returns: (transfer full) (nullable): @keys without the messages held as leaving,
 *   or %NULL when none of them is there
 */
GArray *
tern_store_without_leaving (TernStore *self, GArray *keys, gint64 folder_id)
{
  g_autoptr(GHashTable) owned = NULL;
  g_autoptr(GArray) kept = NULL;
  GHashTable *ids;

  g_return_val_if_fail (TERN_IS_STORE (self), NULL);

  ids = leaving_for (self, folder_id, &owned);
  if (ids == NULL || g_hash_table_size (ids) == 0)
    return NULL;
  kept = g_array_sized_new (FALSE, FALSE, sizeof (TernStoreDbKey), keys->len);
  for (guint i = 0; i < keys->len; i++)
    {
      TernStoreDbKey *key = &g_array_index (keys, TernStoreDbKey, i);

      if (!g_hash_table_contains (ids, &key->id))
        g_array_append_vals (kept, key, 1);
    }
  return kept->len < keys->len ? g_steal_pointer (&kept) : NULL;
}

/**
 * tern_store_dup_leaving:
 * @folder_id: a list's folder
 *
 * Returns: (transfer full) (nullable) (element-type gint64): the messages held as
 *   leaving that a list of @folder_id leaves out, or %NULL for none
 */
GArray *
tern_store_dup_leaving (TernStore *self, gint64 folder_id)
{
  g_autoptr(GHashTable) owned = NULL;
  GHashTable *ids;
  GHashTableIter iter;
  gpointer key;
  GArray *array;

  g_return_val_if_fail (TERN_IS_STORE (self), NULL);

  ids = leaving_for (self, folder_id, &owned);
  if (ids == NULL || g_hash_table_size (ids) == 0)
    return NULL;
  array = g_array_sized_new (FALSE, FALSE, sizeof (gint64), g_hash_table_size (ids));
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_array_append_val (array, *(gint64 *) key);
  return array;
}
