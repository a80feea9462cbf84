/* fake-mail-server.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-mail-server.h"

/* One thread accepts; each connection gets a thread of its own (detection probes a
 * server several times at once). Every command line received is logged, so that tests
 * can check what a client sent (a probe must never send credentials). */
struct _FakeServer
{
  FakeProtocol      protocol;
  FakeMode          mode;
  GTlsCertificate  *certificate;
  GSocketListener  *listener;
  guint16           port;
  GCancellable     *cancellable;
  GThread          *accept_thread;
  GMutex            lock;
  GPtrArray        *threads;
  GString          *commands;
  guint             connections;
};

typedef struct
{
  FakeServer        *server;
  GSocketConnection *connection;
  GIOStream         *stream;
} Client;

static void
client_write (Client     *c,
              const char *text)
{
  g_output_stream_write_all (g_io_stream_get_output_stream (c->stream), text, strlen (text), NULL,
                             c->server->cancellable, NULL);
}

/* Reads a line without its line end; NULL at the end of the stream. */
static char *
client_read_line (Client *c)
{
  GInputStream *in = g_io_stream_get_input_stream (c->stream);
  g_autoptr(GString) line = g_string_new (NULL);
  char ch;

  for (;;)
    {
      gssize n = g_input_stream_read (in, &ch, 1, c->server->cancellable, NULL);

      if (n <= 0)
        return NULL;
      if (ch == '\n')
        break;
      if (ch != '\r')
        g_string_append_c (line, ch);
      if (line->len > 4096)
        return NULL;
    }

  g_mutex_lock (&c->server->lock);
  g_string_append_printf (c->server->commands, "%s\n", line->str);
  g_mutex_unlock (&c->server->lock);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

static gboolean
client_start_tls (Client *c)
{
  GIOStream *tls = g_tls_server_connection_new (G_IO_STREAM (c->connection), c->server->certificate, NULL);

  if (tls == NULL)
    return FALSE;
  /* The client may reject the certificate; some tests want exactly that. */
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), c->server->cancellable, NULL))
    {
      g_object_unref (tls);
      return FALSE;
    }
  g_clear_object (&c->stream);
  c->stream = tls;
  return TRUE;
}

static gboolean
encrypted (Client *c)
{
  return G_IS_TLS_CONNECTION (c->stream);
}

static void
serve_imap (Client *c)
{
  FakeMode mode = c->server->mode;

  if (mode == FAKE_MODE_REFUSE)
    {
      client_write (c, "* BYE Too many connections from your address\r\n");
      return;
    }
  client_write (c, mode == FAKE_MODE_STARTTLS ? "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Fake IMAP ready\r\n"
                                              : "* OK Fake IMAP ready\r\n");

  for (;;)
    {
      g_autofree char *line = client_read_line (c);
      g_auto(GStrv) words = NULL;
      g_autofree char *reply = NULL;

      if (line == NULL)
        return;
      words = g_strsplit (line, " ", 3);
      if (words[0] == NULL || words[1] == NULL)
        {
          client_write (c, "* BAD what?\r\n");
          continue;
        }

      if (g_ascii_strcasecmp (words[1], "CAPABILITY") == 0)
        {
          if (mode == FAKE_MODE_STARTTLS && !encrypted (c))
            client_write (c, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED IDLE\r\n");
          else
            client_write (c, "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN IDLE\r\n");
          reply = g_strdup_printf ("%s OK CAPABILITY done\r\n", words[0]);
          client_write (c, reply);
        }
      else if (g_ascii_strcasecmp (words[1], "STARTTLS") == 0 && mode == FAKE_MODE_STARTTLS && !encrypted (c))
        {
          reply = g_strdup_printf ("%s OK Begin TLS negotiation now\r\n", words[0]);
          client_write (c, reply);
          if (!client_start_tls (c))
            return;
        }
      else if (g_ascii_strcasecmp (words[1], "LOGOUT") == 0)
        {
          reply = g_strdup_printf ("* BYE Logging out\r\n%s OK LOGOUT done\r\n", words[0]);
          client_write (c, reply);
          return;
        }
      else
        {
          reply = g_strdup_printf ("%s BAD Unknown command\r\n", words[0]);
          client_write (c, reply);
        }
    }
}

static void
serve_pop3 (Client *c)
{
  FakeMode mode = c->server->mode;

  if (mode == FAKE_MODE_REFUSE)
    {
      client_write (c, "-ERR [SYS/TEMP] Server busy, try later\r\n");
      return;
    }
  client_write (c, "+OK Fake POP3 ready\r\n");

  for (;;)
    {
      g_autofree char *line = client_read_line (c);

      if (line == NULL)
        return;

      if (g_ascii_strcasecmp (line, "CAPA") == 0)
        {
          client_write (c, "+OK Capability list follows\r\nTOP\r\nUIDL\r\n");
          if (mode == FAKE_MODE_STARTTLS && !encrypted (c))
            client_write (c, "STLS\r\n");
          else
            client_write (c, "USER\r\nSASL PLAIN\r\n");
          client_write (c, ".\r\n");
        }
      else if (g_ascii_strcasecmp (line, "STLS") == 0 && mode == FAKE_MODE_STARTTLS && !encrypted (c))
        {
          client_write (c, "+OK Begin TLS negotiation\r\n");
          if (!client_start_tls (c))
            return;
        }
      else if (g_ascii_strcasecmp (line, "QUIT") == 0)
        {
          client_write (c, "+OK Bye\r\n");
          return;
        }
      else
        {
          client_write (c, "-ERR Unknown command\r\n");
        }
    }
}

static void
serve_smtp (Client *c)
{
  FakeMode mode = c->server->mode;

  if (mode == FAKE_MODE_REFUSE)
    {
      client_write (c, "554-fake.test No SMTP service here\r\n554 5.3.2 Go away\r\n");
      return;
    }
  client_write (c, "220-fake.test ESMTP\r\n220 Fake SMTP ready\r\n");

  for (;;)
    {
      g_autofree char *line = client_read_line (c);

      if (line == NULL)
        return;

      if (g_ascii_strncasecmp (line, "EHLO ", 5) == 0)
        {
          client_write (c, "250-fake.test Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n");
          if (mode == FAKE_MODE_STARTTLS && !encrypted (c))
            client_write (c, "250-STARTTLS\r\n");
          else
            client_write (c, "250-AUTH PLAIN LOGIN\r\n");
          client_write (c, "250 8BITMIME\r\n");
        }
      else if (g_ascii_strcasecmp (line, "STARTTLS") == 0 && mode == FAKE_MODE_STARTTLS && !encrypted (c))
        {
          client_write (c, "220 2.0.0 Ready to start TLS\r\n");
          if (!client_start_tls (c))
            return;
        }
      else if (g_ascii_strcasecmp (line, "QUIT") == 0)
        {
          client_write (c, "221 2.0.0 Bye\r\n");
          return;
        }
      else
        {
          client_write (c, "502 5.5.2 Unknown command\r\n");
        }
    }
}

static gpointer
client_thread (gpointer data)
{
  Client *c = data;

  if (c->server->mode == FAKE_MODE_SILENT)
    {
      /* Reads and ignores everything until the client goes away. */
      GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (c->connection));
      char buffer[256];

      while (g_input_stream_read (in, buffer, sizeof buffer, c->server->cancellable, NULL) > 0)
        ;
    }
  else
    {
      c->stream = g_object_ref (G_IO_STREAM (c->connection));
      if (c->server->mode != FAKE_MODE_TLS || client_start_tls (c))
        {
          switch (c->server->protocol)
            {
            case FAKE_IMAP:
              serve_imap (c);
              break;
            case FAKE_POP3:
              serve_pop3 (c);
              break;
            case FAKE_SMTP:
            default:
              serve_smtp (c);
              break;
            }
        }
      g_io_stream_close (c->stream, NULL, NULL);
      g_clear_object (&c->stream);
    }

  g_io_stream_close (G_IO_STREAM (c->connection), NULL, NULL);
  g_object_unref (c->connection);
  g_free (c);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  FakeServer *server = data;

  for (;;)
    {
      GSocketConnection *connection = g_socket_listener_accept (server->listener, NULL, server->cancellable, NULL);
      Client *c;

      if (connection == NULL)
        return NULL;

      c = g_new0 (Client, 1);
      c->server = server;
      c->connection = connection;
      g_mutex_lock (&server->lock);
      server->connections++;
      g_ptr_array_add (server->threads, g_thread_new ("fake-client", client_thread, c));
      g_mutex_unlock (&server->lock);
    }
}

