/* tern-journal-ops.c: user operations on mail, applied to the store at once and
 * journaled for the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each operation changes the store and appends its journal entries in one
 * transaction: the UI sees the change at once, and the IMAP sync replays the
 * journal in order when it is online (tern-journal-replay.c). Messages of the
 * local account and of POP3 accounts are only changed in the store.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-imap-uid-set.h"
#include "tern-journal-ops.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"

typedef struct
{
  gint64          folder_id;
  TernImapUidSet *uids;      /* the messages the server knows */
  GString        *pairs;     /* "uid:message_id ..." */
  GArray         *ids;
} FolderGroup;

static void
folder_group_free (FolderGroup *group)
{
  tern_imap_uid_set_unref (group->uids);
  g_string_free (group->pairs, TRUE);
  g_array_unref (group->ids);
  g_free (group);
}

static gboolean
is_imap_folder (TernStoreDb *db, gint64 folder_id, gint64 *account_id, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);

  if (folder == NULL)
    return FALSE;
  *account_id = tern_store_folder_get_account_id (folder);
  return tern_store_db_sync_get_account_kind (db, *account_id, NULL) == TERN_STORE_ACCOUNT_IMAP;
}

/* The messages by folder, in the order first seen. */
static GPtrArray *
group_by_folder (TernStoreDb *db, const gint64 *ids, guint n_ids, GError **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) folder_group_free);

  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, ids[i], error);
      FolderGroup *group = NULL;
      gint64 folder_id;
      guint32 uid;

      if (message == NULL)
        return NULL;
      folder_id = tern_store_message_get_folder_id (message);
      uid = tern_store_message_get_uid (message);
      for (guint j = 0; j < groups->len && group == NULL; j++)
        if (((FolderGroup *) g_ptr_array_index (groups, j))->folder_id == folder_id)
          group = g_ptr_array_index (groups, j);
      if (group == NULL)
        {
          group = g_new0 (FolderGroup, 1);
          group->folder_id = folder_id;
          group->uids = tern_imap_uid_set_new ();
          group->pairs = g_string_new (NULL);
          group->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_ptr_array_add (groups, group);
        }
      g_array_append_val (group->ids, ids[i]);
      if (uid != 0 && uid < TERN_STORE_LOCAL_UID_BASE)
        tern_imap_uid_set_add (group->uids, uid);
    }
  return g_steal_pointer (&groups);
}

static gboolean
journal (TernStoreDb *db, gint64 folder_id, TernStoreJournalOp op, gint64 target, TernImapUidSet *uids,
         TernStoreFlags add, TernStoreFlags remove, const char *name, gint64 message_id, GError **error)
{
  g_autofree char *set = NULL;
  gint64 account_id = 0;

  if (!is_imap_folder (db, folder_id, &account_id, error))
    return error == NULL || *error == NULL;
  if (uids != NULL)
    {
      if (tern_imap_uid_set_get_count (uids) == 0)
        return TRUE;
      set = tern_imap_uid_set_to_string (uids);
    }
  return tern_store_db_sync_journal_append (db, account_id, op, folder_id, target, set, add, remove, name,
                                            message_id, error) != 0;
}

/**
 * tern_journal_ops_set_flags:
 *
 * Adds and removes flags (mark read, flag, ...).
 */
