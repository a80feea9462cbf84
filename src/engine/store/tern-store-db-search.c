/* tern-store-db-search.c: the full-text search index (FTS5), searching, and the
 * newest-first order of a folder or a search (tern_store_db_list_keys())
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-error.h"
#include "tern-store-private.h"

/* ---- the search index ----------------------------------------------------------- */

/* A row for the search index, inserted (or deleted) at the end of the transaction
 * (see _tern_store_db_index_entry()). */
typedef struct
{
  gboolean remove;
  gint64  sort_key;
  char   *sender;
  char   *recipients;
  char   *subject;
  char   *body;
  char   *attachments;
} PendingIndex;

static void
pending_index_clear (gpointer data)
{
  PendingIndex *entry = data;

  g_free (entry->sender);
  g_free (entry->recipients);
  g_free (entry->subject);
  g_free (entry->body);
  g_free (entry->attachments);
}

static char *
join_recipients (const char *to, const char *cc, const char *bcc)
{
  GString *s = g_string_new (NULL);
  const char *parts[] = { to, cc, bcc };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL)
      {
        if (s->len > 0)
          g_string_append_c (s, '\n');
        g_string_append (s, parts[i]);
      }
  return g_string_free (s, FALSE);
}

static gboolean
insert_index_row (TernStoreDb *self,
                  gboolean     remove,
                  gint64       sort_key,
                  const char  *sender,
                  const char  *recipients,
                  const char  *subject,
                  const char  *body,
                  const char  *attachments,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  if (remove)
    stmt = _tern_store_db_get_stmt (self,
                                    "INSERT INTO message_search (message_search, rowid, sender, recipients, subject, body, attachments)"
                                    " VALUES ('delete', ?1, ?2, ?3, ?4, ?5, ?6)", error);
  else
    stmt = _tern_store_db_get_stmt (self,
                                    "INSERT INTO message_search (rowid, sender, recipients, subject, body, attachments)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sort_key);
  sqlite3_bind_text (stmt, 2, sender != NULL ? sender : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, recipients != NULL ? recipients : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, subject != NULL ? subject : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, body != NULL ? body : "", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, attachments != NULL ? attachments : "", -1, SQLITE_STATIC);
  return _tern_store_db_stmt_run (self, stmt, error);
}

/* Inserts (and deletes) the search index rows queued by _tern_store_db_index_entry(),
 * in order. Runs before COMMIT and before a search, so that nothing ever sees the
 * index without them. */
gboolean
_tern_store_db_flush_pending_index (TernStoreDb *self, GError **error)
{
  gboolean ok = TRUE;

  if (self->pending_index == NULL || self->pending_index->len == 0)
    return TRUE;
  for (guint i = 0; ok && i < self->pending_index->len; i++)
    {
      PendingIndex *entry = &g_array_index (self->pending_index, PendingIndex, i);

      ok = insert_index_row (self, entry->remove, entry->sort_key, entry->sender, entry->recipients, entry->subject,
                             entry->body, entry->attachments, error);
    }
  g_array_set_size (self->pending_index, 0);
  if (!ok)
    self->tx_failed = TRUE;
  return ok;
}

/* Adds or removes ("delete") a row of the contentless search index; the values
 * must be exactly those indexed.
 *
 * Inside a transaction, the change is queued and made at the end, in order
 * (_tern_store_db_flush_pending_index()): FTS5 writes out its pending terms as a new
 * segment at every statement savepoint, and every INSERT INTO messages opens one (its
 * triggers), so inserting the index row next to each message made one tiny segment
 * per message (and merges of them): a fifth of an IMAP sync's CPU time. Queued, a
 * transaction's rows make one segment. A removal is queued too: a body replacing the
 * header-only entry of its message (the sync's header pass, searchable at once) made
 * a segment per body when it was not (15% of a first sync's writer). */
gboolean
_tern_store_db_index_entry (TernStoreDb *self,
                            gboolean     remove,
                            gint64       sort_key,
                            const char  *from,
                            const char  *to,
                            const char  *cc,
                            const char  *bcc,
                            const char  *subject,
                            const char  *body,
                            const char  *attachments,
                            GError     **error)
{
  g_autofree char *recipients = join_recipients (to, cc, bcc);

  if (self->tx_depth > 0)
    {
      PendingIndex entry = { remove, sort_key, g_strdup (from), g_steal_pointer (&recipients), g_strdup (subject),
                             g_strdup (body), g_strdup (attachments) };

      if (self->pending_index == NULL)
        {
          self->pending_index = g_array_new (FALSE, FALSE, sizeof (PendingIndex));
          g_array_set_clear_func (self->pending_index, pending_index_clear);
        }
      g_array_append_val (self->pending_index, entry);
      return TRUE;
    }
  return insert_index_row (self, remove, sort_key, from, recipients, subject, body, attachments, error);
}

void
_tern_store_db_indexed_row_clear (TernStoreDbIndexedRow *row)
{
  g_free (row->from);
  g_free (row->to);
  g_free (row->cc);
  g_free (row->bcc);
  g_free (row->subject);
}

gboolean
_tern_store_db_read_indexed_row (TernStoreDb *self, gint64 id, TernStoreDbIndexedRow *row, gboolean *found, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT folder_id, sort_key, indexed, from_addr, to_addr, cc_addr, bcc_addr, subject"
                                                " FROM messages WHERE id = ?1", error);
  int rc;

  memset (row, 0, sizeof *row);
  *found = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *found = TRUE;
      row->folder_id = sqlite3_column_int64 (stmt, 0);
      row->sort_key = sqlite3_column_int64 (stmt, 1);
      row->indexed = sqlite3_column_int (stmt, 2);
      row->from = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->to = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->cc = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      row->bcc = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->subject = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Removes a message's entry from the search index, re-extracting the text it was
 * made from (the index is contentless). @same: (nullable): the summary of the same
 * bytes, for a body the store lost (a power cut; the server's copy is stored again).
 * A body lost and not given leaves its entry: removing it with other words than
 * those indexed would damage the index. */
gboolean
_tern_store_db_unindex (TernStoreDb                 *self,
                        gint64                       id,
                        const TernStoreDbIndexedRow *row,
                        const TernMimeSummary       *same,
                        GError                     **error)
{
  g_autoptr(TernMimeSummary) summary = NULL;
  const TernMimeSummary *text = NULL;

  if (row->indexed == 0)
    return TRUE;
  if (row->indexed == 2)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) raw = tern_store_db_get_raw (self, id, &local_error);
      gsize len = 0;
      const guint8 *data;

      if (raw == NULL)
        {
          if (!g_error_matches (local_error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (same == NULL)
            return TRUE;
          text = same;
        }
      else
        {
          data = g_bytes_get_data (raw, &len);
          text = summary = tern_mime_summary_new (data != NULL ? data : (const guint8 *) "", len);
        }
    }
  return _tern_store_db_index_entry (self, TRUE, row->sort_key, row->from, row->to, row->cc, row->bcc, row->subject,
                                     text != NULL ? text->body_text : NULL,
                                     text != NULL ? text->attachment_names : NULL, error);
}

/**
 * tern_store_db_index_headers:
 * @folder_id: the folder
 * @n_indexed: (out) (optional): how many messages were indexed
 *
 * Puts the folder's header-only messages that are not in the search index yet
 * (TernStoreDbNewMessage.defer_index, their bodies never came) into it by their
 * headers; tern_store_db_set_raw() adds the body when it comes.
 */
gboolean
tern_store_db_index_headers (TernStoreDb  *self,
                             gint64        folder_id,
                             guint        *n_indexed,
                             GError      **error)
{
  g_autoptr(GArray) ids = NULL;
  sqlite3_stmt *stmt;

  if (n_indexed != NULL)
    *n_indexed = 0;
  stmt = _tern_store_db_get_stmt (self, "SELECT id FROM messages WHERE folder_id = ?1 AND indexed = 0 AND has_body = 0", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  if ((ids = _tern_store_db_collect_int64 (self, stmt, error)) == NULL)
    return FALSE;
  if (ids->len == 0)
    return TRUE;

  if (!tern_store_db_begin (self, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      TernStoreDbIndexedRow row;
      gboolean found = FALSE;

      if (!_tern_store_db_read_indexed_row (self, id, &row, &found, error))
        goto fail;
      if (found && row.indexed == 0)
        {
          gboolean ok = _tern_store_db_index_entry (self, FALSE, row.sort_key, row.from, row.to, row.cc, row.bcc, row.subject,
                                                    NULL, NULL, error);

          _tern_store_db_indexed_row_clear (&row);
          if (!ok)
            goto fail;
          stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET indexed = 1 WHERE id = ?1", error);
          if (stmt == NULL)
            goto fail;
          sqlite3_bind_int64 (stmt, 1, id);
          if (!_tern_store_db_stmt_run (self, stmt, error))
            goto fail;
          if (n_indexed != NULL)
            (*n_indexed)++;
        }
      else if (found)
        _tern_store_db_indexed_row_clear (&row);
    }
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/* Schema version 2 added the index: fill it for the messages already stored. */
gboolean
_tern_store_db_reindex_all (TernStoreDb *self, GError **error)
{
  sqlite3_stmt *list = NULL;
  sqlite3_stmt *mark = NULL;
  int rc;
  gboolean ok = FALSE;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT m.id, m.sort_key, m.from_addr, m.to_addr, m.cc_addr, m.bcc_addr,"
                           " m.subject, b.raw FROM messages m LEFT JOIN message_bodies b ON b.id = m.id",
                           -1, &list, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->db, "UPDATE messages SET indexed = ?2 WHERE id = ?1", -1, &mark, NULL);
  if (rc != SQLITE_OK)
    {
      _tern_store_db_set_error (self, rc, error);
      goto out;
    }

  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      g_autoptr(TernMimeSummary) summary = NULL;
      const guint8 *raw = sqlite3_column_blob (list, 7);
      gsize len = sqlite3_column_bytes (list, 7);
      gboolean has_raw = sqlite3_column_type (list, 7) != SQLITE_NULL;

      if (has_raw)
        summary = tern_mime_summary_new (raw != NULL ? raw : (const guint8 *) "", len);
      if (!_tern_store_db_index_entry (self, FALSE, sqlite3_column_int64 (list, 1),
                                       (const char *) sqlite3_column_text (list, 2),
                                       (const char *) sqlite3_column_text (list, 3),
                                       (const char *) sqlite3_column_text (list, 4),
                                       (const char *) sqlite3_column_text (list, 5),
                                       (const char *) sqlite3_column_text (list, 6),
                                       summary != NULL ? summary->body_text : NULL,
                                       summary != NULL ? summary->attachment_names : NULL, error))
        goto out;
      sqlite3_bind_int64 (mark, 1, sqlite3_column_int64 (list, 0));
      sqlite3_bind_int (mark, 2, has_raw ? 2 : 1);
      if (sqlite3_step (mark) != SQLITE_DONE)
        {
          _tern_store_db_set_error (self, sqlite3_errcode (self->db), error);
          goto out;
        }
      sqlite3_reset (mark);
    }
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      goto out;
    }
  ok = TRUE;

out:
  sqlite3_finalize (list);
  sqlite3_finalize (mark);
  /* The cached statements may refer to the old schema. */
  g_hash_table_remove_all (self->stmts);
  return ok;
}

/* ---- searching ------------------------------------------------------------------ */

/* What a search statement selects. */
enum
{
  SEARCH_ROWS,    /* TERN_STORE_MESSAGE_COLUMNS, a page of them */
  SEARCH_COUNT,   /* count(*) */
  SEARCH_KEYS,    /* sort_key and id of every match */
  SEARCH_THREAD_KEYS, /* sort_key and thread_id of every match */
};

/* Builds the SQL of a search. Parameters: ?1 the match, ?2 the exclusion match,
 * ?3/?4 the sort-key range, ?5.. the folders. */
static char *
search_sql (TernStoreQuery *query, int mode)
{
  GString *sql = g_string_new ("SELECT ");
  gboolean fts = tern_store_query_get_match (query) != NULL;
  const char * const *folders = tern_store_query_get_folders (query);
  const char * const *excluded = tern_store_query_get_excluded_folders (query);
  const char *key = fts ? "message_search.rowid" : "m.sort_key";
  int param = 5;

  g_string_append (sql, mode == SEARCH_COUNT ? "count(*)"
                        : mode == SEARCH_KEYS ? "m.sort_key, m.id"
                        : mode == SEARCH_THREAD_KEYS ? "m.sort_key, m.thread_id" : TERN_STORE_MESSAGE_COLUMNS);
  if (fts)
    g_string_append (sql, " FROM message_search CROSS JOIN messages m ON m.sort_key = message_search.rowid"
                          " WHERE message_search MATCH ?1");
  else
    g_string_append (sql, " FROM messages m WHERE 1");

  if (tern_store_query_get_exclude_match (query) != NULL)
    g_string_append (sql, " AND m.sort_key NOT IN (SELECT rowid FROM message_search WHERE message_search MATCH ?2)");
  if (tern_store_query_get_after (query) != 0)
    g_string_append_printf (sql, " AND %s >= ?3", key);
  if (tern_store_query_get_before (query) != 0)
    g_string_append_printf (sql, " AND %s < ?4", key);

#define TRISTATE(getter, yes, no) \
  switch (getter (query)) \
    { \
    case TERN_STORE_QUERY_YES: g_string_append (sql, " AND " yes); break; \
    case TERN_STORE_QUERY_NO: g_string_append (sql, " AND " no); break; \
    default: break; \
    }
  TRISTATE (tern_store_query_get_unread, "(m.flags & 1) = 0", "(m.flags & 1) != 0")
  TRISTATE (tern_store_query_get_answered, "(m.flags & 2) != 0", "(m.flags & 2) = 0")
  TRISTATE (tern_store_query_get_flagged, "(m.flags & 4) != 0", "(m.flags & 4) = 0")
  TRISTATE (tern_store_query_get_deleted, "(m.flags & 8) != 0", "(m.flags & 8) = 0")
  TRISTATE (tern_store_query_get_draft, "(m.flags & 16) != 0", "(m.flags & 16) = 0")
  TRISTATE (tern_store_query_get_has_attachment, "m.has_attachments = 1", "m.has_attachments = 0")
#undef TRISTATE

  if (folders[0] != NULL)
    {
      g_string_append (sql, " AND m.folder_id IN (SELECT id FROM folders WHERE path COLLATE NOCASE IN (");
      for (guint i = 0; folders[i] != NULL; i++)
        g_string_append_printf (sql, "%s?%d", i > 0 ? ", " : "", param++);
      g_string_append (sql, "))");
    }
  if (excluded[0] != NULL)
    {
      g_string_append (sql, " AND m.folder_id NOT IN (SELECT id FROM folders WHERE path COLLATE NOCASE IN (");
      for (guint i = 0; excluded[i] != NULL; i++)
        g_string_append_printf (sql, "%s?%d", i > 0 ? ", " : "", param++);
      g_string_append (sql, "))");
    }

  if (mode == SEARCH_ROWS)
    g_string_append_printf (sql, " ORDER BY %s DESC LIMIT ?%d OFFSET ?%d", key, param, param + 1);
  else if (mode == SEARCH_KEYS || mode == SEARCH_THREAD_KEYS)
    g_string_append_printf (sql, " ORDER BY %s DESC", key);

  return g_string_free (sql, FALSE);
}

static sqlite3_stmt *
prepare_search (TernStoreDb *self, TernStoreQuery *query, int mode, guint offset, guint limit, GError **error)
{
  g_autofree char *sql = search_sql (query, mode);
  const char * const *folders = tern_store_query_get_folders (query);
  const char * const *excluded = tern_store_query_get_excluded_folders (query);
  sqlite3_stmt *stmt;
  int param = 5;

  if (!_tern_store_db_flush_pending_index (self, error))
    return NULL;
  stmt = _tern_store_db_get_stmt (self, sql, error);

  if (stmt == NULL)
    {
      /* A match expression FTS5 rejects surfaces here; say it is the query. */
      if (error != NULL && *error != NULL && (*error)->code == TERN_STORE_ERROR_FAILED)
        (*error)->code = TERN_STORE_ERROR_INVALID_QUERY;
      return NULL;
    }

  _tern_store_db_bind_text (stmt, 1, tern_store_query_get_match (query));
  _tern_store_db_bind_text (stmt, 2, tern_store_query_get_exclude_match (query));
  sqlite3_bind_int64 (stmt, 3, CLAMP (tern_store_query_get_after (query), 0, (G_GINT64_CONSTANT (1) << 42) - 1) << TERN_STORE_DB_SORT_KEY_SHIFT);
  sqlite3_bind_int64 (stmt, 4, CLAMP (tern_store_query_get_before (query), 0, (G_GINT64_CONSTANT (1) << 42) - 1) << TERN_STORE_DB_SORT_KEY_SHIFT);
  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autofree char *path = _tern_store_db_normalize_path (folders[i]);
      _tern_store_db_bind_text (stmt, param++, path);
    }
  for (guint i = 0; excluded[i] != NULL; i++)
    {
      g_autofree char *path = _tern_store_db_normalize_path (excluded[i]);
      _tern_store_db_bind_text (stmt, param++, path);
    }
  if (mode == SEARCH_ROWS)
    {
      sqlite3_bind_int64 (stmt, param, limit);
      sqlite3_bind_int64 (stmt, param + 1, offset);
    }
  return stmt;
}

static void
fix_query_error (GError **error)
{
  /* FTS5 reports a bad expression when the statement runs. */
  if (error != NULL && *error != NULL && (*error)->code == TERN_STORE_ERROR_FAILED)
    (*error)->code = TERN_STORE_ERROR_INVALID_QUERY;
}

/**
 * tern_store_db_search:
 * @query: a parsed query
 * @offset: results to skip
 * @limit: the most results to return
 *
 * Returns: (transfer container) (element-type TernStoreMessage): matching
 *   messages of all accounts, newest first
 */
GPtrArray *
tern_store_db_search (TernStoreDb     *self,
                      TernStoreQuery  *query,
                      guint            offset,
                      guint            limit,
                      GError         **error)
{
  sqlite3_stmt *stmt = prepare_search (self, query, SEARCH_ROWS, offset, limit, error);
  GPtrArray *rows;

  if (stmt == NULL)
    return NULL;
  rows = _tern_store_db_collect_messages (self, stmt, error);
  if (rows == NULL)
    fix_query_error (error);
  return rows;
}

/**
 * tern_store_db_search_count:
 *
 * Returns: the number of messages matching @query, or -1 on error
 */
gint64
tern_store_db_search_count (TernStoreDb *self, TernStoreQuery *query, GError **error)
{
  sqlite3_stmt *stmt = prepare_search (self, query, SEARCH_COUNT, 0, 0, error);
  gint64 n = 0;

  if (stmt == NULL)
    return -1;
  if (!_tern_store_db_stmt_int64 (self, stmt, &n, NULL, error))
    {
      fix_query_error (error);
      return -1;
    }
  return n;
}

/**
 * tern_store_db_list_keys:
 * @folder_id: a folder, or 0 with @query
 * @query: (nullable): a search, or %NULL for the folder's messages
 *
 * The order of a folder's messages, or of a search's matches: what a list model
 * keeps of a 100,000-message folder (16 bytes a message).
 *
 * Returns: (transfer full) (element-type TernStoreDbKey): every message's sort key
 *   and id, newest first; %NULL on error
 */
static GArray *
list_keys (TernStoreDb *self, gint64 folder_id, TernStoreQuery *query, gboolean threads, GArray *except,
           GError **error)
{
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (TernStoreDbKey));
  g_autoptr(GHashTable) seen = threads ? g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL) : NULL;
  g_autoptr(GHashTable) skip = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (except != NULL && except->len > 0 && query == NULL)
    {
      skip = g_hash_table_new (g_int64_hash, g_int64_equal);
      for (guint i = 0; i < except->len; i++)
        g_hash_table_add (skip, &g_array_index (except, gint64, i));
    }

  if (query != NULL)
    stmt = prepare_search (self, query, threads ? SEARCH_THREAD_KEYS : SEARCH_KEYS, 0, 0, error);
  else
    {
      stmt = _tern_store_db_get_stmt (self, threads
                                            ? "SELECT sort_key, thread_id, id FROM messages WHERE folder_id = ?1"
                                              " ORDER BY sort_key DESC"
                                            : "SELECT sort_key, id FROM messages WHERE folder_id = ?1"
                                              " ORDER BY sort_key DESC", error);
      if (stmt != NULL)
        sqlite3_bind_int64 (stmt, 1, folder_id);
    }
  if (stmt == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernStoreDbKey key = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      if (skip != NULL)
        {
          gint64 message_id = sqlite3_column_int64 (stmt, threads ? 2 : 1);

          if (g_hash_table_contains (skip, &message_id))
            continue;
        }
      /* A conversation takes the place of its newest message: its first. */
      if (seen != NULL)
        {
          if (g_hash_table_contains (seen, &key.id))
            continue;
          g_array_append_val (keys, key);
          g_hash_table_add (seen, g_memdup2 (&key.id, sizeof key.id));
          continue;
        }
      g_array_append_val (keys, key);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      if (query != NULL)
        fix_query_error (error);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

GArray *
tern_store_db_list_keys (TernStoreDb     *self,
                         gint64           folder_id,
                         TernStoreQuery  *query,
                         GError         **error)
{
  g_return_val_if_fail (TERN_IS_STORE_DB (self), NULL);
  g_return_val_if_fail ((folder_id > 0) != (query != NULL), NULL);

  return list_keys (self, folder_id, query, FALSE, NULL, error);
}

/**
 * tern_store_db_list_thread_keys:
 * @folder_id: a folder, or 0 with @query
 * @query: (nullable): a search, or %NULL for the folder's conversations
 * @except: (nullable) (element-type gint64): messages of the folder to leave out
 *   (leaving it: see tern_store_hold_leaving())
 *
 * The order of a folder's conversations (or a search's), each in the place of its
 * newest message there.
 *
 * Returns: (transfer full) (element-type TernStoreDbKey): each conversation's id (in
 *   @id) with the sort key of its newest message, newest first; %NULL on error
 */
GArray *
tern_store_db_list_thread_keys (TernStoreDb     *self,
                                gint64           folder_id,
                                TernStoreQuery  *query,
                                GArray          *except,
                                GError         **error)
{
  g_return_val_if_fail (TERN_IS_STORE_DB (self), NULL);
  g_return_val_if_fail ((folder_id > 0) != (query != NULL), NULL);

  return list_keys (self, folder_id, query, TRUE, except, error);
}
