/* tern-store.h: the local mail store, for the main thread
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-store-changes.h"
#include "tern-store-db.h"
#include "tern-store-error.h"
#include "tern-store-folder.h"
#include "tern-store-message.h"
#include "tern-store-query.h"
#include "tern-store-types.h"

G_BEGIN_DECLS

/**
 * TernStoreWorkFunc:
 * @db: the worker thread's own connection
 * @data: the caller's data
 * @cancellable: (nullable): the operation's cancellable
 * @error: return location for an error
 *
 * Work run on a store worker thread by tern_store_run_async().
 *
 * Returns: the result (not %NULL on success), or %NULL with @error set
 */
typedef gpointer (*TernStoreWorkFunc) (TernStoreDb   *db,
                                       gpointer       data,
                                       GCancellable  *cancellable,
                                       GError       **error);

#define TERN_TYPE_STORE (tern_store_get_type ())
G_DECLARE_FINAL_TYPE (TernStore, tern_store, TERN, STORE, GObject)

TernStore  *tern_store_new_sync              (const char          *path,
                                              GCancellable        *cancellable,
                                              GError             **error);
void        tern_store_new_async             (const char          *path,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
TernStore  *tern_store_new_finish            (GAsyncResult        *result,
                                              GError             **error);
const char *tern_store_get_path              (TernStore           *self);
TernStoreDb *tern_store_open_db              (TernStore           *self,
                                              gpointer             source,
                                              GError             **error);

void        tern_store_run_async             (TernStore           *self,
                                              TernStoreWorkFunc    func,
                                              gpointer             data,
                                              GDestroyNotify       data_free,
                                              GDestroyNotify       result_free,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gpointer    tern_store_run_finish            (TernStore           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

void        tern_store_list_folders_async    (TernStore           *self,
                                              const char          *account,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray  *tern_store_list_folders_finish   (TernStore           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void        tern_store_list_messages_async   (TernStore           *self,
                                              gint64               folder_id,
                                              guint                offset,
                                              guint                limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray  *tern_store_list_messages_finish  (TernStore           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void        tern_store_search_async          (TernStore           *self,
                                              const char          *query,
                                              guint                offset,
                                              guint                limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GPtrArray  *tern_store_search_finish         (TernStore           *self,
                                              GAsyncResult        *result,
                                              GError             **error);
void        tern_store_get_raw_async         (TernStore           *self,
                                              gint64               message_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
GBytes     *tern_store_get_raw_finish        (TernStore           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

guint       tern_store_hold_leaving          (TernStore           *self,
                                              const gint64        *ids,
                                              guint                n_ids,
                                              const gint64        *targets,
                                              guint                n_targets);
void        tern_store_release_leaving       (TernStore           *self,
                                              guint                token);
void        tern_store_filter_leaving        (TernStore           *self,
                                              GArray              *keys,
                                              gint64               folder_id);
GArray     *tern_store_without_leaving       (TernStore           *self,
                                              GArray              *keys,
                                              gint64               folder_id);
GArray     *tern_store_dup_leaving           (TernStore           *self,
                                              gint64               folder_id);

G_END_DECLS
