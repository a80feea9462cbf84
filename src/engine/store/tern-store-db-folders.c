/* tern-store-db-folders.c: the accounts and folders of the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-error.h"
#include "tern-store-private.h"

/* ---- accounts and folders ------------------------------------------------------- */

gint64
tern_store_db_lookup_account (TernStoreDb *self, const char *address, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT id FROM accounts WHERE address = ?1 COLLATE NOCASE", error);
  gint64 id = 0;
  gboolean found = FALSE;

  if (stmt == NULL)
    return 0;
  _tern_store_db_bind_text (stmt, 1, address);
  if (!_tern_store_db_stmt_int64 (self, stmt, &id, &found, error))
    return 0;
  if (!found)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No account “%s”"), address);
      return 0;
    }
  return id;
}

gint64
tern_store_db_ensure_account (TernStoreDb          *self,
                              const char           *address,
                              TernStoreAccountKind  kind,
                              GError              **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  if ((id = tern_store_db_lookup_account (self, address, NULL)) > 0)
    return id;

  stmt = _tern_store_db_get_stmt (self, "INSERT INTO accounts (address, kind) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return 0;
  _tern_store_db_bind_text (stmt, 1, address);
  sqlite3_bind_int (stmt, 2, kind);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return 0;
  return sqlite3_last_insert_rowid (self->db);
}

static TernStoreFolder *
folder_query (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);
  TernStoreFolder *folder = NULL;

  if (rc == SQLITE_ROW)
    folder = _tern_store_folder_new_from_stmt (stmt);
  else if (rc != SQLITE_DONE)
    _tern_store_db_set_error (self, rc, error);
  _tern_store_db_stmt_reset (stmt);
  return folder;
}

TernStoreFolder *
tern_store_db_get_folder (TernStoreDb *self, gint64 folder_id, GError **error)
{
  GError *local_error = NULL;
  TernStoreFolder *folder;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_FOLDER_COLUMNS " FROM " TERN_STORE_FOLDER_FROM
                                                " WHERE f.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  folder = folder_query (self, stmt, &local_error);
  if (folder == NULL && local_error == NULL)
    g_set_error (&local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                 _("No folder with id %" G_GINT64_FORMAT), folder_id);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return folder;
}

/* "inbox" and "Inbox/x" name the same folders as "INBOX" and "INBOX/x". */
char *
_tern_store_db_normalize_path (const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  GPtrArray *kept = g_ptr_array_new ();
  char *result;

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_ptr_array_add (kept, parts[i]);
  g_ptr_array_add (kept, NULL);
  result = g_strjoinv ("/", (char **) kept->pdata);
  g_ptr_array_free (kept, TRUE);

  if (g_ascii_strncasecmp (result, "INBOX", 5) == 0 && (result[5] == '\0' || result[5] == '/'))
    memcpy (result, "INBOX", 5);
  return result;
}

/**
 * tern_store_db_lookup_folder:
 * @account_id: the account
 * @path: the folder path, levels separated by '/'
 *
 * Returns: (transfer full): the folder, or %NULL with %TERN_STORE_ERROR_NOT_FOUND
 */
TernStoreFolder *
tern_store_db_lookup_folder (TernStoreDb *self, gint64 account_id, const char *path, GError **error)
{
  g_autofree char *normalized = _tern_store_db_normalize_path (path);
  GError *local_error = NULL;
  TernStoreFolder *folder;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_FOLDER_COLUMNS " FROM " TERN_STORE_FOLDER_FROM
                                                " WHERE f.account_id = ?1 AND f.path = ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  _tern_store_db_bind_text (stmt, 2, normalized);
  folder = folder_query (self, stmt, &local_error);
  if (folder == NULL && local_error == NULL)
    g_set_error (&local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                 _("No folder “%s”"), path);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return folder;
}

/**
 * tern_store_db_ensure_folder:
 *
 * Returns the folder at @path, creating it and its missing parents. @role is
 * given to the folder itself when it is created.
 *
 * Returns: (transfer full): the folder
 */
TernStoreFolder *
tern_store_db_ensure_folder (TernStoreDb          *self,
                             gint64                account_id,
                             const char           *path,
                             TernStoreFolderRole   role,
                             GError              **error)
{
  g_autofree char *normalized = _tern_store_db_normalize_path (path);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autoptr(TernStoreFolder) folder = NULL;
  gint64 parent_id = 0;

  if (*normalized == '\0')
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_FAILED, _("A folder needs a name"));
      return NULL;
    }

  if ((folder = tern_store_db_lookup_folder (self, account_id, normalized, NULL)) != NULL)
    return g_steal_pointer (&folder);

  if (!tern_store_db_begin (self, error))
    return NULL;

  parts = g_strsplit (normalized, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (prefix->len > 0)
        g_string_append_c (prefix, '/');
      g_string_append (prefix, parts[i]);

      g_clear_object (&folder);
      folder = tern_store_db_lookup_folder (self, account_id, prefix->str, NULL);
      if (folder == NULL)
        {
          sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                        "INSERT INTO folders (account_id, parent_id, name, path, delimiter, role, uidvalidity)"
                                                        " VALUES (?1, ?2, ?3, ?4, '/', ?5, ?6)", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, account_id);
          if (parent_id > 0)
            sqlite3_bind_int64 (stmt, 2, parent_id);
          _tern_store_db_bind_text (stmt, 3, parts[i]);
          _tern_store_db_bind_text (stmt, 4, prefix->str);
          sqlite3_bind_int (stmt, 5, parts[i + 1] == NULL ? role : TERN_STORE_FOLDER_ROLE_NONE);
          sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
          if (!_tern_store_db_stmt_run (self, stmt, error))
            goto fail;
          folder = tern_store_db_get_folder (self, sqlite3_last_insert_rowid (self->db), error);
          if (folder == NULL)
            goto fail;
          tern_store_changes_add_folder (self->changes, tern_store_folder_get_id (folder));
        }
      parent_id = tern_store_folder_get_id (folder);
    }

  if (!tern_store_db_commit (self, error))
    return NULL;
  return g_steal_pointer (&folder);

fail:
  tern_store_db_rollback (self);
  return NULL;
}

/**
 * tern_store_db_list_folders:
 * @account_id: an account, or 0 for all
 *
 * Returns: (transfer container) (element-type TernStoreFolder): the folders, by
 *   account and path
 */
GPtrArray *
tern_store_db_list_folders (TernStoreDb *self, gint64 account_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_FOLDER_COLUMNS " FROM " TERN_STORE_FOLDER_FROM
                                                " WHERE ?1 = 0 OR f.account_id = ?1 ORDER BY f.account_id, f.path", error);
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (folders, _tern_store_folder_new_from_stmt (stmt));
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&folders);
}

gboolean
tern_store_db_set_folder_sync_state (TernStoreDb  *self,
                                     gint64        folder_id,
                                     guint32       uidvalidity,
                                     guint32       uidnext,
                                     guint64       highestmodseq,
                                     GError      **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "UPDATE folders SET uidvalidity = ?2, uidnext = ?3, highestmodseq = ?4"
                                                " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, uidvalidity);
  sqlite3_bind_int64 (stmt, 3, uidnext);
  sqlite3_bind_int64 (stmt, 4, (gint64) highestmodseq);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No folder with id %" G_GINT64_FORMAT), folder_id);
      return FALSE;
    }
  return TRUE;
}
