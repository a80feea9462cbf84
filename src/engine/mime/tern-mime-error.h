/* tern-mime-error.h: errors of the MIME helpers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_MIME_ERROR (tern_mime_error_quark ())

/**
 * TernMimeError:
 * @TERN_MIME_ERROR_OPEN: an mbox file cannot be opened (missing, not readable); the
 *   message says why
 * @TERN_MIME_ERROR_READ: reading an mbox file failed part way; the messages before
 *   were returned
 *
 * These are the only failures: a message GMime cannot make sense of still gets a
 * summary (with what could be read), and a file that is not an mbox is read as one
 * message.
 */
typedef enum
{
  TERN_MIME_ERROR_OPEN,
  TERN_MIME_ERROR_READ,
} TernMimeError;

GQuark tern_mime_error_quark (void);

G_END_DECLS
