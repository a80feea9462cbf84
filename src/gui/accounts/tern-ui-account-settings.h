/* tern-ui-account-settings.h: one account's settings
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_ACCOUNT_SETTINGS (tern_ui_account_settings_get_type ())
G_DECLARE_FINAL_TYPE (TernUiAccountSettings, tern_ui_account_settings, TERN_UI, ACCOUNT_SETTINGS, AdwPreferencesWindow)

TernUiAccountSettings *tern_ui_account_settings_new (GtkWindow       *parent,
                                                     TernMail        *mail,
                                                     TernMailAccount *account);

G_END_DECLS
