/* tern-cli-show.c: tern-cli show ID [--raw] [--json]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"

/* The body of a message whose header only is stored, from its IMAP server, at once
 * (stored too), through the engine. */
static GBytes *
fetch_from_server (TernStoreMessage *message, GError **error)
{
  g_autoptr(TernMail) mail = tern_cli_mail_open (error);
  g_autoptr(GAsyncResult) result = NULL;

  if (mail == NULL)
    return NULL;
  tern_mail_fetch_body_async (mail, tern_store_message_get_id (message), NULL, tern_cli_mail_done_cb, &result);
  return tern_mail_fetch_body_finish (mail, tern_cli_mail_wait (&result), error);
}

static void
print_field (const char *name, const char *value)
{
  if (value != NULL && *value != '\0')
    g_print ("%s: %s\n", name, value);
}

int
tern_cli_show (int argc, char **argv)
{
  gboolean raw = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "raw", 0, 0, G_OPTION_ARG_NONE, &raw, N_("Print the message exactly as stored (RFC 5322 bytes)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array with the message’s object, its To, Cc and body text"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID — show a message"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreMessage) message = NULL;
  g_autoptr(GHashTable) folders = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TernMimeSummary) summary = NULL;
  char *end = NULL;
  gint64 id;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("ID is the “id” that list and search print."));
  if (!tern_cli_output_parse_args (context, "show", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 2 || (id = g_ascii_strtoll (argv[1], &end, 10)) <= 0 || *end != '\0' || (raw && json))
    {
      g_printerr (_("tern-cli show: give one message ID (a number), and --raw or --json, not both\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "show");
      return TERN_CLI_EXIT_USAGE;
    }

  db = tern_cli_output_open_store (&error);
  if (db == NULL || (message = tern_store_db_get_message (db, id, &error)) == NULL ||
      (folders = tern_cli_output_folder_map (db, &error)) == NULL)
    {
      tern_cli_printerr_error ("show", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  bytes = tern_store_db_get_raw (db, id, &error);
  if (bytes == NULL && !g_error_matches (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
    {
      tern_cli_printerr_error ("show", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  if (bytes == NULL)
    {
      /* Only the header is stored: an IMAP message's body comes at once. When that
       * fails (offline, say), the header is still shown, with why. */
      g_autoptr(GError) fetch_error = NULL;

      bytes = fetch_from_server (message, &fetch_error);
      if (bytes != NULL)
        g_clear_error (&error);
      else if (fetch_error != NULL)
        {
          if (raw)
            {
              tern_cli_printerr_error ("show", fetch_error);
              return TERN_CLI_EXIT_FAILURE;
            }
          /* Translators: the body could not be fetched; %s says why */
          g_printerr (_("tern-cli show: only the header is stored: %s\n"), fetch_error->message);
        }
    }

  if (raw)
    {
      gsize len = 0;
      const void *data;

      if (bytes == NULL)
        {
          tern_cli_printerr_error ("show", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      data = g_bytes_get_data (bytes, &len);
      if ((len > 0 && fwrite (data, 1, len, stdout) != len) || fflush (stdout) != 0)
        {
          g_printerr (_("tern-cli show: cannot write to standard output\n"));
          return TERN_CLI_EXIT_FAILURE;
        }
      return TERN_CLI_EXIT_OK;
    }

  if (bytes != NULL)
    {
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (bytes, &len);
      summary = tern_mime_summary_new (data != NULL ? data : (const guint8 *) "", len);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;

      json_builder_begin_array (builder);
      tern_cli_output_add_message (builder, message, folders);
      json_builder_end_array (builder);
      node = json_builder_get_root (builder);
      object = json_array_get_object_element (json_node_get_array (node), 0);
      if (tern_store_message_get_to (message) != NULL)
        json_object_set_string_member (object, "to", tern_store_message_get_to (message));
      else
        json_object_set_null_member (object, "to");
      if (tern_store_message_get_cc (message) != NULL)
        json_object_set_string_member (object, "cc", tern_store_message_get_cc (message));
      else
        json_object_set_null_member (object, "cc");
      if (summary != NULL)
        json_object_set_string_member (object, "body", summary->body_text);
      else
        json_object_set_null_member (object, "body");
      if (!tern_cli_output_print_json_node (node, FALSE, &error))
        {
          tern_cli_printerr_error ("show", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      return TERN_CLI_EXIT_OK;
    }

  {
    gint64 folder_id = tern_store_message_get_folder_id (message);
    TernStoreFolder *folder = g_hash_table_lookup (folders, &folder_id);
    g_autofree char *date = tern_cli_output_format_date (tern_store_message_get_date (message),
                                                         tern_store_message_get_date_tz (message));
    g_auto(GStrv) flags = tern_store_flags_to_strv (tern_store_message_get_flags (message));
    g_autofree char *flag_text = g_strjoinv (" ", flags);

    print_field (_("From"), tern_store_message_get_from (message));
    print_field (_("To"), tern_store_message_get_to (message));
    print_field (_("Cc"), tern_store_message_get_cc (message));
    print_field (_("Subject"), tern_store_message_get_subject (message));
    print_field (_("Date"), date);
    print_field (_("Message-ID"), tern_store_message_get_message_id (message));
    if (folder != NULL)
      g_print ("%s: %s/%s\n", _("Folder"), tern_store_folder_get_account (folder),
               tern_store_folder_get_path (folder));
    print_field (_("Flags"), flag_text);
    g_print ("\n%s\n", summary != NULL ? summary->body_text
                                       : _("(Only the header of this message is stored.)"));
  }
  return TERN_CLI_EXIT_OK;
}
