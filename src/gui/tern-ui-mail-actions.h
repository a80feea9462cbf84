/* tern-ui-mail-actions.h: the window's actions that organise mail: delete, archive,
 * junk, move, copy, mark a folder read
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"
#include "tern-ui-message-list.h"
#include "tern-ui-move-popover.h"
#include "tern-ui-sidebar.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_MAIL_ACTIONS (tern_ui_mail_actions_get_type ())
G_DECLARE_FINAL_TYPE (TernUiMailActions, tern_ui_mail_actions, TERN_UI, MAIL_ACTIONS, GObject)

TernUiMailActions *tern_ui_mail_actions_new         (GtkWidget         *window,
                                                     TernUiMessageList *list,
                                                     TernUiSidebar     *sidebar);
void               tern_ui_mail_actions_set_mail    (TernUiMailActions *self,
                                                     TernMail          *mail);
void               tern_ui_mail_actions_update      (TernUiMailActions *self);
void               tern_ui_mail_actions_transfer    (TernUiMailActions *self,
                                                     gint64             folder_id,
                                                     gboolean           copy);
TernUiMovePopover *tern_ui_mail_actions_get_popover (TernUiMailActions *self);
AdwMessageDialog  *tern_ui_mail_actions_get_dialog  (TernUiMailActions *self);

G_END_DECLS
