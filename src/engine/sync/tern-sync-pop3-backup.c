/* tern-sync-pop3-backup.c: the rolling mbox backup of a POP3 account
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mail of a POP3 account may exist only here (not left on the server): with the
 * account setting "backup", every POP3 sync ends by writing each of the account's
 * folders as an mboxrd file into ROOT/ACCOUNT/DATE/ (DATE in UTC, e.g.
 * 2026-11-26T181900Z; ROOT is $XDG_DATA_HOME/tern/backup), keeping the newest
 * TERN_SYNC_POP3_BACKUP_KEEP of them. A backup is written into ROOT/ACCOUNT/.DATE.partial,
 * every file fsync'd, then renamed to DATE: a DATE directory is always complete, and
 * a crash leaves only a .partial directory, removed by the next run. Only then are
 * the oldest backups removed, so there are never fewer complete ones than before.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tern-mime-mbox-writer.h"
#include "tern-sync-pop3-backup.h"

#define PAGE 500

/**
 * tern_sync_pop3_backup_get_default_root:
 *
 * Returns: (transfer full): $XDG_DATA_HOME/tern/backup
 */
char *
tern_sync_pop3_backup_get_default_root (void)
{
  return g_build_filename (g_get_user_data_dir (), "tern", "backup", NULL);
}

static gboolean
io_error (const char *path, int saved, GError **error)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Cannot write the backup “%s”: %s"), path, g_strerror (saved));
  return FALSE;
}

/* A file name for a folder path: "/" and other awkward characters become "_". */
static char *
file_name_for (const char *path, GHashTable *taken)
{
  g_autoptr(GString) name = g_string_new (NULL);

  for (const char *c = path; *c != '\0'; c++)
    g_string_append_c (name, (*c == '/' || *c == '\\' || (guchar) *c < 0x20 ||
                              (c == path && *c == '.')) ? '_' : *c);
  if (name->len == 0)
    g_string_append_c (name, '_');
  for (guint n = 2; g_hash_table_contains (taken, name->str); n++)
    {
      g_autofree char *base = g_strdup (name->str);
      g_string_printf (name, "%s-%u", base, n);
    }
  g_hash_table_add (taken, g_strdup (name->str));
  g_string_append (name, ".mbox");
  return g_string_free (g_steal_pointer (&name), FALSE);
}

static gboolean
write_folder (TernStoreDb *db, TernStoreFolder *folder, const char *path, guint *missing, GError **error)
{
  /* Private, like the store: 0600 whatever the umask; a link is not followed. */
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  FILE *out = fd >= 0 ? fdopen (fd, "wb") : NULL;
  gboolean ok = TRUE;
  guint offset = 0;

  if (out == NULL)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      return io_error (path, saved, error);
    }
  if (fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      fclose (out);
      return io_error (path, saved, error);
    }
  for (;;)
    {
      g_autoptr(GPtrArray) rows = tern_store_db_list_messages (db, tern_store_folder_get_id (folder),
                                                               offset, PAGE, error);
      if (rows == NULL)
        {
          ok = FALSE;
          break;
        }
      for (guint i = 0; i < rows->len && ok; i++)
        {
          TernStoreMessage *message = g_ptr_array_index (rows, i);
          g_autoptr(GBytes) raw = tern_store_db_get_raw (db, tern_store_message_get_id (message), NULL);

          if (raw == NULL)
            (*missing)++;
          else if (!tern_mime_mbox_write_message (out, tern_store_message_get_internal_date (message), raw))
            ok = io_error (path, errno, error);
        }
      offset += rows->len;
      if (!ok || rows->len < PAGE)
        break;
    }
  if (ok && (fflush (out) != 0 || fsync (fileno (out)) != 0))
    ok = io_error (path, errno, error);
  if (fclose (out) != 0 && ok)
    ok = io_error (path, errno, error);
  return ok;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_unlink (path) != 0 && g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
    }
  g_rmdir (dir);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
