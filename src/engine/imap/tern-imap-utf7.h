/* tern-imap-utf7.h: modified UTF-7 mailbox names (RFC 3501 section 5.1.3)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tern_imap_utf7_encode (const char  *utf8);
char *tern_imap_utf7_decode (const char  *utf7,
                             gssize       length,
                             GError     **error);

G_END_DECLS
