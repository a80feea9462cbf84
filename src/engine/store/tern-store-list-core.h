/* tern-store-list-core.h: what the live list models of the store share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-store-db.h"

G_BEGIN_DECLS

typedef GObject *(*TernStoreListNewItem)    (gint64   id);
typedef gboolean (*TernStoreListItemLoaded) (gpointer item);

/* The order of a list (every row's sort key and id) and the row objects it hands out.
 * While a difference is being announced, the list is keys[0, split) followed by
 * old[old_split, old->len). */
typedef struct
{
  GListModel              *model;       /* not a reference: the model owns this */
  TernStoreListNewItem     new_item;
  TernStoreListItemLoaded  is_loaded;
  GArray                  *keys;        /* TernStoreDbKey, newest first */
  GArray                  *old;
  guint                    split;
  guint                    old_split;
  GHashTable              *rows;        /* gint64 id -> row */
  GHashTable              *reading;     /* ids being read */
  guint64                  clock;
} TernStoreListCore;

void          _tern_store_list_core_init         (TernStoreListCore        *core,
                                                  GListModel               *model,
                                                  TernStoreListNewItem      new_item,
                                                  TernStoreListItemLoaded   is_loaded);
void          _tern_store_list_core_clear        (TernStoreListCore        *core);
guint         _tern_store_list_core_n_items      (TernStoreListCore        *core);
gint64        _tern_store_list_core_id_at        (TernStoreListCore        *core,
                                                  guint                     position);
gpointer      _tern_store_list_core_get_item     (TernStoreListCore        *core,
                                                  guint                     position,
                                                  gboolean                 *needs_read);
gpointer      _tern_store_list_core_lookup       (TernStoreListCore        *core,
                                                  gint64                    id);
void          _tern_store_list_core_adopt        (TernStoreListCore        *core,
                                                  gint64                    id,
                                                  gpointer                  item);
GArray       *_tern_store_list_core_take_batch   (TernStoreListCore        *core,
                                                  guint                     position,
                                                  guint                     batch);
void          _tern_store_list_core_done_reading (TernStoreListCore        *core,
                                                  GArray                   *ids);
void          _tern_store_list_core_apply_order  (TernStoreListCore        *core,
                                                  GArray                   *keys);
gint          _tern_store_list_core_find         (TernStoreListCore        *core,
                                                  gint64                    id);
void          _tern_store_list_core_announce     (TernStoreListCore        *core,
                                                  GArray                   *ids);
GArray       *_tern_store_list_core_held_ids     (TernStoreListCore        *core);
void          _tern_store_list_core_forget_unheld (TernStoreListCore       *core);

/* When a list reads its order again. A change while a read runs marks it dirty: the
 * read's result still shows (it is newer than what is shown), and the next read
 * starts after a pause of three times the last one's length (0.1 to 2 s), so that a
 * sync committing all the time does not keep a worker reading the order (taking a
 * core from the sync) while the list shows nothing new. An urgent change (messages
 * leaving or coming back) cannot wait, and makes the result of a read that started
 * before it wrong to show: that one is dropped and the next starts at once. */
typedef void (*TernStoreListOrderStart) (gpointer list);

typedef struct
{
  TernStoreListOrderStart  start;
  gpointer                 list;       /* not a reference: the list owns this */
  gboolean                 running;
  gboolean                 dirty;
  gboolean                 urgent;
  gint64                   started;    /* monotonic, of the read running */
  guint                    timer;
} TernStoreListOrder;

void          _tern_store_list_order_init        (TernStoreListOrder       *order,
                                                  TernStoreListOrderStart   start,
                                                  gpointer                  list);
void          _tern_store_list_order_clear       (TernStoreListOrder       *order);
void          _tern_store_list_order_running     (TernStoreListOrder       *order);
void          _tern_store_list_order_queue       (TernStoreListOrder       *order,
                                                  gboolean                  urgent);
gboolean      _tern_store_list_order_done        (TernStoreListOrder       *order);
gboolean      _tern_store_list_order_pending     (TernStoreListOrder       *order);

G_END_DECLS