fsync_dir (const char *dir)
{
  int fd = g_open (dir, O_RDONLY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/**
 * tern_sync_pop3_backup_run:
 * @db: the store
 * @account: the account (its folders are written, whatever its protocol)
 * @root: (nullable): where the backups go; %NULL for tern_sync_pop3_backup_get_default_root()
 * @keep: how many backups of the account to keep (at least 1)
 * @written: (out) (optional) (transfer full): the directory written
 * @error: return location for a #GError
 *
 * Writes every folder of @account as mboxrd into ROOT/ACCOUNT/DATE/FOLDER.mbox, then
 * removes the oldest backups of the account beyond @keep.
 *
 * Returns: %TRUE when the backup is complete
 */
gboolean
tern_sync_pop3_backup_run (TernStoreDb  *db,
                      TernAccount  *account,
                      const char   *root,
                      guint         keep,
                      char        **written,
                      GError      **error)
{
  g_autofree char *default_root = NULL;
  g_autofree char *account_dir = NULL;
  g_autofree char *partial = NULL;
  g_autofree char *final = NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GPtrArray) folders = NULL;
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;
  gint64 account_id;
  guint missing = 0;

  g_return_val_if_fail (TERN_IS_STORE_DB (db), FALSE);
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  if (root == NULL)
    root = default_root = tern_sync_pop3_backup_get_default_root ();
  keep = MAX (keep, 1);
  account_dir = g_build_filename (root, tern_account_get_email (account), NULL);
  if (strchr (tern_account_get_email (account), '/') != NULL ||
      g_str_has_prefix (tern_account_get_email (account), "."))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("Cannot back up the account “%s”: its address cannot be a directory name"),
                   tern_account_get_email (account));
      return FALSE;
    }
  if (g_mkdir_with_parents (account_dir, 0700) != 0)
    return io_error (account_dir, errno, error);

  /* Leftovers of an interrupted backup. */
  dir = g_dir_open (account_dir, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] == '.' && g_str_has_suffix (name, ".partial"))
      {
        g_autofree char *path = g_build_filename (account_dir, name, NULL);
        remove_tree (path);
      }
  g_clear_pointer (&dir, g_dir_close);

  account_id = tern_store_db_lookup_account (db, tern_account_get_email (account), error);
  if (account_id == 0 || (folders = tern_store_db_list_folders (db, account_id, error)) == NULL)
    return FALSE;

  stamp = g_date_time_format (now, "%Y-%m-%dT%H%M%SZ");
  final = g_build_filename (account_dir, stamp, NULL);
  for (guint n = 2; g_file_test (final, G_FILE_TEST_EXISTS); n++)
    {
      g_autofree char *again = g_strdup_printf ("%s-%u", stamp, n);
      g_free (final);
      final = g_build_filename (account_dir, again, NULL);
    }
  {
    g_autofree char *base = g_path_get_basename (final);
    g_autofree char *hidden = g_strconcat (".", base, ".partial", NULL);
    partial = g_build_filename (account_dir, hidden, NULL);
  }
  if (g_mkdir (partial, 0700) != 0)
    return io_error (partial, errno, error);

  for (guint i = 0; i < folders->len; i++)
    {
      TernStoreFolder *folder = g_ptr_array_index (folders, i);
      g_autofree char *file = file_name_for (tern_store_folder_get_path (folder), taken);
      g_autofree char *path = g_build_filename (partial, file, NULL);

      if (!write_folder (db, folder, path, &missing, error))
        {
          remove_tree (partial);
          return FALSE;
        }
    }
  fsync_dir (partial);
  if (g_rename (partial, final) != 0)
    {
      int saved = errno;
      remove_tree (partial);
      return io_error (final, saved, error);
    }
  fsync_dir (account_dir);
  if (missing > 0)
    g_message ("Backup of %s: %u messages left out (only their header is stored)",
               tern_account_get_email (account), missing);

  /* The oldest beyond @keep go. */
  dir = g_dir_open (account_dir, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (backups, g_strdup (name));
  g_ptr_array_sort (backups, compare_names);
  for (guint i = 0; i + keep < backups->len; i++)
    {
      g_autofree char *path = g_build_filename (account_dir, g_ptr_array_index (backups, i), NULL);
      remove_tree (path);
    }

  if (written != NULL)
    *written = g_steal_pointer (&final);
  return TRUE;
}
