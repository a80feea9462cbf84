/* tern-store-db-outbox.c: the outbox queue and the POP3 UIDL record of the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These functions run on the TernStoreDb's own connection, through its statement
 * cache, and report its errors (a full disk is %TERN_STORE_ERROR_FULL, a locked
 * store %TERN_STORE_ERROR_BUSY, and so on). Outside a tern_store_db_begin()
 * transaction, as the outbox calls them, every write here is one statement (one
 * transaction for tern_store_db_pop3_forget_uidls()), committed when it returns
 * (WAL: a killed process never loses it; the outbox state marks are what keep a crash
 * from losing or resending a message). The POP3 UIDLs are written by triggers
 * (sql/004) inside the transaction that adds the message.
 *
 * Use these functions on the thread that uses the TernStoreDb.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <sqlite3.h>

#include "tern-store-db-outbox.h"
#include "tern-store-error.h"
#include "tern-store-private.h"

const char *
tern_store_outbox_state_to_string (TernStoreOutboxState state)
{
  switch (state)
    {
    case TERN_STORE_OUTBOX_QUEUED:
      return "queued";
    case TERN_STORE_OUTBOX_SENDING:
      return "sending";
    case TERN_STORE_OUTBOX_SENT:
      return "sent";
    case TERN_STORE_OUTBOX_FAILED:
      return "failed";
    case TERN_STORE_OUTBOX_PARTLY_SENT:
      return "partly-sent";
    default:
      return "unknown";
    }
}

static char *
one_line (const char *text)
{
  char *copy = g_strdup (text != NULL ? text : "");

  for (char *c = copy; *c != '\0'; c++)
    if (*c == '\t' || *c == '\r' || *c == '\n')
      *c = ' ';
  return copy;
}

/**
 * tern_store_outbox_format_rejected:
 *
 * Returns: (transfer full): the last_error line for a refused recipient
 */
char *
tern_store_outbox_format_rejected (const char *address, const char *reply)
{
  g_autofree char *a = one_line (address);
  g_autofree char *r = one_line (reply);

  return g_strconcat (TERN_STORE_OUTBOX_REJECTED_PREFIX, a, "\t", r, NULL);
}

/**
 * tern_store_outbox_parse_rejected:
 * @last_error: (nullable): an outbox row's last_error
 * @replies: (out) (optional) (transfer full): the server's replies, in the same order
 *
 * Returns: (transfer full) (element-type utf8): the refused recipients (maybe empty)
 */
GPtrArray *
tern_store_outbox_parse_rejected (const char *last_error, GPtrArray **replies)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = g_strsplit (last_error != NULL ? last_error : "", "\n", -1);

  if (replies != NULL)
    *replies = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *tab;

      if (!g_str_has_prefix (line, TERN_STORE_OUTBOX_REJECTED_PREFIX))
        continue;
      line += strlen (TERN_STORE_OUTBOX_REJECTED_PREFIX);
      tab = strchr (line, '\t');
      g_ptr_array_add (addresses, tab != NULL ? g_strndup (line, tab - line) : g_strdup (line));
      if (replies != NULL)
        g_ptr_array_add (*replies, g_strdup (tab != NULL ? tab + 1 : ""));
    }
  return addresses;
}

/**
 * tern_store_outbox_dup_rejected_lines:
 *
 * Returns: (transfer full) (nullable): only the refused-recipient lines of
 *   @last_error, or %NULL when it has none
 */
