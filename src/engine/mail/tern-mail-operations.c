/* tern-mail-operations.c: every user operation on mail, journaled
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each operation runs on a store worker (so its commit is announced to every open
 * list model at once) through the journal of tern-sync-journal.c: the store changes
 * in one transaction with the journal entries that the accounts' syncs replay on the
 * servers, in order, offline included. While started, the IMAP accounts are woken to
 * replay at once. Each completes with tern_mail_operation_finish(), which hands out
 * what undoing it needs (a TernMailUndo) and, for those that make something, its id.
 *
 * A move to another account needs the messages' bodies (the target's server gets
 * them by APPEND, the source's deletes its copies): those only the server has are
 * fetched first, or the move fails with TERN_MAIL_ERROR_NOT_DOWNLOADED and changes
 * nothing.
 *
 * The operations of a composer and of the outbox (drafts, queueing, sending) are in
 * tern-mail-sending.c; both files share the Op of tern-mail-op-private.h.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-mail-op-private.h"
#include "tern-mail-private.h"
#include "tern-store-db-outbox.h"
#include "tern-store-db-sync.h"
#include "tern-sync-error.h"
#include "tern-sync-journal.h"


static void
op_free (Op *op)
{
  if (op->leaving != 0)
    tern_store_release_leaving (op->store, op->leaving);
  g_clear_object (&op->store);
  g_clear_pointer (&op->ids, g_array_unref);
  g_strfreev (op->keywords_add);
  g_strfreev (op->keywords_remove);
  g_free (op->name);
  g_clear_pointer (&op->raw, g_bytes_unref);
  g_clear_object (&op->account);
  g_clear_pointer (&op->undo_in, tern_mail_undo_unref);
  g_clear_pointer (&op->undo, tern_mail_undo_unref);
  g_clear_pointer (&op->need_bodies, g_array_unref);
  g_clear_pointer (&op->composition, tern_outbox_composition_free);
  g_clear_pointer (&op->taken_back, tern_outbox_composition_free);
  g_clear_pointer (&op->triggers, g_ptr_array_unref);
  g_free (op);
}

Op *
_tern_mail_op_new (OpKind kind, const gint64 *ids, guint n_ids)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->outbox_count = -1;
  if (ids != NULL)
    {
      op->ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_ids);
      g_array_append_vals (op->ids, ids, n_ids);
    }
  return op;
}

/* ---- helpers on the worker ------------------------------------------------------------ */

static TernMailUndo *
restore_undo (GArray *prior)
{
  TernMailUndo *undo;

  if (prior == NULL || prior->len == 0)
    return NULL;
  undo = _tern_mail_undo_new (TERN_MAIL_UNDO_RESTORE);
  undo->prior = g_array_ref (prior);
  return undo;
}

/* The folder of @role of @account_id, or NULL with TERN_MAIL_ERROR_NO_FOLDER. */
TernStoreFolder *
_tern_mail_op_role_folder (TernStoreDb *db, gint64 account_id, TernStoreFolderRole role, GError **error)
{
  g_autoptr(GPtrArray) folders = tern_store_db_list_folders (db, account_id, error);

  if (folders == NULL)
    return NULL;
  for (guint i = 0; i < folders->len; i++)
    if (tern_store_folder_get_role (g_ptr_array_index (folders, i)) == role)
      return g_object_ref (g_ptr_array_index (folders, i));
  g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NO_FOLDER,
               role == TERN_STORE_FOLDER_ROLE_ARCHIVE ? _("The account has no Archive folder")
               : role == TERN_STORE_FOLDER_ROLE_JUNK ? _("The account has no Junk folder")
               : role == TERN_STORE_FOLDER_ROLE_TRASH ? _("The account has no Trash folder")
               : role == TERN_STORE_FOLDER_ROLE_INBOX ? _("The account has no Inbox")
               : _("The account has no such folder"));
  return NULL;
}

typedef struct
{
  gint64  account_id;
  GArray *ids;
} AccountGroup;

static void
account_group_clear (AccountGroup *group)
{
  g_clear_pointer (&group->ids, g_array_unref);
}

/* The messages by account (through their folders), in the order first seen. Only
 * each message's folder is read: for 10,000 messages, building each whole row took
 * longer than the move that follows. */
