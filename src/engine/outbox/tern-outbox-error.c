/* tern-outbox-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-outbox-error.h"

G_DEFINE_QUARK (tern-outbox-error-quark, tern_outbox_error)
