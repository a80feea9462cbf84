/* tern-account-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-account-error.h"

G_DEFINE_QUARK (tern-account-error-quark, tern_account_error)
