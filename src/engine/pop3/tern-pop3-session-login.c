/* tern-pop3-session-login.c: TernPop3Session's authentication (USER/PASS, APOP, SASL)
 * and its connection on a worker thread (tern_pop3_session_connect_async())
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-net-sasl.h"
#include "tern-net-error.h"
#include "tern-pop3-session-private.h"

/* ---- authentication ----------------------------------------------------------------- */

static gboolean
has_sasl (TernPop3Session *self,
          const char      *mechanism)
{
  return self->capabilities != NULL && tern_pop3_capabilities_has_sasl (self->capabilities, mechanism);
}

static gboolean
choose_method (TernPop3Session     *self,
               TernPop3AuthMethod  *method,
               GError             **error)
{
  const char *host = tern_net_connection_get_host (self->connection);

  switch (self->auth_method)
    {
    case TERN_POP3_AUTH_AUTO:
      if (has_sasl (self, "PLAIN"))
        *method = TERN_POP3_AUTH_PLAIN;
      else if (self->capabilities == NULL || tern_pop3_capabilities_has (self->capabilities, "USER"))
        *method = TERN_POP3_AUTH_USER;
      else if (has_sasl (self, "LOGIN"))
        *method = TERN_POP3_AUTH_LOGIN;
      else if (self->apop_timestamp != NULL)
        *method = TERN_POP3_AUTH_APOP;
      else
        {
          g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_NOT_SUPPORTED,
                       _("The POP3 server %s offers no login method Tern supports"), host);
          return FALSE;
        }
      return TRUE;

    case TERN_POP3_AUTH_APOP:
      if (self->apop_timestamp == NULL)
        {
          g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_NOT_SUPPORTED,
                       _("The POP3 server %s does not support APOP"), host);
          return FALSE;
        }
      break;

    case TERN_POP3_AUTH_PLAIN:
    case TERN_POP3_AUTH_LOGIN:
      if (self->capabilities != NULL &&
          !has_sasl (self, self->auth_method == TERN_POP3_AUTH_PLAIN ? "PLAIN" : "LOGIN"))
        {
          g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_NOT_SUPPORTED,
                       _("The POP3 server %s does not support the login method %s"), host,
                       self->auth_method == TERN_POP3_AUTH_PLAIN ? "PLAIN" : "LOGIN");
          return FALSE;
        }
      break;

    case TERN_POP3_AUTH_USER:
    default:
      break;
    }

  *method = self->auth_method;
  return TRUE;
}

/* Reads the final reply of a login command. */
static gboolean
read_login_result (TernPop3Session  *self,
                   TernPop3ReplyFlags flags,
                   TernPop3Reply   **out_reply,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(TernPop3Reply) reply = _tern_pop3_session_read_status (self, flags, cancellable, error);

  if (reply == NULL)
    return FALSE;

  if (tern_pop3_reply_get_status (reply) == TERN_POP3_REPLY_STATUS_ERR)
    {
      tern_pop3_reply_set_error (reply, TERN_POP3_ERROR_AUTHENTICATION_FAILED, _("Login failed"), error);
      return FALSE;
    }

  if (out_reply != NULL)
    *out_reply = g_steal_pointer (&reply);
  return TRUE;
}

