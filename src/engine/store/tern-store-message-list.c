/* tern-store-message-list.c: a live list model of a folder's messages or a search
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model keeps the order of the whole list and the rows handed out
 * (tern-store-list-core.c): rows are read by id in batches on a store worker when
 * g_list_model_get_item() asks, placeholders until then, each message one object
 * for as long as anybody holds it.
 *
 * Changes come from the store's signals, whichever connection committed them (the
 * store's workers, a sync thread's connection from tern_store_open_db()):
 *  - messages added to or removed from the folder (or any message, for a search):
 *    the order is read again on a worker and compared with the one the model has;
 *    the differences are emitted as items-changed of the exact positions, in order,
 *    never as a reload, so a selection or a scroll position elsewhere is kept;
 *  - flags, keywords or a body changed: the rows of those messages that the model
 *    keeps are read again and updated in place (their properties notify), and
 *    items-changed (position, 1, 1) says which positions changed.
 * One read runs at a time; changes arriving meanwhile are merged into the next.
 */
#include "config.h"

#include "tern-store-list-core.h"
#include "tern-store-message-list.h"
#include "tern-store-private.h"

/* Rows are read in batches of this many around the one asked for. */
#define BATCH TERN_STORE_MESSAGE_LIST_PAGE_SIZE

struct _TernStoreMessageList
{
  GObject            parent_instance;

  TernStore         *store;
  gint64             folder_id;     /* 0 for a search */
  char              *query;
  TernStoreListCore  core;
  guint64            n_fetched;
  guint              n_batches;     /* row reads in flight */

  TernStoreListOrder order;
  GArray            *stale;         /* ids whose rows changed, to read again */
  gboolean           stale_running;

  GCancellable      *cancellable;
};

static void tern_store_message_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernStoreMessageList, tern_store_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tern_store_message_list_model_init))

static GObject *
new_item (gint64 id)
{
  return G_OBJECT (_tern_store_message_new_placeholder_for (id));
}

static gboolean
item_loaded (gpointer item)
{
  return tern_store_message_is_loaded (item);
}

/* ---- worker side ------------------------------------------------------------------- */

typedef struct
{
  gint64  folder_id;
  char   *query;
  GArray *ids;          /* rows to read */
  gboolean order;       /* read the order */
  gboolean first;       /* and the first batch of rows */
} Work;

typedef struct
{
  GArray    *keys;      /* TernStoreDbKey */
  GPtrArray *rows;      /* TernStoreMessage */
} WorkResult;

static void
work_free (Work *work)
{
  g_free (work->query);
  g_clear_pointer (&work->ids, g_array_unref);
  g_free (work);
}

static void
work_result_free (WorkResult *result)
{
  g_clear_pointer (&result->keys, g_array_unref);
  g_clear_pointer (&result->rows, g_ptr_array_unref);
  g_free (result);
}