static GArray *
group_by_account (TernStoreDb *db, GArray *ids, GError **error)
{
  g_autoptr(GArray) groups = g_array_new (FALSE, TRUE, sizeof (AccountGroup));
  g_autoptr(GHashTable) folder_account = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  g_array_set_clear_func (groups, (GDestroyNotify) account_group_clear);
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      gint64 folder_id = tern_store_db_get_message_folder_id (db, id, error);
      gint64 *account_id;
      AccountGroup *group = NULL;

      if (folder_id == 0)
        return NULL;
      account_id = g_hash_table_lookup (folder_account, &folder_id);
      if (account_id == NULL)
        {
          g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);

          if (folder == NULL)
            return NULL;
          account_id = g_new (gint64, 1);
          *account_id = tern_store_folder_get_account_id (folder);
          g_hash_table_insert (folder_account, g_memdup2 (&folder_id, sizeof folder_id), account_id);
        }
      for (guint j = 0; j < groups->len && group == NULL; j++)
        if (g_array_index (groups, AccountGroup, j).account_id == *account_id)
          group = &g_array_index (groups, AccountGroup, j);
      if (group == NULL)
        {
          AccountGroup g = { *account_id, g_array_new (FALSE, FALSE, sizeof (gint64)) };
          g_array_append_val (groups, g);
          group = &g_array_index (groups, AccountGroup, groups->len - 1);
        }
      g_array_append_val (group->ids, id);
    }
  return g_steal_pointer (&groups);
}

/* A move or copy to another account needs the bodies: the ids of those that lack
 * one, or NULL when none does (and on an error). */
static GArray *
missing_bodies (TernStoreDb *db, GArray *ids, gint64 folder_id, GError **error)
{
  g_autoptr(TernStoreFolder) target = tern_store_db_get_folder (db, folder_id, error);
  g_autoptr(GArray) missing = NULL;

  if (target == NULL ||
      (missing = tern_store_db_list_bodiless_outside (db, (const gint64 *) (void *) ids->data, ids->len,
                                                      tern_store_folder_get_account_id (target), error)) == NULL ||
      missing->len == 0)
    return NULL;
  return g_steal_pointer (&missing);
}

/* Moves each account's messages to its folder of @role. */
static gboolean
move_to_role (TernStoreDb *db, GArray *ids, TernStoreFolderRole role, GArray *prior, GError **error)
{
  g_autoptr(GArray) groups = group_by_account (db, ids, error);

  if (groups == NULL)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    {
      AccountGroup *group = &g_array_index (groups, AccountGroup, i);
      g_autoptr(TernStoreFolder) target = _tern_mail_op_role_folder (db, group->account_id, role, error);

      if (target == NULL ||
          !tern_sync_journal_move (db, (const gint64 *) (void *) group->ids->data, group->ids->len,
                                   tern_store_folder_get_id (target), prior, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_folder_name (const char *name, GError **error)
{
  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || g_str_equal (name, ".") ||
      g_str_equal (name, "..") || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                   _("“%s” cannot be a folder name: it must not be empty or hold a “/”"), name != NULL ? name : "");
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                             _("A folder name cannot hold control characters"));
        return FALSE;
      }
  return TRUE;
}

/* The path of @name under @parent_id (0: the top level). */
static char *
child_path (TernStoreDb *db, gint64 parent_id, const char *name, gint64 *account_id, GError **error)
{
  g_autoptr(TernStoreFolder) parent = NULL;

  if (parent_id == 0)
    return g_strdup (name);
  if ((parent = tern_store_db_get_folder (db, parent_id, error)) == NULL)
    return NULL;
  if (account_id != NULL && *account_id != 0 && tern_store_folder_get_account_id (parent) != *account_id)
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                           _("A folder can only be moved within its account"));
      return NULL;
    }
  if (account_id != NULL)
    *account_id = tern_store_folder_get_account_id (parent);
  return g_strconcat (tern_store_folder_get_path (parent), "/", name, NULL);
}

static gboolean
rename_to (TernStoreDb *db, Op *op, TernStoreFolder *folder, const char *path, GError **error)
{
  g_autoptr(TernStoreFolder) existing = NULL;
  TernMailUndo *undo;

  if (g_strcmp0 (path, tern_store_folder_get_path (folder)) == 0)
    return TRUE;
  if (tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_INBOX)
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID, _("The Inbox cannot be renamed or moved"));
      return FALSE;
    }
  if (g_str_has_prefix (path, tern_store_folder_get_path (folder)) &&
      path[strlen (tern_store_folder_get_path (folder))] == '/')
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                           _("A folder cannot be moved into itself"));
      return FALSE;
    }
  existing = tern_store_db_lookup_folder (db, tern_store_folder_get_account_id (folder), path, NULL);
  if (existing != NULL)
    {
      g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_EXISTS, _("There is a folder “%s” already"), path);
      return FALSE;
    }
  if (!tern_sync_journal_rename_folder (db, tern_store_folder_get_id (folder), path, error))
    return FALSE;
  undo = _tern_mail_undo_new (TERN_MAIL_UNDO_RENAME_FOLDER);
  undo->folder_id = tern_store_folder_get_id (folder);
  undo->path = g_strdup (tern_store_folder_get_path (folder));
  op->undo = undo;
  return TRUE;
}

