/* tern-cli-export.c: tern-cli export FOLDER --format mbox|maildir DEST [--account ACCOUNT]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mbox is written as mboxrd: lines that match /^>*From / get one more '>'.
 * Maildir gets one file per message in DEST/cur, named with the message's flags
 * and dated with its internal date.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tern-mime-mbox-writer.h"
#include "tern-cli.h"
#include "tern-cli-output.h"

#define PAGE 500

static gboolean
write_maildir_file (const char *dest, TernStoreMessage *message, GBytes *bytes, GError **error)
{
  TernStoreFlags flags = tern_store_message_get_flags (message);
  g_autoptr(GString) info = g_string_new (":2,");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gint64 when = tern_store_message_get_internal_date (message);
  struct utimbuf times;

  /* Maildir info letters in ASCII order. */
  if (flags & TERN_STORE_FLAG_DRAFT)
    g_string_append_c (info, 'D');
  if (flags & TERN_STORE_FLAG_FLAGGED)
    g_string_append_c (info, 'F');
  if (flags & TERN_STORE_FLAG_ANSWERED)
    g_string_append_c (info, 'R');
  if (flags & TERN_STORE_FLAG_SEEN)
    g_string_append_c (info, 'S');
  if (flags & TERN_STORE_FLAG_DELETED)
    g_string_append_c (info, 'T');

  name = g_strdup_printf ("%" G_GINT64_FORMAT ".M%" G_GINT64_FORMAT "P%d.tern%s", when,
                          tern_store_message_get_id (message), (int) getpid (), info->str);
  path = g_build_filename (dest, "cur", name, NULL);
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  times.actime = times.modtime = when;
  g_utime (path, &times);
  return TRUE;
}

int
tern_cli_export (int argc, char **argv)
{
  g_autofree char *account = NULL, *format = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("mbox or maildir"), N_("FORMAT") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("The account’s e-mail address (default: local, the Local Folders)"), N_("ACCOUNT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FOLDER DEST — write a folder’s messages to an mbox file or a Maildir"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;
  gboolean mbox;
  gint64 account_id;
  FILE *out = NULL;
  guint offset = 0, written = 0, missing = 0;
  int status = TERN_CLI_EXIT_OK;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tern_cli_output_parse_args (context, "export", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 3 || format == NULL || (strcmp (format, "mbox") != 0 && strcmp (format, "maildir") != 0))
    {
      g_printerr (_("tern-cli export: give FOLDER, DEST and --format mbox or --format maildir\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "export");
      return TERN_CLI_EXIT_USAGE;
    }
  mbox = strcmp (format, "mbox") == 0;

  db = tern_cli_output_open_store (&error);
  if (db == NULL ||
      (account_id = tern_cli_output_resolve_account (db, account, &error)) == 0 ||
      (folder = tern_store_db_lookup_folder (db, account_id, argv[1], &error)) == NULL)
    {
      tern_cli_printerr_error ("export", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  if (mbox)
    {
      out = g_fopen (argv[2], "wbe");
      if (out == NULL)
        {
          int saved = errno;
          g_printerr (_("tern-cli export: cannot create “%s”: %s\n"), argv[2], g_strerror (saved));
          return TERN_CLI_EXIT_FAILURE;
        }
    }
  else
    {
      static const char * const subdirs[] = { "cur", "new", "tmp" };
      for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
        {
          g_autofree char *dir = g_build_filename (argv[2], subdirs[i], NULL);
          if (g_mkdir_with_parents (dir, 0700) != 0)
            {
              int saved = errno;
              g_printerr (_("tern-cli export: cannot create “%s”: %s\n"), dir, g_strerror (saved));
              return TERN_CLI_EXIT_FAILURE;
            }
        }
    }

  for (;;)
    {
      g_autoptr(GPtrArray) rows = tern_store_db_list_messages (db, tern_store_folder_get_id (folder), offset, PAGE, &error);

      if (rows == NULL)
        {
          tern_cli_printerr_error ("export", error);
          status = TERN_CLI_EXIT_FAILURE;
          break;
        }
      for (guint i = 0; i < rows->len; i++)
        {
          TernStoreMessage *message = g_ptr_array_index (rows, i);
          g_autoptr(GBytes) bytes = tern_store_db_get_raw (db, tern_store_message_get_id (message), NULL);

          if (bytes == NULL)
            {
              missing++;
              continue;
            }
          if (mbox ? !tern_mime_mbox_write_message (out, tern_store_message_get_internal_date (message), bytes)
                   : !write_maildir_file (argv[2], message, bytes, &error))
            {
              if (error != NULL)
                tern_cli_printerr_error ("export", error);
              else
                g_printerr (_("tern-cli export: cannot write “%s”\n"), argv[2]);
              status = TERN_CLI_EXIT_FAILURE;
              break;
            }
          written++;
        }
      offset += rows->len;
      if (status != TERN_CLI_EXIT_OK || rows->len < PAGE)
        break;
    }

  if (out != NULL && fclose (out) != 0 && status == TERN_CLI_EXIT_OK)
    {
      g_printerr (_("tern-cli export: cannot write “%s”\n"), argv[2]);
      status = TERN_CLI_EXIT_FAILURE;
    }
  if (status == TERN_CLI_EXIT_OK)
    g_print (_("Exported %u messages to “%s”.\n"), written, argv[2]);
  if (missing > 0)
    g_printerr (_("tern-cli export: %u messages were left out: only their header is stored "
                  "(synchronize the account to download them)\n"), missing);
  return status;
}
