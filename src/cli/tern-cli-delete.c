/* tern-cli-delete.c: tern-cli delete ID... [--permanently]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * To the account's Trash by default; --permanently deletes for good (here and, by
 * the next sync, on the server).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"

int
tern_cli_delete (int argc, char **argv)
{
  gboolean permanently = FALSE;
  const GOptionEntry entries[] = {
    { "permanently", 0, 0, G_OPTION_ARG_NONE, &permanently, N_("Delete for good instead of moving to the Trash"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID… — delete messages"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("ID is the “id” that list and search print. The messages go to "
                                           "their account’s Trash (deleted for good with --permanently); "
                                           "the next sync does the same on the server."));
  if (!tern_cli_output_parse_args (context, "delete", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (!tern_cli_mail_parse_ids (argc - 1, argv + 1, &ids))
    {
      g_printerr (_("tern-cli delete: give message IDs\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "delete");
      return TERN_CLI_EXIT_USAGE;
    }
  if ((mail = tern_cli_mail_open (&error)) == NULL)
    {
      tern_cli_printerr_error ("delete", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  (permanently ? tern_mail_expunge_async : tern_mail_trash_async) (mail, (const gint64 *) (void *) ids->data, ids->len, NULL,
                                                                   tern_cli_mail_done_cb, &result);
  return tern_cli_mail_finish (mail, &result, "delete", NULL) ? TERN_CLI_EXIT_OK : TERN_CLI_EXIT_FAILURE;
}
