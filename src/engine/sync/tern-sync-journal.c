/* tern-sync-journal.c: user operations on mail, applied to the store at once and
 * journaled for the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each operation changes the store and appends its journal entries in one
 * transaction: the UI sees the change at once, and the IMAP sync replays the
 * journal in order when it is online (tern-sync-replay.c). Messages of the
 * local account and of POP3 accounts are only changed in the store.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-uid-set.h"
#include "tern-sync-journal.h"
#include "tern-store-db-sync.h"
#include "tern-store-error.h"

typedef struct
{
  gint64          folder_id;
  TernImapUidSet *uids;      /* the messages the server knows */
  GString        *pairs;     /* "uid:message_id ..." */
  GArray         *ids;
  GArray         *local_ids; /* messages the server has not got yet (a local UID) */
} FolderGroup;

static void
folder_group_free (FolderGroup *group)
{
  tern_imap_uid_set_unref (group->uids);
  g_string_free (group->pairs, TRUE);
  g_array_unref (group->ids);
  g_array_unref (group->local_ids);
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
          group->local_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_ptr_array_add (groups, group);
        }
      g_array_append_val (group->ids, ids[i]);
      if (uid != 0 && uid < TERN_STORE_LOCAL_UID_BASE)
        tern_imap_uid_set_add (group->uids, uid);
      else if (uid != 0)
        g_array_append_val (group->local_ids, ids[i]);
    }
  return g_steal_pointer (&groups);
}

static gboolean
journal_full (TernStoreDb *db, gint64 folder_id, TernStoreJournalOp op, gint64 target, TernImapUidSet *uids,
              TernStoreFlags add, TernStoreFlags remove, const char *keywords_add, const char *keywords_remove,
              const char *name, gint64 message_id, GError **error)
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
  return tern_store_db_sync_journal_append (db, account_id, op, folder_id, target, set, add, remove,
                                            keywords_add, keywords_remove, name, message_id, error) != 0;
}

/* A flags/keywords change: by UID for the messages the server knows, and by message
 * for those it has not got yet (moved or copied offline): an earlier entry gives
 * them their UID before this one is replayed (see replay_message_flags()). */
