/* tern-store-folder.h: a folder of the store, as read at one moment
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-store-types.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE_FOLDER (tern_store_folder_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreFolder, tern_store_folder, TERN, STORE_FOLDER, GObject)

gint64               tern_store_folder_get_id            (TernStoreFolder *self);
gint64               tern_store_folder_get_account_id    (TernStoreFolder *self);
const char          *tern_store_folder_get_account       (TernStoreFolder *self);
gint64               tern_store_folder_get_parent_id     (TernStoreFolder *self);
const char          *tern_store_folder_get_name          (TernStoreFolder *self);
const char          *tern_store_folder_get_path          (TernStoreFolder *self);
const char          *tern_store_folder_get_server_path   (TernStoreFolder *self);
const char          *tern_store_folder_get_delimiter     (TernStoreFolder *self);
TernStoreFolderRole  tern_store_folder_get_role          (TernStoreFolder *self);
guint32              tern_store_folder_get_uidvalidity   (TernStoreFolder *self);
guint32              tern_store_folder_get_uidnext       (TernStoreFolder *self);
guint64              tern_store_folder_get_highestmodseq (TernStoreFolder *self);
guint                tern_store_folder_get_total         (TernStoreFolder *self);
guint                tern_store_folder_get_unread        (TernStoreFolder *self);
gboolean             tern_store_folder_get_subscribed    (TernStoreFolder *self);

G_END_DECLS
