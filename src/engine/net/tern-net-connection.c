/* tern-net-connection.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <glib/gi18n-lib.h>

#include "tern-net-connection.h"
#include "tern-net-connection-private.h"
#include "tern-net-error.h"
#include "tern-net-tls.h"

/*
 * TernNetConnection is the transport under the IMAP, POP3 and SMTP clients: a TCP
 * connection, TLS from the start or after STARTTLS, a bounded line reader, exact reads
 * for literals and message bodies, and a write buffer that goes out in one write per
 * batch (with TCP_NODELAY, so pipelined commands never stall on small writes).
 *
 * It is synchronous by design: a protocol worker thread drives it, and every call takes
 * the operation's GCancellable; the socket has connect and I/O timeouts. The protocol
 * layers give their async API on top (GTask in a thread).
 *
 * Security: certificates are validated by GIO's TLS backend. A certificate that does not
 * validate is accepted only when it is exactly the pinned one (SHA-256 of its DER form);
 * otherwise the error carries the certificate so the user can decide to pin it. Trust
 * is decided again after every handshake, resumed TLS sessions included, and a pinned
 * connection never shares its TLS sessions (see handshake()).
 */

#define INITIAL_BUFFER_SIZE (64 * 1024)
#define WBUF_KEEP           (1024 * 1024)

struct _TernNetConnection
{
  GObject               parent_instance;

  char                 *host;
  guint16               port;
  TernNetSecurity       security;
  guint                 connect_timeout;
  guint                 io_timeout;
  gsize                 max_line;
  char                 *pin_sha256;          /* lower-case hex, or NULL */
  char                 *transcript_domain;   /* NULL: no transcript */

  GSocketConnectable   *address;
  GSocketConnection    *socket_connection;
  GTlsConnection       *tls_connection;
  GIOStream            *stream;              /* the one of the two above we talk through */
  GInputStream         *input;
  GOutputStream        *output;

  GTlsCertificate      *rejected_certificate;
  GTlsCertificateFlags  rejected_errors;

  guint8               *rbuf;
  gsize                 rstart;
  gsize                 rend;
  gsize                 rcap;

  /* The write buffer. It may hold a password or an AUTH payload
   * (tern_net_connection_queue_secret_line()): wsecret then says so, and every byte of
   * it is wiped before the memory is reused, moved or freed. */
  guint8               *wbuf;
  gsize                 wlen;
  gsize                 wcap;
  gboolean              wsecret;
};

G_DEFINE_FINAL_TYPE (TernNetConnection, tern_net_connection, G_TYPE_OBJECT)

const char *
tern_net_security_to_string (TernNetSecurity security)
{
  switch (security)
    {
    case TERN_NET_SECURITY_TLS:
      return "tls";
    case TERN_NET_SECURITY_STARTTLS:
      return "starttls";
    case TERN_NET_SECURITY_NONE:
      return "none";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tern_net_security_from_string (const char      *str,
                               TernNetSecurity *security)
{
  static const struct { const char *name; TernNetSecurity value; } names[] = {
    { "tls", TERN_NET_SECURITY_TLS },
    { "ssl", TERN_NET_SECURITY_TLS },
    { "starttls", TERN_NET_SECURITY_STARTTLS },
    { "none", TERN_NET_SECURITY_NONE },
    { "plain", TERN_NET_SECURITY_NONE },
  };

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (str, names[i].name) == 0)
        {
          *security = names[i].value;
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
transcript_enabled (TernNetConnection *self)
{
  return self->transcript_domain != NULL &&
         !g_log_writer_default_would_drop (G_LOG_LEVEL_DEBUG, self->transcript_domain);
}

static void
transcript (TernNetConnection *self,
            const char        *direction,
            const char        *data,
            gsize              length)
{
  g_autoptr(GString) printable = NULL;

  if (!transcript_enabled (self))
    return;

  /* Bytes from the wire are not trusted to be UTF-8 or printable. */
  printable = g_string_sized_new (length);
  for (gsize i = 0; i < length; i++)
    {
      guchar c = data[i];

      if (c == '\r' || c == '\n')
        continue;
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (printable, "\\x%02x", c);
      else
        g_string_append_c (printable, c);
    }

  g_log (self->transcript_domain, G_LOG_LEVEL_DEBUG, "%s:%u %s %s",
         self->host, self->port, direction, printable->str);
}

TernNetConnection *
tern_net_connection_new (const char      *host,
                         guint16          port,
                         TernNetSecurity  security)
{
  TernNetConnection *self;

  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port != 0, NULL);

  self = g_object_new (TERN_NET_TYPE_CONNECTION, NULL);
  self->host = g_strdup (host);
  self->port = port;
  self->security = security;

  return self;
}

const char *
tern_net_connection_get_host (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), NULL);

  return self->host;
}

