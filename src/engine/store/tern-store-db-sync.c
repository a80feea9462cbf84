/* tern-store-db-sync.c: what the IMAP sync worker needs from the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These functions run on the TernStoreDb's own connection, so they take part in
 * its transactions (tern_store_db_begin() ... _commit()): the sync worker commits
 * a batch of messages and the folder's sync state together.
 *
 * Each function that writes opens a (nested) transaction of its own and records
 * what it really changed (_tern_store_db_add_change(), _add_folder_change()), so
 * that the change function set with tern_store_db_set_change_func() hears of it
 * when the outermost transaction commits. The folders' sync state and the journal
 * are not shown to the user, so their bookkeeping notifies nothing.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "tern-store-db-sync.h"
#include "tern-store-error.h"
#include "tern-store-private.h"

/* Runs an UPDATE or DELETE on folders that returns the ids of the rows it changed,
 * and records a folder change for each. */
static gboolean
run_folder_changes (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    _tern_store_db_add_folder_change (self, sqlite3_column_int64 (stmt, 0));
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

TernStoreAccountKind
tern_store_db_sync_get_account_kind (TernStoreDb *self, gint64 account_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT kind FROM accounts WHERE id = ?1", error);
  gint64 kind = TERN_STORE_ACCOUNT_LOCAL;

  if (stmt == NULL)
    return TERN_STORE_ACCOUNT_LOCAL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  _tern_store_db_stmt_int64 (self, stmt, &kind, NULL, error);
  return (TernStoreAccountKind) kind;
}

/**
 * tern_store_db_sync_set_folder_server:
 * @server_path: the mailbox name on the server
 * @delimiter: (nullable): its hierarchy delimiter
 *
 * Records where a folder lives on the server, and its role.
 */
gboolean
tern_store_db_sync_set_folder_server (TernStoreDb          *self,
                                      gint64                folder_id,
                                      const char           *server_path,
                                      const char           *delimiter,
                                      TernStoreFolderRole   role,
                                      GError              **error)
{
  sqlite3_stmt *stmt;

  if (!tern_store_db_begin (self, error))
    return FALSE;
  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE folders SET server_path = ?2, delimiter = coalesce (?3, delimiter), role = ?4"
                                  " WHERE id = ?1 AND (server_path IS NOT ?2 OR delimiter IS NOT coalesce (?3, delimiter)"
                                  " OR role != ?4) RETURNING id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  _tern_store_db_bind_text (stmt, 2, server_path);
  _tern_store_db_bind_text (stmt, 3, delimiter);
  sqlite3_bind_int (stmt, 4, role);
  if (!run_folder_changes (self, stmt, error))
    goto fail;
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

static gboolean
set_folder_subscribed (TernStoreDb *self, gint64 folder_id, gboolean subscribed, const char *sql, GError **error)
{
  sqlite3_stmt *stmt;

  if (!tern_store_db_begin (self, error))
    return FALSE;
  stmt = _tern_store_db_get_stmt (self, sql, error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int (stmt, 2, subscribed ? 1 : 0);
  if (!run_folder_changes (self, stmt, error))
    goto fail;
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_sync_set_folder_subscribed:
 *
 * Records whether the server lists the folder as subscribed, unless the journal
 * holds a change of the subscription made here that the server has not seen yet
 * (the replay sends it, and the next LIST sees it).
 */
gboolean
tern_store_db_sync_set_folder_subscribed (TernStoreDb  *self,
                                          gint64        folder_id,
                                          gboolean      subscribed,
                                          GError      **error)
{
  G_STATIC_ASSERT (TERN_STORE_JOURNAL_FOLDER_SUBSCRIBE == 9 && TERN_STORE_JOURNAL_FOLDER_UNSUBSCRIBE == 10);
  return set_folder_subscribed (self, folder_id, subscribed,
                                "UPDATE folders SET subscribed = ?2 WHERE id = ?1 AND subscribed != ?2"
                                " AND NOT EXISTS (SELECT 1 FROM journal WHERE folder_id = ?1 AND op IN (9, 10))"
                                " RETURNING id",
                                error);
}

/**
 * tern_store_db_sync_set_folder_subscribed_here:
 *
 * Subscribes to a folder or unsubscribes from it here, as the user asked (the
 * journal takes it to the server).
 */
gboolean
tern_store_db_sync_set_folder_subscribed_here (TernStoreDb  *self,
                                               gint64        folder_id,
                                               gboolean      subscribed,
                                               GError      **error)
{
  return set_folder_subscribed (self, folder_id, subscribed,
                                "UPDATE folders SET subscribed = ?2 WHERE id = ?1 AND subscribed != ?2 RETURNING id",
                                error);
}

static void
row_from_stmt (sqlite3_stmt *stmt, TernStoreDbSyncRow *row)
{
  row->id = sqlite3_column_int64 (stmt, 0);
  row->uid = (guint32) sqlite3_column_int64 (stmt, 1);
  row->flags = (TernStoreFlags) sqlite3_column_int (stmt, 2);
  row->has_body = sqlite3_column_int (stmt, 3) != 0;
}

gboolean
tern_store_db_sync_lookup_uid (TernStoreDb         *self,
                               gint64               folder_id,
                               guint32              uid,
                               TernStoreDbSyncRow  *row,
                               gboolean            *found,
                               GError             **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                 "SELECT id, uid, flags, has_body FROM messages WHERE folder_id = ?1 AND uid = ?2",
                                 error);
  int rc;

  *found = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      row_from_stmt (stmt, row);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static GArray *
collect_rows (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (TernStoreDbSyncRow));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernStoreDbSyncRow row;

      row_from_stmt (stmt, &row);
      g_array_append_val (rows, row);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

/**
 * tern_store_db_sync_list_rows:
 * @below_uid: only UIDs below this one (%TERN_STORE_LOCAL_UID_BASE: those the
 *   server knows)
 *
 * Returns: (transfer full) (element-type TernStoreDbSyncRow): the folder's messages
 *   by ascending UID
 */
GArray *
tern_store_db_sync_list_rows (TernStoreDb *self, gint64 folder_id, guint32 below_uid, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                 "SELECT id, uid, flags, has_body FROM messages"
                                 " WHERE folder_id = ?1 AND uid < ?2 ORDER BY uid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, below_uid);
  return collect_rows (self, stmt, error);
}

/**
 * tern_store_db_sync_list_missing_bodies:
 * @since: only messages whose date is at or after this Unix time (0: all)
 *
 * Returns: (transfer full) (element-type TernStoreDbSyncRow): the server messages
 *   known by their header only, newest first
 */
GArray *
tern_store_db_sync_list_missing_bodies (TernStoreDb *self, gint64 folder_id, gint64 since, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                 "SELECT id, uid, flags, has_body FROM messages"
                                 " WHERE folder_id = ?1 AND has_body = 0 AND uid < ?2 AND date >= ?3"
                                 " ORDER BY uid DESC", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, TERN_STORE_LOCAL_UID_BASE);
  sqlite3_bind_int64 (stmt, 3, since);
  return collect_rows (self, stmt, error);
}

gint64
tern_store_db_sync_count_server_messages (TernStoreDb *self, gint64 folder_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT count(*) FROM messages WHERE folder_id = ?1 AND uid < ?2", error);
  gint64 n = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, TERN_STORE_LOCAL_UID_BASE);
  if (!_tern_store_db_stmt_int64 (self, stmt, &n, NULL, error))
    return -1;
  return n;
}

/**
 * tern_store_db_sync_delete_server_messages:
 *
 * Forgets every message of the folder that came from the server (after a
 * UIDVALIDITY change); local-only ones (drafts and moves not replayed yet) stay.
 * Each one is announced as removed (by tern_store_db_delete_messages()).
 */
gboolean
tern_store_db_sync_delete_server_messages (TernStoreDb *self, gint64 folder_id, GError **error)
{
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) ids = NULL;

  /* The list and the deletion in one transaction: no message slips in between. */
  if (!tern_store_db_begin (self, error))
    return FALSE;
  rows = tern_store_db_sync_list_rows (self, folder_id, TERN_STORE_LOCAL_UID_BASE, error);
  if (rows == NULL)
    goto fail;
  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), rows->len);
  for (guint i = 0; i < rows->len; i++)
    g_array_append_val (ids, g_array_index (rows, TernStoreDbSyncRow, i).id);
  if (!tern_store_db_delete_messages (self, (const gint64 *) (void *) ids->data, ids->len, error))
    goto fail;
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_sync_next_local_uid:
 *
 * Returns: a UID of the local range free in the folder, or 0 on error
 */
