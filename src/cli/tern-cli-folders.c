/* tern-cli-folders.c: tern-cli folders [--account ACCOUNT] [--json]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-output.h"

int
tern_cli_folders (int argc, char **argv)
{
  g_autofree char *account = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("Only this account (its e-mail address, or local)"), N_("ACCOUNT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array of folder objects"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— list the folders of the store"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gint64 account_id = 0;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Lists every folder with its role, its number of messages and of unread ones. "
                                           "Paths have “/” between levels, whatever the server uses."));
  if (!tern_cli_output_parse_args (context, "folders", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 1)
    {
      g_printerr (_("tern-cli folders: takes no arguments besides options\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "folders");
      return TERN_CLI_EXIT_USAGE;
    }

  db = tern_cli_output_open_store (&error);
  if (db == NULL ||
      (account != NULL && (account_id = tern_cli_output_resolve_account (db, account, &error)) == 0) ||
      (folders = tern_store_db_list_folders (db, account_id, &error)) == NULL)
    {
      tern_cli_printerr_error ("folders", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (!json)
    {
      /* Translators: column headings of "tern-cli folders" */
      g_print ("%-24s %-32s %-8s %7s %7s\n", _("ACCOUNT"), _("FOLDER"), _("ROLE"), _("TOTAL"), _("UNREAD"));
      for (guint i = 0; i < folders->len; i++)
        {
          TernStoreFolder *folder = g_ptr_array_index (folders, i);
          TernStoreFolderRole role = tern_store_folder_get_role (folder);

          g_print ("%-24s %-32s %-8s %7u %7u\n", tern_store_folder_get_account (folder),
                   tern_store_folder_get_path (folder),
                   role != TERN_STORE_FOLDER_ROLE_NONE ? tern_store_folder_role_to_string (role) : "-",
                   tern_store_folder_get_total (folder), tern_store_folder_get_unread (folder));
        }
      return TERN_CLI_EXIT_OK;
    }

  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);
      TernStoreFolderRole role = tern_store_folder_get_role (folder);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account");
      json_builder_add_string_value (builder, tern_store_folder_get_account (folder));
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, tern_store_folder_get_path (folder));
      json_builder_set_member_name (builder, "role");
      if (role != TERN_STORE_FOLDER_ROLE_NONE)
        json_builder_add_string_value (builder, tern_store_folder_role_to_string (role));
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "total");
      json_builder_add_int_value (builder, tern_store_folder_get_total (folder));
      json_builder_set_member_name (builder, "unread");
      json_builder_add_int_value (builder, tern_store_folder_get_unread (folder));
      json_builder_set_member_name (builder, "subscribed");
      json_builder_add_boolean_value (builder, tern_store_folder_get_subscribed (folder));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!tern_cli_output_print_json (builder, &error))
    {
      tern_cli_printerr_error ("folders", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  return TERN_CLI_EXIT_OK;
}
