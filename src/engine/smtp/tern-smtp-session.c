/* tern-smtp-session.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-net-sasl.h"
#include "tern-net-error.h"
#include "tern-smtp-reply.h"
#include "tern-smtp-send-result-private.h"
#include "tern-smtp-session.h"

/*
 * TernSmtpSession submits messages over a TernNetConnection, in the manner of Balsa's
 * NetClientSmtp: linear, blocking code on a worker thread, a GCancellable on every
 * call, the connection's socket timeouts. Only one thread may use a session at a time.
 *
 * Several messages go over one connection. With PIPELINING (RFC 2920) the envelope of
 * a message, MAIL FROM, every RCPT TO and DATA, goes out in one write and the replies
 * are matched afterwards; the message data then goes out in 64 KiB writes, the last
 * one carrying the final ".". Each write is one write(2) with TCP_NODELAY (see
 * TernNetConnection), so no batch waits for a delayed ACK.
 *
 * A failure on the wire (I/O error, timeout, cancellation, garbage, a 421) closes the
 * connection; a refused transaction is reset with RSET and the session stays usable.
 */

#define TRANSCRIPT_DOMAIN "TernSmtp.Net"
#define CHUNK_SIZE        (64 * 1024)
/* RFC 5321 section 4.5.3.1.5: a reply line is at most 512 octets; leave room. */
#define MAX_LINE          (16 * 1024)
#define DATA_END_TIMEOUT  (10 * 60)

typedef enum
{
  STATE_DISCONNECTED,
  STATE_READY,
} State;

struct _TernSmtpSession
{
  GObject               parent_instance;

  TernNetConnection    *connection;
  State                 state;
  gboolean              allow_insecure_auth;
  gboolean              pipelining_enabled;
  gboolean              esmtp;
  gboolean              authenticated;
  TernSmtpAuthMethod    auth_method;
  char                 *helo_name;
  char                 *greeting;
  TernSmtpCapabilities *capabilities;
};

G_DEFINE_FINAL_TYPE (TernSmtpSession, tern_smtp_session, G_TYPE_OBJECT)

/* ---- helpers ------------------------------------------------------------------------ */


static void
fail_connection (TernSmtpSession *self)
{
  tern_net_connection_close (self->connection);
  self->state = STATE_DISCONNECTED;
  self->authenticated = FALSE;
}

static gboolean
check_ready (TernSmtpSession  *self,
             GError          **error)
{
  if (self->state == STATE_READY && tern_net_connection_is_connected (self->connection))
    return TRUE;

  g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED,
               _("The connection to the SMTP server %s is closed"),
               tern_net_connection_get_host (self->connection));
  return FALSE;
}

static gboolean
flush (TernSmtpSession  *self,
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

/* Reads one complete reply. A 421 means the server is closing: the connection is closed
 * and the reply becomes %TERN_SMTP_ERROR_SERVICE_UNAVAILABLE. */
static TernSmtpReply *
read_reply (TernSmtpSession  *self,
            GCancellable     *cancellable,
            GError          **error)
{
  g_autoptr(TernSmtpReply) reply = tern_smtp_reply_new ();

  while (!tern_smtp_reply_is_complete (reply))
    {
      g_autofree char *line = NULL;
      gsize length = 0;

      line = tern_net_connection_read_line (self->connection, &length, cancellable, error);
      if (line == NULL || !tern_smtp_reply_feed_line (reply, line, length, error))
        {
          fail_connection (self);
          return NULL;
        }
    }

  if (tern_smtp_reply_get_code (reply) == 421)
    {
      tern_smtp_reply_set_error (reply, _("The SMTP server closed the connection"), error);
      fail_connection (self);
      return NULL;
    }

  return g_steal_pointer (&reply);
}

static TernSmtpReply *
command (TernSmtpSession  *self,
         const char       *line,
         GCancellable     *cancellable,
         GError          **error)
{
  tern_net_connection_queue_line (self->connection, line);
  if (!flush (self, cancellable, error))
    return NULL;

  return read_reply (self, cancellable, error);
}

static char *
default_helo_name (void)
{
  const char *host = g_get_host_name ();

  /* RFC 5321 section 4.1.4: a fully qualified domain name, when there is one. */
  if (strchr (host, '.') != NULL && host[0] != '.')
    {
      for (const char *p = host; *p != '\0'; p++)
        {
          if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
            return g_strdup ("localhost");
        }
      return g_strdup (host);
    }

  return g_strdup ("localhost");
}

/* ---- construction and settings ------------------------------------------------------ */

/**
 * tern_smtp_session_new:
 * @security: %TERN_NET_SECURITY_TLS for port 465, %TERN_NET_SECURITY_STARTTLS for 587
 *
 * The session's connection logs a redacted transcript in the log domain
 * "TernSmtp.Net" (`G_MESSAGES_DEBUG=TernSmtp.Net`): AUTH payloads show as
 * "<redacted>" and message data as its size.
 */
TernSmtpSession *
tern_smtp_session_new (const char      *host,
                       guint16          port,
                       TernNetSecurity  security)
{
  TernSmtpSession *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);

  self = g_object_new (TERN_SMTP_TYPE_SESSION, NULL);
  self->connection = tern_net_connection_new (host, port, security);
  tern_net_connection_set_transcript (self->connection, TRANSCRIPT_DOMAIN);
  tern_net_connection_set_max_line_length (self->connection, MAX_LINE);

  return self;
}

