/* tern-mail-sending.c: drafts, the outbox and sending, as operations on mail
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The operations of a composer and of the Outbox view: a draft saved (in the
 * account's Drafts, on the server through the journal), a message built and queued
 * (its draft removed and its original marked answered or forwarded in the same
 * commit), taken back out into a composition, sent now, deleted; the outbox listed
 * and flushed. They run on the store's worker like every operation of
 * tern-mail-operations.c, and complete with tern_mail_operation_finish().
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-mail-op-private.h"
#include "tern-mail-private.h"
#include "tern-outbox-error.h"
#include "tern-outbox-private.h"
#include "tern-store-db-outbox.h"
#include "tern-store-db-sync.h"
#include "tern-sync-journal.h"

/* ---- on the store's worker --------------------------------------------------------------- */

/* The outbox entry @op names, with @op's account set from it, when it has not
 * started leaving: %TERN_MAIL_ERROR_BUSY while it is being sent or filed in Sent;
 * with @unsent, %TERN_MAIL_ERROR_INVALID too when some recipients have it already. */
static TernStoreOutboxEntry *
outbox_entry (TernStoreDb *db, Op *op, gboolean unsent, GError **error)
{
  g_autoptr(GPtrArray) entries = tern_store_db_outbox_list (db, 0, error);
  g_autoptr(TernStoreOutboxEntry) entry = NULL;

  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len && entry == NULL; i++)
    if (((TernStoreOutboxEntry *) g_ptr_array_index (entries, i))->id == op->outbox_id)
      entry = g_ptr_array_steal_index (entries, i);
  if (entry == NULL)
    {
      g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                   _("No message %" G_GINT64_FORMAT " in the outbox"), op->outbox_id);
      return NULL;
    }
  op->account_id = entry->account_id;
  if (entry->state == TERN_STORE_OUTBOX_SENDING || entry->state == TERN_STORE_OUTBOX_SENT)
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_BUSY,
                           entry->state == TERN_STORE_OUTBOX_SENDING ? _("The message is being sent")
                           : _("The message was sent; its copy is being filed in Sent"));
      return NULL;
    }
  if (unsent && entry->state == TERN_STORE_OUTBOX_PARTLY_SENT)
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                           _("The message was sent to the recipients the server accepted"));
      return NULL;
    }
  return g_steal_pointer (&entry);
}

/* ---- sending from a composer ------------------------------------------------------------- */

/* Builds the message, queues it, removes its draft and marks what it answers or
 * forwards, in one commit; the undo takes it back out and gives the original its
 * flags back. */
static gboolean
run_send (TernStoreDb *db, Op *op, GError **error)
{
  TernOutboxComposition *c = op->composition;
  gint64 not_before = op->delay > 0 ? g_get_real_time () / G_USEC_PER_SEC + op->delay : 0;
  g_autoptr(GArray) prior = tern_sync_journal_prior_array_new ();
  g_autoptr(GArray) originals = NULL;

  if (!tern_outbox_composition_has_recipients (c))
    {
      g_set_error_literal (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NO_RECIPIENTS,
                           _("The message has no recipients (no To, Cc or Bcc)"));
      return FALSE;
    }
  if (op->raw == NULL && (op->raw = tern_outbox_composition_build (c, TERN_OUTBOX_BUILD_NONE, error)) == NULL)
    return FALSE;
  if (c->origin != TERN_OUTBOX_ORIGIN_NONE && c->origin_message_id != NULL &&
      (originals = tern_store_db_find_message_id (db, c->origin_message_id, error)) == NULL)
    return FALSE;

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((op->result_id = tern_outbox_enqueue_full (db, op->account, op->raw, not_before, error)) == 0)
    goto fail;
  if (op->draft_id != 0)
    {
      g_autoptr(TernStoreMessage) draft = tern_store_db_get_message (db, op->draft_id, NULL);

      if (draft != NULL && !tern_sync_journal_delete (db, &op->draft_id, 1, error))
        goto fail;
    }
  if (originals != NULL && originals->len > 0)
    {
      const char *forwarded[] = { "$Forwarded", NULL };

      if (c->origin == TERN_OUTBOX_ORIGIN_REPLY
            ? !tern_sync_journal_set_flags (db, (const gint64 *) (void *) originals->data, originals->len,
                                            TERN_STORE_FLAG_ANSWERED, 0, prior, error)
            : !tern_sync_journal_set_keywords (db, (const gint64 *) (void *) originals->data, originals->len, forwarded, NULL,
                                               prior, error))
        goto fail;
    }
  op->outbox_count = tern_store_db_outbox_count (db, op->account_id, NULL);
  if (!tern_store_db_commit (db, error))
    return FALSE;
  op->undo = _tern_mail_undo_new (TERN_MAIL_UNDO_UNQUEUE);
  op->undo->outbox_id = op->result_id;
  if (prior->len > 0)
    op->undo->prior = g_steal_pointer (&prior);
  return TRUE;

fail:
  tern_store_db_rollback (db);
  op->result_id = 0;
  return FALSE;
}

