/* tern-store-db-correspondents.c: what writing a message reads from the store: the
 * people one writes to, and the messages a reply answers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The correspondents are read from the newest messages (a bounded number, so that a
 * store of 100,000 messages answers in a blink): the recipients of the Sent folders
 * count what one wrote to them, the senders of the other folders (Junk and Drafts
 * aside) what they wrote. Completion ranks by the first, then the second, then how
 * recent (tern_store_correspondent_compare()).
 */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <gmime/gmime.h>

#include "tern-mime-text.h"
#include "tern-store-db-correspondents.h"
#include "tern-store-private.h"

void
tern_store_correspondent_free (TernStoreCorrespondent *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->address);
  g_free (self);
}

TernStoreCorrespondent *
tern_store_correspondent_copy (const TernStoreCorrespondent *self)
{
  TernStoreCorrespondent *copy = g_memdup2 (self, sizeof *self);

  copy->name = g_strdup (self->name);
  copy->address = g_strdup (self->address);
  return copy;
}

/**
 * tern_store_correspondent_to_string:
 *
 * Returns: (transfer full): "Name <address>" as a recipient field takes it (the name
 *   quoted when it needs to be), or the address alone
 */
char *
tern_store_correspondent_to_string (const TernStoreCorrespondent *self)
{
  InternetAddress *mailbox;
  char *text;

  if (self->name == NULL || *self->name == '\0')
    return g_strdup (self->address);
  tern_mime_init ();
  mailbox = internet_address_mailbox_new (self->name, self->address);
  text = internet_address_to_string (mailbox, NULL, FALSE);
  g_object_unref (mailbox);
  return text;
}

/**
 * tern_store_correspondent_compare:
 *
 * The completion order: written to most, then written by most, then the latest.
 */
int
tern_store_correspondent_compare (const TernStoreCorrespondent *a, const TernStoreCorrespondent *b)
{
  if (a->sent != b->sent)
    return a->sent > b->sent ? -1 : 1;
  if (a->received != b->received)
    return a->received > b->received ? -1 : 1;
  if (a->last != b->last)
    return a->last > b->last ? -1 : 1;
  return g_strcmp0 (a->address, b->address);
}

static int
compare_indirect (gconstpointer a, gconstpointer b)
{
  return tern_store_correspondent_compare (*(TernStoreCorrespondent * const *) a, *(TernStoreCorrespondent * const *) b);
}

static void
count (GHashTable *table, const char *addresses, gint64 date, gboolean sent)
{
  InternetAddressList *list;

  if (addresses == NULL || *addresses == '\0')
    return;
  list = internet_address_list_parse (NULL, addresses);
  for (int i = 0; list != NULL && i < internet_address_list_length (list); i++)
    {
      InternetAddress *address = internet_address_list_get_address (list, i);
      const char *addr, *name;
      TernStoreCorrespondent *c;
      char *key;

      if (!INTERNET_ADDRESS_IS_MAILBOX (address))
        continue;
      addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (address));
      if (addr == NULL || strchr (addr, '@') == NULL || !g_utf8_validate (addr, -1, NULL))
        continue;
      key = g_utf8_strdown (addr, -1);
      c = g_hash_table_lookup (table, key);
      if (c == NULL)
        {
          c = g_new0 (TernStoreCorrespondent, 1);
          c->address = g_strdup (addr);
          g_hash_table_insert (table, key, c);
        }
      else
        g_free (key);
      name = internet_address_get_name (address);
      /* Rows come newest first: the first name seen is the latest. */
      if (c->name == NULL && name != NULL && *name != '\0' && g_utf8_validate (name, -1, NULL))
        c->name = g_strdup (name);
      if (sent)
        c->sent++;
      else
        c->received++;
      c->last = MAX (c->last, date);
    }
  if (list != NULL)
    g_object_unref (list);
}

/**
 * tern_store_db_list_correspondents:
 * @max_messages: how many of the newest messages are read (0: 20,000)
 *
 * Returns: (transfer full) (element-type TernStoreCorrespondent): every address
 *   one wrote to or was written by, in the completion order
 */
GPtrArray *
tern_store_db_list_correspondents (TernStoreDb *self, guint max_messages, GError **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) result = NULL;
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer value;
  int rc;

  if (max_messages == 0)
    max_messages = 20000;
  tern_mime_init ();
  stmt = _tern_store_db_get_stmt (self,
                                  "SELECT f.role, m.from_addr, m.to_addr, m.cc_addr, m.bcc_addr, m.date"
                                  " FROM messages m JOIN folders f ON f.id = m.folder_id"
                                  " WHERE f.role NOT IN (?2, ?3)"
                                  " ORDER BY m.sort_key DESC LIMIT ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, max_messages);
  sqlite3_bind_int (stmt, 2, TERN_STORE_FOLDER_ROLE_JUNK);
  sqlite3_bind_int (stmt, 3, TERN_STORE_FOLDER_ROLE_DRAFTS);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 date = sqlite3_column_int64 (stmt, 5);

      if (sqlite3_column_int (stmt, 0) == TERN_STORE_FOLDER_ROLE_SENT)
        for (int col = 2; col <= 4; col++)
          count (table, (const char *) sqlite3_column_text (stmt, col), date, TRUE);
      else
        count (table, (const char *) sqlite3_column_text (stmt, 1), date, FALSE);
    }
  _tern_store_db_stmt_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      _tern_store_db_set_error (self, rc, error);
      g_hash_table_iter_init (&iter, table);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        tern_store_correspondent_free (value);
      return NULL;
    }
  result = g_ptr_array_new_full (g_hash_table_size (table), (GDestroyNotify) tern_store_correspondent_free);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (result, value);
  g_ptr_array_sort (result, compare_indirect);
  return g_steal_pointer (&result);
}

/**
 * tern_store_db_find_message_id:
 * @message_id: a Message-ID without angle brackets
 *
 * Returns: (transfer full) (element-type gint64): the messages with that Message-ID
 *   (copies in several folders), maybe none; %NULL on error
 */
GArray *
tern_store_db_find_message_id (TernStoreDb *self, const char *message_id, GError **error)
{
  sqlite3_stmt *stmt;

  /* Through the thread index, which has every Message-ID seen. */
  stmt = _tern_store_db_get_stmt (self,
                                  "SELECT m.id FROM thread_ids i"
                                  " JOIN threads t ON t.id = i.thread_id"
                                  " JOIN messages m ON m.thread_id IN (i.thread_id, t.merged_into)"
                                  " WHERE i.message_id = ?1 AND m.message_id = ?1", error);
  if (stmt == NULL)
    return NULL;
  _tern_store_db_bind_text (stmt, 1, message_id);
  return _tern_store_db_collect_int64 (self, stmt, error);
}
