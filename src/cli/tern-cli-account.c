/* tern-cli-account.c: tern-cli account add|list|remove, and the dispatch of account COMMAND
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "tern-engine.h"
#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"

static TernAccountManager *
load_accounts (GError **error)
{
  g_autoptr(TernAccountManager) manager = tern_account_manager_new (NULL);

  if (!tern_account_manager_load (manager, error))
    return NULL;

  return g_steal_pointer (&manager);
}

static gboolean
parse_security (const char       *option,
                const char       *value,
                TernNetSecurity  *security,
                GError          **error)
{
  if (value == NULL)
    return TRUE;

  if (!tern_net_security_from_string (value, security))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s must be tls, starttls or none, not “%s”"), option, value);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_port (const char  *option,
            int          value,
            guint16     *port,
            GError     **error)
{
  if (value == 0)
    return TRUE;

  if (value < 1 || value > 65535)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s must be between 1 and 65535"), option);
      return FALSE;
    }

  *port = value;
  return TRUE;
}

static char *
read_password_from_stdin (GError **error)
{
  g_autoptr(GString) line = g_string_new (NULL);
  int c;

  while ((c = getchar ()) != EOF && c != '\n')
    g_string_append_c (line, c);
  if (line->len > 0 && line->str[line->len - 1] == '\r')
    g_string_truncate (line, line->len - 1);

  if (line->len == 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--password-stdin was given but standard input held no password"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&line), FALSE);
}

static int
account_add (int argc, char **argv)
{
  g_autofree char *email = NULL, *protocol_name = NULL, *name = NULL;
  g_autofree char *host = NULL, *security_name = NULL, *user = NULL;
  g_autofree char *smtp_host = NULL, *smtp_security_name = NULL, *smtp_user = NULL;
  g_autofree char *password_command = NULL, *pin = NULL;
  gboolean detect = FALSE, password_stdin = FALSE, allow_plaintext = FALSE;
  int port = 0, smtp_port = 0;
  const GOptionEntry entries[] = {
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, N_("The account’s e-mail address"), N_("ADDR") },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &protocol_name, N_("imap or pop3"), N_("PROTOCOL") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("Your name, as others see it"), N_("NAME") },
    { "detect", 0, 0, G_OPTION_ARG_NONE, &detect, N_("Find the servers from the address"), NULL },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, N_("Incoming server"), N_("HOST") },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, N_("Incoming server port"), N_("PORT") },
    { "security", 0, 0, G_OPTION_ARG_STRING, &security_name, N_("tls (default), starttls or none"), N_("SECURITY") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user, N_("Login name (default: the address)"), N_("USER") },
    { "smtp-host", 0, 0, G_OPTION_ARG_STRING, &smtp_host, N_("Outgoing (SMTP) server"), N_("HOST") },
    { "smtp-port", 0, 0, G_OPTION_ARG_INT, &smtp_port, N_("Outgoing server port"), N_("PORT") },
    { "smtp-security", 0, 0, G_OPTION_ARG_STRING, &smtp_security_name, N_("tls (default), starttls or none"), N_("SECURITY") },
    { "smtp-user", 0, 0, G_OPTION_ARG_STRING, &smtp_user, N_("Outgoing login name (default: the incoming one)"), N_("USER") },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, N_("Read the password from standard input and keep it in the keyring"), NULL },
    { "password-command", 0, 0, G_OPTION_ARG_STRING, &password_command, N_("A command that prints the password"), N_("CMD") },
    { "pin-certificate", 0, 0, G_OPTION_ARG_STRING, &pin, N_("Trust exactly this certificate for the account’s servers"), N_("PEM_FILE|sha256:HEX") },
    { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &allow_plaintext, N_("Accept that the password crosses an unencrypted connection, when detection finds only such a server"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TernCliAccountSettings) settings = NULL;
  g_autoptr(TernMailAccountBuilder) builder = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(TernMailAccount) added = NULL;
  g_autoptr(TernAutoconfigResult) detected = NULL;
  g_autoptr(TernPassword) password = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TernAccountProtocol protocol = TERN_ACCOUNT_PROTOCOL_IMAP;
  TernNetSecurity security = TERN_NET_SECURITY_TLS;
  TernNetSecurity smtp_security = TERN_NET_SECURITY_TLS;
  guint16 in_port = 0, out_port = 0;
  TernAccount *account;

  g_option_context_set_summary (context, _("Adds a mail account."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  settings = tern_cli_account_settings_new (context);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !tern_cli_account_settings_parse (settings, &error) ||
      !parse_security ("--security", security_name, &security, &error) ||
      !parse_security ("--smtp-security", smtp_security_name, &smtp_security, &error) ||
      !parse_port ("--port", port, &in_port, &error) ||
      !parse_port ("--smtp-port", smtp_port, &out_port, &error))
    {
      tern_cli_printerr_error ("account add", error);
      return TERN_CLI_EXIT_USAGE;
    }

  if (email == NULL || strchr (email, '@') == NULL)
    {
      g_printerr (_("tern-cli account add: --email ADDR is required\n"));
      return TERN_CLI_EXIT_USAGE;
    }
  if (protocol_name != NULL && !tern_account_protocol_from_string (protocol_name, &protocol))
    {
      g_printerr (_("tern-cli account add: --protocol must be imap or pop3\n"));
      return TERN_CLI_EXIT_USAGE;
    }
  if (protocol_name == NULL && !detect)
    {
      g_printerr (_("tern-cli account add: --protocol imap|pop3 is required (or --detect)\n"));
      return TERN_CLI_EXIT_USAGE;
    }
  if (password_stdin && password_command != NULL)
    {
      g_printerr (_("tern-cli account add: give --password-stdin or --password-command, not both\n"));
      return TERN_CLI_EXIT_USAGE;
    }
  if (host == NULL && !detect)
    {
      g_printerr (_("tern-cli account add: --host is required (or --detect)\n"));
      return TERN_CLI_EXIT_USAGE;
    }
  /* with --detect and no --protocol, checked once the protocol is known */
  if (protocol_name != NULL &&
      !tern_cli_account_settings_check_protocol (settings, email, protocol, &error))
    {
      tern_cli_printerr_error ("account add", error);
      return TERN_CLI_EXIT_USAGE;
    }

  builder = tern_mail_account_builder_new (email);
  if (protocol_name != NULL)
    tern_mail_account_builder_set_protocol (builder, protocol);
  if (detect)
    {
      detected = tern_cli_detect (email, FALSE, &error);
      if (detected == NULL)
        {
          tern_cli_printerr_error ("account add", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      tern_mail_account_builder_set_detected (builder, detected);
      if (!tern_mail_account_builder_get_protocol (builder, &protocol))
        {
          g_printerr (_("tern-cli account add: no IMAP or POP3 server was found for %s; give --protocol and --host\n"),
                      email);
          return TERN_CLI_EXIT_FAILURE;
        }
      if (!tern_cli_account_settings_check_protocol (settings, email, protocol, &error))
        {
          tern_cli_printerr_error ("account add", error);
          return TERN_CLI_EXIT_USAGE;
        }
    }

  /* What the user gave on the command line wins over what was detected. */
  tern_mail_account_builder_set_name (builder, name);
  tern_mail_account_builder_set_incoming (builder, host, in_port, security_name != NULL ? (int) security : -1, user);
  tern_mail_account_builder_set_outgoing (builder, smtp_host, out_port,
                                          smtp_security_name != NULL ? (int) smtp_security : -1,
                                          smtp_user != NULL ? smtp_user : user);
  tern_cli_account_settings_apply (settings, builder);
  if (password_command != NULL)
    tern_mail_account_builder_set_password_command (builder, password_command);
  /* Choosing no encryption on the command line is the explicit consent that credentials
   * may cross the network unencrypted; a server detection found without encryption
   * needs --allow-plaintext. */
  tern_mail_account_builder_set_allow_plaintext (builder, allow_plaintext ||
                                                 (security_name != NULL && security == TERN_NET_SECURITY_NONE) ||
                                                 (smtp_security_name != NULL &&
                                                  smtp_security == TERN_NET_SECURITY_NONE));
  if (pin != NULL && !tern_mail_account_builder_set_pinned_certificate (builder, pin, &error))
    {
      tern_cli_printerr_error ("account add", error);
      return TERN_CLI_EXIT_USAGE;
    }
  if (password_stdin)
    {
      password = read_password_from_stdin (&error);
      if (password == NULL)
        {
          tern_cli_printerr_error ("account add", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      tern_mail_account_builder_set_password (builder, password);
    }

  if ((mail = tern_cli_mail_open (&error)) == NULL)
    {
      tern_cli_printerr_error ("account add", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  tern_mail_add_account_async (mail, builder, NULL, tern_cli_mail_done_cb, &result);
  added = tern_mail_add_account_finish (mail, tern_cli_mail_wait (&result), &error);
  if (added == NULL)
    {
      if (g_error_matches (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID) &&
          tern_mail_account_builder_needs_plaintext (builder))
        g_printerr (_("tern-cli account add: %s Give --allow-plaintext to accept it.\n"), error->message);
      else
        tern_cli_printerr_error ("account add", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  account = tern_mail_account_get_account (added);
  g_printerr (_("Added %s (%s, %s:%u)\n"), email, tern_account_protocol_to_string (protocol),
              tern_account_get_incoming (account)->host, tern_account_get_incoming (account)->port);
  return TERN_CLI_EXIT_OK;
}

static void
add_server_members (JsonBuilder      *builder,
                    const char       *prefix,
                    const TernServer *server)
{
  g_autofree char *host = g_strconcat (prefix, "host", NULL);
  g_autofree char *port = g_strconcat (prefix, "port", NULL);
  g_autofree char *security = g_strconcat (prefix, "security", NULL);
  g_autofree char *user = g_strconcat (prefix, "user", NULL);

  json_builder_set_member_name (builder, host);
  if (server->host != NULL)
    json_builder_add_string_value (builder, server->host);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, port);
  json_builder_add_int_value (builder, server->port);
  json_builder_set_member_name (builder, security);
  json_builder_add_string_value (builder, tern_net_security_to_string (server->security));
  json_builder_set_member_name (builder, user);
  if (server->user != NULL)
    json_builder_add_string_value (builder, server->user);
  else
    json_builder_add_null_value (builder);
}

static int
account_list (int argc, char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(TernAccountManager) manager = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *accounts;
  guint n;

  g_option_context_set_summary (context, _("Lists the mail accounts."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tern_cli_printerr_error ("account list", error);
      return TERN_CLI_EXIT_USAGE;
    }

  manager = load_accounts (&error);
  if (manager == NULL)
    {
      tern_cli_printerr_error ("account list", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  accounts = tern_account_manager_get_accounts (manager);
  n = g_list_model_get_n_items (accounts);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TernAccount) account = g_list_model_get_item (accounts, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "email");
          json_builder_add_string_value (builder, tern_account_get_email (account));
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, tern_account_get_name (account));
          json_builder_set_member_name (builder, "protocol");
          json_builder_add_string_value (builder, tern_account_protocol_to_string (tern_account_get_protocol (account)));
          add_server_members (builder, "", tern_account_get_incoming (account));
          add_server_members (builder, "smtp_", tern_account_get_outgoing (account));
          json_builder_set_member_name (builder, "pinned_certificate");
          if (tern_account_get_pinned_certificate (account) != NULL)
            json_builder_add_string_value (builder, tern_account_get_pinned_certificate (account));
          else
            json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "body_days");
          json_builder_add_int_value (builder, tern_account_get_body_days (account));
          json_builder_set_member_name (builder, "leave_on_server");
          json_builder_add_boolean_value (builder, tern_account_get_leave_on_server (account));
          json_builder_set_member_name (builder, "delete_after_days");
          json_builder_add_int_value (builder, tern_account_get_delete_after_days (account));
          json_builder_set_member_name (builder, "delete_when_deleted");
          json_builder_add_boolean_value (builder, tern_account_get_delete_when_deleted (account));
          json_builder_set_member_name (builder, "backup");
          json_builder_add_boolean_value (builder, tern_account_get_backup (account));
          json_builder_set_member_name (builder, "server_files_sent");
          json_builder_add_boolean_value (builder, tern_account_get_sent_copy_by_server (account));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);

      root = json_builder_get_root (builder);
      if (!tern_cli_output_print_json_node (root, TRUE, &error))
        {
          tern_cli_printerr_error ("account list", error);
          return TERN_CLI_EXIT_FAILURE;
        }
      return TERN_CLI_EXIT_OK;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TernAccount) account = g_list_model_get_item (accounts, i);
      const TernServer *in = tern_account_get_incoming (account);
      const TernServer *out = tern_account_get_outgoing (account);

      g_print ("%s\t%s\t%s:%u (%s)\t%s:%u (%s)\n",
               tern_account_get_email (account),
               tern_account_protocol_to_string (tern_account_get_protocol (account)),
               in->host, in->port, tern_net_security_to_string (in->security),
               out->host ? out->host : "-", out->port, tern_net_security_to_string (out->security));
    }

  return TERN_CLI_EXIT_OK;
}

static int
account_remove (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ACCOUNT"));
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TernMailAccount *account;
  g_autofree char *email = NULL;

  g_option_context_set_summary (context, _("Removes a mail account and its stored password."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      tern_cli_printerr_error ("account remove", error);
      return TERN_CLI_EXIT_USAGE;
    }
  if (argc != 2)
    {
      g_printerr (_("Usage: tern-cli account remove ACCOUNT\n"));
      return TERN_CLI_EXIT_USAGE;
    }

  if ((mail = tern_cli_mail_open (&error)) == NULL)
    {
      tern_cli_printerr_error ("account remove", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  account = tern_mail_lookup_account (mail, argv[1]);
  if (account == NULL)
    {
      g_set_error (&error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NOT_FOUND, _("No account has the address %s"),
                   argv[1]);
      tern_cli_printerr_error ("account remove", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  email = g_strdup (tern_mail_account_get_email (account));
  tern_mail_remove_account_async (mail, account, NULL, tern_cli_mail_done_cb, &result);
  if (!tern_mail_remove_account_finish (mail, tern_cli_mail_wait (&result), &error))
    {
      tern_cli_printerr_error ("account remove", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  g_printerr (_("Removed %s\n"), email);
  return TERN_CLI_EXIT_OK;
}

static void
print_account_usage (FILE *out)
{
  fprintf (out, "%s\n", _("Usage: tern-cli account add|detect|list|remove|set|test [OPTIONS]"));
  fprintf (out, "  %-8s %s\n", "add", _("Add an account (see “tern-cli account add --help”)"));
  fprintf (out, "  %-8s %s\n", "detect", _("Find the servers of an address (see “tern-cli account detect --help”)"));
  fprintf (out, "  %-8s %s\n", "list", _("List the accounts"));
  fprintf (out, "  %-8s %s\n", "remove", _("Remove an account"));
  fprintf (out, "  %-8s %s\n", "set", _("Change an account’s sync settings (see “tern-cli account set --help”)"));
  fprintf (out, "  %-8s %s\n", "test", _("Log in to the account’s servers and explain any failure"));
}

int
tern_cli_account (int argc, char **argv)
{
  if (argc < 2)
    {
      print_account_usage (stderr);
      return TERN_CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_account_usage (stdout);
      return TERN_CLI_EXIT_OK;
    }
  if (g_str_equal (argv[1], "add"))
    return account_add (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "detect"))
    return tern_cli_account_detect (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "list"))
    return account_list (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "remove"))
    return account_remove (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "set"))
    return tern_cli_account_set (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "test"))
    return tern_cli_account_test (argc - 1, argv + 1);

  g_printerr (_("tern-cli account: unknown command “%s”\n"), argv[1]);
  print_account_usage (stderr);
  return TERN_CLI_EXIT_USAGE;
}
