/* tern-autoconfig-error.h: errors of account detection
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_AUTOCONFIG_ERROR (tern_autoconfig_error_quark ())

/**
 * TernAutoconfigError:
 * @TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS: the text is not an e-mail address
 * @TERN_AUTOCONFIG_ERROR_NOT_FOUND: no source found any server for the address
 * @TERN_AUTOCONFIG_ERROR_INVALID_DATABASE: the compiled provider database is unreadable
 *   (wrong magic or version); damaged lines inside a readable one are only skipped
 * @TERN_AUTOCONFIG_ERROR_PROTOCOL: a probed server does not speak the expected protocol
 *   (an SMTP greeting on an IMAP port, say)
 * @TERN_AUTOCONFIG_ERROR_SERVER: the server refused the connection or a command; the
 *   message holds its text
 * @TERN_AUTOCONFIG_ERROR_TLS_EXPECTED: the port sends nothing to a plain connection but
 *   accepts a TLS handshake: it wants TLS from the first byte, not STARTTLS or no encryption
 */
typedef enum
{
  TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS,
  TERN_AUTOCONFIG_ERROR_NOT_FOUND,
  TERN_AUTOCONFIG_ERROR_INVALID_DATABASE,
  TERN_AUTOCONFIG_ERROR_PROTOCOL,
  TERN_AUTOCONFIG_ERROR_SERVER,
  TERN_AUTOCONFIG_ERROR_TLS_EXPECTED,
} TernAutoconfigError;

GQuark tern_autoconfig_error_quark (void);

G_END_DECLS