/**
 * tern_smtp_session_get_connection:
 *
 * Returns: (transfer none): the connection, to set timeouts or pin a certificate
 */
TernNetConnection *
tern_smtp_session_get_connection (TernSmtpSession *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), NULL);

  return self->connection;
}

/**
 * tern_smtp_session_set_allow_insecure_auth:
 *
 * Allows AUTH over an unencrypted connection; only for an account that explicitly
 * allows it.
 */
void
tern_smtp_session_set_allow_insecure_auth (TernSmtpSession *self,
                                           gboolean         allow)
{
  g_return_if_fail (TERN_SMTP_IS_SESSION (self));

  self->allow_insecure_auth = allow;
}

void
tern_smtp_session_set_auth_method (TernSmtpSession    *self,
                                   TernSmtpAuthMethod  method)
{
  g_return_if_fail (TERN_SMTP_IS_SESSION (self));

  self->auth_method = method;
}

/**
 * tern_smtp_session_set_helo_name:
 * @name: the name for EHLO/HELO: a domain or an address literal ("[192.0.2.1]")
 *
 * The default is the host name when it is fully qualified, else "localhost".
 */
void
tern_smtp_session_set_helo_name (TernSmtpSession *self,
                                 const char      *name)
{
  g_return_if_fail (TERN_SMTP_IS_SESSION (self));
  g_return_if_fail (name != NULL && *name != '\0');
  g_return_if_fail (strpbrk (name, " \t\r\n") == NULL);

  g_free (self->helo_name);
  self->helo_name = g_strdup (name);
}

/**
 * tern_smtp_session_set_pipelining:
 *
 * PIPELINING is used when the server announces it, unless this turns it off.
 */
void
tern_smtp_session_set_pipelining (TernSmtpSession *self,
                                  gboolean         enabled)
{
  g_return_if_fail (TERN_SMTP_IS_SESSION (self));

  self->pipelining_enabled = enabled;
}

/**
 * tern_smtp_session_get_greeting:
 *
 * Returns: (nullable): the text of the server's 220 greeting
 */
const char *
tern_smtp_session_get_greeting (TernSmtpSession *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), NULL);

  return self->greeting;
}

/**
 * tern_smtp_session_get_capabilities:
 *
 * Returns: (transfer none) (nullable): the extensions of the last EHLO (none after a
 *   HELO fallback), or %NULL before connecting
 */
TernSmtpCapabilities *
tern_smtp_session_get_capabilities (TernSmtpSession *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), NULL);

  return self->capabilities;
}

/**
 * tern_smtp_session_is_esmtp:
 *
 * Returns: whether EHLO worked (%FALSE after a fallback to HELO)
 */
gboolean
tern_smtp_session_is_esmtp (TernSmtpSession *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);

  return self->esmtp;
}

gboolean
tern_smtp_session_is_authenticated (TernSmtpSession *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);

  return self->authenticated;
}

static gboolean
has (TernSmtpSession   *self,
     TernSmtpExtension  extension)
{
  return self->capabilities != NULL && tern_smtp_capabilities_has (self->capabilities, extension);
}

/* ---- connection --------------------------------------------------------------------- */

/* EHLO, or HELO when the server does not know EHLO (RFC 5321 section 3.2). */
static gboolean
hello (TernSmtpSession  *self,
       GCancellable     *cancellable,
       GError          **error)
{
  g_autoptr(TernSmtpReply) reply = NULL;
  g_autofree char *ehlo = g_strdup_printf ("EHLO %s", self->helo_name);
  g_autofree char *helo = NULL;

  g_clear_object (&self->capabilities);

  reply = command (self, ehlo, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (tern_smtp_reply_is_positive (reply))
    {
      self->esmtp = TRUE;
      self->capabilities = tern_smtp_capabilities_new_from_reply (reply);
      return TRUE;
    }
  if (!tern_smtp_reply_is_permanent (reply))
    {
      tern_smtp_reply_set_error (reply, _("The SMTP server refused EHLO"), error);
      fail_connection (self);
      return FALSE;
    }

  g_clear_object (&reply);
  helo = g_strdup_printf ("HELO %s", self->helo_name);
  reply = command (self, helo, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!tern_smtp_reply_is_positive (reply))
    {
      tern_smtp_reply_set_error (reply, _("The SMTP server refused HELO"), error);
      fail_connection (self);
      return FALSE;
    }

  self->esmtp = FALSE;
  self->capabilities = tern_smtp_capabilities_new ();
  return TRUE;
}

static gboolean
start_tls (TernSmtpSession  *self,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(TernSmtpReply) reply = NULL;
  const char *host = tern_net_connection_get_host (self->connection);

  if (!has (self, TERN_SMTP_EXTENSION_STARTTLS))
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                   _("The SMTP server %s does not offer STARTTLS, so the connection cannot be secured"),
                   host);
      fail_connection (self);
      return FALSE;
    }

  reply = command (self, "STARTTLS", cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (tern_smtp_reply_get_code (reply) != 220)
    {
      g_autofree char *shown = tern_smtp_reply_to_string (reply);

      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                   _("The SMTP server %s refused STARTTLS, so the connection cannot be secured: %s"),
                   host, shown);
      fail_connection (self);
      return FALSE;
    }

  if (!tern_net_connection_start_tls (self->connection, cancellable, error))
    {
      fail_connection (self);
      return FALSE;
    }

  /* RFC 3207 section 4.2: forget everything learnt before TLS and greet again. */
  return hello (self, cancellable, error);
}

