/* tern-cli-account-set.c: tern-cli account set ACCOUNT [OPTIONS], and the sync settings
 * options it shares with tern-cli account add
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "tern-engine.h"
#include "tern-cli.h"
#include "tern-cli-mail.h"

/*
 * The sync settings of an account, each an option taking yes|no or a number of days.
 * They are parsed as strings so that a bad value ("maybe", "-3") gets its own message,
 * and so that "--delete-after-days 0" can be told from no option at all. Each belongs
 * to one protocol: giving it for an account of the other is a usage error rather than
 * a setting that would silently do nothing.
 */

typedef enum
{
  SETTING_BOOLEAN,
  SETTING_DAYS,
} SettingKind;

typedef struct
{
  const char          *option;        /* without the leading dashes */
  SettingKind          kind;
  TernAccountProtocol  protocol;      /* the protocol it is for */
  const char          *description;
  void               (*set_boolean) (TernMailAccountBuilder *builder, gboolean value);
  void               (*set_days)    (TernMailAccountBuilder *builder, guint value);
} Setting;

static const Setting settings[] = {
  { "body-days", SETTING_DAYS, TERN_ACCOUNT_PROTOCOL_IMAP,
    N_("IMAP: download the bodies of the messages of the last DAYS days only, the others "
       "when they are opened (0: all)"),
    NULL, tern_mail_account_builder_set_body_days },
  { "server-files-sent", SETTING_BOOLEAN, TERN_ACCOUNT_PROTOCOL_IMAP,
    N_("IMAP: the outgoing server files a copy of each sent message in Sent itself, so Tern "
       "uploads none"),
    tern_mail_account_builder_set_server_files_sent, NULL },
  { "leave-on-server", SETTING_BOOLEAN, TERN_ACCOUNT_PROTOCOL_POP3,
    N_("POP3: leave the messages on the server once downloaded (default: yes)"),
    tern_mail_account_builder_set_leave_on_server, NULL },
  { "delete-after-days", SETTING_DAYS, TERN_ACCOUNT_PROTOCOL_POP3,
    N_("POP3: delete the messages left on the server DAYS days after downloading them "
       "(0: never)"),
    NULL, tern_mail_account_builder_set_delete_after_days },
  { "delete-when-deleted", SETTING_BOOLEAN, TERN_ACCOUNT_PROTOCOL_POP3,
    N_("POP3: delete a message from the server when it is deleted here"),
    tern_mail_account_builder_set_delete_when_deleted, NULL },
  { "backup", SETTING_BOOLEAN, TERN_ACCOUNT_PROTOCOL_POP3,
    N_("POP3: keep a rolling mbox backup of the account’s mail after each sync"),
    tern_mail_account_builder_set_backup, NULL },
};

#define N_SETTINGS G_N_ELEMENTS (settings)

struct _TernCliAccountSettings
{
  char     *given[N_SETTINGS];     /* as on the command line; NULL: not given */
  gboolean  parsed;
  gboolean  booleans[N_SETTINGS];
  guint     days[N_SETTINGS];
};

/**
 * tern_cli_account_settings_new:
 * @context: the command's option context, not parsed yet
 *
 * Adds the sync settings options to @context's main group. The returned settings
 * hold what they were given once @context is parsed; it must outlive the parsing.
 */
TernCliAccountSettings *
tern_cli_account_settings_new (GOptionContext *context)
{
  TernCliAccountSettings *self = g_new0 (TernCliAccountSettings, 1);
  GOptionEntry entries[N_SETTINGS + 1] = { { NULL } };

  for (guint i = 0; i < N_SETTINGS; i++)
    {
      entries[i].long_name = settings[i].option;
      entries[i].arg = G_OPTION_ARG_STRING;
      entries[i].arg_data = &self->given[i];
      entries[i].description = settings[i].description;
      /* Translators: the values themselves, yes and no, stay in English */
      entries[i].arg_description = settings[i].kind == SETTING_BOOLEAN ? N_("yes|no") : N_("DAYS");
    }
  /* the entries are copied, and translated in the domain set here */
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return self;
}

void
tern_cli_account_settings_free (TernCliAccountSettings *self)
{
  if (self == NULL)
    return;

  for (guint i = 0; i < N_SETTINGS; i++)
    g_free (self->given[i]);
  g_free (self);
}

/**
 * tern_cli_account_settings_parse:
 *
 * Checks the values given, once the option context is parsed.
 *
 * Returns: %FALSE with a %G_OPTION_ERROR_BAD_VALUE (a usage error) for a value that is
 *   neither yes nor no, or not a number of days
 */
