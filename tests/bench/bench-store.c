/* bench-store.c: in-process timings of the store on an imported store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-store STORE_DB FOLDER RUNS QUERY...
 *
 * Prints one line per measurement, "name<TAB>median_ms<TAB>min_ms<TAB>max_ms<TAB>detail":
 *   open         opening the store (TernStore, as the application does)
 *   first-screen a TernStoreMessageList of FOLDER (a new model each run) until its
 *                first 50 rows are loaded
 *   search:Q     the first 50 results of Q (parse + query + rows), on a connection
 *   count:Q      the number of matches of Q
 * Not a test: run it through bench-store.py, which imports the Maildir first.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "tern-store.h"
#include "tern-store-message-list.h"

#define SCREEN 50

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static void
report (const char *name, GArray *ms, const char *detail)
{
  double *v = (double *) ms->data;

  qsort (v, ms->len, sizeof (double), compare_double);
  printf ("%s\t%.2f\t%.2f\t%.2f\t%s\n", name, v[ms->len / 2], v[0], v[ms->len - 1], detail);
  fflush (stdout);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

int
main (int argc, char **argv)
{
  const char *path, *folder_path;
  int runs;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreFolder) folder = NULL;
  g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));

  setlocale (LC_ALL, "");
  if (argc < 4)
    {
      fprintf (stderr, "usage: %s STORE_DB FOLDER RUNS QUERY...\n", argv[0]);
      return 2;
    }
  path = argv[1];
  folder_path = argv[2];
  runs = MAX (1, atoi (argv[3]));

  /* Opening the store. */
  for (int r = 0; r < runs; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(TernStore) store = tern_store_new_sync (path, NULL, &error);
      double t = ms_since (start);

      if (store == NULL)
        {
          fprintf (stderr, "bench-store: %s\n", error->message);
          return 1;
        }
      g_array_append_val (ms, t);
    }
  report ("open", ms, "");

  db = tern_store_db_open (path, &error);
  if (db == NULL || (folder = tern_store_db_lookup_folder (db, 1, folder_path, &error)) == NULL)
    {
      fprintf (stderr, "bench-store: %s\n", error->message);
      return 1;
    }

  /* The first screen of a big folder, through the lazy model. */
  {
    g_autoptr(TernStore) store = tern_store_new_sync (path, NULL, &error);
    g_autofree char *detail = NULL;
    guint64 fetched = 0;
    guint n_items = 0;

    g_array_set_size (ms, 0);
    for (int r = 0; r < runs; r++)
      {
        GAsyncResult *result = NULL;
        g_autoptr(TernStoreMessageList) list = NULL;
        gint64 start = g_get_monotonic_time ();
        double t;

        tern_store_message_list_new_async (store, tern_store_folder_get_id (folder), NULL, NULL, done_cb, &result);
        while (result == NULL)
          g_main_context_iteration (NULL, TRUE);
        list = tern_store_message_list_new_finish (result, &error);
        g_object_unref (result);
        if (list == NULL)
          {
            fprintf (stderr, "bench-store: %s\n", error->message);
            return 1;
          }
        for (guint i = 0; i < SCREEN && i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
          {
            g_autoptr(TernStoreMessage) m = g_list_model_get_item (G_LIST_MODEL (list), i);
            while (!tern_store_message_is_loaded (m))
              g_main_context_iteration (NULL, TRUE);
          }
        t = ms_since (start);
        g_array_append_val (ms, t);
        fetched = tern_store_message_list_get_n_fetched (list);
        n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
      }
    detail = g_strdup_printf ("%u messages in the folder, %" G_GUINT64_FORMAT " rows read", n_items, fetched);
    report ("first-screen", ms, detail);
  }

  /* Searches: the first 50 results, and the count. */
  for (int q = 4; q < argc; q++)
    {
      g_autofree char *name = g_strdup_printf ("search:%s", argv[q]);
      g_autofree char *count_name = g_strdup_printf ("count:%s", argv[q]);
      g_autofree char *detail = NULL;
      guint n = 0;
      gint64 total = 0;

      g_array_set_size (ms, 0);
      for (int r = 0; r < runs; r++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr(TernStoreQuery) query = tern_store_query_parse (argv[q], &error);
          g_autoptr(GPtrArray) rows = query != NULL ? tern_store_db_search (db, query, 0, SCREEN, &error) : NULL;
          double t = ms_since (start);

          if (rows == NULL)
            {
              fprintf (stderr, "bench-store: %s: %s\n", argv[q], error->message);
              return 1;
            }
          n = rows->len;
          g_array_append_val (ms, t);
        }
      detail = g_strdup_printf ("%u results", n);
      report (name, ms, detail);

      g_array_set_size (ms, 0);
      for (int r = 0; r < runs; r++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr(TernStoreQuery) query = tern_store_query_parse (argv[q], &error);
          double t;

          total = tern_store_db_search_count (db, query, &error);
          t = ms_since (start);
          g_array_append_val (ms, t);
        }
      g_free (detail);
      detail = g_strdup_printf ("%" G_GINT64_FORMAT " matches", total);
      report (count_name, ms, detail);
    }

  return 0;
}
