/* tern-imap-session.h: an IMAP client session (RFC 3501, RFC 9051 and extensions)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-net-connection.h"
#include "tern-imap-command.h"
#include "tern-imap-mailbox.h"
#include "tern-imap-namespace.h"
#include "tern-imap-response.h"
#include "tern-imap-types.h"
#include "tern-imap-uid-set.h"

G_BEGIN_DECLS

/**
 * TernImapAuthMechanism:
 * @TERN_IMAP_AUTH_AUTO: AUTHENTICATE PLAIN when offered, else AUTHENTICATE LOGIN, else
 *   the LOGIN command (unless LOGINDISABLED)
 * @TERN_IMAP_AUTH_LOGIN_COMMAND: the LOGIN command
 * @TERN_IMAP_AUTH_PLAIN: SASL PLAIN (RFC 4616)
 * @TERN_IMAP_AUTH_LOGIN: SASL LOGIN
 * @TERN_IMAP_AUTH_XOAUTH2: Google's and Microsoft's XOAUTH2; the secret is the access
 *   token
 * @TERN_IMAP_AUTH_OAUTHBEARER: OAUTHBEARER (RFC 7628); the secret is the access token
 */
typedef enum
{
  TERN_IMAP_AUTH_AUTO,
  TERN_IMAP_AUTH_LOGIN_COMMAND,
  TERN_IMAP_AUTH_PLAIN,
  TERN_IMAP_AUTH_LOGIN,
  TERN_IMAP_AUTH_XOAUTH2,
  TERN_IMAP_AUTH_OAUTHBEARER,
} TernImapAuthMechanism;

typedef enum
{
  TERN_IMAP_SESSION_DISCONNECTED,
  TERN_IMAP_SESSION_NOT_AUTHENTICATED,
  TERN_IMAP_SESSION_AUTHENTICATED,
  TERN_IMAP_SESSION_SELECTED,
  TERN_IMAP_SESSION_LOGGED_OUT,
} TernImapSessionState;

/**
 * TernImapSelectFlags:
 * @TERN_IMAP_SELECT_READ_ONLY: EXAMINE rather than SELECT
 * @TERN_IMAP_SELECT_CONDSTORE: ask for mod-sequences (RFC 7162 CONDSTORE)
 */
typedef enum
{
  TERN_IMAP_SELECT_NONE      = 0,
  TERN_IMAP_SELECT_READ_ONLY = 1 << 0,
  TERN_IMAP_SELECT_CONDSTORE = 1 << 1,
} TernImapSelectFlags;

/**
 * TernImapQresync:
 * @uidvalidity: the UIDVALIDITY the client knows
 * @modseq: the HIGHESTMODSEQ it has seen
 * @known_uids: (nullable): the UIDs it knows, as a sequence set
 *
 * What SELECT (QRESYNC ...) needs (RFC 7162): the server then reports what changed as
 * VANISHED (EARLIER) and FETCH responses, delivered as the session's signals.
 */
typedef struct
{
  guint32     uidvalidity;
  guint64     modseq;
  const char *known_uids;
} TernImapQresync;

typedef enum
{
  TERN_IMAP_STORE_ADD,
  TERN_IMAP_STORE_REMOVE,
  TERN_IMAP_STORE_REPLACE,
} TernImapStoreMode;

/**
 * TernImapListFlags:
 * @TERN_IMAP_LIST_SUBSCRIBED: only subscribed mailboxes (LSUB, or LIST (SUBSCRIBED))
 * @TERN_IMAP_LIST_SPECIAL_USE: ask for the special-use attributes (RFC 6154)
 */
typedef enum
{
  TERN_IMAP_LIST_NONE        = 0,
  TERN_IMAP_LIST_SUBSCRIBED  = 1 << 0,
  TERN_IMAP_LIST_SPECIAL_USE = 1 << 1,
} TernImapListFlags;



#define TERN_IMAP_DEFAULT_IDLE_TIMEOUT (29 * 60)

