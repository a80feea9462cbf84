/* tern-ui-html-loader.h: the HTML body's library (WebKit), opened on first use
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mime-message.h"

G_BEGIN_DECLS

/* The environment variable that names the library to load instead of the installed
 * one (the build's, for the tests and `build-aux/tern-dev run`). */
#define TERN_UI_HTML_LOADER_ENV "TERN_HTML_MODULE"

#define TERN_UI_HTML_LOADER_ERROR (tern_ui_html_loader_error_quark ())

/**
 * TernUiHtmlLoaderError:
 * @TERN_UI_HTML_LOADER_ERROR_OPEN: the library could not be opened
 * @TERN_UI_HTML_LOADER_ERROR_SYMBOL: it lacks an entry point, or is of another version
 */
typedef enum
{
  TERN_UI_HTML_LOADER_ERROR_OPEN,
  TERN_UI_HTML_LOADER_ERROR_SYMBOL,
} TernUiHtmlLoaderError;

GQuark      tern_ui_html_loader_error_quark        (void);

const char *tern_ui_html_loader_get_path           (void);
gboolean    tern_ui_html_loader_load               (GError          **error);
gboolean    tern_ui_html_loader_get_failed         (void);
void        tern_ui_html_loader_prepare            (void);
GtkWidget  *tern_ui_html_loader_new_body           (TernMimeMessage  *message,
                                                    const char       *html,
                                                    gboolean          remote_ok);
void        tern_ui_html_loader_set_remote_allowed (GtkWidget        *body,
                                                    gboolean          remote_ok);
void        tern_ui_html_loader_set_zoom           (GtkWidget        *body,
                                                    double            zoom);

G_END_DECLS
