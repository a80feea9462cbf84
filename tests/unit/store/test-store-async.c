/* test-store-async.c: TernStore's async API, its change notifications, and the
 * lazy list model
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "tern-store.h"
#include "tern-store-importer.h"
#include "tern-store-folder-list.h"
#include "tern-store-message-list.h"
#include "tern-store-thread-list.h"
#include "tern-store-private.h"
#include "store-test-home.h"

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

/* Runs the main loop until the operation completes; returns its result. */
static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

static Wait *
wait_new (void)
{
  Wait *wait = g_new0 (Wait, 1);
  wait->loop = g_main_loop_new (NULL, FALSE);
  return wait;
}

static void
wait_free (Wait *wait)
{
  g_clear_object (&wait->result);
  g_main_loop_unref (wait->loop);
  g_free (wait);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Wait, wait_free)

static void
wait_reset (Wait *wait)
{
  g_clear_object (&wait->result);
}

static TernStore *
new_store (void)
{
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  TernStore *store;

  g_autofree char *path = store_test_case_store ();

  tern_store_new_async (path, NULL, done_cb, wait);
  store = tern_store_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  g_assert_true (TERN_IS_STORE (store));
  return store;
}

static GBytes *
message (int i, const char *subject_word)
{
  g_autofree char *text = g_strdup_printf ("From: Sender %d <s%d@example.com>\nSubject: %s number %d\n"
                                           "Date: Mon, 1 Jan 2024 %02d:%02d:00 +0000\nMessage-ID: <%d@example.com>\n\n"
                                           "Body of message %d.\n",
                                           i, i, subject_word, i, (i / 60) % 24, i % 60, i, i);
  return g_bytes_new (text, strlen (text));
}

/* Fills the Inbox quickly with a synchronous connection. */
static void
fill (TernStore *store, int n, const char *word)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_db_open (tern_store_get_path (store), &error);

  g_assert_no_error (error);
  g_assert_true (tern_store_db_begin (db, &error));
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GBytes) raw = message (i, word);
      TernStoreDbNewMessage m = { 0 };

      m.folder_id = 1;
      m.raw = raw;
      m.flags = i % 3 == 0 ? 0 : TERN_STORE_FLAG_SEEN;
      g_assert_cmpint (tern_store_db_add_message (db, &m, NULL, &error), >, 0);
    }
  g_assert_true (tern_store_db_commit (db, &error));
}

/* Writes through a store worker, as the engine's operations do. */
typedef struct
{
  int             op;
  gint64          id;
  gint64          folder_id;
  TernStoreFlags  add;
  TernStoreFlags  remove;
  GBytes         *raw;
} Write;

enum { WRITE_ADD, WRITE_FLAGS, WRITE_MOVE, WRITE_DELETE };

static void
write_free (Write *w)
{
  g_clear_pointer (&w->raw, g_bytes_unref);
  g_free (w);
}

static gpointer
write_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  Write *w = data;
  TernStoreDbNewMessage m = { 0 };

  switch (w->op)
    {
    case WRITE_ADD:
      m.folder_id = w->folder_id;
      m.raw = w->raw;
      m.flags = w->add;
      w->id = tern_store_db_add_message (db, &m, NULL, error);
      return w->id > 0 ? GINT_TO_POINTER (TRUE) : NULL;
    case WRITE_FLAGS:
      return tern_store_db_set_flags (db, &w->id, 1, w->add, w->remove, error) ? GINT_TO_POINTER (TRUE) : NULL;
    case WRITE_MOVE:
      return tern_store_db_move_messages (db, &w->id, 1, w->folder_id, error) ? GINT_TO_POINTER (TRUE) : NULL;
    case WRITE_DELETE:
      return tern_store_db_delete_messages (db, &w->id, 1, error) ? GINT_TO_POINTER (TRUE) : NULL;
    default:
      g_assert_not_reached ();
    }
}

/* Runs one write on a store worker and waits for it; returns the message id. */
static gint64
store_write (TernStore *store, int op, gint64 id, gint64 folder_id, GBytes *raw, TernStoreFlags add,
             TernStoreFlags remove)
{
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  Write *w = g_new0 (Write, 1);
  gint64 result;

  w->op = op;
  w->id = id;
  w->folder_id = folder_id;
  w->raw = raw != NULL ? g_bytes_ref (raw) : NULL;
  w->add = add;
  w->remove = remove;
  g_object_ref (store);
  tern_store_run_async (store, write_work, w, NULL, NULL, NULL, done_cb, wait);
  g_assert_nonnull (tern_store_run_finish (store, wait_for (wait), &error));
  g_assert_no_error (error);
  result = w->id;
  write_free (w);
  g_object_unref (store);
  return result;
}