static gboolean
read_rows (TernStoreDb *db, const gint64 *ids, guint n_ids, GPtrArray *rows, GError **error)
{
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(GError) local_error = NULL;
      TernStoreMessage *row = tern_store_db_get_message (db, ids[i], &local_error);

      if (row != NULL)
        g_ptr_array_add (rows, row);
      else if (!g_error_matches (local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
        {
          /* A row deleted since is left out: the next order read removes it. */
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

static gpointer
work_func (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  Work *work = data;
  g_autoptr(TernStoreQuery) query = NULL;
  WorkResult *result = g_new0 (WorkResult, 1);

  result->rows = g_ptr_array_new_with_free_func (g_object_unref);
  if (work->order)
    {
      if (work->query != NULL && (query = tern_store_query_parse (work->query, error)) == NULL)
        goto fail;
      result->keys = tern_store_db_list_keys (db, work->folder_id, query, error);
      if (result->keys == NULL)
        goto fail;
      if (work->first && result->keys->len > 0)
        {
          g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

          for (guint i = 0; i < result->keys->len && i < BATCH; i++)
            g_array_append_val (ids, g_array_index (result->keys, TernStoreDbKey, i).id);
          if (!read_rows (db, (const gint64 *) (void *) ids->data, ids->len, result->rows, error))
            goto fail;
        }
    }
  if (work->ids != NULL &&
      !read_rows (db, (const gint64 *) (void *) work->ids->data, work->ids->len, result->rows, error))
    goto fail;
  return result;

fail:
  work_result_free (result);
  return NULL;
}

static Work *
work_new (TernStoreMessageList *self)
{
  Work *work = g_new0 (Work, 1);

  work->folder_id = self->folder_id;
  work->query = g_strdup (self->query);
  return work;
}

/* ---- rows ---------------------------------------------------------------------------- */

static void
fill_rows (TernStoreMessageList *self, GPtrArray *rows)
{
  self->n_fetched += rows->len;
  for (guint i = 0; i < rows->len; i++)
    {
      TernStoreMessage *fresh = g_ptr_array_index (rows, i);
      TernStoreMessage *item = _tern_store_list_core_lookup (&self->core, tern_store_message_get_id (fresh));

      if (item != NULL)
        _tern_store_message_load_from (item, fresh);
    }
}

static void
batch_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  WorkResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);
  Work *work = g_task_get_task_data (G_TASK (res));

  self->n_batches--;
  _tern_store_list_core_done_reading (&self->core, work->ids);
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read messages: %s", error->message);
      return;
    }
  fill_rows (self, result->rows);
  work_result_free (result);
}

/* Reads the rows around @position that are neither loaded nor being read. */
static void
read_batch (TernStoreMessageList *self, guint position)
{
  g_autoptr(GArray) ids = _tern_store_list_core_take_batch (&self->core, position, BATCH);
  Work *work;

  if (ids == NULL || self->store == NULL)
    return;
  work = work_new (self);
  work->ids = g_steal_pointer (&ids);
  self->n_batches++;
  tern_store_run_async (self->store, work_func, work, (GDestroyNotify) work_free,
                        (GDestroyNotify) work_result_free, self->cancellable, batch_cb, g_object_ref (self));
}

/* ---- GListModel --------------------------------------------------------------------- */

static GType
tern_store_message_list_get_item_type (GListModel *model)
{
  return TERN_TYPE_STORE_MESSAGE;
}

static guint
tern_store_message_list_get_n_items (GListModel *model)
{
  return _tern_store_list_core_n_items (&TERN_STORE_MESSAGE_LIST (model)->core);
}

static gpointer
tern_store_message_list_get_item (GListModel *model, guint position)
{
  TernStoreMessageList *self = TERN_STORE_MESSAGE_LIST (model);
  gboolean needs_read = FALSE;
  gpointer item = _tern_store_list_core_get_item (&self->core, position, &needs_read);

  if (needs_read)
    read_batch (self, position);
  return item;
}

static void
tern_store_message_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tern_store_message_list_get_item_type;
  iface->get_n_items = tern_store_message_list_get_n_items;
  iface->get_item = tern_store_message_list_get_item;
}

/* ---- changes: the order ------------------------------------------------------------- */

static void queue_order (TernStoreMessageList *self, gboolean urgent);
static void queue_stale (TernStoreMessageList *self);

static void
order_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  WorkResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);

  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->order.running = FALSE;   /* the list is going */
          return;
        }
      g_warning ("Cannot read the message list: %s", error->message);
      /* A change that came meanwhile is read after the pause, as after a read. */
      _tern_store_list_order_done (&self->order);
      return;
    }
  if (_tern_store_list_order_done (&self->order))
    {
      tern_store_filter_leaving (self->store, result->keys, self->folder_id);
      _tern_store_list_core_apply_order (&self->core, result->keys);
    }
  work_result_free (result);
}

static void
start_order (gpointer list)
{
  TernStoreMessageList *self = list;
  Work *work;

  if (self->store == NULL)
    {
      self->order.running = FALSE;
      return;
    }
  work = work_new (self);
  work->order = TRUE;
  tern_store_run_async (self->store, work_func, work, (GDestroyNotify) work_free,
                        (GDestroyNotify) work_result_free, self->cancellable, order_cb, g_object_ref (self));
}

static void
queue_order (TernStoreMessageList *self, gboolean urgent)
{
  _tern_store_list_order_queue (&self->order, urgent);
}

