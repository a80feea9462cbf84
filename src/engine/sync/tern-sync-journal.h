/* tern-sync-journal.h: user operations on mail, applied to the store at once and
 * journaled for the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-store-db.h"

G_BEGIN_DECLS

gboolean         tern_sync_journal_set_flags     (TernStoreDb     *db,
                                                 const gint64    *ids,
                                                 guint            n_ids,
                                                 TernStoreFlags   add,
                                                 TernStoreFlags   remove,
                                                 GError         **error);
gboolean         tern_sync_journal_set_keywords  (TernStoreDb         *db,
                                                 const gint64        *ids,
                                                 guint                n_ids,
                                                 const char * const  *add,
                                                 const char * const  *remove,
                                                 GError             **error);
gboolean         tern_sync_journal_keyword_is_valid   (const char          *keyword);
char            *tern_sync_journal_keywords_from_strv (const char * const  *flags);
gboolean         tern_sync_journal_move          (TernStoreDb     *db,
                                                 const gint64    *ids,
                                                 guint            n_ids,
                                                 gint64           folder_id,
                                                 GError         **error);
gboolean         tern_sync_journal_copy          (TernStoreDb     *db,
                                                 const gint64    *ids,
                                                 guint            n_ids,
                                                 gint64           folder_id,
                                                 GError         **error);
gboolean         tern_sync_journal_delete        (TernStoreDb     *db,
                                                 const gint64    *ids,
                                                 guint            n_ids,
                                                 GError         **error);
gboolean         tern_sync_journal_empty_folder  (TernStoreDb     *db,
                                                 gint64           folder_id,
                                                 GError         **error);
TernStoreFolder *tern_sync_journal_create_folder (TernStoreDb     *db,
                                                 gint64           account_id,
                                                 const char      *path,
                                                 GError         **error);
gboolean         tern_sync_journal_rename_folder (TernStoreDb     *db,
                                                 gint64           folder_id,
                                                 const char      *new_path,
                                                 GError         **error);
gboolean         tern_sync_journal_delete_folder (TernStoreDb     *db,
                                                 gint64           folder_id,
                                                 GError         **error);
gint64           tern_sync_journal_save_draft    (TernStoreDb     *db,
                                                 gint64           folder_id,
                                                 GBytes          *raw,
                                                 GError         **error);

G_END_DECLS
