/* tern-sync-worker.h: an account's sync, off the UI thread, reported on it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"

G_BEGIN_DECLS

#define TERN_TYPE_SYNC_WORKER (tern_sync_worker_get_type ())
G_DECLARE_FINAL_TYPE (TernSyncWorker, tern_sync_worker, TERN, SYNC_WORKER, GObject)

TernSyncWorker *tern_sync_worker_new          (const char           *store_path);
const char     *tern_sync_worker_get_store_path (TernSyncWorker     *self);
guint           tern_sync_worker_get_n_running (TernSyncWorker      *self);
void            tern_sync_worker_sync_async   (TernSyncWorker       *self,
                                               TernAccount          *account,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean        tern_sync_worker_sync_finish  (TernSyncWorker       *self,
                                               GAsyncResult         *result,
                                               GError              **error);

G_END_DECLS
