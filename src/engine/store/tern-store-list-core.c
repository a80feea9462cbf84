/* tern-store-list-core.c: what the live list models of the store share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A live list (TernStoreMessageList, TernStoreThreadList) keeps the order of the
 * whole list (each row's sort key and id: 16 bytes a row) and the row objects it
 * handed out, by id. A row not read yet is a placeholder, filled in place later, so
 * bound widgets update themselves. A row stays the same object for as long as
 * anybody holds it: past MAX_ROWS, only rows nobody else references are dropped,
 * the least recently used first.
 *
 * A new order (read on a worker) is compared with the one the list has, both newest
 * first by sort key, and the differences are announced as items-changed of the exact
 * positions, from the top down; during each emission the list is the new order above
 * the change and the old one below it, so a handler that reads the model sees a
 * consistent list. Never a reload: a selection or a scroll position elsewhere stays.
 */
#include "config.h"

#include "tern-store-list-core.h"

/* Rows kept when nobody else holds them. */
#define MAX_ROWS 2048

typedef struct
{
  gint64    id;
  GObject  *item;
  guint64   used;       /* when get_item() last returned it */
} Row;

static void
row_free (Row *row)
{
  g_object_unref (row->item);
  g_free (row);
}

void
_tern_store_list_core_init (TernStoreListCore       *core,
                            GListModel              *model,
                            TernStoreListNewItem     new_item,
                            TernStoreListItemLoaded  is_loaded)
{
  core->model = model;
  core->new_item = new_item;
  core->is_loaded = is_loaded;
  core->keys = g_array_new (FALSE, FALSE, sizeof (TernStoreDbKey));
  core->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) row_free);
  core->reading = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

void
_tern_store_list_core_clear (TernStoreListCore *core)
{
  g_clear_pointer (&core->keys, g_array_unref);
  g_clear_pointer (&core->rows, g_hash_table_unref);
  g_clear_pointer (&core->reading, g_hash_table_unref);
}

guint
_tern_store_list_core_n_items (TernStoreListCore *core)
{
  if (core->old != NULL)
    return core->split + (core->old->len - core->old_split);
  return core->keys->len;
}

static const TernStoreDbKey *
key_at (TernStoreListCore *core, guint position)
{
  if (core->old != NULL && position >= core->split)
    return &g_array_index (core->old, TernStoreDbKey, core->old_split + position - core->split);
  return &g_array_index (core->keys, TernStoreDbKey, position);
}

gint64
_tern_store_list_core_id_at (TernStoreListCore *core, guint position)
{
  return key_at (core, position)->id;
}

static gint
compare_use (gconstpointer a, gconstpointer b)
{
  const Row *x = *(Row * const *) a;
  const Row *y = *(Row * const *) b;

  return x->used < y->used ? -1 : x->used > y->used;
}

/* Past MAX_ROWS, drops the least recently used rows that only this list holds
 * (nobody shows them), until a quarter of the room is free again. */
static void
drop_unused_rows (TernStoreListCore *core)
{
  g_autoptr(GPtrArray) unused = NULL;
  GHashTableIter iter;
  gpointer value;
  guint to_drop;

  if (g_hash_table_size (core->rows) <= MAX_ROWS)
    return;

  unused = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, core->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Row *) value)->item->ref_count == 1)
      g_ptr_array_add (unused, value);
  g_ptr_array_sort (unused, compare_use);

  to_drop = MIN (unused->len, g_hash_table_size (core->rows) - MAX_ROWS * 3 / 4);
  for (guint i = 0; i < to_drop; i++)
    {
      gint64 id = ((Row *) g_ptr_array_index (unused, i))->id;

      g_hash_table_remove (core->reading, &id);
      g_hash_table_remove (core->rows, &id);
    }
}

/* The row object at @position (a new reference), made a placeholder when not read
 * yet; @needs_read says whether it waits for its data and is not being read. */
