/* tern-sync-journal.h: user operations on mail, applied to the store at once and
 * journaled for the server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-store-db.h"

G_BEGIN_DECLS

/**
 * TernSyncJournalPrior:
 * @message_id: the message
 * @folder_id: its folder before the operation
 * @flags: its flags before
 * @keywords: (nullable): its keywords before, as messages.keywords keeps them
 *
 * What undoing an operation on one message needs.
 */
typedef struct
{
  gint64          message_id;
  gint64          folder_id;
  TernStoreFlags  flags;
  char           *keywords;
} TernSyncJournalPrior;

void             tern_sync_journal_prior_clear     (TernSyncJournalPrior *prior);
GArray          *tern_sync_journal_prior_array_new (void);

gboolean         tern_sync_journal_set_flags     (TernStoreDb          *db,
                                                  const gint64         *ids,
                                                  guint                 n_ids,
                                                  TernStoreFlags        add,
                                                  TernStoreFlags        remove,
                                                  GArray               *prior,
                                                  GError              **error);
gboolean         tern_sync_journal_set_keywords  (TernStoreDb          *db,
                                                  const gint64         *ids,
                                                  guint                 n_ids,
                                                  const char * const   *add,
                                                  const char * const   *remove,
                                                  GArray               *prior,
                                                  GError              **error);
gboolean         tern_sync_journal_keyword_is_valid   (const char      *keyword);
char            *tern_sync_journal_keywords_from_strv (const char * const *flags);
char            *tern_sync_journal_apply_keywords     (const char      *keywords,
                                                       const char      *add,
                                                       const char      *remove);
gboolean         tern_sync_journal_move          (TernStoreDb          *db,
                                                  const gint64         *ids,
                                                  guint                 n_ids,
                                                  gint64                folder_id,
                                                  GArray               *prior,
                                                  GError              **error);
gboolean         tern_sync_journal_copy          (TernStoreDb          *db,
                                                  const gint64         *ids,
                                                  guint                 n_ids,
                                                  gint64                folder_id,
                                                  GArray               *copies,
                                                  GError              **error);
gboolean         tern_sync_journal_restore       (TernStoreDb          *db,
                                                  GArray               *prior,
                                                  GError              **error);
gboolean         tern_sync_journal_delete        (TernStoreDb          *db,
                                                  const gint64         *ids,
                                                  guint                 n_ids,
                                                  GError              **error);
gboolean         tern_sync_journal_empty_folder  (TernStoreDb          *db,
                                                  gint64                folder_id,
                                                  GError              **error);
gboolean         tern_sync_journal_mark_folder_read (TernStoreDb       *db,
                                                  gint64                folder_id,
                                                  GArray               *prior,
                                                  GError              **error);
TernStoreFolder *tern_sync_journal_create_folder (TernStoreDb          *db,
                                                  gint64                account_id,
                                                  const char           *path,
                                                  GError              **error);
gboolean         tern_sync_journal_set_folder_subscribed (TernStoreDb  *db,
                                                          gint64        folder_id,
                                                          gboolean      subscribed,
                                                          GError      **error);
gboolean         tern_sync_journal_rename_folder (TernStoreDb          *db,
                                                  gint64                folder_id,
                                                  const char           *new_path,
                                                  GError              **error);
gboolean         tern_sync_journal_delete_folder (TernStoreDb          *db,
                                                  gint64                folder_id,
                                                  GError              **error);
gint64           tern_sync_journal_save_draft    (TernStoreDb          *db,
                                                  gint64                folder_id,
                                                  GBytes               *raw,
                                                  gint64                replaces,
                                                  GError              **error);

G_END_DECLS
