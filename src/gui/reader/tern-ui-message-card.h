/* tern-ui-message-card.h: one message of a conversation: header, body, attachments
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-store.h"
#include "tern-mime-message.h"

G_BEGIN_DECLS

/**
 * TernUiMessageCardState:
 * @TERN_UI_MESSAGE_CARD_COLLAPSED: one line; nothing loaded
 * @TERN_UI_MESSAGE_CARD_LOADING: reading the message from the store
 * @TERN_UI_MESSAGE_CARD_FETCHING: only the header is stored: waiting for the body
 *   (::need-body)
 * @TERN_UI_MESSAGE_CARD_ERROR: the body could not be read or fetched; Retry
 * @TERN_UI_MESSAGE_CARD_SHOWN: the body is shown
 */
typedef enum
{
  TERN_UI_MESSAGE_CARD_COLLAPSED,
  TERN_UI_MESSAGE_CARD_LOADING,
  TERN_UI_MESSAGE_CARD_FETCHING,
  TERN_UI_MESSAGE_CARD_ERROR,
  TERN_UI_MESSAGE_CARD_SHOWN,
} TernUiMessageCardState;

#define TERN_UI_TYPE_MESSAGE_CARD (tern_ui_message_card_get_type ())
G_DECLARE_FINAL_TYPE (TernUiMessageCard, tern_ui_message_card, TERN_UI, MESSAGE_CARD, GtkWidget)

TernUiMessageCard      *tern_ui_message_card_new             (TernStore         *store,
                                                              GSettings         *settings,
                                                              TernStoreMessage  *message);
TernStoreMessage       *tern_ui_message_card_get_message     (TernUiMessageCard *self);
gint64                  tern_ui_message_card_get_message_id  (TernUiMessageCard *self);
gboolean                tern_ui_message_card_get_expanded    (TernUiMessageCard *self);
void                    tern_ui_message_card_set_expanded    (TernUiMessageCard *self,
                                                              gboolean           expanded);
gboolean                tern_ui_message_card_get_unread      (TernUiMessageCard *self);
void                    tern_ui_message_card_set_unread      (TernUiMessageCard *self,
                                                              gboolean           unread);
TernUiMessageCardState  tern_ui_message_card_get_state       (TernUiMessageCard *self);
gboolean                tern_ui_message_card_get_body_shown  (TernUiMessageCard *self);
TernMimeMessage        *tern_ui_message_card_get_mime        (TernUiMessageCard *self);
void                    tern_ui_message_card_reload          (TernUiMessageCard *self);
void                    tern_ui_message_card_set_fetch_error (TernUiMessageCard *self,
                                                              const GError      *error);
void                    tern_ui_message_card_set_zoom        (TernUiMessageCard *self,
                                                              double             zoom);
void                    tern_ui_message_card_show_remote_content (TernUiMessageCard *self,
                                                                  gboolean           always);
gboolean                tern_ui_message_card_get_remote_blocked  (TernUiMessageCard *self);
void                    tern_ui_message_card_view_source     (TernUiMessageCard *self);

G_END_DECLS