/**
 * tern_smtp_session_connect:
 *
 * Connects, reads the greeting, says EHLO (HELO when the server does not know EHLO) and,
 * for %TERN_NET_SECURITY_STARTTLS, secures the connection and says EHLO again.
 *
 * Errors: %TERN_NET_ERROR_CERTIFICATE_UNTRUSTED (with the certificate),
 * %TERN_NET_ERROR_STARTTLS_UNAVAILABLE, a %TERN_SMTP_ERROR for a refusal, I/O errors.
 */
gboolean
tern_smtp_session_connect (TernSmtpSession  *self,
                           GCancellable     *cancellable,
                           GError          **error)
{
  g_autoptr(TernSmtpReply) greeting = NULL;

  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (self->state == STATE_DISCONNECTED, FALSE);

  g_clear_pointer (&self->greeting, g_free);
  g_clear_object (&self->capabilities);
  self->esmtp = FALSE;
  self->authenticated = FALSE;

  if (!tern_net_connection_connect (self->connection, cancellable, error))
    return FALSE;
  self->state = STATE_READY;

  greeting = read_reply (self, cancellable, error);
  if (greeting == NULL)
    return FALSE;
  if (tern_smtp_reply_get_code (greeting) != 220)
    {
      tern_smtp_reply_set_error (greeting, _("The SMTP server refused the connection"), error);
      fail_connection (self);
      return FALSE;
    }
  self->greeting = tern_smtp_reply_dup_text (greeting);

  if (!hello (self, cancellable, error))
    return FALSE;

  if (tern_net_connection_get_security (self->connection) == TERN_NET_SECURITY_STARTTLS &&
      !start_tls (self, cancellable, error))
    return FALSE;

  return TRUE;
}

/* ---- authentication ----------------------------------------------------------------- */

/* The end of a SASL exchange: 235 is success; a further 334 challenge is cancelled. */
static gboolean
auth_outcome (TernSmtpSession  *self,
              TernSmtpReply    *reply,
              GCancellable     *cancellable,
              GError          **error)
{
  if (tern_smtp_reply_get_code (reply) == 235)
    return TRUE;

  if (tern_smtp_reply_get_code (reply) == 334)
    {
      g_autoptr(TernSmtpReply) cancelled = NULL;

      /* RFC 4954 section 4: "*" cancels the exchange. */
      cancelled = command (self, "*", cancellable, error);
      if (cancelled == NULL)
        return FALSE;
      g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_FAILED,
                   _("Login failed: the SMTP server asked for more than a user name and password"));
      return FALSE;
    }

  /* 535 or 5.7.8 is a refused password; 534, 538, 454... keep their own meaning. */
  tern_smtp_reply_set_error (reply, _("Login failed"), error);
  return FALSE;
}

static gboolean
login_plain (TernSmtpSession  *self,
             const char       *username,
             const char       *password,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(TernNetSecret) encoded = tern_net_sasl_plain (username, password);
  g_autoptr(TernNetSecret) line = tern_net_secret_printf ("AUTH PLAIN %s", encoded);
  g_autoptr(TernSmtpReply) reply = NULL;

  tern_net_connection_queue_secret_line (self->connection, line, strlen ("AUTH PLAIN "));
  if (!flush (self, cancellable, error))
    return FALSE;
  reply = read_reply (self, cancellable, error);
  if (reply == NULL)
    return FALSE;

  return auth_outcome (self, reply, cancellable, error);
}

static gboolean
login_login (TernSmtpSession  *self,
             const char       *username,
             const char       *password,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(TernNetSecret) user64 = g_base64_encode ((const guchar *) username, strlen (username));
  g_autoptr(TernNetSecret) pass64 = g_base64_encode ((const guchar *) password, strlen (password));
  const char *steps[] = { user64, pass64 };
  g_autoptr(TernSmtpReply) reply = NULL;

  reply = command (self, "AUTH LOGIN", cancellable, error);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      if (reply == NULL)
        return FALSE;
      if (tern_smtp_reply_get_code (reply) != 334)
        return auth_outcome (self, reply, cancellable, error);

      g_clear_object (&reply);
      tern_net_connection_queue_secret_line (self->connection, steps[i], 0);
      if (!flush (self, cancellable, error))
        return FALSE;
      reply = read_reply (self, cancellable, error);
    }
  if (reply == NULL)
    return FALSE;

  return auth_outcome (self, reply, cancellable, error);
}

static gboolean
has_line_break (const char *s)
{
  return strpbrk (s, "\r\n") != NULL;
}

/**
 * tern_smtp_session_login:
 *
 * Authenticates with AUTH (RFC 4954). Over an unencrypted connection this fails with
 * %TERN_NET_ERROR_INSECURE unless insecure logins were allowed. A refused password is
 * %TERN_SMTP_ERROR_AUTHENTICATION_FAILED.
 */
