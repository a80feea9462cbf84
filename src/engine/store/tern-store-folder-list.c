/* tern-store-folder-list.c: a live list model of the folders
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An account's folders (or every account's), in the store's order (account, then
 * path), as TernStoreFolder objects that stay the same objects while the folder
 * exists: a rename, a new role or new counts change them in place (their properties
 * notify) and are announced as items-changed of their position. Counts come with the
 * store's folder-counts-changed after every commit, whichever connection made it;
 * folders created, renamed, moved or deleted make the model read the list again on a
 * worker and announce the differences position by position.
 */
#include "config.h"

#include "tern-store-folder-list.h"
#include "tern-store-private.h"

struct _TernStoreFolderList
{
  GObject        parent_instance;

  TernStore     *store;
  gint64         account_id;    /* 0: every account */
  GPtrArray     *folders;       /* TernStoreFolder, in order */
  gboolean       running;
  gboolean       dirty;
  GCancellable  *cancellable;
};

static void tern_store_folder_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TernStoreFolderList, tern_store_folder_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, tern_store_folder_list_model_init))

static gpointer
list_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  return tern_store_db_list_folders (db, *(gint64 *) data, error);
}

static guint
find (TernStoreFolderList *self, gint64 folder_id)
{
  for (guint i = 0; i < self->folders->len; i++)
    if (tern_store_folder_get_id (g_ptr_array_index (self->folders, i)) == folder_id)
      return i;
  return G_MAXUINT;
}

static guint
find_in (GPtrArray *folders, guint from, gint64 folder_id)
{
  for (guint i = from; i < folders->len; i++)
    if (tern_store_folder_get_id (g_ptr_array_index (folders, i)) == folder_id)
      return i;
  return G_MAXUINT;
}

/* Turns the model's list into @rows, keeping the objects of folders that stay. */
static void
apply (TernStoreFolderList *self, GPtrArray *rows)
{
  /* Gone folders, from the bottom up. */
  for (guint i = self->folders->len; i-- > 0;)
    if (find_in (rows, 0, tern_store_folder_get_id (g_ptr_array_index (self->folders, i))) == G_MAXUINT)
      {
        g_ptr_array_remove_index (self->folders, i);
        g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
      }

  /* Then position by position: the same folder (updated in place), one that moved
   * in the order (a rename), or a new one. */
  for (guint i = 0; i < rows->len; i++)
    {
      TernStoreFolder *row = g_ptr_array_index (rows, i);
      guint at = find_in (self->folders, i, tern_store_folder_get_id (row));

      if (at == i)
        {
          TernStoreFolder *folder = g_ptr_array_index (self->folders, i);
          guint total = tern_store_folder_get_total (folder), unread = tern_store_folder_get_unread (folder);
          g_autofree char *path = g_strdup (tern_store_folder_get_path (folder));
          TernStoreFolderRole role = tern_store_folder_get_role (folder);
          gboolean subscribed = tern_store_folder_get_subscribed (folder);

          _tern_store_folder_update_from (folder, row);
          if (total != tern_store_folder_get_total (folder) || unread != tern_store_folder_get_unread (folder) ||
              g_strcmp0 (path, tern_store_folder_get_path (folder)) != 0 ||
              role != tern_store_folder_get_role (folder) || subscribed != tern_store_folder_get_subscribed (folder))
            g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
        }
      else if (at != G_MAXUINT)
        {
          TernStoreFolder *folder = g_object_ref (g_ptr_array_index (self->folders, at));

          g_ptr_array_remove_index (self->folders, at);
          g_list_model_items_changed (G_LIST_MODEL (self), at, 1, 0);
          _tern_store_folder_update_from (folder, row);
          g_ptr_array_insert (self->folders, i, folder);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
        }
      else
        {
          g_ptr_array_insert (self->folders, i, g_object_ref (row));
          g_list_model_items_changed (G_LIST_MODEL (self), i, 0, 1);
        }
    }
}

static void refresh (TernStoreFolderList *self);

static void
refresh_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(TernStoreFolderList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = tern_store_run_finish (TERN_STORE (source), res, &error);

  self->running = FALSE;
  if (rows == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the folders: %s", error->message);
      return;
    }
  if (!self->dirty)
    apply (self, rows);
  else
    refresh (self);
}

static void
refresh (TernStoreFolderList *self)
{
  if (self->store == NULL)
    return;
  if (self->running)
    {
      self->dirty = TRUE;
      return;
    }
  self->running = TRUE;
  self->dirty = FALSE;
  tern_store_run_async (self->store, list_work, g_memdup2 (&self->account_id, sizeof (gint64)), g_free,
                        (GDestroyNotify) g_ptr_array_unref, self->cancellable, refresh_cb, g_object_ref (self));
}

