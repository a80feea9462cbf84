/* tern-pop3-session.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-net-sasl.h"
#include "tern-net-error.h"
#include "tern-pop3-reply.h"
#include "tern-pop3-session.h"

/*
 * TernPop3Session speaks POP3 over a TernNetConnection, in the manner of Balsa's
 * NetClientPop: linear, blocking code run on a worker thread, with a GCancellable on
 * every call and the connection's socket timeouts. Only one thread may use a session
 * at a time.
 *
 * Security: with TERN_NET_SECURITY_STARTTLS the session upgrades with STLS before
 * anything else, and fails when the server does not offer it; credentials never go over
 * an unencrypted connection unless tern_pop3_session_set_allow_insecure_auth() said so.
 *
 * A failure on the wire (I/O error, timeout, cancellation, garbage from the server)
 * closes the connection, since the session no longer knows where it is in the
 * conversation; a -ERR leaves it usable.
 */

#define TRANSCRIPT_DOMAIN "TernPop3.Net"
#define CHUNK_SIZE        (64 * 1024)
/* RFC 5034 section 4: an AUTH command with its initial response fits in 255 octets. */
#define MAX_AUTH_LINE     255

typedef enum
{
  STATE_DISCONNECTED,
  STATE_AUTHORIZATION,
  STATE_TRANSACTION,
} State;

struct _TernPop3Session
{
  GObject               parent_instance;

  TernNetConnection    *connection;
  State                 state;
  gboolean              allow_insecure_auth;
  gboolean              pipelining_enabled;
  TernPop3AuthMethod    auth_method;
  TernPop3AuthMethod    used_auth_method;

  char                 *greeting;
  char                 *apop_timestamp;
  TernPop3Capabilities *capabilities;   /* NULL when the server has no CAPA */
};

G_DEFINE_FINAL_TYPE (TernPop3Session, tern_pop3_session, G_TYPE_OBJECT)

/* ---- helpers ------------------------------------------------------------------------ */


static void
fail_connection (TernPop3Session *self)
{
  tern_net_connection_close (self->connection);
  self->state = STATE_DISCONNECTED;
  g_clear_object (&self->capabilities);
}

static gboolean
check_connected (TernPop3Session  *self,
                 GError          **error)
{
  if (self->state != STATE_DISCONNECTED && tern_net_connection_is_connected (self->connection))
    return TRUE;

  g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED,
               _("The connection to the POP3 server %s is closed"),
               tern_net_connection_get_host (self->connection));
  return FALSE;
}

static gboolean
check_transaction (TernPop3Session  *self,
                   GError          **error)
{
  if (!check_connected (self, error))
    return FALSE;

  g_return_val_if_fail (self->state == STATE_TRANSACTION, FALSE);
  return TRUE;
}

static void
log_data_summary (TernPop3Session *self,
                  guint64          bytes)
{
  g_log (TRANSCRIPT_DOMAIN, G_LOG_LEVEL_DEBUG, "%s:%u S: <%" G_GUINT64_FORMAT " bytes of message data>",
         tern_net_connection_get_host (self->connection),
         tern_net_connection_get_port (self->connection), bytes);
}

/* Queues and sends everything queued; fails the connection on error. */
static gboolean
flush (TernPop3Session  *self,
       GCancellable     *cancellable,
       GError          **error)
{
  if (!tern_net_connection_flush (self->connection, cancellable, error))
    {
      fail_connection (self);
      return FALSE;
    }

  return TRUE;
}

/* Reads the status line of a reply. */
static TernPop3Reply *
read_status (TernPop3Session     *self,
             TernPop3ReplyFlags   flags,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(TernPop3Reply) reply = tern_pop3_reply_new (flags);
  g_autofree char *line = NULL;
  gsize length = 0;

  line = tern_net_connection_read_line (self->connection, &length, cancellable, error);
  if (line == NULL)
    {
      fail_connection (self);
      return NULL;
    }

  if (tern_pop3_reply_feed_line (reply, line, length, NULL, NULL, error) == TERN_POP3_REPLY_LINE_ERROR)
    {
      fail_connection (self);
      return NULL;
    }

  return g_steal_pointer (&reply);
}

typedef gboolean (*LineFunc) (const char  *data,
                              gsize        length,
                              gpointer     user_data,
                              GError     **error);

/*
 * Reads the data lines of a multi-line reply up to its ".", handing each unstuffed line
 * to @func. Message data stays out of the transcript (@message_data). When @func fails
 * and @drain is set, the rest of the reply is read and dropped, so that the session
 * stays in step; otherwise the connection is closed. Listings are bounded by
 * %TERN_POP3_MAX_LISTING and %TERN_POP3_MAX_LISTING_LINES.
 */
