/* test-net-connection.c: the connection layer against in-process servers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "tern-net-connection.h"
#include "tern-net-connection-private.h"
#include "tern-net-error.h"
#include "tern-imap-error.h"
#include "tern-imap-session.h"

#define TRANSCRIPT_DOMAIN "TernTest.Net"

static char *tmpdir;
static char *cert_pem;         /* self-signed for localhost and 127.0.0.1 */
static char *key_pem;
static char *other_cert_pem;   /* same names, another key */
static char *other_key_pem;
static GString *transcript;
static GMutex transcript_lock;

/* ---- a scripted server in a thread ---------------------------------------------- */

typedef struct _Server Server;
typedef void (*ServerScript) (Server *server, GIOStream *stream);

struct _Server
{
  GSocketListener *listener;
  guint16          port;
  ServerScript     script;
  const char      *cert_file;
  const char      *key_file;
  gboolean         implicit_tls;
  GThread         *thread;
  GCancellable    *cancellable;
};

static GIOStream *
server_tls (Server *server, GIOStream *base)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_files (server->cert_file, server->key_file, &error);
  GIOStream *tls;

  g_assert_no_error (error);
  tls = g_tls_server_connection_new (base, cert, &error);
  g_assert_no_error (error);
  /* The client may reject the certificate; that is what some tests want. */
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, NULL))
    {
      g_object_unref (tls);
      return NULL;
    }
  return tls;
}

static void
server_write (GIOStream *stream, const char *data, gssize len)
{
  GOutputStream *out = g_io_stream_get_output_stream (stream);

  g_output_stream_write_all (out, data, len < 0 ? strlen (data) : (gsize) len, NULL, NULL, NULL);
}

static char *
server_read_line (GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  GString *line = g_string_new (NULL);
  char c;

  while (g_input_stream_read (in, &c, 1, NULL, NULL) == 1)
    {
      if (c == '\n')
        break;
      if (c != '\r')
        g_string_append_c (line, c);
    }
  return g_string_free (line, FALSE);
}

static gpointer
server_thread (gpointer data)
{
  Server *server = data;
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GIOStream) stream = NULL;

  conn = g_socket_listener_accept (server->listener, NULL, server->cancellable, NULL);
  if (conn == NULL)
    return NULL;

  if (server->implicit_tls)
    stream = server_tls (server, G_IO_STREAM (conn));
  else
    stream = g_object_ref (G_IO_STREAM (conn));

  if (stream != NULL)
    server->script (server, stream);

  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  return NULL;
}

static Server *
server_start (ServerScript script, gboolean implicit_tls)
{
  Server *server = g_new0 (Server, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->listener = g_socket_listener_new ();
  g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  server->script = script;
  server->implicit_tls = implicit_tls;
  server->cert_file = cert_pem;
  server->key_file = key_pem;
  server->cancellable = g_cancellable_new ();
  server->thread = g_thread_new ("test-server", server_thread, server);
  return server;
}

static void
server_finish (Server *server)
{
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->thread);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_free (server);
}

static TernNetConnection *
client_new (Server *server, TernNetSecurity security)
{
  TernNetConnection *conn = tern_net_connection_new ("localhost", server->port, security);

  tern_net_connection_set_timeouts (conn, 5, 5);
  tern_net_connection_set_transcript (conn, TRANSCRIPT_DOMAIN);
  return conn;
}

static char *
fingerprint_of_file (const char *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) cert = g_tls_certificate_new_from_file (file, &error);

  g_assert_no_error (error);
  return tern_net_certificate_get_fingerprint (cert);
}

/* ---- scripts ------------------------------------------------------------------------ */

static void
script_lines (Server *server, GIOStream *stream)
{
  server_write (stream, "hello\r\nbare lf\nnul\0byte\r\n", 25);
  server_write (stream, "LITERAL", -1);
  server_write (stream, "12345 tail\r\n", -1);
}

static void
script_endless_line (Server *server, GIOStream *stream)
{
  char chunk[4096];

  memset (chunk, 'x', sizeof chunk);
  /* 64 KiB without a line end: more than the client's limit */
  for (int i = 0; i < 16; i++)
    server_write (stream, chunk, sizeof chunk);
}

static void
script_echo (Server *server, GIOStream *stream)
{
  g_autofree char *line = NULL;
  g_autofree char *reply = NULL;

  server_write (stream, "+OK ready\r\n", -1);
  line = server_read_line (stream);
  reply = g_strdup_printf ("+OK %s\r\n", line);
  server_write (stream, reply, -1);
}

