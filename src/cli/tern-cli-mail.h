/* tern-cli-mail.h: tern-cli on the engine's front-end API (TernMail)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-mail.h"

G_BEGIN_DECLS

TernMail     *tern_cli_mail_open      (GError              **error);
void          tern_cli_mail_done_cb   (GObject              *source,
                                       GAsyncResult         *result,
                                       gpointer              user_data);
GAsyncResult *tern_cli_mail_wait      (GAsyncResult        **slot);
gboolean      tern_cli_mail_parse_ids (int                   argc,
                                       char                **argv,
                                       GArray              **ids);
TernMailAccount *tern_cli_mail_account (TernMail            *mail,
                                       const char           *address,
                                       GError              **error);
gint64        tern_cli_mail_folder    (TernMail             *mail,
                                       const char           *account,
                                       const char           *path,
                                       GError              **error);
char         *tern_cli_mail_message_account (TernMail       *mail,
                                       gint64                id,
                                       GError              **error);
gboolean      tern_cli_mail_finish    (TernMail             *mail,
                                       GAsyncResult        **slot,
                                       const char           *command,
                                       gint64               *id);

G_END_DECLS
