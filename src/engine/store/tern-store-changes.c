/* tern-store-changes.c: what one committed transaction changed
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-store-changes.h"

struct _TernStoreChanges
{
  gatomicrefcount  ref_count;
  GHashTable      *folders;   /* gint64* folder id -> FolderChanges */
  GArray          *order;     /* folder ids in the order first seen */
  gboolean         rows;      /* a folder was created, renamed, moved or deleted */
};

typedef struct
{
  GArray *ids[4];             /* per TernStoreChangeKind, gint64 message ids */
} FolderChanges;

G_DEFINE_BOXED_TYPE (TernStoreChanges, tern_store_changes,
                     tern_store_changes_ref, tern_store_changes_unref)

static void
folder_changes_free (FolderChanges *fc)
{
  for (guint i = 0; i < G_N_ELEMENTS (fc->ids); i++)
    g_array_unref (fc->ids[i]);
  g_free (fc);
}

TernStoreChanges *
tern_store_changes_new (void)
{
  TernStoreChanges *changes = g_new0 (TernStoreChanges, 1);

  g_atomic_ref_count_init (&changes->ref_count);
  changes->folders = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify) folder_changes_free);
  changes->order = g_array_new (FALSE, FALSE, sizeof (gint64));
  return changes;
}

TernStoreChanges *
tern_store_changes_ref (TernStoreChanges *changes)
{
  g_atomic_ref_count_inc (&changes->ref_count);
  return changes;
}

void
tern_store_changes_unref (TernStoreChanges *changes)
{
  if (changes != NULL && g_atomic_ref_count_dec (&changes->ref_count))
    {
      g_hash_table_unref (changes->folders);
      g_array_unref (changes->order);
      g_free (changes);
    }
}

static FolderChanges *
get_folder (TernStoreChanges *changes, gint64 folder_id)
{
  FolderChanges *fc = g_hash_table_lookup (changes->folders, &folder_id);

  if (fc == NULL)
    {
      fc = g_new0 (FolderChanges, 1);
      for (guint i = 0; i < G_N_ELEMENTS (fc->ids); i++)
        fc->ids[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (changes->folders, g_memdup2 (&folder_id, sizeof folder_id), fc);
      g_array_append_val (changes->order, folder_id);
    }
  return fc;
}

void
tern_store_changes_add (TernStoreChanges    *changes,
                        TernStoreChangeKind  kind,
                        gint64               folder_id,
                        gint64               message_id)
{
  g_return_if_fail (kind <= TERN_STORE_CHANGE_ARRIVED);
  g_array_append_val (get_folder (changes, folder_id)->ids[kind], message_id);
}

/* Records that a folder's own row changed: created, renamed, moved, its role or
 * subscription changed, or deleted. */
void
tern_store_changes_add_folder (TernStoreChanges *changes, gint64 folder_id)
{
  get_folder (changes, folder_id);
  changes->rows = TRUE;
}

/**
 * tern_store_changes_get_folder_rows_changed:
 *
 * Returns: whether a folder itself (not only its messages) was created, renamed,
 *   moved, changed its role or subscription, or was deleted
 */
gboolean
tern_store_changes_get_folder_rows_changed (TernStoreChanges *changes)
{
  return changes->rows;
}

gboolean
tern_store_changes_is_empty (TernStoreChanges *changes)
{
  return changes->order->len == 0;
}

/**
 * tern_store_changes_get_folders:
 *
 * Returns: (transfer container) (element-type gint64): the folders touched
 */
GArray *
tern_store_changes_get_folders (TernStoreChanges *changes)
{
  return g_array_ref (changes->order);
}

/**
 * tern_store_changes_get_ids:
 *
 * Returns: (transfer container) (element-type gint64): the message ids of @kind in
 *   @folder_id (possibly empty)
 */
GArray *
tern_store_changes_get_ids (TernStoreChanges    *changes,
                            TernStoreChangeKind  kind,
                            gint64               folder_id)
{
  FolderChanges *fc = g_hash_table_lookup (changes->folders, &folder_id);

  g_return_val_if_fail (kind <= TERN_STORE_CHANGE_ARRIVED, NULL);
  if (fc == NULL)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  return g_array_ref (fc->ids[kind]);
}
