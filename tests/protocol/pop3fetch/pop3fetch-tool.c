/* pop3fetch-tool.c: drives tern_sync_pop3_run() for the tests (until tern-cli sync)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   pop3fetch-tool fetch ACCOUNT [--no-leave] [--delete-after-days N] [--delete-when-deleted]
 *   pop3fetch-tool delete ACCOUNT N        deletes the N oldest messages of the local INBOX
 *   pop3fetch-tool count ACCOUNT           prints the number of messages in the local INBOX
 *   pop3fetch-tool age ACCOUNT DAYS        makes every download DAYS days older
 */
#include "config.h"

#include <stdlib.h>
#include <sqlite3.h>

#include "tern-account-manager.h"
#include "tern-credentials.h"
#include "tern-sync-pop3.h"
#include "tern-store-db.h"
#include "tern-store-db-outbox.h"

static void
progress (const TernAccountProgress *p, gpointer user_data)
{
  (void) user_data;
  g_printerr ("%s %s %u/%u %s\n", p->account, p->folder != NULL ? p->folder : "-", p->done, p->total,
              p->message != NULL ? p->message : "");
}

static TernStoreDb *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  TernStoreDb *db = tern_store_db_open (g_getenv ("TERN_STORE"), &error);
  if (db == NULL)
    g_error ("store: %s", error->message);
  return db;
}

int
main (int argc, char **argv)
{
  g_autoptr(TernAccountManager) manager = tern_account_manager_new (NULL);
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GError) error = NULL;
  TernAccount *account;

  if (argc < 3)
    {
      g_printerr ("usage: pop3fetch-tool fetch|delete|count|age ACCOUNT ...\n");
      return 2;
    }
  if (!tern_account_manager_load (manager, &error) ||
      (account = tern_account_manager_lookup (manager, argv[2])) == NULL)
    {
      g_printerr ("no account %s: %s\n", argv[2], error != NULL ? error->message : "");
      return 1;
    }
  db = open_store ();

  if (g_str_equal (argv[1], "fetch"))
    {
      g_autoptr(TernPassword) password = NULL;

      for (int i = 3; i < argc; i++)
        {
          if (g_str_equal (argv[i], "--no-leave"))
            tern_account_set_leave_on_server (account, FALSE);
          else if (g_str_equal (argv[i], "--delete-when-deleted"))
            tern_account_set_delete_when_deleted (account, TRUE);
          else if (g_str_equal (argv[i], "--delete-after-days") && i + 1 < argc)
            tern_account_set_delete_after_days (account, atoi (argv[++i]));
        }
      password = tern_credentials_get_password (account, NULL, &error);
      if (password == NULL ||
          !tern_sync_pop3_run (db, account, password, progress, NULL, NULL, &error))
        {
          g_printerr ("fetch failed: %s\n", error->message);
          return 1;
        }
      return 0;
    }
  else if (g_str_equal (argv[1], "delete") || g_str_equal (argv[1], "count"))
    {
      gint64 account_id = tern_store_db_lookup_account (db, argv[2], &error);
      g_autoptr(TernStoreFolder) inbox = NULL;
      g_autoptr(GPtrArray) rows = NULL;
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint n = argc > 3 ? (guint) atoi (argv[3]) : 0;

      if (account_id == 0 ||
          (inbox = tern_store_db_lookup_folder (db, account_id, "INBOX", &error)) == NULL ||
          (rows = tern_store_db_list_messages (db, tern_store_folder_get_id (inbox), 0, G_MAXINT, &error)) == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      if (g_str_equal (argv[1], "count"))
        {
          g_print ("%u\n", rows->len);
          return 0;
        }
      for (guint i = 0; i < rows->len && i < n; i++)
        {
          gint64 id = tern_store_message_get_id (g_ptr_array_index (rows, rows->len - 1 - i));
          g_array_append_val (ids, id);
        }
      if (!tern_store_db_delete_messages (db, (const gint64 *) (void *) ids->data, ids->len, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      return 0;
    }
  else if (g_str_equal (argv[1], "age") && argc > 3)
    {
      sqlite3 *sql = NULL;
      g_autofree char *stmt = g_strdup_printf ("UPDATE pop3_uidls SET downloaded = downloaded - %d * 86400",
                                               atoi (argv[3]));
      if (sqlite3_open (tern_store_db_get_path (db), &sql) != SQLITE_OK ||
          sqlite3_exec (sql, stmt, NULL, NULL, NULL) != SQLITE_OK)
        return 1;
      sqlite3_close (sql);
      return 0;
    }
  return 2;
}
