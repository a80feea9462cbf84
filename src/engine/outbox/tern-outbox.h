/* tern-outbox.h: the persistent queue of messages to send, and its sender
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-outbox-error.h"
#include "tern-store-db.h"
#include "tern-account-progress.h"

G_BEGIN_DECLS

/**
 * tern_outbox_enqueue:
 * @db: the store, opened on this thread
 * @account: the sending account
 * @message: the complete RFC 5322 message
 * @error: return location for a #GError
 *
 * Puts @message into the outbox, committed before anything is sent.  The
 * envelope sender is the account's address; the recipients are taken from
 * the To, Cc and Bcc headers, and Bcc is removed from the bytes stored
 * (and thus sent).
 *
 * Returns: the outbox id, or 0 on error: %TERN_OUTBOX_ERROR_NOT_A_MESSAGE,
 *   %TERN_OUTBOX_ERROR_NO_RECIPIENTS, or the store's %TERN_STORE_ERROR
 */
gint64   tern_outbox_enqueue (TernStoreDb          *db,
                              TernAccount          *account,
                              GBytes               *message,
                              GError              **error);

/**
 * tern_outbox_flush:
 * @db: the store, opened on this thread
 * @account: the sending account
 * @password: the password for the outgoing server
 * @progress: (nullable): progress function
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Sends the account's due messages over one SMTP connection.  Per message:
 * mark "sending" (committed), send, mark "sent" (committed, never cancelled),
 * file a copy in Sent (the local Sent of a POP3 account; IMAP APPEND to the
 * server's Sent for an IMAP account, unless its sent-copy-by-server setting says
 * the server files it), remove from the outbox (or keep it as "partly-sent" when
 * the server refused some recipients).  Temporary failures stay queued
 * with a retry time (exponential backoff); permanent failures are marked failed
 * with the server's reply.  A message found "sending" at start was interrupted
 * by a crash and is sent again; one found "sent" is only filed (after a search
 * by Message-ID in the server's Sent) and removed.  @password is also used to
 * log in to the incoming (IMAP) server for the APPEND.
 *
 * Returns: %TRUE when the work was done (failures of single messages are
 *   recorded, not returned); %FALSE when connecting or logging in failed (with that
 *   error, or %TERN_OUTBOX_ERROR_CONNECTION_UNSTABLE when the connection kept
 *   breaking), when the store failed, or when @cancellable was cancelled
 */
gboolean tern_outbox_flush   (TernStoreDb          *db,
                              TernAccount          *account,
                              const char           *password,
                              TernAccountProgressFunc  progress,
                              gpointer              progress_data,
                              GCancellable         *cancellable,
                              GError              **error);

G_END_DECLS