typedef struct
{
  guint   added;
  guint   removed;
  guint   changed;
  guint   counts;
  gint64  last_folder;
  guint   last_total;
  guint   last_unread;
  GArray *last_ids;
  GThread *thread;
} Signals;

static void
record_ids (Signals *s, gint64 folder_id, GArray *ids)
{
  g_assert_true (g_thread_self () == s->thread);   /* emitted in the main context */
  s->last_folder = folder_id;
  g_clear_pointer (&s->last_ids, g_array_unref);
  s->last_ids = g_array_ref (ids);
}

static void
added_cb (TernStore *store, gint64 folder_id, GArray *ids, Signals *s)
{
  s->added++;
  record_ids (s, folder_id, ids);
}

static void
removed_cb (TernStore *store, gint64 folder_id, GArray *ids, Signals *s)
{
  s->removed++;
  record_ids (s, folder_id, ids);
}

static void
changed_cb (TernStore *store, gint64 folder_id, GArray *ids, Signals *s)
{
  s->changed++;
  record_ids (s, folder_id, ids);
}

static void
counts_cb (TernStore *store, gint64 folder_id, guint total, guint unread, Signals *s)
{
  g_assert_true (g_thread_self () == s->thread);
  s->counts++;
  s->last_total = total;
  s->last_unread = unread;
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

/* Lets queued notifications arrive. */
static void
spin (void)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (50, quit_cb, loop);
  g_main_loop_run (loop);
}

