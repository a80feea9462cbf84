/* tern-cli.c: the command-line front end of the Tern engine
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-cli.h"
#include "tern-cli-output.h"

/* keep in alphabetical order */
static const TernCliCommand commands[] = {
  { "account", N_("Add, list, change and remove mail accounts"), tern_cli_account },
  { "copy", N_("Copy messages to a folder"), tern_cli_copy },
  { "delete", N_("Delete messages (to the Trash, or for good)"), tern_cli_delete },
  { "export", N_("Write a folder to an mbox file or a Maildir"), tern_cli_export },
  { "folder", N_("Create, rename, delete or empty a folder"), tern_cli_folder },
  { "folders", N_("List the folders, with their roles and counts"), tern_cli_folders },
  { "import", N_("Import an mbox file or a Maildir into a folder"), tern_cli_import },
  { "list", N_("List a folder’s messages"), tern_cli_list },
  { "mark", N_("Mark messages read, unread, flagged, or with keywords"), tern_cli_mark },
  { "move", N_("Move messages to a folder"), tern_cli_move },
  { "outbox", N_("List the messages waiting to be sent, or send them now"), tern_cli_outbox },
  { "search", N_("Search all mail"), tern_cli_search },
  { "send", N_("Send a message, through the outbox"), tern_cli_send },
  { "show", N_("Show a message"), tern_cli_show },
  { "sync", N_("Sync the mail accounts with their servers"), tern_cli_sync },
  { NULL, NULL, NULL },
};

void
tern_cli_printerr_error (const char *command, const GError *error)
{
  if (command != NULL)
    g_printerr ("tern-cli %s: %s\n", command, error->message);
  else
    g_printerr ("tern-cli: %s\n", error->message);
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: tern-cli [--version] [--help] COMMAND [ARGS...]"));
  fprintf (out, "\n%s\n", _("Tern mail client, command-line front end."));
  if (commands[0].name != NULL)
    {
      fprintf (out, "\n%s\n", _("Commands:"));
      for (guint i = 0; commands[i].name != NULL; i++)
        fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
      fprintf (out, "\n%s\n", _("Run “tern-cli COMMAND --help” for the options of a command."));
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* Whatever reaches the terminal through g_print() and g_printerr() is cleaned of
   * control characters: mail and servers must not drive the terminal. */
  tern_cli_output_install_print_handlers ();

  if (argc < 2)
    {
      print_usage (stderr);
      return TERN_CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--version") || g_str_equal (argv[1], "-V"))
    {
      g_print ("tern-cli %s\n", tern_engine_get_version ());
      return TERN_CLI_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") || g_str_equal (argv[1], "help"))
    {
      print_usage (stdout);
      return TERN_CLI_EXIT_OK;
    }

  tern_engine_init ();

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (g_str_equal (argv[1], commands[i].name))
        return commands[i].run (argc - 1, argv + 1);
    }

  g_printerr (_("tern-cli: unknown command “%s”\n"), argv[1]);
  print_usage (stderr);
  return TERN_CLI_EXIT_USAGE;
}
