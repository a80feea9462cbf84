/* tern-mime-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-mime-error.h"

G_DEFINE_QUARK (tern-mime-error-quark, tern_mime_error)
