/* tern-ui-text-body.h: a plain text message body: quote levels, links
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_UI_TYPE_TEXT_BODY (tern_ui_text_body_get_type ())
G_DECLARE_FINAL_TYPE (TernUiTextBody, tern_ui_text_body, TERN_UI, TEXT_BODY, GtkTextView)

GtkWidget  *tern_ui_text_body_new          (const char     *text,
                                            gboolean        notice);
void        tern_ui_text_body_set_zoom     (TernUiTextBody *self,
                                            double          zoom);
guint       tern_ui_text_body_get_quote_depth_at_line (TernUiTextBody *self,
                                                       int             line);
const char *tern_ui_text_body_get_link_at_offset      (TernUiTextBody *self,
                                                       int             offset);
gboolean    tern_ui_text_body_click_at     (TernUiTextBody *self,
                                            double          x,
                                            double          y);

G_END_DECLS
