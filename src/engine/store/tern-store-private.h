/* tern-store-private.h: internals shared by the files of the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "tern-store-db.h"
#include "tern-store-folder.h"
#include "tern-store-message.h"
#include "tern-store-thread.h"

G_BEGIN_DECLS

#define TERN_STORE_MESSAGE_COLUMNS \
  "m.id, m.folder_id, m.uid, m.uidl, m.flags, m.keywords, m.internal_date, m.date, " \
  "m.date_tz, m.size, m.from_addr, m.to_addr, m.cc_addr, m.subject, m.message_id, " \
  "m.in_reply_to, m.has_attachments, m.has_body, m.preview, m.thread_id"

#define TERN_STORE_FOLDER_COLUMNS \
  "f.id, f.account_id, a.address, f.parent_id, f.name, f.path, f.server_path, " \
  "f.delimiter, f.role, f.uidvalidity, f.uidnext, f.highestmodseq, f.total, f.unread, " \
  "f.subscribed"

#define TERN_STORE_FOLDER_FROM "folders f JOIN accounts a ON a.id = f.account_id"

/* messages.sort_key is (date << TERN_STORE_DB_SORT_KEY_SHIFT) + n: unique, newest-first
 * order, and the row id in the search index. */
#define TERN_STORE_DB_SORT_KEY_SHIFT 10
/* The most message ids (Message-ID, In-Reply-To, References) a message is threaded by. */
#define TERN_STORE_DB_MAX_THREAD_IDS 20

/* One connection to the store; see tern-store-db.c. */
struct _TernStoreDb
{
  GObject                parent_instance;

  sqlite3               *db;
  char                  *path;
  GHashTable            *stmts;      /* SQL text -> sqlite3_stmt */
  int                    tx_depth;
  gboolean               tx_failed;
  gboolean               tx_durable; /* the open transaction's commit is synced */
  TernStoreChanges      *changes;    /* of the open transaction */
  GArray                *pending_index; /* PendingIndex: search index rows not inserted yet */
  gboolean               collecting;  /* in _tern_store_db_bodies_collect() */
  gboolean               defer_checkpoint; /* tern_store_db_defer_checkpoint() */
  gboolean               checkpoint_due;

  /* tern-store-db-bodies.c: the pack files of the bodies */
  char                  *packs_dir;   /* "PATH-bodies" */
  GHashTable            *pack_fds;    /* gint64 * pack -> its descriptor */
  gint64                 pack_cur;    /* the pack the open transaction appends to; 0: not chosen */
  guint64                pack_end;    /* and its end */
  gboolean               packs_dirty; /* written to since the last sync */
  TernStoreDbChangeFunc  change_func;
  gpointer               change_data;
  GDestroyNotify         change_destroy;
};

/* What a message's search index entry was made from (the index is contentless). */
typedef struct
{
  gint64  folder_id;
  gint64  sort_key;
  int     indexed;
  char   *from, *to, *cc, *bcc, *subject;
} TernStoreDbIndexedRow;

/* tern-store-db.c: the connection, its statement cache, errors and changes */
sqlite3          *_tern_store_db_get_handle           (TernStoreDb      *self);
sqlite3_stmt     *_tern_store_db_get_stmt             (TernStoreDb      *self,
                                                       const char       *sql,
                                                       GError          **error);
void              _tern_store_db_set_error            (TernStoreDb      *self,
                                                       int               rc,
                                                       GError          **error);
void              _tern_store_db_stmt_reset           (sqlite3_stmt     *stmt);
void              _tern_store_db_make_durable         (TernStoreDb      *self);
gboolean          _tern_store_db_stmt_run             (TernStoreDb      *self,
                                                       sqlite3_stmt     *stmt,
                                                       GError          **error);
GArray           *_tern_store_db_collect_int64        (TernStoreDb      *self,
                                                       sqlite3_stmt     *stmt,
                                                       GError          **error);
gboolean          _tern_store_db_stmt_int64           (TernStoreDb      *self,
                                                       sqlite3_stmt     *stmt,
                                                       gint64           *value,
                                                       gboolean         *found,
                                                       GError          **error);
void              _tern_store_db_bind_text            (sqlite3_stmt     *stmt,
                                                       int               index,
                                                       const char       *text);
