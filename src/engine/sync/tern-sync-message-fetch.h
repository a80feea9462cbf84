/* tern-sync-message-fetch.h: one message's body, at once, when the user opens it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-store-db.h"

G_BEGIN_DECLS

GBytes *tern_sync_message_fetch        (TernStoreDb          *db,
                                        TernAccount          *account,
                                        const char           *password,
                                        gint64                message_id,
                                        GCancellable         *cancellable,
                                        GError              **error);
void    tern_sync_message_fetch_async  (const char           *store_path,
                                        TernAccount          *account,
                                        const char           *password,
                                        gint64                message_id,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
GBytes *tern_sync_message_fetch_finish (GAsyncResult         *result,
                                        GError              **error);

G_END_DECLS
