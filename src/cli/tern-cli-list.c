/* tern-cli-list.c: tern-cli list FOLDER [--account ACCOUNT] [--json] [--limit N]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-output.h"

#define PAGE 1000

int
tern_cli_list (int argc, char **argv)
{
  g_autofree char *account = NULL;
  gboolean json = FALSE;
  int limit = 0;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("The account’s e-mail address (default: local, the Local Folders)"), N_("ACCOUNT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of message objects"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Print at most N messages (the newest)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FOLDER — list a folder’s messages, newest first"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autoptr(GHashTable) folders = NULL;
  gboolean first = TRUE, begun = FALSE;
  gint64 account_id;
  guint offset = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("FOLDER is the folder’s path with “/” between levels, e.g. INBOX or Lists/dev."));
  if (!tern_cli_output_parse_args (context, "list", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 2 || limit < 0)
    {
      g_printerr (_("tern-cli list: give one FOLDER (and a --limit of 0 or more)\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "list");
      return TERN_CLI_EXIT_USAGE;
    }

  db = tern_cli_output_open_store (&error);
  if (db == NULL ||
      (account_id = tern_cli_output_resolve_account (db, account, &error)) == 0 ||
      (folder = tern_store_db_lookup_folder (db, account_id, argv[1], &error)) == NULL ||
      (folders = tern_cli_output_folder_map (db, &error)) == NULL)
    {
      tern_cli_printerr_error ("list", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (!json)
    tern_cli_output_print_header ();

  for (;;)
    {
      guint want = limit > 0 ? MIN (PAGE, (guint) limit - offset) : PAGE;
      g_autoptr(GPtrArray) rows = NULL;

      if (want == 0)
        break;
      rows = tern_store_db_list_messages (db, tern_store_folder_get_id (folder), offset, want, &error);
      if (rows == NULL)
        {
          tern_cli_printerr_error ("list", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      /* Start the array only once the first page was read: an error before
       * prints nothing on standard output. */
      if (json && !begun)
        {
          tern_cli_output_json_begin ();
          begun = TRUE;
        }
      for (guint i = 0; i < rows->len; i++)
        {
          if (json)
            tern_cli_output_json_message (g_ptr_array_index (rows, i), folders, &first);
          else
            tern_cli_output_print_message (g_ptr_array_index (rows, i), folders);
        }
      offset += rows->len;
      if (rows->len < want)
        break;
    }

  if (json)
    {
      if (!begun)
        tern_cli_output_json_begin ();
      if (!tern_cli_output_json_end (&error))
        {
          tern_cli_printerr_error ("list", error);
          return TERN_CLI_EXIT_FAILURE;
        }
    }
  return TERN_CLI_EXIT_OK;
}
