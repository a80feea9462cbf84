/* tern-smtp-session.h: an SMTP submission client (RFC 5321, 3207, 4954, 1870, 2920,
 * 6152, 6531)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-net-connection.h"
#include "tern-smtp-capabilities.h"
#include "tern-smtp-error.h"
#include "tern-smtp-send-result.h"

G_BEGIN_DECLS

/**
 * TernSmtpAuthMethod:
 * @TERN_SMTP_AUTH_AUTO: PLAIN when offered, else LOGIN
 * @TERN_SMTP_AUTH_PLAIN: AUTH PLAIN with an initial response (RFC 4616, 4954)
 * @TERN_SMTP_AUTH_LOGIN: AUTH LOGIN
 */
typedef enum
{
  TERN_SMTP_AUTH_AUTO,
  TERN_SMTP_AUTH_PLAIN,
  TERN_SMTP_AUTH_LOGIN,
} TernSmtpAuthMethod;

/**
 * TernSmtpSendFlags:
 * @TERN_SMTP_SEND_FLAGS_NONE: 7-bit ASCII
 * @TERN_SMTP_SEND_FLAGS_8BIT: the message has 8-bit data: BODY=8BITMIME is sent, and a
 *   server without 8BITMIME makes the send fail before any data goes out
 * @TERN_SMTP_SEND_FLAGS_UTF8_HEADERS: the header has raw UTF-8 (RFC 6532): SMTPUTF8 is
 *   requested when the server offers it
 */
typedef enum
{
  TERN_SMTP_SEND_FLAGS_NONE         = 0,
  TERN_SMTP_SEND_FLAGS_8BIT         = 1 << 0,
  TERN_SMTP_SEND_FLAGS_UTF8_HEADERS = 1 << 1,
} TernSmtpSendFlags;

#define TERN_SMTP_TYPE_SESSION (tern_smtp_session_get_type ())

G_DECLARE_FINAL_TYPE (TernSmtpSession, tern_smtp_session, TERN_SMTP, SESSION, GObject)

TernSmtpSession      *tern_smtp_session_new                 (const char          *host,
                                                             guint16              port,
                                                             TernNetSecurity      security);

TernNetConnection    *tern_smtp_session_get_connection      (TernSmtpSession     *self);
void                  tern_smtp_session_set_allow_insecure_auth (TernSmtpSession *self,
                                                             gboolean             allow);
void                  tern_smtp_session_set_auth_method     (TernSmtpSession     *self,
                                                             TernSmtpAuthMethod   method);
void                  tern_smtp_session_set_helo_name       (TernSmtpSession     *self,
                                                             const char          *name);
void                  tern_smtp_session_set_pipelining      (TernSmtpSession     *self,
                                                             gboolean             enabled);

const char           *tern_smtp_session_get_greeting        (TernSmtpSession     *self);
TernSmtpCapabilities *tern_smtp_session_get_capabilities    (TernSmtpSession     *self);
gboolean              tern_smtp_session_is_esmtp            (TernSmtpSession     *self);
gboolean              tern_smtp_session_is_authenticated    (TernSmtpSession     *self);

gboolean              tern_smtp_session_connect             (TernSmtpSession     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_smtp_session_login               (TernSmtpSession     *self,
                                                             const char          *username,
                                                             const char          *password,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
void                  tern_smtp_session_connect_async       (TernSmtpSession     *self,
                                                             const char          *username,
                                                             const char          *password,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean              tern_smtp_session_connect_finish      (TernSmtpSession     *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

TernSmtpSendResult   *tern_smtp_session_send_message        (TernSmtpSession     *self,
                                                             const char          *from,
                                                             const char * const  *recipients,
                                                             GInputStream        *message,
                                                             goffset              size,
                                                             TernSmtpSendFlags    flags,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
TernSmtpSendResult   *tern_smtp_session_send_bytes          (TernSmtpSession     *self,
                                                             const char          *from,
                                                             const char * const  *recipients,
                                                             GBytes              *message,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
void                  tern_smtp_session_send_async          (TernSmtpSession     *self,
                                                             const char          *from,
                                                             const char * const  *recipients,
                                                             GBytes              *message,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
TernSmtpSendResult   *tern_smtp_session_send_finish         (TernSmtpSession     *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

TernSmtpSendFlags     tern_smtp_scan_message                (const guint8        *data,
                                                             gsize                length,
                                                             goffset             *wire_size);

gboolean              tern_smtp_session_rset                (TernSmtpSession     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_smtp_session_noop                (TernSmtpSession     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
gboolean              tern_smtp_session_quit                (TernSmtpSession     *self,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
void                  tern_smtp_session_close               (TernSmtpSession     *self);

G_END_DECLS
