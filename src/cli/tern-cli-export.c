/* tern-cli-export.c: tern-cli export FOLDER --format mbox|maildir DEST [--account ACCOUNT] [--force]
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mbox is written as mboxrd: lines that match /^>*From / get one more '>'.
 * Maildir gets one file per message in DEST/cur, named with the message's flags
 * and dated with its internal date.
 *
 * Nothing is overwritten unasked and nothing is written through a symbolic link:
 *  - an existing DEST is refused without --force; a DEST that is a symbolic link
 *    (or, for mbox, not a regular file) is refused with it too;
 *  - the mbox file is written to a temporary file (0600) beside DEST, synced, then
 *    renamed over it: a failure halfway leaves the old file as it was;
 *  - a new Maildir is made in a temporary folder (0700) beside DEST, renamed to
 *    DEST when complete; with --force, the messages are added to an existing
 *    Maildir (whose cur/, new/ and tmp/ must be real folders), each file written
 *    to a temporary name and renamed.
 */
#define _GNU_SOURCE 1           /* renameat2() */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "tern-mime-mbox-writer.h"
#include "tern-cli.h"
#include "tern-cli-output.h"

#define PAGE 500

static gboolean
write_maildir_file (const char *dest, TernStoreMessage *message, GBytes *bytes, GError **error)
{
  TernStoreFlags flags = tern_store_message_get_flags (message);
  g_autoptr(GString) info = g_string_new (":2,");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  gint64 when = tern_store_message_get_internal_date (message);
  struct utimbuf times;

  /* Maildir info letters in ASCII order. */
  if (flags & TERN_STORE_FLAG_DRAFT)
    g_string_append_c (info, 'D');
  if (flags & TERN_STORE_FLAG_FLAGGED)
    g_string_append_c (info, 'F');
  if (flags & TERN_STORE_FLAG_ANSWERED)
    g_string_append_c (info, 'R');
  if (flags & TERN_STORE_FLAG_SEEN)
    g_string_append_c (info, 'S');
  if (flags & TERN_STORE_FLAG_DELETED)
    g_string_append_c (info, 'T');

  name = g_strdup_printf ("%" G_GINT64_FORMAT ".M%" G_GINT64_FORMAT "P%d.tern%s", when,
                          tern_store_message_get_id (message), (int) getpid (), info->str);
  path = g_build_filename (dest, "cur", name, NULL);
  if (!g_file_set_contents_full (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;
  times.actime = times.modtime = when;
  g_utime (path, &times);
  return TRUE;
}

static gboolean set_io_error (GError **error, int saved, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* An error for errno @saved: @format says what failed ("Cannot write “%s”: %s",
 * the path and g_strerror()). */
static gboolean
set_io_error (GError **error, int saved, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), message);
  return FALSE;
}

/* Whether DEST may be written: refused when it is a symbolic link, of the wrong
 * kind, or there already without --force. */
static gboolean
check_destination (const char *dest, gboolean maildir, gboolean force, gboolean *exists, GError **error)
{
  GStatBuf st;

  *exists = FALSE;
  if (g_lstat (dest, &st) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      return set_io_error (error, errno, _("Cannot check “%s”: %s"), dest, g_strerror (errno));
    }
  *exists = TRUE;
  if (S_ISLNK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” is a symbolic link: Tern does not write through one"), dest);
      return FALSE;
    }
  if (!force)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   maildir ? _("“%s” exists: give --force to add the messages to it")
                           : _("“%s” exists: give --force to replace it"), dest);
      return FALSE;
    }
  if (!maildir && !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("“%s” exists and is not a file"), dest);
      return FALSE;
    }
  if (maildir && !S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("“%s” exists and is not a folder"), dest);
      return FALSE;
    }
  return TRUE;
}

/* A temporary name beside @dest (same folder, so the rename stays on one file
 * system): .tern-export-XXXXXX */
static char *
temporary_template (const char *dest)
{
  g_autofree char *dir = g_path_get_dirname (dest);

  return g_build_filename (dir, ".tern-export-XXXXXX", NULL);
}

