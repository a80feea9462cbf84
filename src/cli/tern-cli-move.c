/* tern-cli-move.c: tern-cli move|copy ID... --to FOLDER [--to-account A]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Moved (or copied) in the store at once and journaled: the next sync takes it to
 * the server. Across accounts, the target's server gets the message by APPEND and
 * a move deletes it from the source's; a message whose body only its server has is
 * fetched first.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"

static int
transfer (const char *command, gboolean move, int argc, char **argv)
{
  g_autofree char *to = NULL, *to_account = NULL;
  const GOptionEntry entries[] = {
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The folder (its path, e.g. Lists/dev, or Trash, Archive...)"), N_("FOLDER") },
    { "to-account", 0, 0, G_OPTION_ARG_STRING, &to_account, N_("The folder’s account (default: the first message’s; “local” for Local Folders)"), N_("A") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (move ? _("ID… — move messages to a folder")
                                                                 : _("ID… — copy messages to a folder"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *account = NULL;
  gint64 folder_id;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("ID is the “id” that list and search print. The change is made "
                                           "here at once and sent to the server by the next sync."));
  if (!tern_cli_output_parse_args (context, command, &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (!tern_cli_mail_parse_ids (argc - 1, argv + 1, &ids) || to == NULL)
    {
      g_printerr (_("tern-cli %s: give message IDs and --to FOLDER\n"), command);
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), command);
      return TERN_CLI_EXIT_USAGE;
    }

  if ((mail = tern_cli_mail_open (&error)) == NULL ||
      (account = to_account != NULL ? g_strdup (to_account)
                                    : tern_cli_mail_message_account (mail, g_array_index (ids, gint64, 0),
                                                                     &error)) == NULL ||
      (folder_id = tern_cli_mail_folder (mail, account, to, &error)) == 0)
    {
      tern_cli_printerr_error (command, error);
      return TERN_CLI_EXIT_FAILURE;
    }
  (move ? tern_mail_move_async : tern_mail_copy_async) (mail, (const gint64 *) (void *) ids->data, ids->len, folder_id,
                                                        NULL, tern_cli_mail_done_cb, &result);
  return tern_cli_mail_finish (mail, &result, command, NULL) ? TERN_CLI_EXIT_OK : TERN_CLI_EXIT_FAILURE;
}

int
tern_cli_move (int argc, char **argv)
{
  return transfer ("move", TRUE, argc, argv);
}

int
tern_cli_copy (int argc, char **argv)
{
  return transfer ("copy", FALSE, argc, argv);
}
