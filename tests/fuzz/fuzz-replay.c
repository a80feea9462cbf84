/* fuzz-replay.c: feeds files to a libFuzzer target, without libFuzzer
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked with one fuzz target (fuzz-TARGET.c, which defines LLVMFuzzerTestOneInput and
 * maybe LLVMFuzzerInitialize) by the project's own compiler, so that the targets are
 * built and run by the unit suite even when fuzzing is off: a target that no longer
 * compiles, or whose invariants no longer hold on the seeds and on the inputs that
 * once crashed it, fails the suite.
 *
 *   fuzz-replay-TARGET [--imap-trace] [--suffix .txt] [--skip-missing] PATH...
 *
 * Every PATH is a file or a directory, read recursively in name order; each file is one
 * input, given to the target as libFuzzer would (a buffer of exactly its size). A PATH
 * with no input in it is a failure: a corpus that went empty proves nothing.
 *
 *   --imap-trace    the files are recorded IMAP server traces with LF line ends (the
 *                   shared corpus): each goes in as a seed of fuzz-imap-parser would,
 *                   with CRLF line ends (literal sizes count the CR) behind the byte that
 *                   chooses the chunk size, once for each of chunks of 1, 2, 7 and 97
 *                   bytes
 *   --suffix S      in directories, only the files whose names end with S
 *   --skip-missing  a PATH that does not exist skips the whole run (exit status 77,
 *                   the reason on stdout): the shared corpus, which may be absent
 *
 * Prints TAP, one line per input, so that a crash names the input it died on.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

/* The chunk sizes of --imap-trace: the target cuts its input into chunks of
 * 1 + first byte % 97 bytes. */
static const guint8 imap_chunk_bytes[] = { 0, 1, 6, 96 };

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
collect (const char *path,
         const char *suffix,
         GPtrArray  *files)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) children = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  children = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (children, g_build_filename (path, name, NULL));
  g_ptr_array_sort (children, compare_paths);
  for (guint i = 0; i < children->len; i++)
    {
      const char *child = g_ptr_array_index (children, i);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        collect (child, suffix, files);
      else if (g_file_test (child, G_FILE_TEST_IS_REGULAR) && (suffix == NULL || g_str_has_suffix (child,
                                                                                                   suffix)))
        g_ptr_array_add (files, g_strdup (child));
    }
}

/* One run of the target on a buffer of exactly @size bytes (a byte more would hide
 * a read past the end from AddressSanitizer). */
static void
feed (const guint8 *data,
      gsize         size)
{
  g_autofree guint8 *exact = size > 0 ? g_memdup2 (data, size) : NULL;

  LLVMFuzzerTestOneInput (exact, size);
}

static void
feed_imap_trace (const char *contents,
                 gsize       length)
{
  g_autoptr(GByteArray) input = g_byte_array_sized_new (length + length / 16 + 1);

  g_byte_array_append (input, imap_chunk_bytes, 1);
  for (gsize i = 0; i < length; i++)
    {
      if (contents[i] == '\n' && (i == 0 || contents[i - 1] != '\r'))
        g_byte_array_append (input, (const guint8 *) "\r", 1);
      g_byte_array_append (input, (const guint8 *) &contents[i], 1);
    }
  for (guint i = 0; i < G_N_ELEMENTS (imap_chunk_bytes); i++)
    {
      input->data[0] = imap_chunk_bytes[i];
      feed (input->data, input->len);
    }
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  gboolean imap_trace = FALSE;
  gboolean skip_missing = FALSE;
  const char *suffix = NULL;
  guint n_paths = 0;

  for (int i = 1; i < argc; i++)
    {
      guint before = files->len;

      if (g_str_equal (argv[i], "--imap-trace"))
        imap_trace = TRUE;
      else if (g_str_equal (argv[i], "--skip-missing"))
        skip_missing = TRUE;
      else if (g_str_equal (argv[i], "--suffix") && i + 1 < argc)
        suffix = argv[++i];
      else if (g_str_equal (argv[i], "--tap"))
        ;   /* TAP always */
      else if (!g_file_test (argv[i], G_FILE_TEST_EXISTS))
        {
          if (skip_missing)
            {
              printf ("1..0 # SKIP no corpus at %s (set -Dcorpus_dir)\n", argv[i]);
              return 77;
            }
          fprintf (stderr, "%s: no such file or directory: %s\n", argv[0], argv[i]);
          return 1;
        }
      else
        {
          n_paths++;
          collect (argv[i], suffix, files);
          if (files->len == before)
            {
              fprintf (stderr, "%s: no input in %s\n", argv[0], argv[i]);
              return 1;
            }
        }
    }
  if (n_paths == 0)
    {
      fprintf (stderr, "usage: %s [--imap-trace] [--suffix S] [--skip-missing] PATH...\n", argv[0]);
      return 2;
    }

  if (LLVMFuzzerInitialize != NULL)
    LLVMFuzzerInitialize (&argc, &argv);

  printf ("TAP version 13\n");
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      /* before the run: a crash leaves this line as the last one */
      printf ("# %s\n", path);
      fflush (stdout);
      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          printf ("not ok %u - %s: %s\n", i + 1, path, error->message);
          return 1;
        }
      if (imap_trace)
        feed_imap_trace (contents, length);
      else
        feed ((const guint8 *) contents, length);
      printf ("ok %u - %s\n", i + 1, path);
    }
  printf ("1..%u\n", files->len);
  return 0;
}