guint16
tern_net_connection_get_port (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), 0);

  return self->port;
}

TernNetSecurity
tern_net_connection_get_security (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), TERN_NET_SECURITY_TLS);

  return self->security;
}

void
tern_net_connection_set_timeouts (TernNetConnection *self,
                                  guint              connect_seconds,
                                  guint              io_seconds)
{
  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  self->connect_timeout = connect_seconds;
  tern_net_connection_set_io_timeout (self, io_seconds);
}

/**
 * tern_net_connection_set_io_timeout:
 *
 * Sets how long a read or write may wait; 0 waits for ever. IMAP IDLE raises it for
 * the duration of the IDLE (RFC 2177: at most 29 minutes).
 */
void
tern_net_connection_set_io_timeout (TernNetConnection *self,
                                    guint              io_seconds)
{
  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  self->io_timeout = io_seconds;
  if (self->socket_connection != NULL)
    g_socket_set_timeout (g_socket_connection_get_socket (self->socket_connection), io_seconds);
}

/**
 * tern_net_connection_get_io_timeout:
 *
 * Returns: the read and write timeout in seconds (0: none), so that a protocol can raise
 *   it for one long wait and put it back
 */
guint
tern_net_connection_get_io_timeout (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), 0);

  return self->io_timeout;
}

/**
 * tern_net_connection_set_max_line_length:
 *
 * A server line longer than @max_line bytes fails with %TERN_NET_ERROR_LINE_TOO_LONG,
 * which bounds the memory a hostile server can make Tern use.
 */
void
tern_net_connection_set_max_line_length (TernNetConnection *self,
                                         gsize              max_line)
{
  g_return_if_fail (TERN_NET_IS_CONNECTION (self));
  g_return_if_fail (max_line >= 512);

  self->max_line = max_line;
}

static char *
normalize_sha256 (const char *hex)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (const char *p = hex; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        return NULL;
      g_string_append_c (out, g_ascii_tolower (*p));
    }

  if (out->len != 64)
    return NULL;

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * tern_net_connection_set_pinned_certificate:
 * @pin: (nullable): "sha256:HEX" (colons allowed), a PEM file name, or PEM data; %NULL
 *   removes the pin
 *
 * A server certificate that fails validation is then accepted if, and only if, it is
 * exactly this certificate.
 */
gboolean
tern_net_connection_set_pinned_certificate (TernNetConnection  *self,
                                            const char         *pin,
                                            GError            **error)
{
  g_autofree char *sha256 = NULL;

  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), FALSE);

  if (pin == NULL)
    {
      g_clear_pointer (&self->pin_sha256, g_free);
      return TRUE;
    }

  if (g_ascii_strncasecmp (pin, "sha256:", 7) == 0)
    {
      sha256 = normalize_sha256 (pin + 7);
      if (sha256 == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a SHA-256 fingerprint (64 hexadecimal digits after “sha256:”)"), pin);
          return FALSE;
        }
    }
  else
    {
      g_autoptr(GTlsCertificate) certificate = NULL;
      g_autofree char *fingerprint = NULL;

      if (g_str_has_prefix (pin, "-----BEGIN"))
        certificate = g_tls_certificate_new_from_pem (pin, -1, error);
      else
        certificate = g_tls_certificate_new_from_file (pin, error);
      if (certificate == NULL)
        return FALSE;

      fingerprint = tern_net_certificate_get_fingerprint (certificate);
      sha256 = g_strdup (fingerprint + strlen ("sha256:"));
    }

  g_free (self->pin_sha256);
  self->pin_sha256 = g_steal_pointer (&sha256);
  return TRUE;
}

