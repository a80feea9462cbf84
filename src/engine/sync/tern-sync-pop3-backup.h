/* tern-sync-pop3-backup.h: the rolling mbox backup of a POP3 account
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>
#include <gio/gio.h>

#include "tern-account.h"
#include "tern-store-db.h"

G_BEGIN_DECLS

/* How many backups of an account are kept. */
#define TERN_SYNC_POP3_BACKUP_KEEP 3

char     *tern_sync_pop3_backup_get_default_root (void);
gboolean  tern_sync_pop3_backup_run              (TernStoreDb          *db,
                                             TernAccount          *account,
                                             const char           *root,
                                             guint                 keep,
                                             char                **written,
                                             GError              **error);

G_END_DECLS