/* Subscribes to an IMAP folder or unsubscribes from it; the undo gives it back. */
static gboolean
subscribe (TernStoreDb *db, Op *op, gint64 folder_id, gboolean subscribed, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);
  TernMailUndo *undo;

  if (folder == NULL)
    return FALSE;
  if (tern_store_db_sync_get_account_kind (db, tern_store_folder_get_account_id (folder), NULL) !=
      TERN_STORE_ACCOUNT_IMAP)
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                           _("Only the folders of an IMAP account have subscriptions"));
      return FALSE;
    }
  if (tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_INBOX && !subscribed)
    {
      g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID, _("The Inbox is always shown"));
      return FALSE;
    }
  undo = _tern_mail_undo_new (TERN_MAIL_UNDO_SUBSCRIPTION);
  undo->folder_id = folder_id;
  undo->subscribed = tern_store_folder_get_subscribed (folder);
  if (!tern_sync_journal_set_folder_subscribed (db, folder_id, subscribed, error))
    {
      tern_mail_undo_unref (undo);
      return FALSE;
    }
  op->undo = undo;
  return TRUE;
}

static gboolean
run_undo (TernStoreDb *db, Op *op, GError **error)
{
  TernMailUndo *undo = op->undo_in;

  switch (undo->kind)
    {
    case TERN_MAIL_UNDO_RESTORE:
      {
        /* The undo of the undo puts back what the messages are now. */
        g_autoptr(GArray) now = tern_sync_journal_prior_array_new ();

        for (guint i = 0; i < undo->prior->len; i++)
          {
            TernSyncJournalPrior *p = &g_array_index (undo->prior, TernSyncJournalPrior, i);
            g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, p->message_id, NULL);
            TernSyncJournalPrior q = { p->message_id, 0, 0, NULL };

            if (message == NULL)
              continue;
            q.folder_id = tern_store_message_get_folder_id (message);
            q.flags = tern_store_message_get_flags (message);
            q.keywords = g_strdup (tern_store_message_get_keywords (message));
            g_array_append_val (now, q);
          }
        if (!tern_sync_journal_restore (db, undo->prior, error))
          return FALSE;
        op->undo = restore_undo (now);
        return TRUE;
      }

    case TERN_MAIL_UNDO_DELETE_COPIES:
      return tern_sync_journal_delete (db, (const gint64 *) (void *) undo->ids->data, undo->ids->len, error);

    case TERN_MAIL_UNDO_DELETE_FOLDER:
      {
        g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, undo->folder_id, NULL);

        if (folder == NULL)
          return TRUE;
        if (tern_store_folder_get_total (folder) > 0)
          {
            g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID,
                         _("“%s” holds messages now: it is not deleted"), tern_store_folder_get_name (folder));
            return FALSE;
          }
        return tern_sync_journal_delete_folder (db, undo->folder_id, error);
      }

    case TERN_MAIL_UNDO_RENAME_FOLDER:
      {
        g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, undo->folder_id, error);

        return folder != NULL && rename_to (db, op, folder, undo->path, error);
      }

    case TERN_MAIL_UNDO_SUBSCRIPTION:
      return subscribe (db, op, undo->folder_id, undo->subscribed, error);

    case TERN_MAIL_UNDO_UNQUEUE:
      {
        g_autoptr(GPtrArray) entries = tern_store_db_outbox_list (db, 0, error);

        if (entries == NULL)
          return FALSE;
        for (guint i = 0; i < entries->len; i++)
          {
            TernStoreOutboxEntry *entry = g_ptr_array_index (entries, i);

            if (entry->id != undo->outbox_id)
              continue;
            if (entry->state != TERN_STORE_OUTBOX_QUEUED || entry->attempts > 0)
              {
                g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_BUSY,
                                     _("The message is being sent already"));
                return FALSE;
              }
            op->account_id = entry->account_id;
            if (!tern_store_db_begin (db, error))
              return FALSE;
            /* A reply's or forward's original gets its flags back with it. */
            if (!tern_store_db_outbox_remove (db, entry->id, error) ||
                (undo->prior != NULL && !tern_sync_journal_restore (db, undo->prior, error)))
              {
                tern_store_db_rollback (db);
                return FALSE;
              }
            op->outbox_count = tern_store_db_outbox_count (db, entry->account_id, NULL);
            return tern_store_db_commit (db, error);
          }
        g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_BUSY, _("The message was sent already"));
        return FALSE;
      }

    default:
      g_assert_not_reached ();
    }
}

/* ---- the worker ------------------------------------------------------------------------ */

