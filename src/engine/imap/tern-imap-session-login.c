/* tern-imap-session-login.c: TernImapSession's authentication (LOGIN, AUTHENTICATE)
 * and LOGOUT
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-net-error.h"
#include "tern-net-sasl.h"
#include "tern-imap-error.h"
#include "tern-imap-session-private.h"

/* ---- authentication ------------------------------------------------------------------ */

/* AUTHENTICATE with an initial response (PLAIN, XOAUTH2, OAUTHBEARER) or the LOGIN
 * dialogue. Every client message is queued as a secret. */
static gboolean
authenticate (TernImapSession        *self,
              TernImapAuthMechanism   mechanism,
              GCancellable           *cancellable,
              GError                **error)
{
  g_autoptr(TernImapCommand) command = NULL;
  g_autoptr(TernNetSecret) initial = NULL;
  GError *local_error = NULL;
  const char *name;
  guint step = 0;

  switch (mechanism)
    {
    case TERN_IMAP_AUTH_PLAIN:
      name = "PLAIN";
      initial = tern_net_sasl_plain (self->username, self->secret);
      break;
    case TERN_IMAP_AUTH_LOGIN:
      name = "LOGIN";
      break;
    case TERN_IMAP_AUTH_XOAUTH2:
      name = "XOAUTH2";
      initial = tern_net_sasl_xoauth2 (self->username, self->secret);
      break;
    case TERN_IMAP_AUTH_OAUTHBEARER:
      name = "OAUTHBEARER";
      initial = tern_net_sasl_oauthbearer (self->username, tern_net_connection_get_host (self->connection),
                                            tern_net_connection_get_port (self->connection), self->secret);
      break;
    case TERN_IMAP_AUTH_AUTO:
    case TERN_IMAP_AUTH_LOGIN_COMMAND:
    default:
      g_return_val_if_reached (FALSE);
    }

  command = tern_imap_command_new ("AUTHENTICATE");
  command->flags |= TERN_IMAP_COMMAND_AUTH;
  tern_imap_command_add_atom (command, name);
  /* With SASL-IR the initial response goes on the command line (RFC 4959); a
   * challenge after it can only be an error report. */
  if (initial != NULL && tern_imap_session_has_capability (self, "SASL-IR"))
    {
      _tern_imap_command_add_secret_atom (command, initial);
      step = 1;
    }

  if (!tern_imap_session_submit (self, command, cancellable, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(TernImapResponse) challenge = _tern_imap_session_wait_continuation (self, command, cancellable, &local_error);
      g_autoptr(TernNetSecret) reply = NULL;

      if (challenge == NULL)
        break;

      switch (mechanism)
        {
        case TERN_IMAP_AUTH_LOGIN:
          if (step == 0)
            reply = g_base64_encode ((const guchar *) self->username, strlen (self->username));
          else if (step == 1)
            reply = g_base64_encode ((const guchar *) self->secret, strlen (self->secret));
          else
            reply = g_strdup ("*");
          break;
        case TERN_IMAP_AUTH_XOAUTH2:
          /* After a failure the server sends an error as a challenge, and waits for an
           * empty reply before its NO. */
          reply = step == 0 ? g_strdup (initial) : g_strdup ("");
          break;
        case TERN_IMAP_AUTH_OAUTHBEARER:
          reply = step == 0 ? g_strdup (initial) : g_strdup ("AQ==");
          break;
        case TERN_IMAP_AUTH_PLAIN:
        default:
          reply = step == 0 ? g_strdup (initial) : g_strdup ("*");
          break;
        }

      tern_net_connection_queue_secret_line (self->connection, reply, 0);
      step++;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return tern_imap_session_wait (self, command, cancellable, error);
}

static gboolean
login_command (TernImapSession  *self,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(TernImapCommand) command = tern_imap_command_new ("LOGIN");

  command->flags |= TERN_IMAP_COMMAND_AUTH;
  tern_imap_command_add_string (command, self->username);
  tern_imap_command_add_secret (command, self->secret);
  return tern_imap_session_execute (self, command, cancellable, error);
}

/**
 * tern_imap_session_login:
 *
 * Logs in with the credentials of tern_imap_session_set_credentials(). Called by
 * tern_imap_session_connect() when credentials are set.
 *
 * Returns: %FALSE with %TERN_IMAP_ERROR_AUTHENTICATION_FAILED when the server refuses
 *   them, %TERN_NET_ERROR_INSECURE when the connection is not encrypted and that is not
 *   allowed, %TERN_IMAP_ERROR_UNSUPPORTED when no usable mechanism is offered
 */
gboolean
tern_imap_session_login (TernImapSession  *self,
                         GCancellable     *cancellable,
                         GError          **error)
{
  TernImapAuthMechanism mechanism;
  const char *host;
  guint generation;
  gboolean ok;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  if (!_tern_imap_session_check_usable (self, error))
    return FALSE;
  host = tern_net_connection_get_host (self->connection);

  if (self->state != TERN_IMAP_SESSION_NOT_AUTHENTICATED)
    {
      g_set_error_literal (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PROTOCOL,
                           _("The IMAP session is already logged in"));
      return FALSE;
    }
  if (self->username == NULL || self->secret == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("No user name or password to log in with"));
      return FALSE;
    }
  if (!tern_net_connection_is_encrypted (self->connection) && !self->allow_insecure_auth)
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_INSECURE,
                   _("Tern will not send the password for %s to %s over an unencrypted connection"),
                   self->username, host);
      return FALSE;
    }

  mechanism = self->mechanism;
  if (mechanism == TERN_IMAP_AUTH_AUTO)
    {
      if (tern_imap_session_has_capability (self, "AUTH=PLAIN"))
        mechanism = TERN_IMAP_AUTH_PLAIN;
      else if (tern_imap_session_has_capability (self, "AUTH=LOGIN"))
        mechanism = TERN_IMAP_AUTH_LOGIN;
      else
        mechanism = TERN_IMAP_AUTH_LOGIN_COMMAND;
    }

  if (mechanism == TERN_IMAP_AUTH_LOGIN_COMMAND && tern_imap_session_has_capability (self, "LOGINDISABLED"))
    {
      g_set_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_UNSUPPORTED,
                   _("%s does not allow the LOGIN command here (LOGINDISABLED) and offers no other way "
                     "to log in that Tern knows"), host);
      return FALSE;
    }

  generation = self->capabilities_generation;
  if (mechanism == TERN_IMAP_AUTH_LOGIN_COMMAND)
    ok = login_command (self, cancellable, error);
  else
    ok = authenticate (self, mechanism, cancellable, error);
  /* The session's copy of the secret served this login only. */
  g_clear_pointer (&self->secret, tern_net_secret_free);
  if (!ok)
    return FALSE;

  self->state = TERN_IMAP_SESSION_AUTHENTICATED;

  /* The capabilities change after login; the server may have sent them already. */
  if (generation == self->capabilities_generation)
    return tern_imap_session_capability (self, cancellable, error);
  return TRUE;
}

/**
 * tern_imap_session_logout:
 *
 * Says LOGOUT, reads the server's BYE and closes the connection.
 */
gboolean
tern_imap_session_logout (TernImapSession  *self,
                          GCancellable     *cancellable,
                          GError          **error)
{
  gboolean ok;

  g_return_val_if_fail (TERN_IMAP_IS_SESSION (self), FALSE);

  ok = _tern_imap_session_simple_command (self, "LOGOUT", cancellable, error);
  tern_imap_session_close (self);
  self->state = TERN_IMAP_SESSION_LOGGED_OUT;
  return ok;
}
