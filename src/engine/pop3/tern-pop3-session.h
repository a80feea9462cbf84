/* tern-pop3-session.h: a POP3 client session (RFC 1939, 2449, 2595, 5034)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-net-connection.h"
#include "tern-pop3-capabilities.h"
#include "tern-pop3-error.h"

G_BEGIN_DECLS

/**
 * TernPop3AuthMethod:
 * @TERN_POP3_AUTH_AUTO: the best method the server offers: SASL PLAIN, USER/PASS,
 *   SASL LOGIN, then APOP
 * @TERN_POP3_AUTH_USER: USER and PASS (RFC 1939)
 * @TERN_POP3_AUTH_APOP: APOP (RFC 1939; needs a timestamp in the greeting)
 * @TERN_POP3_AUTH_PLAIN: AUTH PLAIN (RFC 5034, RFC 4616)
 * @TERN_POP3_AUTH_LOGIN: AUTH LOGIN
 */
typedef enum
{
  TERN_POP3_AUTH_AUTO,
  TERN_POP3_AUTH_USER,
  TERN_POP3_AUTH_APOP,
  TERN_POP3_AUTH_PLAIN,
  TERN_POP3_AUTH_LOGIN,
} TernPop3AuthMethod;

typedef struct
{
  guint   msgno;
  guint64 size;
} TernPop3ScanListing;

typedef struct
{
  guint  msgno;
  char  *uid;
} TernPop3UidListing;

/**
 * TernPop3DataFunc:
 * @msgno: the message the data belongs to
 * @data: (nullable): the next bytes of the message, dot-unstuffed, with CRLF line ends;
 *   %NULL once the message is complete
 * @length: the number of bytes at @data
 * @user_data: the data given with the function
 * @error: return location for an error that stops the transfer
 *
 * Receives a message (RETR) or its headers (TOP) in pieces of at most about 64 KiB,
 * so that a message of any size is never held in memory. A consumer that fails closes
 * the session (the rest of the message is still on the way).
 *
 * Returns: %FALSE with @error set to stop
 */
typedef gboolean (*TernPop3DataFunc) (guint          msgno,
                                      const guint8  *data,
                                      gsize          length,
                                      gpointer       user_data,
                                      GError       **error);

#define TERN_POP3_PIPELINE_WINDOW 32
/* Bounds on what a LIST or UIDL reply may make Tern keep (a hostile server could send
 * a listing without end): bytes, and lines. */
#define TERN_POP3_MAX_LISTING       (16 * 1024 * 1024)
#define TERN_POP3_MAX_LISTING_LINES 500000

#define TERN_POP3_TYPE_SESSION (tern_pop3_session_get_type ())

G_DECLARE_FINAL_TYPE (TernPop3Session, tern_pop3_session, TERN_POP3, SESSION, GObject)

TernPop3Session      *tern_pop3_session_new                 (const char          *host,
                                                             guint16              port,
                                                             TernNetSecurity      security);

TernNetConnection    *tern_pop3_session_get_connection      (TernPop3Session     *self);
void                  tern_pop3_session_set_allow_insecure_auth (TernPop3Session *self,
                                                             gboolean             allow);
void                  tern_pop3_session_set_auth_method     (TernPop3Session     *self,
                                                             TernPop3AuthMethod   method);
void                  tern_pop3_session_set_pipelining      (TernPop3Session     *self,
                                                             gboolean             enabled);

const char           *tern_pop3_session_get_greeting        (TernPop3Session     *self);
const char           *tern_pop3_session_get_apop_timestamp  (TernPop3Session     *self);
TernPop3Capabilities *tern_pop3_session_get_capabilities    (TernPop3Session     *self);
gboolean              tern_pop3_session_get_pipelining      (TernPop3Session     *self);
gboolean              tern_pop3_session_is_logged_in        (TernPop3Session     *self);
TernPop3AuthMethod    tern_pop3_session_get_used_auth_method (TernPop3Session    *self);

gboolean              tern_pop3_session_connect             (TernPop3Session     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_login               (TernPop3Session     *self,
                                                             const char          *username,
                                                             const char          *password,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
void                  tern_pop3_session_connect_async       (TernPop3Session     *self,
                                                             const char          *username,
                                                             const char          *password,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean              tern_pop3_session_connect_finish      (TernPop3Session     *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

gboolean              tern_pop3_session_stat                (TernPop3Session     *self,
                                                             guint               *count,
                                                             guint64             *size,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
GArray               *tern_pop3_session_list                (TernPop3Session     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_list_one            (TernPop3Session     *self,
                                                             guint                msgno,
                                                             guint64             *size,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
GArray               *tern_pop3_session_uidl                (TernPop3Session     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
char                 *tern_pop3_session_uidl_one            (TernPop3Session     *self,
                                                             guint                msgno,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_top                 (TernPop3Session     *self,
                                                             guint                msgno,
                                                             guint                lines,
                                                             TernPop3DataFunc     func,
                                                             gpointer             user_data,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_retr                (TernPop3Session     *self,
                                                             guint                msgno,
                                                             TernPop3DataFunc     func,
                                                             gpointer             user_data,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_retr_to_stream      (TernPop3Session     *self,
                                                             guint                msgno,
                                                             GOutputStream       *stream,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_retr_many           (TernPop3Session     *self,
                                                             const guint         *msgnos,
                                                             guint                n_msgnos,
                                                             TernPop3DataFunc     func,
                                                             gpointer             user_data,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_top_many            (TernPop3Session     *self,
                                                             const guint         *msgnos,
                                                             guint                n_msgnos,
                                                             guint                lines,
                                                             TernPop3DataFunc     func,
                                                             gpointer             user_data,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_dele                (TernPop3Session     *self,
                                                             guint                msgno,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_dele_many           (TernPop3Session     *self,
                                                             const guint         *msgnos,
                                                             guint                n_msgnos,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_rset                (TernPop3Session     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_noop                (TernPop3Session     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_pop3_session_quit                (TernPop3Session     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
void                  tern_pop3_session_close               (TernPop3Session     *self);

G_END_DECLS
