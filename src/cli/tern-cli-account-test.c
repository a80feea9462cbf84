/* tern-cli-account-test.c: tern-cli account test ACCOUNT
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-diagnosis.h"
#include "tern-cli.h"

typedef gboolean (*CheckFunc) (TernAccount *, const char *, GCancellable *, GError **);

/* Logs in to one server; prints what happened, with a diagnosis of any failure. */
static gboolean
check_server (TernAccount      *account,
              const char       *role,
              const char       *protocol,
              const TernServer *server,
              const char       *password,
              CheckFunc         check)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiagnosis) diagnosis = NULL;
  g_autofree char *text = NULL;

  /* Translators: "Incoming (imap): imap.example.com:993, tls, as alice" */
  g_print (_("%s (%s): %s:%u, %s, as %s\n"), role, protocol, server->host, server->port,
           tern_net_security_to_string (server->security), server->user);

  if (check (account, password, NULL, &error))
    {
      g_print ("  %s\n", _("OK: logged in"));
      return TRUE;
    }

  diagnosis = tern_diagnosis_new_from_error (error, server->host, server->port);
  text = tern_diagnosis_format (diagnosis);
  g_print ("  %s [%s]\n", text, tern_diagnosis_kind_to_string (tern_diagnosis_get_kind (diagnosis)));
  return FALSE;
}

int
tern_cli_account_test (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ACCOUNT"));
  g_autoptr(TernAccountManager) manager = tern_account_manager_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernPassword) password = NULL;
  TernAccount *account;
  gboolean incoming_ok, outgoing_ok = TRUE;

  g_option_context_set_summary (context, _("Logs in to the account’s incoming and outgoing servers and "
                                           "explains any failure."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tern_cli_printerr_error ("account test", error);
      return TERN_CLI_EXIT_USAGE;
    }
  if (argc != 2)
    {
      g_printerr (_("Usage: tern-cli account test ACCOUNT\n"));
      return TERN_CLI_EXIT_USAGE;
    }

  if (!tern_account_manager_load (manager, &error))
    {
      tern_cli_printerr_error ("account test", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  account = tern_account_manager_lookup (manager, argv[1]);
  if (account == NULL)
    {
      g_printerr (_("tern-cli account test: no account has the address %s\n"), argv[1]);
      return TERN_CLI_EXIT_FAILURE;
    }

  password = tern_credentials_get_password (account, NULL, &error);
  if (password == NULL)
    {
      tern_cli_printerr_error ("account test", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  incoming_ok = check_server (account, _("Incoming"),
                              tern_account_protocol_to_string (tern_account_get_protocol (account)),
                              tern_account_get_incoming (account), password, tern_account_check_incoming);
  if (tern_account_get_outgoing (account)->host != NULL)
    outgoing_ok = check_server (account, _("Outgoing"), "smtp", tern_account_get_outgoing (account),
                                password, tern_account_check_outgoing);

  if (!incoming_ok || !outgoing_ok)
    {
      g_printerr (_("tern-cli account test: %s does not work yet; see above\n"), argv[1]);
      return TERN_CLI_EXIT_FAILURE;
    }

  return TERN_CLI_EXIT_OK;
}
