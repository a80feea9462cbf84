/* tern-mail-sync.c: one account's whole sync: incoming mail, then the outbox
 *
 * What `tern-cli sync` and the GUI's TernSyncWorker both run for an account: the
 * IMAP sync with the account's settings (or the POP3 download), then the outbox
 * when the account has an outgoing server.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-mail-sync.h"
#include "tern-sync-imap.h"
#include "tern-outbox.h"
#include "tern-sync-pop3.h"

/**
 * tern_mail_sync_run:
 * @db: the store, opened on this thread
 * @password: the account's password
 * @failed_server: (out) (optional): on failure, the server that failed (the
 *   incoming or the outgoing one), for a diagnosis
 *
 * Runs on the calling thread (never the UI's).
 *
 * Returns: %TRUE when the store equals the server and the outbox was sent (or
 *   holds only failures)
 */
gboolean
tern_mail_sync_run (TernStoreDb           *db,
                       TernAccount           *account,
                       const char            *password,
                       TernAccountProgressFunc   progress,
                       gpointer               progress_data,
                       const TernServer     **failed_server,
                       GCancellable          *cancellable,
                       GError               **error)
{
  const TernServer *outgoing = tern_account_get_outgoing (account);
  gboolean ok;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  if (failed_server != NULL)
    *failed_server = tern_account_get_incoming (account);

  if (tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3)
    ok = tern_sync_pop3_run (db, account, password, progress, progress_data, cancellable, error);
  else
    {
      TernSyncImapOptions options;

      tern_sync_imap_options_init (&options);
      options.body_days = tern_account_get_body_days (account);
      ok = tern_sync_imap_run_full (db, account, password, &options, progress, progress_data, cancellable, error);
    }
  if (!ok)
    return FALSE;

  if (outgoing == NULL || outgoing->host == NULL)
    return TRUE;
  if (failed_server != NULL)
    *failed_server = outgoing;
  return tern_outbox_flush (db, account, password, progress, progress_data, cancellable, error);
}