/**
 * tern_net_connection_set_transcript:
 * @log_domain: (nullable): the log domain of the transcript, such as "TernImap.Net"
 *
 * Logs every line sent and received at debug level in @log_domain, so that
 * `G_MESSAGES_DEBUG=TernImap.Net` shows the conversation. Secrets queued with
 * tern_net_connection_queue_secret_line() appear as "<redacted>", literal and
 * message data as their size only.
 */
void
tern_net_connection_set_transcript (TernNetConnection *self,
                                    const char        *log_domain)
{
  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  g_free (self->transcript_domain);
  self->transcript_domain = g_strdup (log_domain);
}

static gboolean
matches_pin (TernNetConnection *self,
             GTlsCertificate   *certificate)
{
  g_autofree char *fingerprint = NULL;

  if (self->pin_sha256 == NULL || certificate == NULL)
    return FALSE;
  fingerprint = tern_net_certificate_get_fingerprint (certificate);
  return fingerprint != NULL && g_str_equal (fingerprint + strlen ("sha256:"), self->pin_sha256);
}

static gboolean
accept_certificate_cb (GTlsConnection       *connection,
                       GTlsCertificate      *peer_certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  TernNetConnection *self = user_data;

  if (matches_pin (self, peer_certificate))
    return TRUE;

  g_set_object (&self->rejected_certificate, peer_certificate);
  self->rejected_errors = errors;
  return FALSE;
}

static void
set_untrusted_error (TernNetConnection  *self,
                     GError            **error)
{
  g_autofree char *reasons = tern_net_describe_certificate_errors (self->rejected_errors);
  g_autofree char *fingerprint = tern_net_certificate_get_fingerprint (self->rejected_certificate);

  g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED,
               _("The certificate of %s is not trusted: %s (fingerprint %s)"),
               self->host, reasons, fingerprint);
  tern_net_error_set_certificate (*error, self->rejected_certificate,
                                  self->rejected_errors, self->host);
}

/* The trust of a connection is decided here, after every handshake, from what this
 * connection got: a certificate that validates, or exactly this connection's pin.
 * "accept-certificate" alone is not enough: GIO's TLS backend does not emit it when
 * it resumes a TLS session, and a session resumed from another connection's pin
 * would skip the check altogether. */
static gboolean
check_trust (TernNetConnection  *self,
             GTlsConnection     *tls,
             GError            **error)
{
  GTlsCertificate *peer = g_tls_connection_get_peer_certificate (tls);
  GTlsCertificateFlags errors = g_tls_connection_get_peer_certificate_errors (tls);

  if (peer != NULL && (errors == 0 || matches_pin (self, peer)))
    return TRUE;

  if (peer == NULL)
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_TLS_FAILED,
                   _("Could not establish a secure connection to %s:%u: the server sent no certificate"),
                   self->host, self->port);
      return FALSE;
    }
  g_set_object (&self->rejected_certificate, peer);
  self->rejected_errors = errors;
  set_untrusted_error (self, error);
  return FALSE;
}

static void
set_streams (TernNetConnection *self,
             GIOStream         *stream)
{
  self->stream = stream;
  self->input = g_io_stream_get_input_stream (stream);
  self->output = g_io_stream_get_output_stream (stream);
}

