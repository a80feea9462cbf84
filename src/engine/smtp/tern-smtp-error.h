/* tern-smtp-error.h: errors of the SMTP client
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_SMTP_ERROR (tern_smtp_error_quark ())

/**
 * TernSmtpError:
 * @TERN_SMTP_ERROR_PERMANENT: the server refused for good (a 5yz reply)
 * @TERN_SMTP_ERROR_TEMPORARY: the server refused for now (a 4yz reply): try again later
 * @TERN_SMTP_ERROR_SERVICE_UNAVAILABLE: the server is closing the connection (421)
 * @TERN_SMTP_ERROR_AUTHENTICATION_FAILED: the server refused the user name or password
 *   (535, 5.7.8)
 * @TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED: the server wants a login first (530)
 * @TERN_SMTP_ERROR_MESSAGE_TOO_LARGE: the message is larger than the server accepts
 *   (checked against SIZE before anything is sent, or 552 / x.3.4 from the server)
 * @TERN_SMTP_ERROR_SENDER_REJECTED: the server refused the envelope sender (MAIL FROM)
 * @TERN_SMTP_ERROR_RECIPIENTS_REJECTED: the server refused every recipient
 * @TERN_SMTP_ERROR_NOT_SUPPORTED: the message needs something the server does not offer
 *   (SMTPUTF8 for an internationalized address, 8BITMIME for 8-bit data, AUTH)
 * @TERN_SMTP_ERROR_PARSE: the server sent something that is not SMTP
 *
 * When the error comes from a server reply, tern_smtp_error_get_reply_code(),
 * tern_smtp_error_get_enhanced_code() and tern_smtp_error_get_server_text() give it.
 */
typedef enum
{
  TERN_SMTP_ERROR_PERMANENT,
  TERN_SMTP_ERROR_TEMPORARY,
  TERN_SMTP_ERROR_SERVICE_UNAVAILABLE,
  TERN_SMTP_ERROR_AUTHENTICATION_FAILED,
  TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED,
  TERN_SMTP_ERROR_MESSAGE_TOO_LARGE,
  TERN_SMTP_ERROR_SENDER_REJECTED,
  TERN_SMTP_ERROR_RECIPIENTS_REJECTED,
  TERN_SMTP_ERROR_NOT_SUPPORTED,
  TERN_SMTP_ERROR_PARSE,
} TernSmtpError;

GQuark      tern_smtp_error_quark              (void);

void        tern_smtp_error_set_server_reply   (GError       *error,
                                                guint         reply_code,
                                                const char   *enhanced_code,
                                                const char   *text);
guint       tern_smtp_error_get_reply_code     (const GError *error);
const char *tern_smtp_error_get_enhanced_code  (const GError *error);
const char *tern_smtp_error_get_server_text    (const GError *error);
gboolean    tern_smtp_error_is_temporary       (const GError *error);

char       *tern_smtp_sanitize_text            (const char   *text);

G_END_DECLS
