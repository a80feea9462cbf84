/* tern-mail.h: the engine for a front end: the store, the accounts, their syncs,
 * and every operation on mail
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-mail-account.h"
#include "tern-mail-account-builder.h"
#include "tern-mail-check.h"
#include "tern-mail-error.h"
#include "tern-mail-undo.h"
#include "tern-store.h"
#include "tern-store-db-outbox.h"
#include "tern-store-db-correspondents.h"
#include "tern-outbox-composition.h"
#include "tern-outbox-reply.h"

G_BEGIN_DECLS

#define TERN_TYPE_MAIL (tern_mail_get_type ())
G_DECLARE_FINAL_TYPE (TernMail, tern_mail, TERN, MAIL, GObject)

/* ---- the object ------------------------------------------------------------------ */

void             tern_mail_new_async           (const char           *store_path,
                                                const char           *accounts_path,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
TernMail        *tern_mail_new_finish          (GAsyncResult         *result,
                                                GError              **error);
TernMail        *tern_mail_new_sync            (const char           *store_path,
                                                const char           *accounts_path,
                                                GCancellable         *cancellable,
                                                GError              **error);

TernStore       *tern_mail_get_store           (TernMail             *self);
GListModel      *tern_mail_get_accounts        (TernMail             *self);
TernMailAccount *tern_mail_lookup_account      (TernMail             *self,
                                                const char           *email);
TernMailAccount *tern_mail_lookup_account_by_id (TernMail            *self,
                                                gint64                store_id);

/* ---- syncing -------------------------------------------------------------------- */

void             tern_mail_start               (TernMail             *self);
void             tern_mail_stop                (TernMail             *self);
gboolean         tern_mail_get_started         (TernMail             *self);
void             tern_mail_set_poll_interval   (TernMail             *self,
                                                guint                 seconds);
void             tern_mail_sync_async          (TernMail             *self,
                                                TernMailAccount      *account,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         tern_mail_sync_finish         (TernMail             *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             tern_mail_fetch_body_async    (TernMail             *self,
                                                gint64                message_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GBytes          *tern_mail_fetch_body_finish   (TernMail             *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* ---- accounts ------------------------------------------------------------------- */

void             tern_mail_add_account_async   (TernMail             *self,
                                                TernMailAccountBuilder *builder,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
TernMailAccount *tern_mail_add_account_finish  (TernMail             *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             tern_mail_update_account_async (TernMail            *self,
                                                TernMailAccountBuilder *builder,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         tern_mail_update_account_finish (TernMail           *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             tern_mail_remove_account_async (TernMail            *self,
                                                TernMailAccount      *account,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         tern_mail_remove_account_finish (TernMail           *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* ---- a POP3 account becomes IMAP ---------------------------------------------------- */

typedef void (*TernMailSwitchProgressFunc) (guint done, guint total, gpointer user_data);

void             tern_mail_switch_to_imap_async (TernMail            *self,
                                                TernMailAccount      *account,
                                                const char           *host,
                                                guint16               port,
                                                TernNetSecurity       security,
                                                const char           *user,
                                                TernMailSwitchProgressFunc progress,
                                                gpointer              progress_data,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
TernMailAccount *tern_mail_switch_to_imap_finish (TernMail           *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* ---- operations on mail: applied to the store at once, journaled for the server;
 *      each completes with tern_mail_operation_finish() ------------------------------- */

gboolean         tern_mail_operation_finish    (TernMail             *self,
                                                GAsyncResult         *result,
                                                TernMailUndo        **undo,
                                                gint64               *id,
                                                GError              **error);

void             tern_mail_set_flags_async     (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                TernStoreFlags        add,
                                                TernStoreFlags        remove,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_set_keywords_async  (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                const char * const   *add,
                                                const char * const   *remove,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_move_async          (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                gint64                folder_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_copy_async          (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                gint64                folder_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_trash_async         (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_expunge_async       (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_archive_async       (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_junk_async          (TernMail             *self,
                                                const gint64         *ids,
                                                guint                 n_ids,
                                                gboolean              junk,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_mark_folder_read_async (TernMail          *self,
                                                gint64                folder_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_undo_async          (TernMail             *self,
                                                TernMailUndo         *undo,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);

/* folders */
void             tern_mail_create_folder_async (TernMail             *self,
                                                gint64                account_id,
                                                gint64                parent_id,
                                                const char           *name,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_rename_folder_async (TernMail             *self,
                                                gint64                folder_id,
                                                const char           *name,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_move_folder_async   (TernMail             *self,
                                                gint64                folder_id,
                                                gint64                parent_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_delete_folder_async (TernMail             *self,
                                                gint64                folder_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_set_folder_subscribed_async (TernMail     *self,
                                                gint64                folder_id,
                                                gboolean              subscribed,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_empty_folder_async  (TernMail             *self,
                                                gint64                folder_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);

/* drafts and sending */
void             tern_mail_save_draft_async    (TernMail             *self,
                                                TernMailAccount      *account,
                                                GBytes               *raw,
                                                gint64                replaces,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_queue_async         (TernMail             *self,
                                                TernMailAccount      *account,
                                                GBytes               *raw,
                                                guint                 delay_seconds,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_outbox_send_now_async (TernMail           *self,
                                                gint64                outbox_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_outbox_delete_async (TernMail             *self,
                                                gint64                outbox_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_outbox_flush_async  (TernMail             *self,
                                                TernMailAccount      *account,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         tern_mail_outbox_flush_finish (TernMail             *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             tern_mail_list_outbox_async   (TernMail             *self,
                                                TernMailAccount      *account,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray       *tern_mail_list_outbox_finish  (TernMail             *self,
                                                GAsyncResult         *result,
                                                GError              **error);

/* writing: a composer's way in (tern-mail-operations.c and tern-mail-compose.c) */
void             tern_mail_send_async          (TernMail             *self,
                                                TernMailAccount      *account,
                                                const TernOutboxComposition *composition,
                                                guint                 delay_seconds,
                                                gint64                draft_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_save_composition_async (TernMail          *self,
                                                TernMailAccount      *account,
                                                const TernOutboxComposition *composition,
                                                gint64                replaces,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_outbox_take_back_async (TernMail          *self,
                                                gint64                outbox_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
TernOutboxComposition *tern_mail_outbox_take_back_finish (TernMail   *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             tern_mail_compose_reply_async (TernMail             *self,
                                                gint64                message_id,
                                                TernOutboxReplyKind   kind,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
void             tern_mail_open_draft_async    (TernMail             *self,
                                                gint64                message_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
TernOutboxComposition *tern_mail_compose_finish (TernMail            *self,
                                                GAsyncResult         *result,
                                                GError              **error);
char           **tern_mail_dup_own_addresses   (TernMail             *self);
void             tern_mail_set_identities      (TernMail             *self,
                                                const char * const   *addresses);
TernMailAccount *tern_mail_lookup_account_for_message (TernMail      *self,
                                                TernStoreMessage     *message);
void             tern_mail_complete_address_async (TernMail          *self,
                                                const char           *text,
                                                guint                 max_results,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
GPtrArray       *tern_mail_complete_address_finish (TernMail         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void             tern_mail_forget_correspondents (TernMail           *self);
void             tern_mail_get_smtp_size_limit_async (TernMail       *self,
                                                TernMailAccount      *account,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
guint64          tern_mail_get_smtp_size_limit_finish (TernMail      *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
