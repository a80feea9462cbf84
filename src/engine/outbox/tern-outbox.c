/* tern-outbox.c: the persistent queue of messages to send, and its sender
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The order of the steps (Geary's postie, made durable at each step):
 *
 *   enqueue   INSERT the message (state queued): durable before anything is sent.
 *   1. mark the batch "sending"            one commit for the batch
 *   2. MAIL/RCPT/DATA (pipelined), "."     the server answers 250: accepted
 *   3. mark the message "sent"             one fsync'd autocommit, at once
 *   4. file a copy in Sent                 local Sent: idempotent (dedup key)
 *   5. remove it from the outbox           one commit for the batch
 *
 * A crash before 2 completes: the message is still "queued"/"sending" and is sent
 * again: nothing was accepted, so nothing is duplicated. A crash after 3: "sent"
 * rows are only filed (4, idempotent) and removed, never sent again. The only window
 * in which a crash repeats a message is between the server writing its 250 to the
 * "." and the fsync of step 3: one network read, and one SQLite commit with fsync
 * (about a millisecond on a local disk). A connection that breaks after "." was
 * sent and before the 250 arrived leaves the outcome unknown: the message is kept
 * (never lost) and sent again, as every SMTP client must (RFC 1047).
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-outbox.h"
#include "tern-outbox-mime.h"
#include "tern-outbox-private.h"
#include "tern-smtp-session.h"
#include "tern-store-db-outbox.h"
#include "tern-store-error.h"

#define BATCH            50
#define BACKOFF_FIRST    60
#define BACKOFF_MAX      (6 * 3600)
#define MAX_ATTEMPTS     30
#define MAX_RECONNECTS   3

gint64
tern_outbox_enqueue (TernStoreDb  *db,
                     TernAccount  *account,
                     GBytes       *message,
                     GError      **error)
{
  g_autoptr(GBytes) prepared = NULL;
  g_auto(GStrv) recipients = NULL;
  gint64 account_id;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), 0);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), 0);
  g_return_val_if_fail (message != NULL, 0);

  prepared = tern_outbox_prepare_message (account, message, &recipients, NULL, error);
  if (prepared == NULL)
    return 0;
  account_id = tern_store_db_ensure_account (db, tern_account_get_email (account),
                                             tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3
                                             ? TERN_STORE_ACCOUNT_POP3 : TERN_STORE_ACCOUNT_IMAP,
                                             error);
  if (account_id == 0)
    return 0;
  return tern_store_db_outbox_add (db, account_id, tern_account_get_email (account),
                                   (const char * const *) recipients, prepared, error);
}

static gint64
backoff (guint attempts)
{
  gint64 delay = BACKOFF_FIRST;

  for (guint i = 1; i < attempts && delay < BACKOFF_MAX; i++)
    delay *= 2;
  return MIN (delay, BACKOFF_MAX);
}

typedef struct
{
  TernStoreDb          *db;
  TernAccount          *account;
  const char           *password;
  TernSmtpSession      *session;
  TernSyncProgressFunc  progress;
  gpointer              progress_data;
  guint                 done;
  guint                 total;
  gint64                sent_folder_id;
} Flush;

static void
report (Flush *flush, const char *message)
{
  if (flush->progress != NULL)
    flush->progress (tern_account_get_email (flush->account), NULL,
                     flush->done, flush->total, message, flush->progress_data);
}

static TernSmtpSession *
open_session (TernAccount *account, const char *password, GCancellable *cancellable, GError **error)
{
  const TernServer *server = tern_account_get_outgoing (account);
  g_autoptr(TernSmtpSession) session = NULL;
  const char *pin = tern_account_get_pinned_certificate (account);
  const char *domain;

  if (server == NULL || server->host == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The account %s has no outgoing (SMTP) server"), tern_account_get_email (account));
      return NULL;
    }
  session = tern_smtp_session_new (server->host, server->port, server->security);
  if (pin != NULL &&
      !tern_net_connection_set_pinned_certificate (tern_smtp_session_get_connection (session), pin, error))
    return NULL;
  tern_smtp_session_set_allow_insecure_auth (session, tern_account_get_allow_plaintext_auth (account));
  domain = strrchr (tern_account_get_email (account), '@');
  if (domain != NULL && domain[1] != '\0')
    tern_smtp_session_set_helo_name (session, domain + 1);
  if (!tern_smtp_session_connect (session, cancellable, error))
    return NULL;
  if (password != NULL &&
      !tern_smtp_session_login (session,
                                server->user != NULL ? server->user : tern_account_get_email (account),
                                password, cancellable, error))
    return NULL;
  return g_steal_pointer (&session);
}

/* Step 4: the copy in Sent. Local Sent for every account for now (see the note in
 * tern-outbox-private.h); adding with skip_duplicate makes a repeat after a crash
 * harmless. */