#define TERN_IMAP_TYPE_SESSION (tern_imap_session_get_type ())

G_DECLARE_FINAL_TYPE (TernImapSession, tern_imap_session, TERN_IMAP, SESSION, GObject)

/**
 * TernImapFetchFunc:
 * @response: (transfer none): a FETCH response; its data (message bodies included)
 *   lives until the function returns, unless it takes a reference or dups it
 *
 * Called on the thread that drives the session, for every FETCH response that arrives
 * during the FETCH command.
 */
typedef void (*TernImapFetchFunc) (TernImapSession  *session,
                                   TernImapResponse *response,
                                   gpointer          user_data);

/**
 * TernImapSessionJobFunc:
 *
 * A batch of synchronous calls on the session, run on its worker thread by
 * tern_imap_session_run_async().
 *
 * Returns: (transfer full) (nullable): the result; %NULL with @error set on failure
 */
typedef gpointer (*TernImapSessionJobFunc) (TernImapSession  *session,
                                            gpointer          data,
                                            GCancellable     *cancellable,
                                            GError          **error);

TernImapSession      *tern_imap_session_new                 (const char             *host,
                                                             guint16                 port,
                                                             TernNetSecurity         security);
TernImapSession      *tern_imap_session_new_for_connection  (TernNetConnection      *connection);
TernNetConnection    *tern_imap_session_get_connection      (TernImapSession        *self);
void                  tern_imap_session_set_credentials     (TernImapSession        *self,
                                                             const char             *username,
                                                             const char             *secret,
                                                             TernImapAuthMechanism   mechanism);
void                  tern_imap_session_set_allow_insecure_auth (TernImapSession    *self,
                                                             gboolean                allow);
void                  tern_imap_session_set_timeouts        (TernImapSession        *self,
                                                             guint                   connect_seconds,
                                                             guint                   io_seconds);
void                  tern_imap_session_set_limits          (TernImapSession        *self,
                                                             gsize                   max_literal,
                                                             gsize                   max_body_literal);
void                  tern_imap_session_disable_capability  (TernImapSession        *self,
                                                             const char             *capability);

TernImapSessionState  tern_imap_session_get_state           (TernImapSession        *self);
gboolean              tern_imap_session_has_capability      (TernImapSession        *self,
                                                             const char             *capability);
char                **tern_imap_session_dup_capabilities    (TernImapSession        *self);
gboolean              tern_imap_session_is_enabled          (TernImapSession        *self,
                                                             const char             *capability);
gboolean              tern_imap_session_get_utf8_names      (TernImapSession        *self);