static void
script_starttls (Server *server, GIOStream *stream)
{
  g_autofree char *line = NULL;
  g_autoptr(GIOStream) tls = NULL;

  server_write (stream, "+OK plain greeting\r\n", -1);
  line = server_read_line (stream);
  g_assert_cmpstr (line, ==, "STLS");
  server_write (stream, "+OK begin TLS\r\n", -1);
  tls = server_tls (server, stream);
  if (tls != NULL)
    script_echo (server, tls);
}

static void
script_starttls_injection (Server *server, GIOStream *stream)
{
  g_autofree char *line = NULL;

  server_write (stream, "+OK plain greeting\r\n", -1);
  line = server_read_line (stream);
  /* the reply and an injected line in one write, before TLS */
  server_write (stream, "+OK begin TLS\r\n+OK injected\r\n", -1);
  g_usleep (200 * 1000);
}

/* Closes the TCP connection under TLS without a TLS close_notify, as many servers do. */
static void
drop_tcp (GIOStream *tls)
{
  g_autoptr(GIOStream) base = NULL;

  g_object_get (tls, "base-io-stream", &base, NULL);
  g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)), TRUE, TRUE, NULL);
}

/* An IMAP server that says BYE to the first command and drops the connection. */
static void
script_bye_and_drop (Server *server, GIOStream *stream)
{
  g_autofree char *line = NULL;

  server_write (stream, "* PREAUTH [CAPABILITY IMAP4rev1] logged in\r\n", -1);
  line = server_read_line (stream);
  server_write (stream, "* BYE Server shutting down for maintenance\r\n", -1);
  drop_tcp (stream);
}

/* Never answers: reads whatever comes until the client gives up and closes. */
static void
script_silent (Server *server, GIOStream *stream)
{
  GInputStream *in = g_io_stream_get_input_stream (stream);
  char buf[4096];

  while (g_input_stream_read (in, buf, sizeof buf, NULL, NULL) > 0)
    ;
}

/* ---- tests ---------------------------------------------------------------------------- */