/* ---- changes: rows ------------------------------------------------------------------- */

static void
stale_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  WorkResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);

  self->stale_running = FALSE;
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read messages: %s", error->message);
      return;
    }
  fill_rows (self, result->rows);
  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

    for (guint i = 0; i < result->rows->len; i++)
      {
        gint64 id = tern_store_message_get_id (g_ptr_array_index (result->rows, i));
        g_array_append_val (ids, id);
      }
    _tern_store_list_core_announce (&self->core, ids);
  }
  work_result_free (result);
  if (self->stale->len > 0)
    queue_stale (self);
}

static void
queue_stale (TernStoreMessageList *self)
{
  Work *work;

  if (self->store == NULL || self->stale_running || self->stale->len == 0)
    return;
  self->stale_running = TRUE;
  work = work_new (self);
  work->ids = g_steal_pointer (&self->stale);
  self->stale = g_array_new (FALSE, FALSE, sizeof (gint64));
  tern_store_run_async (self->store, work_func, work, (GDestroyNotify) work_free,
                        (GDestroyNotify) work_result_free, self->cancellable, stale_cb, g_object_ref (self));
}

static void
messages_added_or_removed_cb (TernStore *store, gint64 folder_id, GArray *ids, gpointer user_data)
{
  TernStoreMessageList *self = user_data;

  if (self->folder_id == 0 || self->folder_id == folder_id)
    queue_order (self, FALSE);
}

static void
messages_changed_cb (TernStore *store, gint64 folder_id, GArray *ids, gpointer user_data)
{
  TernStoreMessageList *self = user_data;

  if (self->folder_id != 0 && self->folder_id != folder_id)
    return;
  /* A flag change can move a message in or out of "is:unread". */
  if (self->query != NULL)
    queue_order (self, FALSE);

  /* Read again the rows the model keeps; the others are read when asked for. */
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      TernStoreMessage *item = _tern_store_list_core_lookup (&self->core, id);

      if (item != NULL && tern_store_message_is_loaded (item))
        g_array_append_val (self->stale, id);
    }
  queue_stale (self);
}

/* Messages an operation is taking out of their folders: dropped now, before it
 * commits (see tern_store_hold_leaving()). */
static void
messages_leaving_cb (TernStore *store, GArray *ids, GArray *targets, gpointer user_data)
{
  TernStoreMessageList *self = user_data;
  g_autoptr(GArray) keys = NULL;

  if (self->folder_id == 0)
    return;
  keys = tern_store_without_leaving (store, self->core.keys, self->folder_id);
  if (keys != NULL)
    _tern_store_list_core_apply_order (&self->core, keys);
}

static void
leaving_released_cb (TernStore *store, GArray *ids, gpointer user_data)
{
  TernStoreMessageList *self = user_data;

  if (self->folder_id != 0)
    queue_order (self, TRUE);
}

/* ---- object ---------------------------------------------------------------------------- */

static void
tern_store_message_list_dispose (GObject *object)
{
  TernStoreMessageList *self = TERN_STORE_MESSAGE_LIST (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  _tern_store_list_order_clear (&self->order);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tern_store_message_list_parent_class)->dispose (object);
}

static void
tern_store_message_list_finalize (GObject *object)
{
  TernStoreMessageList *self = TERN_STORE_MESSAGE_LIST (object);

  _tern_store_list_core_clear (&self->core);
  g_array_unref (self->stale);
  g_free (self->query);
  G_OBJECT_CLASS (tern_store_message_list_parent_class)->finalize (object);
}

static void
tern_store_message_list_class_init (TernStoreMessageListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_store_message_list_dispose;
  object_class->finalize = tern_store_message_list_finalize;
}

static void
tern_store_message_list_init (TernStoreMessageList *self)
{
  _tern_store_list_core_init (&self->core, G_LIST_MODEL (self), new_item, item_loaded);
  _tern_store_list_order_init (&self->order, start_order, self);
  self->stale = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cancellable = g_cancellable_new ();
}

