/* tern-sync-trigger.h: asking a running sync to look again, now
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TernSyncRequest:
 * @TERN_SYNC_REQUEST_JOURNAL: changes made here wait in the journal: replay them
 * @TERN_SYNC_REQUEST_FULL: sync every folder now ("Sync Now", the network is back)
 */
typedef enum
{
  TERN_SYNC_REQUEST_NONE    = 0,
  TERN_SYNC_REQUEST_JOURNAL = 1 << 0,
  TERN_SYNC_REQUEST_FULL    = 1 << 1,
} TernSyncRequest;

#define TERN_TYPE_SYNC_TRIGGER (tern_sync_trigger_get_type ())
G_DECLARE_FINAL_TYPE (TernSyncTrigger, tern_sync_trigger, TERN, SYNC_TRIGGER, GObject)

TernSyncTrigger *tern_sync_trigger_new             (void);
void             tern_sync_trigger_pull            (TernSyncTrigger  *self,
                                                    TernSyncRequest   request);
TernSyncRequest  tern_sync_trigger_take            (TernSyncTrigger  *self);
GCancellable    *tern_sync_trigger_dup_cancellable (TernSyncTrigger  *self);
gboolean         tern_sync_trigger_wait            (TernSyncTrigger  *self,
                                                    guint             seconds,
                                                    GCancellable     *cancellable);

G_END_DECLS
