/* tern-credentials.h: account passwords, from the keyring or a command
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-account-error.h"

G_BEGIN_DECLS

#define TERN_CREDENTIALS_TIMEOUT_SECONDS 10

char     *tern_credentials_get_password   (TernAccount   *account,
                                           GCancellable  *cancellable,
                                           GError       **error);
gboolean  tern_credentials_store_password (TernAccount   *account,
                                           const char    *password,
                                           GCancellable  *cancellable,
                                           GError       **error);
gboolean  tern_credentials_clear_password (TernAccount   *account,
                                           GCancellable  *cancellable,
                                           GError       **error);
void      tern_credentials_set_session_password (TernAccount *account,
                                                 const char  *password);
gboolean  tern_credentials_has_session_password (TernAccount *account);
void      tern_credentials_free_password  (char          *password);
char     *tern_credentials_dup_password   (const char    *password);

/* g_autoptr(TernPassword) wipes the password when it goes out of scope */
typedef char TernPassword;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernPassword, tern_credentials_free_password)

G_END_DECLS
