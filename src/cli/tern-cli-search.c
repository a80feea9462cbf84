/* tern-cli-search.c: tern-cli search QUERY [--json] [--limit N]
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
tern_cli_search (int argc, char **argv)
{
  gboolean json = FALSE;
  int limit = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of message objects"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("Print at most N messages (the newest)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("QUERY — find messages in all accounts, newest first"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreQuery) query = NULL;
  g_autoptr(GHashTable) folders = NULL;
  gboolean first = TRUE, begun = FALSE;
  g_autofree char *text = NULL;
  guint offset = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("QUERY: words, \"phrases\", prefix*, from:, to:, cc:, subject:, body:, "
                                  "attachment:, has:attachment, is:unread, is:read, is:flagged, "
                                  "is:answered, in:FOLDER, after:YYYY-MM-DD, before:YYYY-MM-DD, "
                                  "-TERM (not), A OR B. Terms are combined with AND."));
  if (!tern_cli_output_parse_args (context, "search", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc < 2 || limit < 0)
    {
      g_printerr (_("tern-cli search: give a QUERY (and a --limit of 0 or more)\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "search");
      return TERN_CLI_EXIT_USAGE;
    }
  /* Several arguments are one query: tern-cli search from:bob is:unread */
  text = g_strjoinv (" ", argv + 1);

  query = tern_store_query_parse (text, &error);
  if (query == NULL)
    {
      tern_cli_printerr_error ("search", error);
      return TERN_CLI_EXIT_USAGE;
    }

  db = tern_cli_output_open_store (&error);
  if (db == NULL || (folders = tern_cli_output_folder_map (db, &error)) == NULL)
    {
      tern_cli_printerr_error ("search", error);
      return TERN_CLI_EXIT_FAILURE;
    }


  for (;;)
    {
      guint want = limit > 0 ? MIN (PAGE, (guint) limit - offset) : PAGE;
      g_autoptr(GPtrArray) rows = NULL;

      if (want == 0)
        break;
      rows = tern_store_db_search (db, query, offset, want, &error);
      if (rows == NULL)
        {
          tern_cli_printerr_error ("search", error);
          return g_error_matches (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY)
                 ? TERN_CLI_EXIT_USAGE : TERN_CLI_EXIT_FAILURE;
        }
      if (!json && offset == 0 && rows->len > 0)
        tern_cli_output_print_header ();
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
          tern_cli_printerr_error ("search", error);
          return TERN_CLI_EXIT_FAILURE;
        }
    }
  else if (offset == 0)
    g_printerr (_("No messages found.\n"));
  return TERN_CLI_EXIT_OK;
}
