/* tern-cli-send.c: tern-cli send [--account ACCOUNT] FILE.eml
 *                  tern-cli send [--account ACCOUNT] --to ADDR [--cc ADDR] --subject TEXT
 *                                [--attach FILE]...   (the text on standard input)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The message goes into the outbox first (durably; its id is printed), then the
 * account's outbox is sent once. Exit status: 0 when the message was sent, or when
 * it could not be sent now (no network, server busy) but waits safely in the
 * outbox (a note on stderr says so); 1 when the server refused it for good or it
 * could not be queued; 2 for wrong usage.
 */
#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"
#include "tern-outbox-mime.h"

static char *
read_stdin (GError **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char buffer[65536];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (text, buffer, n);
  if (ferror (stdin))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot read standard input"));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

int
tern_cli_send (int argc, char **argv)
{
  g_autofree char *address = NULL, *subject = NULL;
  g_auto(GStrv) to = NULL, cc = NULL, bcc = NULL, attach = NULL;
  gboolean queue_only = FALSE;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &address, N_("Send from this account (its e-mail address; default: the first account)"), N_("ACCOUNT") },
    { "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to, N_("A recipient (repeat for more)"), N_("ADDR") },
    { "cc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cc, N_("A copy recipient (repeat for more)"), N_("ADDR") },
    { "bcc", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bcc, N_("A blind copy recipient (repeat for more)"), N_("ADDR") },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &subject, N_("The subject"), N_("TEXT") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &attach, N_("Attach a file (repeat for more)"), N_("FILE") },
    { "queue", 0, 0, G_OPTION_ARG_NONE, &queue_only, N_("Only put the message in the outbox; send it later"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("[FILE.eml]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(GBytes) message = NULL;
  TernMailAccount *live = NULL;
  TernAccount *account = NULL;
  gint64 id = 0;

  g_option_context_set_summary (context,
                                _("Sends a message through the outbox: FILE.eml as it is (the "
                                  "recipients are taken from To, Cc and Bcc; Bcc is removed), or a "
                                  "new message built from --to, --cc, --subject, --attach and the "
                                  "text on standard input (UTF-8).\n\n"
                                  "The message is queued durably first. If it cannot be sent now "
                                  "(no network), it stays in the outbox and the command still "
                                  "succeeds; “tern-cli outbox” shows it."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!tern_cli_output_parse_args (context, "send", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;

  if ((argc == 2) == (to != NULL) || argc > 2 ||
      (argc == 2 && (cc != NULL || bcc != NULL || subject != NULL || attach != NULL)))
    {
      g_printerr (_("tern-cli send: give FILE.eml, or --to ADDR and --subject TEXT with the text "
                    "on standard input\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "send");
      return TERN_CLI_EXIT_USAGE;
    }
  if (to != NULL && subject == NULL)
    {
      g_printerr (_("tern-cli send: --subject is missing\n"));
      return TERN_CLI_EXIT_USAGE;
    }

  if ((mail = tern_cli_mail_open (&error)) == NULL ||
      (live = tern_cli_mail_account (mail, address, &error)) == NULL)
    {
      tern_cli_printerr_error ("send", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  account = tern_mail_account_get_account (live);

  if (argc == 2)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (argv[1], &contents, &length, &error))
        {
          tern_cli_printerr_error ("send", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      message = g_bytes_new_take (g_steal_pointer (&contents), length);
    }
  else
    {
      g_autofree char *body = NULL;

      if (isatty (STDIN_FILENO))
        g_printerr (_("Type the message, then Ctrl+D on a line of its own.\n"));
      body = read_stdin (&error);
      if (body == NULL ||
          (message = tern_outbox_build_message (account, (const char * const *) to,
                                                (const char * const *) cc,
                                                (const char * const *) bcc, subject, body,
                                                (const char * const *) attach, &error)) == NULL)
        {
          tern_cli_printerr_error ("send", error);
          return TERN_CLI_EXIT_FAILURE;
        }
    }

  {
    g_autoptr(GAsyncResult) result = NULL;

    tern_mail_queue_async (mail, live, message, 0, NULL, tern_cli_mail_done_cb, &result);
    if (!tern_cli_mail_finish (mail, &result, "send", &id))
      return TERN_CLI_EXIT_FAILURE;
  }
  g_print (_("Queued as message %" G_GINT64_FORMAT " in the outbox.\n"), id);

  if (queue_only)
    return TERN_CLI_EXIT_OK;
  return tern_cli_outbox_send_now ("send", mail, live, id);
}
