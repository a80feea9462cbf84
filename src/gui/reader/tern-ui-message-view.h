/* tern-ui-message-view.h: the reader: a conversation's messages as cards
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-store.h"
#include "tern-ui-message-card.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_MESSAGE_VIEW (tern_ui_message_view_get_type ())
G_DECLARE_FINAL_TYPE (TernUiMessageView, tern_ui_message_view, TERN_UI, MESSAGE_VIEW, GtkWidget)

TernUiMessageView *tern_ui_message_view_new              (TernStore         *store);
TernStore         *tern_ui_message_view_get_store        (TernUiMessageView *self);
void               tern_ui_message_view_set_store        (TernUiMessageView *self,
                                                          TernStore         *store);

void               tern_ui_message_view_show_messages    (TernUiMessageView *self,
                                                          GListModel        *messages,
                                                          gint64             selected_id);
void               tern_ui_message_view_show_message_ids (TernUiMessageView *self,
                                                          const gint64      *ids,
                                                          guint              n_ids,
                                                          gint64             selected_id);
void               tern_ui_message_view_show_thread      (TernUiMessageView *self,
                                                          gint64             thread_id,
                                                          gint64             selected_id);
void               tern_ui_message_view_clear            (TernUiMessageView *self);

void               tern_ui_message_view_body_fetched     (TernUiMessageView *self,
                                                          gint64             message_id,
                                                          const GError      *error);
void               tern_ui_message_view_cancel_mark_read (TernUiMessageView *self);

guint              tern_ui_message_view_get_n_cards      (TernUiMessageView *self);
TernUiMessageCard *tern_ui_message_view_get_card         (TernUiMessageView *self,
                                                          guint              position);
TernUiMessageCard *tern_ui_message_view_find_card        (TernUiMessageView *self,
                                                          gint64             message_id);
gboolean           tern_ui_message_view_get_loading      (TernUiMessageView *self);
double             tern_ui_message_view_get_zoom         (TernUiMessageView *self);
void               tern_ui_message_view_set_zoom         (TernUiMessageView *self,
                                                          double             zoom);
const char        *tern_ui_message_view_get_hovered_link (TernUiMessageView *self);
void               tern_ui_message_view_prepare          (TernUiMessageView *self);

G_END_DECLS
