/* ui-window.h: what the in-process window tests share: the window's parts, paints and
 * screenshots of the X screen, toasts, dialogs, accessible names
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include <adwaita.h>

#include "tern-ui-application.h"
#include "tern-ui-message-list.h"
#include "tern-ui-window.h"

G_BEGIN_DECLS

void               ui_window_use         (TernUiApplication *app,
                                          TernUiWindow      *win);

gpointer           ui_child              (const char        *name);
TernUiMessageList *ui_message_list       (void);
TernUiIdSelection *ui_selection          (void);
void               ui_activate           (const char        *action,
                                          GVariant          *parameter);

gboolean           ui_mail_loaded        (gpointer           data);
gboolean           ui_not_syncing        (gpointer           data);
gboolean           ui_sidebar_loaded     (gpointer           data);

void               ui_wait_painted       (GtkWidget         *widget);
void               ui_x_screenshot       (GtkWidget         *window,
                                          const char        *name);
void               ui_x_screenshot_area  (const char        *name,
                                          int                width,
                                          int                height);

GtkWidget         *ui_find_label_with    (GtkWidget         *root,
                                          const char        *part);
GtkWidget         *ui_find_toast_label   (const char        *part);
gboolean           ui_toast_shows        (gpointer           part);
gboolean           ui_dismiss_toast      (void);
void               ui_dismiss_toasts     (void);

AdwMessageDialog  *ui_find_dialog        (void);
gboolean           ui_dialog_shown       (gpointer           data);
void               ui_respond            (AdwMessageDialog  *dialog,
                                          const char        *response);

gboolean           ui_is_named           (GtkWidget         *widget);

G_END_DECLS
