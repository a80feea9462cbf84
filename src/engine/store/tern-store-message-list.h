/* tern-store-message-list.h: a live list model of a folder's messages or a search
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-store.h"

G_BEGIN_DECLS

/* Rows are read from the store in batches of this many. */
#define TERN_STORE_MESSAGE_LIST_PAGE_SIZE 64

#define TERN_TYPE_STORE_MESSAGE_LIST (tern_store_message_list_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreMessageList, tern_store_message_list, TERN, STORE_MESSAGE_LIST, GObject)

void                  tern_store_message_list_new_async    (TernStore            *store,
                                                            gint64                folder_id,
                                                            const char           *query,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
TernStoreMessageList *tern_store_message_list_new_finish   (GAsyncResult         *result,
                                                            GError              **error);
gint64                tern_store_message_list_get_folder_id (TernStoreMessageList *self);
const char           *tern_store_message_list_get_query    (TernStoreMessageList *self);
guint64               tern_store_message_list_get_n_fetched (TernStoreMessageList *self);
guint                 tern_store_message_list_get_n_pending (TernStoreMessageList *self);
gint                  tern_store_message_list_find         (TernStoreMessageList *self,
                                                            gint64                id);
gint64                tern_store_message_list_get_id       (TernStoreMessageList *self,
                                                            guint                 position);

G_END_DECLS
