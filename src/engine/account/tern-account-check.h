/* tern-account-check.h: log in to an account's servers, to see that the settings work
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"

G_BEGIN_DECLS

gboolean tern_account_check_incoming (TernAccount   *account,
                                      const char    *password,
                                      GCancellable  *cancellable,
                                      GError       **error);
gboolean tern_account_check_outgoing (TernAccount   *account,
                                      const char    *password,
                                      GCancellable  *cancellable,
                                      GError       **error);

G_END_DECLS
