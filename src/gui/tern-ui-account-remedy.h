/* tern-ui-account-remedy.h: what the user does about an account that cannot sync
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail.h"

G_BEGIN_DECLS

void tern_ui_account_remedy_run (GtkWindow       *parent,
                                 TernMail        *mail,
                                 TernMailAccount *account);

void tern_ui_account_remedy_ask_password (GtkWindow       *parent,
                                          TernMail        *mail,
                                          TernMailAccount *account);

G_END_DECLS
