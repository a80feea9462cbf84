/* tern-sync-pipeline.c: storing what a sync receives, beside the network
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The IMAP session reads and answers on the sync's thread; storing a message there
 * too (parsing it, writing its row, its body and its search index entry) kept the
 * network waiting for the store, one core idle. A pipeline takes the items a FETCH
 * brings in, in order, through two threads of its own:
 *
 *   the sync's thread   reads the responses (TLS, the IMAP parser) and pushes items
 *   parser thread       funcs->parse: the MIME parsing, which needs no store
 *   writer thread       funcs->store, in transactions of a batch of items: the store's
 *                       connection is the writer's while the pipeline runs
 *
 * A batch ends at @batch_items items, BATCH_BYTES of message bytes, BATCH_HELD of
 * text held for the search index until the commit, or BATCH_TIME after its first
 * item, whichever comes first: big transactions (fewer, larger segments of the search
 * index, a fifth less of its CPU time than batches of 100), yet what arrived is
 * listed and searchable within BATCH_TIME. At most MAX_IN_FLIGHT_BYTES of messages
 * are between the network and the writer (one message bigger than that alone), which
 * bounds the memory whatever the mailbox.
 *
 * Items are stored in the order they were pushed, so that a batch's commit can name
 * the highest UID stored (the folder's UIDNEXT) in its transaction, as before. A
 * failure of the store stops the pipeline: the batch is rolled back, the following
 * items are dropped, push() says FALSE and finish() gives the error. What was
 * committed before stays.
 */
#include "config.h"

#include "tern-sync-pipeline.h"

#define MAX_IN_FLIGHT_ITEMS 2048
#define MAX_IN_FLIGHT_BYTES (8 * 1024 * 1024)
#define BATCH_BYTES         (64 * 1024 * 1024)
#define BATCH_HELD          (16 * 1024 * 1024)
#define BATCH_TIME          (500 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  gpointer item;
  gsize    bytes;
} Entry;

struct _TernSyncPipeline
{
  TernStoreDb                 *db;
  TernSyncPipelineFuncs        funcs;
  gpointer                     user_data;
  guint                        batch_items;
  GCancellable                *cancellable;
  gulong                       cancelled_id;

  GMutex                       lock;
  GCond                        cond;           /* any change below */
  GQueue                       to_parse;       /* Entry * */
  GQueue                       to_store;       /* Entry * */
  guint                        in_flight;      /* pushed, not stored yet */
  gsize                        in_flight_bytes;
  gboolean                     closing;        /* finish() called: no more items */
  gboolean                     parsed_all;     /* the parser has handed on its last item */
  GError                      *error;          /* the writer's failure */

  GThread                     *parser;
  GThread                     *writer;
};

static void
entry_free (TernSyncPipeline *self, Entry *entry)
{
  if (entry->item != NULL && self->funcs.free_item != NULL)
    self->funcs.free_item (entry->item);
  g_free (entry);
}

static gpointer
parser_main (gpointer data)
{
  TernSyncPipeline *self = data;

  for (;;)
    {
      Entry *entry;
      gboolean skip;

      g_mutex_lock (&self->lock);
      while (g_queue_is_empty (&self->to_parse) && !self->closing)
        g_cond_wait (&self->cond, &self->lock);
      entry = g_queue_pop_head (&self->to_parse);
      skip = self->error != NULL;
      if (entry == NULL)
        {
          self->parsed_all = TRUE;
          g_cond_broadcast (&self->cond);
          g_mutex_unlock (&self->lock);
          return NULL;
        }
      g_mutex_unlock (&self->lock);

      if (!skip)
        self->funcs.parse (entry->item, self->user_data);

      g_mutex_lock (&self->lock);
      g_queue_push_tail (&self->to_store, entry);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
    }
}

/* Commits the open batch (the folder's sync state last in it). */
static gboolean
commit_batch (TernSyncPipeline *self, GError **error)
{
  if (self->funcs.commit != NULL && !self->funcs.commit (self->db, self->user_data, error))
    {
      tern_store_db_rollback (self->db);
      return FALSE;
    }
  if (!tern_store_db_commit (self->db, error))
    return FALSE;
  if (self->funcs.committed != NULL)
    self->funcs.committed (self->user_data);
  return TRUE;
}

