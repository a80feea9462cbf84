/* tern-ui-move-popover.h: a popover to choose a folder to move or copy messages to
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_UI_TYPE_MOVE_POPOVER (tern_ui_move_popover_get_type ())
G_DECLARE_FINAL_TYPE (TernUiMovePopover, tern_ui_move_popover, TERN_UI, MOVE_POPOVER, GtkPopover)

TernUiMovePopover *tern_ui_move_popover_new          (GListModel        *folders,
                                                      gboolean           copy,
                                                      gint64             excluded_folder_id);
gboolean           tern_ui_move_popover_get_copy     (TernUiMovePopover *self);
void               tern_ui_move_popover_set_filter   (TernUiMovePopover *self,
                                                      const char        *text);
guint              tern_ui_move_popover_get_n_shown  (TernUiMovePopover *self);
void               tern_ui_move_popover_choose       (TernUiMovePopover *self,
                                                      guint              position);

G_END_DECLS
