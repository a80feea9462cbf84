/* tern-store-db-threads.c: conversations (threads) of messages
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-private.h"

#define SUBJECT_THREAD_WINDOW (60 * 24 * 3600)

/* ---- conversations -------------------------------------------------------------- */

static gboolean
lookup_thread_of (TernStoreDb *self, const char *message_id, gint64 *thread_id, GError **error)
{
  gboolean found = FALSE;
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT CASE WHEN t.merged_into != 0 THEN t.merged_into ELSE i.thread_id END"
                                                " FROM thread_ids i LEFT JOIN threads t ON t.id = i.thread_id"
                                                " WHERE i.message_id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  _tern_store_db_bind_text (stmt, 1, message_id);
  if (!_tern_store_db_stmt_int64 (self, stmt, thread_id, &found, error))
    return FALSE;
  if (!found)
    *thread_id = 0;
  return TRUE;
}

/* Finds or makes the conversation of a new message (Message-ID, In-Reply-To,
 * References, else the subject of a reply without references). */
gint64
_tern_store_db_assign_thread (TernStoreDb *self, const TernMimeSummary *summary, gint64 date, GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *subject = NULL;
  gboolean reply = FALSE;
  gint64 thread = 0;
  sqlite3_stmt *stmt;

  if (summary->message_id != NULL)
    g_ptr_array_add (ids, summary->message_id);
  if (summary->in_reply_to != NULL)
    g_ptr_array_add (ids, summary->in_reply_to);
  for (int i = (int) g_strv_length (summary->references) - 1; i >= 0 && ids->len < TERN_STORE_DB_MAX_THREAD_IDS; i--)
    {
      gboolean dup = FALSE;
      for (guint j = 0; j < ids->len; j++)
        if (strcmp (g_ptr_array_index (ids, j), summary->references[i]) == 0)
          dup = TRUE;
      if (!dup)
        g_ptr_array_add (ids, summary->references[i]);
    }

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 found = 0;

      if (!lookup_thread_of (self, g_ptr_array_index (ids, i), &found, error))
        return 0;
      if (found == 0)
        continue;
      if (thread == 0)
        thread = found;
      else if (found != thread)
        {
          gboolean seen = FALSE;
          for (guint j = 0; j < merged->len; j++)
            if (g_array_index (merged, gint64, j) == found)
              seen = TRUE;
          if (!seen)
            g_array_append_val (merged, found);
        }
    }

  subject = tern_mime_normalize_subject (summary->subject, &reply);

  if (thread == 0 && reply && *subject != '\0' && summary->in_reply_to == NULL &&
      summary->references[0] == NULL)
    {
      gboolean found = FALSE;

      stmt = _tern_store_db_get_stmt (self,
                                      "SELECT id FROM threads WHERE subject = ?1 AND merged_into = 0 AND last_date >= ?2"
                                      " ORDER BY last_date DESC LIMIT 1", error);
      if (stmt == NULL)
        return 0;
      _tern_store_db_bind_text (stmt, 1, subject);
      sqlite3_bind_int64 (stmt, 2, date - SUBJECT_THREAD_WINDOW);
      if (!_tern_store_db_stmt_int64 (self, stmt, &thread, &found, error))
        return 0;
      if (!found)
        thread = 0;
    }

  if (thread == 0)
    {
      stmt = _tern_store_db_get_stmt (self, "INSERT INTO threads (subject, last_date) VALUES (?1, ?2)", error);
      if (stmt == NULL)
        return 0;
      _tern_store_db_bind_text (stmt, 1, subject);
      sqlite3_bind_int64 (stmt, 2, date);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
      thread = sqlite3_last_insert_rowid (self->db);
    }
  else
    {
      stmt = _tern_store_db_get_stmt (self, "UPDATE threads SET last_date = ?2 WHERE id = ?1 AND last_date < ?2", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, date);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
    }

  /* A message that links two conversations joins them. */
  for (guint j = 0; j < merged->len; j++)
    {
      gint64 other = g_array_index (merged, gint64, j);

      stmt = _tern_store_db_get_stmt (self, "UPDATE messages SET thread_id = ?1 WHERE thread_id = ?2", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, other);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
      stmt = _tern_store_db_get_stmt (self, "UPDATE threads SET merged_into = ?1 WHERE id = ?2 OR merged_into = ?2", error);
      if (stmt == NULL)
        return 0;
      sqlite3_bind_int64 (stmt, 1, thread);
      sqlite3_bind_int64 (stmt, 2, other);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
    }

  stmt = _tern_store_db_get_stmt (self, "INSERT OR IGNORE INTO thread_ids (message_id, thread_id) VALUES (?1, ?2)", error);
  if (stmt == NULL)
    return 0;
  for (guint i = 0; i < ids->len; i++)
    {
      _tern_store_db_bind_text (stmt, 1, g_ptr_array_index (ids, i));
      sqlite3_bind_int64 (stmt, 2, thread);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return 0;
    }

  return thread;
}

