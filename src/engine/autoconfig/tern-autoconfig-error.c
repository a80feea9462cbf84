/* tern-autoconfig-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-autoconfig-error.h"

G_DEFINE_QUARK (tern-autoconfig-error-quark, tern_autoconfig_error)
