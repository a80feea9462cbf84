/* tern-pop3-error.h: errors of the POP3 client
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_POP3_ERROR (tern_pop3_error_quark ())

/**
 * TernPop3Error:
 * @TERN_POP3_ERROR_ERR: the server answered -ERR (its text is in the message)
 * @TERN_POP3_ERROR_AUTHENTICATION_FAILED: the server refused the user name or password
 *   (-ERR to PASS/APOP/AUTH, or the RFC 3206 [AUTH] response code)
 * @TERN_POP3_ERROR_IN_USE: the mailbox is locked by another session (RFC 2449 [IN-USE])
 * @TERN_POP3_ERROR_LOGIN_DELAY: the user logged in too recently (RFC 2449 [LOGIN-DELAY])
 * @TERN_POP3_ERROR_TEMPORARY: a temporary server failure (RFC 3206 [SYS/TEMP])
 * @TERN_POP3_ERROR_PERMANENT: a permanent server failure (RFC 3206 [SYS/PERM])
 * @TERN_POP3_ERROR_PARSE: the server sent something that is not POP3
 * @TERN_POP3_ERROR_TOO_LARGE: a listing grew beyond the limit Tern accepts
 * @TERN_POP3_ERROR_NOT_SUPPORTED: the server does not offer what the operation needs
 *   (an authentication method, APOP, TOP, UIDL)
 *
 * The server's text, when there is one, is in the message;
 * tern_pop3_error_get_response_code() and tern_pop3_error_get_server_text() give the
 * RFC 2449 response code and the raw text.
 */
typedef enum
{
  TERN_POP3_ERROR_ERR,
  TERN_POP3_ERROR_AUTHENTICATION_FAILED,
  TERN_POP3_ERROR_IN_USE,
  TERN_POP3_ERROR_LOGIN_DELAY,
  TERN_POP3_ERROR_TEMPORARY,
  TERN_POP3_ERROR_PERMANENT,
  TERN_POP3_ERROR_PARSE,
  TERN_POP3_ERROR_TOO_LARGE,
  TERN_POP3_ERROR_NOT_SUPPORTED,
} TernPop3Error;

GQuark      tern_pop3_error_quark           (void);

void        tern_pop3_error_set_server_reply (GError     *error,
                                              const char *response_code,
                                              const char *text);
const char *tern_pop3_error_get_response_code (const GError *error);
const char *tern_pop3_error_get_server_text  (const GError *error);

char       *tern_pop3_sanitize_text         (const char *text);

G_END_DECLS