static gboolean
read_data_lines (TernPop3Session  *self,
                 TernPop3Reply    *reply,
                 gboolean          message_data,
                 gboolean          drain,
                 LineFunc          func,
                 gpointer          user_data,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autoptr(GError) func_error = NULL;
  guint64 total = 0;

  while (!tern_pop3_reply_is_complete (reply))
    {
      g_autofree char *line = NULL;
      const char *data = NULL;
      gsize length = 0;
      gsize data_length = 0;
      TernPop3ReplyLine kind;

      if (message_data)
        line = tern_net_connection_read_data_line (self->connection, &length, cancellable, error);
      else
        line = tern_net_connection_read_line (self->connection, &length, cancellable, error);
      if (line == NULL)
        {
          fail_connection (self);
          return FALSE;
        }

      kind = tern_pop3_reply_feed_line (reply, line, length, &data, &data_length, error);
      if (kind == TERN_POP3_REPLY_LINE_ERROR)
        {
          fail_connection (self);
          return FALSE;
        }
      if (kind != TERN_POP3_REPLY_LINE_DATA)
        continue;

      total += data_length + 2;
      if (!message_data &&
          (total > TERN_POP3_MAX_LISTING || tern_pop3_reply_get_n_data_lines (reply) > TERN_POP3_MAX_LISTING_LINES))
        {
          g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_TOO_LARGE,
                       _("The POP3 server sent a listing longer than Tern accepts (%u lines, %u MiB)"),
                       TERN_POP3_MAX_LISTING_LINES, TERN_POP3_MAX_LISTING / (1024 * 1024));
          fail_connection (self);
          return FALSE;
        }

      if (func_error == NULL && !func (data, data_length, user_data, &func_error))
        {
          if (!drain)
            {
              fail_connection (self);
              g_propagate_error (error, g_steal_pointer (&func_error));
              return FALSE;
            }
        }
    }

  if (message_data)
    log_data_summary (self, total);

  if (func_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&func_error));
      return FALSE;
    }

  return TRUE;
}

static gboolean
discard_line_cb (const char  *data,
                 gsize        length,
                 gpointer     user_data,
                 GError     **error)
{
  return TRUE;
}

/* Sends @command and reads a one-line reply; -ERR becomes an error with @fallback. */
static TernPop3Reply *
simple_command (TernPop3Session  *self,
                const char       *command,
                TernPop3Error     fallback,
                const char       *what,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  if (!check_connected (self, error))
    return NULL;

  tern_net_connection_queue_line (self->connection, command);
  if (!flush (self, cancellable, error))
    return NULL;

  reply = read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
  if (reply == NULL)
    return NULL;

  if (!tern_pop3_reply_is_ok (reply))
    {
      tern_pop3_reply_set_error (reply, fallback, what, error);
      return NULL;
    }

  return g_steal_pointer (&reply);
}

/* ---- construction and settings ------------------------------------------------------ */

/**
 * tern_pop3_session_new:
 * @security: %TERN_NET_SECURITY_TLS for POP3S (port 995), %TERN_NET_SECURITY_STARTTLS
 *   for STLS on port 110
 *
 * The session's connection logs a redacted transcript in the log domain
 * "TernPop3.Net" (`G_MESSAGES_DEBUG=TernPop3.Net`).
 */
TernPop3Session *
tern_pop3_session_new (const char      *host,
                       guint16          port,
                       TernNetSecurity  security)
{
  TernPop3Session *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);

  self = g_object_new (TERN_POP3_TYPE_SESSION, NULL);
  self->connection = tern_net_connection_new (host, port, security);
  tern_net_connection_set_transcript (self->connection, TRANSCRIPT_DOMAIN);

  return self;
}

/**
 * tern_pop3_session_get_connection:
 *
 * The connection, to set its timeouts or pin a certificate before connecting.
 *
 * Returns: (transfer none): the connection
 */
TernNetConnection *
tern_pop3_session_get_connection (TernPop3Session *self)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), NULL);

  return self->connection;
}

/**
 * tern_pop3_session_set_allow_insecure_auth:
 *
 * Allows credentials over an unencrypted connection (%TERN_NET_SECURITY_NONE). Only for
 * an account that explicitly allows it.
 */
void
tern_pop3_session_set_allow_insecure_auth (TernPop3Session *self,
                                           gboolean         allow)
{
  g_return_if_fail (TERN_POP3_IS_SESSION (self));

  self->allow_insecure_auth = allow;
}

void
tern_pop3_session_set_auth_method (TernPop3Session    *self,
                                   TernPop3AuthMethod  method)
{
  g_return_if_fail (TERN_POP3_IS_SESSION (self));

  self->auth_method = method;
}

