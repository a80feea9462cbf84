/* tern-sync-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-sync-error.h"

G_DEFINE_QUARK (tern-sync-error-quark, tern_sync_error)