static void
test_operations_and_signals (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = message (1, "hello");
  Signals s = { 0 };
  gint64 id;

  s.thread = g_thread_self ();
  g_signal_connect (store, "messages-added", G_CALLBACK (added_cb), &s);
  g_signal_connect (store, "messages-removed", G_CALLBACK (removed_cb), &s);
  g_signal_connect (store, "messages-changed", G_CALLBACK (changed_cb), &s);
  g_signal_connect (store, "folder-counts-changed", G_CALLBACK (counts_cb), &s);

  id = store_write (store, WRITE_ADD, 0, 1, raw, 0, 0);
  g_assert_cmpint (id, >, 0);
  spin ();
  g_assert_cmpuint (s.added, ==, 1);
  g_assert_cmpint (s.last_folder, ==, 1);
  g_assert_cmpuint (s.last_ids->len, ==, 1);
  g_assert_cmpint (g_array_index (s.last_ids, gint64, 0), ==, id);
  g_assert_cmpuint (s.counts, ==, 1);
  g_assert_cmpuint (s.last_total, ==, 1);
  g_assert_cmpuint (s.last_unread, ==, 1);

  store_write (store, WRITE_FLAGS, id, 0, NULL, TERN_STORE_FLAG_SEEN, 0);
  spin ();
  g_assert_cmpuint (s.changed, ==, 1);
  g_assert_cmpuint (s.last_unread, ==, 0);
  g_assert_cmpuint (s.last_total, ==, 1);

  wait_reset (wait);
  tern_store_search_async (store, "subject:hello is:read", 0, 10, NULL, done_cb, wait);
  {
    g_autoptr(GPtrArray) rows = tern_store_search_finish (store, wait_for (wait), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 1);
  }

  wait_reset (wait);
  tern_store_search_async (store, "is:nonsense", 0, 10, NULL, done_cb, wait);
  g_assert_null (tern_store_search_finish (store, wait_for (wait), &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY);
  g_clear_error (&error);

  wait_reset (wait);
  tern_store_get_raw_async (store, id, NULL, done_cb, wait);
  {
    g_autoptr(GBytes) back = tern_store_get_raw_finish (store, wait_for (wait), &error);
    g_assert_true (g_bytes_equal (back, raw));
  }

  wait_reset (wait);
  tern_store_list_folders_async (store, "local", NULL, done_cb, wait);
  {
    g_autoptr(GPtrArray) folders = tern_store_list_folders_finish (store, wait_for (wait), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (folders->len, ==, 2);
  }

  store_write (store, WRITE_MOVE, id, 2, NULL, 0, 0);
  spin ();
  g_assert_cmpuint (s.removed, ==, 1);
  g_assert_cmpuint (s.added, ==, 2);
  g_assert_cmpint (s.last_folder, ==, 2);

  store_write (store, WRITE_DELETE, id, 0, NULL, 0, 0);
  spin ();
  g_assert_cmpuint (s.removed, ==, 2);
  g_assert_cmpuint (s.last_total, ==, 0);

  /* A cancelled operation reports so and runs nothing. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_cancellable_cancel (cancellable);
    wait_reset (wait);
    tern_store_list_messages_async (store, 1, 0, 10, cancellable, done_cb, wait);
    g_assert_null (tern_store_list_messages_finish (store, wait_for (wait), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  g_clear_pointer (&s.last_ids, g_array_unref);
  g_signal_handlers_disconnect_by_data (store, &s);
}

static void
test_main_thread_never_blocks_on_writes (void)
{
  /* A reader gets answers while another connection holds a write transaction
   * (WAL): the UI's reads do not wait for the sync worker's batch. */
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) writer = tern_store_db_open (tern_store_get_path (store), &error);
  gint64 start;

  fill (store, 10, "before");
  g_assert_true (tern_store_db_begin (writer, &error));
  {
    g_autoptr(GBytes) raw = message (99, "pending");
    TernStoreDbNewMessage m = { 0 };
    m.folder_id = 1;
    m.raw = raw;
    g_assert_cmpint (tern_store_db_add_message (writer, &m, NULL, &error), >, 0);
  }

  start = g_get_monotonic_time ();
  tern_store_list_messages_async (store, 1, 0, 100, NULL, done_cb, wait);
  {
    g_autoptr(GPtrArray) rows = tern_store_list_messages_finish (store, wait_for (wait), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rows->len, ==, 10);   /* the uncommitted one is not seen */
  }
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_true (tern_store_db_commit (writer, &error));
}

static void
test_list_model (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessageList) list = NULL;
  const int n = 1000;

  fill (store, n, "listed");

  tern_store_message_list_new_async (store, 1, NULL, NULL, done_cb, wait);
  list = tern_store_message_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);

  /* The count is known, and only the first page was read. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == TERN_TYPE_STORE_MESSAGE);
  g_assert_cmpuint (tern_store_message_list_get_n_fetched (list), ==, TERN_STORE_MESSAGE_LIST_PAGE_SIZE);

  /* First screen: loaded at once, newest first. */
  {
    g_autoptr(TernStoreMessage) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_autoptr(TernStoreMessage) tenth = g_list_model_get_item (G_LIST_MODEL (list), 9);
    g_assert_true (tern_store_message_is_loaded (first));
    g_assert_cmpstr (tern_store_message_get_subject (first), ==, "listed number 999");
    g_assert_cmpstr (tern_store_message_get_subject (tenth), ==, "listed number 990");
  }

  /* Far away: a placeholder now, filled when its page arrives; one page read. */
  {
    g_autoptr(TernStoreMessage) far = g_list_model_get_item (G_LIST_MODEL (list), 700);
    g_assert_false (tern_store_message_is_loaded (far));
    while (!tern_store_message_is_loaded (far))
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpstr (tern_store_message_get_subject (far), ==, "listed number 299");
    g_assert_cmpuint (tern_store_message_list_get_n_fetched (list), ==, 2 * TERN_STORE_MESSAGE_LIST_PAGE_SIZE);
  }
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), n));

  /* Flag change: the shown row updates, the count stays. */
  {
    g_autoptr(TernStoreMessage) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    gint64 id = tern_store_message_get_id (first);
    TernStoreFlags before = tern_store_message_get_flags (first);

    store_write (store, WRITE_FLAGS, id, 0, NULL, TERN_STORE_FLAG_FLAGGED, 0);
    while (tern_store_message_get_flags (first) == before)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (tern_store_message_get_flags (first) & TERN_STORE_FLAG_FLAGGED);
  }

  /* New mail: the model grows (items-changed) and shows it on top. */
  {
    g_autoptr(GBytes) raw = message (1439, "brandnew");   /* 23:59, the newest */
    gint64 id;

    id = store_write (store, WRITE_ADD, 0, 1, raw, 0, 0);
    g_assert_cmpint (id, >, 0);
    while (g_list_model_get_n_items (G_LIST_MODEL (list)) != (guint) n + 1)
      g_main_context_iteration (NULL, TRUE);
    {
      g_autoptr(TernStoreMessage) top = g_list_model_get_item (G_LIST_MODEL (list), 0);
      g_assert_cmpint (tern_store_message_get_id (top), ==, id);
    }
  }

  /* Reading every row pages through the folder without keeping it all. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(TernStoreMessage) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_assert_nonnull (item);
    }
  while (tern_store_message_list_get_n_pending (list) > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_search_model (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessageList) list = NULL;

  fill (store, 300, "searchable");
  tern_store_message_list_new_async (store, 0, "searchable is:unread", NULL, done_cb, wait);
  list = tern_store_message_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 100);
  {
    g_autoptr(TernStoreMessage) first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (tern_store_message_get_subject (first), ==, "searchable number 297");
  }

  wait_reset (wait);
  tern_store_message_list_new_async (store, 0, "is:bogus", NULL, done_cb, wait);
  g_assert_null (tern_store_message_list_new_finish (wait_for (wait), &error));
  g_assert_error (error, TERN_STORE_ERROR, TERN_STORE_ERROR_INVALID_QUERY);
}

static gpointer
cache_size_work (TernStoreDb *db, gpointer data, GCancellable *cancellable, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 *kib = data;

  g_assert_cmpint (sqlite3_prepare_v2 (_tern_store_db_get_handle (db), "PRAGMA cache_size", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *kib = -sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return GINT_TO_POINTER (TRUE);
}

/* The page cache of the worker that runs a job, in KiB. */
static gint64
worker_cache_kib (TernStore *store)
{
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  gint64 kib = 0;

  tern_store_run_async (store, cache_size_work, &kib, NULL, NULL, NULL, done_cb, wait);
  g_assert_nonnull (tern_store_run_finish (store, wait_for (wait), &error));
  g_assert_no_error (error);
  return kib;
}

