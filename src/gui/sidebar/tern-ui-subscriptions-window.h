/* tern-ui-subscriptions-window.h: an IMAP account's folder subscriptions
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"
#include "tern-ui-sidebar.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_SUBSCRIPTIONS_WINDOW (tern_ui_subscriptions_window_get_type ())
G_DECLARE_FINAL_TYPE (TernUiSubscriptionsWindow, tern_ui_subscriptions_window, TERN_UI, SUBSCRIPTIONS_WINDOW,
                      AdwPreferencesWindow)

TernUiSubscriptionsWindow *tern_ui_subscriptions_window_new        (GtkWindow                 *parent,
                                                                    TernMail                  *mail,
                                                                    TernUiSidebar             *sidebar,
                                                                    TernMailAccount           *account);
GtkSwitch                 *tern_ui_subscriptions_window_get_switch (TernUiSubscriptionsWindow *self,
                                                                    gint64                     folder_id);
guint                      tern_ui_subscriptions_window_get_n_rows (TernUiSubscriptionsWindow *self);
TernMailAccount           *tern_ui_subscriptions_window_get_account (TernUiSubscriptionsWindow *self);

G_END_DECLS