gpointer
_tern_store_list_core_get_item (TernStoreListCore *core, guint position, gboolean *needs_read)
{
  gint64 id;
  Row *row;

  *needs_read = FALSE;
  if (position >= _tern_store_list_core_n_items (core))
    return NULL;

  id = key_at (core, position)->id;
  row = g_hash_table_lookup (core->rows, &id);
  if (row == NULL)
    {
      row = g_new0 (Row, 1);
      row->id = id;
      row->item = core->new_item (id);
      g_hash_table_insert (core->rows, g_memdup2 (&id, sizeof id), row);
    }
  row->used = ++core->clock;
  *needs_read = !core->is_loaded (row->item) && !g_hash_table_contains (core->reading, &id);
  g_object_ref (row->item);
  drop_unused_rows (core);
  return row->item;
}

/* The row object of @id if the list keeps one (not a new reference). */
gpointer
_tern_store_list_core_lookup (TernStoreListCore *core, gint64 id)
{
  Row *row = g_hash_table_lookup (core->rows, &id);

  return row != NULL ? row->item : NULL;
}

/* Keeps @item (a new reference is taken) as the row of @id. */
void
_tern_store_list_core_adopt (TernStoreListCore *core, gint64 id, gpointer item)
{
  Row *row = g_new0 (Row, 1);

  row->id = id;
  row->item = g_object_ref (item);
  row->used = ++core->clock;
  g_hash_table_insert (core->rows, g_memdup2 (&id, sizeof id), row);
}

/* The ids around @position that are neither read nor being read, now marked as
 * being read; NULL when there is none. */
GArray *
_tern_store_list_core_take_batch (TernStoreListCore *core, guint position, guint batch)
{
  guint n = _tern_store_list_core_n_items (core);
  guint first = (position / batch) * batch;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = first; i < n && i < first + batch; i++)
    {
      gint64 id = key_at (core, i)->id;
      Row *row = g_hash_table_lookup (core->rows, &id);

      if ((row == NULL || !core->is_loaded (row->item)) && !g_hash_table_contains (core->reading, &id))
        {
          g_array_append_val (ids, id);
          g_hash_table_add (core->reading, g_memdup2 (&id, sizeof id));
        }
    }
  return ids->len > 0 ? g_steal_pointer (&ids) : NULL;
}

void
_tern_store_list_core_done_reading (TernStoreListCore *core, GArray *ids)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    g_hash_table_remove (core->reading, &g_array_index (ids, gint64, i));
}

/* Announces the difference between the order the list has and @keys. */
void
_tern_store_list_core_apply_order (TernStoreListCore *core, GArray *keys)
{
  GArray *old = core->keys;
  guint i = 0, j = 0;

  core->keys = g_array_ref (keys);
  core->old = old;
  core->split = 0;
  core->old_split = 0;

  while (i < old->len || j < keys->len)
    {
      guint run_i, run_j;

      /* Skip the common part. */
      while (i < old->len && j < keys->len &&
             g_array_index (old, TernStoreDbKey, i).sort_key == g_array_index (keys, TernStoreDbKey, j).sort_key &&
             g_array_index (old, TernStoreDbKey, i).id == g_array_index (keys, TernStoreDbKey, j).id)
        {
          i++;
          j++;
        }
      if (i == old->len && j == keys->len)
        break;

      /* A run of differences: rows gone (higher in the old order) and rows new,
       * until the two meet again on a row both have. Both are sorted newest first,
       * so a row of the old order above the new one's current row is gone. */
      run_i = i;
      run_j = j;
      while (i < old->len || j < keys->len)
        {
          const TernStoreDbKey *a = i < old->len ? &g_array_index (old, TernStoreDbKey, i) : NULL;
          const TernStoreDbKey *b = j < keys->len ? &g_array_index (keys, TernStoreDbKey, j) : NULL;

          if (a != NULL && b != NULL && a->sort_key == b->sort_key && a->id == b->id)
            break;
          if (b == NULL || (a != NULL && a->sort_key >= b->sort_key))
            i++;
          else
            j++;
        }

      core->split = j;
      core->old_split = i;
      g_list_model_items_changed (core->model, run_j, i - run_i, j - run_j);
    }

  core->old = NULL;
  g_array_unref (old);
}

