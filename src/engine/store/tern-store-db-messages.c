/* tern-store-db-messages.c: adding, changing, moving, removing and reading messages
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-error.h"
#include "tern-store-private.h"

/* ---- adding messages ------------------------------------------------------------ */

/**
 * tern_store_db_compute_dedup_key:
 *
 * A 63-bit hash of a message's bytes that import uses to recognise a message it
 * stored already. To stay cheap on large attachments it hashes the size, the
 * first 32 KiB and the last 32 KiB (all of a message up to 64 KiB).
 */
gint64
tern_store_db_compute_dedup_key (const guint8 *data, gsize len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_MD5);
  guint8 digest[16];
  gsize digest_len = sizeof digest;
  guint64 size = GUINT64_TO_LE ((guint64) len);
  guint64 key = 0;
  const gsize window = 32 * 1024;

  g_checksum_update (checksum, (const guchar *) &size, sizeof size);
  if (len <= 2 * window)
    g_checksum_update (checksum, data, len);
  else
    {
      g_checksum_update (checksum, data, window);
      g_checksum_update (checksum, data + len - window, window);
    }
  g_checksum_get_digest (checksum, digest, &digest_len);
  for (guint i = 0; i < 8; i++)
    key = (key << 8) | digest[i];
  key &= G_MAXINT64;
  return key != 0 ? (gint64) key : 1;
}

/**
 * tern_store_db_list_dedup_keys:
 *
 * Returns: (transfer full) (element-type gint64): the dedup keys of a folder's
 *   messages
 */
GArray *
tern_store_db_list_dedup_keys (TernStoreDb *self, gint64 folder_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT dedup_key FROM messages WHERE folder_id = ?1 AND dedup_key != 0", error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  return _tern_store_db_collect_int64 (self, stmt, error);
}

static gint64
allocate_sort_key (TernStoreDb *self, gint64 date, GError **error)
{
  gint64 base = CLAMP (date, 0, (G_GINT64_CONSTANT (1) << 42) - 1) << TERN_STORE_DB_SORT_KEY_SHIFT;
  gint64 max = 0;
  gboolean found = FALSE;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT max(sort_key) FROM messages WHERE sort_key >= ?1 AND sort_key < ?2",
                                                error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, base);
  sqlite3_bind_int64 (stmt, 2, base + (1 << TERN_STORE_DB_SORT_KEY_SHIFT));
  if (!_tern_store_db_stmt_int64 (self, stmt, &max, &found, error))
    return -1;
  if (!found)
    return base;
  if (max + 1 < base + (1 << TERN_STORE_DB_SORT_KEY_SHIFT))
    return max + 1;

  /* More than 1024 messages in one second: take the next free key after it. */
  stmt = _tern_store_db_get_stmt (self, "SELECT 1 FROM messages WHERE sort_key = ?1", error);
  if (stmt == NULL)
    return -1;
  for (gint64 key = base + (1 << TERN_STORE_DB_SORT_KEY_SHIFT);; key++)
    {
      gint64 one;
      sqlite3_bind_int64 (stmt, 1, key);
      if (!_tern_store_db_stmt_int64 (self, stmt, &one, &found, error))
        return -1;
      if (!found)
        return key;
    }
}

static char *
join_references (char **refs)
{
  guint n = g_strv_length (refs);
  guint first = n > TERN_STORE_DB_MAX_THREAD_IDS ? n - TERN_STORE_DB_MAX_THREAD_IDS : 0;
  GString *s;

  if (n == 0)
    return NULL;
  s = g_string_new (NULL);
  for (guint i = first; i < n; i++)
    {
      if (s->len > 0)
        g_string_append_c (s, ' ');
      g_string_append_printf (s, "<%s>", refs[i]);
    }
  return g_string_free (s, FALSE);
}

/**
 * tern_store_db_add_message:
 * @message: what to add
 * @duplicate: (out) (optional): set to %TRUE when @message->skip_duplicate found
 *   the message in the folder already (its id is returned)
 *
 * Adds a message to a folder: its row, its raw bytes, its conversation and its
 * search index entry, in the current transaction (or its own).
 *
 * Returns: the message id, or 0 on error
 */