static void
fsync_parent (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Renames @from to @to; without @replace, fails with EEXIST when @to is there,
 * atomically (also when it appeared since it was checked). */
static int
rename_into_place (const char *from, const char *to, gboolean replace)
{
  if (replace)
    return rename (from, to);
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
  /* A file system without RENAME_NOREPLACE: link() does not replace either. */
  if (link (from, to) != 0)
    return -1;
  g_unlink (from);
  return 0;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) == 0 && S_ISDIR (st.st_mode))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* cur/, new/ and tmp/ in @dir, each a real folder (0700 when made here). */
static gboolean
make_maildir (const char *dir, GError **error)
{
  static const char * const subdirs[] = { "cur", "new", "tmp" };

  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *sub = g_build_filename (dir, subdirs[i], NULL);
      GStatBuf st;

      if (g_mkdir (sub, 0700) == 0)
        continue;
      if (errno != EEXIST)
        return set_io_error (error, errno, _("Cannot create “%s”: %s"), sub, g_strerror (errno));
      if (g_lstat (sub, &st) != 0 || !S_ISDIR (st.st_mode))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("“%s” is not a folder (a symbolic link?): Tern does not write through it"), sub);
          return FALSE;
        }
    }
  return TRUE;
}

/* The temporary mbox file (0600, never an existing file) and its stream. */
static FILE *
open_temporary_mbox (const char *dest, char **tmp_path, GError **error)
{
  g_autofree char *path = temporary_template (dest);
  int fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  FILE *out;

  if (fd < 0)
    {
      set_io_error (error, errno, _("Cannot create a temporary file beside “%s”: %s"), dest,
                    g_strerror (errno));
      return NULL;
    }
  out = fdopen (fd, "wb");
  if (out == NULL)
    {
      set_io_error (error, errno, _("Cannot create a temporary file beside “%s”: %s"), dest,
                    g_strerror (errno));
      close (fd);
      g_unlink (path);
      return NULL;
    }
  *tmp_path = g_steal_pointer (&path);
  return out;
}

/* Closes the temporary mbox file, on disk, and puts it in place. */
static gboolean
finish_mbox (FILE *out, const char *tmp_path, const char *dest, gboolean replace, GError **error)
{
  int saved = 0;

  if (fflush (out) != 0 || fsync (fileno (out)) != 0)
    saved = errno;
  if (fclose (out) != 0 && saved == 0)
    saved = errno;
  if (saved != 0)
    return set_io_error (error, saved, _("Cannot write “%s”: %s"), dest, g_strerror (saved));
  if (rename_into_place (tmp_path, dest, replace) != 0)
    return set_io_error (error, errno, _("Cannot create “%s”: %s"), dest, g_strerror (errno));
  fsync_parent (dest);
  return TRUE;
}