static gboolean
run (TernStoreDb *db, Op *op, GError **error)
{
  const gint64 *ids = op->ids != NULL ? (const gint64 *) (void *) op->ids->data : NULL;
  guint n_ids = op->ids != NULL ? op->ids->len : 0;
  g_autoptr(GArray) prior = tern_sync_journal_prior_array_new ();

  switch (op->kind)
    {
    case OP_FLAGS:
      if (!tern_sync_journal_set_flags (db, ids, n_ids, op->add, op->remove, prior, error))
        return FALSE;
      op->undo = restore_undo (prior);
      return TRUE;

    case OP_KEYWORDS:
      if (!tern_sync_journal_set_keywords (db, ids, n_ids, (const char * const *) op->keywords_add,
                                           (const char * const *) op->keywords_remove, prior, error))
        return FALSE;
      op->undo = restore_undo (prior);
      return TRUE;

    case OP_MOVE:
    case OP_COPY:
      /* The look at the messages and the move in one transaction: outside one, each
       * of the lookups missing_bodies() makes is a read transaction of its own (the
       * WAL's locks taken and let go each time), which for 10,000 messages took
       * longer than the move itself, and the server waits for the commit. */
      if (!tern_store_db_begin (db, error))
        return FALSE;
      if (!op->fetched && (op->need_bodies = missing_bodies (db, op->ids, op->folder_id, error)) != NULL)
        {
          tern_store_db_rollback (db);   /* nothing written */
          return TRUE;    /* fetched on another thread, then again */
        }
      if (error != NULL && *error != NULL)
        goto fail_transfer;
      if (op->kind == OP_MOVE)
        {
          if (!tern_sync_journal_move (db, ids, n_ids, op->folder_id, prior, error))
            goto fail_transfer;
          op->undo = restore_undo (prior);
        }
      else
        {
          g_autoptr(GArray) copies = g_array_new (FALSE, FALSE, sizeof (gint64));

          if (!tern_sync_journal_copy (db, ids, n_ids, op->folder_id, copies, error))
            goto fail_transfer;
          if (copies->len > 0)
            {
              op->undo = _tern_mail_undo_new (TERN_MAIL_UNDO_DELETE_COPIES);
              op->undo->ids = g_steal_pointer (&copies);
            }
        }
      if (!tern_store_db_commit (db, error))
        {
          g_clear_pointer (&op->undo, tern_mail_undo_unref);
          return FALSE;
        }
      return TRUE;
    fail_transfer:
      tern_store_db_rollback (db);
      return FALSE;

    case OP_TRASH:
      if (!tern_store_db_begin (db, error))
        return FALSE;
      if (!move_to_role (db, op->ids, TERN_STORE_FOLDER_ROLE_TRASH, prior, error))
        {
          tern_store_db_rollback (db);
          return FALSE;
        }
      op->undo = restore_undo (prior);
      return tern_store_db_commit (db, error);

    case OP_EXPUNGE:
      return tern_sync_journal_delete (db, ids, n_ids, error);

    case OP_ARCHIVE:
      if (!tern_store_db_begin (db, error))
        return FALSE;
      if (!move_to_role (db, op->ids, TERN_STORE_FOLDER_ROLE_ARCHIVE, prior, error))
        {
          tern_store_db_rollback (db);
          return FALSE;
        }
      op->undo = restore_undo (prior);
      return tern_store_db_commit (db, error);

    case OP_JUNK:
      {
        const char *junk[] = { "$Junk", NULL };
        const char *not_junk[] = { "$NotJunk", NULL };

        /* The keywords first, while the server knows the messages where they are:
         * what the server's filters learn from. */
        if (!tern_store_db_begin (db, error))
          return FALSE;
        if (!tern_sync_journal_set_keywords (db, ids, n_ids, op->junk ? junk : not_junk, op->junk ? not_junk : junk,
                                             prior, error) ||
            !move_to_role (db, op->ids, op->junk ? TERN_STORE_FOLDER_ROLE_JUNK : TERN_STORE_FOLDER_ROLE_INBOX, NULL,
                           error))
          {
            tern_store_db_rollback (db);
            return FALSE;
          }
        op->undo = restore_undo (prior);
        return tern_store_db_commit (db, error);
      }

    case OP_MARK_FOLDER_READ:
      if (!tern_sync_journal_mark_folder_read (db, op->folder_id, prior, error))
        return FALSE;
      op->undo = restore_undo (prior);
      return TRUE;

    case OP_UNDO:
      return run_undo (db, op, error);

    case OP_CREATE_FOLDER:
      {
        g_autofree char *path = NULL;
        g_autoptr(TernStoreFolder) folder = NULL;
        g_autoptr(TernStoreFolder) existing = NULL;

        if (!check_folder_name (op->name, error) ||
            (path = child_path (db, op->parent_id, op->name, &op->account_id, error)) == NULL)
          return FALSE;
        existing = tern_store_db_lookup_folder (db, op->account_id, path, NULL);
        if (existing != NULL)
          {
            g_set_error (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_EXISTS, _("There is a folder “%s” already"), path);
            return FALSE;
          }
        if ((folder = tern_sync_journal_create_folder (db, op->account_id, path, error)) == NULL)
          return FALSE;
        op->result_id = tern_store_folder_get_id (folder);
        op->undo = _tern_mail_undo_new (TERN_MAIL_UNDO_DELETE_FOLDER);
        op->undo->folder_id = op->result_id;
        return TRUE;
      }

    case OP_RENAME_FOLDER:
    case OP_MOVE_FOLDER:
      {
        g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, op->folder_id, error);
        g_autofree char *path = NULL;
        gint64 account_id;
        const char *slash;

        if (folder == NULL)
          return FALSE;
        account_id = tern_store_folder_get_account_id (folder);
        if (op->kind == OP_RENAME_FOLDER)
          {
            if (!check_folder_name (op->name, error))
              return FALSE;
            slash = strrchr (tern_store_folder_get_path (folder), '/');
            path = slash != NULL ? g_strdup_printf ("%.*s/%s", (int) (slash - tern_store_folder_get_path (folder)),
                                                    tern_store_folder_get_path (folder), op->name)
                                 : g_strdup (op->name);
          }
        else if ((path = child_path (db, op->parent_id, tern_store_folder_get_name (folder), &account_id,
                                     error)) == NULL)
          return FALSE;
        return rename_to (db, op, folder, path, error);
      }

    case OP_DELETE_FOLDER:
      {
        g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, op->folder_id, error);

        if (folder == NULL)
          return FALSE;
        if (tern_store_folder_get_role (folder) == TERN_STORE_FOLDER_ROLE_INBOX)
          {
            g_set_error_literal (error, TERN_MAIL_ERROR, TERN_MAIL_ERROR_INVALID, _("The Inbox cannot be deleted"));
            return FALSE;
          }
        return tern_sync_journal_delete_folder (db, op->folder_id, error);
      }

    case OP_EMPTY_FOLDER:
      return tern_sync_journal_empty_folder (db, op->folder_id, error);

    case OP_SUBSCRIBE_FOLDER:
      return subscribe (db, op, op->folder_id, op->subscribed, error);

    case OP_SAVE_DRAFT:
    case OP_SEND:
    case OP_OUTBOX_TAKE_BACK:
    case OP_QUEUE:
    case OP_OUTBOX_SEND_NOW:
    case OP_OUTBOX_DELETE:
      return _tern_mail_op_run_sending (db, op, error);

    default:
      g_assert_not_reached ();
    }
}