/**
 * tern_store_db_list_thread:
 *
 * Returns: (transfer container) (element-type TernStoreMessage): the messages of
 *   a conversation, oldest first
 */
GPtrArray *
tern_store_db_list_thread (TernStoreDb *self, gint64 thread_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "SELECT " TERN_STORE_MESSAGE_COLUMNS " FROM messages m"
                                                " WHERE m.thread_id = ?1 ORDER BY m.sort_key", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  return _tern_store_db_collect_messages (self, stmt, error);
}

/* ---- a conversation's row in a list -------------------------------------------- */

void
tern_store_db_thread_summary_clear (TernStoreDbThreadSummary *summary)
{
  g_clear_object (&summary->latest);
  g_clear_pointer (&summary->participants, g_free);
}

/* The name of "Name <addr>", or the address. */
static char *
display_name (const char *from)
{
  const char *lt;
  g_autofree char *name = NULL;

  if (from == NULL)
    return NULL;
  lt = strchr (from, '<');
  if (lt != NULL && lt > from)
    {
      name = g_strndup (from, lt - from);
      g_strstrip (name);
      if (name[0] == '"' && strlen (name) > 1 && name[strlen (name) - 1] == '"')
        {
          memmove (name, name + 1, strlen (name));
          name[strlen (name) - 1] = '\0';
        }
      if (*name != '\0')
        return g_steal_pointer (&name);
    }
  if (lt != NULL)
    {
      const char *gt = strchr (lt, '>');
      return g_strndup (lt + 1, gt != NULL ? (gsize) (gt - lt - 1) : strlen (lt + 1));
    }
  return g_strstrip (g_strdup (from));
}

/**
 * tern_store_db_get_thread_summary:
 * @thread_id: a conversation
 * @folder_id: count only its messages in this folder, or 0 for all of them
 * @summary: (out caller-allocates): what a list shows of it (clear it with
 *   tern_store_db_thread_summary_clear())
 *
 * Returns: %FALSE on error; %TRUE with @summary->n_messages 0 when it has no message
 *   there (any more)
 */
gboolean
tern_store_db_get_thread_summary (TernStoreDb               *self,
                                  gint64                     thread_id,
                                  gint64                     folder_id,
                                  TernStoreDbThreadSummary  *summary,
                                  GError                   **error)
{
  sqlite3_stmt *stmt;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gint64 latest = 0;
  int rc;

  memset (summary, 0, sizeof *summary);
  summary->thread_id = thread_id;
  stmt = _tern_store_db_get_stmt (self,
                                  "SELECT count(*), coalesce (sum ((flags & 1) = 0), 0),"
                                  " coalesce (max ((flags & 4) != 0), 0), coalesce (max (has_attachments), 0),"
                                  " coalesce (max ((flags & 2) != 0), 0)"
                                  " FROM messages WHERE thread_id = ?1 AND (?2 = 0 OR folder_id = ?2)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  sqlite3_bind_int64 (stmt, 2, folder_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      summary->n_messages = (guint) sqlite3_column_int64 (stmt, 0);
      summary->n_unread = (guint) sqlite3_column_int64 (stmt, 1);
      summary->flagged = sqlite3_column_int (stmt, 2) != 0;
      summary->has_attachments = sqlite3_column_int (stmt, 3) != 0;
      summary->answered = sqlite3_column_int (stmt, 4) != 0;
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  if (summary->n_messages == 0)
    return TRUE;

  /* The senders, newest first, each once; the newest message. */
  stmt = _tern_store_db_get_stmt (self,
                                  "SELECT id, from_addr FROM messages WHERE thread_id = ?1 AND (?2 = 0 OR folder_id = ?2)"
                                  " ORDER BY sort_key DESC LIMIT 50", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, thread_id);
  sqlite3_bind_int64 (stmt, 2, folder_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *name = display_name ((const char *) sqlite3_column_text (stmt, 1));
      gboolean dup = FALSE;

      if (latest == 0)
        latest = sqlite3_column_int64 (stmt, 0);
      if (name == NULL || *name == '\0' || names->len >= TERN_STORE_DB_THREAD_PARTICIPANTS)
        continue;
      for (guint i = 0; i < names->len && !dup; i++)
        dup = g_utf8_collate (g_ptr_array_index (names, i), name) == 0;
      if (!dup)
        g_ptr_array_add (names, g_steal_pointer (&name));
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return FALSE;
    }
  g_ptr_array_add (names, NULL);
  summary->participants = g_strjoinv (", ", (char **) names->pdata);
  summary->latest = tern_store_db_get_message (self, latest, error);
  return summary->latest != NULL;
}