static gboolean
file_in_sent (Flush *flush, const TernStoreOutboxEntry *entry, GBytes *raw, GError **error)
{
  TernStoreDbNewMessage message = { 0 };
  gboolean duplicate = FALSE;

  if (!tern_outbox_get_file_in_sent (flush->account))
    return TRUE;
  if (flush->sent_folder_id == 0)
    {
      g_autoptr(TernStoreFolder) sent = tern_store_db_ensure_folder (flush->db, entry->account_id, "Sent",
                                                                     TERN_STORE_FOLDER_ROLE_SENT, error);
      if (sent == NULL)
        return FALSE;
      flush->sent_folder_id = tern_store_folder_get_id (sent);
    }
  message.folder_id = flush->sent_folder_id;
  message.flags = TERN_STORE_FLAG_SEEN;
  message.raw = raw;
  message.size = g_bytes_get_size (raw);
  message.skip_duplicate = TRUE;
  return tern_store_db_add_message (flush->db, &message, &duplicate, error) != 0 || duplicate;
}

static gboolean
finish_sent (Flush *flush, const TernStoreOutboxEntry *entry, GError **error)
{
  g_autoptr(GBytes) raw = tern_store_db_outbox_get_raw (flush->db, entry->id, error);

  if (raw == NULL || !file_in_sent (flush, entry, raw, error))
    return FALSE;
  return tern_store_db_outbox_remove (flush->db, entry->id, error);
}

static char *
describe_error (const GError *error)
{
  const char *server_text = tern_smtp_error_get_server_text (error);
  guint code = tern_smtp_error_get_reply_code (error);

  if (code != 0 && server_text != NULL)
    {
      const char *enhanced = tern_smtp_error_get_enhanced_code (error);
      return g_strdup_printf ("%u %s%s%s", code, enhanced != NULL ? enhanced : "",
                              enhanced != NULL ? " " : "", server_text);
    }
  return g_strdup (error->message);
}

/* Only the server can refuse a message for good: a 5yz reply to it, or a message
 * that cannot go through this server at all. Everything else (network, TLS, a 4yz
 * reply, a failed login) may work later. */
static gboolean
is_permanent (const GError *failure)
{
  guint code = tern_smtp_error_get_reply_code (failure);

  if (failure->domain != TERN_SMTP_ERROR)
    return FALSE;
  switch (failure->code)
    {
    case TERN_SMTP_ERROR_AUTHENTICATION_FAILED:
    case TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED:
    case TERN_SMTP_ERROR_SERVICE_UNAVAILABLE:
    case TERN_SMTP_ERROR_TEMPORARY:
    case TERN_SMTP_ERROR_PARSE:
      return FALSE;
    case TERN_SMTP_ERROR_MESSAGE_TOO_LARGE:
    case TERN_SMTP_ERROR_NOT_SUPPORTED:
      return TRUE;
    default:
      return code / 100 == 5;
    }
}

/* A temporary failure: back to the queue with a retry time; a permanent one (or too
 * many attempts): failed, with the server's words. @connection_level: the failure
 * is the connection's, not this message's (never permanent). */
