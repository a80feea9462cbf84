/* tern-sync-error.h: errors of the sync workers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_SYNC_ERROR (tern_sync_error_quark ())

/**
 * TernSyncError:
 * @TERN_SYNC_ERROR_NOT_ON_SERVER: the message is not (or no longer) on the server
 * @TERN_SYNC_ERROR_FOLDER_CHANGED: the server's folder was replaced (a new
 *   UIDVALIDITY) since the last sync; the next sync reloads it
 * @TERN_SYNC_ERROR_WRONG_ACCOUNT: the message does not belong to the account given
 * @TERN_SYNC_ERROR_NOT_DOWNLOADED: the operation needs the message's body, which
 *   only the server has so far (moving it to another account)
 */
typedef enum
{
  TERN_SYNC_ERROR_NOT_ON_SERVER,
  TERN_SYNC_ERROR_FOLDER_CHANGED,
  TERN_SYNC_ERROR_WRONG_ACCOUNT,
  TERN_SYNC_ERROR_NOT_DOWNLOADED,
} TernSyncError;

GQuark tern_sync_error_quark (void);

G_END_DECLS