static gpointer
op_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  Op *op = data;
  gboolean ok;

  /* A store worker's connection (tern_store_run_async()): the cache of a bulk change
   * while it runs, for a move of thousands of messages. */
  tern_store_db_set_cache_size (db, TERN_STORE_DB_CACHE_KIB);
  /* A checkpoint its commit makes due waits until the server's part has started. */
  tern_store_db_defer_checkpoint (db, TRUE);
  ok = run (db, op, error);
  tern_store_db_set_cache_size (db, TERN_STORE_DB_READER_CACHE_KIB);
  if (ok && op->need_bodies == NULL)
    for (guint i = 0; op->triggers != NULL && i < op->triggers->len; i++)
      tern_sync_trigger_pull (g_ptr_array_index (op->triggers, i), TERN_SYNC_REQUEST_JOURNAL);
  tern_store_db_defer_checkpoint (db, FALSE);
  if (!ok)
    return NULL;
  return op;
}

/* ---- the main thread ---------------------------------------------------------------------- */

static void submit (TernMail *self, GTask *task);

/* Messages the operation takes out of their folders leave the lists at once, not
 * when it commits (for thousands of messages, a while later). */
static void
hold_leaving (TernMail *self, Op *op)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) targets = g_array_new (FALSE, FALSE, sizeof (gint64));

  switch (op->kind)
    {
    case OP_MOVE:
      g_array_append_val (targets, op->folder_id);
      G_GNUC_FALLTHROUGH;
    case OP_TRASH:
    case OP_EXPUNGE:
    case OP_ARCHIVE:
    case OP_JUNK:
      ids = g_array_ref (op->ids);
      break;
    case OP_UNDO:
      /* Back to their folders: they leave the others. */
      if (op->undo_in->kind == TERN_MAIL_UNDO_RESTORE && op->undo_in->prior != NULL)
        {
          ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), op->undo_in->prior->len);
          for (guint i = 0; i < op->undo_in->prior->len; i++)
            {
              TernSyncJournalPrior *p = &g_array_index (op->undo_in->prior, TernSyncJournalPrior, i);
              gboolean seen = FALSE;

              g_array_append_val (ids, p->message_id);
              for (guint j = 0; j < targets->len && !seen; j++)
                seen = g_array_index (targets, gint64, j) == p->folder_id;
              if (!seen)
                g_array_append_val (targets, p->folder_id);
            }
        }
      else if (op->undo_in->kind == TERN_MAIL_UNDO_DELETE_COPIES && op->undo_in->ids != NULL)
        ids = g_array_ref (op->undo_in->ids);
      break;
    default:
      break;
    }
  if (ids == NULL || ids->len == 0)
    return;
  op->store = g_object_ref (tern_mail_get_store (self));
  op->leaving = tern_store_hold_leaving (op->store, (const gint64 *) (void *) ids->data, ids->len,
                                         (const gint64 *) (void *) targets->data, targets->len);
}

