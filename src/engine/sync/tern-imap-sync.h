/* tern-imap-sync.h: keeping the store and an IMAP account in step
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-store-db.h"
#include "tern-sync-progress.h"

G_BEGIN_DECLS

/**
 * TernImapSyncOptions:
 * @body_days: download the bodies of messages of the last this many days (0: all)
 * @headers_only: download no bodies at all (a metered network, say)
 * @follow_metered: also download no bodies when GNetworkMonitor says the network is
 *   metered
 * @poll_seconds: with tern_imap_sync_watch(), how often the other folders are synced
 */
typedef struct
{
  guint    body_days;
  gboolean headers_only;
  gboolean follow_metered;
  guint    poll_seconds;
} TernImapSyncOptions;

void     tern_imap_sync_options_init (TernImapSyncOptions   *options);

gboolean tern_imap_sync_run          (TernStoreDb           *db,
                                      TernAccount           *account,
                                      const char            *password,
                                      TernSyncProgressFunc   progress,
                                      gpointer               progress_data,
                                      GCancellable          *cancellable,
                                      GError               **error);
gboolean tern_imap_sync_run_full     (TernStoreDb           *db,
                                      TernAccount           *account,
                                      const char            *password,
                                      const TernImapSyncOptions *options,
                                      TernSyncProgressFunc   progress,
                                      gpointer               progress_data,
                                      GCancellable          *cancellable,
                                      GError               **error);
gboolean tern_imap_sync_watch        (TernStoreDb           *db,
                                      TernAccount           *account,
                                      const char            *password,
                                      const TernImapSyncOptions *options,
                                      TernSyncProgressFunc   progress,
                                      gpointer               progress_data,
                                      GCancellable          *cancellable,
                                      GError               **error);

G_END_DECLS