static void
test_import_async (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *case_dir = store_test_case_dir ();
  g_autofree char *mbox = g_build_filename (case_dir, "in.mbox", NULL);
  g_autoptr(TernStoreImporter) importer = NULL;
  g_autoptr(GString) contents = g_string_new (NULL);
  TernStoreImportProgress progress;
  Signals s = { 0 };

  s.thread = g_thread_self ();
  for (int i = 0; i < 50; i++)
    g_string_append_printf (contents, "From sender@example.com Mon Jan  1 10:%02d:00 2024\n"
                                      "Subject: imported %d\nStatus: %s\n\nbody %d\n\n",
                            i, i, i % 2 ? "RO" : "O", i);
  g_assert_true (g_file_set_contents (mbox, contents->str, contents->len, &error));

  g_signal_connect (store, "folder-counts-changed", G_CALLBACK (counts_cb), &s);
  importer = tern_store_importer_new (mbox, NULL, "Imported/2024");
  tern_store_importer_run_async (importer, store, NULL, done_cb, wait);
  g_assert_true (tern_store_importer_run_finish (importer, wait_for (wait), &error));
  g_assert_no_error (error);
  tern_store_importer_get_progress (importer, &progress);
  g_assert_cmpuint (progress.imported, ==, 50);
  g_assert_true (progress.finished);
  spin ();
  g_assert_cmpuint (s.last_total, ==, 50);
  g_assert_cmpuint (s.last_unread, ==, 25);   /* Status: RO is \Seen */
  g_signal_handlers_disconnect_by_data (store, &s);
  /* The import ran with a bulk change's cache; the workers keep the readers' one
   * (fails on a store whose workers keep the default). */
  g_assert_cmpint (worker_cache_kib (store), ==, TERN_STORE_DB_READER_CACHE_KIB);
  g_assert_cmpint (worker_cache_kib (store), ==, TERN_STORE_DB_READER_CACHE_KIB);
}

/* ---- the one change stream: writes of another thread's connection ------------------- */

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
items_changed_cb (GListModel *model, guint position, guint removed, guint added, GArray *log)
{
  Change c = { position, removed, added };

  /* A handler reading the model sees a list of the announced length. */
  g_assert_nonnull (g_list_model_get_item_type (model) ? model : NULL);
  g_array_append_val (log, c);
}

typedef struct
{
  char       *path;
  TernStore  *store;
  gint64      remove_id;
  gint64      flag_id;
  gint64      folder_id;
  GMainContext *context;
} Writer;

/* A sync worker's thread: its own connection, opened through the store so that the
 * UI's models see its commits. */