gboolean
tern_journal_ops_set_flags (TernStoreDb *db, const gint64 *ids, guint n_ids, TernStoreFlags add,
                            TernStoreFlags remove, GError **error)
{
  g_autoptr(GPtrArray) groups = NULL;

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((groups = group_by_folder (db, ids, n_ids, error)) == NULL ||
      !tern_store_db_set_flags (db, ids, n_ids, add, remove, error))
    goto fail;
  for (guint i = 0; i < groups->len; i++)
    {
      FolderGroup *group = g_ptr_array_index (groups, i);

      if (!journal (db, group->folder_id, TERN_STORE_JOURNAL_FLAGS, 0, group->uids, add, remove, NULL, 0, error))
        goto fail;
    }
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

static gboolean
transfer (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, gboolean move, GError **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(TernStoreFolder) target = NULL;
  gint64 target_account = 0;
  gboolean target_imap;

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((target = tern_store_db_get_folder (db, folder_id, error)) == NULL ||
      (groups = group_by_folder (db, ids, n_ids, error)) == NULL)
    goto fail;
  target_imap = is_imap_folder (db, folder_id, &target_account, NULL);

  for (guint i = 0; i < groups->len; i++)
    {
      FolderGroup *group = g_ptr_array_index (groups, i);
      g_autoptr(TernStoreFolder) source = tern_store_db_get_folder (db, group->folder_id, error);
      gboolean same_account;

      if (source == NULL)
        goto fail;
      if (group->folder_id == folder_id)
        continue;
      same_account = tern_store_folder_get_account_id (source) == target_account && target_imap;

      for (guint j = 0; j < group->ids->len; j++)
        {
          gint64 id = g_array_index (group->ids, gint64, j);
          g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, id, error);
          guint32 uid;
          gint64 new_id = id;

          if (message == NULL)
            goto fail;
          uid = tern_store_message_get_uid (message);

          if (!target_imap)
            {
              /* Local Folders and POP3: the store numbers the messages itself. */
              if (move && !tern_store_db_move_messages (db, &id, 1, folder_id, error))
                goto fail;
            }
          else
            {
              guint32 local_uid = tern_store_db_sync_next_local_uid (db, folder_id, error);

              if (local_uid == 0)
                goto fail;
              if (move)
                {
                  if (!tern_store_db_sync_move_message (db, id, folder_id, local_uid, error))
                    goto fail;
                }
              else
                {
                  g_autoptr(GBytes) raw = NULL;
                  TernStoreDbNewMessage copy = { 0 };

                  if (!tern_store_message_get_has_body (message))
                    continue;   /* the server's copy comes with the next sync */
                  if ((raw = tern_store_db_get_raw (db, id, error)) == NULL)
                    goto fail;
                  copy.folder_id = folder_id;
                  copy.uid = local_uid;
                  copy.flags = tern_store_message_get_flags (message);
                  copy.internal_date = tern_store_message_get_internal_date (message);
                  copy.raw = raw;
                  if ((new_id = tern_store_db_add_message (db, &copy, NULL, error)) == 0)
                    goto fail;
                }
              if (!same_account || uid >= TERN_STORE_LOCAL_UID_BASE)
                {
                  /* Across accounts, or a message the server has not got yet:
                   * upload it. */
                  if (!journal (db, folder_id, TERN_STORE_JOURNAL_APPEND, 0, NULL, 0, 0, NULL, new_id, error))
                    goto fail;
                }
              else
                g_string_append_printf (group->pairs, "%s%u:%" G_GINT64_FORMAT,
                                        group->pairs->len > 0 ? " " : "", uid, new_id);
            }

          if (!target_imap && !move)
            {
              g_autoptr(GBytes) raw = NULL;
              TernStoreDbNewMessage copy = { 0 };

              if ((raw = tern_store_db_get_raw (db, id, NULL)) == NULL)
                continue;
              copy.folder_id = folder_id;
              copy.flags = tern_store_message_get_flags (message);
              copy.internal_date = tern_store_message_get_internal_date (message);
              copy.raw = raw;
              if (tern_store_db_add_message (db, &copy, NULL, error) == 0)
                goto fail;
            }
        }

      if (same_account)
        {
          if (!journal (db, group->folder_id, move ? TERN_STORE_JOURNAL_MOVE : TERN_STORE_JOURNAL_COPY, folder_id,
                        group->uids, 0, 0, group->pairs->str, 0, error))
            goto fail;
        }
      else if (move)
        {
          /* Moved out of an IMAP account: expunge the source. */
          if (!journal (db, group->folder_id, TERN_STORE_JOURNAL_DELETE, 0, group->uids, 0, 0, NULL, 0, error))
            goto fail;
        }
    }
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

gboolean
tern_journal_ops_move (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, GError **error)
{
  return transfer (db, ids, n_ids, folder_id, TRUE, error);
}

gboolean
tern_journal_ops_copy (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, GError **error)
{
  return transfer (db, ids, n_ids, folder_id, FALSE, error);
}

/**
 * tern_journal_ops_delete:
 *
 * Deletes messages for good (expunges them on the server).
 */
gboolean
tern_journal_ops_delete (TernStoreDb *db, const gint64 *ids, guint n_ids, GError **error)
{
  g_autoptr(GPtrArray) groups = NULL;

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((groups = group_by_folder (db, ids, n_ids, error)) == NULL ||
      !tern_store_db_delete_messages (db, ids, n_ids, error))
    goto fail;
  for (guint i = 0; i < groups->len; i++)
    {
      FolderGroup *group = g_ptr_array_index (groups, i);

      if (!journal (db, group->folder_id, TERN_STORE_JOURNAL_DELETE, 0, group->uids, 0, 0, NULL, 0, error))
        goto fail;
    }
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

/**
 * tern_journal_ops_empty_folder:
 *
 * Deletes every message of a folder (Empty Trash). Messages that reach the server's
 * folder after this call are not touched.
 */
gboolean
tern_journal_ops_empty_folder (TernStoreDb *db, gint64 folder_id, GError **error)
{
  g_autoptr(GArray) rows = tern_store_db_sync_list_rows (db, folder_id, G_MAXUINT32, error);
  g_autoptr(GArray) ids = NULL;

  if (rows == NULL)
    return FALSE;
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, g_array_index (rows, TernStoreDbSyncRow, i).id);
  return tern_journal_ops_delete (db, (const gint64 *) ids->data, ids->len, error);
}

TernStoreFolder *
tern_journal_ops_create_folder (TernStoreDb *db, gint64 account_id, const char *path, GError **error)
{
  g_autoptr(TernStoreFolder) folder = NULL;

  if (!tern_store_db_begin (db, error))
    return NULL;
  folder = tern_store_db_lookup_folder (db, account_id, path, NULL);
  if (folder != NULL)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED, _("The folder “%s” exists already"), path);
      goto fail;
    }
  folder = tern_store_db_ensure_folder (db, account_id, path, TERN_STORE_FOLDER_ROLE_NONE, error);
  if (folder == NULL ||
      !journal (db, tern_store_folder_get_id (folder), TERN_STORE_JOURNAL_FOLDER_CREATE, 0, NULL, 0, 0,
                tern_store_folder_get_path (folder), 0, error) ||
      !tern_store_db_commit (db, error))
    {
      if (folder != NULL)
        goto fail;
      tern_store_db_rollback (db);
      return NULL;
    }
  return g_steal_pointer (&folder);

