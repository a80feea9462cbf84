/* tern-store-changes.h: what one committed transaction changed
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TernStoreChangeKind:
 * @TERN_STORE_CHANGE_ADDED: a message entered a folder (new, imported, moved in)
 * @TERN_STORE_CHANGE_REMOVED: a message left a folder (deleted, moved out)
 * @TERN_STORE_CHANGE_CHANGED: a message's flags, keywords or body changed
 * @TERN_STORE_CHANGE_ARRIVED: new mail: a message the sync found on the server (or
 *   downloaded) since the folder's previous sync; also counted as ADDED
 */
typedef enum
{
  TERN_STORE_CHANGE_ADDED,
  TERN_STORE_CHANGE_REMOVED,
  TERN_STORE_CHANGE_CHANGED,
  TERN_STORE_CHANGE_ARRIVED,
} TernStoreChangeKind;

typedef struct _TernStoreChanges TernStoreChanges;

#define TERN_TYPE_STORE_CHANGES (tern_store_changes_get_type ())

GType             tern_store_changes_get_type    (void) G_GNUC_CONST;
TernStoreChanges *tern_store_changes_new         (void);
TernStoreChanges *tern_store_changes_ref         (TernStoreChanges    *changes);
void              tern_store_changes_unref       (TernStoreChanges    *changes);
void              tern_store_changes_add         (TernStoreChanges    *changes,
                                                  TernStoreChangeKind  kind,
                                                  gint64               folder_id,
                                                  gint64               message_id);
void              tern_store_changes_add_folder  (TernStoreChanges    *changes,
                                                  gint64               folder_id);
gboolean          tern_store_changes_is_empty    (TernStoreChanges    *changes);
gboolean          tern_store_changes_get_folder_rows_changed (TernStoreChanges *changes);
GArray           *tern_store_changes_get_folders (TernStoreChanges    *changes);
GArray           *tern_store_changes_get_ids     (TernStoreChanges    *changes,
                                                  TernStoreChangeKind  kind,
                                                  gint64               folder_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernStoreChanges, tern_store_changes_unref)

G_END_DECLS