static void
test_lines_and_exact_reads (void)
{
  Server *server = server_start (script_lines, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *l1 = NULL, *l2 = NULL, *l3 = NULL, *l4 = NULL, *l5 = NULL;
  char literal[7];
  gsize len = 0;

  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (tern_net_connection_is_encrypted (conn));

  l1 = tern_net_connection_read_line (conn, &len, NULL, &error);
  g_assert_cmpstr (l1, ==, "hello");
  g_assert_cmpuint (len, ==, 5);
  l2 = tern_net_connection_read_line (conn, &len, NULL, &error);
  g_assert_cmpstr (l2, ==, "bare lf");
  l3 = tern_net_connection_read_line (conn, &len, NULL, &error);
  g_assert_cmpuint (len, ==, 8);
  g_assert_cmpmem (l3, len, "nul\0byte", 8);

  g_assert_true (tern_net_connection_read_exact (conn, literal, sizeof literal, NULL, &error));
  g_assert_cmpmem (literal, sizeof literal, "LITERAL", 7);
  g_assert_true (tern_net_connection_skip_exact (conn, 5, NULL, &error));
  l4 = tern_net_connection_read_line (conn, &len, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (l4, ==, " tail");

  l5 = tern_net_connection_read_line (conn, &len, NULL, &error);
  g_assert_null (l5);
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED);

  server_finish (server);
}

static void
test_line_too_long (void)
{
  Server *server = server_start (script_endless_line, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  tern_net_connection_set_max_line_length (conn, 8192);
  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  line = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_LINE_TOO_LONG);
  g_assert_false (tern_net_connection_is_connected (conn));

  server_finish (server);
}

static void
test_tls_untrusted (void)
{
  Server *server = server_start (script_echo, TRUE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = fingerprint_of_file (cert_pem);
  g_autofree char *got = NULL;
  GTlsCertificate *cert;

  g_assert_false (tern_net_connection_connect (conn, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
  cert = tern_net_error_get_certificate (error);
  g_assert_nonnull (cert);
  got = tern_net_certificate_get_fingerprint (cert);
  g_assert_cmpstr (got, ==, expected);
  g_assert_true (tern_net_error_get_certificate_errors (error) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_cmpstr (tern_net_error_get_host (error), ==, "localhost");
  g_assert_nonnull (strstr (error->message, expected));
  g_assert_false (tern_net_connection_is_connected (conn));

  /* a copy keeps the certificate (GError copies go through the extended error) */
  {
    g_autoptr(GError) copy = g_error_copy (error);
    g_assert_true (tern_net_error_get_certificate (copy) == cert);
  }

  server_finish (server);
}

static void
echo_roundtrip (TernNetConnection *conn)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *reply = NULL;

  greeting = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (greeting, ==, "+OK ready");
  g_assert_true (tern_net_connection_send_line (conn, "PING über", NULL, &error));
  reply = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (reply, ==, "+OK PING über");
}

static void
test_tls_pinned (gconstpointer data)
{
  const char *form = data;
  Server *server = server_start (script_echo, TRUE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;

  if (g_str_equal (form, "sha256"))
    {
      g_autofree char *fp = fingerprint_of_file (cert_pem);
      g_autofree char *upper = g_ascii_strup (fp + 7, -1);

      /* upper case with colons is the form browsers show */
      GString *colons = g_string_new ("sha256:");
      for (int i = 0; upper[i] != '\0'; i += 2)
        g_string_append_printf (colons, "%s%.2s", i ? ":" : "", upper + i);
      pin = g_string_free (colons, FALSE);
    }
  else if (g_str_equal (form, "file"))
    pin = g_strdup (cert_pem);
  else
    g_assert_true (g_file_get_contents (cert_pem, &pin, NULL, NULL));

  g_assert_true (tern_net_connection_set_pinned_certificate (conn, pin, &error));
  g_assert_no_error (error);
  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_net_connection_is_encrypted (conn));
  g_assert_nonnull (tern_net_connection_get_peer_certificate (conn));
  echo_roundtrip (conn);

  server_finish (server);
}

static void
test_tls_wrong_pin (void)
{
  Server *server = server_start (script_echo, TRUE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  /* same subject and names, different key: the pin compares the certificate, not the name */
  g_assert_true (tern_net_connection_set_pinned_certificate (conn, other_cert_pem, &error));
  g_assert_false (tern_net_connection_connect (conn, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);

  server_finish (server);
}

static void
test_bad_pins (void)
{
  g_autoptr(TernNetConnection) conn = tern_net_connection_new ("localhost", 1, TERN_NET_SECURITY_TLS);
  const char *bad[] = { "sha256:1234", "sha256:zz", "/nonexistent/cert.pem", "-----BEGIN CERTIFICATE-----\nnope" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (tern_net_connection_set_pinned_certificate (conn, bad[i], &error));
      g_assert_nonnull (error);
    }
}

static void
test_starttls (void)
{
  Server *server = server_start (script_starttls, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *ok = NULL;

  g_assert_true (tern_net_connection_set_pinned_certificate (conn, cert_pem, &error));
  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  g_assert_false (tern_net_connection_is_encrypted (conn));
  greeting = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_cmpstr (greeting, ==, "+OK plain greeting");
  g_assert_true (tern_net_connection_send_line (conn, "STLS", NULL, &error));
  ok = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_cmpstr (ok, ==, "+OK begin TLS");
  g_assert_true (tern_net_connection_start_tls (conn, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_net_connection_is_encrypted (conn));
  echo_roundtrip (conn);

  server_finish (server);
}

static void
test_starttls_injection (void)
{
  Server *server = server_start (script_starttls_injection, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *ok = NULL;

  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  greeting = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_true (tern_net_connection_send_line (conn, "STLS", NULL, &error));
  /* wait for both lines to arrive, so they are in one buffer */
  g_usleep (100 * 1000);
  ok = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_cmpstr (ok, ==, "+OK begin TLS");
  g_assert_false (tern_net_connection_start_tls (conn, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_PROTOCOL);
  g_assert_false (tern_net_connection_is_connected (conn));

  server_finish (server);
}

static void
test_connection_refused (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(TernNetConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  guint16 port;

  /* a port that was free a moment ago and has no listener now */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);

  conn = tern_net_connection_new ("127.0.0.1", port, TERN_NET_SECURITY_TLS);
  g_assert_false (tern_net_connection_connect (conn, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

static void
test_read_timeout (void)
{
  Server *server = server_start (script_silent, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gint64 start;

  tern_net_connection_set_timeouts (conn, 5, 1);
  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  start = g_get_monotonic_time ();
  line = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);

  tern_net_connection_close (conn);
  server_finish (server);
}

static void
test_tls_handshake_timeout (void)
{
  /* a server that accepts TCP but never speaks TLS */
  Server *server = server_start (script_silent, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  tern_net_connection_set_timeouts (conn, 5, 1);
  g_assert_false (tern_net_connection_connect (conn, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  server_finish (server);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_thread (gpointer data)
{
  g_usleep (200 * 1000);
  cancel_cb (data);
  return NULL;
}

static void
test_cancel (void)
{
  Server *server = server_start (script_silent, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GThread *thread;

  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  thread = g_thread_new ("cancel", cancel_thread, cancellable);
  line = tern_net_connection_read_line (conn, NULL, cancellable, &error);
  g_assert_null (line);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (thread);

  tern_net_connection_close (conn);
  server_finish (server);
}

static void
test_transcript_redacted (void)
{
  Server *server = server_start (script_echo, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *reply = NULL;

  g_mutex_lock (&transcript_lock);
  g_string_truncate (transcript, 0);
  g_mutex_unlock (&transcript_lock);

  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  greeting = tern_net_connection_read_line (conn, NULL, NULL, &error);
  tern_net_connection_queue_secret_line (conn, "a1 LOGIN alice hunter2", strlen ("a1 LOGIN "));
  g_assert_true (tern_net_connection_flush (conn, NULL, &error));
  reply = tern_net_connection_read_line (conn, NULL, NULL, &error);
  /* the server really got the secret ... */
  g_assert_cmpstr (reply, ==, "+OK a1 LOGIN alice hunter2");

  g_mutex_lock (&transcript_lock);
  /* ... the transcript shows the conversation without it (the echo is the server's
   * doing; only what Tern sends is redacted) */
  g_assert_nonnull (strstr (transcript->str, "S: +OK ready"));
  g_assert_nonnull (strstr (transcript->str, "C: a1 LOGIN <redacted>"));
  g_assert_null (strstr (transcript->str, "C: a1 LOGIN alice"));
  g_mutex_unlock (&transcript_lock);

  server_finish (server);
}

/* A server that closes without TLS close_notify closed the connection; it did not fail
 * to set up TLS. Over IMAP, its BYE says why. */
static void
test_tls_close_without_notify (void)
{
  Server *server = server_start (script_bye_and_drop, TRUE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_TLS);
  g_autoptr(TernImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = fingerprint_of_file (cert_pem);

  g_assert_true (tern_net_connection_set_pinned_certificate (conn, pin, &error));
  session = tern_imap_session_new_for_connection (conn);
  g_assert_true (tern_imap_session_connect (session, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (tern_imap_session_noop (session, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (error->message, "shutting down for maintenance"));

  server_finish (server);
}

/* The same, at the connection's level: the end of the stream, not a TLS error. */
static void
test_tls_eof_without_notify (void)
{
  Server *server = server_start (script_bye_and_drop, TRUE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = fingerprint_of_file (cert_pem);
  g_autofree char *greeting = NULL;
  g_autofree char *bye = NULL;
  g_autofree char *after = NULL;

  g_assert_true (tern_net_connection_set_pinned_certificate (conn, pin, &error));
  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  greeting = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_true (tern_net_connection_send_line (conn, "t1 NOOP", NULL, &error));
  bye = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_cmpstr (bye, ==, "* BYE Server shutting down for maintenance");
  after = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_null (after);
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED);

  server_finish (server);
}

static gboolean
memory_holds (const void *memory, gsize size, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; memory != NULL && i + n <= size; i++)
    if (memcmp ((const char *) memory + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* A secret line leaves nothing in the write buffer once sent: not after a flush, not
 * after the buffer grew past it, not after a close without a flush. */
static void
test_secret_wiped (void)
{
  Server *server = server_start (script_echo, FALSE);
  g_autoptr(TernNetConnection) conn = client_new (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *greeting = NULL;
  g_autofree char *reply = NULL;
  g_autofree char *bulk = g_malloc0 (256 * 1024);
  const guint8 *wbuf;
  gsize allocated = 0;

  g_assert_true (tern_net_connection_connect (conn, NULL, &error));
  greeting = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_no_error (error);
  tern_net_connection_queue_secret_line (conn, "PASS hunter2-Zq7", strlen ("PASS "));
  wbuf = _tern_net_connection_peek_write_buffer (conn, &allocated);
  g_assert_true (memory_holds (wbuf, allocated, "hunter2-Zq7"));
  g_assert_true (tern_net_connection_flush (conn, NULL, &error));
  g_assert_no_error (error);
  reply = tern_net_connection_read_line (conn, NULL, NULL, &error);
  g_assert_cmpstr (reply, ==, "+OK PASS hunter2-Zq7");
  wbuf = _tern_net_connection_peek_write_buffer (conn, &allocated);
  g_assert_false (memory_holds (wbuf, allocated, "hunter2-Zq7"));

  /* queued, then the buffer grows (a new block), then closed unsent */
  tern_net_connection_queue_line (conn, "USER alice");
  tern_net_connection_queue_secret (conn, "hunter3-Zq7", strlen ("hunter3-Zq7"));
  tern_net_connection_queue (conn, bulk, 256 * 1024);
  wbuf = _tern_net_connection_peek_write_buffer (conn, &allocated);
  g_assert_true (memory_holds (wbuf, allocated, "hunter3-Zq7"));
  tern_net_connection_close (conn);
  wbuf = _tern_net_connection_peek_write_buffer (conn, &allocated);
  g_assert_false (memory_holds (wbuf, allocated, "hunter3-Zq7"));

  server_finish (server);
}

static void
test_security_names (void)
{
  TernNetSecurity security;

  g_assert_true (tern_net_security_from_string ("starttls", &security));
  g_assert_cmpint (security, ==, TERN_NET_SECURITY_STARTTLS);
  g_assert_true (tern_net_security_from_string ("SSL", &security));
  g_assert_cmpint (security, ==, TERN_NET_SECURITY_TLS);
  g_assert_false (tern_net_security_from_string ("maybe", &security));
  g_assert_cmpstr (tern_net_security_to_string (TERN_NET_SECURITY_NONE), ==, "none");
}

/* ---- set-up ------------------------------------------------------------------------- */

static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if (g_strcmp0 (domain, TRANSCRIPT_DOMAIN) == 0 && message != NULL)
    {
      g_mutex_lock (&transcript_lock);
      g_string_append_printf (transcript, "%s\n", message);
      g_mutex_unlock (&transcript_lock);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
make_certificate (const char *name, char **cert, char **key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_name = g_strconcat (name, "-cert.pem", NULL);
  g_autofree char *key_name = g_strconcat (name, "-key.pem", NULL);
  int status = 0;

  *cert = g_build_filename (tmpdir, cert_name, NULL);
  *key = g_build_filename (tmpdir, key_name, NULL);
  {
    const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                           "-keyout", *key, "-out", *cert, "-subj", "/CN=localhost",
                           "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                       G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error))
      g_error ("cannot run openssl (install the openssl package): %s", error->message);
    if (!g_spawn_check_wait_status (status, &error))
      g_error ("openssl failed: %s", error->message);
  }
}

int
main (int argc, char **argv)
{
  int ret;

  /* the transcript is debug output of its own domain */
  g_setenv ("G_MESSAGES_DEBUG", TRANSCRIPT_DOMAIN, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  transcript = g_string_new (NULL);

  tmpdir = g_dir_make_tmp ("tern-net-XXXXXX", NULL);
  make_certificate ("server", &cert_pem, &key_pem);
  make_certificate ("other", &other_cert_pem, &other_key_pem);

  g_test_add_func ("/net/lines-and-exact-reads", test_lines_and_exact_reads);
  g_test_add_func ("/net/line-too-long", test_line_too_long);
  g_test_add_func ("/net/tls/untrusted", test_tls_untrusted);
  g_test_add_data_func ("/net/tls/pinned-sha256", "sha256", test_tls_pinned);
  g_test_add_data_func ("/net/tls/pinned-file", "file", test_tls_pinned);
  g_test_add_data_func ("/net/tls/pinned-pem", "pem", test_tls_pinned);
  g_test_add_func ("/net/tls/wrong-pin", test_tls_wrong_pin);
  g_test_add_func ("/net/tls/bad-pins", test_bad_pins);
  g_test_add_func ("/net/tls/handshake-timeout", test_tls_handshake_timeout);
  g_test_add_func ("/net/tls/eof-without-close-notify", test_tls_eof_without_notify);
  g_test_add_func ("/net/tls/bye-without-close-notify", test_tls_close_without_notify);
  g_test_add_func ("/net/starttls", test_starttls);
  g_test_add_func ("/net/starttls-injection", test_starttls_injection);
  g_test_add_func ("/net/connection-refused", test_connection_refused);
  g_test_add_func ("/net/read-timeout", test_read_timeout);
  g_test_add_func ("/net/cancel", test_cancel);
  g_test_add_func ("/net/transcript-redacted", test_transcript_redacted);
  g_test_add_func ("/net/secret-wiped", test_secret_wiped);
  g_test_add_func ("/net/security-names", test_security_names);

  ret = g_test_run ();

  for (char **f = (char *[]) { cert_pem, key_pem, other_cert_pem, other_key_pem, NULL }; *f != NULL; f++)
    {
      g_unlink (*f);
      g_free (*f);
    }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  g_string_free (transcript, TRUE);
  return ret;
}
