/* tern-outbox-error.h: errors of the outbox and of the messages it builds
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_OUTBOX_ERROR (tern_outbox_error_quark ())

/**
 * TernOutboxError:
 * @TERN_OUTBOX_ERROR_INVALID_ADDRESS: a recipient given to build a message is not an
 *   e-mail address
 * @TERN_OUTBOX_ERROR_INVALID_TEXT: the text given to build a message is not UTF-8
 * @TERN_OUTBOX_ERROR_NOT_A_MESSAGE: the bytes to send are not an e-mail message (empty,
 *   or no header GMime can read)
 * @TERN_OUTBOX_ERROR_NO_RECIPIENTS: the message to send has no To, Cc or Bcc address
 * @TERN_OUTBOX_ERROR_CONNECTION_UNSTABLE: the connection to the outgoing server broke
 *   more often than one flush reconnects; what was due goes back to the queue with
 *   a retry time
 *
 * Failures of the layers below pass through unchanged: connecting and logging in,
 * the SMTP and IMAP sessions, the store (%TERN_STORE_ERROR), a file to attach that
 * cannot be read (%G_FILE_ERROR), and %G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  TERN_OUTBOX_ERROR_INVALID_ADDRESS,
  TERN_OUTBOX_ERROR_INVALID_TEXT,
  TERN_OUTBOX_ERROR_NOT_A_MESSAGE,
  TERN_OUTBOX_ERROR_NO_RECIPIENTS,
  TERN_OUTBOX_ERROR_CONNECTION_UNSTABLE,
} TernOutboxError;

GQuark tern_outbox_error_quark (void);

G_END_DECLS