void              _tern_store_db_add_change           (TernStoreDb         *self,
                                                       TernStoreChangeKind  kind,
                                                       gint64               folder_id,
                                                       gint64               message_id);
void              _tern_store_db_add_folder_change    (TernStoreDb      *self,
                                                       gint64            folder_id);

/* tern-store-db-bodies.c */
char             *_tern_store_db_packs_dir            (const char       *store_path);
void              _tern_store_db_set_pack_limit       (guint64           limit);
gboolean          _tern_store_db_body_write           (TernStoreDb      *self,
                                                       gint64            message_id,
                                                       const guint8     *data,
                                                       gsize             len,
                                                       GError          **error);
GBytes           *_tern_store_db_body_read            (TernStoreDb      *self,
                                                       gint64            message_id,
                                                       gboolean         *found,
                                                       GError          **error);
gboolean          _tern_store_db_bodies_sync          (TernStoreDb      *self,
                                                       GError          **error);
gboolean          _tern_store_db_bodies_collect       (TernStoreDb      *self,
                                                       GError          **error);
void              _tern_store_db_packs_end_transaction (TernStoreDb     *self);
void              _tern_store_db_packs_close          (TernStoreDb      *self);

/* tern-store-db-folders.c */
char             *_tern_store_db_normalize_path       (const char       *path);

/* tern-store-db-messages.c */
GPtrArray        *_tern_store_db_collect_messages     (TernStoreDb      *self,
                                                       sqlite3_stmt     *stmt,
                                                       GError          **error);

/* tern-store-db-threads.c */
gint64            _tern_store_db_assign_thread        (TernStoreDb           *self,
                                                       const TernMimeSummary *summary,
                                                       gint64                 date,
                                                       GError               **error);

/* tern-store-db-search.c */
gboolean          _tern_store_db_index_entry          (TernStoreDb      *self,
                                                       gboolean          remove,
                                                       gint64            sort_key,
                                                       const char       *from,
                                                       const char       *to,
                                                       const char       *cc,
                                                       const char       *bcc,
                                                       const char       *subject,
                                                       const char       *body,
                                                       const char       *attachments,
                                                       GError          **error);
gboolean          _tern_store_db_flush_pending_index  (TernStoreDb      *self,
                                                       GError          **error);
gboolean          _tern_store_db_read_indexed_row     (TernStoreDb           *self,
                                                       gint64                 id,
                                                       TernStoreDbIndexedRow *row,
                                                       gboolean              *found,
                                                       GError               **error);
void              _tern_store_db_indexed_row_clear    (TernStoreDbIndexedRow *row);
gboolean          _tern_store_db_unindex              (TernStoreDb                 *self,
                                                       gint64                       id,
                                                       const TernStoreDbIndexedRow *row,
                                                       const TernMimeSummary       *same,
                                                       GError                     **error);
gboolean          _tern_store_db_reindex_all          (TernStoreDb      *self,
                                                       GError          **error);

/* tern-store-folder.c, tern-store-message.c: the rows' objects */
TernStoreFolder  *_tern_store_folder_new_from_stmt    (sqlite3_stmt     *stmt);
void              _tern_store_folder_update_from      (TernStoreFolder  *self,
                                                       TernStoreFolder  *row);
void              _tern_store_folder_set_counts       (TernStoreFolder  *self,
                                                       guint             total,
                                                       guint             unread);
TernStoreMessage *_tern_store_message_new_placeholder (void);
TernStoreMessage *_tern_store_message_new_placeholder_for (gint64       id);
void              _tern_store_message_fill            (TernStoreMessage *self,
                                                       sqlite3_stmt     *stmt);
TernStoreMessage *_tern_store_message_new_from_stmt   (sqlite3_stmt     *stmt);
void              _tern_store_message_load_from       (TernStoreMessage *self,
                                                       TernStoreMessage *row);
gboolean          _tern_store_message_update_from     (TernStoreMessage *self,
                                                       TernStoreMessage *row);

TernStoreThread  *_tern_store_thread_new_placeholder_for (gint64                          id);
gboolean          _tern_store_thread_load_from        (TernStoreThread                *self,
                                                       const TernStoreDbThreadSummary *summary);

G_END_DECLS