static void
new_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernStoreMessageList *self = g_task_get_task_data (task);
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
  tern_store_filter_leaving (self->store, self->core.keys, self->folder_id);
  for (guint i = 0; i < result->rows->len; i++)
    {
      TernStoreMessage *message = g_ptr_array_index (result->rows, i);
      _tern_store_list_core_adopt (&self->core, tern_store_message_get_id (message), message);
    }
  self->n_fetched += result->rows->len;
  work_result_free (result);

  /* Changes committed while the first read ran: read the order once more. */
  _tern_store_list_order_done (&self->order);
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

/**
 * tern_store_message_list_new_async:
 * @store: the store
 * @folder_id: a folder, or 0 with @query
 * @query: (nullable): a search (in the query language), or %NULL for the folder
 *
 * Makes a live list model of a folder's messages or of a search's matches, newest
 * first. It completes once the order and the first rows are read: the first screen
 * shows at once.
 */
void
tern_store_message_list_new_async (TernStore           *store,
                                   gint64               folder_id,
                                   const char          *query,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  TernStoreMessageList *self;
  GTask *task;
  Work *work;

  g_return_if_fail (TERN_IS_STORE (store));
  g_return_if_fail ((folder_id > 0) != (query != NULL));

  self = g_object_new (TERN_TYPE_STORE_MESSAGE_LIST, NULL);
  self->store = g_object_ref (store);
  self->folder_id = folder_id;
  self->query = g_strdup (query);

  /* Listen from now on, so that nothing committed after the read is missed. */
  g_signal_connect (store, "messages-added", G_CALLBACK (messages_added_or_removed_cb), self);
  g_signal_connect (store, "messages-removed", G_CALLBACK (messages_added_or_removed_cb), self);
  g_signal_connect (store, "messages-changed", G_CALLBACK (messages_changed_cb), self);
  g_signal_connect (store, "messages-leaving", G_CALLBACK (messages_leaving_cb), self);
  g_signal_connect (store, "leaving-released", G_CALLBACK (leaving_released_cb), self);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_store_message_list_new_async);
  g_task_set_task_data (task, self, g_object_unref);
  work = work_new (self);
  work->order = TRUE;
  work->first = TRUE;
  _tern_store_list_order_running (&self->order);
  tern_store_run_async (store, work_func, work, (GDestroyNotify) work_free, (GDestroyNotify) work_result_free,
                        cancellable, new_cb, task);
}

/**
 * tern_store_message_list_new_finish:
 *
 * Returns: (transfer full): the model, or %NULL
 */
TernStoreMessageList *
tern_store_message_list_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
tern_store_message_list_get_folder_id (TernStoreMessageList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE_LIST (self), 0);
  return self->folder_id;
}

const char *
tern_store_message_list_get_query (TernStoreMessageList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE_LIST (self), NULL);
  return self->query;
}

/**
 * tern_store_message_list_get_n_fetched:
 *
 * Returns: how many rows the model has read from the store so far (to check
 *   that it reads lazily)
 */
guint64
tern_store_message_list_get_n_fetched (TernStoreMessageList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE_LIST (self), 0);
  return self->n_fetched;
}

/**
 * tern_store_message_list_get_n_pending:
 *
 * Returns: how many reads are in flight (rows, the order, changed rows)
 */
guint
tern_store_message_list_get_n_pending (TernStoreMessageList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE_LIST (self), 0);
  return self->n_batches + (_tern_store_list_order_pending (&self->order) ? 1 : 0) + (self->stale_running ? 1 : 0);
}

/**
 * tern_store_message_list_find:
 * @id: a message id
 *
 * Returns: the position of message @id, or -1 when the list does not hold it
 */
gint
tern_store_message_list_find (TernStoreMessageList *self, gint64 id)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE_LIST (self), -1);
  return _tern_store_list_core_find (&self->core, id);
}

/**
 * tern_store_message_list_get_id:
 * @position: a position in the list
 *
 * The id at @position, without reading the row (for actions on a selection).
 *
 * Returns: the id, or 0 past the end
 */
gint64
tern_store_message_list_get_id (TernStoreMessageList *self, guint position)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE_LIST (self), 0);

  if (position >= _tern_store_list_core_n_items (&self->core))
    return 0;
  return _tern_store_list_core_id_at (&self->core, position);
}