static gpointer
writer_main (gpointer data)
{
  TernSyncPipeline *self = data;
  gboolean open = FALSE;
  gint64 batch_start = 0;
  guint n = 0;
  gsize bytes = 0, held = 0;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      Entry *entry;
      gboolean failed;

      g_mutex_lock (&self->lock);
      for (;;)
        {
          gboolean done = self->closing && (self->funcs.parse == NULL || self->parsed_all);

          if (!g_queue_is_empty (&self->to_store) || done)
            break;
          /* An open batch waits for more only until it is BATCH_TIME old. */
          if (open && self->error == NULL)
            {
              if (!g_cond_wait_until (&self->cond, &self->lock, batch_start + BATCH_TIME))
                break;
            }
          else
            g_cond_wait (&self->cond, &self->lock);
        }
      entry = g_queue_pop_head (&self->to_store);
      failed = self->error != NULL;
      g_mutex_unlock (&self->lock);

      if (entry != NULL && !failed)
        {
          gsize item_held = 0;

          if (!open)
            {
              if (!tern_store_db_begin (self->db, &error))
                goto failure;
              open = TRUE;
              batch_start = g_get_monotonic_time ();
              n = 0;
              bytes = held = 0;
            }
          if (!self->funcs.store (self->db, entry->item, self->user_data, &item_held, &error))
            {
              tern_store_db_rollback (self->db);
              open = FALSE;
              goto failure;
            }
          n++;
          bytes += entry->bytes;
          held += item_held;
        }

      if (open && (entry == NULL || n >= self->batch_items || bytes >= BATCH_BYTES || held >= BATCH_HELD ||
                   g_get_monotonic_time () - batch_start >= BATCH_TIME))
        {
          open = FALSE;
          if (!commit_batch (self, &error))
            goto failure;
        }

    failure:
      g_mutex_lock (&self->lock);
      if (error != NULL && self->error == NULL)
        self->error = g_steal_pointer (&error);
      if (entry != NULL)
        {
          self->in_flight--;
          self->in_flight_bytes -= entry->bytes;
        }
      g_cond_broadcast (&self->cond);
      if (entry == NULL && self->closing && (self->funcs.parse == NULL || self->parsed_all) &&
          g_queue_is_empty (&self->to_store) && !open)
        {
          g_mutex_unlock (&self->lock);
          return NULL;
        }
      g_mutex_unlock (&self->lock);
      if (entry != NULL)
        entry_free (self, entry);
    }
}

static void
cancelled_cb (GCancellable *cancellable, TernSyncPipeline *self)
{
  g_mutex_lock (&self->lock);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * tern_sync_pipeline_new:
 * @db: the store; the pipeline's writer uses it until tern_sync_pipeline_finish()
 *   returns (the caller must not meanwhile), outside any transaction
 * @batch_items: the most items in a transaction
 *
 * Starts the pipeline's threads.
 */
TernSyncPipeline *
tern_sync_pipeline_new (TernStoreDb                 *db,
                        const TernSyncPipelineFuncs *funcs,
                        gpointer                     user_data,
                        guint                        batch_items,
                        GCancellable                *cancellable)
{
  TernSyncPipeline *self = g_new0 (TernSyncPipeline, 1);

  g_return_val_if_fail (funcs->store != NULL, NULL);

  self->db = g_object_ref (db);
  self->funcs = *funcs;
  self->user_data = user_data;
  self->batch_items = MAX (batch_items, 1);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->to_parse);
  g_queue_init (&self->to_store);
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
    }
  if (funcs->parse != NULL)
    self->parser = g_thread_new ("tern-sync-parse", parser_main, self);
  self->writer = g_thread_new ("tern-sync-write", writer_main, self);
  return self;
}

/**
 * tern_sync_pipeline_push:
 * @item: (transfer full): the item
 * @bytes: its size (the message bytes it holds)
 *
 * Hands an item on, waiting while too much is in flight (the writer is behind).
 *
 * Returns: %FALSE when the pipeline failed or @cancellable was cancelled (@item is
 *   freed): push no more
 */
gboolean
tern_sync_pipeline_push (TernSyncPipeline *self, gpointer item, gsize bytes)
{
  Entry *entry;

  g_mutex_lock (&self->lock);
  while (self->error == NULL && !g_cancellable_is_cancelled (self->cancellable) && self->in_flight > 0 &&
         (self->in_flight >= MAX_IN_FLIGHT_ITEMS || self->in_flight_bytes + bytes > MAX_IN_FLIGHT_BYTES))
    g_cond_wait (&self->cond, &self->lock);
  if (self->error != NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_mutex_unlock (&self->lock);
      if (self->funcs.free_item != NULL)
        self->funcs.free_item (item);
      return FALSE;
    }
  entry = g_new (Entry, 1);
  entry->item = item;
  entry->bytes = bytes;
  self->in_flight++;
  self->in_flight_bytes += bytes;
  g_queue_push_tail (self->funcs.parse != NULL ? &self->to_parse : &self->to_store, entry);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

/**
 * tern_sync_pipeline_finish:
 *
 * Stores what was pushed (the last batch committed), stops the threads and frees
 * the pipeline; the caller has the store's connection back.
 *
 * Returns: %FALSE with the writer's error
 */
gboolean
tern_sync_pipeline_finish (TernSyncPipeline *self, GError **error)
{
  gboolean ok;

  g_mutex_lock (&self->lock);
  self->closing = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (self->parser != NULL)
    g_thread_join (self->parser);
  g_thread_join (self->writer);

  if (self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  g_clear_object (&self->cancellable);
  ok = self->error == NULL;
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&self->error));
  g_queue_clear_full (&self->to_parse, g_free);
  g_queue_clear_full (&self->to_store, g_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_object_unref (self->db);
  g_free (self);
  return ok;
}
