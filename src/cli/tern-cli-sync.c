/* tern-cli-sync.c: tern-cli sync [--account ACCOUNT] [--watch]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "tern-account-manager.h"
#include "tern-credentials.h"
#include "tern-diagnosis.h"
#include "tern-mail-sync.h"
#include "tern-cli.h"
#include "tern-cli-output.h"

static GMutex print_lock;

static void
progress_cb (const char *account, const char *folder, guint done, guint total, const char *message,
             gpointer user_data)
{
  g_mutex_lock (&print_lock);
  if (folder != NULL && total > 0)
    g_printerr ("%s %s: %u/%u %s\n", account, folder, done, total, message != NULL ? message : "");
  else if (folder != NULL)
    g_printerr ("%s %s: %s\n", account, folder, message != NULL ? message : "");
  else
    g_printerr ("%s: %s\n", account, message != NULL ? message : "");
  g_mutex_unlock (&print_lock);
}

static void
print_failure (TernAccount *account, const TernServer *server, const GError *error)
{
  g_autoptr(TernDiagnosis) diagnosis = NULL;
  g_autofree char *text = NULL;

  if (server != NULL && server->host != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      diagnosis = tern_diagnosis_new_from_error (error, server->host, server->port);
      text = tern_diagnosis_format (diagnosis);
    }
  g_mutex_lock (&print_lock);
  /* Translators: "tern-cli sync: alice@example.com: <what went wrong>" */
  g_printerr (_("tern-cli sync: %s: %s\n"), tern_account_get_email (account), error->message);
  if (text != NULL && *text != '\0')
    g_printerr ("%s\n", text);
  g_mutex_unlock (&print_lock);
}

typedef struct
{
  TernAccount  *account;
  gboolean      watch;
  GCancellable *cancellable;
  gboolean      ok;
} Job;

static gpointer
run_account (gpointer data)
{
  Job *job = data;
  TernAccount *account = job->account;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernPassword) password = NULL;
  const TernServer *failed = tern_account_get_incoming (account);

  job->ok = FALSE;
  if ((db = tern_cli_output_open_store (&error)) == NULL ||
      (password = tern_credentials_get_password (account, job->cancellable, &error)) == NULL)
    goto out;

  /* --watch returns on cancellation (or a failure retrying cannot mend). */
  if (!tern_mail_sync_run (db, account, password, job->watch, progress_cb, NULL, &failed, job->cancellable,
                              &error))
    {
      if (job->watch && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        job->ok = TRUE;
      goto out;
    }
  job->ok = TRUE;

out:
  if (!job->ok && error != NULL)
    print_failure (account, failed, error);
  return NULL;
}

static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  g_main_loop_quit (user_data);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
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
  g_autoptr(TernAccountManager) manager = tern_account_manager_new (NULL);
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree Job *jobs = NULL;
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  gboolean ok = TRUE;
  GListModel *model;

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

  if (!tern_account_manager_load (manager, &error))
    {
      tern_cli_printerr_error ("sync", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  if (address != NULL)
    {
      TernAccount *account = tern_account_manager_lookup (manager, address);

      if (account == NULL)
        {
          g_printerr (_("tern-cli sync: no account “%s” (see “tern-cli account list”)\n"), address);
          return TERN_CLI_EXIT_FAILURE;
        }
      g_ptr_array_add (accounts, g_object_ref (account));
    }
  else
    {
      model = tern_account_manager_get_accounts (manager);
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        g_ptr_array_add (accounts, g_list_model_get_item (model, i));
    }
  if (accounts->len == 0)
    {
      g_printerr (_("tern-cli sync: no accounts (add one with “tern-cli account add”)\n"));
      return TERN_CLI_EXIT_FAILURE;
    }

  jobs = g_new0 (Job, accounts->len);
  if (watch)
    {
      g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
      guint sigint = g_unix_signal_add (SIGINT, quit_cb, cancellable);
      guint sigterm = g_unix_signal_add (SIGTERM, quit_cb, cancellable);
      gulong handler;

      /* One thread per account, each with its own store connection. */
      for (guint i = 0; i < accounts->len; i++)
        {
          jobs[i] = (Job) { g_ptr_array_index (accounts, i), TRUE, cancellable, FALSE };
          g_ptr_array_add (threads, g_thread_new ("tern-sync", run_account, &jobs[i]));
        }
      handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), loop, NULL);
      if (!g_cancellable_is_cancelled (cancellable))
        g_main_loop_run (loop);
      g_cancellable_disconnect (cancellable, handler);
      for (guint i = 0; i < threads->len; i++)
        g_thread_join (g_ptr_array_index (threads, i));
      g_source_remove (sigint);
      g_source_remove (sigterm);
    }
  else
    {
      for (guint i = 0; i < accounts->len; i++)
        {
          jobs[i] = (Job) { g_ptr_array_index (accounts, i), FALSE, cancellable, FALSE };
          run_account (&jobs[i]);
        }
    }

  for (guint i = 0; i < accounts->len; i++)
    ok = ok && jobs[i].ok;
  return ok ? TERN_CLI_EXIT_OK : TERN_CLI_EXIT_FAILURE;
}
