/* test-fake-server.c: the scripted fake server itself, so that a test built on it
 * can trust a script that passes
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "fake-server.h"

/* ---- a plain GIO client ------------------------------------------------------------ */

typedef struct
{
  GIOStream        *stream;
  GDataInputStream *in;
} Client;

static gboolean
accept_any_cb (GTlsConnection       *connection,
               GTlsCertificate      *certificate,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

static void
client_wrap (Client    *client,
             GIOStream *stream)
{
  g_clear_object (&client->in);
  g_clear_object (&client->stream);
  client->stream = stream;
  client->in = g_data_input_stream_new (g_io_stream_get_input_stream (stream));
  /* a TLS upgrade drops the plain reader, not the stream under it */
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (client->in), FALSE);
  g_data_input_stream_set_newline_type (client->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
}

static void
client_connect (Client     *client,
                FakeServer *server)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  memset (client, 0, sizeof *client);
  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fake_server_get_port (server),
                                                NULL,
                                                &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 10);
  client_wrap (client, G_IO_STREAM (connection));
}

static void
client_start_tls (Client *client)
{
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  g_assert_cmpuint (g_buffered_input_stream_get_available (G_BUFFERED_INPUT_STREAM (client->in)), ==, 0);
  tls = g_tls_client_connection_new (client->stream, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);
  client_wrap (client, tls);   /* the TLS connection holds the plain one */
}

static void
client_send (Client     *client,
             const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (client->stream), text, strlen (text), NULL, NULL,
                             &error);
  g_assert_no_error (error);
}

/* A line without its CRLF; NULL at the end of the stream. */
static char *
client_read_line (Client *client)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  char *line = g_data_input_stream_read_line (client->in, &length, NULL, &error);

  if (error != NULL)
    g_test_message ("the client reads: %s", error->message);
  return line;
}

static void
client_close (Client *client)
{
  g_io_stream_close (client->stream, NULL, NULL);
  g_clear_object (&client->in);
  g_clear_object (&client->stream);
}

static char *
finish_failure (FakeServer *server)
{
  char *failure = NULL;

  g_assert_false (fake_server_finish (server, &failure));
  g_assert_nonnull (failure);
  g_test_message ("the fake server says: %s", failure);
  return failure;
}

/* ---- tests ------------------------------------------------------------------------- */