static void
release_leaving (Op *op)
{
  if (op->leaving != 0)
    tern_store_release_leaving (op->store, op->leaving);
  op->leaving = 0;
}

/* Wakes the syncs to replay the journal at once, and the outbox to send. */
static gboolean
is_op_account (TernMailAccount *account, Op *op)
{
  return tern_mail_account_get_store_id (account) == op->account_id ||
         (op->account != NULL &&
          g_strcmp0 (tern_mail_account_get_email (account), tern_account_get_email (op->account)) == 0);
}

/* Whether the operation is for the account's server: its journal to replay. */
static gboolean
wakes_journal (TernMail *self, Op *op, TernMailAccount *account)
{
  if (!tern_mail_get_started (self) ||
      tern_account_get_protocol (tern_mail_account_get_account (account)) != TERN_ACCOUNT_PROTOCOL_IMAP)
    return FALSE;
  switch (op->kind)
    {
    case OP_SEND:
      /* A sent draft's removal and the original's flags go to the server. */
      return is_op_account (account, op);
    case OP_QUEUE:
    case OP_OUTBOX_SEND_NOW:
    case OP_OUTBOX_DELETE:
    case OP_OUTBOX_TAKE_BACK:
      return FALSE;
    default:
      return TRUE;
    }
}

/* The triggers the store's thread pulls after the commit (see Op). */
static void
collect_triggers (TernMail *self, Op *op)
{
  GListModel *accounts = tern_mail_get_accounts (self);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      if (!wakes_journal (self, op, account))
        continue;
      if (op->triggers == NULL)
        op->triggers = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (op->triggers, g_object_ref (_tern_mail_account_get_trigger (account)));
    }
}

static void
after (TernMail *self, Op *op)
{
  GListModel *accounts = tern_mail_get_accounts (self);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(TernMailAccount) account = g_list_model_get_item (accounts, i);

      /* The outbox's count at once (the sidebar shows the Outbox while it holds mail),
       * started or not, online or not. */
      if (op->outbox_count >= 0 && is_op_account (account, op))
        _tern_mail_account_set_outbox_count (account, (guint) op->outbox_count);
      if (!tern_mail_get_started (self))
        continue;
      if ((op->kind == OP_QUEUE || op->kind == OP_OUTBOX_SEND_NOW || op->kind == OP_SEND) &&
          is_op_account (account, op))
        _tern_mail_account_kick_outbox (account);
      /* The journal's replay was asked for by the store's thread (collect_triggers());
       * an account started meanwhile replays it in its first sync. */
    }
}

typedef struct
{
  GTask  *task;
  GArray *ids;
  guint   next;
} BodyRun;

static void fetch_next_body (BodyRun *bodies);

static void
body_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BodyRun *bodies = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = tern_mail_fetch_body_finish (TERN_MAIL (source), result, &error);

  if (raw == NULL)
    {
      GTask *task = bodies->task;

      release_leaving (g_task_get_task_data (task));
      g_task_return_new_error (task, TERN_MAIL_ERROR, TERN_MAIL_ERROR_NOT_DOWNLOADED,
                               _("A message must be downloaded to go to another account, and it cannot be now: %s"),
                               error->message);
      g_object_unref (task);
      g_array_unref (bodies->ids);
      g_free (bodies);
      return;
    }
  fetch_next_body (bodies);
}

static void
fetch_next_body (BodyRun *bodies)
{
  TernMail *self = g_task_get_source_object (bodies->task);

  if (bodies->next < bodies->ids->len)
    {
      gint64 id = g_array_index (bodies->ids, gint64, bodies->next++);
      tern_mail_fetch_body_async (self, id, g_task_get_cancellable (bodies->task), body_fetched_cb, bodies);
      return;
    }
  /* Every body is here: the move, for real. */
  ((Op *) g_task_get_task_data (bodies->task))->fetched = TRUE;
  submit (self, bodies->task);
  g_array_unref (bodies->ids);
  g_free (bodies);
}