gboolean
tern_smtp_session_login (TernSmtpSession  *self,
                         const char       *username,
                         const char       *password,
                         GCancellable     *cancellable,
                         GError          **error)
{
  const char *host;
  TernSmtpAuthMethod method = self->auth_method;
  gboolean ok;

  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (username != NULL, FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  if (!check_ready (self, error))
    return FALSE;
  host = tern_net_connection_get_host (self->connection);

  if (!tern_net_connection_is_encrypted (self->connection) && !self->allow_insecure_auth)
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_INSECURE,
                   _("Tern will not send the password for %s over an unencrypted connection"), host);
      return FALSE;
    }

  if (has_line_break (username) || has_line_break (password))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A user name or password cannot contain a line break"));
      return FALSE;
    }

  if (!has (self, TERN_SMTP_EXTENSION_AUTH))
    {
      g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED,
                   _("The SMTP server %s does not offer authentication"), host);
      return FALSE;
    }

  if (method == TERN_SMTP_AUTH_AUTO)
    {
      if (tern_smtp_capabilities_has_auth (self->capabilities, "PLAIN"))
        method = TERN_SMTP_AUTH_PLAIN;
      else if (tern_smtp_capabilities_has_auth (self->capabilities, "LOGIN"))
        method = TERN_SMTP_AUTH_LOGIN;
    }
  if ((method == TERN_SMTP_AUTH_PLAIN && !tern_smtp_capabilities_has_auth (self->capabilities, "PLAIN")) ||
      (method == TERN_SMTP_AUTH_LOGIN && !tern_smtp_capabilities_has_auth (self->capabilities, "LOGIN")) ||
      method == TERN_SMTP_AUTH_AUTO)
    {
      g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED,
                   _("The SMTP server %s offers no login method Tern supports"), host);
      return FALSE;
    }

  if (method == TERN_SMTP_AUTH_PLAIN)
    ok = login_plain (self, username, password, cancellable, error);
  else
    ok = login_login (self, username, password, cancellable, error);

  self->authenticated = ok;
  return ok;
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
  TernSmtpSession *self = source_object;
  ConnectData *data = task_data;
  GError *error = NULL;

  if (!tern_smtp_session_connect (self, cancellable, &error) ||
      (data->username != NULL &&
       !tern_smtp_session_login (self, data->username, data->password, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * tern_smtp_session_connect_async:
 * @username: (nullable): log in as this user after connecting, or %NULL
 * @password: (nullable): the password
 *
 * Runs tern_smtp_session_connect() and tern_smtp_session_login() on a worker thread.
 * The session must not be used until @callback runs.
 */
void
tern_smtp_session_connect_async (TernSmtpSession     *self,
                                 const char          *username,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ConnectData *data;

  g_return_if_fail (TERN_SMTP_IS_SESSION (self));
  g_return_if_fail (username == NULL || password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_smtp_session_connect_async);

  data = g_new0 (ConnectData, 1);
  data->username = g_strdup (username);
  data->password = g_strdup (password);
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  g_task_run_in_thread (task, connect_thread);
}

gboolean
tern_smtp_session_connect_finish (TernSmtpSession  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_smtp_session_connect_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- sending ------------------------------------------------------------------------ */

/* Dot-stuffing (RFC 5321 section 4.5.2) and line ends made CRLF, over a stream of
 * chunks: a bare LF or a bare CR becomes CRLF (RFC 5321 section 2.3.8). */
typedef struct
{
  gboolean line_start;
  gboolean pending_cr;
} Stuffer;

static void
stuff (Stuffer      *st,
       const guint8 *in,
       gsize         length,
       GByteArray   *out)
{
  gsize i = 0;

  while (i < length)
    {
      guint8 c = in[i];
      gsize j;

      if (st->pending_cr)
        {
          st->pending_cr = FALSE;
          g_byte_array_append (out, (const guint8 *) "\r\n", 2);
          st->line_start = TRUE;
          if (c == '\n')
            {
              i++;
              continue;
            }
        }

      if (c == '\r')
        {
          st->pending_cr = TRUE;
          i++;
          continue;
        }
      if (c == '\n')
        {
          g_byte_array_append (out, (const guint8 *) "\r\n", 2);
          st->line_start = TRUE;
          i++;
          continue;
        }

      if (st->line_start && c == '.')
        g_byte_array_append (out, (const guint8 *) ".", 1);
      st->line_start = FALSE;

      for (j = i; j < length && in[j] != '\r' && in[j] != '\n'; j++)
        ;
      g_byte_array_append (out, in + i, j - i);
      i = j;
    }
}

/* Ends the data: the last line gets its CRLF, then the "." line. */
static void
stuff_finish (Stuffer    *st,
              GByteArray *out)
{
  if (st->pending_cr || !st->line_start)
    g_byte_array_append (out, (const guint8 *) "\r\n", 2);
  g_byte_array_append (out, (const guint8 *) ".\r\n", 3);
}

/**
 * tern_smtp_scan_message:
 * @wire_size: (out) (optional): the size with CRLF line ends, as RFC 1870 counts it
 *
 * Looks at a whole message to decide how to send it.
 *
 * Returns: %TERN_SMTP_SEND_FLAGS_8BIT when it has bytes above 127, with
 *   %TERN_SMTP_SEND_FLAGS_UTF8_HEADERS when some are in the header
 */
TernSmtpSendFlags
tern_smtp_scan_message (const guint8 *data,
                        gsize         length,
                        goffset      *wire_size)
{
  TernSmtpSendFlags flags = TERN_SMTP_SEND_FLAGS_NONE;
  gboolean in_header = TRUE;
  gboolean line_empty = TRUE;
  goffset size = 0;

  for (gsize i = 0; i < length; i++)
    {
      guint8 c = data[i];

      if (c == '\r' || c == '\n')
        {
          /* CRLF, a bare CR and a bare LF each count as one line end of 2 octets. */
          if (c == '\r' && i + 1 < length && data[i + 1] == '\n')
            i++;
          size += 2;
          if (line_empty)
            in_header = FALSE;
          line_empty = TRUE;
          continue;
        }

      size++;
      line_empty = FALSE;
      if (c >= 0x80)
        {
          flags |= TERN_SMTP_SEND_FLAGS_8BIT;
          if (in_header)
            flags |= TERN_SMTP_SEND_FLAGS_UTF8_HEADERS;
        }
    }

  if (!line_empty)
    size += 2;
  if (wire_size != NULL)
    *wire_size = size;
  return flags;
}

static gboolean
is_ascii (const char *s)
{
  for (; *s != '\0'; s++)
    {
      if ((guchar) *s >= 0x80)
        return FALSE;
    }
  return TRUE;
}

/* An internationalized domain with an ASCII local part needs no SMTPUTF8: its A-label
 * form (RFC 5890) says the same to any server. Other addresses stay as they are. */
static char *
envelope_address (const char *address)
{
  const char *at = strrchr (address, '@');
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;

  if (at == NULL || is_ascii (at + 1))
    return g_strdup (address);

  local = g_strndup (address, at - address);
  if (!is_ascii (local))
    return g_strdup (address);

  domain = g_hostname_to_ascii (at + 1);
  if (domain == NULL)
    return g_strdup (address);

  return g_strconcat (local, "@", domain, NULL);
}

/* An envelope address goes inside <>: no controls, no angle brackets, valid UTF-8. */
static gboolean
check_address (const char  *address,
               gboolean     allow_empty,
               GError     **error)
{
  gboolean ok = (allow_empty || *address != '\0') && strlen (address) <= 1024 &&
                g_utf8_validate (address, -1, NULL);

  for (const char *p = address; ok && *p != '\0'; p++)
    {
      guchar c = *p;

      if (c < 0x20 || c == 0x7f || c == '<' || c == '>')
        ok = FALSE;
    }

  if (!ok)
    {
      g_autofree char *shown = tern_smtp_sanitize_text (address);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid email address"), shown);
    }

  return ok;
}

/* After a refused transaction: RSET, so that the next message starts clean. A refused
 * RSET is ignored; an I/O error has already closed the connection. */
static void
reset_quietly (TernSmtpSession *self,
               GCancellable    *cancellable)
{
  g_autoptr(TernSmtpReply) reply = NULL;

  if (self->state == STATE_READY)
    reply = command (self, "RSET", cancellable, NULL);
}

/* Sends the message data after a 354, and reads the final reply. */
static TernSmtpReply *
send_data (TernSmtpSession  *self,
           GInputStream     *message,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(GByteArray) out = g_byte_array_sized_new (CHUNK_SIZE + CHUNK_SIZE / 8);
  g_autofree guint8 *in = g_malloc (CHUNK_SIZE);
  Stuffer st = { TRUE, FALSE };
  TernSmtpReply *reply;
  guint io_timeout;

  for (;;)
    {
      gssize n = g_input_stream_read (message, in, CHUNK_SIZE, cancellable, error);

      if (n < 0)
        {
          /* The server waits for data that will not come: the session is lost. */
          fail_connection (self);
          return NULL;
        }
      if (n == 0)
        break;

      stuff (&st, in, n, out);
      if (out->len >= CHUNK_SIZE)
        {
          tern_net_connection_queue (self->connection, out->data, out->len);
          g_byte_array_set_size (out, 0);
          if (!flush (self, cancellable, error))
            return NULL;
        }
    }

  stuff_finish (&st, out);
  tern_net_connection_queue (self->connection, out->data, out->len);
  if (!flush (self, cancellable, error))
    return NULL;

  /* RFC 5321 section 4.5.3.2.6: the server may take 10 minutes to accept the data
   * (content filters); the usual I/O timeout is shorter. */
  io_timeout = tern_net_connection_get_io_timeout (self->connection);
  if (io_timeout != 0 && io_timeout < DATA_END_TIMEOUT)
    tern_net_connection_set_io_timeout (self->connection, DATA_END_TIMEOUT);
  reply = read_reply (self, cancellable, error);
  tern_net_connection_set_io_timeout (self->connection, io_timeout);

  return reply;
}

static void
set_recipients_rejected_error (TernSmtpSendResult  *result,
                               GError             **error)
{
  g_autofree char *details = tern_smtp_send_result_describe_rejections (result);
  TernSmtpReply *first = tern_smtp_send_result_get_rejected_reply (result, 0);
  g_autofree char *text = tern_smtp_reply_dup_text (first);

  g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_RECIPIENTS_REJECTED,
               _("The SMTP server refused every recipient:\n%s"), details);
  tern_smtp_error_set_server_reply (*error, tern_smtp_reply_get_code (first),
                                    tern_smtp_reply_get_enhanced_code (first), text);
}

/**
 * tern_smtp_session_send_message:
 * @from: the envelope sender ("" for the null reverse-path)
 * @recipients: (array zero-terminated=1): the envelope recipients, at least one
 * @message: the message (RFC 5322), with any line ends: it is sent with CRLF and
 *   dot-stuffed as it is read
 * @size: the message size in octets with CRLF line ends, or -1 when unknown
 * @flags: what the message holds (see tern_smtp_scan_message())
 *
 * Sends one message. Before anything goes out it checks @size against the server's SIZE
 * (%TERN_SMTP_ERROR_MESSAGE_TOO_LARGE), addresses with a non-ASCII local part against
 * SMTPUTF8 and 8-bit data against 8BITMIME (%TERN_SMTP_ERROR_NOT_SUPPORTED). A
 * non-ASCII domain after an ASCII local part goes out in its A-label (xn--) form.
 *
 * A recipient the server refuses does not stop the message: it goes to the others, and
 * the result lists the refused ones with the server's reply. When every recipient is
 * refused the send fails with %TERN_SMTP_ERROR_RECIPIENTS_REJECTED. After a failed
 * transaction the session sends RSET and can send the next message.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
TernSmtpSendResult *
tern_smtp_session_send_message (TernSmtpSession     *self,
                                const char          *from,
                                const char * const  *recipients,
                                GInputStream        *message,
                                goffset              size,
                                TernSmtpSendFlags    flags,
                                GCancellable        *cancellable,
                                GError             **error)
{
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(TernSmtpReply) mail_reply = NULL;
  g_autoptr(TernSmtpReply) data_reply = NULL;
  g_autoptr(TernSmtpReply) final_reply = NULL;
  g_autoptr(GPtrArray) rcpt_replies = NULL;
  g_autoptr(GString) mail = NULL;
  g_autoptr(GPtrArray) envelope_to = NULL;
  g_autofree char *envelope_from = NULL;
  const char *host;
  gboolean needs_utf8;
  gboolean use_utf8;
  gboolean eight_bit;
  gboolean pipelined;
  guint n_recipients;

  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), NULL);
  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (recipients != NULL, NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (message), NULL);

  if (!check_ready (self, error))
    return NULL;
  host = tern_net_connection_get_host (self->connection);

  n_recipients = g_strv_length ((char **) recipients);
  if (n_recipients == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("A message needs at least one recipient"));
      return NULL;
    }

  if (!check_address (from, TRUE, error))
    return NULL;
  envelope_from = envelope_address (from);
  needs_utf8 = !is_ascii (envelope_from);
  envelope_to = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_recipients; i++)
    {
      char *address;

      if (!check_address (recipients[i], FALSE, error))
        return NULL;
      address = envelope_address (recipients[i]);
      needs_utf8 |= !is_ascii (address);
      g_ptr_array_add (envelope_to, address);
    }

  /* RFC 6531: an internationalized address needs SMTPUTF8. */
  if (needs_utf8 && !has (self, TERN_SMTP_EXTENSION_SMTPUTF8))
    {
      g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED,
                   _("The message has an address with non-ASCII characters, but the SMTP server %s "
                     "does not support internationalized addresses (SMTPUTF8)"), host);
      return NULL;
    }
  use_utf8 = needs_utf8 ||
             ((flags & TERN_SMTP_SEND_FLAGS_UTF8_HEADERS) && has (self, TERN_SMTP_EXTENSION_SMTPUTF8));

  /* RFC 6152: 8-bit data only to a server that announced 8BITMIME. */
  eight_bit = (flags & (TERN_SMTP_SEND_FLAGS_8BIT | TERN_SMTP_SEND_FLAGS_UTF8_HEADERS)) != 0;
  if (eight_bit && !has (self, TERN_SMTP_EXTENSION_8BITMIME) && !use_utf8)
    {
      g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED,
                   _("The message has 8-bit data, but the SMTP server %s does not accept it (8BITMIME); "
                     "it must be encoded for 7-bit transport first"), host);
      return NULL;
    }

  /* RFC 1870: a message larger than SIZE fails now, before anything is sent. */
  if (size >= 0 && has (self, TERN_SMTP_EXTENSION_SIZE) &&
      tern_smtp_capabilities_get_size_limit (self->capabilities) > 0 &&
      (guint64) size > tern_smtp_capabilities_get_size_limit (self->capabilities))
    {
      g_autofree char *size_text = g_format_size ((guint64) size);
      g_autofree char *limit_text = g_format_size (tern_smtp_capabilities_get_size_limit (self->capabilities));

      g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_MESSAGE_TOO_LARGE,
                   _("The message is too large for the SMTP server %s: %s, and the server accepts at most %s"),
                   host, size_text, limit_text);
      return NULL;
    }

  mail = g_string_new (NULL);
  g_string_append_printf (mail, "MAIL FROM:<%s>", envelope_from);
  if (size >= 0 && has (self, TERN_SMTP_EXTENSION_SIZE))
    g_string_append_printf (mail, " SIZE=%" G_GINT64_FORMAT, (gint64) size);
  if (eight_bit && has (self, TERN_SMTP_EXTENSION_8BITMIME))
    g_string_append (mail, " BODY=8BITMIME");
  if (use_utf8)
    g_string_append (mail, " SMTPUTF8");

  result = _tern_smtp_send_result_new ();
  rcpt_replies = g_ptr_array_new_with_free_func (g_object_unref);
  pipelined = self->pipelining_enabled && has (self, TERN_SMTP_EXTENSION_PIPELINING);

  if (pipelined)
    {
      /* RFC 2920: MAIL, every RCPT and DATA in one write; the replies come in order. */
      tern_net_connection_queue_line (self->connection, mail->str);
      for (guint i = 0; i < n_recipients; i++)
        {
          g_autofree char *rcpt = g_strdup_printf ("RCPT TO:<%s>", (char *) g_ptr_array_index (envelope_to, i));

          tern_net_connection_queue_line (self->connection, rcpt);
        }
      tern_net_connection_queue_line (self->connection, "DATA");
      if (!flush (self, cancellable, error))
        return NULL;

      mail_reply = read_reply (self, cancellable, error);
      if (mail_reply == NULL)
        return NULL;
      for (guint i = 0; i < n_recipients; i++)
        {
          TernSmtpReply *reply = read_reply (self, cancellable, error);

          if (reply == NULL)
            return NULL;
          g_ptr_array_add (rcpt_replies, reply);
        }
      data_reply = read_reply (self, cancellable, error);
      if (data_reply == NULL)
        return NULL;
    }
  else
    {
      mail_reply = command (self, mail->str, cancellable, error);
      if (mail_reply == NULL)
        return NULL;
      for (guint i = 0; i < n_recipients && tern_smtp_reply_is_positive (mail_reply); i++)
        {
          g_autofree char *rcpt = g_strdup_printf ("RCPT TO:<%s>", (char *) g_ptr_array_index (envelope_to, i));
          TernSmtpReply *reply = command (self, rcpt, cancellable, error);

          if (reply == NULL)
            return NULL;
          g_ptr_array_add (rcpt_replies, reply);
        }
    }

  for (guint i = 0; i < rcpt_replies->len; i++)
    {
      TernSmtpReply *reply = g_ptr_array_index (rcpt_replies, i);

      if (tern_smtp_reply_is_positive (reply))
        _tern_smtp_send_result_add_accepted (result, recipients[i]);
      else
        _tern_smtp_send_result_add_rejected (result, recipients[i], reply);
    }

  if (!pipelined && tern_smtp_reply_is_positive (mail_reply) &&
      tern_smtp_send_result_get_n_accepted (result) > 0)
    {
      data_reply = command (self, "DATA", cancellable, error);
      if (data_reply == NULL)
        return NULL;
    }

  /* The transaction failed before the data: make sure no DATA is open, then RSET when
   * MAIL had opened a transaction. */
  if (!tern_smtp_reply_is_positive (mail_reply) || tern_smtp_send_result_get_n_accepted (result) == 0)
    {
      if (data_reply != NULL && tern_smtp_reply_get_code (data_reply) == 354)
        {
          /* An old server accepted DATA with no recipient (RFC 2920 section 3.1): end it
           * with an empty message, which it must refuse. */
          g_autoptr(TernSmtpReply) empty = NULL;

          tern_net_connection_queue_line (self->connection, ".");
          if (!flush (self, cancellable, error))
            return NULL;
          empty = read_reply (self, cancellable, error);
          if (empty == NULL)
            return NULL;
        }
      if (tern_smtp_reply_is_positive (mail_reply))
        reset_quietly (self, cancellable);

      if (!tern_smtp_reply_is_positive (mail_reply))
        {
          TernSmtpError code = tern_smtp_reply_get_error_code (mail_reply);

          if (code == TERN_SMTP_ERROR_PERMANENT)
            code = TERN_SMTP_ERROR_SENDER_REJECTED;
          tern_smtp_reply_set_error_full (mail_reply, code, _("The SMTP server refused the sender"), error);
        }
      else
        set_recipients_rejected_error (result, error);
      return NULL;
    }

  if (tern_smtp_reply_get_code (data_reply) != 354)
    {
      tern_smtp_reply_set_error (data_reply, _("The SMTP server refused the message"), error);
      if (tern_smtp_reply_is_transient (data_reply) || tern_smtp_reply_is_permanent (data_reply))
        reset_quietly (self, cancellable);
      else
        fail_connection (self);
      return NULL;
    }

  final_reply = send_data (self, message, cancellable, error);
  if (final_reply == NULL)
    return NULL;
  if (!tern_smtp_reply_is_positive (final_reply))
    {
      /* RFC 5321 section 4.1.1.4: the transaction is over either way. */
      tern_smtp_reply_set_error (final_reply, _("The SMTP server refused the message"), error);
      return NULL;
    }

  _tern_smtp_send_result_set_reply (result, final_reply);
  return g_steal_pointer (&result);
}