gboolean
tern_cli_account_settings_parse (TernCliAccountSettings  *self,
                                 GError                 **error)
{
  for (guint i = 0; i < N_SETTINGS; i++)
    {
      const char *value = self->given[i];
      guint64 days;

      if (value == NULL)
        continue;

      if (settings[i].kind == SETTING_BOOLEAN)
        {
          if (g_ascii_strcasecmp (value, "yes") == 0)
            self->booleans[i] = TRUE;
          else if (g_ascii_strcasecmp (value, "no") == 0)
            self->booleans[i] = FALSE;
          else
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--%s must be yes or no, not “%s”"), settings[i].option, value);
              return FALSE;
            }
        }
      else
        {
          g_autoptr(GError) number_error = NULL;

          /* no sign, no blanks; the accounts file keeps an int */
          if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT, &days, &number_error))
            {
              if (g_error_matches (number_error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _("--%s must be at most %d days, not “%s”"),
                             settings[i].option, G_MAXINT, value);
              else
                g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                             _("--%s must be a number of days, 0 or more, not “%s”"),
                             settings[i].option, value);
              return FALSE;
            }
          self->days[i] = days;
        }
    }

  self->parsed = TRUE;
  return TRUE;
}

/**
 * tern_cli_account_settings_is_empty:
 *
 * Returns: whether none of the options was given
 */
gboolean
tern_cli_account_settings_is_empty (TernCliAccountSettings *self)
{
  for (guint i = 0; i < N_SETTINGS; i++)
    {
      if (self->given[i] != NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * tern_cli_account_settings_check_protocol:
 * @email: the account's address, for the message
 * @protocol: the account's protocol
 *
 * Returns: %FALSE with a %G_OPTION_ERROR_BAD_VALUE (a usage error) when an option
 *   was given that is a setting of the other protocol
 */
gboolean
tern_cli_account_settings_check_protocol (TernCliAccountSettings  *self,
                                          const char              *email,
                                          TernAccountProtocol      protocol,
                                          GError                 **error)
{
  for (guint i = 0; i < N_SETTINGS; i++)
    {
      if (self->given[i] == NULL || settings[i].protocol == protocol)
        continue;

      if (settings[i].protocol == TERN_ACCOUNT_PROTOCOL_IMAP)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("--%s is a setting of IMAP accounts; %s is a POP3 account"),
                     settings[i].option, email);
      else
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("--%s is a setting of POP3 accounts; %s is an IMAP account"),
                     settings[i].option, email);
      return FALSE;
    }

  return TRUE;
}

/**
 * tern_cli_account_settings_apply:
 *
 * Gives @builder the settings that were given; the others stay as they are.
 */
void
tern_cli_account_settings_apply (TernCliAccountSettings *self,
                                 TernMailAccountBuilder *builder)
{
  g_return_if_fail (self->parsed);

  for (guint i = 0; i < N_SETTINGS; i++)
    {
      if (self->given[i] == NULL)
        continue;

      if (settings[i].kind == SETTING_BOOLEAN)
        settings[i].set_boolean (builder, self->booleans[i]);
      else
        settings[i].set_days (builder, self->days[i]);
    }
}

int
tern_cli_account_set (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("ACCOUNT"));
  g_autoptr(TernCliAccountSettings) options = tern_cli_account_settings_new (context);
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(TernMailAccountBuilder) builder = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  TernMailAccount *live;
  TernAccount *account;

  g_option_context_set_summary (context, _("Changes the sync settings of a mail account (ACCOUNT is its "
                                           "e-mail address). The settings not given stay as they are."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !tern_cli_account_settings_parse (options, &error))
    {
      tern_cli_printerr_error ("account set", error);
      return TERN_CLI_EXIT_USAGE;
    }
  if (argc != 2)
    {
      g_printerr (_("Usage: tern-cli account set ACCOUNT OPTIONS…\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "account set");
      return TERN_CLI_EXIT_USAGE;
    }
  if (tern_cli_account_settings_is_empty (options))
    {
      g_printerr (_("tern-cli account set: no setting was given\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "account set");
      return TERN_CLI_EXIT_USAGE;
    }

  if ((mail = tern_cli_mail_open (&error)) == NULL)
    {
      tern_cli_printerr_error ("account set", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  live = tern_mail_lookup_account (mail, argv[1]);
  if (live == NULL)
    {
      g_printerr (_("tern-cli account set: no account has the address %s\n"), argv[1]);
      return TERN_CLI_EXIT_FAILURE;
    }
  account = tern_mail_account_get_account (live);

  if (!tern_cli_account_settings_check_protocol (options, tern_account_get_email (account),
                                                 tern_account_get_protocol (account), &error))
    {
      tern_cli_printerr_error ("account set", error);
      return TERN_CLI_EXIT_USAGE;
    }

  builder = tern_mail_account_builder_new_for_account (account);
  tern_cli_account_settings_apply (options, builder);
  tern_mail_update_account_async (mail, builder, NULL, tern_cli_mail_done_cb, &result);
  if (!tern_mail_update_account_finish (mail, tern_cli_mail_wait (&result), &error))
    {
      tern_cli_printerr_error ("account set", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  g_printerr (_("Changed the settings of %s\n"), tern_account_get_email (account));
  return TERN_CLI_EXIT_OK;
}