/**
 * tern_pop3_session_set_pipelining:
 *
 * Pipelining (RFC 2449) is used when the server announces it, unless this turns it
 * off. It is on by default.
 */
void
tern_pop3_session_set_pipelining (TernPop3Session *self,
                                  gboolean         enabled)
{
  g_return_if_fail (TERN_POP3_IS_SESSION (self));

  self->pipelining_enabled = enabled;
}

/**
 * tern_pop3_session_get_greeting:
 *
 * Returns: (nullable): the text of the server's greeting
 */
const char *
tern_pop3_session_get_greeting (TernPop3Session *self)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), NULL);

  return self->greeting;
}

/**
 * tern_pop3_session_get_apop_timestamp:
 *
 * Returns: (nullable): the APOP timestamp of the greeting, or %NULL
 */
const char *
tern_pop3_session_get_apop_timestamp (TernPop3Session *self)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), NULL);

  return self->apop_timestamp;
}

/**
 * tern_pop3_session_get_capabilities:
 *
 * Returns: (transfer none) (nullable): the current CAPA list, or %NULL when the server
 *   does not support CAPA
 */
TernPop3Capabilities *
tern_pop3_session_get_capabilities (TernPop3Session *self)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), NULL);

  return self->capabilities;
}

/**
 * tern_pop3_session_get_pipelining:
 *
 * Returns: whether commands are pipelined (the server announced PIPELINING)
 */
gboolean
tern_pop3_session_get_pipelining (TernPop3Session *self)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);

  return self->pipelining_enabled && self->capabilities != NULL &&
         tern_pop3_capabilities_has (self->capabilities, "PIPELINING");
}

gboolean
tern_pop3_session_is_logged_in (TernPop3Session *self)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);

  return self->state == STATE_TRANSACTION && tern_net_connection_is_connected (self->connection);
}

/**
 * tern_pop3_session_get_used_auth_method:
 *
 * Returns: the method the last successful login used
 */
TernPop3AuthMethod
tern_pop3_session_get_used_auth_method (TernPop3Session *self)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), TERN_POP3_AUTH_AUTO);

  return self->used_auth_method;
}

/* ---- connection and capabilities ---------------------------------------------------- */

static gboolean
add_capability_cb (const char  *data,
                   gsize        length,
                   gpointer     user_data,
                   GError     **error)
{
  return tern_pop3_capabilities_add_line (user_data, data, length, error);
}

/* CAPA (RFC 2449). A server without CAPA answers -ERR: that is not an error. */
static gboolean
refresh_capabilities (TernPop3Session  *self,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;
  g_autoptr(TernPop3Capabilities) capabilities = NULL;

  g_clear_object (&self->capabilities);

  tern_net_connection_queue_line (self->connection, "CAPA");
  if (!flush (self, cancellable, error))
    return FALSE;

  reply = read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!tern_pop3_reply_is_ok (reply))
    return TRUE;

  capabilities = tern_pop3_capabilities_new ();
  if (!read_data_lines (self, reply, FALSE, FALSE, add_capability_cb, capabilities, cancellable, error))
    return FALSE;

  self->capabilities = g_steal_pointer (&capabilities);
  return TRUE;
}

static gboolean
start_tls (TernPop3Session  *self,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;
  const char *host = tern_net_connection_get_host (self->connection);

  /* RFC 2595: STLS is announced in CAPA. A server without CAPA may still have it. */
  if (self->capabilities != NULL && !tern_pop3_capabilities_has (self->capabilities, "STLS"))
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                   _("The POP3 server %s does not offer STLS, so the connection cannot be secured"), host);
      fail_connection (self);
      return FALSE;
    }

  tern_net_connection_queue_line (self->connection, "STLS");
  if (!flush (self, cancellable, error))
    return FALSE;
  reply = read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!tern_pop3_reply_is_ok (reply))
    {
      g_autofree char *text = tern_pop3_sanitize_text (tern_pop3_reply_get_text (reply));

      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                   _("The POP3 server %s refused STLS, so the connection cannot be secured: %s"),
                   host, text);
      fail_connection (self);
      return FALSE;
    }

  if (!tern_net_connection_start_tls (self->connection, cancellable, error))
    {
      fail_connection (self);
      return FALSE;
    }

  /* RFC 2595 section 4: forget what was announced before TLS. */
  return refresh_capabilities (self, cancellable, error);
}