static gboolean
record_failure (Flush                *flush,
                TernStoreOutboxEntry *entry,
                const GError         *failure,
                gboolean              connection_level,
                GError              **error)
{
  g_autofree char *text = describe_error (failure);
  guint attempts = entry->attempts + 1;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_QUEUED,
                                           entry->attempts, entry->last_error, entry->next_attempt, error);
  if ((connection_level || !is_permanent (failure)) && attempts < MAX_ATTEMPTS)
    return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_QUEUED,
                                           attempts, text, now + backoff (attempts), error);
  return tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_FAILED,
                                         attempts, text, 0, error);
}

/* Sends one message; FALSE only when the store fails (recorded otherwise). */
static gboolean
send_one (Flush *flush, TernStoreOutboxEntry *entry, GCancellable *cancellable, GError **error)
{
  g_autoptr(GBytes) raw = tern_store_db_outbox_get_raw (flush->db, entry->id, error);
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) send_error = NULL;

  if (raw == NULL)
    return FALSE;

  result = tern_smtp_session_send_bytes (flush->session, entry->mail_from,
                                         (const char * const *) entry->rcpt_to, raw,
                                         cancellable, &send_error);
  if (result == NULL)
    return record_failure (flush, entry, send_error, FALSE, error);

  /* Step 3, at once and whatever the cancellable says. */
  if (!tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_SENT,
                                       entry->attempts, NULL, 0, error))
    return FALSE;
  entry->state = TERN_STORE_OUTBOX_SENT;

  if (tern_smtp_send_result_get_n_rejected (result) > 0)
    {
      /* Sent to some: the others are reported, the message is not sent again. */
      g_autofree char *rejections = tern_smtp_send_result_describe_rejections (result);
      g_warning ("Outbox message %" G_GINT64_FORMAT ": some recipients were refused: %s",
                 entry->id, rejections);
    }

  flush->done++;
  report (flush, NULL);
  return finish_sent (flush, entry, error);
}

static gboolean
mark_sending (Flush *flush, GPtrArray *batch, GError **error)
{
  /* One transaction would be nicer; the marks are idempotent and a crash between
   * them only leaves some rows "queued", which is the same thing for the sender. */
  for (guint i = 0; i < batch->len; i++)
    {
      TernStoreOutboxEntry *entry = g_ptr_array_index (batch, i);
      if (entry->state == TERN_STORE_OUTBOX_SENDING)
        continue;
      if (!tern_store_db_outbox_set_state (flush->db, entry->id, TERN_STORE_OUTBOX_SENDING,
                                           entry->attempts, entry->last_error, entry->next_attempt, error))
        return FALSE;
      entry->state = TERN_STORE_OUTBOX_SENDING;
    }
  return TRUE;
}

static gboolean
session_alive (Flush *flush)
{
  return flush->session != NULL &&
         tern_net_connection_is_connected (tern_smtp_session_get_connection (flush->session));
}