/**
 * tern_smtp_session_send_bytes:
 * @recipients: (array zero-terminated=1): the envelope recipients
 *
 * Like tern_smtp_session_send_message() for a message in memory: its size and flags
 * come from tern_smtp_scan_message().
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
TernSmtpSendResult *
tern_smtp_session_send_bytes (TernSmtpSession     *self,
                              const char          *from,
                              const char * const  *recipients,
                              GBytes              *message,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(GInputStream) stream = NULL;
  TernSmtpSendFlags flags;
  goffset size = 0;
  gsize length = 0;
  const guint8 *data;

  g_return_val_if_fail (message != NULL, NULL);

  data = g_bytes_get_data (message, &length);
  flags = tern_smtp_scan_message (data, length, &size);
  stream = g_memory_input_stream_new_from_bytes (message);

  return tern_smtp_session_send_message (self, from, recipients, stream, size, flags, cancellable, error);
}

typedef struct
{
  char    *from;
  GStrv    recipients;
  GBytes  *message;
} SendData;

static void
send_data_free (SendData *data)
{
  g_free (data->from);
  g_strfreev (data->recipients);
  g_bytes_unref (data->message);
  g_free (data);
}

static void
send_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SendData *data = task_data;
  GError *error = NULL;
  TernSmtpSendResult *result;

  result = tern_smtp_session_send_bytes (source_object, data->from, (const char * const *) data->recipients,
                                         data->message, cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

/**
 * tern_smtp_session_send_async:
 * @recipients: (array zero-terminated=1): the envelope recipients
 *
 * Runs tern_smtp_session_send_bytes() on a worker thread. Calls on one session must
 * not overlap: send the next message from @callback.
 */