static gpointer
writer_thread (gpointer data)
{
  Writer *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_open_db (w->store, w, &error);

  g_assert_no_error (error);
  g_assert_true (tern_store_db_begin (db, &error));
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(GBytes) raw = message (1435 + i, "newer");   /* 23:55: later than all others */
      TernStoreDbNewMessage m = { 0 };

      m.folder_id = w->folder_id;
      m.raw = raw;
      m.arrived = TRUE;
      g_assert_cmpint (tern_store_db_add_message (db, &m, NULL, &error), >, 0);
    }
  g_assert_true (tern_store_db_commit (db, &error));
  g_assert_true (tern_store_db_delete_messages (db, &w->remove_id, 1, &error));
  g_assert_true (tern_store_db_set_flags (db, &w->flag_id, 1, TERN_STORE_FLAG_FLAGGED, 0, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
arrived_cb (TernStore *store, gint64 folder_id, GArray *ids, guint *n)
{
  *n += ids->len;
}

static void
test_list_model_live (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessageList) list = NULL;
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(TernStoreMessage) shown = NULL;
  g_autoptr(TernStoreMessage) gone = NULL;
  g_autoptr(GThread) thread = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(GArray) keys = NULL;
  Writer w = { 0 };
  guint arrived = 0;
  gint gone_position;

  fill (store, 1000, "live");
  tern_store_message_list_new_async (store, 1, NULL, NULL, done_cb, wait);
  list = tern_store_message_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1000);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), log);
  g_signal_connect (store, "messages-arrived", G_CALLBACK (arrived_cb), &arrived);

  /* A row on screen (a widget holds it), and one further down to be deleted. */
  shown = g_list_model_get_item (G_LIST_MODEL (list), 10);
  g_assert_true (tern_store_message_is_loaded (shown));
  gone = g_list_model_get_item (G_LIST_MODEL (list), 500);
  while (!tern_store_message_is_loaded (gone))
    g_main_context_iteration (NULL, TRUE);

  w.store = store;
  w.folder_id = 1;
  w.remove_id = tern_store_message_get_id (gone);
  w.flag_id = tern_store_message_get_id (shown);
  thread = g_thread_new ("writer", writer_thread, &w);
  g_thread_join (g_steal_pointer (&thread));

  while (!(tern_store_message_get_flags (shown) & TERN_STORE_FLAG_FLAGGED) ||
         g_list_model_get_n_items (G_LIST_MODEL (list)) != 1004 ||
         tern_store_message_list_get_n_pending (list) > 0)
    g_main_context_iteration (NULL, TRUE);

  /* Exactly: five on top, one removed at its place (after the five), the shown row
   * changed at its new place; never a reload. */
  /* Exactly: five on top, one removed at its place (below the five), the shown row
   * changed at its place of the moment (the flags may be read before or after the
   * new order is); never a reload. */
  g_assert_cmpuint (log->len, ==, 3);
  {
    guint k = 0, flag_at = G_MAXUINT, top_at = G_MAXUINT;

    for (k = 0; k < log->len; k++)
      {
        Change *c = &g_array_index (log, Change, k);

        if (c->removed == 1 && c->added == 1)
          flag_at = k;
        else if (c->added == 5)
          {
            top_at = k;
            g_assert_cmpuint (c->position, ==, 0);
            g_assert_cmpuint (c->removed, ==, 0);
          }
        else
          {
            g_assert_cmpuint (c->position, ==, 505);
            g_assert_cmpuint (c->removed, ==, 1);
            g_assert_cmpuint (c->added, ==, 0);
            g_assert_cmpuint (k, >, top_at);
          }
      }
    g_assert_cmpuint (flag_at, !=, G_MAXUINT);
    g_assert_cmpuint (top_at, !=, G_MAXUINT);
    g_assert_cmpuint (g_array_index (log, Change, flag_at).position, ==, flag_at < top_at ? 10 : 15);
  }
  g_assert_cmpuint (arrived, ==, 5);

  /* The row on screen is the same object, at its new place. */
  {
    g_autoptr(TernStoreMessage) again = g_list_model_get_item (G_LIST_MODEL (list), 15);
    g_assert_true (again == shown);
  }
  gone_position = tern_store_message_list_find (list, tern_store_message_get_id (gone));
  g_assert_cmpint (gone_position, ==, -1);

  /* And the model's order is the store's. */
  db = tern_store_db_open (tern_store_get_path (store), &error);
  keys = tern_store_db_list_keys (db, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, g_list_model_get_n_items (G_LIST_MODEL (list)));
  for (guint i = 0; i < keys->len; i++)
    g_assert_cmpint (tern_store_message_list_find (list, g_array_index (keys, TernStoreDbKey, i).id), ==, (gint) i);

  g_signal_handlers_disconnect_by_data (list, log);
  g_signal_handlers_disconnect_by_data (store, &arrived);
}

/* A sync's commits, one after another for a second, through the store's own kind of
 * connection: the list models hear of each. */
typedef struct
{
  TernStore *store;
  gint       done;     /* atomic */
  guint      n;        /* messages added */
} Burst;

static gpointer
burst_thread (gpointer data)
{
  Burst *b = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreDb) db = tern_store_open_db (b->store, b, &error);
  gint64 end = g_get_monotonic_time () + G_USEC_PER_SEC;

  g_assert_no_error (error);
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GBytes) raw = message (100000 + (int) b->n, "burst");
      TernStoreDbNewMessage m = { 0 };

      m.folder_id = 1;
      m.raw = raw;
      g_assert_true (tern_store_db_begin (db, &error));
      g_assert_cmpint (tern_store_db_add_message (db, &m, NULL, &error), >, 0);
      g_assert_true (tern_store_db_commit (db, &error));
      b->n++;
    }
  g_atomic_int_set (&b->done, 1);
  return NULL;
}

