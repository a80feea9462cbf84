/* tern-mime-flowed.h: plain text bodies for reading: format=flowed, quote levels
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *tern_mime_flowed_decode   (const char  *text,
                                  gboolean     delsp);
guint  tern_mime_quote_depth     (const char  *line,
                                  gsize        len,
                                  gsize       *content_start);

G_END_DECLS