/* Takes a waiting or failed message out of the outbox, back into a composition (its
 * Bcc recipients, which the outbox took out of the bytes, from its envelope). */
static gboolean
run_take_back (TernStoreDb *db, Op *op, GError **error)
{
  g_autoptr(TernStoreOutboxEntry) entry = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernOutboxComposition) c = NULL;
  g_autoptr(GHashTable) visible = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) bcc = g_string_new (NULL);

  if ((entry = outbox_entry (db, op, TRUE, error)) == NULL)
    return FALSE;
  if ((raw = tern_store_db_outbox_get_raw (db, op->outbox_id, error)) == NULL ||
      (c = tern_outbox_composition_new_from_message (raw, error)) == NULL)
    return FALSE;
  for (guint f = 0; f < 2; f++)
    {
      g_auto(GStrv) addresses = tern_outbox_dup_addresses (f == 0 ? c->to : c->cc);

      for (guint i = 0; addresses[i] != NULL; i++)
        g_hash_table_add (visible, g_ascii_strdown (addresses[i], -1));
    }
  for (guint i = 0; entry->rcpt_to != NULL && entry->rcpt_to[i] != NULL; i++)
    {
      g_autofree char *lower = g_ascii_strdown (entry->rcpt_to[i], -1);

      if (g_hash_table_contains (visible, lower))
        continue;
      if (bcc->len > 0)
        g_string_append (bcc, ", ");
      g_string_append (bcc, entry->rcpt_to[i]);
    }
  if (bcc->len > 0)
    {
      g_free (c->bcc);
      c->bcc = g_string_free (g_steal_pointer (&bcc), FALSE);
    }
  if (!tern_store_db_outbox_remove (db, op->outbox_id, error))
    return FALSE;
  op->outbox_count = tern_store_db_outbox_count (db, op->account_id, NULL);
  op->taken_back = g_steal_pointer (&c);
  return TRUE;
}

/* The sending kinds of operation, on the store's worker (see run() in
 * tern-mail-operations.c). */
gboolean
_tern_mail_op_run_sending (TernStoreDb *db, Op *op, GError **error)
{
  switch (op->kind)
    {
    case OP_SAVE_DRAFT:
      {
        gint64 account_id = tern_store_db_lookup_account (db, tern_account_get_email (op->account), error);
        g_autoptr(TernStoreFolder) drafts = NULL;
        g_autoptr(GError) local_error = NULL;

        if (account_id == 0)
          return FALSE;
        drafts = _tern_mail_op_role_folder (db, account_id, TERN_STORE_FOLDER_ROLE_DRAFTS, &local_error);
        if (drafts == NULL)
          {
            /* A new account (or a POP3 one) may have none yet: make it. */
            if (!tern_store_db_begin (db, error))
              return FALSE;
            drafts = tern_store_db_lookup_folder (db, account_id, "Drafts", NULL);
            if (drafts == NULL &&
                (drafts = tern_sync_journal_create_folder (db, account_id, "Drafts", error)) == NULL)
              {
                tern_store_db_rollback (db);
                return FALSE;
              }
            if (!tern_store_db_sync_set_folder_server (db, tern_store_folder_get_id (drafts),
                                                       tern_store_folder_get_server_path (drafts),
                                                       tern_store_folder_get_delimiter (drafts),
                                                       TERN_STORE_FOLDER_ROLE_DRAFTS, error) ||
                !tern_store_db_commit (db, error))
              return FALSE;
          }
        if (op->raw == NULL &&
            (op->raw = tern_outbox_composition_build (op->composition, TERN_OUTBOX_BUILD_DRAFT, error)) == NULL)
          return FALSE;
        /* The version it replaces may be gone (sent from elsewhere, deleted). */
        if (op->folder_id != 0)
          {
            g_autoptr(TernStoreMessage) previous = tern_store_db_get_message (db, op->folder_id, NULL);

            if (previous == NULL)
              op->folder_id = 0;
          }
        op->result_id = tern_sync_journal_save_draft (db, tern_store_folder_get_id (drafts), op->raw, op->folder_id,
                                                      error);
        return op->result_id != 0;
      }

    case OP_SEND:
      return run_send (db, op, error);

    case OP_OUTBOX_TAKE_BACK:
      return run_take_back (db, op, error);

    case OP_QUEUE:
      {
        gint64 not_before = op->delay > 0 ? g_get_real_time () / G_USEC_PER_SEC + op->delay : 0;

        op->result_id = tern_outbox_enqueue_full (db, op->account, op->raw, not_before, error);
        if (op->result_id == 0)
          return FALSE;
        op->undo = _tern_mail_undo_new (TERN_MAIL_UNDO_UNQUEUE);
        op->undo->outbox_id = op->result_id;
        op->outbox_count = tern_store_db_outbox_count (db, op->account_id, NULL);
        return TRUE;
      }

    case OP_OUTBOX_SEND_NOW:
    case OP_OUTBOX_DELETE:
      {
        /* A partly sent one may be dismissed, not sent again. */
        g_autoptr(TernStoreOutboxEntry) entry = outbox_entry (db, op, op->kind == OP_OUTBOX_SEND_NOW, error);

        if (entry == NULL)
          return FALSE;
        if (op->kind == OP_OUTBOX_DELETE)
          {
            if (!tern_store_db_outbox_remove (db, op->outbox_id, error))
              return FALSE;
            op->outbox_count = tern_store_db_outbox_count (db, op->account_id, NULL);
            return TRUE;
          }
        /* Failed or waiting: queued again, due now. */
        return tern_store_db_outbox_set_state (db, op->outbox_id, TERN_STORE_OUTBOX_QUEUED, entry->attempts,
                                               entry->last_error, 0, error);
      }

    default:
      g_assert_not_reached ();
    }
}