static gboolean
journal_flags (TernStoreDb *db, FolderGroup *group, TernStoreFlags add, TernStoreFlags remove,
               const char *keywords_add, const char *keywords_remove, GError **error)
{
  if (!journal_full (db, group->folder_id, TERN_STORE_JOURNAL_FLAGS, 0, group->uids, add, remove,
                     keywords_add, keywords_remove, NULL, 0, error))
    return FALSE;
  for (guint i = 0; i < group->local_ids->len; i++)
    if (!journal_full (db, group->folder_id, TERN_STORE_JOURNAL_FLAGS, 0, NULL, add, remove, keywords_add,
                       keywords_remove, NULL, g_array_index (group->local_ids, gint64, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
journal (TernStoreDb *db, gint64 folder_id, TernStoreJournalOp op, gint64 target, TernImapUidSet *uids,
         TernStoreFlags add, TernStoreFlags remove, const char *name, gint64 message_id, GError **error)
{
  return journal_full (db, folder_id, op, target, uids, add, remove, NULL, NULL, name, message_id, error);
}

/**
 * tern_sync_journal_set_flags:
 *
 * Adds and removes flags (mark read, flag, ...).
 */
gboolean
tern_sync_journal_set_flags (TernStoreDb *db, const gint64 *ids, guint n_ids, TernStoreFlags add,
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

      if (!journal_flags (db, group, add, remove, NULL, NULL, error))
        goto fail;
    }
  return tern_store_db_commit (db, error);

fail:
  tern_store_db_rollback (db);
  return FALSE;
}

/* ---- keywords ------------------------------------------------------------------ */

/**
 * tern_sync_journal_keyword_is_valid:
 * @keyword: (nullable): a name such as "$Forwarded" or "$label1"
 *
 * Whether @keyword can be an IMAP keyword: an atom (RFC 3501: printable ASCII
 * without spaces and without any of `(){%*"\]`), not empty. System flags (\Seen...)
 * are not keywords.
 */
gboolean
tern_sync_journal_keyword_is_valid (const char *keyword)
{
  if (keyword == NULL || keyword[0] == '\0')
    return FALSE;
  for (const char *p = keyword; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c <= 0x20 || c >= 0x7f || strchr ("(){%*\"\\]", c) != NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_keywords (const char * const *keywords, GError **error)
{
  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    {
      g_autofree char *shown = NULL;

      if (tern_sync_journal_keyword_is_valid (keywords[i]))
        continue;
      shown = g_utf8_make_valid (keywords[i], -1);
      if (keywords[i][0] == '\\')
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not a valid keyword: names starting with a backslash are system flags"), shown);
      else if (keywords[i][0] == '\0')
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("A keyword cannot be empty"));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not a valid keyword: it must be printable ASCII without spaces or any of (){%%*\"\\]"),
                     shown);
      return FALSE;
    }
  return TRUE;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Keywords compare without case (RFC 3501 flags are case-insensitive), like the
 * server does: adding "$junk" to "$Junk" changes nothing, removing it removes it. */
static gint
find_keyword (GPtrArray *keywords, const char *keyword)
{
  for (guint i = 0; i < keywords->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (keywords, i), keyword) == 0)
      return (gint) i;
  return -1;
}

/* The canonical form the store keeps (as the sync writes it): sorted, without
 * duplicates, space separated; NULL when there are none. */
static char *
keywords_to_string (GPtrArray *keywords)
{
  GString *text;

  if (keywords->len == 0)
    return NULL;
  g_ptr_array_sort (keywords, compare_strings);
  text = g_string_new (NULL);
  for (guint i = 0; i < keywords->len; i++)
    if (i == 0 || strcmp (keywords->pdata[i], keywords->pdata[i - 1]) != 0)
      {
        if (text->len > 0)
          g_string_append_c (text, ' ');
        g_string_append (text, keywords->pdata[i]);
      }
  return g_string_free (text, FALSE);
}

/* @current with @add added, then @remove removed. */
static char *
merge_keywords (const char *current, const char * const *add, const char * const *remove)
{
  g_auto(GStrv) words = g_strsplit (current != NULL ? current : "", " ", -1);
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();
  gint found;

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' && find_keyword (keywords, words[i]) < 0)
      g_ptr_array_add (keywords, words[i]);
  for (guint i = 0; add != NULL && add[i] != NULL; i++)
    if (find_keyword (keywords, add[i]) < 0)
      g_ptr_array_add (keywords, (gpointer) add[i]);
  for (guint i = 0; remove != NULL && remove[i] != NULL; i++)
    while ((found = find_keyword (keywords, remove[i])) >= 0)
      g_ptr_array_remove_index (keywords, (guint) found);
  return keywords_to_string (keywords);
}

/**
 * tern_sync_journal_keywords_from_strv:
 * @flags: (nullable): flag names as a server lists them (\Seen, $Junk, ...)
 *
 * Returns: (transfer full) (nullable): the keywords among @flags (the names without
 *   a backslash) in the form messages.keywords keeps: sorted, without duplicates,
 *   space separated; %NULL when there are none
 */
char *
tern_sync_journal_keywords_from_strv (const char * const *flags)
{
  g_autoptr(GPtrArray) keywords = g_ptr_array_new ();

  for (guint i = 0; flags != NULL && flags[i] != NULL; i++)
    if (flags[i][0] != '\\' && flags[i][0] != '\0')
      g_ptr_array_add (keywords, (gpointer) flags[i]);
  return keywords_to_string (keywords);
}

/* A list of names for the journal: canonical, or NULL for none. */
static char *
keywords_join (const char * const *keywords)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();

  for (guint i = 0; keywords != NULL && keywords[i] != NULL; i++)
    g_ptr_array_add (list, (gpointer) keywords[i]);
  return keywords_to_string (list);
}

/**
 * tern_sync_journal_set_keywords:
 * @ids: (array length=n_ids): the messages
 * @add: (nullable) (array zero-terminated=1): IMAP keywords to add ($Forwarded,
 *   $Junk, $label1...)
 * @remove: (nullable) (array zero-terminated=1): IMAP keywords to remove (after
 *   adding: a name in both lists ends up removed)
 *
 * Adds and removes IMAP keywords, as tern_sync_journal_set_flags() does flags: the
 * store changes at once (messages.keywords stays sorted, without duplicates, %NULL
 * when empty) and the messages of IMAP folders are journaled for the server. Names
 * are compared without case. A name that is not an IMAP atom, or one that starts
 * with a backslash (a system flag), fails with %G_IO_ERROR_INVALID_ARGUMENT and
 * changes nothing.
 */
gboolean
tern_sync_journal_set_keywords (TernStoreDb         *db,
                               const gint64        *ids,
                               guint                n_ids,
                               const char * const  *add,
                               const char * const  *remove,
                               GError             **error)
{
  g_autoptr(GPtrArray) groups = NULL;
  g_autofree char *journal_add = NULL;
  g_autofree char *journal_remove = NULL;

  if (!check_keywords (add, error) || !check_keywords (remove, error))
    return FALSE;
  journal_add = keywords_join (add);
  journal_remove = keywords_join (remove);
  if (n_ids == 0 || (journal_add == NULL && journal_remove == NULL))
    return TRUE;

  if (!tern_store_db_begin (db, error))
    return FALSE;
  if ((groups = group_by_folder (db, ids, n_ids, error)) == NULL)
    goto fail;
  for (guint i = 0; i < n_ids; i++)
    {
      g_autoptr(TernStoreMessage) message = tern_store_db_get_message (db, ids[i], error);
      g_autofree char *keywords = NULL;

      if (message == NULL)
        goto fail;
      keywords = merge_keywords (tern_store_message_get_keywords (message), add, remove);
      if (!tern_store_db_set_keywords (db, ids[i], keywords, error))
        goto fail;
    }
  for (guint i = 0; i < groups->len; i++)
    {
      FolderGroup *group = g_ptr_array_index (groups, i);

      if (!journal_flags (db, group, 0, 0, journal_add, journal_remove, error))
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
                  copy.keywords = tern_store_message_get_keywords (message);
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
              copy.keywords = tern_store_message_get_keywords (message);
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
tern_sync_journal_move (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, GError **error)
{
  return transfer (db, ids, n_ids, folder_id, TRUE, error);
}

gboolean
tern_sync_journal_copy (TernStoreDb *db, const gint64 *ids, guint n_ids, gint64 folder_id, GError **error)
{
  return transfer (db, ids, n_ids, folder_id, FALSE, error);
}

/**
 * tern_sync_journal_delete:
 *
 * Deletes messages for good (expunges them on the server).
 */
gboolean
tern_sync_journal_delete (TernStoreDb *db, const gint64 *ids, guint n_ids, GError **error)
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
 * tern_sync_journal_empty_folder:
 *
 * Deletes every message of a folder (Empty Trash). Messages that reach the server's
 * folder after this call are not touched.
 */
gboolean
tern_sync_journal_empty_folder (TernStoreDb *db, gint64 folder_id, GError **error)
{
  g_autoptr(GArray) rows = tern_store_db_sync_list_rows (db, folder_id, G_MAXUINT32, error);
  g_autoptr(GArray) ids = NULL;

  if (rows == NULL)
    return FALSE;
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, g_array_index (rows, TernStoreDbSyncRow, i).id);
  return tern_sync_journal_delete (db, (const gint64 *) ids->data, ids->len, error);
}

TernStoreFolder *
tern_sync_journal_create_folder (TernStoreDb *db, gint64 account_id, const char *path, GError **error)
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
tern_sync_journal_rename_folder (TernStoreDb *db, gint64 folder_id, const char *new_path, GError **error)
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
tern_sync_journal_delete_folder (TernStoreDb *db, gint64 folder_id, GError **error)
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
 * tern_sync_journal_save_draft:
 * @folder_id: the Drafts folder
 *
 * Returns: the new message's id, or 0 on error
 */
gint64
tern_sync_journal_save_draft (TernStoreDb *db, gint64 folder_id, GBytes *raw, GError **error)
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
