/* tern-ui-folder-tree.h: an account's folders in the order the sidebar shows them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-store.h"

G_BEGIN_DECLS

typedef struct _TernUiFolderNode TernUiFolderNode;

/**
 * TernUiFolderNode:
 * @folder: the folder
 * @children: (element-type TernUiFolderNode): its subfolders, in order
 */
struct _TernUiFolderNode
{
  TernStoreFolder *folder;
  GPtrArray       *children;
};

int        tern_ui_folder_tree_role_rank        (TernStoreFolderRole  role);
gboolean   tern_ui_folder_tree_has_inbox_prefix (GPtrArray           *folders);
GPtrArray *tern_ui_folder_tree_build            (GPtrArray           *folders);
GPtrArray *tern_ui_folder_tree_filter_subscribed (GPtrArray          *folders);
gboolean   tern_ui_folder_tree_can_move         (TernStoreFolder     *folder,
                                                 TernStoreFolder     *parent,
                                                 gint64               account_id);
const char *tern_ui_folder_tree_display_name    (TernStoreFolder     *folder);
const char *tern_ui_folder_tree_icon_name       (TernStoreFolderRole  role);

G_END_DECLS
