/* tern-ui-message-row.h: one row of the message list (a message or a conversation)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TERN_UI_TYPE_MESSAGE_ROW (tern_ui_message_row_get_type ())
G_DECLARE_FINAL_TYPE (TernUiMessageRow, tern_ui_message_row, TERN_UI, MESSAGE_ROW, GtkWidget)

TernUiMessageRow *tern_ui_message_row_new                 (void);
void              tern_ui_message_row_bind                (TernUiMessageRow *self,
                                                           GObject          *item,
                                                           gboolean          show_recipients);
void              tern_ui_message_row_unbind              (TernUiMessageRow *self);
GObject          *tern_ui_message_row_get_item            (TernUiMessageRow *self);
const char       *tern_ui_message_row_get_accessible_text (TernUiMessageRow *self);
gboolean          tern_ui_message_row_get_loaded          (TernUiMessageRow *self);
void              tern_ui_message_row_refresh_date        (TernUiMessageRow *self);

G_END_DECLS
