/* tern-account-manager.h: the configured accounts
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-account-error.h"

G_BEGIN_DECLS

#define TERN_TYPE_ACCOUNT_MANAGER (tern_account_manager_get_type ())

G_DECLARE_FINAL_TYPE (TernAccountManager, tern_account_manager, TERN, ACCOUNT_MANAGER, GObject)

char               *tern_account_manager_get_default_path (void);

TernAccountManager *tern_account_manager_new      (const char          *path);
gboolean            tern_account_manager_load     (TernAccountManager  *self,
                                                   GError             **error);
void                tern_account_manager_load_async (TernAccountManager *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean            tern_account_manager_load_finish (TernAccountManager *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
const char         *tern_account_manager_get_path (TernAccountManager  *self);
gboolean            tern_account_manager_save     (TernAccountManager  *self,
                                                   GError             **error);
GListModel         *tern_account_manager_get_accounts (TernAccountManager *self);
TernAccount        *tern_account_manager_lookup   (TernAccountManager  *self,
                                                   const char          *email);
gboolean            tern_account_manager_add      (TernAccountManager  *self,
                                                   TernAccount         *account,
                                                   GError             **error);
gboolean            tern_account_manager_remove   (TernAccountManager  *self,
                                                   const char          *email,
                                                   GError             **error);

G_END_DECLS
