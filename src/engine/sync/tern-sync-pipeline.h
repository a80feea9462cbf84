/* tern-sync-pipeline.h: storing what a sync receives, beside the network
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-store-db.h"

G_BEGIN_DECLS

typedef struct _TernSyncPipeline TernSyncPipeline;

/**
 * TernSyncPipelineFuncs:
 * @parse: (nullable): on the parser thread, for each item in turn: the work that
 *   needs no store (MIME parsing)
 * @store: on the writer thread, for each item in turn, inside the batch's transaction;
 *   %FALSE with @error stops the pipeline (the batch is rolled back). Adds to
 *   @held what the store holds of the item until the commit (its search index text)
 * @commit: (nullable): on the writer thread, last in each batch's transaction (the
 *   folder's sync state committed with its messages)
 * @committed: (nullable): on the writer thread, after each commit (progress)
 * @free_item: frees an item
 */
typedef struct
{
  void     (*parse)     (gpointer item, gpointer user_data);
  gboolean (*store)     (TernStoreDb *db, gpointer item, gpointer user_data, gsize *held, GError **error);
  gboolean (*commit)    (TernStoreDb *db, gpointer user_data, GError **error);
  void     (*committed) (gpointer user_data);
  GDestroyNotify free_item;
} TernSyncPipelineFuncs;

TernSyncPipeline *tern_sync_pipeline_new    (TernStoreDb                 *db,
                                             const TernSyncPipelineFuncs *funcs,
                                             gpointer                     user_data,
                                             guint                        batch_items,
                                             GCancellable                *cancellable);
gboolean          tern_sync_pipeline_push   (TernSyncPipeline            *self,
                                             gpointer                     item,
                                             gsize                        bytes);
gboolean          tern_sync_pipeline_finish (TernSyncPipeline            *self,
                                             GError                     **error);

G_END_DECLS