static void
folders_changed_cb (TernStore *store, gpointer user_data)
{
  refresh (user_data);
}

static void
folder_counts_changed_cb (TernStore *store, gint64 folder_id, guint total, guint unread, gpointer user_data)
{
  TernStoreFolderList *self = user_data;
  guint i = find (self, folder_id);
  TernStoreFolder *folder;

  if (i == G_MAXUINT)
    return;
  folder = g_ptr_array_index (self->folders, i);
  if (tern_store_folder_get_total (folder) == total && tern_store_folder_get_unread (folder) == unread)
    return;
  _tern_store_folder_set_counts (folder, total, unread);
  g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
}

/* ---- GListModel ---------------------------------------------------------------------- */

static GType
tern_store_folder_list_get_item_type (GListModel *model)
{
  return TERN_TYPE_STORE_FOLDER;
}

static guint
tern_store_folder_list_get_n_items (GListModel *model)
{
  return TERN_STORE_FOLDER_LIST (model)->folders->len;
}

static gpointer
tern_store_folder_list_get_item (GListModel *model, guint position)
{
  TernStoreFolderList *self = TERN_STORE_FOLDER_LIST (model);

  if (position >= self->folders->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->folders, position));
}

static void
tern_store_folder_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = tern_store_folder_list_get_item_type;
  iface->get_n_items = tern_store_folder_list_get_n_items;
  iface->get_item = tern_store_folder_list_get_item;
}

/* ---- object ------------------------------------------------------------------------------ */

static void
tern_store_folder_list_dispose (GObject *object)
{
  TernStoreFolderList *self = TERN_STORE_FOLDER_LIST (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tern_store_folder_list_parent_class)->dispose (object);
}

static void
tern_store_folder_list_finalize (GObject *object)
{
  TernStoreFolderList *self = TERN_STORE_FOLDER_LIST (object);

  g_ptr_array_unref (self->folders);
  G_OBJECT_CLASS (tern_store_folder_list_parent_class)->finalize (object);
}

static void
tern_store_folder_list_class_init (TernStoreFolderListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tern_store_folder_list_dispose;
  object_class->finalize = tern_store_folder_list_finalize;
}

static void
tern_store_folder_list_init (TernStoreFolderList *self)
{
  self->folders = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

static void
new_cb (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  TernStoreFolderList *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = tern_store_run_finish (TERN_STORE (source), res, &error);

  self->running = FALSE;
  if (rows == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_unref (self->folders);
  self->folders = rows;
  if (self->dirty)
    refresh (self);
  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

/**
 * tern_store_folder_list_new_async:
 * @account_id: an account's id in the store, or 0 for every account's folders
 *
 * Makes a live list model of folders. It completes once the list is read.
 */
void
tern_store_folder_list_new_async (TernStore           *store,
                                  gint64               account_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TernStoreFolderList *self;
  GTask *task;

  g_return_if_fail (TERN_IS_STORE (store));

  self = g_object_new (TERN_TYPE_STORE_FOLDER_LIST, NULL);
  self->store = g_object_ref (store);
  self->account_id = account_id;
  g_signal_connect (store, "folders-changed", G_CALLBACK (folders_changed_cb), self);
  g_signal_connect (store, "folder-counts-changed", G_CALLBACK (folder_counts_changed_cb), self);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_store_folder_list_new_async);
  g_task_set_task_data (task, self, g_object_unref);
  self->running = TRUE;
  tern_store_run_async (store, list_work, g_memdup2 (&account_id, sizeof account_id), g_free,
                        (GDestroyNotify) g_ptr_array_unref, cancellable, new_cb, task);
}

/**
 * tern_store_folder_list_new_finish:
 *
 * Returns: (transfer full): the model, or %NULL
 */
TernStoreFolderList *
tern_store_folder_list_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
tern_store_folder_list_get_account_id (TernStoreFolderList *self)
{
  g_return_val_if_fail (TERN_IS_STORE_FOLDER_LIST (self), 0);
  return self->account_id;
}

/**
 * tern_store_folder_list_lookup:
 *
 * Returns: (transfer none) (nullable): the folder with id @folder_id in this list
 */
TernStoreFolder *
tern_store_folder_list_lookup (TernStoreFolderList *self, gint64 folder_id)
{
  guint i;

  g_return_val_if_fail (TERN_IS_STORE_FOLDER_LIST (self), NULL);
  i = find (self, folder_id);
  return i != G_MAXUINT ? g_ptr_array_index (self->folders, i) : NULL;
}