/**
 * tern_pop3_session_connect:
 *
 * Connects, reads the greeting, reads the capabilities and, for
 * %TERN_NET_SECURITY_STARTTLS, secures the connection with STLS. The session is then
 * ready for tern_pop3_session_login().
 *
 * Errors: %TERN_NET_ERROR_CERTIFICATE_UNTRUSTED (with the certificate),
 * %TERN_NET_ERROR_STARTTLS_UNAVAILABLE, a %TERN_POP3_ERROR for a -ERR greeting, I/O
 * errors.
 */
gboolean
tern_pop3_session_connect (TernPop3Session  *self,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autoptr(TernPop3Reply) greeting = NULL;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (self->state == STATE_DISCONNECTED, FALSE);

  g_clear_pointer (&self->greeting, g_free);
  g_clear_pointer (&self->apop_timestamp, g_free);
  g_clear_object (&self->capabilities);

  if (!tern_net_connection_connect (self->connection, cancellable, error))
    return FALSE;
  self->state = STATE_AUTHORIZATION;

  greeting = read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
  if (greeting == NULL)
    return FALSE;
  if (!tern_pop3_reply_is_ok (greeting))
    {
      tern_pop3_reply_set_error (greeting, TERN_POP3_ERROR_ERR, _("The POP3 server refused the connection"),
                                 error);
      fail_connection (self);
      return FALSE;
    }
  self->greeting = g_strdup (tern_pop3_reply_get_text (greeting));
  self->apop_timestamp = tern_pop3_reply_dup_apop_timestamp (greeting);

  if (!refresh_capabilities (self, cancellable, error))
    return FALSE;

  if (tern_net_connection_get_security (self->connection) == TERN_NET_SECURITY_STARTTLS &&
      !start_tls (self, cancellable, error))
    return FALSE;

  return TRUE;
}

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
  g_autoptr(TernPop3Reply) reply = read_status (self, flags, cancellable, error);

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
      if (!flush (self, cancellable, error))
        return FALSE;
      if (!read_login_result (self, TERN_POP3_REPLY_FLAGS_NONE, NULL, cancellable, error))
        return FALSE;
    }

  tern_net_connection_queue_secret_line (self->connection, pass_line, strlen ("PASS "));
  if (!flush (self, cancellable, error))
    return FALSE;

  if (pipelined && !read_login_result (self, TERN_POP3_REPLY_FLAGS_NONE, NULL, cancellable, &user_error))
    {
      if (!check_connected (self, NULL))
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
  if (!flush (self, cancellable, error))
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
      fail_connection (self);
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
      if (!flush (self, cancellable, error))
        return FALSE;
      reply = read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
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
      if (!flush (self, cancellable, error))
        return FALSE;
    }
  else
    {
      tern_net_connection_queue_line (self->connection, "AUTH PLAIN");
      if (!flush (self, cancellable, error) || !read_challenge (self, cancellable, error))
        return FALSE;
      tern_net_connection_queue_secret_line (self->connection, encoded, 0);
      if (!flush (self, cancellable, error))
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
  if (!flush (self, cancellable, error) || !read_challenge (self, cancellable, error))
    return FALSE;

  tern_net_connection_queue_secret_line (self->connection, user64, 0);
  if (!flush (self, cancellable, error) || !read_challenge (self, cancellable, error))
    return FALSE;

  tern_net_connection_queue_secret_line (self->connection, pass64, 0);
  if (!flush (self, cancellable, error))
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

  if (!check_connected (self, error))
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
    return refresh_capabilities (self, cancellable, error);

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

/* ---- transaction commands ----------------------------------------------------------- */

/**
 * tern_pop3_session_stat:
 * @count: (out) (optional): the number of messages
 * @size: (out) (optional): their total size in octets
 */
gboolean
tern_pop3_session_stat (TernPop3Session  *self,
                        guint            *count,
                        guint64          *size,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);

  if (!check_transaction (self, error))
    return FALSE;

  reply = simple_command (self, "STAT", TERN_POP3_ERROR_ERR, _("STAT failed"), cancellable, error);
  if (reply == NULL)
    return FALSE;

  return tern_pop3_reply_parse_stat (reply, count, size, error);
}

/* LIST or UIDL without argument: the command, its status, then its listing lines,
 * each given to @line_cb. */
static gboolean
listing_command (TernPop3Session  *self,
                 const char       *command,
                 TernPop3Error     error_code,
                 const char       *error_message,
                 LineFunc          line_cb,
                 gpointer          user_data,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  if (!check_transaction (self, error))
    return FALSE;

  tern_net_connection_queue_line (self->connection, command);
  if (!flush (self, cancellable, error))
    return FALSE;
  reply = read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!tern_pop3_reply_is_ok (reply))
    {
      tern_pop3_reply_set_error (reply, error_code, error_message, error);
      return FALSE;
    }
  return read_data_lines (self, reply, FALSE, TRUE, line_cb, user_data, cancellable, error);
}

