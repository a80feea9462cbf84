/* tern-cli-folder.c: tern-cli folder create|rename|delete|empty PATH [NEW_PATH] [--account A]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Made in the store at once and journaled: the next sync makes it on the server
 * (IMAP); POP3 accounts and Local Folders have their folders here only.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"

/* PATH's parent folder ("" at the top level: 0) and last level. */
static gboolean
split_path (TernMail *mail, const char *account, const char *path, gint64 *parent_id, char **name, GError **error)
{
  const char *slash = strrchr (path, '/');
  g_autofree char *parent = NULL;

  if (slash == NULL)
    {
      *parent_id = 0;
      *name = g_strdup (path);
      return TRUE;
    }
  parent = g_strndup (path, slash - path);
  if ((*parent_id = tern_cli_mail_folder (mail, account, parent, error)) == 0)
    return FALSE;
  *name = g_strdup (slash + 1);
  return TRUE;
}

static gint64
account_id (TernMail *mail, const char *account, GError **error)
{
  TernMailAccount *live;

  if (g_ascii_strcasecmp (account, TERN_STORE_LOCAL_ACCOUNT) == 0)
    return 1;   /* the store's built-in Local Folders */
  if ((live = tern_cli_mail_account (mail, account, error)) == NULL)
    return 0;
  return tern_mail_account_get_store_id (live);
}

int
tern_cli_folder (int argc, char **argv)
{
  g_autofree char *account = NULL;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("The account (its e-mail address; default: Local Folders, “local”)"), N_("A") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("create|rename|delete|empty PATH [NEW_PATH]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *verb, *path;
  gboolean ok = TRUE;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Creates, renames (or moves: NEW_PATH in another folder), deletes (with "
                                           "its subfolders and messages) or empties a folder, or subscribes to an "
                                           "IMAP folder or unsubscribes from it. PATH has “/” between levels. The "
                                           "server follows at the next sync."));
  if (!tern_cli_output_parse_args (context, "folder", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  verb = argc > 1 ? argv[1] : "";
  if (!((g_str_equal (verb, "rename") && argc == 4) ||
        ((g_str_equal (verb, "create") || g_str_equal (verb, "delete") || g_str_equal (verb, "empty") ||
          g_str_equal (verb, "subscribe") || g_str_equal (verb, "unsubscribe")) && argc == 3)))
    {
      g_printerr (_("Usage: tern-cli folder create|rename|delete|empty|subscribe|unsubscribe PATH [NEW_PATH] "
                    "[--account A]\n"));
      return TERN_CLI_EXIT_USAGE;
    }
  path = argv[2];
  if (account == NULL)
    account = g_strdup (TERN_STORE_LOCAL_ACCOUNT);

  if ((mail = tern_cli_mail_open (&error)) == NULL)
    {
      tern_cli_printerr_error ("folder", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (g_str_equal (verb, "create"))
    {
      g_autofree char *name = NULL;
      gint64 parent = 0, id = account_id (mail, account, &error);

      if (id == 0 || !split_path (mail, account, path, &parent, &name, &error))
        goto fail;
      tern_mail_create_folder_async (mail, id, parent, name, NULL, tern_cli_mail_done_cb, &result);
      ok = tern_cli_mail_finish (mail, &result, "folder create", NULL);
    }
  else
    {
      gint64 folder = tern_cli_mail_folder (mail, account, path, &error);

      if (folder == 0)
        goto fail;
      if (g_str_equal (verb, "delete"))
        {
          tern_mail_delete_folder_async (mail, folder, NULL, tern_cli_mail_done_cb, &result);
          ok = tern_cli_mail_finish (mail, &result, "folder delete", NULL);
        }
      else if (g_str_equal (verb, "subscribe") || g_str_equal (verb, "unsubscribe"))
        {
          tern_mail_set_folder_subscribed_async (mail, folder, g_str_equal (verb, "subscribe"), NULL,
                                                 tern_cli_mail_done_cb, &result);
          ok = tern_cli_mail_finish (mail, &result, "folder subscribe", NULL);
        }
      else if (g_str_equal (verb, "empty"))
        {
          tern_mail_empty_folder_async (mail, folder, NULL, tern_cli_mail_done_cb, &result);
          ok = tern_cli_mail_finish (mail, &result, "folder empty", NULL);
        }
      else
        {
          const char *old_slash = strrchr (path, '/');
          const char *new_slash = strrchr (argv[3], '/');
          gsize old_parent = old_slash != NULL ? (gsize) (old_slash - path) : 0;
          gsize new_parent = new_slash != NULL ? (gsize) (new_slash - argv[3]) : 0;
          g_autofree char *name = NULL;
          gint64 parent = 0;

          if (!split_path (mail, account, argv[3], &parent, &name, &error))
            goto fail;
          /* Another parent: a move, then (if the last level changes too) a rename. */
          if (old_parent != new_parent || strncmp (path, argv[3], old_parent) != 0)
            {
              tern_mail_move_folder_async (mail, folder, parent, NULL, tern_cli_mail_done_cb, &result);
              ok = tern_cli_mail_finish (mail, &result, "folder rename", NULL);
            }
          if (ok && g_strcmp0 (old_slash != NULL ? old_slash + 1 : path, name) != 0)
            {
              tern_mail_rename_folder_async (mail, folder, name, NULL, tern_cli_mail_done_cb, &result);
              ok = tern_cli_mail_finish (mail, &result, "folder rename", NULL);
            }
        }
    }
  return ok ? TERN_CLI_EXIT_OK : TERN_CLI_EXIT_FAILURE;

fail:
  tern_cli_printerr_error ("folder", error);
  return TERN_CLI_EXIT_FAILURE;
}
