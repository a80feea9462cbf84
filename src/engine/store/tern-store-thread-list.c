/* tern-store-thread-list.c: a live list model of a folder's conversations or a search's
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One row per conversation, in the place of its newest message in the folder (or
 * among a search's matches), newest first: what a mail client's message list shows
 * with "conversations" on. Like TernStoreMessageList (the same core,
 * tern-store-list-core.c), it keeps the whole order (a conversation's newest sort key
 * and its id) and reads the rows (TernStoreThread: counts, participants, the newest
 * message) only when asked, in batches on a store worker.
 *
 * Changes: whatever the store announces for the folder (any message, for a search)
 * makes the model read the order again and announce the differences as items-changed
 * of the exact positions; a conversation whose newest message changed moves (removed
 * where it was, inserted where it goes: the same object). The rows somebody holds (on
 * screen) are read again after each change and announced where their content changed;
 * the others are dropped, to be read again when asked for.
 */
#include "config.h"

#include "tern-store-list-core.h"
#include "tern-store-private.h"
#include "tern-store-thread-list.h"

#define BATCH 64

struct _TernStoreThreadList
{
  GObject            parent_instance;

  TernStore         *store;
  gint64             folder_id;     /* 0 for a search */
  char              *query;
  TernStoreListCore  core;
  guint              n_batches;
  TernStoreListOrder order;
  GCancellable      *cancellable;
};

static void tern_store_thread_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernStoreThreadList, tern_store_thread_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tern_store_thread_list_model_init))

static GObject *
new_item (gint64 id)
{
  return G_OBJECT (_tern_store_thread_new_placeholder_for (id));
}

static gboolean
item_loaded (gpointer item)
{
  return tern_store_thread_is_loaded (item);
}

/* ---- worker side ------------------------------------------------------------------- */

typedef struct
{
  gint64    folder_id;
  char     *query;
  GArray   *ids;         /* conversations to read */
  GArray   *except;      /* messages leaving the folder */
  gboolean  order;       /* read the order */
  gboolean  first;       /* and the first batch */
} Work;

typedef struct
{
  GArray *keys;          /* TernStoreDbKey */
  GArray *summaries;     /* TernStoreDbThreadSummary */
} WorkResult;

static void
work_free (Work *work)
{
  g_free (work->query);
  g_clear_pointer (&work->ids, g_array_unref);
  g_clear_pointer (&work->except, g_array_unref);
  g_free (work);
}

static void
work_result_free (WorkResult *result)
{
  g_clear_pointer (&result->keys, g_array_unref);
  g_clear_pointer (&result->summaries, g_array_unref);
  g_free (result);
}

static gboolean
read_summaries (TernStoreDb *db, gint64 folder_id, const gint64 *ids, guint n_ids, GArray *out, GError **error)
{
  for (guint i = 0; i < n_ids; i++)
    {
      TernStoreDbThreadSummary summary;

      if (!tern_store_db_get_thread_summary (db, ids[i], folder_id, &summary, error))
        return FALSE;
      g_array_append_val (out, summary);
    }
  return TRUE;
}

static gpointer
work_func (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  Work *work = data;
  g_autoptr(TernStoreQuery) query = NULL;
  WorkResult *result = g_new0 (WorkResult, 1);

  result->summaries = g_array_new (FALSE, FALSE, sizeof (TernStoreDbThreadSummary));
  g_array_set_clear_func (result->summaries, (GDestroyNotify) tern_store_db_thread_summary_clear);
  if (work->order)
    {
      if (work->query != NULL && (query = tern_store_query_parse (work->query, error)) == NULL)
        goto fail;
      if ((result->keys = tern_store_db_list_thread_keys (db, work->folder_id, query, work->except, error)) == NULL)
        goto fail;
      if (work->first)
        {
          g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

          for (guint i = 0; i < result->keys->len && i < BATCH; i++)
            g_array_append_val (ids, g_array_index (result->keys, TernStoreDbKey, i).id);
          if (!read_summaries (db, work->folder_id, (const gint64 *) (void *) ids->data, ids->len, result->summaries, error))
            goto fail;
        }
    }
  if (work->ids != NULL &&
      !read_summaries (db, work->folder_id, (const gint64 *) (void *) work->ids->data, work->ids->len, result->summaries,
                       error))
    goto fail;
  return result;

fail:
  work_result_free (result);
  return NULL;
}

static Work *
work_new (TernStoreThreadList *self)
{
  Work *work = g_new0 (Work, 1);

  work->folder_id = self->folder_id;
  work->query = g_strdup (self->query);
  if (self->store != NULL)
    work->except = tern_store_dup_leaving (self->store, self->folder_id);
  return work;
}

/* ---- rows ------------------------------------------------------------------------------ */

/* Fills the rows read; returns the ids of those whose content changed. */
static GArray *
fill_rows (TernStoreThreadList *self, GArray *summaries)
{
  GArray *changed = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < summaries->len; i++)
    {
      TernStoreDbThreadSummary *summary = &g_array_index (summaries, TernStoreDbThreadSummary, i);
      TernStoreThread *item = _tern_store_list_core_lookup (&self->core, summary->thread_id);
      gboolean was_loaded;

      if (item == NULL || summary->n_messages == 0)
        continue;
      was_loaded = tern_store_thread_is_loaded (item);
      if (_tern_store_thread_load_from (item, summary) && was_loaded)
        g_array_append_val (changed, summary->thread_id);
    }
  return changed;
}

