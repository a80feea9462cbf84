/* test-store-corpus.c: every message of the shared real-world corpus imports,
 * keeps its bytes, and is found by a word of its subject and of its body
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The corpus is $TERN_CORPUS_DIR (../shared/corpus beside the source tree). It is
 * not part of the repository: when it is absent this test exits 77 (skipped)
 * and says why. Nothing else in the store tests depends on it.
 *
 * What is read (see the corpus README and each PROVENANCE.md):
 *   messages/...  every file but *.tnef, *.list (TNEF blobs and their expected
 *                 attachment lists) and PROVENANCE.md: one message per file,
 *                 imported byte for byte (many begin with an mbox envelope line;
 *                 that line is kept);
 *   mbox/...      every mbox file (also *.mbox.txt), not the *-summary.txt files
 *                 (MimeKit's expected output, whose message counts are checked)
 *                 nor PROVENANCE.md.
 *
 * For each message the test checks that
 *   1. it was imported, and the stored raw bytes equal the source's bytes (the
 *      whole file; for an mbox, the file's bytes between the envelope line and
 *      the next one, less the framing empty line, which must be a verbatim slice
 *      of the file);
 *   2. a search for subject:WORD finds it, WORD being the longest word of letters
 *      in the decoded subject that the store shows;
 *   3. a search for body:WORD finds it, WORD being the longest word of letters in
 *      the body text the store extracted and indexed (MIME decoded, converted to
 *      UTF-8, HTML reduced to text, at most TERN_MIME_SUMMARY_MAX_TEXT bytes). The
 *      extraction itself is checked by test-store-mime; here the point is that
 *      every message's text reaches the index and is found.
 * A message without a subject, or whose subject has no word of letters (only
 * digits or punctuation), gets no subject search. Likewise a message whose extracted
 * body has no word of letters (empty bodies, encrypted or attachment-only mail)
 * gets no body search. Such messages are listed in the test log, with counts.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "tern-mime-mbox-reader.h"
#include "tern-store-db.h"
#include "tern-store-error.h"
#include "tern-store-importer.h"

static const char *corpus_dir;

typedef struct
{
  char   *origin;
  GBytes *bytes;
  gint64  id;
} Expected;

static void
expected_free (Expected *e)
{
  g_free (e->origin);
  g_bytes_unref (e->bytes);
  g_free (e);
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

/* An FTS5 unicode61 token: a run of characters that are not separators (letters,
 * digits, marks, private use). */
static gboolean
is_token_char (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_DECIMAL_NUMBER:
    case G_UNICODE_LETTER_NUMBER:
    case G_UNICODE_OTHER_NUMBER:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_PRIVATE_USE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The longest token made only of letters (and marks), or NULL. */
static char *
longest_word (const char *text)
{
  g_autofree char *best = NULL;
  glong best_len = 0;
  const char *p = text;

  if (text == NULL)
    return NULL;
  while (*p != '\0')
    {
      const char *start;
      gboolean letters = TRUE;
      glong n = 0;

      while (*p != '\0' && !is_token_char (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      start = p;
      while (*p != '\0' && is_token_char (g_utf8_get_char (p)))
        {
          gunichar c = g_utf8_get_char (p);
          if (!g_unichar_isalpha (c) && !g_unichar_ismark (c))
            letters = FALSE;
          n++;
          p = g_utf8_next_char (p);
        }
      if (letters && n > best_len)
        {
          g_free (best);
          best = g_strndup (start, p - start);
          best_len = n;
        }
    }
  return g_steal_pointer (&best);
}

static gboolean
search_finds (TernStoreDb *db, const char *field, const char *word, gint64 id, GString *failures)
{
  g_autofree char *text = g_strdup_printf ("%s:\"%s\"", field, word);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreQuery) query = tern_store_query_parse (text, &error);
  g_autoptr(GPtrArray) rows = NULL;

  if (query == NULL)
    {
      g_string_append_printf (failures, "query %s: %s\n", text, error->message);
      return FALSE;
    }
  rows = tern_store_db_search (db, query, 0, 100000, &error);
  if (rows == NULL)
    {
      g_string_append_printf (failures, "search %s: %s\n", text, error->message);
      return FALSE;
    }
  for (guint i = 0; i < rows->len; i++)
    if (tern_store_message_get_id (g_ptr_array_index (rows, i)) == id)
      return TRUE;
  return FALSE;
}

static guint
count_envelopes (const char *summary_path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (summary_path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "From "))
      n++;
  return n;
}

static void
import_file (TernStoreDb *db, const char *path, TernStoreImportKind kind, const char *folder, GArray **ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreImporter) importer = tern_store_importer_new (path, NULL, folder);
  TernStoreImportProgress progress;

  tern_store_importer_set_kind (importer, kind);
  g_assert_true (tern_store_importer_run (importer, db, NULL, &error));
  g_assert_no_error (error);
  tern_store_importer_get_progress (importer, &progress);
  g_assert_cmpuint (progress.failed, ==, 0);
  *ids = g_array_ref (tern_store_importer_get_ids (importer));
}

