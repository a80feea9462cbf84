/* tern-mime-html.h: an HTML body made ready for the reader: remote content found,
 * tracking images removed
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TernMimeRemoteKinds:
 * @TERN_MIME_REMOTE_NONE: nothing from the network
 * @TERN_MIME_REMOTE_IMAGES: images (`<img>`, backgrounds, CSS `url()`)
 * @TERN_MIME_REMOTE_STYLES: style sheets (`<link rel=stylesheet>`, `@import`)
 * @TERN_MIME_REMOTE_FONTS: web fonts (`@font-face`)
 * @TERN_MIME_REMOTE_FRAMES: frames and embedded objects (removed: never shown)
 * @TERN_MIME_REMOTE_MEDIA: audio and video
 *
 * Kinds of remote content an HTML body asks for.
 */
typedef enum
{
  TERN_MIME_REMOTE_NONE   = 0,
  TERN_MIME_REMOTE_IMAGES = 1 << 0,
  TERN_MIME_REMOTE_STYLES = 1 << 1,
  TERN_MIME_REMOTE_FONTS  = 1 << 2,
  TERN_MIME_REMOTE_FRAMES = 1 << 3,
  TERN_MIME_REMOTE_MEDIA  = 1 << 4,
} TernMimeRemoteKinds;

/**
 * TernMimeHtmlReport:
 * @remote: the remote content the prepared HTML still refers to (to be blocked
 *   unless the user allows it)
 * @n_trackers: tracking images removed
 * @n_removed: other elements removed for good: scripts, prefetch and preconnect
 *   links, refresh and charset meta elements, `<base>`, `ping` attributes, frames
 *   and objects
 */
typedef struct
{
  TernMimeRemoteKinds remote;
  guint               n_trackers;
  guint               n_removed;
} TernMimeHtmlReport;

char     *tern_mime_html_prepare           (const char          *html,
                                            gsize                len,
                                            TernMimeHtmlReport  *report);
char     *tern_mime_html_sniff_charset     (const char          *data,
                                            gsize                len);
gboolean  tern_mime_url_is_remote          (const char          *url);
gboolean  tern_mime_html_is_tracking_image (const char          *src,
                                            const char          *width,
                                            const char          *height,
                                            const char          *style);

G_END_DECLS
