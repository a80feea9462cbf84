/* tern-store-message-list.c: a lazy list model of a folder's messages or a search
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model knows its length (a folder's exact count, or the number of matches)
 * and reads rows in pages of TERN_STORE_MESSAGE_LIST_PAGE_SIZE, on a store
 * worker, only when g_list_model_get_item() asks for them. get_item() never
 * blocks: for a page not read yet it returns placeholder rows (loaded = FALSE)
 * and fills them in when the page arrives, so bound widgets update themselves.
 * At most MAX_PAGES pages are kept; a 100,000-message folder costs a few pages.
 * When the store announces changes to the folder, the model re-counts and
 * reloads (items-changed over the whole range).
 */
#include "config.h"

#include "tern-store-message-list.h"
#include "tern-store-private.h"

#define PAGE_SIZE TERN_STORE_MESSAGE_LIST_PAGE_SIZE
#define MAX_PAGES 32

struct _TernStoreMessageList
{
  GObject        parent_instance;

  TernStore     *store;
  gint64         folder_id;   /* 0 for a search */
  char          *query;
  guint          n_items;
  GHashTable    *pages;       /* page number -> GPtrArray of TernStoreMessage */
  GHashTable    *pending;     /* page numbers being read */
  guint          last_page;
  guint          generation;  /* bumped on reload: late pages are dropped */
  guint64        n_fetched;
  GCancellable  *cancellable;
  gboolean       refresh_queued;
};

static void tern_store_message_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernStoreMessageList, tern_store_message_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tern_store_message_list_model_init))

/* ---- worker side ---------------------------------------------------------------- */

typedef struct
{
  gint64  folder_id;
  char   *query;
  guint   page;
  guint   generation;
  gboolean count;
} FetchData;

typedef struct
{
  gint64     count;
  GPtrArray *rows;
} FetchResult;

static void
fetch_data_free (FetchData *data)
{
  g_free (data->query);
  g_free (data);
}

static void
fetch_result_free (FetchResult *result)
{
  g_clear_pointer (&result->rows, g_ptr_array_unref);
  g_free (result);
}

static gpointer
fetch_work (TernStoreDb *db, gpointer user_data, GCancellable *cancellable, GError **error)
{
  FetchData *data = user_data;
  g_autoptr(TernStoreQuery) query = NULL;
  FetchResult *result = g_new0 (FetchResult, 1);

  if (data->query != NULL && (query = tern_store_query_parse (data->query, error)) == NULL)
    goto fail;

  if (data->count)
    {
      if (query != NULL)
        result->count = tern_store_db_search_count (db, query, error);
      else
        {
          g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, data->folder_id, error);
          result->count = folder != NULL ? tern_store_folder_get_total (folder) : -1;
        }
      if (result->count < 0)
        goto fail;
    }

  if (query != NULL)
    result->rows = tern_store_db_search (db, query, data->page * PAGE_SIZE, PAGE_SIZE, error);
  else
    result->rows = tern_store_db_list_messages (db, data->folder_id, data->page * PAGE_SIZE, PAGE_SIZE, error);
  if (result->rows == NULL)
    goto fail;
  return result;

fail:
  fetch_result_free (result);
  return NULL;
}

static FetchData *
fetch_data_new (TernStoreMessageList *self, guint page, gboolean count)
{
  FetchData *data = g_new0 (FetchData, 1);

  data->folder_id = self->folder_id;
  data->query = g_strdup (self->query);
  data->page = page;
  data->generation = self->generation;
  data->count = count;
  return data;
}

/* ---- pages ---------------------------------------------------------------------- */

static GPtrArray *
new_page (TernStoreMessageList *self, guint page)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  guint first = page * PAGE_SIZE;
  guint n = first < self->n_items ? MIN (PAGE_SIZE, self->n_items - first) : 0;

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, _tern_store_message_new_placeholder ());
  return items;
}