static void
op_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  TernMail *self = g_task_get_source_object (task);
  GError *error = NULL;
  Op *op = tern_store_run_finish (TERN_STORE (source), result, &error);
  Op *data = g_task_get_task_data (task);

  if (op == NULL || op->need_bodies == NULL)
    release_leaving (data);
  if (op == NULL)
    {
      if (g_error_matches (error, TERN_SYNC_ERROR, TERN_SYNC_ERROR_NOT_DOWNLOADED))
        error->domain = TERN_MAIL_ERROR, error->code = TERN_MAIL_ERROR_NOT_DOWNLOADED;
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (op->need_bodies != NULL)
    {
      BodyRun *bodies = g_new0 (BodyRun, 1);

      bodies->task = task;
      bodies->ids = g_steal_pointer (&op->need_bodies);
      fetch_next_body (bodies);
      return;
    }
  after (self, op);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
submit (TernMail *self, GTask *task)
{
  tern_store_run_async (tern_mail_get_store (self), op_work, g_task_get_task_data (task), NULL, NULL,
                        g_task_get_cancellable (task), op_done_cb, task);
}

void
_tern_mail_op_start (TernMail *self, Op *op, gpointer tag, GCancellable *cancellable, GAsyncReadyCallback callback,
       gpointer user_data)
{
  GTask *task;

  g_return_if_fail (TERN_IS_MAIL (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  hold_leaving (self, op);
  collect_triggers (self, op);
  submit (self, task);
}

/**
 * tern_mail_operation_finish:
 * @undo: (out) (optional) (nullable): what undoing the operation needs, for
 *   tern_mail_undo_async(); %NULL when it cannot be undone (an expunge, a folder
 *   deleted or emptied, a draft, a message in the outbox deleted) or changed nothing
 * @id: (out) (optional): the id of what the operation made: the folder created, the
 *   draft saved, the outbox entry queued; else 0
 *
 * Completes any of the operations on mail.
 *
 * Returns: %TRUE when the store changed (the servers follow through the journal)
 */
gboolean
tern_mail_operation_finish (TernMail      *self,
                            GAsyncResult  *result,
                            TernMailUndo **undo,
                            gint64        *id,
                            GError       **error)
{
  Op *op;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (undo != NULL)
    *undo = NULL;
  if (id != NULL)
    *id = 0;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  op = g_task_get_task_data (G_TASK (result));
  if (undo != NULL)
    *undo = g_steal_pointer (&op->undo);
  if (id != NULL)
    *id = op->result_id;
  return TRUE;
}

/**
 * tern_mail_set_flags_async:
 *
 * Adds and removes flags (read, flagged, answered...) on messages.
 */
void
tern_mail_set_flags_async (TernMail *self, const gint64 *ids, guint n_ids, TernStoreFlags add, TernStoreFlags remove,
                           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_FLAGS, ids, n_ids);

  op->add = add;
  op->remove = remove;
  _tern_mail_op_start (self, op, tern_mail_set_flags_async, cancellable, callback, user_data);
}

/**
 * tern_mail_set_keywords_async:
 * @add: (nullable) (array zero-terminated=1): IMAP keywords to add ($Forwarded...)
 * @remove: (nullable) (array zero-terminated=1): keywords to remove
 */
void
tern_mail_set_keywords_async (TernMail *self, const gint64 *ids, guint n_ids, const char * const *add,
                              const char * const *remove, GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_KEYWORDS, ids, n_ids);

  op->keywords_add = g_strdupv ((char **) add);
  op->keywords_remove = g_strdupv ((char **) remove);
  _tern_mail_op_start (self, op, tern_mail_set_keywords_async, cancellable, callback, user_data);
}

/**
 * tern_mail_move_async:
 *
 * Moves messages to a folder of any account.
 */
void
tern_mail_move_async (TernMail *self, const gint64 *ids, guint n_ids, gint64 folder_id, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_MOVE, ids, n_ids);

  op->folder_id = folder_id;
  _tern_mail_op_start (self, op, tern_mail_move_async, cancellable, callback, user_data);
}

void
tern_mail_copy_async (TernMail *self, const gint64 *ids, guint n_ids, gint64 folder_id, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_COPY, ids, n_ids);

  op->folder_id = folder_id;
  _tern_mail_op_start (self, op, tern_mail_copy_async, cancellable, callback, user_data);
}

/**
 * tern_mail_trash_async:
 *
 * Moves messages to their account's Trash (%TERN_MAIL_ERROR_NO_FOLDER when it has
 * none). To delete messages already in the Trash, use tern_mail_expunge_async().
 */
void
tern_mail_trash_async (TernMail *self, const gint64 *ids, guint n_ids, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  _tern_mail_op_start (self, _tern_mail_op_new (OP_TRASH, ids, n_ids), tern_mail_trash_async, cancellable, callback, user_data);
}

/**
 * tern_mail_expunge_async:
 *
 * Deletes messages for good, here and on the server. Cannot be undone.
 */
void
tern_mail_expunge_async (TernMail *self, const gint64 *ids, guint n_ids, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  _tern_mail_op_start (self, _tern_mail_op_new (OP_EXPUNGE, ids, n_ids), tern_mail_expunge_async, cancellable, callback, user_data);
}