int
tern_cli_export (int argc, char **argv)
{
  g_autofree char *account = NULL, *format = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("mbox or maildir"), N_("FORMAT") },
    { "account", 0, 0, G_OPTION_ARG_STRING, &account, N_("The account’s e-mail address (default: local, the Local Folders)"), N_("ACCOUNT") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace an existing mbox file, or add to an existing Maildir"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("FOLDER DEST — write a folder’s messages to an mbox file or a Maildir"));
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autofree char *tmp_path = NULL;
  const char *dest, *target;
  gboolean mbox, exists;
  gint64 account_id;
  FILE *out = NULL;
  guint offset = 0, written = 0, missing = 0;
  int status = TERN_CLI_EXIT_OK;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("An existing DEST is left alone unless --force is given; "
                                           "a symbolic link is never written through."));
  if (!tern_cli_output_parse_args (context, "export", &argc, &argv))
    return TERN_CLI_EXIT_USAGE;
  if (argc != 3 || format == NULL || (strcmp (format, "mbox") != 0 && strcmp (format, "maildir") != 0))
    {
      g_printerr (_("tern-cli export: give FOLDER, DEST and --format mbox or --format maildir\n"));
      g_printerr (_("Run “tern-cli %s --help” for its options.\n"), "export");
      return TERN_CLI_EXIT_USAGE;
    }
  mbox = strcmp (format, "mbox") == 0;
  dest = argv[2];

  db = tern_cli_output_open_store (&error);
  if (db == NULL ||
      (account_id = tern_cli_output_resolve_account (db, account, &error)) == 0 ||
      (folder = tern_store_db_lookup_folder (db, account_id, argv[1], &error)) == NULL ||
      !check_destination (dest, !mbox, force, &exists, &error))
    {
      tern_cli_printerr_error ("export", error);
      return TERN_CLI_EXIT_FAILURE;
    }

  /* Where the messages go: a temporary file or folder, but for a Maildir added to. */
  if (mbox)
    out = open_temporary_mbox (dest, &tmp_path, &error);
  else if (!exists)
    {
      tmp_path = temporary_template (dest);
      if (g_mkdtemp_full (tmp_path, 0700) == NULL)
        set_io_error (&error, errno, _("Cannot create a temporary folder beside “%s”: %s"), dest,
                      g_strerror (errno));
      else if (!make_maildir (tmp_path, &error))
        remove_tree (tmp_path);
    }
  else
    make_maildir (dest, &error);
  if (error != NULL)
    {
      tern_cli_printerr_error ("export", error);
      return TERN_CLI_EXIT_FAILURE;
    }
  target = tmp_path != NULL ? tmp_path : dest;

  for (;;)
    {
      g_autoptr(GPtrArray) rows = tern_store_db_list_messages (db, tern_store_folder_get_id (folder), offset, PAGE, &error);

      if (rows == NULL)
        {
          tern_cli_printerr_error ("export", error);
          status = TERN_CLI_EXIT_FAILURE;
          break;
        }
      for (guint i = 0; i < rows->len; i++)
        {
          TernStoreMessage *message = g_ptr_array_index (rows, i);
          g_autoptr(GBytes) bytes = tern_store_db_get_raw (db, tern_store_message_get_id (message), NULL);

          if (bytes == NULL)
            {
              missing++;
              continue;
            }
          if (mbox ? !tern_mime_mbox_write_message (out, tern_store_message_get_internal_date (message), bytes)
                   : !write_maildir_file (target, message, bytes, &error))
            {
              if (error == NULL)
                set_io_error (&error, errno, _("Cannot write “%s”: %s"), dest,
                              g_strerror (errno));
              tern_cli_printerr_error ("export", error);
              status = TERN_CLI_EXIT_FAILURE;
              break;
            }
          written++;
        }
      offset += rows->len;
      if (status != TERN_CLI_EXIT_OK || rows->len < PAGE)
        break;
    }

  /* Into place, or away: what was at DEST stays as it was unless all went well. */
  if (mbox && status == TERN_CLI_EXIT_OK && !finish_mbox (out, tmp_path, dest, exists, &error))
    {
      tern_cli_printerr_error ("export", error);
      status = TERN_CLI_EXIT_FAILURE;
    }
  else if (mbox && status != TERN_CLI_EXIT_OK)
    fclose (out);
  if (mbox && status != TERN_CLI_EXIT_OK)
    g_unlink (tmp_path);
  if (!mbox && tmp_path != NULL && status == TERN_CLI_EXIT_OK)
    {
      if (rename_into_place (tmp_path, dest, FALSE) != 0)
        {
          set_io_error (&error, errno, _("Cannot create “%s”: %s"), dest, g_strerror (errno));
          tern_cli_printerr_error ("export", error);
          status = TERN_CLI_EXIT_FAILURE;
        }
      else
        fsync_parent (dest);
    }
  if (!mbox && tmp_path != NULL && status != TERN_CLI_EXIT_OK)
    remove_tree (tmp_path);

  if (status == TERN_CLI_EXIT_OK)
    g_print (_("Exported %u messages to “%s”.\n"), written, dest);
  if (missing > 0)
    g_printerr (_("tern-cli export: %u messages were left out: only their header is stored "
                  "(synchronize the account to download them)\n"), missing);
  return status;
}
