/* tern-store-db-sync.h: what the IMAP sync worker needs from the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-store-db.h"

G_BEGIN_DECLS

/*
 * UIDs of messages in an IMAP folder that the server does not know yet (a move or a
 * copy made offline, a draft not appended yet) are taken from this range, which no
 * server hands out in practice; the sync worker never deletes them as "expunged".
 */
#define TERN_STORE_LOCAL_UID_BASE 0xF0000000u

/**
 * TernStoreDbSyncRow:
 * @id: messages.id
 * @uid: the IMAP UID
 * @flags: the system flags
 * @has_body: whether the raw bytes are stored
 */
typedef struct
{
  gint64          id;
  guint32         uid;
  TernStoreFlags  flags;
  gboolean        has_body;
} TernStoreDbSyncRow;

/**
 * TernStoreDbJournalEntry:
 *
 * @keywords_add: (nullable): IMAP keywords to add, space separated, or %NULL
 * @keywords_remove: (nullable): IMAP keywords to remove, space separated, or %NULL
 *
 * One row of the journal (schema 003), oldest first.
 */
typedef struct
{
  gint64              id;
  TernStoreJournalOp  op;
  gint64              folder_id;
  gint64              target_folder_id;
  char               *uids;
  TernStoreFlags      flags_add;
  TernStoreFlags      flags_remove;
  char               *keywords_add;
  char               *keywords_remove;
  char               *name;
  gint64              message_id;
  guint               attempts;
} TernStoreDbJournalEntry;

/**
 * TernStoreDbJournalMessage:
 * @message_id: the message (for a copy, the original)
 * @uid: its UID on the server when the entry is replayed, 0 while not known (an
 *   earlier entry that places the message on the server hands it on)
 * @copy_id: for a COPY, the local copy the server's copy becomes; else 0
 * @folder_id: the folder the server has it in under @uid when that is not the
 *   entry's (a move the server refused left it in its source folder); else 0
 */
typedef struct
{
  gint64   message_id;
  guint32  uid;
  gint64   copy_id;
  gint64   folder_id;
} TernStoreDbJournalMessage;

void     tern_store_db_journal_entry_free          (TernStoreDbJournalEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernStoreDbJournalEntry, tern_store_db_journal_entry_free)

TernStoreAccountKind tern_store_db_sync_get_account_kind (TernStoreDb *self,
                                                   gint64                  account_id,
                                                   GError                **error);
gboolean tern_store_db_sync_set_folder_server      (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    const char             *server_path,
                                                    const char             *delimiter,
                                                    TernStoreFolderRole     role,
                                                    GError                **error);
gboolean tern_store_db_sync_set_folder_subscribed  (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    gboolean                subscribed,
                                                    GError                **error);
gboolean tern_store_db_sync_set_folder_subscribed_here (TernStoreDb        *self,
                                                    gint64                  folder_id,
                                                    gboolean                subscribed,
                                                    GError                **error);
gboolean tern_store_db_sync_lookup_uid             (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    guint32                 uid,
                                                    TernStoreDbSyncRow     *row,
                                                    gboolean               *found,
                                                    GError                **error);
GArray  *tern_store_db_sync_list_rows              (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    guint32                 below_uid,
                                                    GError                **error);
GArray  *tern_store_db_sync_list_missing_bodies    (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    gint64                  since,
                                                    GError                **error);
gint64   tern_store_db_sync_count_server_messages  (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    GError                **error);
gboolean tern_store_db_sync_delete_server_messages (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    GError                **error);
guint32  tern_store_db_sync_next_local_uid         (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    GError                **error);
gboolean tern_store_db_sync_set_uid                (TernStoreDb            *self,
                                                    gint64                  message_id,
                                                    guint32                 uid,
                                                    GError                **error);
gboolean tern_store_db_sync_move_message           (TernStoreDb            *self,
                                                    gint64                  message_id,
                                                    gint64                  folder_id,
                                                    guint32                 uid,
                                                    GError                **error);
gboolean tern_store_db_sync_move_messages          (TernStoreDb            *self,
                                                    gint64                  from_folder_id,
                                                    const gint64           *ids,
                                                    const guint32          *uids,
                                                    guint                   n,
                                                    gint64                  folder_id,
                                                    GError                **error);
gboolean tern_store_db_sync_rename_folder          (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    const char             *new_path,
                                                    GError                **error);
gboolean tern_store_db_sync_delete_folder          (TernStoreDb            *self,
                                                    gint64                  folder_id,
                                                    GError                **error);
gboolean          tern_store_db_delete_account    (TernStoreDb            *self,
                                                   gint64                  account_id,
                                                   GError                **error);

gint64   tern_store_db_sync_journal_append         (TernStoreDb            *self,
                                                    gint64                  account_id,
                                                    TernStoreJournalOp      op,
                                                    gint64                  folder_id,
                                                    gint64                  target_folder_id,
                                                    const char             *uids,
                                                    TernStoreFlags          flags_add,
                                                    TernStoreFlags          flags_remove,
                                                    const char             *keywords_add,
                                                    const char             *keywords_remove,
                                                    const char             *name,
                                                    gint64                  message_id,
                                                    GError                **error);
GPtrArray *tern_store_db_sync_list_journal         (TernStoreDb            *self,
                                                    gint64                  account_id,
                                                    GError                **error);
gint64   tern_store_db_sync_journal_count          (TernStoreDb            *self,
                                                    gint64                  account_id,
                                                    GError                **error);
gboolean tern_store_db_sync_journal_remove         (TernStoreDb            *self,
                                                    gint64                  entry_id,
                                                    GError                **error);
gboolean tern_store_db_sync_journal_add_message    (TernStoreDb            *self,
                                                    gint64                  entry_id,
                                                    const TernStoreDbJournalMessage *message,
                                                    GError                **error);
gboolean tern_store_db_sync_journal_add_messages   (TernStoreDb            *self,
                                                    gint64                  entry_id,
                                                    const TernStoreDbJournalMessage *messages,
                                                    guint                   n,
                                                    GError                **error);
GArray  *tern_store_db_sync_journal_list_messages  (TernStoreDb            *self,
                                                    gint64                  entry_id,
                                                    GError                **error);
gboolean tern_store_db_sync_journal_forward        (TernStoreDb            *self,
                                                    gint64                  entry_id,
                                                    gint64                  message_id,
                                                    gint64                  folder_id,
                                                    guint32                 uid,
                                                    gboolean               *moves_on,
                                                    GError                **error);
gboolean tern_store_db_sync_journal_moves_on       (TernStoreDb            *self,
                                                    gint64                  entry_id,
                                                    gint64                  message_id,
                                                    gboolean               *moves_on,
                                                    GError                **error);
gboolean tern_store_db_sync_journal_attempted      (TernStoreDb            *self,
                                                    gint64                  entry_id,
                                                    GError                **error);

G_END_DECLS