/**
 * tern_mail_archive_async:
 *
 * Moves messages to their account's Archive folder; %TERN_MAIL_ERROR_NO_FOLDER
 * when it has none (the front end may offer to create one).
 */
void
tern_mail_archive_async (TernMail *self, const gint64 *ids, guint n_ids, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  _tern_mail_op_start (self, _tern_mail_op_new (OP_ARCHIVE, ids, n_ids), tern_mail_archive_async, cancellable, callback, user_data);
}

/**
 * tern_mail_junk_async:
 * @junk: %TRUE: junk (to the Junk folder, keyword $Junk); %FALSE: not junk (to the
 *   Inbox, keyword $NotJunk)
 */
void
tern_mail_junk_async (TernMail *self, const gint64 *ids, guint n_ids, gboolean junk, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_JUNK, ids, n_ids);

  op->junk = junk;
  _tern_mail_op_start (self, op, tern_mail_junk_async, cancellable, callback, user_data);
}

void
tern_mail_mark_folder_read_async (TernMail *self, gint64 folder_id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_MARK_FOLDER_READ, NULL, 0);

  op->folder_id = folder_id;
  _tern_mail_op_start (self, op, tern_mail_mark_folder_read_async, cancellable, callback, user_data);
}

/**
 * tern_mail_undo_async:
 *
 * Undoes an operation: the messages go back to their folders with their flags and
 * keywords, here at once and on the servers through the journal, whether or not the
 * operation had reached them. Its own finish gives the undo of the undo.
 */
void
tern_mail_undo_async (TernMail *self, TernMailUndo *undo, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_UNDO, NULL, 0);

  g_return_if_fail (undo != NULL);
  op->undo_in = tern_mail_undo_ref (undo);
  _tern_mail_op_start (self, op, tern_mail_undo_async, cancellable, callback, user_data);
}

/**
 * tern_mail_create_folder_async:
 * @account_id: the account's store id (with @parent_id 0)
 * @parent_id: the parent folder, or 0 for the top level
 * @name: the new folder's name (one level, without "/")
 */
void
tern_mail_create_folder_async (TernMail *self, gint64 account_id, gint64 parent_id, const char *name,
                               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_CREATE_FOLDER, NULL, 0);

  op->account_id = account_id;
  op->parent_id = parent_id;
  op->name = g_strdup (name);
  _tern_mail_op_start (self, op, tern_mail_create_folder_async, cancellable, callback, user_data);
}

void
tern_mail_rename_folder_async (TernMail *self, gint64 folder_id, const char *name, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_RENAME_FOLDER, NULL, 0);

  op->folder_id = folder_id;
  op->name = g_strdup (name);
  _tern_mail_op_start (self, op, tern_mail_rename_folder_async, cancellable, callback, user_data);
}

/**
 * tern_mail_set_folder_subscribed_async:
 * @folder_id: a folder of an IMAP account
 * @subscribed: whether to subscribe to it (%FALSE: unsubscribe)
 *
 * Subscribes to a folder or unsubscribes from it: what a window that shows the
 * subscribed folders only shows (every folder is synced all the same). Here at once,
 * on the server with the journal; undoable.
 */
void
tern_mail_set_folder_subscribed_async (TernMail *self, gint64 folder_id, gboolean subscribed,
                                       GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_SUBSCRIBE_FOLDER, NULL, 0);

  op->folder_id = folder_id;
  op->subscribed = subscribed;
  _tern_mail_op_start (self, op, tern_mail_set_folder_subscribed_async, cancellable, callback, user_data);
}

/**
 * tern_mail_move_folder_async:
 * @parent_id: the new parent (in the same account), or 0 for the top level
 */
void
tern_mail_move_folder_async (TernMail *self, gint64 folder_id, gint64 parent_id, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_MOVE_FOLDER, NULL, 0);

  op->folder_id = folder_id;
  op->parent_id = parent_id;
  _tern_mail_op_start (self, op, tern_mail_move_folder_async, cancellable, callback, user_data);
}

/**
 * tern_mail_delete_folder_async:
 *
 * Deletes a folder with its subfolders and their messages. Cannot be undone.
 */
void
tern_mail_delete_folder_async (TernMail *self, gint64 folder_id, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_DELETE_FOLDER, NULL, 0);

  op->folder_id = folder_id;
  _tern_mail_op_start (self, op, tern_mail_delete_folder_async, cancellable, callback, user_data);
}

/**
 * tern_mail_empty_folder_async:
 *
 * Deletes every message of a folder for good (Empty Trash). Cannot be undone.
 */
void
tern_mail_empty_folder_async (TernMail *self, gint64 folder_id, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  Op *op = _tern_mail_op_new (OP_EMPTY_FOLDER, NULL, 0);

  op->folder_id = folder_id;
  _tern_mail_op_start (self, op, tern_mail_empty_folder_async, cancellable, callback, user_data);
}