/* ---- the API ------------------------------------------------------------------------------ */

/**
 * tern_mail_save_draft_async:
 * @replaces: the earlier version of this draft (deleted with the same commit), or 0
 *
 * Saves a draft in the account's Drafts folder (made when it has none), and on the
 * server for IMAP. tern_mail_operation_finish()'s @id is the draft's message id.
 */
void
tern_mail_save_draft_async (TernMail *self, TernMailAccount *account, GBytes *raw, gint64 replaces,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_SAVE_DRAFT, NULL, 0);

  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));
  op->account = g_object_ref (tern_mail_account_get_account (account));
  op->raw = g_bytes_ref (raw);
  op->folder_id = replaces;
  _tern_mail_op_start (self, op, tern_mail_save_draft_async, cancellable, callback, user_data);
}

/**
 * tern_mail_queue_async:
 * @raw: the complete message (Bcc is taken out of the bytes sent)
 * @delay_seconds: the message may leave this long after now at the earliest: the
 *   time to undo the sending
 *
 * Puts a message into the outbox, durably; while started, it leaves when due.
 * tern_mail_operation_finish()'s @id is its outbox id, and its undo takes it back
 * while it has not started leaving (%TERN_MAIL_ERROR_BUSY after).
 */
void
tern_mail_queue_async (TernMail *self, TernMailAccount *account, GBytes *raw, guint delay_seconds,
                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_QUEUE, NULL, 0);

  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));
  op->account = g_object_ref (tern_mail_account_get_account (account));
  op->account_id = tern_mail_account_get_store_id (account);
  op->raw = g_bytes_ref (raw);
  op->delay = delay_seconds;
  _tern_mail_op_start (self, op, tern_mail_queue_async, cancellable, callback, user_data);
}

/**
 * tern_mail_outbox_send_now_async:
 *
 * A failed or waiting message is due at once (while started, it leaves now).
 */
void
tern_mail_outbox_send_now_async (TernMail *self, gint64 outbox_id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_OUTBOX_SEND_NOW, NULL, 0);

  op->outbox_id = outbox_id;
  _tern_mail_op_start (self, op, tern_mail_outbox_send_now_async, cancellable, callback, user_data);
}

/**
 * tern_mail_outbox_delete_async:
 *
 * Takes a message out of the outbox unsent (a waiting one), or dismisses a failed or
 * partly sent one. %TERN_MAIL_ERROR_BUSY while it is being sent.
 */
void
tern_mail_outbox_delete_async (TernMail *self, gint64 outbox_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_OUTBOX_DELETE, NULL, 0);

  op->outbox_id = outbox_id;
  _tern_mail_op_start (self, op, tern_mail_outbox_delete_async, cancellable, callback, user_data);
}

/* ---- the outbox: sending now, listing ---------------------------------------------------- */

static void
flush_now_async (TernMailAccount *account, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  _tern_mail_account_flush_async (account, TRUE, cancellable, callback, user_data);
}

/**
 * tern_mail_outbox_flush_async:
 * @account: (nullable): one account's outbox, or %NULL for every account's
 *
 * Sends the waiting messages now, retry times notwithstanding.
 */