gboolean
tern_outbox_flush_full (TernStoreDb          *db,
                        TernAccount          *account,
                        const char           *password,
                        TernOutboxFlushFlags  flags,
                        TernSyncProgressFunc  progress,
                        gpointer              progress_data,
                        GCancellable         *cancellable,
                        GError              **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  Flush flush = { 0 };
  gint64 account_id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint reconnects = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  flush.db = db;
  flush.account = account;
  flush.password = password;
  flush.progress = progress;
  flush.progress_data = progress_data;

  account_id = tern_store_db_ensure_account (db, tern_account_get_email (account),
                                             tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3
                                             ? TERN_STORE_ACCOUNT_POP3 : TERN_STORE_ACCOUNT_IMAP,
                                             error);
  if (account_id == 0 || (entries = tern_store_db_outbox_list (db, account_id, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      TernStoreOutboxEntry *entry = g_ptr_array_index (entries, i);

      switch (entry->state)
        {
        case TERN_STORE_OUTBOX_SENT:
          /* Accepted before a crash: only the copy and the removal are left. */
          if (!finish_sent (&flush, entry, error))
            return FALSE;
          break;
        case TERN_STORE_OUTBOX_SENDING:
          /* Interrupted: the server may or may not have it; send it again. */
          g_ptr_array_add (due, entry);
          break;
        case TERN_STORE_OUTBOX_QUEUED:
          if ((flags & TERN_OUTBOX_FLUSH_NOW) || entry->next_attempt <= now)
            g_ptr_array_add (due, entry);
          break;
        case TERN_STORE_OUTBOX_FAILED:
        default:
          break;
        }
    }

  if (due->len == 0)
    return TRUE;

  flush.total = due->len;
  report (&flush, _("Connecting to the outgoing server"));

  for (guint start = 0; start < due->len && ok; start += BATCH)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new ();

      for (guint i = start; i < MIN (start + BATCH, due->len); i++)
        g_ptr_array_add (batch, g_ptr_array_index (due, i));

      for (guint i = 0; i < batch->len && ok; i++)
        {
          TernStoreOutboxEntry *entry = g_ptr_array_index (batch, i);

          if (!session_alive (&flush))
            {
              g_autoptr(GError) connect_error = NULL;

              g_clear_object (&flush.session);
              if (reconnects++ > MAX_RECONNECTS ||
                  (flush.session = open_session (account, password, cancellable, &connect_error)) == NULL)
                {
                  /* Nothing more can go out now: record it on what is due, and say why. */
                  if (connect_error == NULL)
                    g_set_error (&connect_error, G_IO_ERROR, G_IO_ERROR_FAILED,
                                 _("The connection to the outgoing server keeps failing"));
                  for (guint j = start + i; j < due->len; j++)
                    {
                      TernStoreOutboxEntry *left = g_ptr_array_index (due, j);
                      if (!record_failure (&flush, left, connect_error, TRUE, error))
                        return FALSE;
                    }
                  g_propagate_error (error, g_steal_pointer (&connect_error));
                  return FALSE;
                }
              if (!mark_sending (&flush, batch, error))
                return FALSE;
            }
          else if (i == 0 && !mark_sending (&flush, batch, error))
            return FALSE;

          ok = send_one (&flush, entry, cancellable, error);
          if (ok && g_cancellable_is_cancelled (cancellable))
            {
              /* Give the rest back to the queue as it was. */
              for (guint j = start + i + 1; j < due->len; j++)
                {
                  TernStoreOutboxEntry *left = g_ptr_array_index (due, j);
                  if (left->state == TERN_STORE_OUTBOX_SENDING &&
                      !tern_store_db_outbox_set_state (db, left->id, TERN_STORE_OUTBOX_QUEUED, left->attempts,
                                                       left->last_error, left->next_attempt, error))
                    return FALSE;
                }
              g_cancellable_set_error_if_cancelled (cancellable, error);
              ok = FALSE;
            }
        }
    }

  if (flush.session != NULL && session_alive (&flush))
    tern_smtp_session_quit (flush.session, NULL, NULL);
  g_clear_object (&flush.session);
  return ok;
}

gboolean
tern_outbox_flush (TernStoreDb          *db,
                   TernAccount          *account,
                   const char           *password,
                   TernSyncProgressFunc  progress,
                   gpointer              progress_data,
                   GCancellable         *cancellable,
                   GError              **error)
{
  return tern_outbox_flush_full (db, account, password, TERN_OUTBOX_FLUSH_NONE,
                                 progress, progress_data, cancellable, error);
}

/**
 * tern_outbox_get_file_in_sent:
 *
 * Whether a copy of each sent message goes to Sent. Off when the environment
 * variable TERN_OUTBOX_NO_SENT_COPY is set (for servers that file it themselves,
 * e.g. Gmail; to become an account setting).
 */
gboolean
tern_outbox_get_file_in_sent (TernAccount *account)
{
  (void) account;
  return g_getenv ("TERN_OUTBOX_NO_SENT_COPY") == NULL;
}
