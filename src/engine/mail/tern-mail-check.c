/* tern-mail-check.c: log in to an account's servers, off the calling thread
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the account assistant's "Test" does, and the account settings after a change:
 * each server is logged in to for real (tern_account_check_incoming() and
 * _outgoing(), the sessions sync and the outbox use) on a worker thread of its own,
 * so the two run in parallel and the caller's thread never waits. A failure comes
 * back with its TernDiagnosis: the words a person reads (host not found, refused,
 * timed out, certificate with its details, login rejected, STARTTLS not offered,
 * mechanism unsupported, the server's own words).
 *
 * Each login is bounded by the sessions' timeouts (15 s per connection and read), so
 * a check always ends.
 */
#include "config.h"

#include "tern-account-check.h"
#include "tern-credentials.h"
#include "tern-mail-check.h"

typedef struct
{
  TernAccount        *account;
  TernMailServerRole  role;
  char               *password;
} Check;

static void
check_free (Check *check)
{
  g_object_unref (check->account);
  tern_credentials_free_password (check->password);
  g_free (check);
}

static void
check_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Check *check = task_data;
  g_autoptr(TernPassword) own = NULL;
  const char *password = check->password;
  GError *error = NULL;
  gboolean ok;

  if (password == NULL && (password = own = tern_credentials_get_password (check->account, cancellable,
                                                                           &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (check->role == TERN_MAIL_SERVER_INCOMING)
    ok = tern_account_check_incoming (check->account, password, cancellable, &error);
  else
    ok = tern_account_check_outgoing (check->account, password, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * tern_mail_check_server_async:
 * @account: the settings to check (need not be saved: the assistant's are not yet)
 * @password: (nullable): the password; %NULL for the account's own (memory, command
 *   or keyring)
 *
 * Logs in to one of @account's servers on a worker thread, then logs out. An account
 * without an outgoing server passes the outgoing check.
 */
void
tern_mail_check_server_async (TernAccount         *account,
                              TernMailServerRole   role,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_return_if_fail (TERN_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_mail_check_server_async);
  check = g_new0 (Check, 1);
  check->account = g_object_ref (account);
  check->role = role;
  check->password = g_strdup (password);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  if (role == TERN_MAIL_SERVER_OUTGOING && tern_account_get_outgoing (account)->host == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_run_in_thread (task, check_thread);
}

/**
 * tern_mail_check_server_finish:
 * @diagnosis: (out) (optional) (nullable): on a failure (not a cancellation), what
 *   went wrong in words, with the certificate when that was it
 *
 * Returns: %TRUE when the login worked; else %FALSE with the login's error
 */
gboolean
tern_mail_check_server_finish (GAsyncResult   *result,
                               TernDiagnosis **diagnosis,
                               GError        **error)
{
  Check *check;
  GError *local_error = NULL;
  const TernServer *server;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_mail_check_server_async, FALSE);

  if (diagnosis != NULL)
    *diagnosis = NULL;
  if (g_task_propagate_boolean (G_TASK (result), &local_error))
    return TRUE;

  check = g_task_get_task_data (G_TASK (result));
  server = check->role == TERN_MAIL_SERVER_INCOMING ? tern_account_get_incoming (check->account)
                                                     : tern_account_get_outgoing (check->account);
  if (diagnosis != NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    *diagnosis = tern_diagnosis_new_from_error (local_error, server->host, server->port);
  g_propagate_error (error, local_error);
  return FALSE;
}

/* ---- both at once ------------------------------------------------------------------- */

typedef struct
{
  guint          pending;
  gboolean       ok[2];
  TernDiagnosis *diagnosis[2];
  GError        *error;
} Both;

static void
both_free (Both *both)
{
  g_clear_object (&both->diagnosis[0]);
  g_clear_object (&both->diagnosis[1]);
  g_clear_error (&both->error);
  g_free (both);
}

static void
one_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  Both *both = g_task_get_task_data (task);
  Check *check = g_task_get_task_data (G_TASK (result));
  guint i = check->role == TERN_MAIL_SERVER_INCOMING ? 0 : 1;
  GError *error = NULL;

  both->ok[i] = tern_mail_check_server_finish (result, &both->diagnosis[i], &error);
  if (error != NULL && both->error == NULL)
    both->error = error;
  else
    g_clear_error (&error);
  if (--both->pending > 0)
    return;
  if (g_error_matches (both->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_steal_pointer (&both->error));
  else
    g_task_return_boolean (task, both->ok[0] && both->ok[1]);
}

/**
 * tern_mail_check_account_async:
 *
 * Logs in to the incoming and the outgoing server at once, each on its own worker.
 */
void
tern_mail_check_account_async (TernAccount         *account,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Both *both;

  g_return_if_fail (TERN_IS_ACCOUNT (account));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_mail_check_account_async);
  both = g_new0 (Both, 1);
  both->pending = 2;
  g_task_set_task_data (task, both, (GDestroyNotify) both_free);
  tern_mail_check_server_async (account, TERN_MAIL_SERVER_INCOMING, password, cancellable, one_done_cb,
                                g_object_ref (task));
  tern_mail_check_server_async (account, TERN_MAIL_SERVER_OUTGOING, password, cancellable, one_done_cb,
                                g_object_ref (task));
}

/**
 * tern_mail_check_account_finish:
 * @incoming: (out) (optional) (nullable): the incoming server's failure, or %NULL
 * @outgoing: (out) (optional) (nullable): the outgoing server's failure, or %NULL
 *
 * Returns: %TRUE when both logins worked; %FALSE when one failed (see the diagnoses)
 *   or with %G_IO_ERROR_CANCELLED
 */
gboolean
tern_mail_check_account_finish (GAsyncResult   *result,
                                TernDiagnosis **incoming,
                                TernDiagnosis **outgoing,
                                GError        **error)
{
  Both *both;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  both = g_task_get_task_data (G_TASK (result));
  if (incoming != NULL)
    *incoming = both->diagnosis[0] != NULL ? g_object_ref (both->diagnosis[0]) : NULL;
  if (outgoing != NULL)
    *outgoing = both->diagnosis[1] != NULL ? g_object_ref (both->diagnosis[1]) : NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}
