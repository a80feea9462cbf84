/* tern-ui-reader-pane.h: the reader's side of the window, yielding width to the lists
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_UI_TYPE_READER_PANE (tern_ui_reader_pane_get_type ())
G_DECLARE_FINAL_TYPE (TernUiReaderPane, tern_ui_reader_pane, TERN_UI, READER_PANE, GtkWidget)

GtkWidget *tern_ui_reader_pane_get_child (TernUiReaderPane *self);
void       tern_ui_reader_pane_set_child (TernUiReaderPane *self,
                                          GtkWidget        *child);

G_END_DECLS