static void
test_corpus (void)
{
  g_autofree char *messages_dir = g_build_filename (corpus_dir, "messages", NULL);
  g_autofree char *mbox_dir = g_build_filename (corpus_dir, "mbox", NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) mboxes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func ((GDestroyNotify) expected_free);
  g_autoptr(GString) failures = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (NULL, &error);
  guint no_subject_word = 0, no_body_word = 0, n_mbox_messages = 0;

  g_assert_no_error (error);

  /* messages/: one message per file. */
  collect_files (messages_dir, files);
  g_ptr_array_sort (files, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (files->len, >, 0);
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GArray) ids = NULL;
      Expected *e;
      char *contents = NULL;
      gsize len = 0;

      if (g_str_has_suffix (path, ".tnef") || g_str_has_suffix (path, ".list") ||
          g_str_has_suffix (path, "PROVENANCE.md"))
        continue;
      import_file (db, path, TERN_STORE_IMPORT_MESSAGE, "Corpus", &ids);
      g_assert_cmpuint (ids->len, ==, 1);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      e = g_new0 (Expected, 1);
      e->origin = g_strdup (path);
      e->bytes = g_bytes_new_take (contents, len);
      e->id = g_array_index (ids, gint64, 0);
      g_ptr_array_add (expected, e);
    }

  /* mbox/: every message of every mbox file. */
  collect_files (mbox_dir, mboxes);
  g_ptr_array_sort (mboxes, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < mboxes->len; i++)
    {
      const char *path = g_ptr_array_index (mboxes, i);
      g_autoptr(GArray) ids = NULL;
      g_autoptr(TernMimeMboxReader) reader = NULL;
      g_autofree char *contents = NULL;
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *folder = g_strconcat ("Mbox/", base, NULL);
      gsize file_len = 0;
      GByteArray *message;
      goffset offset = 0;
      guint n = 0;

      if (g_str_has_suffix (path, "-summary.txt") || g_str_has_suffix (path, "PROVENANCE.md"))
        continue;
      import_file (db, path, TERN_STORE_IMPORT_MBOX, folder, &ids);
      g_assert_true (g_file_get_contents (path, &contents, &file_len, NULL));

      reader = tern_mime_mbox_reader_new (path, &error);
      g_assert_no_error (error);
      while (tern_mime_mbox_reader_next (reader, &message, NULL, &offset, &error))
        {
          Expected *e = g_new0 (Expected, 1);

          /* The message is a verbatim slice of the file. */
          g_assert_cmpint (offset + message->len, <=, file_len);
          g_assert_cmpmem (contents + offset, message->len, message->data, message->len);
          e->origin = g_strdup_printf ("%s #%u", path, n + 1);
          e->bytes = g_byte_array_free_to_bytes (message);
          e->id = n < ids->len ? g_array_index (ids, gint64, n) : 0;
          g_ptr_array_add (expected, e);
          n++;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, ids->len);
      n_mbox_messages += n;

      /* The message count: MimeKit's summaries where there is one, else what a
       * person counts in the file (see the comment of each). */
      {
        g_autofree char *stem = g_strndup (path, strstr (path, ".mbox") != NULL
                                                 ? (gsize) (strstr (path, ".mbox") - path) : strlen (path));
        g_autofree char *summary = g_strconcat (stem, "-summary.txt", NULL);

        if (g_file_test (summary, G_FILE_TEST_EXISTS))
          g_assert_cmpuint (n, ==, count_envelopes (summary));
        else if (g_str_has_suffix (path, "unmunged.mbox.txt"))
          g_assert_cmpuint (n, ==, 2);   /* two messages, each with a "From Russia with love" body line */
        else if (g_str_has_suffix (path, "substring.mbox") || g_str_has_suffix (path, "simple.mbox.txt"))
          g_assert_cmpuint (n, ==, 3);   /* three "From - " envelopes */
        g_test_message ("%s: %u messages", path, n);
      }
    }
  g_assert_cmpuint (n_mbox_messages, >, 0);

  /* Every message: bytes, subject word, body word. */
  for (guint i = 0; i < expected->len; i++)
    {
      Expected *e = g_ptr_array_index (expected, i);
      g_autoptr(TernStoreMessage) m = NULL;
      g_autoptr(GBytes) stored = NULL;
      g_autoptr(TernMimeSummary) summary = NULL;
      g_autofree char *subject_word = NULL;
      g_autofree char *body_word = NULL;

      if (e->id == 0)
        {
          g_string_append_printf (failures, "%s: not imported\n", e->origin);
          continue;
        }
      stored = tern_store_db_get_raw (db, e->id, &error);
      g_assert_no_error (error);
      if (!g_bytes_equal (stored, e->bytes))
        g_string_append_printf (failures, "%s: stored bytes differ\n", e->origin);

      m = tern_store_db_get_message (db, e->id, &error);
      g_assert_no_error (error);
      subject_word = longest_word (tern_store_message_get_subject (m));
      if (subject_word != NULL)
        {
          if (!search_finds (db, "subject", subject_word, e->id, failures))
            g_string_append_printf (failures, "%s: subject:\"%s\" does not find it\n", e->origin, subject_word);
        }
      else
        {
          /* longest_word() scanned the whole subject and found no word of
           * letters: there is nothing to search for. Log what it was. */
          g_test_message ("%s: no subject word in “%s”", e->origin,
                          tern_store_message_get_subject (m) != NULL ? tern_store_message_get_subject (m) : "(none)");
          no_subject_word++;
        }

      summary = tern_mime_summary_new (g_bytes_get_data (e->bytes, NULL), g_bytes_get_size (e->bytes));
      body_word = longest_word (summary->body_text);
      if (body_word != NULL)
        {
          if (!search_finds (db, "body", body_word, e->id, failures))
            g_string_append_printf (failures, "%s: body:\"%s\" does not find it\n", e->origin, body_word);
        }
      else
        {
          g_test_message ("%s: no word in its %zu bytes of body text", e->origin, strlen (summary->body_text));
          no_body_word++;
        }
    }

  g_test_message ("%u messages (%u from mbox files); %u without a word in the subject, %u without a "
                  "word in the body text", expected->len, n_mbox_messages, no_subject_word, no_body_word);
  if (failures->len > 0)
    g_error ("Corpus failures:\n%s", failures->str);

  g_assert_true (tern_store_db_check_integrity (db, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_autofree char *messages = NULL;

  setlocale (LC_ALL, "");
  corpus_dir = g_getenv ("TERN_CORPUS_DIR");
  if (corpus_dir == NULL || *corpus_dir == '\0')
    {
      printf ("SKIP: TERN_CORPUS_DIR is not set, so there is no mail corpus to import\n");
      return 77;
    }
  messages = g_build_filename (corpus_dir, "messages", NULL);
  if (!g_file_test (messages, G_FILE_TEST_IS_DIR))
    {
      printf ("SKIP: the mail corpus is absent (no %s); it lives outside the repository, in ../shared/corpus\n",
              messages);
      return 77;
    }

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/store/corpus/import-and-search", test_corpus);
  return g_test_run ();
}
