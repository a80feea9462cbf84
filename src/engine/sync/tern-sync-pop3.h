/* tern-sync-pop3.h: download a POP3 account's new mail into the local store
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

/**
 * tern_sync_pop3_run:
 * @db: the store, opened on this thread
 * @account: a POP3 account
 * @password: the password for the incoming server
 * @progress: (nullable): progress function
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Connects, logs in and downloads every message whose UIDL is not yet known
 * into the account's local Inbox.  Each batch of messages is committed together
 * with its UIDLs, and the store is checkpointed before any DELE is sent, so a
 * crash at any point neither loses a message (nothing is deleted on the server
 * before it is durable here) nor duplicates one (the UIDL is recorded in the
 * same transaction as the message).
 *
 * Then deletes messages on the server as the account's policy says:
 * not leave-on-server, older than delete-after-days (counted from the time
 * they were downloaded), or deleted here when delete-when-deleted is set.
 *
 * Returns: %TRUE when the account is up to date
 */
gboolean tern_sync_pop3_run (TernStoreDb          *db,
                              TernAccount          *account,
                              const char           *password,
                              TernAccountProgressFunc  progress,
                              gpointer              progress_data,
                              GCancellable         *cancellable,
                              GError              **error);

G_END_DECLS
