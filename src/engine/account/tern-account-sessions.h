/* tern-account-sessions.h: logged-in protocol sessions for an account
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-imap-session.h"
#include "tern-pop3-session.h"
#include "tern-smtp-session.h"

G_BEGIN_DECLS

TernImapSession *tern_account_open_imap (TernAccount   *account,
                                         const char    *password,
                                         guint          timeout,
                                         GCancellable  *cancellable,
                                         GError       **error);
TernPop3Session *tern_account_open_pop3 (TernAccount   *account,
                                         const char    *password,
                                         guint          timeout,
                                         GCancellable  *cancellable,
                                         GError       **error);
TernSmtpSession *tern_account_open_smtp (TernAccount   *account,
                                         const char    *password,
                                         guint          timeout,
                                         GCancellable  *cancellable,
                                         GError       **error);

G_END_DECLS
