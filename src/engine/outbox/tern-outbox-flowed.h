/* tern-outbox-flowed.h: text/plain; format=flowed (RFC 3676), both ways
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest line written, quote marks included (RFC 3676 4.2 recommends 66 to 72). */
#define TERN_OUTBOX_FLOWED_WIDTH 72

char *tern_outbox_flowed_encode (const char *text,
                                 guint       width);
char *tern_outbox_flowed_decode (const char *text,
                                 gboolean    delsp);

G_END_DECLS
