/* tern-ui-sidebar.h: the folder sidebar: All Inboxes, then each account's folders
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail.h"
#include "tern-ui-sidebar-item.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_SIDEBAR (tern_ui_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (TernUiSidebar, tern_ui_sidebar, TERN_UI, SIDEBAR, GtkWidget)

TernUiSidebar     *tern_ui_sidebar_new                (void);
void               tern_ui_sidebar_set_mail           (TernUiSidebar *self,
                                                       TernMail      *mail);
TernUiSidebarItem *tern_ui_sidebar_get_selected_item  (TernUiSidebar *self);
gboolean           tern_ui_sidebar_select_folder      (TernUiSidebar *self,
                                                       gint64         folder_id);
void               tern_ui_sidebar_select_all_inboxes (TernUiSidebar *self);
gboolean           tern_ui_sidebar_get_loaded         (TernUiSidebar *self);
char              *tern_ui_sidebar_dup_folder_label   (TernUiSidebar *self,
                                                       TernStoreFolder *folder);
TernStoreFolder   *tern_ui_sidebar_lookup_folder      (TernUiSidebar *self,
                                                       gint64         folder_id);
GListModel        *tern_ui_sidebar_get_folders        (TernUiSidebar *self);
GListModel        *tern_ui_sidebar_get_model          (TernUiSidebar *self);
GtkListView       *tern_ui_sidebar_get_list_view      (TernUiSidebar *self);
GtkListBox        *tern_ui_sidebar_get_problems       (TernUiSidebar *self);
void               tern_ui_sidebar_set_subscribed_only (TernUiSidebar *self,
                                                        gboolean       subscribed_only);
gboolean           tern_ui_sidebar_get_subscribed_only (TernUiSidebar *self);
gboolean           tern_ui_sidebar_can_drop_folder    (TernUiSidebar     *self,
                                                       TernStoreFolder   *folder,
                                                       TernUiSidebarItem *item);
GtkPopover        *tern_ui_sidebar_popup_menu         (TernUiSidebar     *self,
                                                       TernUiSidebarItem *item,
                                                       GtkWidget         *widget,
                                                       double             x,
                                                       double             y);

G_END_DECLS
