/* tern-mail-op-private.h: an operation on mail, as the files that run them share it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tern-mail-operations.c runs every operation on the store's worker;
 * tern-mail-sending.c has the kinds a composer and the outbox need.
 */
#pragma once

#include "tern-mail.h"
#include "tern-mail-private.h"
#include "tern-outbox-composition.h"
#include "tern-store-db.h"

G_BEGIN_DECLS

typedef enum
{
  OP_FLAGS,
  OP_KEYWORDS,
  OP_MOVE,
  OP_COPY,
  OP_TRASH,
  OP_EXPUNGE,
  OP_ARCHIVE,
  OP_JUNK,
  OP_MARK_FOLDER_READ,
  OP_UNDO,
  OP_CREATE_FOLDER,
  OP_RENAME_FOLDER,
  OP_MOVE_FOLDER,
  OP_DELETE_FOLDER,
  OP_EMPTY_FOLDER,
  OP_SUBSCRIBE_FOLDER,
  OP_SAVE_DRAFT,
  OP_QUEUE,
  OP_OUTBOX_SEND_NOW,
  OP_OUTBOX_DELETE,
  OP_SEND,
  OP_OUTBOX_TAKE_BACK,
} OpKind;

typedef struct
{
  OpKind          kind;
  GArray         *ids;            /* gint64 */
  gint64          folder_id;
  gint64          account_id;
  gint64          parent_id;
  gint64          outbox_id;
  TernStoreFlags  add;
  TernStoreFlags  remove;
  GStrv           keywords_add;
  GStrv           keywords_remove;
  char           *name;
  GBytes         *raw;
  guint           delay;
  gboolean        junk;
  gboolean        subscribed;     /* OP_SUBSCRIBE_FOLDER */
  TernAccount    *account;        /* draft and queue */
  TernMailUndo   *undo_in;        /* OP_UNDO */
  TernOutboxComposition *composition; /* send, a draft */
  gint64          draft_id;       /* send: the draft it removes */

  /* results */
  TernMailUndo   *undo;
  gint64          result_id;
  GArray         *need_bodies;    /* a move to another account: bodies to fetch first */
  gboolean        fetched;        /* they were fetched (once) */
  gint64          outbox_count;   /* the account's outbox after the operation, -1: unchanged */
  TernOutboxComposition *taken_back; /* OP_OUTBOX_TAKE_BACK */

  /* The syncs to wake once the operation is committed, from the store's thread: the
   * server's part starts then, not after the main loop has also taken in the
   * committed changes (for 10,000 messages moved, a tenth of a second and more). */
  GPtrArray      *triggers;       /* TernSyncTrigger */

  /* main thread */
  TernStore      *store;
  guint           leaving;        /* tern_store_hold_leaving() token, while running */
} Op;

Op       *_tern_mail_op_new          (OpKind              kind,
                                      const gint64       *ids,
                                      guint               n_ids);
void      _tern_mail_op_start        (TernMail           *self,
                                      Op                 *op,
                                      gpointer            tag,
                                      GCancellable       *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer            user_data);
TernStoreFolder *_tern_mail_op_role_folder (TernStoreDb         *db,
                                            gint64               account_id,
                                            TernStoreFolderRole  role,
                                            GError             **error);
gboolean  _tern_mail_op_run_sending  (TernStoreDb        *db,
                                      Op                 *op,
                                      GError            **error);

G_END_DECLS
