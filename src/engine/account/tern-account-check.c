/* tern-account-check.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-account-check.h"
#include "tern-account-sessions.h"

/* A person waits for the answer: a server silent for 15 s is broken for them. */
#define CHECK_TIMEOUT 15

/*
 * These log in for real, through the same tern_account_open_*() as sync and the
 * outbox, and log out again: a failure is the same error the workers would meet, so
 * TernDiagnosis can explain it. They block; call them from a worker thread.
 */

static gboolean
check_imap (TernAccount   *account,
            const char    *password,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(TernImapSession) session = tern_account_open_imap (account, password, CHECK_TIMEOUT, cancellable, error);

  if (session == NULL)
    return FALSE;

  tern_imap_session_logout (session, cancellable, NULL);
  return TRUE;
}

static gboolean
check_pop3 (TernAccount   *account,
            const char    *password,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(TernPop3Session) session = tern_account_open_pop3 (account, password, CHECK_TIMEOUT, cancellable, error);

  if (session == NULL)
    return FALSE;

  tern_pop3_session_quit (session, cancellable, NULL);
  return TRUE;
}

/**
 * tern_account_check_incoming:
 *
 * Connects to the account's IMAP or POP3 server and logs in.
 */
gboolean
tern_account_check_incoming (TernAccount   *account,
                             const char    *password,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);
  g_return_val_if_fail (tern_account_get_incoming (account)->host != NULL, FALSE);

  if (tern_account_get_protocol (account) == TERN_ACCOUNT_PROTOCOL_POP3)
    return check_pop3 (account, password, cancellable, error);

  return check_imap (account, password, cancellable, error);
}

/**
 * tern_account_check_outgoing:
 *
 * Connects to the account's SMTP server and logs in.
 */
gboolean
tern_account_check_outgoing (TernAccount   *account,
                             const char    *password,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(TernSmtpSession) session = NULL;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  session = tern_account_open_smtp (account, password, CHECK_TIMEOUT, cancellable, error);
  if (session == NULL)
    return FALSE;

  tern_smtp_session_quit (session, cancellable, NULL);
  return TRUE;
}