char *
tern_store_outbox_dup_rejected_lines (const char *last_error)
{
  g_auto(GStrv) lines = g_strsplit (last_error != NULL ? last_error : "", "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], TERN_STORE_OUTBOX_REJECTED_PREFIX))
      {
        if (out->len > 0)
          g_string_append_c (out, '\n');
        g_string_append (out, lines[i]);
      }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

void
tern_store_outbox_entry_free (TernStoreOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->account);
  g_free (entry->mail_from);
  g_strfreev (entry->rcpt_to);
  g_free (entry->last_error);
  g_free (entry);
}

static char *
column_dup (sqlite3_stmt *stmt, int col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return text != NULL ? g_strdup (text) : NULL;
}

/**
 * tern_store_db_outbox_list:
 * @account_id: the account, or 0 for all
 *
 * Returns: (transfer full) (element-type TernStoreOutboxEntry): the outbox, oldest first
 */
GPtrArray *
tern_store_db_outbox_list (TernStoreDb *self, gint64 account_id, GError **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_store_outbox_entry_free);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (TERN_IS_STORE_DB (self), NULL);

  stmt = _tern_store_db_get_stmt (self,
                                  "SELECT o.id, o.account_id, a.address, o.mail_from, o.rcpt_to, o.state,"
                                  " o.attempts, o.last_error, o.created, o.next_attempt, length(o.raw)"
                                  " FROM outbox o JOIN accounts a ON a.id = o.account_id"
                                  " WHERE ?1 = 0 OR o.account_id = ?1 ORDER BY o.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernStoreOutboxEntry *entry = g_new0 (TernStoreOutboxEntry, 1);
      const char *rcpt = (const char *) sqlite3_column_text (stmt, 4);

      entry->id = sqlite3_column_int64 (stmt, 0);
      entry->account_id = sqlite3_column_int64 (stmt, 1);
      entry->account = column_dup (stmt, 2);
      entry->mail_from = column_dup (stmt, 3);
      entry->rcpt_to = g_strsplit (rcpt != NULL ? rcpt : "", "\n", -1);
      entry->state = sqlite3_column_int (stmt, 5);
      entry->attempts = sqlite3_column_int (stmt, 6);
      entry->last_error = column_dup (stmt, 7);
      entry->created = sqlite3_column_int64 (stmt, 8);
      entry->next_attempt = sqlite3_column_int64 (stmt, 9);
      entry->size = sqlite3_column_int64 (stmt, 10);

      /* "a\nb\n" splits into a trailing empty string: drop empties. */
      {
        guint j = 0;
        for (guint i = 0; entry->rcpt_to[i] != NULL; i++)
          {
            if (entry->rcpt_to[i][0] != '\0')
              entry->rcpt_to[j++] = entry->rcpt_to[i];
            else
              g_free (entry->rcpt_to[i]);
          }
        entry->rcpt_to[j] = NULL;
      }
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
 * tern_store_db_outbox_get_raw:
 *
 * Returns: (transfer full): the message as queued
 */
GBytes *
tern_store_db_outbox_get_raw (TernStoreDb *self, gint64 outbox_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT raw FROM outbox WHERE id = ?1", error);
  GBytes *bytes = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, outbox_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  _tern_store_db_stmt_reset (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_NOT_FOUND,
                 _("No message %" G_GINT64_FORMAT " in the outbox"), outbox_id);
  else if (rc != SQLITE_ROW)
    _tern_store_db_set_error (self, rc, error);
  return bytes;
}

/**
 * tern_store_db_outbox_set_state:
 *
 * Records where a message is; committed when this returns (outside a transaction).
 * "Sent" is committed durably, on disk even after a power loss (the store's other
 * commits survive a crash of the program, not always a power cut): a message the
 * server accepted must not go out twice because its mark was lost.
 */
gboolean
tern_store_db_outbox_set_state (TernStoreDb           *self,
                                gint64                 outbox_id,
                                TernStoreOutboxState   state,
                                guint                  attempts,
                                const char            *last_error,
                                gint64                 next_attempt,
                                GError               **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "UPDATE outbox SET state = ?2, attempts = ?3, last_error = ?4,"
                                                " next_attempt = ?5 WHERE id = ?1", error);

  if (stmt == NULL || !tern_store_db_begin (self, error))
    return FALSE;
  if (state == TERN_STORE_OUTBOX_SENT)
    _tern_store_db_make_durable (self);
  sqlite3_bind_int64 (stmt, 1, outbox_id);
  sqlite3_bind_int (stmt, 2, state);
  sqlite3_bind_int (stmt, 3, (int) attempts);
  _tern_store_db_bind_text (stmt, 4, last_error);
  sqlite3_bind_int64 (stmt, 5, next_attempt);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    {
      tern_store_db_rollback (self);
      return FALSE;
    }
  return tern_store_db_commit (self, error);
}

gboolean
tern_store_db_outbox_remove (TernStoreDb *self, gint64 outbox_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "DELETE FROM outbox WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, outbox_id);
  return _tern_store_db_stmt_run (self, stmt, error);
}

static void
uidl_free (gpointer data)
{
  TernStorePop3Uidl *record = data;

  g_free (record->header_hash);
  g_free (record);
}

/**
 * tern_store_db_pop3_list_uidls:
 *
 * Returns: (transfer full) (element-type utf8 TernStorePop3Uidl): every UIDL
 *   downloaded for the account, including those deleted here
 */
GHashTable *
tern_store_db_pop3_list_uidls (TernStoreDb *self, gint64 account_id, GError **error)
{
  g_autoptr(GHashTable) uidls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, uidl_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = _tern_store_db_get_stmt (self,
                                  "SELECT uidl, message_id, downloaded, deleted_here, size, header_hash"
                                  " FROM pop3_uidls WHERE account_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      TernStorePop3Uidl *record = g_new0 (TernStorePop3Uidl, 1);

      record->message_id = sqlite3_column_int64 (stmt, 1);
      record->downloaded = sqlite3_column_int64 (stmt, 2);
      record->deleted_here = sqlite3_column_int (stmt, 3) != 0;
      record->size = sqlite3_column_type (stmt, 4) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, 4);
      record->header_hash = column_dup (stmt, 5);
      g_hash_table_replace (uidls, column_dup (stmt, 0), record);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      return NULL;
    }
  return g_steal_pointer (&uidls);
}

