/* tern-account-check.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-account-check.h"
#include "tern-imap-session.h"
#include "tern-pop3-session.h"
#include "tern-smtp-session.h"

#define CHECK_CONNECT_TIMEOUT 10
#define CHECK_IO_TIMEOUT      15

/*
 * These log in for real, the way sync and the outbox will, and log out again: a
 * failure is the same error the workers would meet, so TernDiagnosis can explain it.
 * They block; call them from a worker thread.
 */

static gboolean
prepare_connection (TernAccount        *account,
                    TernNetConnection  *connection,
                    GError            **error)
{
  const char *pin = tern_account_get_pinned_certificate (account);

  /* A person is waiting for the answer: a server that says nothing for 15 s is broken
   * for them, whatever it would have said later. */
  tern_net_connection_set_timeouts (connection, CHECK_CONNECT_TIMEOUT, CHECK_IO_TIMEOUT);

  return pin == NULL || tern_net_connection_set_pinned_certificate (connection, pin, error);
}

static gboolean
check_imap (TernAccount   *account,
            const char    *password,
            GCancellable  *cancellable,
            GError       **error)
{
  const TernServer *server = tern_account_get_incoming (account);
  g_autoptr(TernImapSession) session = tern_imap_session_new (server->host, server->port, server->security);

  if (!prepare_connection (account, tern_imap_session_get_connection (session), error))
    return FALSE;

  tern_imap_session_set_allow_insecure_auth (session, tern_account_get_allow_plaintext_auth (account));
  tern_imap_session_set_credentials (session, server->user, password, TERN_IMAP_AUTH_AUTO);
  /* with credentials set, connect() logs in too */
  if (!tern_imap_session_connect (session, cancellable, error))
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
  const TernServer *server = tern_account_get_incoming (account);
  g_autoptr(TernPop3Session) session = tern_pop3_session_new (server->host, server->port, server->security);

  if (!prepare_connection (account, tern_pop3_session_get_connection (session), error))
    return FALSE;

  tern_pop3_session_set_allow_insecure_auth (session, tern_account_get_allow_plaintext_auth (account));
  if (!tern_pop3_session_connect (session, cancellable, error) ||
      !tern_pop3_session_login (session, server->user, password, cancellable, error))
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
  const TernServer *server;
  g_autoptr(TernSmtpSession) session = NULL;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), FALSE);

  server = tern_account_get_outgoing (account);
  g_return_val_if_fail (server->host != NULL, FALSE);

  session = tern_smtp_session_new (server->host, server->port, server->security);
  if (!prepare_connection (account, tern_smtp_session_get_connection (session), error))
    return FALSE;

  tern_smtp_session_set_allow_insecure_auth (session, tern_account_get_allow_plaintext_auth (account));
  if (!tern_smtp_session_connect (session, cancellable, error) ||
      !tern_smtp_session_login (session, server->user, password, cancellable, error))
    return FALSE;

  tern_smtp_session_quit (session, cancellable, NULL);
  return TRUE;
}
