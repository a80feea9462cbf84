/* tern-account-error.h: errors of account settings and credentials
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TERN_ACCOUNT_ERROR (tern_account_error_quark ())

/**
 * TernAccountError:
 * @TERN_ACCOUNT_ERROR_NOT_FOUND: no account has that address
 * @TERN_ACCOUNT_ERROR_EXISTS: an account with that address exists already
 * @TERN_ACCOUNT_ERROR_INVALID: the settings are incomplete or contradictory
 * @TERN_ACCOUNT_ERROR_NO_KEYRING: no Secret Service (keyring) is available, or it did not answer
 * @TERN_ACCOUNT_ERROR_NO_PASSWORD: no password is stored for the account
 * @TERN_ACCOUNT_ERROR_PASSWORD_COMMAND: the account's password command failed
 */
typedef enum
{
  TERN_ACCOUNT_ERROR_NOT_FOUND,
  TERN_ACCOUNT_ERROR_EXISTS,
  TERN_ACCOUNT_ERROR_INVALID,
  TERN_ACCOUNT_ERROR_NO_KEYRING,
  TERN_ACCOUNT_ERROR_NO_PASSWORD,
  TERN_ACCOUNT_ERROR_PASSWORD_COMMAND,
} TernAccountError;

GQuark tern_account_error_quark (void);

G_END_DECLS