static void
burst_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer data)
{
  guint *during = data;

  if (!g_atomic_int_get ((gint *) &during[1]))
    during[0]++;
}

/* Commits that follow each other faster than the list reads its order (a sync
 * storing thousands of messages): the lists show the messages as they come, not
 * only once the commits stop, and end equal to the store. */
static void
test_lists_during_burst (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessageList) list = NULL;
  g_autoptr(TernStoreThreadList) threads = NULL;
  g_autoptr(GThread) thread = NULL;
  Burst b = { store, 0, 0 };
  guint list_during[2] = { 0, 0 }, threads_during[2] = { 0, 0 };

  fill (store, 5000, "steady");
  tern_store_message_list_new_async (store, 1, NULL, NULL, done_cb, wait);
  list = tern_store_message_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  wait_reset (wait);
  tern_store_thread_list_new_async (store, 1, NULL, NULL, done_cb, wait);
  threads = tern_store_thread_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  g_signal_connect (list, "items-changed", G_CALLBACK (burst_changed_cb), list_during);
  g_signal_connect (threads, "items-changed", G_CALLBACK (burst_changed_cb), threads_during);

  thread = g_thread_new ("burst", burst_thread, &b);
  while (!g_atomic_int_get (&b.done))
    {
      /* (the handlers read "done" through the same array) */
      g_main_context_iteration (NULL, FALSE) || (g_usleep (500), TRUE);
    }
  list_during[1] = threads_during[1] = 1;
  g_thread_join (g_steal_pointer (&thread));
  g_test_message ("%u commits in a second; changes shown meanwhile: list %u, conversations %u", b.n,
                  list_during[0], threads_during[0]);
  g_assert_cmpuint (b.n, >, 20);
  g_assert_cmpuint (list_during[0], >, 0);
  g_assert_cmpuint (threads_during[0], >, 0);

  while (g_list_model_get_n_items (G_LIST_MODEL (list)) != 5000 + b.n ||
         tern_store_message_list_get_n_pending (list) > 0 ||
         g_list_model_get_n_items (G_LIST_MODEL (threads)) != 5000 + b.n ||
         tern_store_thread_list_get_n_pending (threads) > 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (list, list_during);
  g_signal_handlers_disconnect_by_data (threads, threads_during);
}

