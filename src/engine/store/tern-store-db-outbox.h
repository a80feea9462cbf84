/* tern-store-db-outbox.h: the outbox queue and the POP3 UIDL record of the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-store-db.h"

G_BEGIN_DECLS

/**
 * TernStoreOutboxState:
 * @TERN_STORE_OUTBOX_QUEUED: waiting (maybe for a retry time)
 * @TERN_STORE_OUTBOX_SENDING: being sent; found at start, the send was interrupted
 * @TERN_STORE_OUTBOX_SENT: the server accepted it; the copy to Sent is pending
 * @TERN_STORE_OUTBOX_FAILED: refused for good; last_error has the server's reply
 * @TERN_STORE_OUTBOX_PARTLY_SENT: accepted for some recipients and refused for the
 *   others, and filed in Sent: kept (never sent again) as a notice for the user, with
 *   the refused recipients in last_error (see tern_store_outbox_parse_rejected()),
 *   until removed
 *
 * The values are stored (outbox.state).
 */
typedef enum
{
  TERN_STORE_OUTBOX_QUEUED  = 0,
  TERN_STORE_OUTBOX_SENDING = 1,
  TERN_STORE_OUTBOX_SENT    = 2,
  TERN_STORE_OUTBOX_FAILED  = 3,
  TERN_STORE_OUTBOX_PARTLY_SENT = 4,
} TernStoreOutboxState;

const char *tern_store_outbox_state_to_string (TernStoreOutboxState state);

/*
 * The refused recipients of a message the server accepted for others are kept in
 * last_error (of a "sent" or "partly-sent" row), one line each:
 * "rejected<TAB>ADDRESS<TAB>REPLY"; other lines are plain text.
 */
#define TERN_STORE_OUTBOX_REJECTED_PREFIX "rejected\t"

char       *tern_store_outbox_format_rejected (const char  *address,
                                               const char  *reply);
GPtrArray  *tern_store_outbox_parse_rejected  (const char  *last_error,
                                               GPtrArray  **replies);
char       *tern_store_outbox_dup_rejected_lines (const char *last_error);

/**
 * TernStoreOutboxEntry:
 * @id: the outbox id
 * @account_id: the account
 * @account: the account's address
 * @mail_from: the envelope sender
 * @rcpt_to: (array zero-terminated=1): the envelope recipients
 * @state: where the message is
 * @attempts: failed attempts so far
 * @last_error: (nullable): the last failure, as the server said it
 * @created: when it was queued (Unix time)
 * @next_attempt: not before this time (Unix time; 0: at once)
 * @size: the size of the message in bytes
 */
typedef struct
{
  gint64                id;
  gint64                account_id;
  char                 *account;
  char                 *mail_from;
  char                **rcpt_to;
  TernStoreOutboxState  state;
  guint                 attempts;
  char                 *last_error;
  gint64                created;
  gint64                next_attempt;
  gint64                size;
} TernStoreOutboxEntry;

void tern_store_outbox_entry_free (TernStoreOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernStoreOutboxEntry, tern_store_outbox_entry_free)

GPtrArray *tern_store_db_outbox_list      (TernStoreDb           *self,
                                           gint64                 account_id,
                                           GError               **error);
GBytes    *tern_store_db_outbox_get_raw   (TernStoreDb           *self,
                                           gint64                 outbox_id,
                                           GError               **error);
gboolean   tern_store_db_outbox_set_state (TernStoreDb           *self,
                                           gint64                 outbox_id,
                                           TernStoreOutboxState   state,
                                           guint                  attempts,
                                           const char            *last_error,
                                           gint64                 next_attempt,
                                           GError               **error);
gboolean   tern_store_db_outbox_remove    (TernStoreDb           *self,
                                           gint64                 outbox_id,
                                           GError               **error);

/**
 * TernStorePop3Uidl:
 * @message_id: the local message, or 0 when it was deleted here
 * @downloaded: when it was downloaded (Unix time)
 * @deleted_here: the message was deleted here
 * @size: the size the server listed for it when it was downloaded, or -1 (unknown:
 *   downloaded before schema version 8)
 * @header_hash: (nullable): the SHA-256 (hex) of its identifying headers, or %NULL (unknown)
 */
typedef struct
{
  gint64   message_id;
  gint64   downloaded;
  gboolean deleted_here;
  gint64   size;
  char    *header_hash;
} TernStorePop3Uidl;

GHashTable *tern_store_db_pop3_list_uidls    (TernStoreDb        *self,
                                              gint64              account_id,
                                              GError            **error);
gboolean    tern_store_db_pop3_record_message (TernStoreDb       *self,
                                              gint64              account_id,
                                              const char         *uidl,
                                              gint64              message_id,
                                              gint64              size,
                                              const char         *header_hash,
                                              gboolean            replaces,
                                              GError            **error);
gboolean    tern_store_db_pop3_forget_uidls  (TernStoreDb        *self,
                                              gint64              account_id,
                                              const char * const *uidls,
                                              GError            **error);

G_END_DECLS
