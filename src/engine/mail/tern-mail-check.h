/* tern-mail-check.h: log in to an account's servers, off the calling thread, and say
 * what failed in words
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-diagnosis.h"

G_BEGIN_DECLS

/**
 * TernMailServerRole:
 * @TERN_MAIL_SERVER_INCOMING: the IMAP or POP3 server
 * @TERN_MAIL_SERVER_OUTGOING: the SMTP server
 */
typedef enum
{
  TERN_MAIL_SERVER_INCOMING,
  TERN_MAIL_SERVER_OUTGOING,
} TernMailServerRole;

void      tern_mail_check_server_async  (TernAccount          *account,
                                         TernMailServerRole    role,
                                         const char           *password,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  tern_mail_check_server_finish (GAsyncResult         *result,
                                         TernDiagnosis       **diagnosis,
                                         GError              **error);

void      tern_mail_check_account_async  (TernAccount         *account,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean  tern_mail_check_account_finish (GAsyncResult        *result,
                                          TernDiagnosis      **incoming,
                                          TernDiagnosis      **outgoing,
                                          GError             **error);

G_END_DECLS