static void
batch_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreThreadList) self = user_data;
  g_autoptr(GError) error = NULL;
  WorkResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);
  Work *work = g_task_get_task_data (G_TASK (res));
  g_autoptr(GArray) changed = NULL;

  self->n_batches--;
  _tern_store_list_core_done_reading (&self->core, work->ids);
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read conversations: %s", error->message);
      return;
    }
  changed = fill_rows (self, result->summaries);
  /* Rows read again after a change: say which positions changed. */
  if (changed->len > 0)
    _tern_store_list_core_announce (&self->core, changed);
  work_result_free (result);
}

static void
read_ids (TernStoreThreadList *self, GArray *ids)
{
  Work *work;

  if (ids == NULL || ids->len == 0 || self->store == NULL)
    return;
  work = work_new (self);
  work->ids = g_array_ref (ids);
  self->n_batches++;
  tern_store_run_async (self->store, work_func, work, (GDestroyNotify) work_free, (GDestroyNotify) work_result_free,
                        self->cancellable, batch_cb, g_object_ref (self));
}

/* ---- GListModel ------------------------------------------------------------------------ */

static GType
tern_store_thread_list_get_item_type (GListModel *model)
{
  return TERN_TYPE_STORE_THREAD;
}

static guint
tern_store_thread_list_get_n_items (GListModel *model)
{
  return _tern_store_list_core_n_items (&TERN_STORE_THREAD_LIST (model)->core);
}

static gpointer
tern_store_thread_list_get_item (GListModel *model, guint position)
{
  TernStoreThreadList *self = TERN_STORE_THREAD_LIST (model);
  gboolean needs_read = FALSE;
  gpointer item = _tern_store_list_core_get_item (&self->core, position, &needs_read);

  if (needs_read)
    {
      g_autoptr(GArray) ids = _tern_store_list_core_take_batch (&self->core, position, BATCH);
      read_ids (self, ids);
    }
  return item;
}

static void
tern_store_thread_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tern_store_thread_list_get_item_type;
  iface->get_n_items = tern_store_thread_list_get_n_items;
  iface->get_item = tern_store_thread_list_get_item;
}

/* ---- changes -------------------------------------------------------------------------- */

static void queue_order (TernStoreThreadList *self, gboolean urgent);

static void
order_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreThreadList) self = user_data;
  g_autoptr(GError) error = NULL;
  WorkResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);

  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->order.running = FALSE;   /* the list is going */
          return;
        }
      g_warning ("Cannot read the conversation list: %s", error->message);
      /* A change that came meanwhile is read after the pause, as after a read. */
      _tern_store_list_order_done (&self->order);
      return;
    }
  if (_tern_store_list_order_done (&self->order))
    {
      g_autoptr(GArray) held = NULL;

      _tern_store_list_core_apply_order (&self->core, result->keys);
      /* The rows on screen may have new counts or a new newest message: read again;
       * the others are read when asked for. */
      _tern_store_list_core_forget_unheld (&self->core);
      held = _tern_store_list_core_held_ids (&self->core);
      read_ids (self, held);
    }
  work_result_free (result);
}

static void
start_order (gpointer list)
{
  TernStoreThreadList *self = list;
  Work *work;

  if (self->store == NULL)
    {
      self->order.running = FALSE;
      return;
    }
  work = work_new (self);
  work->order = TRUE;
  tern_store_run_async (self->store, work_func, work, (GDestroyNotify) work_free, (GDestroyNotify) work_result_free,
                        self->cancellable, order_cb, g_object_ref (self));
}

static void
queue_order (TernStoreThreadList *self, gboolean urgent)
{
  _tern_store_list_order_queue (&self->order, urgent);
}

static void
messages_cb (TernStore *store, gint64 folder_id, GArray *ids, gpointer user_data)
{
  TernStoreThreadList *self = user_data;

  if (self->folder_id == 0 || self->folder_id == folder_id)
    queue_order (self, FALSE);
}

/* Messages leaving their folders (see tern_store_hold_leaving()): the order again,
 * without them, so that a conversation they all leave goes now. */
static void
messages_leaving_cb (TernStore *store, GArray *ids, GArray *targets, gpointer user_data)
{
  TernStoreThreadList *self = user_data;

  if (self->folder_id != 0)
    queue_order (self, TRUE);
}

/* The operation is over: the order again, with them if they stayed. */
static void
leaving_released_cb (TernStore *store, GArray *ids, gpointer user_data)
{
  TernStoreThreadList *self = user_data;

  if (self->folder_id != 0)
    queue_order (self, TRUE);
}

/* ---- object ----------------------------------------------------------------------------- */

