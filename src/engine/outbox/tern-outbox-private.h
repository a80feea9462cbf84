/* tern-outbox-private.h: more of the outbox, for tern-cli and the tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-outbox.h"

G_BEGIN_DECLS

/**
 * TernOutboxFlushFlags:
 * @TERN_OUTBOX_FLUSH_NONE: send what is due
 * @TERN_OUTBOX_FLUSH_NOW: also what waits for its retry time (the user asked)
 */
typedef enum
{
  TERN_OUTBOX_FLUSH_NONE = 0,
  TERN_OUTBOX_FLUSH_NOW  = 1 << 0,
} TernOutboxFlushFlags;

gboolean tern_outbox_flush_full       (TernStoreDb          *db,
                                       TernAccount          *account,
                                       const char           *password,
                                       TernOutboxFlushFlags  flags,
                                       TernAccountProgressFunc  progress,
                                       gpointer              progress_data,
                                       GCancellable         *cancellable,
                                       GError              **error);
gboolean tern_outbox_get_file_in_sent (TernAccount          *account);
gint64   tern_outbox_enqueue_full     (TernStoreDb          *db,
                                       TernAccount          *account,
                                       GBytes               *message,
                                       gint64                not_before,
                                       GError              **error);

G_END_DECLS