static gboolean
add_scan_listing_cb (const char  *data,
                     gsize        length,
                     gpointer     user_data,
                     GError     **error)
{
  TernPop3ScanListing entry = { 0, 0 };

  if (!tern_pop3_parse_scan_listing (data, length, &entry.msgno, &entry.size, error))
    return FALSE;

  g_array_append_val ((GArray *) user_data, entry);
  return TRUE;
}

/**
 * tern_pop3_session_list:
 *
 * LIST without argument.
 *
 * Returns: (transfer full) (element-type TernPop3ScanListing): the scan listings
 */
GArray *
tern_pop3_session_list (TernPop3Session  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(GArray) listings = g_array_new (FALSE, FALSE, sizeof (TernPop3ScanListing));

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), NULL);

  if (!listing_command (self, "LIST", TERN_POP3_ERROR_ERR, _("LIST failed"), add_scan_listing_cb, listings,
                        cancellable, error))
    return NULL;
  return g_steal_pointer (&listings);
}

/**
 * tern_pop3_session_list_one:
 * @size: (out) (optional): the size of message @msgno
 */
gboolean
tern_pop3_session_list_one (TernPop3Session  *self,
                            guint             msgno,
                            guint64          *size,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;
  g_autofree char *command = NULL;
  const char *text;
  guint got = 0;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (msgno > 0, FALSE);

  if (!check_transaction (self, error))
    return FALSE;

  command = g_strdup_printf ("LIST %u", msgno);
  reply = simple_command (self, command, TERN_POP3_ERROR_ERR, _("LIST failed"), cancellable, error);
  if (reply == NULL)
    return FALSE;

  text = tern_pop3_reply_get_text (reply);
  if (!tern_pop3_parse_scan_listing (text, strlen (text), &got, size, error))
    return FALSE;
  if (got != msgno)
    {
      g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE,
                   _("The POP3 server answered LIST %u about message %u"), msgno, got);
      return FALSE;
    }

  return TRUE;
}

static void
uid_listing_clear (gpointer data)
{
  TernPop3UidListing *entry = data;

  g_clear_pointer (&entry->uid, g_free);
}

static gboolean
add_uid_listing_cb (const char  *data,
                    gsize        length,
                    gpointer     user_data,
                    GError     **error)
{
  TernPop3UidListing entry = { 0, NULL };

  if (!tern_pop3_parse_uid_listing (data, length, &entry.msgno, &entry.uid, error))
    return FALSE;

  g_array_append_val ((GArray *) user_data, entry);
  return TRUE;
}

/**
 * tern_pop3_session_uidl:
 *
 * UIDL without argument (RFC 1939 section 7).
 *
 * Returns: (transfer full) (element-type TernPop3UidListing): the unique-id listings;
 *   freeing the array frees the strings
 */
GArray *
tern_pop3_session_uidl (TernPop3Session  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(GArray) listings = g_array_new (FALSE, FALSE, sizeof (TernPop3UidListing));

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), NULL);

  g_array_set_clear_func (listings, uid_listing_clear);
  if (!listing_command (self, "UIDL", TERN_POP3_ERROR_NOT_SUPPORTED, _("UIDL failed"), add_uid_listing_cb,
                        listings, cancellable, error))
    return NULL;
  return g_steal_pointer (&listings);
}

/**
 * tern_pop3_session_uidl_one:
 *
 * Returns: (transfer full): the unique-id of message @msgno, or %NULL with @error set
 */
char *
tern_pop3_session_uidl_one (TernPop3Session  *self,
                            guint             msgno,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;
  g_autofree char *command = NULL;
  g_autofree char *uid = NULL;
  const char *text;
  guint got = 0;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), NULL);
  g_return_val_if_fail (msgno > 0, NULL);

  if (!check_transaction (self, error))
    return NULL;

  command = g_strdup_printf ("UIDL %u", msgno);
  reply = simple_command (self, command, TERN_POP3_ERROR_ERR, _("UIDL failed"), cancellable, error);
  if (reply == NULL)
    return NULL;

  text = tern_pop3_reply_get_text (reply);
  if (!tern_pop3_parse_uid_listing (text, strlen (text), &got, &uid, error))
    return NULL;
  if (got != msgno)
    {
      g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE,
                   _("The POP3 server answered UIDL %u about message %u"), msgno, got);
      return NULL;
    }

  return g_steal_pointer (&uid);
}

/* Collects message lines into pieces of about CHUNK_SIZE for a TernPop3DataFunc. */
typedef struct
{
  TernPop3DataFunc  func;
  gpointer          user_data;
  guint             msgno;
  GByteArray       *chunk;
} Sink;

