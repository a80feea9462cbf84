/* tern-ui-folder-actions.h: the window's actions on folders: create, rename, delete,
 * empty
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"
#include "tern-ui-sidebar.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_FOLDER_ACTIONS (tern_ui_folder_actions_get_type ())
G_DECLARE_FINAL_TYPE (TernUiFolderActions, tern_ui_folder_actions, TERN_UI, FOLDER_ACTIONS, GObject)

TernUiFolderActions *tern_ui_folder_actions_new        (GtkWidget           *window,
                                                        TernUiSidebar       *sidebar);
void                 tern_ui_folder_actions_set_mail   (TernUiFolderActions *self,
                                                        TernMail            *mail);
AdwMessageDialog    *tern_ui_folder_actions_get_dialog (TernUiFolderActions *self);
GtkDropDown         *tern_ui_folder_actions_get_places (TernUiFolderActions *self);
GtkEditable         *tern_ui_folder_actions_get_entry  (TernUiFolderActions *self);
GtkWindow           *tern_ui_folder_actions_get_subscriptions (TernUiFolderActions *self);

G_END_DECLS
