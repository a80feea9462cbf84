/* mime-corpus-dump.c: what the store shows of every message of the shared corpus,
 * one JSON object a line, for test-mime-python.py to compare with Python's email
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   mime-corpus-dump CORPUS_DIR
 *
 * Reads the corpus as test-store-corpus does (messages/: one message a file but the
 * *.tnef, *.list and PROVENANCE.md files; mbox/: every message of every mbox file but
 * the *-summary.txt files), imports it into a store in memory, and prints for each
 * message the store's decoded subject, From and date, with the message's bytes, so that
 * the comparison parses exactly what the store parsed:
 *
 *   {"origin": "messages/cpython/msg_01.txt", "raw": BASE64, "subject": TEXT|null,
 *    "from": TEXT|null, "date": UNIX_TIME|null, "date_tz": MINUTES}
 *
 * Exits 77 (skipped) with the reason when CORPUS_DIR has no messages/ folder.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "tern-mime-mbox-reader.h"
#include "tern-mime-summary.h"
#include "tern-store-db.h"
#include "tern-store-importer.h"

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
collect_files (const char *dir, GPtrArray *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, out);
      else
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* JSON string, every control character escaped (json-glib 1.6 leaves some). */
static void
append_json_string (GString *out, const char *s)
{
  if (s == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_printf (out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7f)
        g_string_append_printf (out, "\\u%04x", *p);
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
print_message (TernStoreDb *db, const char *origin, gint64 id, GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessage) m = tern_store_db_get_message (db, id, &error);
  g_autoptr(GString) line = g_string_new ("{\"origin\": ");
  g_autofree char *raw = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr(TernMimeSummary) summary = NULL;

  g_assert_no_error (error);
  append_json_string (line, origin);
  g_string_append_printf (line, ", \"raw\": \"%s\", \"subject\": ", raw);
  append_json_string (line, tern_store_message_get_subject (m));
  g_string_append (line, ", \"from\": ");
  append_json_string (line, tern_store_message_get_from (m));
  /* Without a readable Date the store shows when the message arrived: that is not
   * decoding, so the date is null then. */
  summary = tern_mime_summary_new (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (summary->date != 0)
    {
      g_assert_cmpint (tern_store_message_get_date (m), ==, summary->date);
      g_string_append_printf (line, ", \"date\": %" G_GINT64_FORMAT ", \"date_tz\": %d}\n",
                            tern_store_message_get_date (m), tern_store_message_get_date_tz (m));
    }
  else
    g_string_append (line, ", \"date\": null, \"date_tz\": 0}\n");
  fwrite (line->str, 1, line->len, stdout);
}

static GArray *
import_file (TernStoreDb *db, const char *path, TernStoreImportKind kind, const char *folder)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreImporter) importer = tern_store_importer_new (path, NULL, folder);

  tern_store_importer_set_kind (importer, kind);
  if (!tern_store_importer_run (importer, db, NULL, &error))
    g_error ("%s: %s", path, error->message);
  return g_array_ref (tern_store_importer_get_ids (importer));
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mboxes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *tmp = NULL;
  g_autofree char *store = NULL;
  g_autofree char *messages_dir = NULL;
  g_autofree char *mbox_dir = NULL;
  gsize prefix;

  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s CORPUS_DIR\n", argv[0]);
      return 2;
    }
  messages_dir = g_build_filename (argv[1], "messages", NULL);
  mbox_dir = g_build_filename (argv[1], "mbox", NULL);
  if (!g_file_test (messages_dir, G_FILE_TEST_IS_DIR))
    {
      printf ("SKIP: the mail corpus is absent (no %s); set -Dcorpus_dir\n", messages_dir);
      return 77;
    }
  prefix = strlen (argv[1]) + (g_str_has_suffix (argv[1], "/") ? 0 : 1);

  /* A store of its own, gone at the end (not the user's default store). */
  tmp = g_dir_make_tmp ("tern-mime-dump-XXXXXX", &error);
  g_assert_no_error (error);
  store = g_build_filename (tmp, "store.db", NULL);
  db = tern_store_db_open (store, &error);
  g_assert_no_error (error);

  collect_files (messages_dir, files);
  g_ptr_array_sort (files, compare_paths);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *folder = g_strdup_printf ("F%u", i);
      char *contents = NULL;
      gsize len = 0;

      if (g_str_has_suffix (path, ".tnef") || g_str_has_suffix (path, ".list") ||
          g_str_has_suffix (path, "PROVENANCE.md"))
        continue;
      ids = import_file (db, path, TERN_STORE_IMPORT_MESSAGE, folder);
      g_assert_cmpuint (ids->len, ==, 1);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      bytes = g_bytes_new_take (contents, len);
      print_message (db, path + prefix, g_array_index (ids, gint64, 0), bytes);
    }

  collect_files (mbox_dir, mboxes);
  g_ptr_array_sort (mboxes, compare_paths);
  for (guint i = 0; i < mboxes->len; i++)
    {
      const char *path = g_ptr_array_index (mboxes, i);
      g_autoptr(GArray) ids = NULL;
      g_autoptr(TernMimeMboxReader) reader = NULL;
      g_autofree char *folder = g_strdup_printf ("M%u", i);
      GByteArray *message;
      guint n = 0;

      if (g_str_has_suffix (path, "-summary.txt") || g_str_has_suffix (path, "PROVENANCE.md"))
        continue;
      ids = import_file (db, path, TERN_STORE_IMPORT_MBOX, folder);
      reader = tern_mime_mbox_reader_new (path, &error);
      g_assert_no_error (error);
      while (tern_mime_mbox_reader_next (reader, &message, NULL, NULL, &error))
        {
          g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (message);
          g_autofree char *origin = g_strdup_printf ("%s #%u", path + prefix, n + 1);

          g_assert_cmpuint (n, <, ids->len);
          print_message (db, origin, g_array_index (ids, gint64, n), bytes);
          n++;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, ids->len);
    }

  g_clear_object (&db);
  remove_tree (tmp);
  return 0;
}