static gboolean
sink_flush (Sink    *sink,
            GError **error)
{
  gboolean ok = TRUE;

  if (sink->chunk->len > 0)
    ok = sink->func (sink->msgno, sink->chunk->data, sink->chunk->len, sink->user_data, error);
  g_byte_array_set_size (sink->chunk, 0);
  return ok;
}

static gboolean
sink_line_cb (const char  *data,
              gsize        length,
              gpointer     user_data,
              GError     **error)
{
  Sink *sink = user_data;

  if (sink->chunk->len + length + 2 > CHUNK_SIZE && !sink_flush (sink, error))
    return FALSE;

  if (length + 2 > CHUNK_SIZE)
    {
      /* A very long line (up to the connection's line limit) goes out on its own. */
      return sink->func (sink->msgno, (const guint8 *) data, length, sink->user_data, error) &&
             sink->func (sink->msgno, (const guint8 *) "\r\n", 2, sink->user_data, error);
    }

  g_byte_array_append (sink->chunk, (const guint8 *) data, length);
  g_byte_array_append (sink->chunk, (const guint8 *) "\r\n", 2);
  return TRUE;
}

/* Reads the body of a positive RETR/TOP reply into @func, then calls it with NULL. */
static gboolean
read_message (TernPop3Session   *self,
              TernPop3Reply     *reply,
              guint              msgno,
              TernPop3DataFunc   func,
              gpointer           user_data,
              GCancellable      *cancellable,
              GError           **error)
{
  Sink sink = { func, user_data, msgno, NULL };
  gboolean ok;

  sink.chunk = g_byte_array_sized_new (CHUNK_SIZE);
  ok = read_data_lines (self, reply, TRUE, FALSE, sink_line_cb, &sink, cancellable, error) &&
       sink_flush (&sink, error) &&
       func (msgno, NULL, 0, user_data, error);
  g_byte_array_unref (sink.chunk);

  /* The consumer failed after the whole reply was read: the session is still in step. */
  return ok;
}

static gboolean
message_command (TernPop3Session   *self,
                 const char        *command,
                 guint              msgno,
                 const char        *what,
                 TernPop3DataFunc   func,
                 gpointer           user_data,
                 GCancellable      *cancellable,
                 GError           **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  if (!check_transaction (self, error))
    return FALSE;

  tern_net_connection_queue_line (self->connection, command);
  if (!flush (self, cancellable, error))
    return FALSE;
  reply = read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!tern_pop3_reply_is_ok (reply))
    {
      tern_pop3_reply_set_error (reply, TERN_POP3_ERROR_ERR, what, error);
      return FALSE;
    }

  return read_message (self, reply, msgno, func, user_data, cancellable, error);
}

/**
 * tern_pop3_session_top:
 * @lines: how many lines of the body to send after the headers
 * @func: (scope call): receives the headers and @lines lines of the body
 */
