/* tern-store-thread-list.h: a live list model of a folder's conversations or a search's
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-store.h"
#include "tern-store-thread.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE_THREAD_LIST (tern_store_thread_list_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreThreadList, tern_store_thread_list, TERN, STORE_THREAD_LIST, GObject)

void                 tern_store_thread_list_new_async   (TernStore            *store,
                                                         gint64                folder_id,
                                                         const char           *query,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
TernStoreThreadList *tern_store_thread_list_new_finish  (GAsyncResult         *result,
                                                         GError              **error);
gint64               tern_store_thread_list_get_folder_id (TernStoreThreadList *self);
const char          *tern_store_thread_list_get_query   (TernStoreThreadList  *self);
guint                tern_store_thread_list_get_n_pending (TernStoreThreadList *self);
gint                 tern_store_thread_list_find        (TernStoreThreadList  *self,
                                                         gint64                thread_id);
gint64               tern_store_thread_list_get_id      (TernStoreThreadList  *self,
                                                         guint                 position);

G_END_DECLS