void
tern_smtp_session_send_async (TernSmtpSession     *self,
                              const char          *from,
                              const char * const  *recipients,
                              GBytes              *message,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendData *data;

  g_return_if_fail (TERN_SMTP_IS_SESSION (self));
  g_return_if_fail (from != NULL);
  g_return_if_fail (recipients != NULL);
  g_return_if_fail (message != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tern_smtp_session_send_async);

  data = g_new0 (SendData, 1);
  data->from = g_strdup (from);
  data->recipients = g_strdupv ((char **) recipients);
  data->message = g_bytes_ref (message);
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  g_task_run_in_thread (task, send_thread);
}

/**
 * tern_smtp_session_send_finish:
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
TernSmtpSendResult *
tern_smtp_session_send_finish (TernSmtpSession  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tern_smtp_session_send_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- other commands ----------------------------------------------------------------- */

static gboolean
simple (TernSmtpSession  *self,
        const char       *line,
        const char       *what,
        GCancellable     *cancellable,
        GError          **error)
{
  g_autoptr(TernSmtpReply) reply = NULL;

  if (!check_ready (self, error))
    return FALSE;

  reply = command (self, line, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!tern_smtp_reply_is_positive (reply))
    {
      tern_smtp_reply_set_error (reply, what, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * tern_smtp_session_rset:
 *
 * Aborts the current transaction (RFC 5321 section 4.1.1.5).
 */
gboolean
tern_smtp_session_rset (TernSmtpSession  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);

  return simple (self, "RSET", _("RSET failed"), cancellable, error);
}

gboolean
tern_smtp_session_noop (TernSmtpSession  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);

  return simple (self, "NOOP", _("NOOP failed"), cancellable, error);
}

/**
 * tern_smtp_session_quit:
 *
 * Says QUIT and closes the connection (also when the server does not answer 221).
 */
gboolean
tern_smtp_session_quit (TernSmtpSession  *self,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(TernSmtpReply) reply = NULL;

  g_return_val_if_fail (TERN_SMTP_IS_SESSION (self), FALSE);

  if (!check_ready (self, error))
    return FALSE;

  reply = command (self, "QUIT", cancellable, error);
  fail_connection (self);
  if (reply == NULL)
    return FALSE;
  if (tern_smtp_reply_get_code (reply) != 221)
    {
      tern_smtp_reply_set_error (reply, _("QUIT failed"), error);
      return FALSE;
    }

  return TRUE;
}

/**
 * tern_smtp_session_close:
 *
 * Drops the connection without QUIT.
 */
void
tern_smtp_session_close (TernSmtpSession *self)
{
  g_return_if_fail (TERN_SMTP_IS_SESSION (self));

  fail_connection (self);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
tern_smtp_session_finalize (GObject *object)
{
  TernSmtpSession *self = TERN_SMTP_SESSION (object);

  g_clear_object (&self->connection);
  g_clear_object (&self->capabilities);
  g_clear_pointer (&self->helo_name, g_free);
  g_clear_pointer (&self->greeting, g_free);

  G_OBJECT_CLASS (tern_smtp_session_parent_class)->finalize (object);
}

static void
tern_smtp_session_class_init (TernSmtpSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_smtp_session_finalize;
}

static void
tern_smtp_session_init (TernSmtpSession *self)
{
  self->pipelining_enabled = TRUE;
  self->auth_method = TERN_SMTP_AUTH_AUTO;
  self->helo_name = default_helo_name ();
}