/* Connection and authentication */
gboolean              tern_imap_session_connect             (TernImapSession        *self,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
void                  tern_imap_session_connect_async       (TernImapSession        *self,
                                                             GCancellable           *cancellable,
                                                             GAsyncReadyCallback     callback,
                                                             gpointer                user_data);
gboolean              tern_imap_session_connect_finish      (TernImapSession        *self,
                                                             GAsyncResult           *result,
                                                             GError                **error);
gboolean              tern_imap_session_login               (TernImapSession        *self,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_capability          (TernImapSession        *self,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_noop                (TernImapSession        *self,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_logout              (TernImapSession        *self,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
void                  tern_imap_session_close               (TernImapSession        *self);

/* The pipeline: submit several commands, then wait for each */
gboolean              tern_imap_session_submit              (TernImapSession        *self,
                                                             TernImapCommand        *command,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_wait                (TernImapSession        *self,
                                                             TernImapCommand        *command,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_execute             (TernImapSession        *self,
                                                             TernImapCommand        *command,
                                                             GCancellable           *cancellable,
                                                             GError                **error);

/* Running synchronous batches on the session's worker thread */
void                  tern_imap_session_run_async           (TernImapSession        *self,
                                                             TernImapSessionJobFunc  job,
                                                             gpointer                job_data,
                                                             GDestroyNotify          job_data_free,
                                                             GDestroyNotify          result_free,
                                                             GCancellable           *cancellable,
                                                             GAsyncReadyCallback     callback,
                                                             gpointer                user_data);
gpointer              tern_imap_session_run_finish          (TernImapSession        *self,
                                                             GAsyncResult           *result,
                                                             GError                **error);

/* Commands */
gboolean              tern_imap_session_enable              (TernImapSession        *self,
                                                             const char * const     *capabilities,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
GHashTable           *tern_imap_session_id                  (TernImapSession        *self,
                                                             GHashTable             *client_fields,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_namespace           (TernImapSession        *self,
                                                             GPtrArray             **personal,
                                                             GPtrArray             **other_users,
                                                             GPtrArray             **shared,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
GPtrArray            *tern_imap_session_list                (TernImapSession        *self,
                                                             const char             *reference,
                                                             const char             *pattern,
                                                             TernImapListFlags       flags,
                                                             TernImapStatusItems     status_items,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
GPtrArray            *tern_imap_session_list_full           (TernImapSession        *self,
                                                             const char             *reference,
                                                             const char             *pattern,
                                                             TernImapListFlags       flags,
                                                             TernImapStatusItems     status_items,
                                                             GPtrArray             **skipped,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
TernImapMailbox      *tern_imap_session_status              (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             TernImapStatusItems     items,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_select              (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             TernImapSelectFlags     flags,
                                                             const TernImapQresync  *qresync,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_unselect            (TernImapSession        *self,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_create              (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_rename              (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             const char             *new_name,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_delete              (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_subscribe           (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_unsubscribe         (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_uid_fetch           (TernImapSession        *self,
                                                             const char             *uid_set,
                                                             const char             *items,
                                                             guint64                 changed_since,
                                                             TernImapFetchFunc       func,
                                                             gpointer                user_data,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_uid_store           (TernImapSession        *self,
                                                             const char             *uid_set,
                                                             TernImapStoreMode       mode,
                                                             const char * const     *flags,
                                                             guint64                 unchanged_since,
                                                             TernImapUidSet        **modified,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_uid_copy            (TernImapSession        *self,
                                                             const char             *uid_set,
                                                             const char             *mailbox,
                                                             guint32                *uidvalidity,
                                                             TernImapUidSet        **source_uids,
                                                             TernImapUidSet        **destination_uids,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_uid_move            (TernImapSession        *self,
                                                             const char             *uid_set,
                                                             const char             *mailbox,
                                                             guint32                *uidvalidity,
                                                             TernImapUidSet        **source_uids,
                                                             TernImapUidSet        **destination_uids,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_uid_expunge         (TernImapSession        *self,
                                                             const char             *uid_set,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
GArray               *tern_imap_session_uid_search          (TernImapSession        *self,
                                                             const char             *criteria,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
GArray               *tern_imap_session_uid_list            (TernImapSession        *self,
                                                             const char             *uid_set,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_append              (TernImapSession        *self,
                                                             const char             *mailbox,
                                                             const char * const     *flags,
                                                             GDateTime              *internal_date,
                                                             GBytes                 *message,
                                                             guint32                *uidvalidity,
                                                             guint32                *uid,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
gboolean              tern_imap_session_idle                (TernImapSession        *self,
                                                             guint                   timeout_seconds,
                                                             GCancellable           *cancellable,
                                                             GError                **error);

/* The selected mailbox */
const char           *tern_imap_session_get_selected_mailbox (TernImapSession       *self);
gboolean              tern_imap_session_is_read_only        (TernImapSession        *self);
guint32               tern_imap_session_get_exists          (TernImapSession        *self);
guint32               tern_imap_session_get_uidvalidity     (TernImapSession        *self);
guint32               tern_imap_session_get_uidnext         (TernImapSession        *self);
guint64               tern_imap_session_get_highest_modseq  (TernImapSession        *self);
char                **tern_imap_session_dup_permanent_flags (TernImapSession        *self);

G_END_DECLS