static void
test_folder_list_live (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreFolderList) folders = NULL;
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(TernStoreFolder) inbox = NULL;
  g_autoptr(TernStoreDb) db = NULL;
  g_autoptr(TernStoreFolder) created = NULL;
  g_autoptr(GBytes) raw = message (7, "count");

  tern_store_folder_list_new_async (store, 1, NULL, done_cb, wait);
  folders = tern_store_folder_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (folders)), ==, 2);   /* INBOX, Trash */
  inbox = g_list_model_get_item (G_LIST_MODEL (folders), 0);
  g_assert_cmpstr (tern_store_folder_get_path (inbox), ==, "INBOX");
  g_signal_connect (folders, "items-changed", G_CALLBACK (items_changed_cb), log);

  /* A new message: the Inbox object's counts, announced at its position. */
  store_write (store, WRITE_ADD, 0, 1, raw, 0, 0);
  while (tern_store_folder_get_unread (inbox) != 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (tern_store_folder_get_total (inbox), ==, 1);
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpuint (g_array_index (log, Change, 0).position, ==, 0);
  g_assert_cmpuint (g_array_index (log, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (log, Change, 0).added, ==, 1);

  /* A folder made by another connection appears in its place (by path). */
  db = tern_store_open_db (store, NULL, &error);
  created = tern_store_db_ensure_folder (db, 1, "Projects", TERN_STORE_FOLDER_ROLE_NONE, &error);
  g_assert_no_error (error);
  while (g_list_model_get_n_items (G_LIST_MODEL (folders)) != 3)
    g_main_context_iteration (NULL, TRUE);
  {
    g_autoptr(TernStoreFolder) second = g_list_model_get_item (G_LIST_MODEL (folders), 1);
    g_autoptr(TernStoreFolder) first = g_list_model_get_item (G_LIST_MODEL (folders), 0);
    g_assert_cmpstr (tern_store_folder_get_path (second), ==, "Projects");
    g_assert_true (first == inbox);
  }
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpuint (g_array_index (log, Change, 1).position, ==, 1);
  g_assert_cmpuint (g_array_index (log, Change, 1).added, ==, 1);
  g_signal_handlers_disconnect_by_data (folders, log);
}

/* A message of conversation @thread (by In-Reply-To), at minute @minute. */
static GBytes *
thread_message (int thread, int n, int minute, const char *from)
{
  g_autofree char *text = NULL;

  if (n == 0)
    text = g_strdup_printf ("From: %s <x%d@example.com>\nSubject: topic %d\nDate: Mon, 1 Jan 2024 10:%02d:00 +0000\n"
                            "Message-ID: <t%d-0@example.com>\n\nstart\n", from, thread, thread, minute, thread);
  else
    text = g_strdup_printf ("From: %s <x%d@example.com>\nSubject: Re: topic %d\nDate: Mon, 1 Jan 2024 10:%02d:00 +0000\n"
                            "Message-ID: <t%d-%d@example.com>\nIn-Reply-To: <t%d-0@example.com>\n\nreply\n",
                            from, thread, thread, minute, thread, n, thread);
  return g_bytes_new (text, strlen (text));
}

static void
test_thread_list (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreThreadList) list = NULL;
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(TernStoreThread) oldest = NULL;
  gint64 reply_id;

  /* Three conversations: 1 (two messages), 2 (one), 3 (three); 3 is the newest. */
  {
    g_autoptr(GBytes) a = thread_message (1, 0, 1, "Ann");
    g_autoptr(GBytes) b = thread_message (1, 1, 2, "Bob");
    g_autoptr(GBytes) c = thread_message (2, 0, 3, "Cyd");
    g_autoptr(GBytes) d = thread_message (3, 0, 4, "Dee");
    g_autoptr(GBytes) e = thread_message (3, 1, 5, "Eve");
    g_autoptr(GBytes) f = thread_message (3, 2, 6, "Dee");

    store_write (store, WRITE_ADD, 0, 1, a, TERN_STORE_FLAG_SEEN, 0);
    reply_id = store_write (store, WRITE_ADD, 0, 1, b, 0, 0);
    store_write (store, WRITE_ADD, 0, 1, c, 0, 0);
    store_write (store, WRITE_ADD, 0, 1, d, 0, 0);
    store_write (store, WRITE_ADD, 0, 1, e, TERN_STORE_FLAG_SEEN, 0);
    store_write (store, WRITE_ADD, 0, 1, f, 0, 0);
  }
  tern_store_thread_list_new_async (store, 1, NULL, NULL, done_cb, wait);
  list = tern_store_thread_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  {
    g_autoptr(TernStoreThread) top = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_true (tern_store_thread_is_loaded (top));
    g_assert_cmpuint (tern_store_thread_get_n_messages (top), ==, 3);
    g_assert_cmpuint (tern_store_thread_get_n_unread (top), ==, 2);
    g_assert_cmpstr (tern_store_thread_get_participants (top), ==, "Dee, Eve");
    g_assert_cmpstr (tern_store_message_get_subject (tern_store_thread_get_latest (top)), ==, "Re: topic 3");
  }
  oldest = g_list_model_get_item (G_LIST_MODEL (list), 2);
  g_assert_cmpuint (tern_store_thread_get_n_messages (oldest), ==, 2);
  g_assert_cmpuint (tern_store_thread_get_n_unread (oldest), ==, 1);

  /* A reply to the oldest conversation: it moves to the top, the same object, with
   * its new count; announced as a move, never a reload. */
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), log);
  {
    g_autoptr(GBytes) g = thread_message (1, 2, 30, "Fay");
    store_write (store, WRITE_ADD, 0, 1, g, 0, 0);
  }
  while (tern_store_thread_list_find (list, tern_store_thread_get_id (oldest)) != 0 ||
         tern_store_thread_get_n_messages (oldest) != 3 || tern_store_thread_list_get_n_pending (list) > 0)
    g_main_context_iteration (NULL, TRUE);
  {
    g_autoptr(TernStoreThread) top = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_true (top == oldest);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpstr (tern_store_thread_get_participants (oldest), ==, "Fay, Bob, Ann");
  for (guint i = 0; i < log->len; i++)
    g_assert_cmpuint (g_array_index (log, Change, i).removed, <, 3);

  /* Read: the unread count of the row on screen follows. */
  store_write (store, WRITE_FLAGS, reply_id, 0, NULL, TERN_STORE_FLAG_SEEN, 0);
  while (tern_store_thread_get_n_unread (oldest) != 1)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handlers_disconnect_by_data (list, log);

  /* A search: conversations of the matches. */
  {
    g_autoptr(TernStoreThreadList) found = NULL;

    wait_reset (wait);
    tern_store_thread_list_new_async (store, 0, "from:Eve", NULL, done_cb, wait);
    found = tern_store_thread_list_new_finish (wait_for (wait), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (found)), ==, 1);
  }
}

/* Messages held as leaving go from the lists of their folder at once, before any
 * commit, and stay out until released; a list of where they go, and a search, keep
 * theirs; after a release with nothing committed, they come back in place. */
