/* tern-store-folder-list.h: a live list model of the folders
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-store.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE_FOLDER_LIST (tern_store_folder_list_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreFolderList, tern_store_folder_list, TERN, STORE_FOLDER_LIST, GObject)

void                 tern_store_folder_list_new_async  (TernStore            *store,
                                                        gint64                account_id,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
TernStoreFolderList *tern_store_folder_list_new_finish (GAsyncResult         *result,
                                                        GError              **error);
gint64               tern_store_folder_list_get_account_id (TernStoreFolderList *self);
TernStoreFolder     *tern_store_folder_list_lookup     (TernStoreFolderList  *self,
                                                        gint64                folder_id);

G_END_DECLS