fail:
  tern_store_db_rollback (db);
  return NULL;
}

gboolean
tern_journal_ops_rename_folder (TernStoreDb *db, gint64 folder_id, const char *new_path, GError **error)
{
  if (!tern_store_db_begin (db, error))
    return FALSE;
  if (!tern_store_db_sync_rename_folder (db, folder_id, new_path, error) ||
      !journal (db, folder_id, TERN_STORE_JOURNAL_FOLDER_RENAME, 0, NULL, 0, 0, new_path, 0, error))
    {
      tern_store_db_rollback (db);
      return FALSE;
    }
  return tern_store_db_commit (db, error);
}

gboolean
tern_journal_ops_delete_folder (TernStoreDb *db, gint64 folder_id, GError **error)
{
  g_autoptr(TernStoreFolder) folder = tern_store_db_get_folder (db, folder_id, error);

  if (folder == NULL || !tern_store_db_begin (db, error))
    return FALSE;
  if ((tern_store_folder_get_server_path (folder) != NULL &&
       !journal (db, folder_id, TERN_STORE_JOURNAL_FOLDER_DELETE, 0, NULL, 0, 0,
                 tern_store_folder_get_server_path (folder), 0, error)) ||
      !tern_store_db_sync_delete_folder (db, folder_id, error))
    {
      tern_store_db_rollback (db);
      return FALSE;
    }
  return tern_store_db_commit (db, error);
}

/**
 * tern_journal_ops_save_draft:
 * @folder_id: the Drafts folder
 *
 * Returns: the new message's id, or 0 on error
 */
gint64
tern_journal_ops_save_draft (TernStoreDb *db, gint64 folder_id, GBytes *raw, GError **error)
{
  TernStoreDbNewMessage message = { 0 };
  gint64 account_id = 0, id;

  if (!tern_store_db_begin (db, error))
    return 0;
  message.folder_id = folder_id;
  message.flags = TERN_STORE_FLAG_DRAFT | TERN_STORE_FLAG_SEEN;
  message.raw = raw;
  if (is_imap_folder (db, folder_id, &account_id, NULL) &&
      (message.uid = tern_store_db_sync_next_local_uid (db, folder_id, error)) == 0)
    goto fail;
  if ((id = tern_store_db_add_message (db, &message, NULL, error)) == 0 ||
      !journal (db, folder_id, TERN_STORE_JOURNAL_APPEND, 0, NULL, 0, 0, NULL, id, error))
    goto fail;
  if (!tern_store_db_commit (db, error))
    return 0;
  return id;

fail:
  tern_store_db_rollback (db);
  return 0;
}
