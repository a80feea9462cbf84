/* tern-ui-wrap-layout.h: children left to right, wrapped into lines (addresses)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_UI_TYPE_WRAP_LAYOUT (tern_ui_wrap_layout_get_type ())
G_DECLARE_FINAL_TYPE (TernUiWrapLayout, tern_ui_wrap_layout, TERN_UI, WRAP_LAYOUT, GtkLayoutManager)

GtkLayoutManager *tern_ui_wrap_layout_new (int spacing,
                                           int line_spacing);

G_END_DECLS