static gboolean
handshake (TernNetConnection  *self,
           GCancellable       *cancellable,
           GError            **error)
{
  g_autoptr(GIOStream) base = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!tern_net_tls_check_available (error))
    return FALSE;

  /* GIO's TLS backend keeps one TLS session cache per process, keyed on the server's
   * address and name only: a session that a pinned connection accepted would be
   * resumed by any other connection to the same server, whatever its own trust. It
   * only caches sessions of a connection made directly on a GSocketConnection, so a
   * pinned connection goes through a plain GIOStream over the same socket streams
   * and never shares its sessions; connections without a pin (the system's trust,
   * the same for all) keep the cache. */
  if (self->pin_sha256 != NULL)
    base = g_simple_io_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (self->socket_connection)),
                                   g_io_stream_get_output_stream (G_IO_STREAM (self->socket_connection)));
  else
    base = G_IO_STREAM (g_object_ref (self->socket_connection));

  tls = g_tls_client_connection_new (base, self->address, error);
  if (tls == NULL)
    return FALSE;

  g_clear_object (&self->rejected_certificate);
  self->rejected_errors = 0;
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_certificate_cb), self);
  /* Many servers close without a TLS close_notify, after a BYE say. IMAP, POP3 and SMTP
   * frame their own replies, so a cut reply is seen as cut all the same, and such an
   * end is the end of the stream (TERN_NET_ERROR_CLOSED), not a TLS error. */
  g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (tls), FALSE);

  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), cancellable, &local_error))
    {
      if (self->rejected_certificate != NULL)
        {
          set_untrusted_error (self, error);
        }
      else if (local_error->domain == G_TLS_ERROR)
        {
          g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_TLS_FAILED,
                       _("Could not establish a secure connection to %s:%u: %s"),
                       self->host, self->port, local_error->message);
        }
      else
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      _("Secure connection to %s:%u failed: "), self->host, self->port);
        }
      return FALSE;
    }

  if (!check_trust (self, G_TLS_CONNECTION (tls), error))
    {
      g_io_stream_close (tls, NULL, NULL);
      return FALSE;
    }

  self->tls_connection = G_TLS_CONNECTION (g_steal_pointer (&tls));
  set_streams (self, G_IO_STREAM (self->tls_connection));
  return TRUE;
}

/**
 * tern_net_connection_connect:
 *
 * Connects, and for %TERN_NET_SECURITY_TLS performs the TLS handshake. For
 * %TERN_NET_SECURITY_STARTTLS the protocol reads the greeting, sends its STARTTLS
 * command and then calls tern_net_connection_start_tls().
 */
gboolean
tern_net_connection_connect (TernNetConnection  *self,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autoptr(GSocketClient) client = NULL;
  GSocket *socket;

  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (self->socket_connection == NULL, FALSE);

  g_clear_object (&self->address);
  self->address = g_network_address_new (self->host, self->port);

  client = g_socket_client_new ();
  g_socket_client_set_timeout (client, self->connect_timeout);
  /* GIO's message already names the host: "Could not connect to HOST: REASON" */
  self->socket_connection = g_socket_client_connect (client, self->address, cancellable, error);
  if (self->socket_connection == NULL)
    return FALSE;

  socket = g_socket_connection_get_socket (self->socket_connection);
  g_socket_set_timeout (socket, self->io_timeout);
  g_socket_set_keepalive (socket, TRUE);
  if (g_socket_get_family (socket) != G_SOCKET_FAMILY_UNIX)
    g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  set_streams (self, G_IO_STREAM (self->socket_connection));
  self->rstart = self->rend = 0;

  if (self->security == TERN_NET_SECURITY_TLS && !handshake (self, cancellable, error))
    {
      tern_net_connection_close (self);
      return FALSE;
    }

  return TRUE;
}

/**
 * tern_net_connection_start_tls:
 *
 * Upgrades the connection after the server accepted STARTTLS. Anything the server sent
 * after its reply and before the handshake is an injection attempt (it would be read as
 * if it came through TLS), so it fails the connection.
 */
gboolean
tern_net_connection_start_tls (TernNetConnection  *self,
                               GCancellable       *cancellable,
                               GError            **error)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (self->socket_connection != NULL, FALSE);
  g_return_val_if_fail (self->tls_connection == NULL, FALSE);

  if (self->rend > self->rstart)
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_PROTOCOL,
                   _("%s sent unexpected data before the secure connection started"), self->host);
      tern_net_connection_close (self);
      return FALSE;
    }

  if (!handshake (self, cancellable, error))
    {
      tern_net_connection_close (self);
      return FALSE;
    }

  return TRUE;
}

gboolean
tern_net_connection_is_connected (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), FALSE);

  return self->stream != NULL;
}

gboolean
tern_net_connection_is_encrypted (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), FALSE);

  return self->tls_connection != NULL;
}

/**
 * tern_net_connection_get_peer_certificate:
 *
 * Returns: (transfer none) (nullable): the server's certificate once TLS is up
 */
