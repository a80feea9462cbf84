/* tern-ui-message-list.h: the message list: a folder's (or a search's) messages or
 * conversations, live
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-store.h"
#include "tern-ui-id-selection.h"

G_BEGIN_DECLS

/**
 * TernUiMessageListState:
 * @TERN_UI_MESSAGE_LIST_NONE: nothing to show (no folder chosen)
 * @TERN_UI_MESSAGE_LIST_LOADING: the list is being read
 * @TERN_UI_MESSAGE_LIST_ROWS: the list shows rows
 * @TERN_UI_MESSAGE_LIST_EMPTY: the folder is empty
 * @TERN_UI_MESSAGE_LIST_NO_RESULTS: the search found nothing
 * @TERN_UI_MESSAGE_LIST_ERROR: the search is not valid (or the store failed)
 */
typedef enum
{
  TERN_UI_MESSAGE_LIST_NONE,
  TERN_UI_MESSAGE_LIST_LOADING,
  TERN_UI_MESSAGE_LIST_ROWS,
  TERN_UI_MESSAGE_LIST_EMPTY,
  TERN_UI_MESSAGE_LIST_NO_RESULTS,
  TERN_UI_MESSAGE_LIST_ERROR,
} TernUiMessageListState;

#define TERN_UI_TYPE_MESSAGE_LIST (tern_ui_message_list_get_type ())
G_DECLARE_FINAL_TYPE (TernUiMessageList, tern_ui_message_list, TERN_UI, MESSAGE_LIST, GtkWidget)

TernUiMessageList      *tern_ui_message_list_new                (void);
void                    tern_ui_message_list_set_store          (TernUiMessageList *self,
                                                                 TernStore         *store);
void                    tern_ui_message_list_show               (TernUiMessageList *self,
                                                                 gint64             folder_id,
                                                                 const char        *query,
                                                                 gboolean           conversations,
                                                                 gboolean           show_recipients);
void                    tern_ui_message_list_clear              (TernUiMessageList *self);
gint64                  tern_ui_message_list_get_folder_id      (TernUiMessageList *self);
const char             *tern_ui_message_list_get_query          (TernUiMessageList *self);
gboolean                tern_ui_message_list_get_conversations  (TernUiMessageList *self);
TernUiMessageListState  tern_ui_message_list_get_state          (TernUiMessageList *self);
const GError           *tern_ui_message_list_get_error          (TernUiMessageList *self);
GListModel             *tern_ui_message_list_get_model          (TernUiMessageList *self);
TernUiIdSelection      *tern_ui_message_list_get_selection      (TernUiMessageList *self);
GtkListView            *tern_ui_message_list_get_list_view      (TernUiMessageList *self);
GtkScrolledWindow      *tern_ui_message_list_get_scrolled_window (TernUiMessageList *self);
void                    tern_ui_message_list_set_click_activates (TernUiMessageList *self,
                                                                 gboolean           click_activates);
void                    tern_ui_message_list_scroll_to_id       (TernUiMessageList *self,
                                                                 gint64             id);
void                    tern_ui_message_list_focus_id           (TernUiMessageList *self,
                                                                 gint64             id);
void                    tern_ui_message_list_collect_ids_async  (TernUiMessageList   *self,
                                                                 GArray              *ids,
                                                                 gboolean             latest_only,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
GArray                 *tern_ui_message_list_collect_ids_finish (TernUiMessageList   *self,
                                                                 GAsyncResult        *result,
                                                                 GError             **error);
void                    tern_ui_message_list_show_placeholder   (TernUiMessageList *self,
                                                                 const char        *icon_name,
                                                                 const char        *title,
                                                                 const char        *description);
void                    tern_ui_message_list_popup_menu         (TernUiMessageList *self);

G_END_DECLS
