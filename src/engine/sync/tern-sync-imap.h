/* tern-sync-imap.h: keeping the store and an IMAP account in step
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-store-db.h"
#include "tern-account-progress.h"
#include "tern-sync-trigger.h"

G_BEGIN_DECLS

/**
 * TernSyncImapOptions:
 * @body_days: download the bodies of messages of the last this many days (0: all)
 * @headers_only: download no bodies at all (a metered network, say)
 * @follow_metered: also download no bodies when GNetworkMonitor says the network is
 *   metered
 * @poll_seconds: with tern_sync_imap_watch(), how often the other folders are synced
 */
typedef struct
{
  guint    body_days;
  gboolean headers_only;
  gboolean follow_metered;
  guint    poll_seconds;
} TernSyncImapOptions;

void     tern_sync_imap_options_init (TernSyncImapOptions   *options);

gboolean tern_sync_imap_run          (TernStoreDb           *db,
                                      TernAccount           *account,
                                      const char            *password,
                                      TernAccountProgressFunc   progress,
                                      gpointer               progress_data,
                                      GCancellable          *cancellable,
                                      GError               **error);
gboolean tern_sync_imap_run_full     (TernStoreDb           *db,
                                      TernAccount           *account,
                                      const char            *password,
                                      const TernSyncImapOptions *options,
                                      TernAccountProgressFunc   progress,
                                      gpointer               progress_data,
                                      GCancellable          *cancellable,
                                      GError               **error);
gboolean tern_sync_imap_watch        (TernStoreDb           *db,
                                      TernAccount           *account,
                                      const char            *password,
                                      const TernSyncImapOptions *options,
                                      TernSyncTrigger       *trigger,
                                      TernAccountProgressFunc   progress,
                                      gpointer               progress_data,
                                      GCancellable          *cancellable,
                                      GError               **error);

G_END_DECLS