static void
evict_pages (TernStoreMessageList *self)
{
  while (g_hash_table_size (self->pages) > MAX_PAGES)
    {
      GHashTableIter iter;
      gpointer key;
      guint farthest = 0, distance = 0;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          guint page = GPOINTER_TO_UINT (key);
          guint d = page > self->last_page ? page - self->last_page : self->last_page - page;
          if (d >= distance)
            {
              distance = d;
              farthest = page;
            }
        }
      g_hash_table_remove (self->pages, GUINT_TO_POINTER (farthest));
    }
}

static void fetch_page (TernStoreMessageList *self, guint page);

static void
fetch_page_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  FetchResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);
  FetchData *data = g_task_get_task_data (G_TASK (res));
  GPtrArray *items;

  g_hash_table_remove (self->pending, GUINT_TO_POINTER (data->page));

  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read messages: %s", error->message);
      return;
    }
  if (data->generation != self->generation)
    {
      fetch_result_free (result);
      return;
    }

  self->n_fetched += result->rows->len;
  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (data->page));
  if (items != NULL)
    {
      for (guint i = 0; i < items->len && i < result->rows->len; i++)
        _tern_store_message_load_from (g_ptr_array_index (items, i), g_ptr_array_index (result->rows, i));
    }
  fetch_result_free (result);
}

static void
fetch_page (TernStoreMessageList *self, guint page)
{
  if (self->store == NULL || g_hash_table_contains (self->pending, GUINT_TO_POINTER (page)))
    return;
  g_hash_table_add (self->pending, GUINT_TO_POINTER (page));
  tern_store_run_async (self->store, fetch_work, fetch_data_new (self, page, FALSE),
                        (GDestroyNotify) fetch_data_free, (GDestroyNotify) fetch_result_free,
                        self->cancellable, fetch_page_cb, g_object_ref (self));
}

/* ---- GListModel ----------------------------------------------------------------- */

static GType
tern_store_message_list_get_item_type (GListModel *model)
{
  return TERN_TYPE_STORE_MESSAGE;
}

static guint
tern_store_message_list_get_n_items (GListModel *model)
{
  return TERN_STORE_MESSAGE_LIST (model)->n_items;
}

static gpointer
tern_store_message_list_get_item (GListModel *model, guint position)
{
  TernStoreMessageList *self = TERN_STORE_MESSAGE_LIST (model);
  guint page = position / PAGE_SIZE;
  GPtrArray *items;

  if (position >= self->n_items)
    return NULL;

  self->last_page = page;
  items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items == NULL)
    {
      items = new_page (self, page);
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
      fetch_page (self, page);
      evict_pages (self);
      items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
    }
  if (position % PAGE_SIZE >= items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (items, position % PAGE_SIZE));
}

static void
tern_store_message_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tern_store_message_list_get_item_type;
  iface->get_n_items = tern_store_message_list_get_n_items;
  iface->get_item = tern_store_message_list_get_item;
}

/* ---- changes -------------------------------------------------------------------- */

static void
refresh_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreMessageList) self = user_data;
  g_autoptr(GError) error = NULL;
  FetchResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);
  FetchData *data = g_task_get_task_data (G_TASK (res));
  guint old_n = self->n_items;
  GPtrArray *items;

  self->refresh_queued = FALSE;
  if (result == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read messages: %s", error->message);
      return;
    }
  if (data->generation != self->generation)
    {
      fetch_result_free (result);
      return;
    }

  /* Start over: a new generation, the first page filled from this result. */
  self->generation++;
  g_hash_table_remove_all (self->pages);
  g_hash_table_remove_all (self->pending);
  self->n_items = (guint) MIN (result->count, G_MAXUINT);
  self->n_fetched += result->rows->len;
  items = new_page (self, 0);
  for (guint i = 0; i < items->len && i < result->rows->len; i++)
    _tern_store_message_load_from (g_ptr_array_index (items, i), g_ptr_array_index (result->rows, i));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (0), items);
  fetch_result_free (result);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
}

static void
queue_refresh (TernStoreMessageList *self)
{
  if (self->refresh_queued || self->store == NULL)
    return;
  self->refresh_queued = TRUE;
  tern_store_run_async (self->store, fetch_work, fetch_data_new (self, 0, TRUE),
                        (GDestroyNotify) fetch_data_free, (GDestroyNotify) fetch_result_free,
                        self->cancellable, refresh_cb, g_object_ref (self));
}