/**
 * tern_store_db_pop3_record_message:
 * @uidl: the UIDL @message_id was downloaded as
 * @size: the size the server listed for it
 * @header_hash: the SHA-256 (hex) of its identifying headers (the sync says which)
 * @replaces: the server gave @uidl to this new message after another one, downloaded
 *   before: the record now names this one, and the old message no longer carries
 *   the UIDL
 *
 * Records what identifies the message downloaded as @uidl, besides the UIDL. Call it
 * inside the transaction that adds the message.
 */
gboolean
tern_store_db_pop3_record_message (TernStoreDb  *self,
                                   gint64        account_id,
                                   const char   *uidl,
                                   gint64        message_id,
                                   gint64        size,
                                   const char   *header_hash,
                                   gboolean      replaces,
                                   GError      **error)
{
  sqlite3_stmt *stmt;

  if (replaces)
    {
      stmt = _tern_store_db_get_stmt (self,
                                      "UPDATE messages SET uidl = NULL WHERE uidl = ?1 AND id != ?2"
                                      " AND folder_id IN (SELECT id FROM folders WHERE account_id = ?3)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, uidl, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, message_id);
      sqlite3_bind_int64 (stmt, 3, account_id);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        return FALSE;
    }

  stmt = _tern_store_db_get_stmt (self,
                                  "INSERT INTO pop3_uidls (account_id, uidl, message_id, downloaded, size, header_hash)"
                                  " VALUES (?1, ?2, ?3, CAST(strftime('%s', 'now') AS INTEGER), ?4, ?5)"
                                  " ON CONFLICT (account_id, uidl) DO UPDATE SET"
                                  "  downloaded = CASE WHEN message_id IS excluded.message_id THEN downloaded"
                                  "                    ELSE excluded.downloaded END,"
                                  "  message_id = excluded.message_id, deleted_here = 0,"
                                  "  size = excluded.size, header_hash = excluded.header_hash", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_text (stmt, 2, uidl, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, message_id);
  sqlite3_bind_int64 (stmt, 4, size);
  sqlite3_bind_text (stmt, 5, header_hash, -1, SQLITE_STATIC);
  return _tern_store_db_stmt_run (self, stmt, error);
}

/**
 * tern_store_db_pop3_forget_uidls:
 * @uidls: (array zero-terminated=1): UIDLs the server no longer has
 *
 * Forgets UIDLs that the server no longer lists and whose messages were deleted
 * here (those with a local message stay: the message still names its UIDL).
 */
gboolean
tern_store_db_pop3_forget_uidls (TernStoreDb        *self,
                                 gint64              account_id,
                                 const char * const *uidls,
                                 GError            **error)
{
  if (!tern_store_db_begin (self, error))
    return FALSE;
  for (guint i = 0; uidls[i] != NULL; i++)
    {
      sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                    "DELETE FROM pop3_uidls WHERE account_id = ?1 AND uidl = ?2"
                                                    " AND message_id IS NULL", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_int64 (stmt, 1, account_id);
      sqlite3_bind_text (stmt, 2, uidls[i], -1, SQLITE_STATIC);
      if (!_tern_store_db_stmt_run (self, stmt, error))
        goto fail;
    }
  return tern_store_db_commit (self, error);

fail:
  tern_store_db_rollback (self);
  return FALSE;
}

/**
 * tern_store_db_outbox_add:
 *
 * Queues a message for sending, durably (see _tern_store_db_make_durable()).
 *
 * Returns: the queue entry id, or 0 on error
 */
gint64
tern_store_db_outbox_add (TernStoreDb         *self,
                          gint64               account_id,
                          const char          *mail_from,
                          const char * const  *rcpt_to,
                          GBytes              *raw,
                          GError             **error)
{
  g_autofree char *rcpt = g_strjoinv ("\n", (char **) rcpt_to);
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self,
                                                "INSERT INTO outbox (account_id, mail_from, rcpt_to, raw, created)"
                                                " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  gsize len = 0;
  const void *data = g_bytes_get_data (raw, &len);
  gint64 id;

  if (stmt == NULL || !tern_store_db_begin (self, error))
    return 0;
  _tern_store_db_make_durable (self);
  sqlite3_bind_int64 (stmt, 1, account_id);
  _tern_store_db_bind_text (stmt, 2, mail_from);
  _tern_store_db_bind_text (stmt, 3, rcpt);
  sqlite3_bind_blob64 (stmt, 4, data != NULL ? data : "", len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  if (!_tern_store_db_stmt_run (self, stmt, error))
    {
      tern_store_db_rollback (self);
      return 0;
    }
  id = sqlite3_last_insert_rowid (self->db);
  return tern_store_db_commit (self, error) ? id : 0;
}

gint64
tern_store_db_outbox_count (TernStoreDb *self, gint64 account_id, GError **error)
{
  sqlite3_stmt *stmt = _tern_store_db_get_stmt (self, "SELECT count(*) FROM outbox WHERE account_id = ?1", error);
  gint64 n = 0;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, account_id);
  if (!_tern_store_db_stmt_int64 (self, stmt, &n, NULL, error))
    return -1;
  return n;
}
