/* tern-ui-web-shared.h: what every message web view shares: one web process, one
 * ephemeral network session, the settings, the content filter, the cid: scheme
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <webkit/webkit.h>

G_BEGIN_DECLS

/* The content security policy of a message whose remote content is blocked: only
 * cid: and data: images, inline and cid: styles, cid: and data: fonts. */
#define TERN_UI_CSP_BLOCKED \
  "default-src 'none'; img-src cid: data:; style-src 'unsafe-inline' cid:; font-src cid: data:"

/* ... and of one whose remote content the user allowed: images, styles, fonts and
 * media from the web too, still no scripts, frames, objects or connections. */
#define TERN_UI_CSP_REMOTE \
  "default-src 'none'; img-src cid: data: http: https:; style-src 'unsafe-inline' cid: http: https:;" \
  " font-src cid: data: http: https:; media-src cid: data: http: https:"

typedef void (*TernUiWebSharedCidFunc) (WebKitURISchemeRequest *request,
                                        WebKitWebView          *view);

typedef void (*TernUiWebSharedReadyFunc) (gpointer user_data);

void                     tern_ui_web_shared_init          (TernUiWebSharedCidFunc    cid_func);
void                     tern_ui_web_shared_prepare       (TernUiWebSharedCidFunc    cid_func);
WebKitWebView           *tern_ui_web_shared_new_view      (gboolean                  remote_ok);
gboolean                 tern_ui_web_shared_is_filtered   (WebKitWebView            *view);
void                     tern_ui_web_shared_add_filter    (WebKitWebView            *view);
void                     tern_ui_web_shared_when_ready    (TernUiWebSharedReadyFunc  func,
                                                           gpointer                  user_data,
                                                           GObject                  *object);

G_END_DECLS