void
tern_mail_outbox_flush_async (TernMail *self, TernMailAccount *account, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (TERN_IS_MAIL (self));
  g_return_if_fail (account == NULL || TERN_IS_MAIL_ACCOUNT (account));

  _tern_mail_for_accounts (self, account, flush_now_async, _tern_mail_account_flush_finish,
                           tern_mail_outbox_flush_async, cancellable, callback, user_data);
}

/**
 * tern_mail_outbox_flush_finish:
 *
 * Returns: %TRUE when every account could connect (messages the servers refused are
 *   recorded in the outbox, not returned)
 */
gboolean
tern_mail_outbox_flush_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gpointer
list_outbox_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  return tern_store_db_outbox_list (db, *(gint64 *) data, error);
}

/**
 * tern_mail_list_outbox_async:
 * @account: (nullable): one account's outbox, or %NULL for every account's
 */
void
tern_mail_list_outbox_async (TernMail *self, TernMailAccount *account, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  gint64 account_id = account != NULL ? tern_mail_account_get_store_id (account) : 0;

  g_return_if_fail (TERN_IS_MAIL (self));
  tern_store_run_async (tern_mail_get_store (self), list_outbox_work, g_memdup2 (&account_id, sizeof account_id),
                        g_free, (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

/**
 * tern_mail_list_outbox_finish:
 *
 * Returns: (transfer full) (element-type TernStoreOutboxEntry): the outbox
 */
GPtrArray *
tern_mail_list_outbox_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  return tern_store_run_finish (tern_mail_get_store (self), result, error);
}

/* ---- a composer's operations ----------------------------------------------------------- */

/**
 * tern_mail_send_async:
 * @composition: the message as written (copied)
 * @delay_seconds: it may leave this long after now at the earliest: the time to undo
 *   the sending
 * @draft_id: its draft, removed in the same commit (here and, through the journal, on
 *   the server), or 0
 *
 * Builds the message (on a worker), puts it into the outbox, removes its draft and
 * marks the message it answers (answered) or forwards ($Forwarded), found by its
 * Message-ID, on the server too through the journal. Fails with
 * %TERN_OUTBOX_ERROR_NO_RECIPIENTS, %TERN_OUTBOX_ERROR_INVALID_ADDRESS... and changes
 * nothing then. tern_mail_operation_finish()'s @id is the outbox id; its undo takes
 * the message back while it has not started leaving, with the original's flags.
 */
void
tern_mail_send_async (TernMail *self, TernMailAccount *account, const TernOutboxComposition *composition,
                      guint delay_seconds, gint64 draft_id, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_SEND, NULL, 0);

  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));
  g_return_if_fail (composition != NULL);
  op->account = g_object_ref (tern_mail_account_get_account (account));
  op->account_id = tern_mail_account_get_store_id (account);
  op->composition = tern_outbox_composition_copy (composition);
  op->delay = delay_seconds;
  op->draft_id = draft_id;
  _tern_mail_op_start (self, op, tern_mail_send_async, cancellable, callback, user_data);
}

/**
 * tern_mail_save_composition_async:
 * @composition: the draft as written (copied); built on a worker
 * @replaces: the earlier version of this draft, or 0
 *
 * Like tern_mail_save_draft_async(), from what the composer holds. A draft remembers
 * what it answers or forwards, so that sending it later marks the original.
 */
void
tern_mail_save_composition_async (TernMail *self, TernMailAccount *account, const TernOutboxComposition *composition,
                                  gint64 replaces, GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_SAVE_DRAFT, NULL, 0);

  g_return_if_fail (TERN_IS_MAIL_ACCOUNT (account));
  g_return_if_fail (composition != NULL);
  op->account = g_object_ref (tern_mail_account_get_account (account));
  op->composition = tern_outbox_composition_copy (composition);
  op->folder_id = replaces;
  _tern_mail_op_start (self, op, tern_mail_save_composition_async, cancellable, callback, user_data);
}

/**
 * tern_mail_outbox_take_back_async:
 *
 * Takes a waiting or failed message out of the outbox to edit it again (%TERN_MAIL_ERROR_BUSY
 * while it is being sent, %TERN_MAIL_ERROR_INVALID when it was sent to some of its
 * recipients already). Completes with tern_mail_outbox_take_back_finish().
 */
void
tern_mail_outbox_take_back_async (TernMail *self, gint64 outbox_id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_OUTBOX_TAKE_BACK, NULL, 0);

  op->outbox_id = outbox_id;
  _tern_mail_op_start (self, op, tern_mail_outbox_take_back_async, cancellable, callback, user_data);
}

/**
 * tern_mail_outbox_take_back_finish:
 *
 * Returns: (transfer full): the message as a composition, its Bcc recipients
 *   recovered; %NULL on error
 */
TernOutboxComposition *
tern_mail_outbox_take_back_finish (TernMail *self, GAsyncResult *result, GError **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  op = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&op->taken_back);
}
