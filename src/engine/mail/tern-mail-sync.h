/* tern-mail-sync.h: one account's whole sync: incoming mail, then the outbox
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-store-db.h"
#include "tern-account-progress.h"

G_BEGIN_DECLS

gboolean tern_mail_sync_run (TernStoreDb              *db,
                             TernAccount              *account,
                             const char               *password,
                             TernAccountProgressFunc   progress,
                             gpointer                  progress_data,
                             const TernServer        **failed_server,
                             GCancellable             *cancellable,
                             GError                  **error);

G_END_DECLS
