/* tern-ui-sidebar-item.h: a row of the folder sidebar
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-mail.h"

G_BEGIN_DECLS

/**
 * TernUiSidebarItemKind:
 * @TERN_UI_SIDEBAR_ALL_INBOXES: every account's Inbox in one list
 * @TERN_UI_SIDEBAR_ACCOUNT: an account (or Local Folders), with its folders below (not
 *   selectable)
 * @TERN_UI_SIDEBAR_FOLDER: a folder
 * @TERN_UI_SIDEBAR_OUTBOX: an account's outbox, while it holds mail
 */
typedef enum
{
  TERN_UI_SIDEBAR_ALL_INBOXES,
  TERN_UI_SIDEBAR_ACCOUNT,
  TERN_UI_SIDEBAR_FOLDER,
  TERN_UI_SIDEBAR_OUTBOX,
} TernUiSidebarItemKind;

#define TERN_UI_TYPE_SIDEBAR_ITEM (tern_ui_sidebar_item_get_type ())
G_DECLARE_FINAL_TYPE (TernUiSidebarItem, tern_ui_sidebar_item, TERN_UI, SIDEBAR_ITEM, GObject)

TernUiSidebarItem     *tern_ui_sidebar_item_new_all_inboxes (void);
TernUiSidebarItem     *tern_ui_sidebar_item_new_account     (TernMailAccount   *account);
TernUiSidebarItem     *tern_ui_sidebar_item_new_local_folders (void);
TernUiSidebarItem     *tern_ui_sidebar_item_new_folder      (TernStoreFolder   *folder);
TernUiSidebarItem     *tern_ui_sidebar_item_new_outbox      (TernMailAccount   *account);

TernUiSidebarItemKind  tern_ui_sidebar_item_get_kind        (TernUiSidebarItem *self);
const char            *tern_ui_sidebar_item_get_title       (TernUiSidebarItem *self);
const char            *tern_ui_sidebar_item_get_icon_name   (TernUiSidebarItem *self);
guint                  tern_ui_sidebar_item_get_count       (TernUiSidebarItem *self);
char                  *tern_ui_sidebar_item_dup_accessible_label (TernUiSidebarItem *self);
TernStoreFolder       *tern_ui_sidebar_item_get_folder      (TernUiSidebarItem *self);
gint64                 tern_ui_sidebar_item_get_folder_id   (TernUiSidebarItem *self);
TernMailAccount       *tern_ui_sidebar_item_get_account     (TernUiSidebarItem *self);
GListStore            *tern_ui_sidebar_item_get_children    (TernUiSidebarItem *self);
void                   tern_ui_sidebar_item_set_count       (TernUiSidebarItem *self,
                                                             guint              count);

G_END_DECLS