GTlsCertificate *
tern_net_connection_get_peer_certificate (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), NULL);

  if (self->tls_connection == NULL)
    return NULL;

  return g_tls_connection_get_peer_certificate (self->tls_connection);
}

/* ---- the write buffer ----------------------------------------------------------- */

static void
wbuf_wipe (TernNetConnection *self)
{
  if (self->wsecret && self->wbuf != NULL)
    explicit_bzero (self->wbuf, self->wcap);
  self->wsecret = FALSE;
}

/* Empties the buffer; one that grew past WBUF_KEEP (a large APPEND) is freed. */
static void
wbuf_clear (TernNetConnection *self)
{
  wbuf_wipe (self);
  self->wlen = 0;
  if (self->wcap > WBUF_KEEP)
    {
      g_clear_pointer (&self->wbuf, g_free);
      self->wcap = 0;
    }
}

/* Grows the buffer by hand rather than with realloc(), which would leave a copy of a
 * secret in the memory it frees. */
static void
wbuf_append (TernNetConnection *self,
             const void        *data,
             gsize              length,
             gboolean           secret)
{
  if (length == 0)
    return;
  if (self->wcap - self->wlen < length)
    {
      gsize cap = MAX (self->wcap, 4096);
      gboolean held_secret = self->wsecret;
      guint8 *bigger;

      while (cap - self->wlen < length)
        cap *= 2;
      bigger = g_malloc (cap);
      if (self->wlen > 0)
        memcpy (bigger, self->wbuf, self->wlen);
      wbuf_wipe (self);
      self->wsecret = held_secret;
      g_free (self->wbuf);
      self->wbuf = bigger;
      self->wcap = cap;
    }
  memcpy (self->wbuf + self->wlen, data, length);
  self->wlen += length;
  self->wsecret |= secret;
}

void
tern_net_connection_close (TernNetConnection *self)
{
  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  if (self->stream != NULL)
    g_io_stream_close (self->stream, NULL, NULL);

  self->stream = NULL;
  self->input = NULL;
  self->output = NULL;
  g_clear_object (&self->tls_connection);
  g_clear_object (&self->socket_connection);
  self->rstart = self->rend = 0;
  wbuf_clear (self);
}

static gboolean
check_connected (TernNetConnection  *self,
                 GError            **error)
{
  if (self->stream != NULL)
    return TRUE;

  g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED,
               _("The connection to %s is closed"), self->host);
  return FALSE;
}

/* Reads more bytes into the buffer; fails at end of stream. */
static gboolean
fill (TernNetConnection  *self,
      GCancellable       *cancellable,
      GError            **error)
{
  gssize n;

  if (self->rstart > 0)
    {
      memmove (self->rbuf, self->rbuf + self->rstart, self->rend - self->rstart);
      self->rend -= self->rstart;
      self->rstart = 0;
    }

  if (self->rcap - self->rend < 4096)
    {
      self->rcap = MAX (self->rcap * 2, INITIAL_BUFFER_SIZE);
      self->rbuf = g_realloc (self->rbuf, self->rcap);
    }

  n = g_input_stream_read (self->input, self->rbuf + self->rend, self->rcap - self->rend,
                           cancellable, error);
  if (n < 0)
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED,
                   _("%s closed the connection"), self->host);
      return FALSE;
    }

  self->rend += n;
  return TRUE;
}

static char *
read_line (TernNetConnection  *self,
           gboolean            log,
           gsize              *length,
           GCancellable       *cancellable,
           GError            **error)
{
  gsize scanned = 0;

  if (!check_connected (self, error))
    return NULL;

  for (;;)
    {
      guint8 *start = self->rbuf + self->rstart;
      gsize avail = self->rend - self->rstart;
      guint8 *nl = avail > scanned ? memchr (start + scanned, '\n', avail - scanned) : NULL;

      if (nl != NULL)
        {
          gsize len = nl - start;
          char *line;

          if (len > 0 && start[len - 1] == '\r')
            len--;
          line = g_malloc (len + 1);
          memcpy (line, start, len);
          line[len] = '\0';
          self->rstart += (nl - start) + 1;

          if (log)
            transcript (self, "S:", line, len);
          if (length != NULL)
            *length = len;
          return line;
        }

      scanned = avail;
      if (avail >= self->max_line)
        {
          g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_LINE_TOO_LONG,
                       _("%s sent a line longer than %" G_GSIZE_FORMAT " bytes"),
                       self->host, self->max_line);
          tern_net_connection_close (self);
          return NULL;
        }

      if (!fill (self, cancellable, error))
        return NULL;
    }
}

