/* tern-mail-private.h: what the files of the mail module share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-mail.h"
#include "tern-sync-trigger.h"

G_BEGIN_DECLS

/* ---- undo ---------------------------------------------------------------------------- */

typedef enum
{
  TERN_MAIL_UNDO_RESTORE,        /* prior: put messages back in their folders, flags, keywords */
  TERN_MAIL_UNDO_DELETE_COPIES,  /* ids: delete the copies made */
  TERN_MAIL_UNDO_DELETE_FOLDER,  /* folder_id: delete the folder made (when still empty) */
  TERN_MAIL_UNDO_RENAME_FOLDER,  /* folder_id, path: give the folder its path back */
  TERN_MAIL_UNDO_SUBSCRIPTION,   /* folder_id, subscribed: give the folder its subscription back */
  TERN_MAIL_UNDO_UNQUEUE,        /* outbox_id: take the message out of the outbox; with
                                  * prior, also give the original of a reply or forward
                                  * its flags back */
} TernMailUndoKind;

struct _TernMailUndo
{
  gatomicrefcount   ref_count;
  TernMailUndoKind  kind;
  GArray           *prior;       /* TernSyncJournalPrior */
  GArray           *ids;         /* gint64 */
  gint64            folder_id;
  char             *path;
  gboolean          subscribed;
  gint64            outbox_id;
};

TernMailUndo    *_tern_mail_undo_new                (TernMailUndoKind  kind);

/* ---- one call on every account -------------------------------------------------------- */

typedef void     (*TernMailAccountCall)       (TernMailAccount      *account,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
typedef gboolean (*TernMailAccountCallFinish) (TernMailAccount      *account,
                                               GAsyncResult         *result,
                                               GError              **error);

void             _tern_mail_for_accounts            (TernMail                  *self,
                                                     TernMailAccount           *account,
                                                     TernMailAccountCall        call,
                                                     TernMailAccountCallFinish  finish,
                                                     gpointer                   source_tag,
                                                     GCancellable              *cancellable,
                                                     GAsyncReadyCallback        callback,
                                                     gpointer                   user_data);

/* ---- accounts -------------------------------------------------------------------------- */

TernMailAccount *_tern_mail_account_new             (TernMail         *mail,
                                                     TernAccount      *account,
                                                     gint64            store_id);
void             _tern_mail_account_set_account     (TernMailAccount  *self,
                                                     TernAccount      *account);
void             _tern_mail_account_start           (TernMailAccount  *self);
void             _tern_mail_account_stop            (TernMailAccount  *self);
void             _tern_mail_account_request         (TernMailAccount  *self,
                                                     TernSyncRequest   request);
void             _tern_mail_account_kick_outbox     (TernMailAccount  *self);
TernSyncTrigger *_tern_mail_account_get_trigger     (TernMailAccount  *self);
void             _tern_mail_account_network_changed (TernMailAccount  *self,
                                                     gboolean          available);
void             _tern_mail_account_sync_async      (TernMailAccount  *self,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
gboolean         _tern_mail_account_sync_finish     (TernMailAccount  *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);
void             _tern_mail_account_flush_async     (TernMailAccount  *self,
                                                     gboolean          now,
                                                     GCancellable     *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer          user_data);
gboolean         _tern_mail_account_flush_finish    (TernMailAccount  *self,
                                                     GAsyncResult     *result,
                                                     GError          **error);
void             _tern_mail_account_set_outbox_count (TernMailAccount *self,
                                                     guint             count);

/* ---- the object ------------------------------------------------------------------------ */

guint            _tern_mail_get_poll_interval       (TernMail         *self);
struct _TernAccountManager *_tern_mail_get_manager  (TernMail         *self);
TernMailAccount *_tern_mail_replace_account         (TernMail         *self,
                                                     TernAccount      *account,
                                                     gint64            store_id);
gboolean         _tern_mail_is_network_available    (TernMail         *self);

G_END_DECLS