static void
test_leaving (void)
{
  g_autoptr(TernStore) store = new_store ();
  g_autoptr(Wait) wait = wait_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TernStoreMessageList) inbox = NULL;
  g_autoptr(TernStoreMessageList) trash = NULL;
  g_autoptr(TernStoreThreadList) threads = NULL;
  g_autoptr(GArray) log = g_array_new (FALSE, FALSE, sizeof (Change));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(TernStoreMessage) shown = NULL;
  gint64 trash_id = 2;
  guint token;

  fill (store, 100, "leaving");
  tern_store_message_list_new_async (store, 1, NULL, NULL, done_cb, wait);
  inbox = tern_store_message_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  wait_reset (wait);
  tern_store_message_list_new_async (store, trash_id, NULL, NULL, done_cb, wait);
  trash = tern_store_message_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  wait_reset (wait);
  tern_store_thread_list_new_async (store, 1, NULL, NULL, done_cb, wait);
  threads = tern_store_thread_list_new_finish (wait_for (wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (threads)), ==, 100);

  /* Rows 10..19 and row 50 leave for the Trash; row 0 is on screen and stays. */
  shown = g_list_model_get_item (G_LIST_MODEL (inbox), 0);
  for (guint i = 10; i < 20; i++)
    {
      gint64 id = tern_store_message_list_get_id (inbox, i);
      g_array_append_val (ids, id);
    }
  {
    gint64 id = tern_store_message_list_get_id (inbox, 50);
    g_array_append_val (ids, id);
  }
  g_signal_connect (inbox, "items-changed", G_CALLBACK (items_changed_cb), log);
  token = tern_store_hold_leaving (store, (const gint64 *) (void *) ids->data, ids->len, &trash_id, 1);

  /* At once, in the call: two exact removals, nothing else. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), ==, 89);
  g_assert_cmpuint (log->len, ==, 2);
  g_assert_cmpuint (g_array_index (log, Change, 0).position, ==, 10);
  g_assert_cmpuint (g_array_index (log, Change, 0).removed, ==, 10);
  g_assert_cmpuint (g_array_index (log, Change, 1).position, ==, 40);
  g_assert_cmpuint (g_array_index (log, Change, 1).removed, ==, 1);
  for (guint i = 0; i < ids->len; i++)
    g_assert_cmpint (tern_store_message_list_find (inbox, g_array_index (ids, gint64, i)), ==, -1);
  {
    g_autoptr(TernStoreMessage) top = g_list_model_get_item (G_LIST_MODEL (inbox), 0);
    g_assert_true (top == shown);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (trash)), ==, 0);

  /* The conversations list reads its order again without them. */
  while (g_list_model_get_n_items (G_LIST_MODEL (threads)) != 89)
    g_main_context_iteration (NULL, TRUE);

  /* A commit meanwhile (a flag elsewhere) reads the order: they stay out. */
  store_write (store, WRITE_FLAGS, tern_store_message_get_id (shown), 0, NULL, TERN_STORE_FLAG_FLAGGED, 0);
  while (!(tern_store_message_get_flags (shown) & TERN_STORE_FLAG_FLAGGED))
    g_main_context_iteration (NULL, TRUE);
  spin ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), ==, 89);

  /* Released with nothing moved (the operation failed): back in their places. */
  tern_store_release_leaving (store, token);
  while (g_list_model_get_n_items (G_LIST_MODEL (inbox)) != 100 ||
         g_list_model_get_n_items (G_LIST_MODEL (threads)) != 100)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (tern_store_message_list_find (inbox, g_array_index (ids, gint64, i)), ==, (gint) (10 + i));
  g_assert_cmpint (tern_store_message_list_find (inbox, g_array_index (ids, gint64, 10)), ==, 50);
  g_signal_handlers_disconnect_by_data (inbox, log);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  store_test_home_setup ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/async/operations-and-signals", test_operations_and_signals);
  g_test_add_func ("/store/async/reads-during-writes", test_main_thread_never_blocks_on_writes);
  g_test_add_func ("/store/async/list-model", test_list_model);
  g_test_add_func ("/store/async/search-model", test_search_model);
  g_test_add_func ("/store/async/list-model-live", test_list_model_live);
  g_test_add_func ("/store/async/folder-list-live", test_folder_list_live);
  g_test_add_func ("/store/async/thread-list", test_thread_list);
  g_test_add_func ("/store/async/leaving", test_leaving);
  g_test_add_func ("/store/async/lists-during-burst", test_lists_during_burst);
  g_test_add_func ("/store/async/import", test_import_async);

  return store_test_home_cleanup (g_test_run ());
}