/**
 * tern_net_connection_read_line:
 * @length: (out) (optional): the line's length, without the line end
 *
 * Reads one line, without its CRLF (a bare LF also ends a line). The result may hold NUL
 * bytes; @length tells its real length.
 *
 * Returns: (transfer full): the line, or %NULL with @error set
 */
char *
tern_net_connection_read_line (TernNetConnection  *self,
                               gsize              *length,
                               GCancellable       *cancellable,
                               GError            **error)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), NULL);

  return read_line (self, TRUE, length, cancellable, error);
}

/**
 * tern_net_connection_read_data_line:
 *
 * Like tern_net_connection_read_line(), for a line of message data (a POP3 RETR or
 * TOP body): it is not written to the transcript, which only shows the size of message
 * data (the caller logs that).
 *
 * Returns: (transfer full): the line, or %NULL with @error set
 */
char *
tern_net_connection_read_data_line (TernNetConnection  *self,
                                    gsize              *length,
                                    GCancellable       *cancellable,
                                    GError            **error)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), NULL);

  return read_line (self, FALSE, length, cancellable, error);
}

/**
 * tern_net_connection_read_exact:
 *
 * Reads exactly @count bytes (an IMAP literal, say) into @buffer, first from what is
 * buffered, then straight from the stream, so that large bodies are not copied twice.
 */
gboolean
tern_net_connection_read_exact (TernNetConnection  *self,
                                void               *buffer,
                                gsize               count,
                                GCancellable       *cancellable,
                                GError            **error)
{
  guint8 *out = buffer;
  gsize from_buffer;

  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), FALSE);

  if (!check_connected (self, error))
    return FALSE;

  from_buffer = MIN (count, self->rend - self->rstart);
  memcpy (out, self->rbuf + self->rstart, from_buffer);
  self->rstart += from_buffer;
  out += from_buffer;
  count -= from_buffer;

  while (count > 0)
    {
      gsize n = 0;

      if (!g_input_stream_read_all (self->input, out, count, &n, cancellable, error))
        return FALSE;
      if (n < count)
        {
          g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED,
                       _("%s closed the connection"), self->host);
          return FALSE;
        }
      out += n;
      count -= n;
    }

  return TRUE;
}

/**
 * tern_net_connection_skip_exact:
 *
 * Reads and discards @count bytes.
 */
gboolean
tern_net_connection_skip_exact (TernNetConnection  *self,
                                gsize               count,
                                GCancellable       *cancellable,
                                GError            **error)
{
  guint8 scratch[16 * 1024];

  while (count > 0)
    {
      gsize chunk = MIN (count, sizeof scratch);

      if (!tern_net_connection_read_exact (self, scratch, chunk, cancellable, error))
        return FALSE;
      count -= chunk;
    }

  return TRUE;
}

/**
 * tern_net_connection_get_buffered:
 *
 * Returns: how many received bytes wait in the buffer
 */
gsize
tern_net_connection_get_buffered (TernNetConnection *self)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), 0);

  return self->rend - self->rstart;
}

/**
 * tern_net_connection_queue:
 *
 * Adds raw bytes (a literal, a message body) to the write buffer; the transcript only
 * shows their size.
 */
void
tern_net_connection_queue (TernNetConnection *self,
                           const void        *data,
                           gsize              length)
{
  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  wbuf_append (self, data, length, FALSE);
  if (transcript_enabled (self))
    {
      g_autofree char *note = g_strdup_printf ("<%" G_GSIZE_FORMAT " bytes>", length);

      transcript (self, "C:", note, strlen (note));
    }
}