FakeServer *
fake_server_start (FakeProtocol  protocol,
                   FakeMode      mode,
                   const char   *cert_file,
                   const char   *key_file)
{
  FakeServer *server = g_new0 (FakeServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  server->protocol = protocol;
  server->mode = mode;
  server->certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  g_assert_no_error (error);
  server->listener = g_socket_listener_new ();
  g_socket_listener_add_address (server->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  server->cancellable = g_cancellable_new ();
  g_mutex_init (&server->lock);
  server->threads = g_ptr_array_new ();
  server->commands = g_string_new (NULL);
  server->accept_thread = g_thread_new ("fake-accept", accept_thread, server);

  return server;
}

guint16
fake_server_get_port (FakeServer *server)
{
  return server->port;
}

guint
fake_server_get_n_connections (FakeServer *server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->connections;
  g_mutex_unlock (&server->lock);
  return n;
}

/* Every line the clients sent, one per line. */
char *
fake_server_dup_commands (FakeServer *server)
{
  char *text;

  g_mutex_lock (&server->lock);
  text = g_strdup (server->commands->str);
  g_mutex_unlock (&server->lock);
  return text;
}

void
fake_server_stop (FakeServer *server)
{
  g_cancellable_cancel (server->cancellable);
  g_thread_join (server->accept_thread);
  for (guint i = 0; i < server->threads->len; i++)
    g_thread_join (server->threads->pdata[i]);
  g_socket_listener_close (server->listener);
  g_object_unref (server->listener);
  g_object_unref (server->cancellable);
  g_object_unref (server->certificate);
  g_ptr_array_unref (server->threads);
  g_string_free (server->commands, TRUE);
  g_mutex_clear (&server->lock);
  g_free (server);
}

guint16
fake_unused_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

void
fake_make_certificate (const char  *dir,
                       const char  *name,
                       char       **cert_file,
                       char       **key_file)
{
  g_autofree char *cert = g_strdup_printf ("%s/%s-cert.pem", dir, name);
  g_autofree char *key = g_strdup_printf ("%s/%s-key.pem", dir, name);
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "2", "-sha256", "-subj", "/CN=localhost/O=Tern Test",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-keyout", key, "-out", cert, NULL
  };
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    g_error ("cannot run openssl (install the openssl package): %s", error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("openssl failed: %s", error->message);

  *cert_file = g_steal_pointer (&cert);
  *key_file = g_steal_pointer (&key);
}