static void
test_exchange (void)
{
  const char *script[] = {
    "S:* OK hello", "C#NOOP", "T:OK noop", "C~a2 SELECT *", "S:a2 OK [READ-WRITE] done", "C#CHECK", "T:OK",
    "C#~APPEND \"Sent\" {*}", "C:literal line", "T:OK appended",
    "REPEAT:3:* 1 EXISTS", "R:raw\\000nul\\xff\\r\\n", "C:bye", "WAIT_CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autofree char *line = NULL;
  g_autofree char *commands = NULL;
  Client client;
  gsize length = 0;

  client_connect (&client, server);
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "* OK hello");
  g_clear_pointer (&line, g_free);
  client_send (&client, "a1 NOOP\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "a1 OK noop");
  g_clear_pointer (&line, g_free);
  client_send (&client, "a2 SELECT \"INBOX\"\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "a2 OK [READ-WRITE] done");
  g_clear_pointer (&line, g_free);
  client_send (&client, "x9 CHECK\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "x9 OK");
  g_clear_pointer (&line, g_free);
  /* the reply after a literal answers the command, not the literal's last line */
  client_send (&client, "x10 APPEND \"Sent\" {14+}\r\nliteral line\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "x10 OK appended");
  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&line, g_free);
      g_assert_cmpstr ((line = client_read_line (&client)), ==, "* 1 EXISTS");
    }
  g_clear_pointer (&line, g_free);
  line = g_data_input_stream_read_line (client.in, &length, NULL, NULL);
  g_assert_cmpmem (line, length, "raw\0nul\xff", 8);
  client_send (&client, "bye\r\n");
  client_close (&client);

  fake_server_assert_finished (server);
  commands = fake_server_dup_commands (server);
  g_assert_cmpstr (commands, ==,
                   "a1 NOOP\na2 SELECT \"INBOX\"\nx9 CHECK\nx10 APPEND \"Sent\" {14+}\nliteral line\nbye\n");
  g_assert_cmpuint (fake_server_get_n_connections (server), ==, 1);
}

static void
test_mismatch (void)
{
  const char *exact[] = { "S:* OK", "C:a1 LOGIN", "S:never sent", NULL };
  const char *pattern[] = { "S:* OK", "C~a? SELECT *", NULL };
  const char *tagged[] = { "S:* OK", "C#SELECT \"INBOX\"", NULL };
  const char *close_early[] = { "S:* OK", "C:a1 NOOP", NULL };
  const char *bad_step[] = { "S:* OK", "Q:what", NULL };
  const char *after_close[] = { "CLOSE", "S:too late", NULL };
  const char *wait_close[] = { "WAIT_CLOSE", NULL };
  struct
  {
    const char * const *script;
    const char         *send;
    const char         *failure;
  } cases[] = {
    { exact, "a1 LOGOUT\r\n", "connection 1, step 2 “C:a1 LOGIN”: expected “a1 LOGIN”, got “a1 LOGOUT”" },
    { pattern, "a10 SELECT x\r\n",
      "connection 1, step 2 “C~a? SELECT *”: expected “a? SELECT *”, got “a10 SELECT x”" },
    { tagged, "SELECT \"INBOX\"\r\n",
      "connection 1, step 2 “C#SELECT \"INBOX\"”: expected “TAG SELECT \"INBOX\"”, got “SELECT \"INBOX\"”" },
    { close_early, NULL, "connection 1, step 2 “C:a1 NOOP”: expected “a1 NOOP”, got the end of the stream" },
    { bad_step, NULL, "connection 1, step 2 “Q:what”: not a step" },
    { after_close, NULL, "connection 1, step 1 “CLOSE”: steps follow the end of the connection" },
    { wait_close, "a1 NOOP\r\n",
      "connection 1, step 1 “WAIT_CLOSE”: expected the client to close, got “a1 NOOP”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FakeServer) server = fake_server_new (cases[i].script);
      g_autofree char *failure = NULL;
      Client client;

      client_connect (&client, server);
      if (g_str_has_prefix (cases[i].script[0], "S:"))
        {
          /* read, or the close would be a reset */
          g_autofree char *greeting = client_read_line (&client);
          g_assert_cmpstr (greeting, ==, "* OK");
        }
      if (cases[i].send != NULL)
        client_send (&client, cases[i].send);
      g_usleep (G_USEC_PER_SEC / 20);
      client_close (&client);
      failure = finish_failure (server);
      g_assert_cmpstr (failure, ==, cases[i].failure);
    }
}

/* One connection after the other, each with its part of the script; one more fails. */
static void
test_accept (void)
{
  const char *script[] = { "S:first", "CLOSE", "ACCEPT", "S:second", "C:done", "ACCEPT", "S:third", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autofree char *failure = NULL;
  const char *greetings[] = { "first", "second", "third" };
  Client client;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *line = NULL;

      client_connect (&client, server);
      g_assert_cmpstr ((line = client_read_line (&client)), ==, greetings[i]);
      if (i == 0)
        {
          g_autofree char *end = client_read_line (&client);
          g_assert_null (end);
        }
      if (i == 1)
        client_send (&client, "done\r\n");
      client_close (&client);
    }
  fake_server_assert_finished (server);
  g_assert_cmpuint (fake_server_get_n_connections (server), ==, 3);

  /* the same script, and a fourth connection */
  {
    g_autoptr(FakeServer) again = fake_server_new (script);

    for (guint i = 0; i < 4; i++)
      {
        client_connect (&client, again);
        if (i == 1)
          client_send (&client, "done\r\n");
        g_usleep (G_USEC_PER_SEC / 20);
        client_close (&client);
      }
    failure = finish_failure (again);
    g_assert_cmpstr (failure, ==, "connection 4: the script has 3");
  }
}

static void
test_every_connection (void)
{
  const char *script[] = { "S:hello", "C#~?", "T:there", NULL };
  g_autoptr(FakeServer) server = fake_server_new_full (FAKE_SERVER_EVERY_CONNECTION, NULL, script);
  Client clients[5];

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    client_connect (&clients[i], server);
  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_autofree char *hello = client_read_line (&clients[i]);
      g_autofree char *line = g_strdup_printf ("HELLO %u\r\n", i);
      g_autofree char *answer = NULL;

      g_assert_cmpstr (hello, ==, "hello");
      client_send (&clients[i], line);
      answer = client_read_line (&clients[i]);
      g_assert_cmpstr (answer, ==, "HELLO there");
      client_close (&clients[i]);
    }
  fake_server_assert_finished (server);
  g_assert_cmpuint (fake_server_get_n_connections (server), ==, 5);
}

/* Message data is kept as it came, CRLFs and a bare LF included. */
static void
test_data (void)
{
  const char *script[] = { "C:DATA", "D:", "S:250 ok", "D:", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autofree char *line = NULL;
  Client client;

  client_connect (&client, server);
  client_send (&client, "DATA\r\nSubject: x\r\n\r\nbare\nlf\r\n..stuffed\r\n.\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "250 ok");
  client_send (&client, "no end");
  client_close (&client);

  g_assert_false (fake_server_finish (server, NULL));
  g_assert_cmpuint (fake_server_get_n_data (server), ==, 1);
  g_assert_cmpmem (g_bytes_get_data (fake_server_get_data (server, 0), NULL),
                   g_bytes_get_size (fake_server_get_data (server, 0)),
                   "Subject: x\r\n\r\nbare\nlf\r\n..stuffed\r\n", 34);
}

static void
test_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *step = NULL;
  g_autoptr(FakeServer) server = NULL;
  char buffer[64];
  gsize got = 0;
  Client client;
  int fd;

  fd = g_file_open_tmp ("fake-server-XXXXXX.txt", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, "one\ntwo\r\nthree\n", -1, &error);
  g_assert_no_error (error);
  step = g_strconcat ("F:", path, NULL);
  server = fake_server_new ((const char *[]) { step, NULL });

  client_connect (&client, server);
  g_input_stream_read_all (G_INPUT_STREAM (client.in), buffer, sizeof buffer, &got, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (buffer, got, "one\r\ntwo\r\nthree\r\n", 17);
  client_close (&client);
  fake_server_assert_finished (server);
  g_unlink (path);
}

/* TLS from the first byte, and TLS started by a step, with the test certificate. */
static void
test_tls (void)
{
  const char *implicit[] = { "S:* OK secure", "C#NOOP", "T:OK", NULL };
  const char *starttls[] = { "S:* OK plain", "C#STARTTLS", "T:OK go", "TLS", "C#NOOP", "T:OK secure", NULL };
  g_autoptr(FakeServer) server = fake_server_new_full (FAKE_SERVER_TLS, NULL, implicit);
  g_autoptr(FakeServer) upgraded = fake_server_new (starttls);
  GTlsCertificate *peer;
  Client client;
  char *line;

  client_connect (&client, server);
  client_start_tls (&client);
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (client.stream));
  g_assert_true (g_tls_certificate_is_same (peer, fake_server_get_test_certificate ()));
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "* OK secure");
  g_free (line);
  client_send (&client, "a1 NOOP\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "a1 OK");
  g_free (line);
  client_close (&client);
  fake_server_assert_finished (server);

  client_connect (&client, upgraded);
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "* OK plain");
  g_free (line);
  client_send (&client, "a1 STARTTLS\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "a1 OK go");
  g_free (line);
  client_start_tls (&client);
  client_send (&client, "a2 NOOP\r\n");
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "a2 OK secure");
  g_free (line);
  client_close (&client);
  fake_server_assert_finished (upgraded);
}

/* Bytes sent after STARTTLS and before the handshake are an injection: a failure. */
static void
test_tls_injection (void)
{
  const char *starttls[] = { "C#STARTTLS", "T:OK go", "TLS", NULL };
  g_autoptr(FakeServer) server = fake_server_new (starttls);
  g_autofree char *failure = NULL;
  g_autofree char *line = NULL;
  Client client;

  client_connect (&client, server);
  client_send (&client, "a1 STARTTLS\r\na2 NOOP\r\n");
  line = client_read_line (&client);
  client_close (&client);
  failure = finish_failure (server);
  g_assert_nonnull (strstr (failure, "before the TLS handshake"));
}

static void
test_reset_and_endless (void)
{
  const char *reset[] = { "S:* OK", "SLEEP:50", "RESET", NULL };
  const char *endless[] = { "ENDLESS:64", NULL };
  g_autoptr(FakeServer) server = fake_server_new (reset);
  g_autoptr(FakeServer) flood = fake_server_new (endless);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length = 0;
  char buffer[256];
  Client client;

  client_connect (&client, server);
  g_assert_cmpstr ((line = client_read_line (&client)), ==, "* OK");
  g_usleep (G_USEC_PER_SEC / 5);
  g_input_stream_read (G_INPUT_STREAM (client.in), buffer, sizeof buffer, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  client_close (&client);
  fake_server_assert_finished (server);

  client_connect (&client, flood);
  g_clear_pointer (&line, g_free);
  line = g_data_input_stream_read_line (client.in, &length, NULL, NULL);
  g_assert_cmpuint (length, ==, 64 * 1024);
  g_assert_cmpuint (strspn (line, "a"), ==, 64 * 1024);
  client_close (&client);
  fake_server_assert_finished (flood);
}

/* A handler, with the script steps as its vocabulary. */
static void
echo_handler (FakeConnection *connection,
              gpointer        user_data)
{
  g_autofree char *line = NULL;

  fake_connection_send_line (connection, "ready");
  while ((line = fake_connection_read_line (connection)) != NULL)
    {
      g_autofree char *echo = g_strdup_printf ("S:%u %s", fake_connection_get_index (connection), line);

      if (g_str_equal (line, "fail"))
        fake_connection_fail (connection, "told to fail");
      if (!fake_connection_run_step (connection, echo))
        return;
      g_clear_pointer (&line, g_free);
    }
}

static void
test_handler (void)
{
  g_autoptr(FakeServer) server = fake_server_new_handler (FAKE_SERVER_FLAGS_NONE, NULL, echo_handler, NULL);
  g_autofree char *failure = NULL;
  Client client;
  char *line;

  for (guint i = 1; i <= 2; i++)
    {
      g_autofree char *want = g_strdup_printf ("%u hello", i);

      client_connect (&client, server);
      g_assert_cmpstr ((line = client_read_line (&client)), ==, "ready");
      g_free (line);
      client_send (&client, i == 2 ? "hello\r\nfail\r\n" : "hello\r\n");
      g_assert_cmpstr ((line = client_read_line (&client)), ==, want);
      g_free (line);
      client_close (&client);
    }
  g_usleep (G_USEC_PER_SEC / 20);
  failure = finish_failure (server);
  g_assert_cmpstr (failure, ==, "connection 2: told to fail");
}

static void
test_unused_port (void)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fake_server_unused_port (), NULL,
                                                &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/fake-server/exchange", test_exchange);
  g_test_add_func ("/fake-server/mismatch", test_mismatch);
  g_test_add_func ("/fake-server/accept", test_accept);
  g_test_add_func ("/fake-server/every-connection", test_every_connection);
  g_test_add_func ("/fake-server/data", test_data);
  g_test_add_func ("/fake-server/file", test_file);
  g_test_add_func ("/fake-server/tls", test_tls);
  g_test_add_func ("/fake-server/tls-injection", test_tls_injection);
  g_test_add_func ("/fake-server/reset-and-endless", test_reset_and_endless);
  g_test_add_func ("/fake-server/handler", test_handler);
  g_test_add_func ("/fake-server/unused-port", test_unused_port);

  return g_test_run ();
}
