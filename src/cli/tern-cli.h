/* tern-cli.h: the command table of tern-cli
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tern-account.h"
#include "tern-autoconfig.h"
#include "tern-mail.h"

G_BEGIN_DECLS

/* Exit statuses: 0 success, 1 failure, 2 wrong usage (as most Unix tools). */
#define TERN_CLI_EXIT_OK      0
#define TERN_CLI_EXIT_FAILURE 1
#define TERN_CLI_EXIT_USAGE   2

typedef int (*TernCliRunFunc) (int argc, char **argv);

typedef struct
{
  const char     *name;
  const char     *summary;
  TernCliRunFunc  run;
} TernCliCommand;

void tern_cli_printerr_error (const char *command, const GError *error);

/* the commands, one file each: tern-cli-COMMAND.c */
int  tern_cli_account (int argc, char **argv);
int  tern_cli_copy    (int argc, char **argv);
int  tern_cli_delete  (int argc, char **argv);
int  tern_cli_folder  (int argc, char **argv);
int  tern_cli_mark    (int argc, char **argv);
int  tern_cli_move    (int argc, char **argv);
int  tern_cli_account_detect (int argc, char **argv);
int  tern_cli_account_set (int argc, char **argv);
int  tern_cli_account_test (int argc, char **argv);
int  tern_cli_export  (int argc, char **argv);
int  tern_cli_folders (int argc, char **argv);
int  tern_cli_import  (int argc, char **argv);
int  tern_cli_list    (int argc, char **argv);
int  tern_cli_outbox  (int argc, char **argv);
int  tern_cli_outbox_send_now (const char *command, TernMail *mail, TernMailAccount *account, gint64 outbox_id);
int  tern_cli_search  (int argc, char **argv);
int  tern_cli_send    (int argc, char **argv);
int  tern_cli_show    (int argc, char **argv);
int  tern_cli_sync    (int argc, char **argv);

/* tern-cli-account-detect.c: detection with progress on stderr, for account add --detect */
TernAutoconfigResult *tern_cli_detect (const char *address, gboolean offline, GError **error);

/* tern-cli-account-set.c: the sync settings options (--body-days, --leave-on-server,
 * --delete-after-days, --delete-when-deleted, --backup, --server-files-sent), shared by
 * account add and account set */
typedef struct _TernCliAccountSettings TernCliAccountSettings;

TernCliAccountSettings *tern_cli_account_settings_new            (GOptionContext          *context);
void                    tern_cli_account_settings_free           (TernCliAccountSettings  *self);
gboolean                tern_cli_account_settings_parse          (TernCliAccountSettings  *self,
                                                                  GError                 **error);
gboolean                tern_cli_account_settings_is_empty       (TernCliAccountSettings  *self);
gboolean                tern_cli_account_settings_check_protocol (TernCliAccountSettings  *self,
                                                                  const char              *email,
                                                                  TernAccountProtocol      protocol,
                                                                  GError                 **error);
void                    tern_cli_account_settings_apply          (TernCliAccountSettings  *self,
                                                                  TernMailAccountBuilder  *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernCliAccountSettings, tern_cli_account_settings_free)

G_END_DECLS
