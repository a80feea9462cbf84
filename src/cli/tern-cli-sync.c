/* tern-cli-sync.c: tern-cli sync [--account ACCOUNT] [--watch]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The accounts' syncs of the engine (TernMail), as the window runs them: one sync
 * of every account in parallel, or --watch: kept in step until interrupted (IMAP
 * IDLE, polling, reconnecting, the outbox sent when due). What each account does
 * is printed on stderr as its status changes.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "tern-cli.h"
#include "tern-cli-mail.h"
#include "tern-cli-output.h"
#include "tern-diagnosis.h"

static void
status_cb (TernMailAccount *account, GParamSpec *pspec, gpointer user_data)
{
  g_autofree char *text = NULL;

  if (tern_mail_account_get_status (account) == NULL ||
      tern_mail_account_get_state (account) == TERN_MAIL_ACCOUNT_FAILED)
    return;
  text = tern_cli_output_sanitize (tern_mail_account_get_status (account));
  g_printerr ("%s: %s\n", tern_mail_account_get_email (account), text);
}

static void
print_failure (TernMailAccount *account)
{
  TernDiagnosis *diagnosis = tern_mail_account_get_diagnosis (account);
  const GError *error = tern_mail_account_get_error (account);
  g_autofree char *message = NULL;
  g_autofree char *text = NULL;

  if (error == NULL)
    return;
  message = tern_cli_output_sanitize (error->message);
  /* Translators: "tern-cli sync: alice@example.com: <what went wrong>" */
  g_printerr (_("tern-cli sync: %s: %s\n"), tern_mail_account_get_email (account), message);
  if (diagnosis != NULL && tern_diagnosis_get_kind (diagnosis) != TERN_DIAGNOSIS_CANCELLED)
    {
      g_autofree char *formatted = tern_diagnosis_format (diagnosis);

      text = tern_cli_output_sanitize (formatted);
      if (text != NULL && *text != '\0')
        g_printerr ("%s\n", text);
    }
}

static gboolean
quit_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  g_main_context_wakeup (NULL);
  return G_SOURCE_CONTINUE;
}

int
tern_cli_sync (int argc, char **argv)
{
  g_autofree char *address = NULL;
  gboolean watch = FALSE;
  const GOptionEntry entries[] = {
    { "account", 0, 0, G_OPTION_ARG_STRING, &address, N_("Only this account (its e-mail address)"), N_("ACCOUNT") },
    { "watch", 0, 0, G_OPTION_ARG_NONE, &watch, N_("Keep running: IMAP IDLE on INBOX and polling of the other folders, until interrupted"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— bring the store in step with the mail servers"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernMail) mail = NULL;
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean ok = TRUE;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Replays the changes made offline, downloads new mail (the newest "
                                           "headers first, so the list fills at once), syncs flags and deletions both ways and sends the outbox. Without "
                                           "--watch it exits once the store equals the servers; the exit status is 0 only "
                                           "when every account synced."));
  if (!tern_cli_output_parse_args (context, "sync", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 1)
    {
      g_printerr (_("tern-cli sync: takes no arguments besides options\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "sync");
      return TERN_CLI_EXIT_USAGE;
    }

  if ((mail = tern_cli_mail_open (&error)) == NULL)
    {
      tern_cli_printerr_error ("sync", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  if (address != NULL)
    {
      TernMailAccount *account = tern_mail_lookup_account (mail, address);

      if (account == NULL)
        {
          g_printerr (_("tern-cli sync: no account “%s” (see “tern-cli account list”)\n"), address);
          return TERN_CLI_EXIT_FAILURE;
        }
      g_ptr_array_add (accounts, g_object_ref (account));
    }
  else
    {
      GListModel *model = tern_mail_get_accounts (mail);

      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (accounts, g_list_model_get_item (model, i));
    }
  if (accounts->len == 0)
    {
      g_printerr (_("tern-cli sync: no accounts (add one with “tern-cli account add”)\n"));
      return TERN_CLI_EXIT_FAILURE;
    }
  for (guint i = 0; i < accounts->len; i++)
    g_signal_connect (g_ptr_array_index (accounts, i), "notify::status", G_CALLBACK (status_cb), NULL);

  if (watch)
    {
      gboolean quit = FALSE;
      guint sigint = g_unix_signal_add (SIGINT, quit_cb, &quit);
      guint sigterm = g_unix_signal_add (SIGTERM, quit_cb, &quit);

      if (address != NULL)
        {
          /* Only this account: the others are not watched. */
          GListModel *model = tern_mail_get_accounts (mail);

          for (guint i = g_list_model_get_n_items (model); i-- > 0;)
            {
              g_autoptr(TernMailAccount) other = g_list_model_get_item (model, i);

              if (other != g_ptr_array_index (accounts, 0))
                g_list_store_remove (G_LIST_STORE (model), i);
            }
        }
      tern_mail_start (mail);
      while (!quit)
        g_main_context_iteration (NULL, TRUE);
      tern_mail_stop (mail);
      g_source_remove (sigint);
      g_source_remove (sigterm);
      for (guint i = 0; i < accounts->len; i++)
        if (tern_mail_account_get_state (g_ptr_array_index (accounts, i)) == TERN_MAIL_ACCOUNT_FAILED)
          {
            print_failure (g_ptr_array_index (accounts, i));
            ok = FALSE;
          }
    }
  else
    {
      GAsyncResult **slots = g_new0 (GAsyncResult *, accounts->len);

      /* In parallel, each account on its own thread and connection. */
      for (guint i = 0; i < accounts->len; i++)
        tern_mail_sync_async (mail, g_ptr_array_index (accounts, i), NULL, tern_cli_mail_done_cb, &slots[i]);
      for (guint i = 0; i < accounts->len; i++)
        {
          g_autoptr(GError) sync_error = NULL;

          if (!tern_mail_sync_finish (mail, tern_cli_mail_wait (&slots[i]), &sync_error))
            {
              ok = FALSE;
              if (!g_error_matches (sync_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                {
                  /* The account's state was updated from the same report. */
                  while (tern_mail_account_get_error (g_ptr_array_index (accounts, i)) == NULL &&
                         g_main_context_iteration (NULL, FALSE))
                    ;
                  if (tern_mail_account_get_error (g_ptr_array_index (accounts, i)) != NULL)
                    print_failure (g_ptr_array_index (accounts, i));
                  else
                    {
                      g_autofree char *message = tern_cli_output_sanitize (sync_error->message);
                      g_printerr (_("tern-cli sync: %s: %s\n"),
                                  tern_mail_account_get_email (g_ptr_array_index (accounts, i)), message);
                    }
                }
            }
          g_clear_object (&slots[i]);
        }
      g_free (slots);
    }

  for (guint i = 0; i < accounts->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (accounts, i), status_cb, NULL);
  return ok ? TERN_CLI_EXIT_OK : TERN_CLI_EXIT_FAILURE;
}