/**
 * tern_net_connection_queue_secret:
 *
 * Like tern_net_connection_queue() for bytes that are a secret (a password sent as an
 * IMAP literal): the write buffer is wiped once they are sent.
 */
void
tern_net_connection_queue_secret (TernNetConnection *self,
                                  const void        *data,
                                  gsize              length)
{
  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  wbuf_append (self, data, length, TRUE);
  if (transcript_enabled (self))
    {
      g_autofree char *note = g_strdup_printf ("<%" G_GSIZE_FORMAT " bytes redacted>", length);

      transcript (self, "C:", note, strlen (note));
    }
}

/* For the tests: all of the write buffer's memory, beyond what is queued too. */
const guint8 *
_tern_net_connection_peek_write_buffer (TernNetConnection *self,
                                        gsize             *allocated)
{
  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), NULL);

  *allocated = self->wcap;
  return self->wbuf;
}

/**
 * tern_net_connection_queue_line:
 *
 * Adds @line and CRLF to the write buffer.
 */
void
tern_net_connection_queue_line (TernNetConnection *self,
                                const char        *line)
{
  gsize len;

  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  len = strlen (line);
  wbuf_append (self, line, len, FALSE);
  wbuf_append (self, "\r\n", 2, FALSE);
  transcript (self, "C:", line, len);
}

/**
 * tern_net_connection_queue_secret_line:
 * @visible_prefix: how many bytes of @line the transcript may show
 *
 * Like tern_net_connection_queue_line() for a line holding a password or an AUTH
 * payload: the transcript shows the first @visible_prefix bytes and "<redacted>", and
 * the write buffer is wiped once the line is sent (or the connection closed).
 */
void
tern_net_connection_queue_secret_line (TernNetConnection *self,
                                       const char        *line,
                                       gsize              visible_prefix)
{
  gsize len;

  g_return_if_fail (TERN_NET_IS_CONNECTION (self));

  len = strlen (line);
  wbuf_append (self, line, len, TRUE);
  wbuf_append (self, "\r\n", 2, FALSE);
  if (transcript_enabled (self))
    {
      g_autofree char *shown = g_strdup_printf ("%.*s<redacted>", (int) MIN (visible_prefix, len), line);

      transcript (self, "C:", shown, strlen (shown));
    }
}

/**
 * tern_net_connection_flush:
 *
 * Sends everything queued, in one write.
 */
gboolean
tern_net_connection_flush (TernNetConnection  *self,
                           GCancellable       *cancellable,
                           GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (TERN_NET_IS_CONNECTION (self), FALSE);

  if (!check_connected (self, error))
    return FALSE;
  if (self->wlen == 0)
    return TRUE;

  ok = g_output_stream_write_all (self->output, self->wbuf, self->wlen, NULL, cancellable, error);
  wbuf_clear (self);
  return ok;
}

gboolean
tern_net_connection_send_line (TernNetConnection  *self,
                               const char         *line,
                               GCancellable       *cancellable,
                               GError            **error)
{
  tern_net_connection_queue_line (self, line);
  return tern_net_connection_flush (self, cancellable, error);
}

static void
tern_net_connection_finalize (GObject *object)
{
  TernNetConnection *self = TERN_NET_CONNECTION (object);

  tern_net_connection_close (self);
  g_clear_object (&self->address);
  g_clear_object (&self->rejected_certificate);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->pin_sha256, g_free);
  g_clear_pointer (&self->transcript_domain, g_free);
  g_clear_pointer (&self->rbuf, g_free);
  wbuf_wipe (self);
  g_clear_pointer (&self->wbuf, g_free);

  G_OBJECT_CLASS (tern_net_connection_parent_class)->finalize (object);
}

static void
tern_net_connection_class_init (TernNetConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_net_connection_finalize;
}

static void
tern_net_connection_init (TernNetConnection *self)
{
  self->connect_timeout = TERN_NET_DEFAULT_CONNECT_TIMEOUT;
  self->io_timeout = TERN_NET_DEFAULT_IO_TIMEOUT;
  self->max_line = TERN_NET_DEFAULT_MAX_LINE;
  self->rcap = INITIAL_BUFFER_SIZE;
  self->rbuf = g_malloc (self->rcap);
}
