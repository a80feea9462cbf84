/* test-sync-ops.c: applies a user operation through the journal API (tern-sync-journal.h),
 * for tests/protocol/sync/test-imap-sync.py
 *
 *   test-sync-ops flags ID... (+|-)(seen|flagged|answered|deleted|draft)
 *   test-sync-ops keywords ID... (+|-)KEYWORD...   (IMAP keywords: +$Forwarded -$Junk ...)
 *   test-sync-ops move|copy ACCOUNT FOLDER ID...
 *   test-sync-ops delete ID...
 *   test-sync-ops empty ACCOUNT FOLDER
 *   test-sync-ops mkdir|rmdir ACCOUNT PATH
 *   test-sync-ops rename ACCOUNT PATH NEW-PATH
 *   test-sync-ops draft ACCOUNT FOLDER FILE
 *   test-sync-ops journal ACCOUNT      (prints the number of entries)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tern-sync-journal.h"
#include "tern-store-db.h"
#include "tern-store-db-sync.h"

static GArray *
parse_ids (int argc, char **argv)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (int i = 0; i < argc; i++)
    {
      gint64 id = g_ascii_strtoll (argv[i], NULL, 10);
      g_array_append_val (ids, id);
    }
  return ids;
}

static gint64
folder_id (TernStoreDb *db, const char *account, const char *path, GError **error)
{
  gint64 account_id = tern_store_db_lookup_account (db, account, error);
  g_autoptr(TernStoreFolder) folder = NULL;

  if (account_id == 0 || (folder = tern_store_db_lookup_folder (db, account_id, path, error)) == NULL)
    return 0;
  return tern_store_folder_get_id (folder);
}

int
main (int argc, char **argv)
{
  g_autofree char *path = tern_store_db_get_default_path ();
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;
  const char *op;

  if (argc < 3)
    {
      g_printerr ("usage: see the source\n");
      return 2;
    }
  op = argv[1];
  if ((db = tern_store_db_open (path, &error)) == NULL)
    goto out;

  if (g_str_equal (op, "flags") && argc >= 4)
    {
      g_autoptr(GArray) ids = parse_ids (argc - 3, argv + 2);
      const char *spec = argv[argc - 1];
      TernStoreFlags flag = 0;
      g_autofree char *name = g_strconcat ("\\", spec + 1, NULL);

      name[1] = g_ascii_toupper (name[1]);
      if (!tern_store_flag_from_string (name, &flag))
        {
          g_printerr ("unknown flag %s\n", spec);
          return 2;
        }
      ok = tern_sync_journal_set_flags (db, (gint64 *) (void *) ids->data, ids->len, spec[0] == '+' ? flag : 0,
                                       spec[0] == '-' ? flag : 0, NULL, &error);
    }
  else if (g_str_equal (op, "keywords") && argc >= 4)
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GStrvBuilder) add = g_strv_builder_new ();
      g_autoptr(GStrvBuilder) remove = g_strv_builder_new ();
      g_auto(GStrv) add_v = NULL;
      g_auto(GStrv) remove_v = NULL;

      for (int i = 2; i < argc; i++)
        {
          if (argv[i][0] == '+' || argv[i][0] == '-')
            g_strv_builder_add (argv[i][0] == '+' ? add : remove, argv[i] + 1);
          else
            {
              gint64 id = g_ascii_strtoll (argv[i], NULL, 10);

              g_array_append_val (ids, id);
            }
        }
      add_v = g_strv_builder_end (add);
      remove_v = g_strv_builder_end (remove);
      ok = tern_sync_journal_set_keywords (db, (gint64 *) (void *) ids->data, ids->len, (const char * const *) add_v,
                                          (const char * const *) remove_v, NULL, &error);
    }
  else if ((g_str_equal (op, "move") || g_str_equal (op, "copy")) && argc >= 5)
    {
      g_autoptr(GArray) ids = parse_ids (argc - 4, argv + 4);
      gint64 target = folder_id (db, argv[2], argv[3], &error);

      if (target != 0 && g_str_equal (op, "move"))
        ok = tern_sync_journal_move (db, (gint64 *) (void *) ids->data, ids->len, target, NULL, &error);
      else if (target != 0)
        ok = tern_sync_journal_copy (db, (gint64 *) (void *) ids->data, ids->len, target, NULL, &error);
    }
  else if (g_str_equal (op, "delete"))
    {
      g_autoptr(GArray) ids = parse_ids (argc - 2, argv + 2);

      ok = tern_sync_journal_delete (db, (gint64 *) (void *) ids->data, ids->len, &error);
    }
  else if (g_str_equal (op, "empty") && argc == 4)
    {
      gint64 id = folder_id (db, argv[2], argv[3], &error);

      ok = id != 0 && tern_sync_journal_empty_folder (db, id, &error);
    }
  else if (g_str_equal (op, "mkdir") && argc == 4)
    {
      gint64 account_id = tern_store_db_lookup_account (db, argv[2], &error);
      g_autoptr(TernStoreFolder) folder = NULL;

      ok = account_id != 0 && (folder = tern_sync_journal_create_folder (db, account_id, argv[3], &error)) != NULL;
    }
  else if (g_str_equal (op, "rmdir") && argc == 4)
    {
      gint64 id = folder_id (db, argv[2], argv[3], &error);

      ok = id != 0 && tern_sync_journal_delete_folder (db, id, &error);
    }
  else if (g_str_equal (op, "rename") && argc == 5)
    {
      gint64 id = folder_id (db, argv[2], argv[3], &error);

      ok = id != 0 && tern_sync_journal_rename_folder (db, id, argv[4], &error);
    }
  else if (g_str_equal (op, "draft") && argc == 5)
    {
      gint64 id = folder_id (db, argv[2], argv[3], &error);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (id != 0 && g_file_get_contents (argv[4], &data, &len, &error))
        {
          g_autoptr(GBytes) raw = g_bytes_new_take (g_steal_pointer (&data), len);
          gint64 message = tern_sync_journal_save_draft (db, id, raw, 0, &error);

          ok = message != 0;
          if (ok)
            g_print ("%" G_GINT64_FORMAT "\n", message);
        }
    }
  else if (g_str_equal (op, "journal"))
    {
      gint64 account_id = tern_store_db_lookup_account (db, argv[2], &error);
      gint64 n = account_id != 0 ? tern_store_db_sync_journal_count (db, account_id, &error) : -1;

      ok = n >= 0;
      if (ok)
        g_print ("%" G_GINT64_FORMAT "\n", n);
    }
  else
    {
      g_printerr ("test-sync-ops: bad arguments\n");
      return 2;
    }

out:
  if (!ok)
    {
      g_printerr ("test-sync-ops %s: %s\n", op, error != NULL ? error->message : "failed");
      return 1;
    }
  return 0;
}
