/* tern-mail-account.h: one account, live: its settings, its sync and its state
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-diagnosis.h"

G_BEGIN_DECLS

/**
 * TernMailAccountState:
 * @TERN_MAIL_ACCOUNT_IDLE: up to date (or not synced since the start), nothing running
 * @TERN_MAIL_ACCOUNT_SYNCING: connecting, syncing or sending (see the progress)
 * @TERN_MAIL_ACCOUNT_OFFLINE: the network is down or the server unreachable; retried
 *   by itself (changes made meanwhile wait in the journal)
 * @TERN_MAIL_ACCOUNT_FAILED: a failure retrying cannot mend: see the diagnosis and
 *   the remedy
 */
typedef enum
{
  TERN_MAIL_ACCOUNT_IDLE,
  TERN_MAIL_ACCOUNT_SYNCING,
  TERN_MAIL_ACCOUNT_OFFLINE,
  TERN_MAIL_ACCOUNT_FAILED,
} TernMailAccountState;

/**
 * TernMailRemedy:
 * @TERN_MAIL_REMEDY_NONE: nothing to do (or retrying mends it)
 * @TERN_MAIL_REMEDY_PASSWORD: the password is missing or refused: ask for it
 * @TERN_MAIL_REMEDY_CERTIFICATE: the server's certificate does not validate (or
 *   changed): show it, and pin it if the user trusts it
 * @TERN_MAIL_REMEDY_SETTINGS: the server settings are wrong (host, port, security,
 *   login method): open the account's settings
 */
typedef enum
{
  TERN_MAIL_REMEDY_NONE,
  TERN_MAIL_REMEDY_PASSWORD,
  TERN_MAIL_REMEDY_CERTIFICATE,
  TERN_MAIL_REMEDY_SETTINGS,
} TernMailRemedy;

GType tern_mail_account_state_get_type (void) G_GNUC_CONST;
GType tern_mail_remedy_get_type        (void) G_GNUC_CONST;
#define TERN_TYPE_MAIL_ACCOUNT_STATE (tern_mail_account_state_get_type ())
#define TERN_TYPE_MAIL_REMEDY (tern_mail_remedy_get_type ())

#define TERN_TYPE_MAIL_ACCOUNT (tern_mail_account_get_type ())
G_DECLARE_FINAL_TYPE (TernMailAccount, tern_mail_account, TERN, MAIL_ACCOUNT, GObject)

TernAccount          *tern_mail_account_get_account      (TernMailAccount  *self);
const char           *tern_mail_account_get_email        (TernMailAccount  *self);
gint64                tern_mail_account_get_store_id     (TernMailAccount  *self);
TernMailAccountState  tern_mail_account_get_state        (TernMailAccount  *self);
double                tern_mail_account_get_progress     (TernMailAccount  *self);
const char           *tern_mail_account_get_status       (TernMailAccount  *self);
const GError         *tern_mail_account_get_error        (TernMailAccount  *self);
TernDiagnosis        *tern_mail_account_get_diagnosis    (TernMailAccount  *self);
TernMailRemedy        tern_mail_account_get_remedy       (TernMailAccount  *self);
guint                 tern_mail_account_get_outbox_count (TernMailAccount  *self);
void                  tern_mail_account_retry            (TernMailAccount  *self);

TernMailRemedy        tern_mail_remedy_for_error         (const GError     *error);

G_END_DECLS