gint64
tern_store_db_add_message (TernStoreDb                 *self,
                           const TernStoreDbNewMessage *message,
                           gboolean                    *duplicate,
                           GError                     **error)
{
  g_autoptr(TernMimeSummary) own_summary = NULL;
  g_autofree char *refs = NULL;
  const TernMimeSummary *summary = message->summary;
  const guint8 *raw = NULL;
  gsize raw_len = 0;
  gint64 dedup_key = message->dedup_key;
  gint64 date, internal_date, sort_key, thread_id, id;
  guint32 uid = message->uid;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (TERN_IS_STORE_DB (self), 0);
  g_return_val_if_fail (message->raw != NULL || message->summary != NULL, 0);

  if (duplicate != NULL)
    *duplicate = FALSE;

  if (message->raw != NULL)
    raw = g_bytes_get_data (message->raw, &raw_len);
  if (raw == NULL && message->raw != NULL)
    raw = (const guint8 *) "";
  if (dedup_key == 0 && raw != NULL)
    dedup_key = tern_store_db_compute_dedup_key (raw, raw_len);

  if (!tern_store_db_begin (self, error))
    return 0;

  if (message->skip_duplicate && dedup_key != 0)
    {
      gint64 existing = 0;
      gboolean found = FALSE;

      stmt = _tern_store_db_get_stmt (self, "SELECT id FROM messages WHERE folder_id = ?1 AND dedup_key = ?2 LIMIT 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, message->folder_id);
      sqlite3_bind_int64 (stmt, 2, dedup_key);
      if (!_tern_store_db_stmt_int64 (self, stmt, &existing, &found, error))
        goto fail;
      if (found)
        {
          if (duplicate != NULL)
            *duplicate = TRUE;
          if (!tern_store_db_commit (self, error))
            return 0;
          return existing;
        }
    }

  /* Parse only what is not a duplicate. */
  if (summary == NULL)
    summary = own_summary = tern_mime_summary_new (raw, raw_len);

  if (uid == 0)
    {
      gint64 next = 0;
      gboolean found = FALSE;

      /* The folder's next UID, and never one that a message has (e.g. one the
       * IMAP worker stored with its own UID). */
      stmt = _tern_store_db_get_stmt (self,
                                      "UPDATE folders SET uidnext = max (uidnext,"
                                      " (SELECT coalesce (max (uid), 0) + 1 FROM messages WHERE folder_id = ?1)) + 1"
                                      " WHERE id = ?1 RETURNING uidnext - 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, message->folder_id);
      if (!_tern_store_db_stmt_int64 (self, stmt, &next, &found, error))
        goto fail;
      if (!found)
        {
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                       _("No folder with id %" G_GINT64_FORMAT), message->folder_id);
          goto fail;
        }
      uid = (guint32) next;
    }

  internal_date = message->internal_date != 0 ? message->internal_date
                  : summary->date != 0 ? summary->date : g_get_real_time () / G_USEC_PER_SEC;
  date = summary->date != 0 ? summary->date : internal_date;

  if ((sort_key = allocate_sort_key (self, date, error)) < 0)
    goto fail;
  if ((thread_id = _tern_store_db_assign_thread (self, summary, date, error)) == 0)
    goto fail;

  refs = join_references (summary->references);
  stmt = _tern_store_db_get_stmt (self,
                                  "INSERT INTO messages (folder_id, sort_key, uid, uidl, flags, keywords, internal_date,"
                                  " date, date_tz, size, from_addr, to_addr, cc_addr, bcc_addr, subject, message_id,"
                                  " in_reply_to, refs, has_attachments, has_body, preview, thread_id, dedup_key, indexed)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
                                  " ?18, ?19, ?20, ?21, ?22, ?23, ?24)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, message->folder_id);
  sqlite3_bind_int64 (stmt, 2, sort_key);
  sqlite3_bind_int64 (stmt, 3, uid);
  _tern_store_db_bind_text (stmt, 4, message->uidl);
  sqlite3_bind_int (stmt, 5, message->flags & TERN_STORE_FLAGS_ALL);
  _tern_store_db_bind_text (stmt, 6, message->keywords);
  sqlite3_bind_int64 (stmt, 7, internal_date);
  sqlite3_bind_int64 (stmt, 8, date);
  sqlite3_bind_int (stmt, 9, summary->date_tz);
  sqlite3_bind_int64 (stmt, 10, raw != NULL ? (gint64) raw_len : (gint64) message->size);
  _tern_store_db_bind_text (stmt, 11, summary->from);
  _tern_store_db_bind_text (stmt, 12, summary->to);
  _tern_store_db_bind_text (stmt, 13, summary->cc);
  _tern_store_db_bind_text (stmt, 14, summary->bcc);
  _tern_store_db_bind_text (stmt, 15, summary->subject);
  _tern_store_db_bind_text (stmt, 16, summary->message_id);
  _tern_store_db_bind_text (stmt, 17, summary->in_reply_to);
  _tern_store_db_bind_text (stmt, 18, refs);
  sqlite3_bind_int (stmt, 19, summary->has_attachments);
  sqlite3_bind_int (stmt, 20, raw != NULL);
  _tern_store_db_bind_text (stmt, 21, raw != NULL ? summary->preview : NULL);
  sqlite3_bind_int64 (stmt, 22, thread_id);
  sqlite3_bind_int64 (stmt, 23, dedup_key);
  sqlite3_bind_int (stmt, 24, raw != NULL ? 2 : message->defer_index ? 0 : 1);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    goto fail;
  id = sqlite3_last_insert_rowid (self->db);

  if (raw != NULL && !_tern_store_db_body_write (self, id, raw, raw_len, error))
    goto fail;

  if ((raw != NULL || !message->defer_index) &&
      !_tern_store_db_index_entry (self, FALSE, sort_key, summary->from, summary->to, summary->cc, summary->bcc,
                                   summary->subject,
                                   raw != NULL ? summary->body_text : NULL,
                                   raw != NULL ? summary->attachment_names : NULL, error))
    goto fail;

  tern_store_changes_add (self->changes, TERN_STORE_CHANGE_ADDED, message->folder_id, id);
  if (message->arrived)
    tern_store_changes_add (self->changes, TERN_STORE_CHANGE_ARRIVED, message->folder_id, id);

  if (!tern_store_db_commit (self, error))
    return 0;
  return id;

fail:
  tern_store_db_rollback (self);
  return 0;
}

/* ---- changing and removing messages --------------------------------------------- */

/**
 * tern_store_db_delete_messages:
 *
 * Removes messages (rows, raw bytes, index entries) from the store. Unknown ids
 * are ignored. Folder counts follow.
 */
gboolean
tern_store_db_delete_messages (TernStoreDb   *self,
                               const gint64  *ids,
                               guint          n_ids,
                               GError       **error)
{
  if (!tern_store_db_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      TernStoreDbIndexedRow row;
      gboolean found = FALSE;
      sqlite3_stmt *stmt;

      if (!_tern_store_db_read_indexed_row (self, ids[i], &row, &found, error))
        goto fail;
      if (!found)
        continue;
      if (!_tern_store_db_unindex (self, ids[i], &row, NULL, error))
        {
          _tern_store_db_indexed_row_clear (&row);
          goto fail;
        }
      _tern_store_db_indexed_row_clear (&row);

      stmt = _tern_store_db_get_stmt (self, "DELETE FROM messages WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail;
      tern_store_changes_add (self->changes, TERN_STORE_CHANGE_REMOVED, row.folder_id, ids[i]);
    }

  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_set_flags:
 *
 * Adds then removes flags on messages. Unknown ids are ignored.
 */
gboolean
tern_store_db_set_flags (TernStoreDb     *self,
                         const gint64    *ids,
                         guint            n_ids,
                         TernStoreFlags   add,
                         TernStoreFlags   remove,
                         GError         **error)
{
  sqlite3_stmt *stmt;

  if (!tern_store_db_begin (self, error))
    return FALSE;

  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE messages SET flags = (flags | ?2) & ~?3"
                                  " WHERE id = ?1 AND flags != ((flags | ?2) & ~?3) RETURNING folder_id", error);
  if (stmt == NULL)
    goto fail;

  for (guint i = 0; i < n_ids; i++)
    {
      gint64 folder_id = 0;
      gboolean found = FALSE;

      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int (stmt, 2, add & TERN_STORE_FLAGS_ALL);
      sqlite3_bind_int (stmt, 3, remove & TERN_STORE_FLAGS_ALL);
      if (!_tern_store_db_stmt_int64 (self, stmt, &folder_id, &found, error))
        goto fail;
      if (found)
        tern_store_changes_add (self->changes, TERN_STORE_CHANGE_CHANGED, folder_id, ids[i]);
    }

  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_set_keywords:
 * @keywords: (nullable): the message's IMAP keywords ($Forwarded, $Junk, $label1...),
 *   space separated, or %NULL for none
 *
 * Replaces a message's keywords. An unknown id is ignored.
 */
gboolean
tern_store_db_set_keywords (TernStoreDb  *self,
                            gint64        id,
                            const char   *keywords,
                            GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 folder_id = 0;
  gboolean found = FALSE;

  if (keywords != NULL && *keywords == '\0')
    keywords = NULL;
  if (!tern_store_db_begin (self, error))
    return FALSE;
  stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET keywords = ?2 WHERE id = ?1 AND keywords IS NOT ?2 RETURNING folder_id",
                                  error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  _tern_store_db_bind_text (stmt, 2, keywords);
  if (!_tern_store_db_stmt_int64 (self, stmt, &folder_id, &found, error))
    goto fail;
  if (found)
    tern_store_changes_add (self->changes, TERN_STORE_CHANGE_CHANGED, folder_id, id);
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_move_messages:
 *
 * Moves messages to another folder; they get UIDs of that folder.
 */
gboolean
tern_store_db_move_messages (TernStoreDb   *self,
                             const gint64  *ids,
                             guint          n_ids,
                             gint64         folder_id,
                             GError       **error)
{
  if (!tern_store_db_begin (self, error))
    return FALSE;

  for (guint i = 0; i < n_ids; i++)
    {
      sqlite3_stmt *stmt;
      gint64 old_folder = 0, uid = 0;
      gboolean found = FALSE;

      stmt = _tern_store_db_get_stmt (self, "SELECT folder_id FROM messages WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      if (!_tern_store_db_stmt_int64 (self, stmt, &old_folder, &found, error))
        goto fail;
      if (!found || old_folder == folder_id)
        continue;

      stmt = _tern_store_db_get_stmt (self,
                                      "UPDATE folders SET uidnext = max (uidnext,"
                                      " (SELECT coalesce (max (uid), 0) + 1 FROM messages WHERE folder_id = ?1)) + 1"
                                      " WHERE id = ?1 RETURNING uidnext - 1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, folder_id);
      if (!_tern_store_db_stmt_int64 (self, stmt, &uid, &found, error))
        goto fail;
      if (!found)
        {
          g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                       _("No folder with id %" G_GINT64_FORMAT), folder_id);
          goto fail;
        }

      stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET folder_id = ?2, uid = ?3 WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, ids[i]);
      sqlite3_bind_int64 (stmt, 2, folder_id);
      sqlite3_bind_int64 (stmt, 3, uid);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail;
      tern_store_changes_add (self->changes, TERN_STORE_CHANGE_REMOVED, old_folder, ids[i]);
      tern_store_changes_add (self->changes, TERN_STORE_CHANGE_ADDED, folder_id, ids[i]);
    }

  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_set_raw:
 *
 * Stores the raw bytes of a message known so far by its header only (IMAP),
 * and indexes its text. The decoded header fields (subject, addresses) are
 * decoded again from the whole message, which may read them better.
 */
gboolean
tern_store_db_set_raw (TernStoreDb *self, gint64 message_id, GBytes *raw, GError **error)
{
  return tern_store_db_set_raw_parsed (self, message_id, raw, NULL, 0, error);
}

/**
 * tern_store_db_set_raw_parsed:
 * @summary: (nullable): tern_mime_summary_new() of @raw, when the caller parsed it
 *   already (off the store's thread); %NULL to parse it here
 * @dedup_key: tern_store_db_compute_dedup_key() of @raw, or 0 to compute it here
 *
 * Like tern_store_db_set_raw().
 */
gboolean
tern_store_db_set_raw_parsed (TernStoreDb            *self,
                              gint64                  message_id,
                              GBytes                 *raw,
                              const TernMimeSummary  *summary,
                              gint64                  dedup_key,
                              GError                **error)
{
  g_autoptr(TernMimeSummary) own_summary = NULL;
  const guint8 *data;
  gsize len = 0;
  TernStoreDbIndexedRow row;
  gboolean found = FALSE;
  sqlite3_stmt *stmt;

  data = g_bytes_get_data (raw, &len);
  if (summary == NULL)
    summary = own_summary = tern_mime_summary_new (data != NULL ? data : (const guint8 *) "", len);
  if (dedup_key == 0)
    dedup_key = tern_store_db_compute_dedup_key (data != NULL ? data : (const guint8 *) "", len);

  if (!tern_store_db_begin (self, error))
    return FALSE;
  if (!_tern_store_db_read_indexed_row (self, message_id, &row, &found, error))
    goto fail;
  if (!found)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No message with id %" G_GINT64_FORMAT), message_id);
      goto fail;
    }
  /* A body a power cut lost was indexed from these same bytes (the server's). */
  if (!_tern_store_db_unindex (self, message_id, &row, summary, error) ||
      !_tern_store_db_body_write (self, message_id, data != NULL ? data : (const guint8 *) "", len, error))
    goto fail_row;

  /* The header alone may not say which charset raw 8-bit bytes in it are in; the
   * message's text part does (tern_mime_header_find_text_charset()). */
  if (g_strcmp0 (row.subject, summary->subject) != 0 || g_strcmp0 (row.from, summary->from) != 0 ||
      g_strcmp0 (row.to, summary->to) != 0 || g_strcmp0 (row.cc, summary->cc) != 0 ||
      g_strcmp0 (row.bcc, summary->bcc) != 0)
    {
      stmt = _tern_store_db_get_stmt (self,
                                      "UPDATE messages SET subject = ?2, from_addr = ?3, to_addr = ?4, cc_addr = ?5,"
                                      " bcc_addr = ?6 WHERE id = ?1", error);
      if (stmt == NULL)
        goto fail_row;
      sqlite3_bind_int64 (stmt, 1, message_id);
      _tern_store_db_bind_text (stmt, 2, summary->subject);
      _tern_store_db_bind_text (stmt, 3, summary->from);
      _tern_store_db_bind_text (stmt, 4, summary->to);
      _tern_store_db_bind_text (stmt, 5, summary->cc);
      _tern_store_db_bind_text (stmt, 6, summary->bcc);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail_row;
    }

  if (!_tern_store_db_index_entry (self, FALSE, row.sort_key, summary->from, summary->to, summary->cc, summary->bcc,
                                   summary->subject, summary->body_text, summary->attachment_names, error))
    goto fail_row;

  stmt = _tern_store_db_get_stmt (self,
                                  "UPDATE messages SET has_body = 1, indexed = 2, size = ?2, has_attachments = ?3,"
                                  " preview = ?4, dedup_key = ?5 WHERE id = ?1", error);
  if (stmt == NULL)
    goto fail_row;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, len);
  sqlite3_bind_int (stmt, 3, summary->has_attachments);
  _tern_store_db_bind_text (stmt, 4, summary->preview);
  sqlite3_bind_int64 (stmt, 5, dedup_key);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    goto fail_row;

  tern_store_changes_add (self->changes, TERN_STORE_CHANGE_CHANGED, row.folder_id, message_id);
  _tern_store_db_indexed_row_clear (&row);
  return tern_store_db_commit (self, error);

fail_row:
  _tern_store_db_indexed_row_clear (&row);
fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/* ---- reading messages ----------------------------------------------------------- */

GPtrArray *
_tern_store_db_collect_messages (TernStoreDb *self, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, _tern_store_message_new_from_stmt (stmt));
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

TernStoreMessage *
tern_store_db_get_message (TernStoreDb *self, gint64 message_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT " TERN_STORE_MESSAGE_COLUMNS " FROM messages m WHERE m.id = ?1", error);
  g_autoptr(GPtrArray) rows = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if ((rows = _tern_store_db_collect_messages (self, stmt, error)) == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No message with id %" G_GINT64_FORMAT), message_id);
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (rows, 0));
}

/**
 * tern_store_db_get_message_folder_id:
 *
 * The folder a message is in, without reading the rest of its row: what grouping
 * thousands of messages by folder or account needs (tern_store_db_get_message()
 * builds a whole #TernStoreMessage for each).
 *
 * Returns: the folder's id, or 0 with %TERN_STORE_ERROR_NOT_FOUND when there is no
 *   message @message_id
 */
gint64
tern_store_db_get_message_folder_id (TernStoreDb *self, gint64 message_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT folder_id FROM messages WHERE id = ?1", error);
  gint64 folder_id = 0;
  gboolean found = FALSE;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, message_id);
  if (!_tern_store_db_stmt_int64 (self, stmt, &folder_id, &found, error))
    return 0;
  if (!found)
    {
      g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                   _("No message with id %" G_GINT64_FORMAT), message_id);
      return 0;
    }
  return folder_id;
}

/**
 * tern_store_db_list_bodiless_outside:
 * @ids: (array length=n_ids): messages
 * @account_id: an account
 *
 * Which of @ids are in a folder of another account than @account_id and have no
 * body stored: what a move or copy into @account_id must download first. One
 * statement for the whole set (the ids passed as a JSON array to `json_each`):
 * 10,000 lookups one by one cost more than the move itself. Unknown ids are left
 * out.
 *
 * Returns: (transfer full) (element-type gint64): the ids, in no given order
 */
GArray *
tern_store_db_list_bodiless_outside (TernStoreDb   *self,
                                     const gint64  *ids,
                                     guint          n_ids,
                                     gint64         account_id,
                                     GError       **error)
{
  g_autoptr(GString) json = g_string_sized_new (8 * n_ids + 2);
  sqlite3_stmt *stmt;

  g_string_append_c (json, '[');
  for (guint i = 0; i < n_ids; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", ids[i]);
  g_string_append_c (json, ']');

  stmt = _tern_store_db_get_stmt (self,
                                  "SELECT DISTINCT m.id FROM json_each (?1) AS j"
                                  " JOIN messages AS m ON m.id = j.value JOIN folders AS f ON f.id = m.folder_id"
                                  " WHERE f.account_id != ?2 AND m.has_body = 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, json->str, json->len, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, account_id);
  return _tern_store_db_collect_int64 (self, stmt, error);
}

/**
 * tern_store_db_get_raw:
 *
 * Returns: (transfer full): the raw message bytes, or %NULL with
 *   %TERN_STORE_ERROR_NOT_FOUND when the store has only the header
 */
GBytes *
tern_store_db_get_raw (TernStoreDb *self, gint64 message_id, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean found = FALSE;
  GBytes *bytes = _tern_store_db_body_read (self, message_id, &found, &local_error);

  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (!found)
    g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                 _("The store has no content for message %" G_GINT64_FORMAT), message_id);
  return bytes;
}

/**
 * tern_store_db_list_messages:
 * @folder_id: the folder
 * @offset: rows to skip
 * @limit: the most rows to return
 *
 * Returns: (transfer container) (element-type TernStoreMessage): a page of the
 *   folder's messages, newest first
 */
GPtrArray *
tern_store_db_list_messages (TernStoreDb  *self,
                             gint64        folder_id,
                             guint         offset,
                             guint         limit,
                             GError      **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_MESSAGE_COLUMNS " FROM messages m"
                                                " WHERE m.folder_id = ?1 ORDER BY m.sort_key DESC LIMIT ?2 OFFSET ?3", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, folder_id);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);
  return _tern_store_db_collect_messages (self, stmt, error);
}
