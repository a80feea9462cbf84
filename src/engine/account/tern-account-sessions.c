/* tern-account-sessions.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-account-error.h"
#include "tern-account-sessions.h"

/*
 * One place that turns an account's settings into a logged-in session, so that the
 * sync workers, the outbox and the account check all connect the same way: the
 * account's pinned certificate, its consent (or not) to credentials over an unencrypted
 * connection, and its login name. These block; call them from a worker thread.
 *
 * @timeout bounds connecting and each read or write, in seconds; 0 keeps the
 * connection layer's defaults (TERN_NET_DEFAULT_CONNECT_TIMEOUT, _IO_TIMEOUT).
 */

static void
set_timeout (TernNetConnection *connection,
             guint              timeout)
{
  if (timeout > 0)
    tern_net_connection_set_timeouts (connection, timeout, timeout);
}

static const TernServer *
server_or_error (TernAccount  *account,
                 gboolean      outgoing,
                 GError      **error)
{
  const TernServer *server = outgoing ? tern_account_get_outgoing (account)
                                      : tern_account_get_incoming (account);

  if (server->host != NULL)
    return server;

  g_set_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID,
               outgoing ? _("The account %s has no outgoing (SMTP) server")
                        : _("The account %s has no incoming server"),
               tern_account_get_email (account));
  return NULL;
}

static const char *
login_name (TernAccount      *account,
            const TernServer *server)
{
  return server->user != NULL ? server->user : tern_account_get_email (account);
}

/**
 * tern_account_open_imap:
 *
 * Returns: (transfer full): a session to the account's IMAP server, logged in
 */
TernImapSession *
tern_account_open_imap (TernAccount   *account,
                        const char    *password,
                        guint          timeout,
                        GCancellable  *cancellable,
                        GError       **error)
{
  const TernServer *server;
  g_autoptr(TernNetConnection) connection = NULL;
  g_autoptr(TernImapSession) session = NULL;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), NULL);

  if ((server = server_or_error (account, FALSE, error)) == NULL ||
      (connection = tern_account_new_connection (account, server, error)) == NULL)
    return NULL;

  set_timeout (connection, timeout);
  session = tern_imap_session_new_for_connection (connection);
  tern_imap_session_set_credentials (session, login_name (account, server), password, TERN_IMAP_AUTH_AUTO);
  tern_imap_session_set_allow_insecure_auth (session, tern_account_get_allow_plaintext_auth (account));

  /* with credentials set, connect() logs in too */
  if (!tern_imap_session_connect (session, cancellable, error))
    return NULL;

  return g_steal_pointer (&session);
}

/**
 * tern_account_open_pop3:
 *
 * Returns: (transfer full): a session to the account's POP3 server, logged in
 */
TernPop3Session *
tern_account_open_pop3 (TernAccount   *account,
                        const char    *password,
                        guint          timeout,
                        GCancellable  *cancellable,
                        GError       **error)
{
  const TernServer *server;
  g_autoptr(TernPop3Session) session = NULL;
  const char *pin = tern_account_get_pinned_certificate (account);

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), NULL);

  if ((server = server_or_error (account, FALSE, error)) == NULL)
    return NULL;

  session = tern_pop3_session_new (server->host, server->port, server->security);
  set_timeout (tern_pop3_session_get_connection (session), timeout);
  if (pin != NULL &&
      !tern_net_connection_set_pinned_certificate (tern_pop3_session_get_connection (session), pin, error))
    return NULL;
  tern_pop3_session_set_allow_insecure_auth (session, tern_account_get_allow_plaintext_auth (account));

  if (!tern_pop3_session_connect (session, cancellable, error) ||
      !tern_pop3_session_login (session, login_name (account, server), password, cancellable, error))
    return NULL;

  return g_steal_pointer (&session);
}

/**
 * tern_account_open_smtp:
 * @password: (nullable): log in with it, or %NULL not to log in
 *
 * Returns: (transfer full): a session to the account's SMTP server, logged in when a
 *   password was given
 */
TernSmtpSession *
tern_account_open_smtp (TernAccount   *account,
                        const char    *password,
                        guint          timeout,
                        GCancellable  *cancellable,
                        GError       **error)
{
  const TernServer *server;
  g_autoptr(TernSmtpSession) session = NULL;
  const char *pin = tern_account_get_pinned_certificate (account);
  const char *domain;

  g_return_val_if_fail (TERN_IS_ACCOUNT (account), NULL);

  if ((server = server_or_error (account, TRUE, error)) == NULL)
    return NULL;

  session = tern_smtp_session_new (server->host, server->port, server->security);
  set_timeout (tern_smtp_session_get_connection (session), timeout);
  if (pin != NULL &&
      !tern_net_connection_set_pinned_certificate (tern_smtp_session_get_connection (session), pin, error))
    return NULL;
  tern_smtp_session_set_allow_insecure_auth (session, tern_account_get_allow_plaintext_auth (account));

  /* Greet with the domain of the address rather than this machine's name, which
   * says nothing useful to the server and tells it more than it needs. */
  domain = strrchr (tern_account_get_email (account), '@');
  if (domain != NULL && domain[1] != '\0')
    tern_smtp_session_set_helo_name (session, domain + 1);

  if (!tern_smtp_session_connect (session, cancellable, error))
    return NULL;
  if (password != NULL &&
      !tern_smtp_session_login (session, login_name (account, server), password, cancellable, error))
    return NULL;

  return g_steal_pointer (&session);
}
