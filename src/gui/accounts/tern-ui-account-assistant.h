/* tern-ui-account-assistant.h: add an account: who, IMAP or POP3, detected, reviewed,
 * tested, saved
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-autoconfig.h"
#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_ACCOUNT_ASSISTANT (tern_ui_account_assistant_get_type ())
G_DECLARE_FINAL_TYPE (TernUiAccountAssistant, tern_ui_account_assistant, TERN_UI, ACCOUNT_ASSISTANT, AdwWindow)

TernUiAccountAssistant *tern_ui_account_assistant_new          (GtkWindow              *parent,
                                                                TernMail               *mail);
const char             *tern_ui_account_assistant_get_page     (TernUiAccountAssistant *self);
void                    tern_ui_account_assistant_set_autoconfig (TernUiAccountAssistant *self,
                                                                TernAutoconfig         *autoconfig);

G_END_DECLS
