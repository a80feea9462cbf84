/* tern-imap-error.h: errors of the IMAP client
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_IMAP_ERROR (tern_imap_error_quark ())

/**
 * TernImapError:
 * @TERN_IMAP_ERROR_NO: the server answered NO (its text is in the message)
 * @TERN_IMAP_ERROR_BAD: the server answered BAD: it did not understand the command
 * @TERN_IMAP_ERROR_BYE: the server closed the session (untagged BYE)
 * @TERN_IMAP_ERROR_AUTHENTICATION_FAILED: the server refused the credentials (NO to
 *   LOGIN or AUTHENTICATE, or the RFC 5530 [AUTHENTICATIONFAILED] response code)
 * @TERN_IMAP_ERROR_PARSE: the server sent something that is not IMAP
 * @TERN_IMAP_ERROR_TOO_LARGE: a literal or a response is larger than the limit Tern
 *   accepts (nothing was allocated for it)
 * @TERN_IMAP_ERROR_UNSUPPORTED: the server does not offer what the operation needs
 * @TERN_IMAP_ERROR_PROTOCOL: the server broke the protocol's rules (a reply to a command
 *   that was never sent, a continuation nobody asked for)
 * @TERN_IMAP_ERROR_INVALID_NAME: a mailbox name is neither valid modified UTF-7 nor
 *   valid UTF-8
 *
 * For NO, BAD, BYE and AUTHENTICATION_FAILED, tern_imap_error_get_response_code() and
 * tern_imap_error_get_server_text() give the response code (such as "TRYCREATE" or
 * "OVERQUOTA") and the server's raw text.
 */
typedef enum
{
  TERN_IMAP_ERROR_NO,
  TERN_IMAP_ERROR_BAD,
  TERN_IMAP_ERROR_BYE,
  TERN_IMAP_ERROR_AUTHENTICATION_FAILED,
  TERN_IMAP_ERROR_PARSE,
  TERN_IMAP_ERROR_TOO_LARGE,
  TERN_IMAP_ERROR_UNSUPPORTED,
  TERN_IMAP_ERROR_PROTOCOL,
  TERN_IMAP_ERROR_INVALID_NAME,
} TernImapError;

GQuark      tern_imap_error_quark              (void);

void        tern_imap_error_set_server_reply   (GError       *error,
                                                const char   *response_code,
                                                const char   *text);
const char *tern_imap_error_get_response_code  (const GError *error);
const char *tern_imap_error_get_server_text    (const GError *error);

char       *tern_imap_sanitize_text            (const char   *text,
                                                gssize        length);

G_END_DECLS
