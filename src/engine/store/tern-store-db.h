/* tern-store-db.h: one synchronous connection to the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-mime-summary.h"
#include "tern-store-changes.h"
#include "tern-store-folder.h"
#include "tern-store-message.h"
#include "tern-store-query.h"
#include "tern-store-types.h"

G_BEGIN_DECLS

/* The schema version this code writes (PRAGMA user_version). */
#define TERN_STORE_SCHEMA_VERSION 11

/* PRAGMA application_id of a Tern store: "Tern". */
#define TERN_STORE_APPLICATION_ID 0x5465726E

/* A connection's SQLite page cache, in KiB: what a sync or a bulk change (a move,
 * an import) needs to keep its working set; the store's workers keep less between
 * them (tern_store_db_set_cache_size()). */
#define TERN_STORE_DB_CACHE_KIB 16384
#define TERN_STORE_DB_READER_CACHE_KIB 4096

/**
 * TernStoreDbNewMessage:
 * @folder_id: the folder
 * @uid: the IMAP UID, or 0 to take the folder's next UID (local folders, POP3)
 * @uidl: (nullable): the POP3 UIDL
 * @flags: the flags
 * @keywords: (nullable): IMAP keywords, space separated
 * @internal_date: the IMAP INTERNALDATE / file date, or 0 for the Date header
 * @raw: (nullable): the raw message; %NULL while only the header is known
 * @size: the size the server gave, used when @raw is %NULL
 * @summary: (nullable): the parsed message, when the caller parsed it already;
 *   %NULL to parse @raw here
 * @dedup_key: tern_store_db_compute_dedup_key() of @raw, or 0 to compute it here
 * @skip_duplicate: do not add the message when the folder has one with the same
 *   content (import is idempotent)
 * @defer_index: with @raw %NULL, leave the message out of the search index until
 *   tern_store_db_set_raw() gives its body (which indexes it whole, once): for a sync
 *   that stores every header first and fetches the bodies right after
 * @arrived: new mail: the sync found it on the server since the folder's previous
 *   sync (not in a folder's first sync); announced as %TERN_STORE_CHANGE_ARRIVED
 */
typedef struct
{
  gint64                  folder_id;
  guint32                 uid;
  const char             *uidl;
  TernStoreFlags          flags;
  const char             *keywords;
  gint64                  internal_date;
  GBytes                 *raw;
  gsize                   size;
  const TernMimeSummary  *summary;
  gint64                  dedup_key;
  gboolean                skip_duplicate;
  gboolean                defer_index;
  gboolean                arrived;
} TernStoreDbNewMessage;

/**
 * TernStoreDbKey:
 * @sort_key: the message's place in the newest-first order (unique; never changes)
 * @id: the message
 */
typedef struct
{
  gint64 sort_key;
  gint64 id;
} TernStoreDbKey;

/* The most senders a conversation's summary names. */
#define TERN_STORE_DB_THREAD_PARTICIPANTS 4

/**
 * TernStoreDbThreadSummary:
 * @thread_id: the conversation
 * @n_messages: its messages (in the folder asked for)
 * @n_unread: those of them not read
 * @flagged: one of them is flagged
 * @has_attachments: one of them has attachments
 * @answered: one of them was answered
 * @participants: (nullable): the senders' names, newest first, ", " between them
 * @latest: (nullable): the newest message
 */
typedef struct
{
  gint64             thread_id;
  guint              n_messages;
  guint              n_unread;
  gboolean           flagged;
  gboolean           has_attachments;
  gboolean           answered;
  char              *participants;
  TernStoreMessage  *latest;
} TernStoreDbThreadSummary;

void              tern_store_db_thread_summary_clear (TernStoreDbThreadSummary *summary);

typedef void (*TernStoreDbChangeFunc) (TernStoreChanges *changes,
                                       gpointer          user_data);

#define TERN_TYPE_STORE_DB (tern_store_db_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreDb, tern_store_db, TERN, STORE_DB, GObject)

char             *tern_store_db_get_default_path  (void);
TernStoreDb      *tern_store_db_open              (const char             *path,
                                                   GError                **error);
const char       *tern_store_db_get_path          (TernStoreDb            *self);
GBytes           *tern_store_db_get_migration_sql (guint                   version,
                                                   GError                **error);
gboolean          tern_store_db_move_aside        (const char             *path,
                                                   char                  **new_path,
                                                   GError                **error);
void              tern_store_db_set_change_func   (TernStoreDb            *self,
                                                   TernStoreDbChangeFunc   func,
                                                   gpointer                user_data,
                                                   GDestroyNotify          destroy);

gboolean          tern_store_db_begin             (TernStoreDb            *self,
                                                   GError                **error);
gboolean          tern_store_db_commit            (TernStoreDb            *self,
                                                   GError                **error);
void              tern_store_db_rollback          (TernStoreDb            *self);
gboolean          tern_store_db_check_integrity   (TernStoreDb            *self,
                                                   GError                **error);
void              tern_store_db_set_cache_size    (TernStoreDb            *self,
                                                   gint64                  kib);
gboolean          tern_store_db_checkpoint        (TernStoreDb            *self,
                                                   GError                **error);
void              tern_store_db_defer_checkpoint  (TernStoreDb            *self,
                                                   gboolean                defer);
gboolean          tern_store_db_get_checkpoint_due (TernStoreDb           *self);

gint64            tern_store_db_ensure_account    (TernStoreDb            *self,
                                                   const char             *address,
                                                   TernStoreAccountKind    kind,
                                                   GError                **error);