gboolean
tern_pop3_session_top (TernPop3Session   *self,
                       guint              msgno,
                       guint              lines,
                       TernPop3DataFunc   func,
                       gpointer           user_data,
                       GCancellable      *cancellable,
                       GError           **error)
{
  g_autofree char *command = NULL;
  g_autofree char *what = NULL;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (msgno > 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  command = g_strdup_printf ("TOP %u %u", msgno, lines);
  what = g_strdup_printf (_("Could not read the headers of message %u"), msgno);
  return message_command (self, command, msgno, what, func, user_data, cancellable, error);
}

/**
 * tern_pop3_session_retr:
 * @func: (scope call): receives the message, dot-unstuffed, in pieces
 *
 * Retrieves message @msgno. The message goes through @func as it arrives and is never
 * held in memory as a whole.
 */
gboolean
tern_pop3_session_retr (TernPop3Session   *self,
                        guint              msgno,
                        TernPop3DataFunc   func,
                        gpointer           user_data,
                        GCancellable      *cancellable,
                        GError           **error)
{
  g_autofree char *command = NULL;
  g_autofree char *what = NULL;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (msgno > 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  command = g_strdup_printf ("RETR %u", msgno);
  what = g_strdup_printf (_("Could not retrieve message %u"), msgno);
  return message_command (self, command, msgno, what, func, user_data, cancellable, error);
}

typedef struct
{
  GOutputStream *stream;
  GCancellable  *cancellable;
} StreamSink;

static gboolean
write_to_stream_cb (guint          msgno,
                    const guint8  *data,
                    gsize          length,
                    gpointer       user_data,
                    GError       **error)
{
  StreamSink *sink = user_data;

  if (data == NULL)
    return TRUE;

  return g_output_stream_write_all (sink->stream, data, length, NULL, sink->cancellable, error);
}

/**
 * tern_pop3_session_retr_to_stream:
 *
 * Retrieves message @msgno into @stream (which is not closed).
 */
gboolean
tern_pop3_session_retr_to_stream (TernPop3Session  *self,
                                  guint             msgno,
                                  GOutputStream    *stream,
                                  GCancellable     *cancellable,
                                  GError          **error)
{
  StreamSink sink = { stream, cancellable };

  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  return tern_pop3_session_retr (self, msgno, write_to_stream_cb, &sink, cancellable, error);
}

/* RETR n or TOP n lines (@lines >= 0) for several messages, pipelined when the server
 * can: see tern_pop3_session_retr_many(). */
static gboolean
message_many (TernPop3Session   *self,
              const guint       *msgnos,
              guint              n_msgnos,
              gint               lines,
              TernPop3DataFunc   func,
              gpointer           user_data,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(GError) first_error = NULL;
  guint window;
  guint sent = 0;
  guint done = 0;

  if (!check_transaction (self, error))
    return FALSE;

  window = tern_pop3_session_get_pipelining (self) ? TERN_POP3_PIPELINE_WINDOW : 1;

  while (done < n_msgnos)
    {
      g_autoptr(TernPop3Reply) reply = NULL;
      guint msgno;

      while (first_error == NULL && sent < n_msgnos && sent - done < window)
        {
          g_autofree char *command = lines >= 0 ? g_strdup_printf ("TOP %u %d", msgnos[sent++], lines)
                                                : g_strdup_printf ("RETR %u", msgnos[sent++]);

          tern_net_connection_queue_line (self->connection, command);
        }
      if (!flush (self, cancellable, error))
        return FALSE;
      if (done == sent)
        break;

      msgno = msgnos[done++];
      reply = read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
      if (reply == NULL)
        return FALSE;

      if (!tern_pop3_reply_is_ok (reply))
        {
          if (first_error == NULL)
            {
              g_autofree char *what = lines >= 0 ? g_strdup_printf (_("Could not read the headers of message %u"), msgno)
                                                 : g_strdup_printf (_("Could not retrieve message %u"), msgno);

              tern_pop3_reply_set_error (reply, TERN_POP3_ERROR_ERR, what, &first_error);
            }
          continue;
        }

      if (first_error != NULL)
        {
          /* Already failing: read the message the server sends anyway and drop it. */
          if (!read_data_lines (self, reply, TRUE, FALSE, discard_line_cb, NULL, cancellable, error))
            return FALSE;
          continue;
        }

      if (!read_message (self, reply, msgno, func, user_data, cancellable, error))
        {
          /* A consumer error with commands still outstanding: the session is lost. */
          if (sent > done)
            fail_connection (self);
          return FALSE;
        }
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * tern_pop3_session_retr_many:
 * @msgnos: (array length=n_msgnos): the messages to retrieve, in this order
 * @func: (scope call): receives each message in turn, ended by a call with %NULL data
 *
 * Retrieves several messages. When the server announced PIPELINING, the RETR commands
 * are sent ahead, up to %TERN_POP3_PIPELINE_WINDOW at a time, so that the messages
 * stream back to back; otherwise one after the other.
 *
 * After a -ERR for one message no further commands are sent; the replies to those
 * already sent are read, and the first error is returned. The messages @func already
 * got complete are complete.
 */
gboolean
tern_pop3_session_retr_many (TernPop3Session   *self,
                             const guint       *msgnos,
                             guint              n_msgnos,
                             TernPop3DataFunc   func,
                             gpointer           user_data,
                             GCancellable      *cancellable,
                             GError           **error)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (msgnos != NULL || n_msgnos == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  return message_many (self, msgnos, n_msgnos, -1, func, user_data, cancellable, error);
}

/**
 * tern_pop3_session_top_many:
 * @msgnos: (array length=n_msgnos): the messages, in this order
 * @lines: how many lines of each body to send after the headers
 * @func: (scope call): receives each message's headers (and @lines lines) in turn,
 *   ended by a call with %NULL data
 *
 * TOP for several messages, pipelined like tern_pop3_session_retr_many(), with the
 * same handling of a -ERR.
 */
gboolean
tern_pop3_session_top_many (TernPop3Session   *self,
                            const guint       *msgnos,
                            guint              n_msgnos,
                            guint              lines,
                            TernPop3DataFunc   func,
                            gpointer           user_data,
                            GCancellable      *cancellable,
                            GError           **error)
{
  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (msgnos != NULL || n_msgnos == 0, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (lines <= G_MAXINT, FALSE);

  return message_many (self, msgnos, n_msgnos, (gint) lines, func, user_data, cancellable, error);
}

/**
 * tern_pop3_session_dele:
 *
 * Marks message @msgno as deleted; the server deletes it at QUIT.
 */
gboolean
tern_pop3_session_dele (TernPop3Session  *self,
                        guint             msgno,
                        GCancellable     *cancellable,
                        GError          **error)
{
  return tern_pop3_session_dele_many (self, &msgno, 1, cancellable, error);
}

/**
 * tern_pop3_session_dele_many:
 * @msgnos: (array length=n_msgnos): the messages to mark as deleted
 *
 * DELE for each message, pipelined when the server announced PIPELINING. All the
 * replies are read; the first -ERR is returned.
 */
gboolean
tern_pop3_session_dele_many (TernPop3Session  *self,
                             const guint      *msgnos,
                             guint             n_msgnos,
                             GCancellable     *cancellable,
                             GError          **error)
{
  g_autoptr(GError) first_error = NULL;
  guint window;
  guint sent = 0;
  guint done = 0;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);
  g_return_val_if_fail (msgnos != NULL || n_msgnos == 0, FALSE);

  if (!check_transaction (self, error))
    return FALSE;

  window = tern_pop3_session_get_pipelining (self) ? TERN_POP3_PIPELINE_WINDOW : 1;

  while (done < n_msgnos)
    {
      g_autoptr(TernPop3Reply) reply = NULL;
      guint msgno;

      while (sent < n_msgnos && sent - done < window)
        {
          g_autofree char *command = NULL;

          g_return_val_if_fail (msgnos[sent] > 0, FALSE);
          command = g_strdup_printf ("DELE %u", msgnos[sent++]);
          tern_net_connection_queue_line (self->connection, command);
        }
      if (!flush (self, cancellable, error))
        return FALSE;

      msgno = msgnos[done++];
      reply = read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
      if (reply == NULL)
        return FALSE;
      if (!tern_pop3_reply_is_ok (reply) && first_error == NULL)
        {
          g_autofree char *what = g_strdup_printf (_("Could not delete message %u"), msgno);

          tern_pop3_reply_set_error (reply, TERN_POP3_ERROR_ERR, what, &first_error);
        }
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * tern_pop3_session_rset:
 *
 * Unmarks the messages marked as deleted in this session.
 */
gboolean
tern_pop3_session_rset (TernPop3Session  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);

  if (!check_transaction (self, error))
    return FALSE;

  reply = simple_command (self, "RSET", TERN_POP3_ERROR_ERR, _("RSET failed"), cancellable, error);
  return reply != NULL;
}

gboolean
tern_pop3_session_noop (TernPop3Session  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);

  if (!check_transaction (self, error))
    return FALSE;

  reply = simple_command (self, "NOOP", TERN_POP3_ERROR_ERR, _("NOOP failed"), cancellable, error);
  return reply != NULL;
}

/**
 * tern_pop3_session_quit:
 *
 * Ends the session: the server deletes the messages marked with DELE (the UPDATE
 * state), and a -ERR means that it could not. The connection is closed in any case.
 */
gboolean
tern_pop3_session_quit (TernPop3Session  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;

  g_return_val_if_fail (TERN_POP3_IS_SESSION (self), FALSE);

  if (!check_connected (self, error))
    return FALSE;

  reply = simple_command (self, "QUIT", TERN_POP3_ERROR_ERR,
                          self->state == STATE_TRANSACTION ? _("The POP3 server could not delete the messages")
                                                           : _("QUIT failed"),
                          cancellable, error);
  fail_connection (self);
  return reply != NULL;
}

/**
 * tern_pop3_session_close:
 *
 * Drops the connection without QUIT: messages marked with DELE stay on the server.
 */
void
tern_pop3_session_close (TernPop3Session *self)
{
  g_return_if_fail (TERN_POP3_IS_SESSION (self));

  fail_connection (self);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
tern_pop3_session_finalize (GObject *object)
{
  TernPop3Session *self = TERN_POP3_SESSION (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->capabilities);
  g_clear_pointer (&self->greeting, g_free);
  g_clear_pointer (&self->apop_timestamp, g_free);

  G_OBJECT_CLASS (tern_pop3_session_parent_class)->finalize (object);
}

static void
tern_pop3_session_class_init (TernPop3SessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_pop3_session_finalize;
}

static void
tern_pop3_session_init (TernPop3Session *self)
{
  self->pipelining_enabled = TRUE;
  self->auth_method = TERN_POP3_AUTH_AUTO;
  self->used_auth_method = TERN_POP3_AUTH_AUTO;
}
