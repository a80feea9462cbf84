/* tern-ui-html-body.h: an HTML message body in a WebKit view, safely
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* This file's functions are libtern-html's, which links WebKit: tern does not link
 * it but opens it on first use (tern-ui-html-loader.c). The version changes with
 * any entry point the loader looks up, so that a stale library is refused. */
#define TERN_UI_HTML_BODY_ABI_VERSION 1

extern const int tern_ui_html_body_abi_version;

#define TERN_UI_TYPE_HTML_BODY (tern_ui_html_body_get_type ())
G_DECLARE_FINAL_TYPE (TernUiHtmlBody, tern_ui_html_body, TERN_UI, HTML_BODY, GtkWidget)

/**
 * TernUiHtmlBodyCidFunc:
 * @content_id: the Content-ID a `cid:` URL asks for
 * @content_type: (out) (transfer full): the part's content type
 * @user_data: the data given to tern_ui_html_body_new()
 *
 * Returns: (transfer full) (nullable): the part's bytes, or %NULL if the message has none
 */
typedef GBytes *(*TernUiHtmlBodyCidFunc) (const char  *content_id,
                                          char       **content_type,
                                          gpointer     user_data);

void       tern_ui_html_body_prepare            (void);
GtkWidget *tern_ui_html_body_new                (const char            *html,
                                                 gboolean               remote_ok,
                                                 TernUiHtmlBodyCidFunc  cid_func,
                                                 gpointer               cid_data,
                                                 GDestroyNotify         cid_data_free);
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