static void
messages_added_or_removed_cb (TernStore *store, gint64 folder_id, GArray *ids, gpointer user_data)
{
  TernStoreMessageList *self = user_data;

  if (self->folder_id == 0 || self->folder_id == folder_id)
    queue_refresh (self);
}

static void
messages_changed_cb (TernStore *store, gint64 folder_id, GArray *ids, gpointer user_data)
{
  TernStoreMessageList *self = user_data;
  GHashTableIter iter;
  gpointer key, value;

  if (self->folder_id != 0 && self->folder_id != folder_id)
    return;
  if (self->query != NULL)
    {
      /* A flag change can move a message in or out of "is:unread". */
      queue_refresh (self);
      return;
    }

  /* Re-read the cached pages that show one of the messages. */
  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *items = value;
      gboolean hit = FALSE;

      for (guint i = 0; i < items->len && !hit; i++)
        {
          gint64 id = tern_store_message_get_id (g_ptr_array_index (items, i));
          for (guint j = 0; j < ids->len && !hit; j++)
            hit = g_array_index (ids, gint64, j) == id;
        }
      if (hit)
        fetch_page (self, GPOINTER_TO_UINT (key));
    }
}

/* ---- object --------------------------------------------------------------------- */

static void
tern_store_message_list_dispose (GObject *object)
{
  TernStoreMessageList *self = TERN_STORE_MESSAGE_LIST (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tern_store_message_list_parent_class)->dispose (object);
}

static void
tern_store_message_list_finalize (GObject *object)
{
  TernStoreMessageList *self = TERN_STORE_MESSAGE_LIST (object);

  g_hash_table_unref (self->pages);
  g_hash_table_unref (self->pending);
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
  self->pages = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                       (GDestroyNotify) g_ptr_array_unref);
  self->pending = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->cancellable = g_cancellable_new ();
}

static void
new_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernStoreMessageList *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  FetchResult *result = tern_store_run_finish (TERN_STORE (source), res, &error);
  GPtrArray *items;

  if (result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  self->n_items = (guint) MIN (result->count, G_MAXUINT);
  self->n_fetched += result->rows->len;
  items = new_page (self, 0);
  for (guint i = 0; i < items->len && i < result->rows->len; i++)
    _tern_store_message_load_from (g_ptr_array_index (items, i), g_ptr_array_index (result->rows, i));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (0), items);
  fetch_result_free (result);

  g_signal_connect_object (self->store, "messages-added", G_CALLBACK (messages_added_or_removed_cb), self, 0);
  g_signal_connect_object (self->store, "messages-removed", G_CALLBACK (messages_added_or_removed_cb), self, 0);
  g_signal_connect_object (self->store, "messages-changed", G_CALLBACK (messages_changed_cb), self, 0);

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

/**
 * tern_store_message_list_new_async:
 * @store: the store
 * @folder_id: a folder, or 0 with @query
 * @query: (nullable): a search (in the query language), or %NULL for the folder
 *
 * Makes a list model of a folder's messages or of a search's matches, newest
 * first. It completes once the count and the first page are read: the first
 * screen shows at once.
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

  g_return_if_fail (TERN_IS_STORE (store));
  g_return_if_fail ((folder_id > 0) != (query != NULL));

  self = g_object_new (TERN_TYPE_STORE_MESSAGE_LIST, NULL);
  self->store = g_object_ref (store);
  self->folder_id = folder_id;
  self->query = g_strdup (query);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_store_message_list_new_async);
  g_task_set_task_data (task, self, g_object_unref);
  tern_store_run_async (store, fetch_work, fetch_data_new (self, 0, TRUE),
                        (GDestroyNotify) fetch_data_free, (GDestroyNotify) fetch_result_free,
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
 * Returns: how many page reads are in flight
 */
guint
tern_store_message_list_get_n_pending (TernStoreMessageList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_MESSAGE_LIST (self), 0);
  return g_hash_table_size (self->pending) + (self->refresh_queued ? 1 : 0);
}
