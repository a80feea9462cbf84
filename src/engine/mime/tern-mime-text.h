/* tern-mime-text.h: text helpers for mail: charsets, HTML to text, previews
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  tern_mime_init              (void);
char *tern_mime_text_to_utf8      (const char *data,
                                   gsize       len,
                                   const char *charset);
char *tern_mime_text_html_to_text (const char *html,
                                   gsize       len);
char *tern_mime_text_make_preview (const char *text,
                                   gsize       max_chars);

G_END_DECLS
