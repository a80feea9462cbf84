/* tern-cli-mark.c: tern-cli mark ID... --read|--unread|--flagged|--unflagged
 *                                     |--add-keyword K|--remove-keyword K
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Changed in the store at once and journaled: the next `tern-cli sync` (or the
 * window's) takes the change to the server, offline included.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"

int
tern_cli_mark (int argc, char **argv)
{
  gboolean read = FALSE, unread = FALSE, flagged = FALSE, unflagged = FALSE;
  g_auto(GStrv) add = NULL, remove = NULL;
  const GOptionEntry entries[] = {
    { "read", 0, 0, G_OPTION_ARG_NONE, &read, N_("Mark as read"), NULL },
    { "unread", 0, 0, G_OPTION_ARG_NONE, &unread, N_("Mark as unread"), NULL },
    { "flagged", 0, 0, G_OPTION_ARG_NONE, &flagged, N_("Flag (star)"), NULL },
    { "unflagged", 0, 0, G_OPTION_ARG_NONE, &unflagged, N_("Remove the flag"), NULL },
    { "add-keyword", 0, 0, G_OPTION_ARG_STRING_ARRAY, &add, N_("Add an IMAP keyword such as $label1 (repeat for more)"), N_("K") },
    { "remove-keyword", 0, 0, G_OPTION_ARG_STRING_ARRAY, &remove, N_("Remove an IMAP keyword (repeat for more)"), N_("K") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID… — mark messages"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  TernStoreFlags set = 0, clear = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("ID is the “id” that list and search print. The change is made "
                                           "here at once and sent to the server by the next sync."));
  if (!tern_cli_output_parse_args (context, "mark", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (!tern_cli_mail_parse_ids (argc - 1, argv + 1, &ids) || (read && unread) || (flagged && unflagged) ||
      !(read || unread || flagged || unflagged || add != NULL || remove != NULL))
    {
      g_printerr (_("tern-cli mark: give message IDs and what to mark: --read or --unread, --flagged or "
                    "--unflagged, --add-keyword K, --remove-keyword K\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "mark");
      return TERN_CLI_EXIT_USAGE;
    }
  if (read)
    set |= TERN_STORE_FLAG_SEEN;
  if (unread)
    clear |= TERN_STORE_FLAG_SEEN;
  if (flagged)
    set |= TERN_STORE_FLAG_FLAGGED;
  if (unflagged)
    clear |= TERN_STORE_FLAG_FLAGGED;

  if ((mail = tern_cli_mail_open (&error)) == NULL)
    {
      tern_cli_printerr_error ("mark", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  if (set != 0 || clear != 0)
    {
      tern_mail_set_flags_async (mail, (const gint64 *) (void *) ids->data, ids->len, set, clear, NULL,
                                 tern_cli_mail_done_cb, &result);
      if (!tern_cli_mail_finish (mail, &result, "mark", NULL))
        return TERN_CLI_EXIT_FAILURE;
    }
  if (add != NULL || remove != NULL)
    {
      tern_mail_set_keywords_async (mail, (const gint64 *) (void *) ids->data, ids->len, (const char * const *) add,
                                    (const char * const *) remove, NULL, tern_cli_mail_done_cb, &result);
      if (!tern_cli_mail_finish (mail, &result, "mark", NULL))
        return TERN_CLI_EXIT_FAILURE;
    }
  return TERN_CLI_EXIT_OK;
}