static gboolean
login_user (TernPop3Session  *self,
            const char       *username,
            const char       *password,
            GCancellable     *cancellable,
            GError          **error)
{
  g_autofree char *user_line = g_strdup_printf ("USER %s", username);
  g_autoptr(TernNetSecret) pass_line = tern_net_secret_printf ("PASS %s", password);
  g_autoptr(GError) user_error = NULL;
  gboolean pipelined = tern_pop3_session_get_pipelining (self);

  tern_net_connection_queue_line (self->connection, user_line);
  if (!pipelined)
    {
      if (!_tern_pop3_session_flush (self, cancellable, error))
        return FALSE;
      if (!read_login_result (self, TERN_POP3_REPLY_FLAGS_NONE, NULL, cancellable, error))
        return FALSE;
    }

  tern_net_connection_queue_secret_line (self->connection, pass_line, strlen ("PASS "));
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return FALSE;

  if (pipelined && !read_login_result (self, TERN_POP3_REPLY_FLAGS_NONE, NULL, cancellable, &user_error))
    {
      if (!_tern_pop3_session_check_connected (self, NULL))
        {
          g_propagate_error (error, g_steal_pointer (&user_error));
          return FALSE;
        }
    }

  if (!read_login_result (self, TERN_POP3_REPLY_FLAGS_NONE, NULL, cancellable, error))
    return FALSE;

  if (user_error != NULL)
    {
      /* The server refused USER but accepted PASS: it is not POP3 as we know it. */
      g_propagate_error (error, g_steal_pointer (&user_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
login_apop (TernPop3Session  *self,
            const char       *username,
            const char       *password,
            GCancellable     *cancellable,
            GError          **error)
{
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(TernNetSecret) line = NULL;

  static const guchar zeros[64] = { 0 };

  g_checksum_update (md5, (const guchar *) self->apop_timestamp, -1);
  g_checksum_update (md5, (const guchar *) password, -1);
  line = tern_net_secret_printf ("APOP %s %s", username, g_checksum_get_string (md5));
  /* The checksum keeps the last partial block of its input, the password's bytes,
   * until it is freed: one block of zeros overwrites it. */
  g_checksum_reset (md5);
  g_checksum_update (md5, zeros, sizeof zeros);

  tern_net_connection_queue_secret_line (self->connection, line, strlen ("APOP ") + strlen (username) + 1);
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return FALSE;

  return read_login_result (self, TERN_POP3_REPLY_FLAGS_NONE, NULL, cancellable, error);
}

/* Reads a SASL step: a "+ " challenge is expected; anything else ends the exchange. */
static gboolean
read_challenge (TernPop3Session  *self,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  if (!read_login_result (self, TERN_POP3_REPLY_FLAGS_CONTINUATION, &reply, cancellable, error))
    return FALSE;

  if (tern_pop3_reply_get_status (reply) != TERN_POP3_REPLY_STATUS_CONTINUATION)
    {
      g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE,
                   _("The POP3 server ended the login exchange too early"));
      _tern_pop3_session_fail_connection (self);
      return FALSE;
    }

  return TRUE;
}

/* The final answer of a SASL exchange; a further challenge is answered with "*". */
static gboolean
read_sasl_outcome (TernPop3Session  *self,
                   GCancellable     *cancellable,
                   GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  if (!read_login_result (self, TERN_POP3_REPLY_FLAGS_CONTINUATION, &reply, cancellable, error))
    return FALSE;

  if (tern_pop3_reply_get_status (reply) == TERN_POP3_REPLY_STATUS_CONTINUATION)
    {
      g_clear_object (&reply);
      tern_net_connection_queue_line (self->connection, "*");
      if (!_tern_pop3_session_flush (self, cancellable, error))
        return FALSE;
      reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
      if (reply == NULL)
        return FALSE;
      g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED,
                   _("Login failed: the POP3 server asked for more than a user name and password"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
login_plain (TernPop3Session  *self,
             const char       *username,
             const char       *password,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(TernNetSecret) encoded = tern_net_sasl_plain (username, password);
  g_autoptr(TernNetSecret) line = tern_net_secret_printf ("AUTH PLAIN %s", encoded);

  if (strlen (line) <= MAX_AUTH_LINE)
    {
      tern_net_connection_queue_secret_line (self->connection, line, strlen ("AUTH PLAIN "));
      if (!_tern_pop3_session_flush (self, cancellable, error))
        return FALSE;
    }
  else
    {
      tern_net_connection_queue_line (self->connection, "AUTH PLAIN");
      if (!_tern_pop3_session_flush (self, cancellable, error) || !read_challenge (self, cancellable, error))
        return FALSE;
      tern_net_connection_queue_secret_line (self->connection, encoded, 0);
      if (!_tern_pop3_session_flush (self, cancellable, error))
        return FALSE;
    }

  return read_sasl_outcome (self, cancellable, error);
}

static gboolean
login_login (TernPop3Session  *self,
             const char       *username,
             const char       *password,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(TernNetSecret) user64 = g_base64_encode ((const guchar *) username, strlen (username));
  g_autoptr(TernNetSecret) pass64 = g_base64_encode ((const guchar *) password, strlen (password));

  tern_net_connection_queue_line (self->connection, "AUTH LOGIN");
  if (!_tern_pop3_session_flush (self, cancellable, error) || !read_challenge (self, cancellable, error))
    return FALSE;

  tern_net_connection_queue_secret_line (self->connection, user64, 0);
  if (!_tern_pop3_session_flush (self, cancellable, error) || !read_challenge (self, cancellable, error))
    return FALSE;

  tern_net_connection_queue_secret_line (self->connection, pass64, 0);
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return FALSE;

  return read_sasl_outcome (self, cancellable, error);
}

static gboolean
valid_credential (const char *s)
{
  for (; *s != '\0'; s++)
    {
      if (*s == '\r' || *s == '\n')
        return FALSE;
    }
  return TRUE;
}

/**
 * tern_pop3_session_login:
 *
 * Logs in with the configured method (see #TernPop3AuthMethod). Over an unencrypted
 * connection this fails with %TERN_NET_ERROR_INSECURE unless insecure logins were
 * allowed. A refused password is %TERN_POP3_ERROR_AUTHENTICATION_FAILED (or
 * %TERN_POP3_ERROR_IN_USE, %TERN_POP3_ERROR_LOGIN_DELAY, ... when the server says so).
 */
gboolean
tern_pop3_session_login (TernPop3Session  *self,
                         const char       *username,
                         const char       *password,
                         GCancellable     *cancellable,
                         GError          **error)
{
  TernPop3AuthMethod method = TERN_POP3_AUTH_AUTO;
  gboolean ok = FALSE;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!_tern_pop3_session_check_connected (self, error))
    return FALSE;
  g_return_val_if_fail (self->state == STATE_AUTHORIZATION, FALSE);

  if (!tern_net_connection_is_encrypted (self->connection) && !self->allow_insecure_auth)
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_INSECURE,
                   _("Tern will not send the password for %s over an unencrypted connection"),
                   tern_net_connection_get_host (self->connection));
      return FALSE;
    }

  if (!valid_credential (username) || !valid_credential (password))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A user name or password cannot contain a line break"));
      return FALSE;
    }

  if (!choose_method (self, &method, error))
    return FALSE;

  switch (method)
    {
    case TERN_POP3_AUTH_USER:
      ok = login_user (self, username, password, cancellable, error);
      break;
    case TERN_POP3_AUTH_APOP:
      ok = login_apop (self, username, password, cancellable, error);
      break;
    case TERN_POP3_AUTH_PLAIN:
      ok = login_plain (self, username, password, cancellable, error);
      break;
    case TERN_POP3_AUTH_LOGIN:
      ok = login_login (self, username, password, cancellable, error);
      break;
    case TERN_POP3_AUTH_AUTO:
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    return FALSE;

  self->state = STATE_TRANSACTION;
  self->used_auth_method = method;

  /* RFC 2449 section 5: the capabilities may change after login (PIPELINING, say). */
  if (self->capabilities != NULL)
    return _tern_pop3_session_refresh_capabilities (self, cancellable, error);

  return TRUE;
}

typedef struct
{
  char *username;
  char *password;
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_free (data->username);
  tern_net_secret_free (data->password);
  g_free (data);
}

static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TernPop3Session *self = source_object;
  ConnectData *data = task_data;
  GError *error = NULL;

  if (!tern_pop3_session_connect (self, cancellable, &error) ||
      (data->username != NULL &&
       !tern_pop3_session_login (self, data->username, data->password, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * tern_pop3_session_connect_async:
 * @username: (nullable): log in as this user after connecting, or %NULL to only connect
 * @password: (nullable): the password
 *
 * Runs tern_pop3_session_connect() and tern_pop3_session_login() on a worker thread.
 * The session must not be used until @callback runs (in the thread-default main
 * context of the caller).
 */
void
tern_pop3_session_connect_async (TernPop3Session     *self,
                                 const char          *username,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConnectData *data;

  g_return_if_fail (TERN_POP3_IS_SESSION (self));
  g_return_if_fail (username == NULL || password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_pop3_session_connect_async);

  data = g_new0 (ConnectData, 1);
  data->username = g_strdup (username);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  g_task_run_in_thread (task, connect_thread);
}

gboolean
tern_pop3_session_connect_finish (TernPop3Session  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_pop3_session_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
