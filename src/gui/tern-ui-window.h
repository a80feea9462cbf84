/* tern-ui-window.h: the main window: folders | messages | reader
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"
#include "tern-ui-application.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_WINDOW (tern_ui_window_get_type ())

G_DECLARE_FINAL_TYPE (TernUiWindow, tern_ui_window, TERN_UI, WINDOW, AdwApplicationWindow)

TernUiWindow *tern_ui_window_new             (TernUiApplication *application);
void          tern_ui_window_set_has_accounts (TernUiWindow      *self,
                                               gboolean           has_accounts);
void          tern_ui_window_set_sync_status (TernUiWindow      *self,
                                              const char        *status,
                                              gboolean           running);
void          tern_ui_window_show_folder     (TernUiWindow      *self,
                                              gint64             folder_id);
void          tern_ui_window_show_message    (TernUiWindow      *self,
                                              gint64             message_id);
void          tern_ui_window_search          (TernUiWindow      *self,
                                              const char        *text,
                                              gboolean           all_accounts);
void          tern_ui_window_show_account    (TernUiWindow      *self,
                                              TernMailAccount   *account);
void          tern_ui_window_add_toast       (TernUiWindow      *self,
                                              AdwToast          *toast);
void          tern_ui_window_expect_undo     (TernUiWindow      *self);
void          tern_ui_window_offer_undo      (TernUiWindow      *self,
                                              TernMailUndo      *undo,
                                              const char        *text);
TernStoreMessage *tern_ui_window_get_current_message (TernUiWindow *self);

G_END_DECLS
