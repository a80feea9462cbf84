/* tern-ui-html-body.h: an HTML message body in a WebKit view, safely
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mime-message.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_HTML_BODY (tern_ui_html_body_get_type ())
G_DECLARE_FINAL_TYPE (TernUiHtmlBody, tern_ui_html_body, TERN_UI, HTML_BODY, GtkWidget)

void       tern_ui_html_body_prepare            (void);
GtkWidget *tern_ui_html_body_new                (TernMimeMessage *message,
                                                 const char      *html,
                                                 gboolean         remote_ok);
void       tern_ui_html_body_set_remote_allowed (TernUiHtmlBody  *self,
                                                 gboolean         remote_ok);
gboolean   tern_ui_html_body_get_remote_allowed (TernUiHtmlBody  *self);
void       tern_ui_html_body_set_zoom           (TernUiHtmlBody  *self,
                                                 double           zoom);
gboolean   tern_ui_html_body_get_painted        (TernUiHtmlBody  *self);
int        tern_ui_html_body_get_content_height (TernUiHtmlBody  *self);
GStrv      tern_ui_html_body_dup_cid_requests   (TernUiHtmlBody  *self);
GtkWidget *tern_ui_html_body_get_web_view       (TernUiHtmlBody  *self);

G_END_DECLS
