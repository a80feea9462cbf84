/* tern-sync-replay.h: replaying the offline journal on the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-imap-session.h"
#include "tern-store-db.h"

G_BEGIN_DECLS

gboolean tern_sync_replay_run         (TernStoreDb      *db,
                                       TernImapSession  *session,
                                       gint64            account_id,
                                       char              delimiter,
                                       guint            *n_replayed,
                                       GPtrArray        *refused,
                                       GCancellable     *cancellable,
                                       GError          **error);

char    *tern_sync_replay_server_name (const char       *path,
                                       char              delimiter);

G_END_DECLS
