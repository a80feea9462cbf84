/* tern-ui-source-window.h: a message's raw source (View Source)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TERN_UI_TYPE_SOURCE_WINDOW (tern_ui_source_window_get_type ())
G_DECLARE_FINAL_TYPE (TernUiSourceWindow, tern_ui_source_window, TERN_UI, SOURCE_WINDOW, AdwWindow)

TernUiSourceWindow *tern_ui_source_window_present  (GtkWidget          *from,
                                                    const char         *subject,
                                                    GBytes             *raw);
GtkTextView        *tern_ui_source_window_get_view (TernUiSourceWindow *self);
gboolean            tern_ui_source_window_get_ready (TernUiSourceWindow *self);

G_END_DECLS
