/* tern-mail-error.c: errors of the engine's front-end API
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-mail-error.h"

G_DEFINE_QUARK (tern-mail-error-quark, tern_mail_error)
