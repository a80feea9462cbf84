/* tern-pop3-session.c: connection, capabilities, STLS, the transaction commands
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
#include "tern-pop3-session-private.h"

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

G_DEFINE_FINAL_TYPE (TernPop3Session, tern_pop3_session, G_TYPE_OBJECT)

/* ---- helpers ------------------------------------------------------------------------ */


void
_tern_pop3_session_fail_connection (TernPop3Session *self)
{
  tern_net_connection_close (self->connection);
  self->state = STATE_DISCONNECTED;
  g_clear_object (&self->capabilities);
}

gboolean
_tern_pop3_session_check_connected (TernPop3Session  *self,
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
  if (!_tern_pop3_session_check_connected (self, error))
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
gboolean
_tern_pop3_session_flush (TernPop3Session  *self,
       GCancellable     *cancellable,
       GError          **error)
{
  if (!tern_net_connection_flush (self->connection, cancellable, error))
    {
      _tern_pop3_session_fail_connection (self);
      return FALSE;
    }

  return TRUE;
}

/* Reads the status line of a reply. */
TernPop3Reply *
_tern_pop3_session_read_status (TernPop3Session     *self,
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
      _tern_pop3_session_fail_connection (self);
      return NULL;
    }

  if (tern_pop3_reply_feed_line (reply, line, length, NULL, NULL, error) == TERN_POP3_REPLY_LINE_ERROR)
    {
      _tern_pop3_session_fail_connection (self);
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
          _tern_pop3_session_fail_connection (self);
          return FALSE;
        }

      kind = tern_pop3_reply_feed_line (reply, line, length, &data, &data_length, error);
      if (kind == TERN_POP3_REPLY_LINE_ERROR)
        {
          _tern_pop3_session_fail_connection (self);
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
          _tern_pop3_session_fail_connection (self);
          return FALSE;
        }

      if (func_error == NULL && !func (data, data_length, user_data, &func_error))
        {
          if (!drain)
            {
              _tern_pop3_session_fail_connection (self);
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

  if (!_tern_pop3_session_check_connected (self, error))
    return NULL;

  tern_net_connection_queue_line (self->connection, command);
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return NULL;

  reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
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
gboolean
_tern_pop3_session_refresh_capabilities (TernPop3Session  *self,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autoptr(TernPop3Reply) reply = NULL;
  g_autoptr(TernPop3Capabilities) capabilities = NULL;

  g_clear_object (&self->capabilities);

  tern_net_connection_queue_line (self->connection, "CAPA");
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return FALSE;

  reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
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
      _tern_pop3_session_fail_connection (self);
      return FALSE;
    }

  tern_net_connection_queue_line (self->connection, "STLS");
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return FALSE;
  reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
  if (reply == NULL)
    return FALSE;
  if (!tern_pop3_reply_is_ok (reply))
    {
      g_autofree char *text = tern_pop3_sanitize_text (tern_pop3_reply_get_text (reply));

      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
                   _("The POP3 server %s refused STLS, so the connection cannot be secured: %s"),
                   host, text);
      _tern_pop3_session_fail_connection (self);
      return FALSE;
    }

  if (!tern_net_connection_start_tls (self->connection, cancellable, error))
    {
      _tern_pop3_session_fail_connection (self);
      return FALSE;
    }

  /* RFC 2595 section 4: forget what was announced before TLS. */
  return _tern_pop3_session_refresh_capabilities (self, cancellable, error);
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

  greeting = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
  if (greeting == NULL)
    return FALSE;
  if (!tern_pop3_reply_is_ok (greeting))
    {
      tern_pop3_reply_set_error (greeting, TERN_POP3_ERROR_ERR, _("The POP3 server refused the connection"),
                                 error);
      _tern_pop3_session_fail_connection (self);
      return FALSE;
    }
  self->greeting = g_strdup (tern_pop3_reply_get_text (greeting));
  self->apop_timestamp = tern_pop3_reply_dup_apop_timestamp (greeting);

  if (!_tern_pop3_session_refresh_capabilities (self, cancellable, error))
    return FALSE;

  if (tern_net_connection_get_security (self->connection) == TERN_NET_SECURITY_STARTTLS &&
      !start_tls (self, cancellable, error))
    return FALSE;

  return TRUE;
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
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return FALSE;
  reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
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
  if (!_tern_pop3_session_flush (self, cancellable, error))
    return FALSE;
  reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
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
      if (!_tern_pop3_session_flush (self, cancellable, error))
        return FALSE;
      if (done == sent)
        break;

      msgno = msgnos[done++];
      reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_MULTILINE, cancellable, error);
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
            _tern_pop3_session_fail_connection (self);
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
      if (!_tern_pop3_session_flush (self, cancellable, error))
        return FALSE;

      msgno = msgnos[done++];
      reply = _tern_pop3_session_read_status (self, TERN_POP3_REPLY_FLAGS_NONE, cancellable, error);
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

  if (!_tern_pop3_session_check_connected (self, error))
    return FALSE;

  reply = simple_command (self, "QUIT", TERN_POP3_ERROR_ERR,
                          self->state == STATE_TRANSACTION ? _("The POP3 server could not delete the messages")
                                                           : _("QUIT failed"),
                          cancellable, error);
  _tern_pop3_session_fail_connection (self);
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

  _tern_pop3_session_fail_connection (self);
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
