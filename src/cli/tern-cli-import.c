/* tern-cli-import.c: tern-cli import PATH --folder NAME [--account ACCOUNT] [--json]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-output.h"
#include "tern-store-importer.h"

typedef struct
{
  gboolean quiet;
  gboolean tty;
  gint64   started;
  gint64   last_line;
} Progress;

static void
progress_cb (const TernStoreImportProgress *p, gpointer user_data)
{
  Progress *progress = user_data;
  gint64 now = g_get_monotonic_time ();
  double seconds = (now - progress->started) / (double) G_USEC_PER_SEC;
  double rate = seconds > 0 ? p->messages_done / seconds : 0;

  if (progress->quiet)
    return;
  /* On a terminal, one line redrawn; in a log, a line every few seconds. */
  if (!progress->tty && !p->finished && now - progress->last_line < 5 * G_USEC_PER_SEC)
    return;
  progress->last_line = now;

  /* The carriage return that redraws the line is Tern's own: g_printerr() would
   * clean it away (tern_cli_output_install_print_handlers()). */
  if (progress->tty && (p->messages_total > 0 || p->bytes_total > 0))
    fputc ('\r', stderr);
  if (p->messages_total > 0)
    g_printerr (_("%sImporting: %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " messages (%d%%), %.0f messages/s%s"),
                "", p->messages_done, p->messages_total,
                (int) (100 * p->messages_done / p->messages_total), rate, progress->tty ? "" : "\n");
  else if (p->bytes_total > 0)
    g_printerr (_("%sImporting: %" G_GUINT64_FORMAT " messages (%d%% of the file), %.0f messages/s%s"),
                "", p->messages_done,
                (int) (100 * p->bytes_done / p->bytes_total), rate, progress->tty ? "" : "\n");
  if (p->finished && progress->tty)
    g_printerr ("\n");
}

int
tern_cli_import (int argc, char **argv)
{
  g_autofree char *folder = NULL, *account = NULL;
  gboolean flatten = FALSE, quiet = FALSE, json = FALSE;
  const GOptionEntry entries[] = {
    { "folder", 0, 0, G_OPTION_ARG_STRING, &folder, N_("The folder to import into (created if needed), e.g. “Archive/2019”"), N_("NAME") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("The account’s e-mail address (default: local, the Local Folders)"), N_("ACCOUNT") },
    { "flatten", 0, 0, G_OPTION_ARG_NONE, &flatten, N_("Put the messages of a Maildir++ tree’s subfolders into NAME too"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the outcome as a JSON object"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PATH — import an mbox file or a Maildir"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreImporter) importer = NULL;
  TernStoreImportProgress result;
  Progress progress = { 0 };
  GPtrArray *failures, *skipped;
  double seconds;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                _("Imports mail into the store: an mbox file, a Maildir (a Maildir++ tree’s "
                                  "subfolders become subfolders of NAME) or a single message file. Running "
                                  "it again on the same source adds only what is missing."));
  if (!tern_cli_output_parse_args (context, "import", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 2 || folder == NULL || *folder == '\0')
    {
      g_printerr (_("tern-cli import: give one PATH and --folder NAME\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "import");
      return TERN_CLI_EXIT_USAGE;
    }

  db = tern_cli_output_open_store (&error);
  if (db == NULL || tern_cli_output_resolve_account (db, account, &error) == 0)
    {
      tern_cli_printerr_error ("import", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  importer = tern_store_importer_new (argv[1], account, folder);
  tern_store_importer_set_flatten (importer, flatten);
  progress.quiet = quiet;
  progress.tty = isatty (fileno (stderr));
  progress.started = g_get_monotonic_time ();
  progress.last_line = progress.started;
  tern_store_importer_set_progress_func (importer, progress_cb, &progress, NULL);

  if (!tern_store_importer_run (importer, db, NULL, &error))
    {
      tern_cli_printerr_error ("import", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  /* Leave a compact store behind: the WAL goes into the database file. */
  tern_store_db_checkpoint (db, NULL);

  tern_store_importer_get_progress (importer, &result);
  failures = tern_store_importer_get_failures (importer);
  skipped = tern_store_importer_get_skipped (importer);
  seconds = (g_get_monotonic_time () - progress.started) / (double) G_USEC_PER_SEC;

  for (guint i = 0; i < failures->len; i++)
    g_printerr ("tern-cli import: %s\n", (const char *) g_ptr_array_index (failures, i));
  for (guint i = 0; i < skipped->len; i++)
    {
      const TernStoreImportSkipped *entry = g_ptr_array_index (skipped, i);

      /* Translators: "tern-cli import: skipped “Maildir/cur/x”: a symbolic link, not followed" */
      g_printerr (_("tern-cli import: skipped “%s”: %s\n"), entry->path, entry->reason);
    }
  if (result.skipped > skipped->len)
    g_printerr (_("tern-cli import: and %" G_GUINT64_FORMAT " more skipped\n"),
                result.skipped - skipped->len);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "folder");
      json_builder_add_string_value (builder, folder);
      json_builder_set_member_name (builder, "imported");
      json_builder_add_int_value (builder, result.imported);
      json_builder_set_member_name (builder, "duplicates");
      json_builder_add_int_value (builder, result.duplicates);
      json_builder_set_member_name (builder, "unreadable");
      json_builder_add_int_value (builder, result.failed);
      json_builder_set_member_name (builder, "skipped");
      json_builder_add_int_value (builder, result.skipped);
      json_builder_set_member_name (builder, "errors");
      json_builder_begin_array (builder);
      for (guint i = 0; i < failures->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (failures, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "skipped_files");
      json_builder_begin_array (builder);
      for (guint i = 0; i < skipped->len; i++)
        {
          const TernStoreImportSkipped *entry = g_ptr_array_index (skipped, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "path");
          json_builder_add_string_value (builder, entry->path);
          json_builder_set_member_name (builder, "reason");
          json_builder_add_string_value (builder, entry->reason);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      if (!tern_cli_output_print_json (builder, &error))
        {
          tern_cli_printerr_error ("import", error);
          return TERN_CLI_EXIT_FAILURE;
        }
    }
  else
    {
      g_print (_("Imported %" G_GUINT64_FORMAT " messages into “%s” in %.1f s (%" G_GUINT64_FORMAT
                 " already there, %" G_GUINT64_FORMAT " unreadable).\n"),
               result.imported, folder, seconds, result.duplicates, result.failed);
      if (result.skipped > 0)
        g_print (_("Skipped %" G_GUINT64_FORMAT " entries that are not message files (see above).\n"),
                 result.skipped);
    }

  /* Entries skipped on purpose (links, FIFOs) are reported, not failures. */
  return result.failed > 0 ? TERN_CLI_EXIT_FAILURE : TERN_CLI_EXIT_OK;
}