/**
 * _tern_store_list_core_find:
 *
 * Returns: the position of row @id, or -1
 */
gint
_tern_store_list_core_find (TernStoreListCore *core, gint64 id)
{
  guint n = _tern_store_list_core_n_items (core);

  for (guint i = 0; i < n; i++)
    if (key_at (core, i)->id == id)
      return (gint) i;
  return -1;
}

/* Says which positions hold the rows @ids (changed in place). */
void
_tern_store_list_core_announce (TernStoreListCore *core, GArray *ids)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_int64_hash, g_int64_equal);
  guint n = _tern_store_list_core_n_items (core), found = 0;

  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (wanted, &g_array_index (ids, gint64, i));
  for (guint position = 0; position < n && found < g_hash_table_size (wanted); position++)
    if (g_hash_table_contains (wanted, &key_at (core, position)->id))
      {
        found++;
        g_list_model_items_changed (core->model, position, 1, 1);
      }
}

/* The ids of the rows somebody besides the list holds (shown, say). */
GArray *
_tern_store_list_core_held_ids (TernStoreListCore *core)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, core->rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((Row *) value)->item->ref_count > 1)
      g_array_append_val (ids, *(gint64 *) key);
  return ids;
}

/* Drops the rows nobody else holds: they are read again when asked for. */
void
_tern_store_list_core_forget_unheld (TernStoreListCore *core)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, core->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Row *) value)->item->ref_count == 1 && !g_hash_table_contains (core->reading, &((Row *) value)->id))
      g_hash_table_iter_remove (&iter);
}

/* ---- when to read the order again ------------------------------------------------------ */

void
_tern_store_list_order_init (TernStoreListOrder *order, TernStoreListOrderStart start, gpointer list)
{
  *order = (TernStoreListOrder) { start, list, };
}

void
_tern_store_list_order_clear (TernStoreListOrder *order)
{
  g_clear_handle_id (&order->timer, g_source_remove);
  order->dirty = FALSE;
}

/* A read of the order has started (the first, which the list starts itself). */
void
_tern_store_list_order_running (TernStoreListOrder *order)
{
  order->running = TRUE;
  order->dirty = FALSE;
  order->urgent = FALSE;
  order->started = g_get_monotonic_time ();
}

static void
order_begin (TernStoreListOrder *order)
{
  g_clear_handle_id (&order->timer, g_source_remove);
  _tern_store_list_order_running (order);
  order->start (order->list);
}

static gboolean
order_timer_cb (gpointer data)
{
  TernStoreListOrder *order = data;

  order->timer = 0;
  order_begin (order);
  return G_SOURCE_REMOVE;
}

/* The order changed (@urgent: messages leave or come back). */
void
_tern_store_list_order_queue (TernStoreListOrder *order, gboolean urgent)
{
  if (order->running)
    {
      order->dirty = TRUE;
      order->urgent |= urgent;
      return;
    }
  if (order->timer != 0 && !urgent)
    return;   /* the read waiting will see it */
  order_begin (order);
}

/* A read of the order is over (its result, if any, in hand). Starts or schedules
 * the next when needed. Returns whether its result may be shown. */
gboolean
_tern_store_list_order_done (TernStoreListOrder *order)
{
  gint64 took = g_get_monotonic_time () - order->started;
  gboolean show = !(order->dirty && order->urgent);

  order->running = FALSE;
  if (!order->dirty)
    return show;
  if (order->urgent)
    order_begin (order);
  else
    order->timer = g_timeout_add (CLAMP (3 * took / 1000, 100, 2000), order_timer_cb, order);
  return show;
}

/* Whether a read of the order runs or waits to. */
gboolean
_tern_store_list_order_pending (TernStoreListOrder *order)
{
  return order->running || order->timer != 0;
}
