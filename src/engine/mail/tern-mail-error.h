/* tern-mail-error.h: errors of the engine's front-end API
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_MAIL_ERROR (tern_mail_error_quark ())

/**
 * TernMailError:
 * @TERN_MAIL_ERROR_NO_ACCOUNT: no account has that address or id
 * @TERN_MAIL_ERROR_NO_FOLDER: the folder asked for does not exist; for archive, junk
 *   and trash, the account has no folder of that role (the caller may offer to
 *   create one)
 * @TERN_MAIL_ERROR_INVALID: the request makes no sense (an empty folder name, a name
 *   with the hierarchy delimiter, a folder moved into itself, a special folder
 *   renamed or deleted)
 * @TERN_MAIL_ERROR_EXISTS: a folder of that name exists already
 * @TERN_MAIL_ERROR_BUSY: the outbox is sending that message right now (it cannot be
 *   taken back or deleted; it may be sent)
 * @TERN_MAIL_ERROR_NOT_DOWNLOADED: the message's body is only on its server and it
 *   cannot be fetched now (moving it to another account offline)
 */
typedef enum
{
  TERN_MAIL_ERROR_NO_ACCOUNT,
  TERN_MAIL_ERROR_NO_FOLDER,
  TERN_MAIL_ERROR_INVALID,
  TERN_MAIL_ERROR_EXISTS,
  TERN_MAIL_ERROR_BUSY,
  TERN_MAIL_ERROR_NOT_DOWNLOADED,
} TernMailError;

GQuark tern_mail_error_quark (void);

G_END_DECLS