static void
tern_store_thread_list_dispose (GObject *object)
{
  TernStoreThreadList *self = TERN_STORE_THREAD_LIST (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  _tern_store_list_order_clear (&self->order);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tern_store_thread_list_parent_class)->dispose (object);
}

static void
tern_store_thread_list_finalize (GObject *object)
{
  TernStoreThreadList *self = TERN_STORE_THREAD_LIST (object);

  _tern_store_list_core_clear (&self->core);
  g_free (self->query);
  G_OBJECT_CLASS (tern_store_thread_list_parent_class)->finalize (object);
}

static void
tern_store_thread_list_class_init (TernStoreThreadListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_store_thread_list_dispose;
  object_class->finalize = tern_store_thread_list_finalize;
}

static void
tern_store_thread_list_init (TernStoreThreadList *self)
{
  _tern_store_list_core_init (&self->core, G_LIST_MODEL (self), new_item, item_loaded);
  _tern_store_list_order_init (&self->order, start_order, self);
  self->cancellable = g_cancellable_new ();
}

static void
new_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernStoreThreadList *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  WorkResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);

  if (result == NULL)
    {
      self->order.running = FALSE;
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_array_unref (self->core.keys);
  self->core.keys = g_steal_pointer (&result->keys);
  for (guint i = 0; i < result->summaries->len; i++)
    {
      TernStoreDbThreadSummary *summary = &g_array_index (result->summaries, TernStoreDbThreadSummary, i);
      g_autoptr(TernStoreThread) item = _tern_store_thread_new_placeholder_for (summary->thread_id);

      _tern_store_thread_load_from (item, summary);
      _tern_store_list_core_adopt (&self->core, summary->thread_id, item);
    }
  work_result_free (result);
  _tern_store_list_order_done (&self->order);
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

/**
 * tern_store_thread_list_new_async:
 * @store: the store
 * @folder_id: a folder, or 0 with @query
 * @query: (nullable): a search (in the query language), or %NULL for the folder
 *
 * Makes a live list model of a folder's conversations (counted in that folder), or
 * of those a search's matches belong to (counted in every folder), newest first.
 * It completes once the order and the first rows are read.
 */
void
tern_store_thread_list_new_async (TernStore           *store,
                                  gint64               folder_id,
                                  const char          *query,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TernStoreThreadList *self;
  GTask *task;
  Work *work;

  g_return_if_fail (TERN_IS_STORE (store));
  g_return_if_fail ((folder_id > 0) != (query != NULL));

  self = g_object_new (TERN_TYPE_STORE_THREAD_LIST, NULL);
  self->store = g_object_ref (store);
  self->folder_id = folder_id;
  self->query = g_strdup (query);

  g_signal_connect (store, "messages-added", G_CALLBACK (messages_cb), self);
  g_signal_connect (store, "messages-removed", G_CALLBACK (messages_cb), self);
  g_signal_connect (store, "messages-changed", G_CALLBACK (messages_cb), self);
  g_signal_connect (store, "messages-leaving", G_CALLBACK (messages_leaving_cb), self);
  g_signal_connect (store, "leaving-released", G_CALLBACK (leaving_released_cb), self);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_store_thread_list_new_async);
  g_task_set_task_data (task, self, g_object_unref);
  work = work_new (self);
  work->order = TRUE;
  work->first = TRUE;
  _tern_store_list_order_running (&self->order);
  tern_store_run_async (store, work_func, work, (GDestroyNotify) work_free, (GDestroyNotify) work_result_free,
                        cancellable, new_cb, task);
}

/**
 * tern_store_thread_list_new_finish:
 *
 * Returns: (transfer full): the model, or %NULL
 */
TernStoreThreadList *
tern_store_thread_list_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
tern_store_thread_list_get_folder_id (TernStoreThreadList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_THREAD_LIST (self), 0);
  return self->folder_id;
}

const char *
tern_store_thread_list_get_query (TernStoreThreadList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_THREAD_LIST (self), NULL);
  return self->query;
}

/**
 * tern_store_thread_list_get_n_pending:
 *
 * Returns: how many reads are in flight
 */
guint
tern_store_thread_list_get_n_pending (TernStoreThreadList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_THREAD_LIST (self), 0);
  return self->n_batches + (_tern_store_list_order_pending (&self->order) ? 1 : 0);
}

/**
 * tern_store_thread_list_find:
 *
 * Returns: the position of conversation @thread_id, or -1
 */
gint
tern_store_thread_list_find (TernStoreThreadList *self, gint64 thread_id)
{
  g_return_val_if_fail (TERN_IS_STORE_THREAD_LIST (self), -1);
  return _tern_store_list_core_find (&self->core, thread_id);
}

/**
 * tern_store_thread_list_get_id:
 * @position: a position in the list
 *
 * The id at @position, without reading the row (for actions on a selection).
 *
 * Returns: the id, or 0 past the end
 */
gint64
tern_store_thread_list_get_id (TernStoreThreadList *self, guint position)
{
  g_return_val_if_fail (TERN_IS_STORE_THREAD_LIST (self), 0);

  if (position >= _tern_store_list_core_n_items (&self->core))
    return 0;
  return _tern_store_list_core_id_at (&self->core, position);
}
