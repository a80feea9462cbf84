/* tern-sync-converters.h: the charset converters a sync's MIME work keeps loaded
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void tern_sync_converters_pin   (void);
void tern_sync_converters_unpin (void);

G_END_DECLS