guint32
tern_store_db_sync_next_local_uid (TernStoreDb *self, gint64 folder_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                 "SELECT max (coalesce (max (uid) + 1, 0), ?2) FROM messages"
                                 " WHERE folder_id = ?1 AND uid >= ?2", error);
  gint64 uid = 0;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, TERN_STORE_LOCAL_UID_BASE);
  if (!_tern_store_db_stmt_int64 (self, stmt, &uid, NULL, error))
    return 0;
  if (uid > G_MAXUINT32)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED,
                   _("The folder has no free local message number left"));
      return 0;
    }
  return (guint32) uid;
}

/**
 * tern_store_db_sync_set_uid:
 *
 * Gives a message its UID (the server's, once an offline move or an APPEND is
 * replayed). An unknown id is ignored.
 */
gboolean
tern_store_db_sync_set_uid (TernStoreDb *self, gint64 message_id, guint32 uid, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 folder_id = 0;
  gboolean found = FALSE;

  if (!tern_store_db_begin (self, error))
    return FALSE;
  stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET uid = ?2 WHERE id = ?1 AND uid != ?2 RETURNING folder_id",
                                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, uid);
  if (!_tern_store_db_stmt_int64 (self, stmt, &folder_id, &found, error))
    goto fail;
  if (found)
    _tern_store_db_add_change (self, TERN_STORE_CHANGE_CHANGED, folder_id, message_id);
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_sync_move_message:
 *
 * Moves a message to another folder under the given UID (folder counts follow, by
 * the schema's triggers). Unlike tern_store_db_move_messages() it leaves the
 * folders' UIDNEXT alone: for IMAP folders that is the server's. The message is
 * announced as removed from its folder and added to @folder_id, or as changed when
 * only its UID changes. An unknown id is ignored.
 */
gboolean
tern_store_db_sync_move_message (TernStoreDb *self, gint64 message_id, gint64 folder_id, guint32 uid,
                                 GError **error)
{
  sqlite3_stmt *stmt;
  gint64 old_folder = 0, id = 0;
  gboolean found = FALSE;

  if (!tern_store_db_begin (self, error))
    return FALSE;

  stmt = _tern_store_db_get_stmt (self, "SELECT folder_id FROM messages WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!_tern_store_db_stmt_int64 (self, stmt, &old_folder, &found, error))
    goto fail;
  if (!found)
    return tern_store_db_commit (self, error);

  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE messages SET folder_id = ?2, uid = ?3"
                                  " WHERE id = ?1 AND (folder_id != ?2 OR uid != ?3) RETURNING id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, folder_id);
  sqlite3_bind_int64 (stmt, 3, uid);
  if (!_tern_store_db_stmt_int64 (self, stmt, &id, &found, error))
    goto fail;
  if (found && old_folder == folder_id)
    _tern_store_db_add_change (self, TERN_STORE_CHANGE_CHANGED, folder_id, message_id);
  else if (found)
    {
      _tern_store_db_add_change (self, TERN_STORE_CHANGE_REMOVED, old_folder, message_id);
      _tern_store_db_add_change (self, TERN_STORE_CHANGE_ADDED, folder_id, message_id);
    }
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_sync_move_messages:
 * @from_folder_id: the folder @ids are in
 * @ids: (array length=n): messages of @from_folder_id
 * @uids: (array length=n): the UID each gets in @folder_id
 *
 * tern_store_db_sync_move_message() for many messages of one folder, in one
 * UPDATE: a selection of 10,000 messages moves in a fraction of the time the
 * statements one by one take (each has its statement journal and lookups). A
 * message no longer in @from_folder_id is left alone.
 */
gboolean
tern_store_db_sync_move_messages (TernStoreDb   *self,
                                  gint64         from_folder_id,
                                  const gint64  *ids,
                                  const guint32 *uids,
                                  guint          n,
                                  gint64         folder_id,
                                  GError       **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (n == 0 || from_folder_id == folder_id)
    return TRUE;
  if (!tern_store_db_begin (self, error))
    return FALSE;

  if ((stmt = _tern_store_db_get_stmt (self, "DELETE FROM temp.move_set", error)) == NULL ||
      !_tern_store_db_stmt_run (self, stmt, error))
    goto fail;
  if ((stmt = _tern_store_db_get_stmt (self, "INSERT OR REPLACE INTO temp.move_set (id, uid) VALUES (?1, ?2)",
                                       error)) == NULL)
    goto fail;
  for (guint i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int64 (stmt, 2, uids[i]);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail;
    }

  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE messages SET folder_id = ?1, uid = s.uid FROM temp.move_set AS s"
                                  " WHERE messages.id = s.id AND messages.folder_id = ?2 RETURNING messages.id",
                                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, from_folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      _tern_store_db_add_change (self, TERN_STORE_CHANGE_REMOVED, from_folder_id, id);
      _tern_store_db_add_change (self, TERN_STORE_CHANGE_ADDED, folder_id, id);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      goto fail;
    }

  if ((stmt = _tern_store_db_get_stmt (self, "DELETE FROM temp.move_set", error)) == NULL ||
      !_tern_store_db_stmt_run (self, stmt, error))
    goto fail;
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_sync_rename_folder:
 * @new_path: the new path, "/" between levels; its parent must exist
 *
 * Renames a folder and, with it, the paths of its subfolders. Each folder whose
 * row changed is announced (tern_store_changes_add_folder()), and so is a parent
 * created for the new path.
 */
gboolean
tern_store_db_sync_rename_folder (TernStoreDb *self, gint64 folder_id, const char *new_path, GError **error)
{
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autoptr(TernStoreFolder) parent = NULL;
  g_autofree char *parent_path = NULL;
  const char *slash = strrchr (new_path, '/');
  sqlite3_stmt *stmt;
  const char *old_path;

  if (!tern_store_db_begin (self, error))
    return FALSE;

  if ((folder = tern_store_db_get_folder (self, folder_id, error)) == NULL)
    goto fail;
  old_path = tern_store_folder_get_path (folder);

  if (slash != NULL)
    {
      parent_path = g_strndup (new_path, slash - new_path);
      parent = tern_store_db_ensure_folder (self, tern_store_folder_get_account_id (folder), parent_path,
                                            TERN_STORE_FOLDER_ROLE_NONE, error);
      if (parent == NULL)
        goto fail;
    }

  stmt = _tern_store_db_get_stmt (self,
                   "UPDATE folders SET path = ?3 || substr (path, length (?2) + 1)"
                   " WHERE account_id = ?1 AND substr (path, 1, length (?2) + 1) = ?2 || '/' AND ?2 IS NOT ?3"
                   " RETURNING id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, tern_store_folder_get_account_id (folder));
  _tern_store_db_bind_text (stmt, 2, old_path);
  _tern_store_db_bind_text (stmt, 3, new_path);
  if (!run_folder_changes (self, stmt, error))
    goto fail;

  stmt = _tern_store_db_get_stmt (self,
                   "UPDATE folders SET path = ?2, name = ?3, parent_id = nullif (?4, 0)"
                   " WHERE id = ?1 AND (path IS NOT ?2 OR name IS NOT ?3 OR parent_id IS NOT nullif (?4, 0))"
                   " RETURNING id", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  _tern_store_db_bind_text (stmt, 2, new_path);
  _tern_store_db_bind_text (stmt, 3, slash != NULL ? slash + 1 : new_path);
  sqlite3_bind_int64 (stmt, 4, parent != NULL ? tern_store_folder_get_id (parent) : 0);
  if (!run_folder_changes (self, stmt, error))
    goto fail;

  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/* The ids of all the folder's messages. */
static GArray *
list_message_ids (TernStoreDb *self, gint64 folder_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT id FROM messages WHERE folder_id = ?1", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  return _tern_store_db_collect_int64 (self, stmt, error);
}

/**
 * tern_store_db_sync_delete_folder:
 *
 * Deletes a folder, its subfolders and their messages. Each message is announced
 * as removed (by tern_store_db_delete_messages()), and each folder as changed
 * (tern_store_changes_add_folder(); tern_store_db_get_folder() no longer finds it).
 */
gboolean
tern_store_db_sync_delete_folder (TernStoreDb *self, gint64 folder_id, GError **error)
{
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autoptr(GArray) folder_ids = NULL;
  sqlite3_stmt *stmt;

  if (!tern_store_db_begin (self, error))
    return FALSE;
  if ((folder = tern_store_db_get_folder (self, folder_id, error)) == NULL)
    goto fail;

  stmt = _tern_store_db_get_stmt (self,
                   "SELECT id FROM folders WHERE account_id = ?1"
                   " AND (id = ?2 OR substr (path, 1, length (?3) + 1) = ?3 || '/') ORDER BY length (path) DESC",
                   error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, tern_store_folder_get_account_id (folder));
  sqlite3_bind_int64 (stmt, 2, folder_id);
  _tern_store_db_bind_text (stmt, 3, tern_store_folder_get_path (folder));
  if ((folder_ids = _tern_store_db_collect_int64 (self, stmt, error)) == NULL)
    goto fail;

  for (guint i = 0; i < folder_ids->len; i++)
    {
      gint64 id = g_array_index (folder_ids, gint64, i);
      g_autoptr(GArray) ids = list_message_ids (self, id, error);

      /* Every message, whatever its UID: none may go by the cascade unannounced
       * (nor stay in the search index). */
      if (ids == NULL)
        goto fail;
      if (!tern_store_db_delete_messages (self, (const gint64 *) (void *) ids->data, ids->len, error))
        goto fail;

      stmt = _tern_store_db_get_stmt (self, "DELETE FROM folders WHERE id = ?1 RETURNING id", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!run_folder_changes (self, stmt, error))
        goto fail;
    }
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_delete_account:
 *
 * Deletes an account's folders (each message announced as removed, each folder as
 * changed, as tern_store_db_sync_delete_folder() does), then the account itself with
 * what is left of it (its outbox, journal and POP3 state go with it).
 */
gboolean
tern_store_db_delete_account (TernStoreDb *self, gint64 account_id, GError **error)
{
  g_autoptr(GPtrArray) folders = tern_store_db_list_folders (self, account_id, error);
  sqlite3_stmt *stmt;
  int rc;

  if (folders == NULL)
    return FALSE;
  for (guint i = 0; i < folders->len; i++)
    {
      gint64 id = tern_store_folder_get_id (folders->pdata[i]);
      g_autoptr(TernStoreFolder) still = tern_store_db_get_folder (self, id, NULL);

      /* A subfolder went with its parent already. */
      if (still != NULL && !tern_store_db_sync_delete_folder (self, id, error))
        return FALSE;
    }
  stmt = _tern_store_db_get_stmt (self, "DELETE FROM accounts WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  rc = sqlite3_step (stmt);
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* ---- the journal ---------------------------------------------------------------- */

void
tern_store_db_journal_entry_free (TernStoreDbJournalEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->uids);
  g_free (entry->keywords_add);
  g_free (entry->keywords_remove);
  g_free (entry->name);
  g_free (entry);
}

/**
 * tern_store_db_sync_journal_append:
 * @keywords_add: (nullable): IMAP keywords to add ($Forwarded, $label1...), space
 *   separated, or %NULL; an empty string is stored as %NULL
 * @keywords_remove: (nullable): IMAP keywords to remove, the same way
 * @message_id: the local message an APPEND uploads, or 0
 *
 * Records a server operation made while offline, to replay in order later.
 *
 * Returns: the entry id, or 0 on error
 */
gint64
tern_store_db_sync_journal_append (TernStoreDb         *self,
                                   gint64               account_id,
                                   TernStoreJournalOp   op,
                                   gint64               folder_id,
                                   gint64               target_folder_id,
                                   const char          *uids,
                                   TernStoreFlags       flags_add,
                                   TernStoreFlags       flags_remove,
                                   const char          *keywords_add,
                                   const char          *keywords_remove,
                                   const char          *name,
                                   gint64               message_id,
                                   GError             **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                 "INSERT INTO journal (account_id, op, folder_id, target_folder_id, uids,"
                                 " flags_add, flags_remove, name, message, created, keywords_add, keywords_remove)"
                                 " VALUES (?1, ?2, nullif (?3, 0), nullif (?4, 0), ?5, ?6, ?7, ?8, nullif (?9, 0), ?10,"
                                 " nullif (?11, ''), nullif (?12, ''))",
                                 error);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int (stmt, 2, op);
  sqlite3_bind_int64 (stmt, 3, folder_id);
  sqlite3_bind_int64 (stmt, 4, target_folder_id);
  _tern_store_db_bind_text (stmt, 5, uids);
  sqlite3_bind_int (stmt, 6, flags_add);
  sqlite3_bind_int (stmt, 7, flags_remove);
  _tern_store_db_bind_text (stmt, 8, name);
  sqlite3_bind_int64 (stmt, 9, message_id);
  sqlite3_bind_int64 (stmt, 10, g_get_real_time () / G_USEC_PER_SEC);
  _tern_store_db_bind_text (stmt, 11, keywords_add);
  _tern_store_db_bind_text (stmt, 12, keywords_remove);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (_tern_store_db_get_handle (self));
}

/**
 * tern_store_db_sync_list_journal:
 *
 * Returns: (transfer full) (element-type TernStoreDbJournalEntry): the account's
 *   journal, oldest first
 */
GPtrArray *
tern_store_db_sync_list_journal (TernStoreDb *self, gint64 account_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                 "SELECT id, op, coalesce (folder_id, 0), coalesce (target_folder_id, 0), uids,"
                                 " flags_add, flags_remove, name, coalesce (message, 0), attempts,"
                                 " keywords_add, keywords_remove"
                                 " FROM journal WHERE account_id = ?1 ORDER BY id", error);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_store_db_journal_entry_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernStoreDbJournalEntry *entry = g_new0 (TernStoreDbJournalEntry, 1);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->op = (TernStoreJournalOp) sqlite3_column_int (stmt, 1);
      entry->folder_id = sqlite3_column_int64 (stmt, 2);
      entry->target_folder_id = sqlite3_column_int64 (stmt, 3);
      entry->uids = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      entry->flags_add = (TernStoreFlags) sqlite3_column_int (stmt, 5);
      entry->flags_remove = (TernStoreFlags) sqlite3_column_int (stmt, 6);
      entry->name = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
      entry->message_id = sqlite3_column_int64 (stmt, 8);
      entry->attempts = (guint) sqlite3_column_int (stmt, 9);
      entry->keywords_add = g_strdup ((const char *) sqlite3_column_text (stmt, 10));
      entry->keywords_remove = g_strdup ((const char *) sqlite3_column_text (stmt, 11));
      g_ptr_array_add (entries, entry);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/**
 * tern_store_db_sync_journal_count:
 *
 * Returns: how many entries the account's journal holds, or -1 on error
 */
gint64
tern_store_db_sync_journal_count (TernStoreDb *self, gint64 account_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT count(*) FROM journal WHERE account_id = ?1", error);
  gint64 n = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (!_tern_store_db_stmt_int64 (self, stmt, &n, NULL, error))
    return -1;
  return n;
}

/* Removes a replayed entry. */
gboolean
tern_store_db_sync_journal_remove (TernStoreDb *self, gint64 entry_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "DELETE FROM journal WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  return _tern_store_db_stmt_run (self, stmt, error);
}

/**
 * tern_store_db_sync_journal_add_message:
 *
 * Names a message of a journal entry (the entry's operation applies to it).
 */
gboolean
tern_store_db_sync_journal_add_message (TernStoreDb                     *self,
                                        gint64                           entry_id,
                                        const TernStoreDbJournalMessage *message,
                                        GError                         **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "INSERT OR REPLACE INTO journal_messages"
                                                " (entry, message, uid, copy, folder)"
                                                " VALUES (?1, ?2, ?3, nullif (?4, 0), nullif (?5, 0))",
                                                error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  sqlite3_bind_int64 (stmt, 2, message->message_id);
  sqlite3_bind_int64 (stmt, 3, message->uid);
  sqlite3_bind_int64 (stmt, 4, message->copy_id);
  sqlite3_bind_int64 (stmt, 5, message->folder_id);
  return _tern_store_db_stmt_run (self, stmt, error);
}

/* Rows per INSERT in tern_store_db_sync_journal_add_messages() (4 parameters each,
 * far below SQLite's limit of 32,766) */
#define JOURNAL_ROWS_PER_INSERT 128

/**
 * tern_store_db_sync_journal_add_messages:
 * @messages: (array length=n): what tern_store_db_sync_journal_add_message() takes
 *
 * tern_store_db_sync_journal_add_message() for many messages, a batch of rows per
 * statement: a selection of thousands is journaled in a fraction of the time.
 */
gboolean
tern_store_db_sync_journal_add_messages (TernStoreDb                     *self,
                                         gint64                           entry_id,
                                         const TernStoreDbJournalMessage *messages,
                                         guint                            n,
                                         GError                         **error)
{
  static char *batch_sql = NULL;
  guint i = 0;

  if (g_once_init_enter (&batch_sql))
    {
      GString *sql = g_string_new ("INSERT OR REPLACE INTO journal_messages (entry, message, uid, copy, folder) VALUES");

      for (guint r = 0; r < JOURNAL_ROWS_PER_INSERT; r++)
        g_string_append_printf (sql, "%s(?1, ?%u, ?%u, nullif (?%u, 0), nullif (?%u, 0))", r > 0 ? "," : " ",
                                2 + 4 * r, 3 + 4 * r, 4 + 4 * r, 5 + 4 * r);
      g_once_init_leave (&batch_sql, g_string_free (sql, FALSE));
    }

  for (; i + JOURNAL_ROWS_PER_INSERT <= n; i += JOURNAL_ROWS_PER_INSERT)
    {
      sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, batch_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, entry_id);
      for (guint r = 0; r < JOURNAL_ROWS_PER_INSERT; r++)
        {
          const TernStoreDbJournalMessage *m = &messages[i + r];

          sqlite3_bind_int64 (stmt, 2 + 4 * r, m->message_id);
          sqlite3_bind_int64 (stmt, 3 + 4 * r, m->uid);
          sqlite3_bind_int64 (stmt, 4 + 4 * r, m->copy_id);
          sqlite3_bind_int64 (stmt, 5 + 4 * r, m->folder_id);
        }
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return FALSE;
    }
  for (; i < n; i++)
    if (!tern_store_db_sync_journal_add_message (self, entry_id, &messages[i], error))
      return FALSE;
  return TRUE;
}

/**
 * tern_store_db_sync_journal_list_messages:
 *
 * Returns: (transfer full) (element-type TernStoreDbJournalMessage): the messages
 *   an entry names
 */
GArray *
tern_store_db_sync_journal_list_messages (TernStoreDb *self, gint64 entry_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT message, uid, coalesce (copy, 0),"
                                                " coalesce (folder, 0) FROM journal_messages"
                                                " WHERE entry = ?1 ORDER BY message", error);
  g_autoptr(GArray) messages = g_array_new (FALSE, FALSE, sizeof (TernStoreDbJournalMessage));
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, entry_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernStoreDbJournalMessage m = {
        sqlite3_column_int64 (stmt, 0), (guint32) sqlite3_column_int64 (stmt, 1),
        sqlite3_column_int64 (stmt, 2), sqlite3_column_int64 (stmt, 3)
      };
      g_array_append_val (messages, m);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&messages);
}

/* The later entries than @entry_id that name @message_id without a UID, in order,
 * up to and including the first that moves or deletes it (@moves_on). Only those of
 * @entry_id's account: a UID is one server's, and an entry of another account (the
 * message went there and came back, say) acts on that account's copy. */
static GArray *
later_entries (TernStoreDb *self, gint64 entry_id, gint64 message_id, gboolean *moves_on, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT jm.entry, j.op FROM journal_messages jm JOIN journal j ON j.id = jm.entry"
                                                " WHERE jm.message = ?1 AND jm.uid = 0 AND jm.entry > ?2"
                                                " AND j.account_id = (SELECT account_id FROM journal WHERE id = ?2)"
                                                " ORDER BY jm.entry",
                                                error);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  *moves_on = FALSE;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, entry_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 entry = sqlite3_column_int64 (stmt, 0);
      int op = sqlite3_column_int (stmt, 1);

      g_array_append_val (entries, entry);
      if (op == TERN_STORE_JOURNAL_MOVE || op == TERN_STORE_JOURNAL_DELETE)
        {
          *moves_on = TRUE;
          break;
        }
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

/**
 * tern_store_db_sync_journal_forward:
 * @entry_id: the entry just replayed, which placed the message on the server (or
 *   which the server refused, leaving the message where it was)
 * @folder_id: the folder the server has the message in, when not the folder of
 *   the later entries (which name it where it was when they were made); else 0
 * @uid: the message's UID there
 * @moves_on: (out) (optional): %TRUE when a later entry moves or deletes the
 *   message (its local row belongs there, not where @entry_id put it)
 *
 * Hands @uid (and @folder_id) on to the later entries that name @message_id
 * without a UID (made while the server had not placed it yet), up to and including
 * the first one that moves or deletes it.
 */
gboolean
tern_store_db_sync_journal_forward (TernStoreDb  *self,
                                    gint64        entry_id,
                                    gint64        message_id,
                                    gint64        folder_id,
                                    guint32       uid,
                                    gboolean     *moves_on,
                                    GError      **error)
{
  g_autoptr(GArray) entries = NULL;
  sqlite3_stmt *stmt;
  gboolean on = FALSE;

  if (moves_on != NULL)
    *moves_on = FALSE;
  if ((entries = later_entries (self, entry_id, message_id, &on, error)) == NULL)
    return FALSE;

  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE journal_messages SET uid = ?3, folder = nullif (?4, 0)"
                                  " WHERE entry = ?1 AND message = ?2", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, g_array_index (entries, gint64, i));
      sqlite3_bind_int64 (stmt, 2, message_id);
      sqlite3_bind_int64 (stmt, 3, uid);
      sqlite3_bind_int64 (stmt, 4, folder_id);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return FALSE;
    }
  if (moves_on != NULL)
    *moves_on = on;
  return TRUE;
}

/**
 * tern_store_db_sync_journal_moves_on:
 * @moves_on: (out): %TRUE when an entry later than @entry_id moves or deletes
 *   @message_id, which the server has not placed yet (named without a UID)
 *
 * What tern_store_db_sync_journal_forward() tells, without handing anything on.
 */
gboolean
tern_store_db_sync_journal_moves_on (TernStoreDb  *self,
                                     gint64        entry_id,
                                     gint64        message_id,
                                     gboolean     *moves_on,
                                     GError      **error)
{
  g_autoptr(GArray) entries = later_entries (self, entry_id, message_id, moves_on, error);

  return entries != NULL;
}

/**
 * tern_store_db_sync_journal_attempted:
 *
 * Counts a try of the entry, durably (see _tern_store_db_make_durable()): it is
 * on disk before the entry's command goes to the server, so that a try after a
 * crash or a power cut knows the command may have reached the server already.
 */
gboolean
tern_store_db_sync_journal_attempted (TernStoreDb *self, gint64 entry_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "UPDATE journal SET attempts = attempts + 1 WHERE id = ?1",
                                                error);

  if (stmt == NULL || !tern_store_db_begin (self, error))
    return FALSE;
  _tern_store_db_make_durable (self);
  sqlite3_bind_int64 (stmt, 1, entry_id);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    {
      tern_store_db_rollback (self);
      return FALSE;
    }
  return tern_store_db_commit (self, error);
}