gint64            tern_store_db_lookup_account    (TernStoreDb            *self,
                                                   const char             *address,
                                                   GError                **error);

TernStoreFolder  *tern_store_db_get_folder        (TernStoreDb            *self,
                                                   gint64                  folder_id,
                                                   GError                **error);
TernStoreFolder  *tern_store_db_lookup_folder     (TernStoreDb            *self,
                                                   gint64                  account_id,
                                                   const char             *path,
                                                   GError                **error);
TernStoreFolder  *tern_store_db_ensure_folder     (TernStoreDb            *self,
                                                   gint64                  account_id,
                                                   const char             *path,
                                                   TernStoreFolderRole     role,
                                                   GError                **error);
GPtrArray        *tern_store_db_list_folders      (TernStoreDb            *self,
                                                   gint64                  account_id,
                                                   GError                **error);
gboolean          tern_store_db_set_folder_sync_state (TernStoreDb        *self,
                                                   gint64                  folder_id,
                                                   guint32                 uidvalidity,
                                                   guint32                 uidnext,
                                                   guint64                 highestmodseq,
                                                   GError                **error);

gint64            tern_store_db_compute_dedup_key (const guint8           *data,
                                                   gsize                   len);
GArray           *tern_store_db_list_dedup_keys   (TernStoreDb            *self,
                                                   gint64                  folder_id,
                                                   GError                **error);
gint64            tern_store_db_add_message       (TernStoreDb            *self,
                                                   const TernStoreDbNewMessage *message,
                                                   gboolean               *duplicate,
                                                   GError                **error);
gboolean          tern_store_db_set_raw           (TernStoreDb            *self,
                                                   gint64                  message_id,
                                                   GBytes                 *raw,
                                                   GError                **error);
gboolean          tern_store_db_set_raw_parsed    (TernStoreDb            *self,
                                                   gint64                  message_id,
                                                   GBytes                 *raw,
                                                   const TernMimeSummary  *summary,
                                                   gint64                  dedup_key,
                                                   GError                **error);
gboolean          tern_store_db_set_flags         (TernStoreDb            *self,
                                                   const gint64           *ids,
                                                   guint                   n_ids,
                                                   TernStoreFlags          add,
                                                   TernStoreFlags          remove,
                                                   GError                **error);
gboolean          tern_store_db_index_headers     (TernStoreDb            *self,
                                                   gint64                  folder_id,
                                                   guint                  *n_indexed,
                                                   GError                **error);
gboolean          tern_store_db_set_keywords      (TernStoreDb            *self,
                                                   gint64                  id,
                                                   const char             *keywords,
                                                   GError                **error);
gboolean          tern_store_db_move_messages     (TernStoreDb            *self,
                                                   const gint64           *ids,
                                                   guint                   n_ids,
                                                   gint64                  folder_id,
                                                   GError                **error);
gboolean          tern_store_db_delete_messages   (TernStoreDb            *self,
                                                   const gint64           *ids,
                                                   guint                   n_ids,
                                                   GError                **error);
TernStoreMessage *tern_store_db_get_message       (TernStoreDb            *self,
                                                   gint64                  message_id,
                                                   GError                **error);
gint64            tern_store_db_get_message_folder_id (TernStoreDb        *self,
                                                   gint64                  message_id,
                                                   GError                **error);
GArray           *tern_store_db_list_bodiless_outside (TernStoreDb        *self,
                                                       const gint64       *ids,
                                                       guint               n_ids,
                                                       gint64              account_id,
                                                       GError            **error);
GBytes           *tern_store_db_get_raw           (TernStoreDb            *self,
                                                   gint64                  message_id,
                                                   GError                **error);
GPtrArray        *tern_store_db_list_messages     (TernStoreDb            *self,
                                                   gint64                  folder_id,
                                                   guint                   offset,
                                                   guint                   limit,
                                                   GError                **error);
GPtrArray        *tern_store_db_search            (TernStoreDb            *self,
                                                   TernStoreQuery         *query,
                                                   guint                   offset,
                                                   guint                   limit,
                                                   GError                **error);
gint64            tern_store_db_search_count      (TernStoreDb            *self,
                                                   TernStoreQuery         *query,
                                                   GError                **error);
GArray           *tern_store_db_list_keys        (TernStoreDb            *self,
                                                   gint64                  folder_id,
                                                   TernStoreQuery         *query,
                                                   GError                **error);
GArray           *tern_store_db_list_thread_keys (TernStoreDb            *self,
                                                   gint64                  folder_id,
                                                   TernStoreQuery         *query,
                                                   GArray                 *except,
                                                   GError                **error);
gboolean          tern_store_db_get_thread_summary (TernStoreDb           *self,
                                                   gint64                  thread_id,
                                                   gint64                  folder_id,
                                                   TernStoreDbThreadSummary *summary,
                                                   GError                **error);
GPtrArray        *tern_store_db_list_thread       (TernStoreDb            *self,
                                                   gint64                  thread_id,
                                                   GError                **error);

gint64            tern_store_db_outbox_add        (TernStoreDb            *self,
                                                   gint64                  account_id,
                                                   const char             *mail_from,
                                                   const char * const     *rcpt_to,
                                                   GBytes                 *raw,
                                                   GError                **error);
gint64            tern_store_db_outbox_count      (TernStoreDb            *self,
                                                   gint64                  account_id,
                                                   GError                **error);

G_END_DECLS
