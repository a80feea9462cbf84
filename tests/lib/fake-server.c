/* fake-server.c: a scripted mail server on 127.0.0.1 for the unit tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <glib/gstdio.h>

#include "fake-server.h"

/* How long fake_server_finish() waits for the script's connections to end, and how
 * long a read or a write may block. */
#define FINISH_TIMEOUT_SECONDS 20
#define SOCKET_TIMEOUT_SECONDS 30
#define MAX_LINE (1024 * 1024)

struct _FakeServer
{
  FakeServerFlags    flags;
  GTlsCertificate   *certificate;
  GPtrArray         *segments;     /* GStrv: the steps of each connection in turn */
  char             **script;       /* FAKE_SERVER_EVERY_CONNECTION: every connection's */
  FakeServerHandler  handler;
  gpointer           handler_data;

  GSocketListener   *listener;
  guint16            port;
  GCancellable      *cancellable;
  GThread           *accept_thread;

  GMutex             lock;
  GCond              cond;
  GPtrArray         *threads;      /* GThread: one per connection */
  guint              n_connections;
  guint              n_ended;      /* connections whose script or handler is over */
  GString           *commands;
  GPtrArray         *data;         /* GBytes */
  char              *failure;
  gboolean           finished;
};

typedef enum
{
  STEP_NEXT,
  STEP_END,      /* the connection is over, as the script says */
  STEP_FAILED,
} StepResult;

struct _FakeConnection
{
  FakeServer        *server;
  guint              index;        /* 1 for the first connection */
  GSocketConnection *socket;
  GIOStream         *stream;       /* the socket, or TLS over it */
  GByteArray        *buffer;       /* received, not read yet */
  gboolean           eof;
  char              *last_tag;
  guint              step_number;  /* 1-based; 0 outside a script */
  const char        *step;
};

/* ---- failures ----------------------------------------------------------------------- */

G_GNUC_PRINTF (2, 0)
static void
fake_connection_failv (FakeConnection *self,
                       const char     *format,
                       va_list         args)
{
  FakeServer *server = self->server;
  g_autofree char *text = g_strdup_vprintf (format, args);

  g_mutex_lock (&server->lock);
  if (server->failure == NULL)
    {
      if (self->step != NULL)
        server->failure = g_strdup_printf ("connection %u, step %u “%s”: %s", self->index, self->step_number,
                                           self->step, text);
      else
        server->failure = g_strdup_printf ("connection %u: %s", self->index, text);
    }
  g_mutex_unlock (&server->lock);
}

void
fake_connection_fail (FakeConnection *self,
                      const char     *format,
                      ...)
{
  va_list args;

  va_start (args, format);
  fake_connection_failv (self, format, args);
  va_end (args);
}

static void
server_fail (FakeServer *self,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
server_fail (FakeServer *self,
             const char *format,
             ...)
{
  va_list args;

  g_mutex_lock (&self->lock);
  if (self->failure == NULL)
    {
      va_start (args, format);
      self->failure = g_strdup_vprintf (format, args);
      va_end (args);
    }
  g_mutex_unlock (&self->lock);
}

/* ---- the wire ------------------------------------------------------------------------ */

guint
fake_connection_get_index (FakeConnection *self)
{
  return self->index;
}

static gboolean
send_bytes (FakeConnection *self,
            const void     *data,
            gsize           length,
            gboolean        quiet)
{
  g_autoptr(GError) error = NULL;

  if (g_output_stream_write_all (g_io_stream_get_output_stream (self->stream), data, length, NULL,
                                 self->server->cancellable, &error))
    return TRUE;
  if (!quiet)
    fake_connection_fail (self, "the server could not send: %s", error->message);
  return FALSE;
}

gboolean
fake_connection_send (FakeConnection *self,
                      const char     *text)
{
  return send_bytes (self, text, strlen (text), FALSE);
}

gboolean
fake_connection_send_line (FakeConnection *self,
                           const char     *line)
{
  g_autofree char *text = g_strconcat (line, "\r\n", NULL);

  return send_bytes (self, text, strlen (text), FALSE);
}

/* Reads more into the buffer; FALSE at the end of the stream (or on an error, which
 * ends it too: a client that resets the connection has closed it). */
static gboolean
fill (FakeConnection  *self,
      GError         **error)
{
  guint8 chunk[16384];
  gssize n;

  if (self->eof)
    return FALSE;
  n = g_input_stream_read (g_io_stream_get_input_stream (self->stream), chunk, sizeof chunk,
                           self->server->cancellable, error);
  if (n <= 0)
    {
      self->eof = TRUE;
      return FALSE;
    }
  g_byte_array_append (self->buffer, chunk, n);
  return TRUE;
}

/* The bytes up to and with the next LF (or what is left at the end of the stream),
 * or NULL at the end. */
static GBytes *
read_raw_line (FakeConnection  *self,
               GError         **error)
{
  gsize searched = 0;

  for (;;)
    {
      const guint8 *lf = NULL;

      if (self->buffer->len > searched)
        lf = memchr (self->buffer->data + searched, '\n', self->buffer->len - searched);
      if (lf != NULL)
        {
          gsize length = lf - self->buffer->data + 1;
          GBytes *line = g_bytes_new (self->buffer->data, length);

          g_byte_array_remove_range (self->buffer, 0, length);
          return line;
        }
      searched = self->buffer->len;
      if (self->buffer->len > MAX_LINE)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE, "a line of over %u bytes", MAX_LINE);
          return NULL;
        }
      if (!fill (self, error))
        {
          GBytes *rest;

          if (self->buffer->len == 0)
            return NULL;
          rest = g_bytes_new (self->buffer->data, self->buffer->len);
          g_byte_array_set_size (self->buffer, 0);
          return rest;
        }
    }
}

static char *
read_line_full (FakeConnection  *self,
                GError         **error)
{
  g_autoptr(GBytes) raw = read_raw_line (self, error);
  const char *data;
  gsize length;
  char *line;

  if (raw == NULL)
    return NULL;
  data = g_bytes_get_data (raw, &length);
  if (length > 0 && data[length - 1] == '\n')
    length--;
  if (length > 0 && data[length - 1] == '\r')
    length--;
  line = g_strndup (data, length);

  g_mutex_lock (&self->server->lock);
  g_string_append_printf (self->server->commands, "%s\n", line);
  g_mutex_unlock (&self->server->lock);
  return line;
}

/**
 * fake_connection_read_line:
 *
 * Returns: the next line the client sent, without its line end, or %NULL when the
 *   client closed the connection
 */
char *
fake_connection_read_line (FakeConnection *self)
{
  return read_line_full (self, NULL);
}

gboolean
fake_connection_is_tls (FakeConnection *self)
{
  return G_IS_TLS_CONNECTION (self->stream);
}

/* The client may well refuse the certificate: some tests want exactly that. Then this
 * fails (the failure is the script's). */
gboolean
fake_connection_start_tls (FakeConnection *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = NULL;
  GTlsCertificate *certificate = self->server->certificate;

  if (self->buffer->len > 0)
    {
      fake_connection_fail (self, "the client sent %u bytes before the TLS handshake", self->buffer->len);
      return FALSE;
    }
  if (certificate == NULL)
    certificate = fake_server_get_test_certificate ();
  tls = g_tls_server_connection_new (G_IO_STREAM (self->socket), certificate, &error);
  if (tls == NULL ||
      !g_tls_connection_handshake (G_TLS_CONNECTION (tls), self->server->cancellable, &error))
    {
      fake_connection_fail (self, "TLS: %s", error->message);
      return FALSE;
    }
  g_clear_object (&self->stream);
  self->stream = g_steal_pointer (&tls);
  return TRUE;
}

static void
reset_connection (FakeConnection *self)
{
  GSocket *socket = g_socket_connection_get_socket (self->socket);
  struct linger linger = { 1, 0 };

  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

/* ---- steps ----------------------------------------------------------------------------- */

/* C unescaping like g_strcompress(), but \000 gives a NUL and \xHH a byte. */
static GBytes *
unescape (const char *text)
{
  GByteArray *out = g_byte_array_new ();

  for (const char *p = text; *p != '\0'; p++)
    {
      guint8 byte = (guint8) *p;

      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          switch (*p)
            {
            case 'b': byte = '\b'; break;
            case 'f': byte = '\f'; break;
            case 'n': byte = '\n'; break;
            case 'r': byte = '\r'; break;
            case 't': byte = '\t'; break;
            case 'v': byte = '\v'; break;
            case 'x':
              if (g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
                {
                  byte = (guint8) (g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]));
                  p += 2;
                }
              else
                byte = 'x';
              break;
            case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
              {
                guint value = 0;

                for (guint i = 0; i < 3 && *p >= '0' && *p <= '7'; i++, p++)
                  value = value * 8 + (guint) (*p - '0');
                p--;
                byte = (guint8) value;
              }
              break;
            default:
              byte = (guint8) *p;
              break;
            }
        }
      g_byte_array_append (out, &byte, 1);
    }
  return g_byte_array_free_to_bytes (out);
}

static StepResult
step_send_file (FakeConnection *self,
                const char     *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) crlf = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      fake_connection_fail (self, "cannot read %s: %s", path, error->message);
      return STEP_FAILED;
    }
  crlf = g_string_sized_new (length + length / 16);
  for (gsize i = 0; i < length; i++)
    {
      if (contents[i] == '\n' && (i == 0 || contents[i - 1] != '\r'))
        g_string_append_c (crlf, '\r');
      g_string_append_c (crlf, contents[i]);
    }
  return send_bytes (self, crlf->str, crlf->len, FALSE) ? STEP_NEXT : STEP_FAILED;
}

static StepResult
step_expect (FakeConnection *self,
             const char     *step)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = read_line_full (self, &error);
  const char *want = step + 2;

  if (line == NULL)
    {
      fake_connection_fail (self, "expected “%s”, got %s", want,
                            error != NULL ? error->message : "the end of the stream");
      return STEP_FAILED;
    }
  if (step[1] == '#')
    {
      /* a tag, then the text exactly or ("~") by pattern */
      const char *space = strchr (line, ' ');

      if (space == NULL || space == line ||
          (want[0] == '~' ? !g_pattern_match_simple (want + 1, space + 1) : !g_str_equal (space + 1, want)))
        {
          fake_connection_fail (self, "expected “TAG %s”, got “%s”", want, line);
          return STEP_FAILED;
        }
      g_free (self->last_tag);
      self->last_tag = g_strndup (line, space - line);
      return STEP_NEXT;
    }
  if (step[1] == ':' ? !g_str_equal (line, want) : !g_pattern_match_simple (want, line))
    {
      fake_connection_fail (self, "expected “%s”, got “%s”", want, line);
      return STEP_FAILED;
    }
  return STEP_NEXT;
}

static StepResult
step_data (FakeConnection *self)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) line = read_raw_line (self, &error);
      gsize length = 0;
      const guint8 *bytes;

      if (line == NULL)
        {
          fake_connection_fail (self, "the message data ended early: %s",
                                error != NULL ? error->message : "the end of the stream");
          return STEP_FAILED;
        }
      bytes = g_bytes_get_data (line, &length);
      if (length == 3 && memcmp (bytes, ".\r\n", 3) == 0)
        break;
      g_byte_array_append (data, bytes, length);
    }
  g_mutex_lock (&self->server->lock);
  g_ptr_array_add (self->server->data, g_byte_array_free_to_bytes (g_steal_pointer (&data)));
  g_mutex_unlock (&self->server->lock);
  return STEP_NEXT;
}

static StepResult
step_wait_close (FakeConnection *self,
                 gboolean        drain)
{
  for (;;)
    {
      g_autofree char *line = NULL;

      if (drain)
        {
          g_byte_array_set_size (self->buffer, 0);
          if (!fill (self, NULL))
            return STEP_END;
          continue;
        }
      line = read_line_full (self, NULL);
      if (line == NULL)
        return STEP_END;
      fake_connection_fail (self, "expected the client to close, got “%s”", line);
      return STEP_FAILED;
    }
}

static void
sleep_ms (FakeConnection *self,
          guint64         ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  /* in slices, so that stopping the server does not wait for the whole sleep */
  for (gint64 left = end - g_get_monotonic_time ();
       left > 0 && !g_cancellable_is_cancelled (self->server->cancellable);
       left = end - g_get_monotonic_time ())
    g_usleep (MIN (left, 10000));
}

static StepResult
run_step (FakeConnection *self,
          const char     *step)
{
  if (g_str_has_prefix (step, "S:"))
    return fake_connection_send_line (self, step + 2) ? STEP_NEXT : STEP_FAILED;

  if (g_str_has_prefix (step, "T:"))
    {
      g_autofree char *line = NULL;

      if (self->last_tag == NULL)
        {
          fake_connection_fail (self, "no tag: no tagged command (C#) came before");
          return STEP_FAILED;
        }
      line = g_strconcat (self->last_tag, " ", step + 2, NULL);
      return fake_connection_send_line (self, line) ? STEP_NEXT : STEP_FAILED;
    }

  if (g_str_has_prefix (step, "R:"))
    {
      g_autoptr(GBytes) raw = unescape (step + 2);

      return send_bytes (self, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), FALSE) ? STEP_NEXT
                                                                                           : STEP_FAILED;
    }

  if (g_str_has_prefix (step, "F:"))
    return step_send_file (self, step + 2);

  if (g_str_has_prefix (step, "C:") || g_str_has_prefix (step, "C~") || g_str_has_prefix (step, "C#"))
    return step_expect (self, step);

  if (g_str_equal (step, "D:"))
    return step_data (self);

  if (g_str_has_prefix (step, "ENDLESS:"))
    {
      guint64 kib = g_ascii_strtoull (step + 8, NULL, 10);
      char block[1024];

      memset (block, 'a', sizeof block);
      for (guint64 i = 0; i < kib; i++)
        {
          if (!send_bytes (self, block, sizeof block, TRUE))
            break;   /* the client gave up, as it should */
        }
      return STEP_NEXT;
    }

  if (g_str_has_prefix (step, "REPEAT:"))
    {
      char *end = NULL;
      guint64 n = g_ascii_strtoull (step + 7, &end, 10);
      g_autofree char *line = NULL;

      if (end == NULL || *end != ':')
        {
          fake_connection_fail (self, "a bad REPEAT step");
          return STEP_FAILED;
        }
      line = g_strconcat (end + 1, "\r\n", NULL);
      for (guint64 i = 0; i < n; i++)
        {
          if (!send_bytes (self, line, strlen (line), TRUE))
            break;   /* the client gave up */
        }
      return STEP_NEXT;
    }

  if (g_str_has_prefix (step, "SLEEP:"))
    {
      sleep_ms (self, g_ascii_strtoull (step + 6, NULL, 10));
      return STEP_NEXT;
    }

  if (g_str_equal (step, "TLS"))
    return fake_connection_start_tls (self) ? STEP_NEXT : STEP_FAILED;

  if (g_str_equal (step, "CLOSE"))
    {
      g_io_stream_close (self->stream, NULL, NULL);
      return STEP_END;
    }

  if (g_str_equal (step, "RESET"))
    {
      reset_connection (self);
      return STEP_END;
    }

  if (g_str_equal (step, "WAIT_CLOSE"))
    return step_wait_close (self, FALSE);

  if (g_str_equal (step, "DRAIN"))
    return step_wait_close (self, TRUE);

  fake_connection_fail (self, "not a step");
  return STEP_FAILED;
}

/**
 * fake_connection_run_step:
 *
 * Runs one script step (see fake-server.h).
 *
 * Returns: whether the connection goes on: %FALSE after a failure and after the
 *   steps that end a connection
 */
gboolean
fake_connection_run_step (FakeConnection *self,
                          const char     *step)
{
  return run_step (self, step) == STEP_NEXT;
}

static void
run_script (FakeConnection     *self,
            const char * const *steps)
{
  for (guint i = 0; steps[i] != NULL; i++)
    {
      StepResult result;

      self->step_number = i + 1;
      self->step = steps[i];
      result = run_step (self, steps[i]);
      if (result == STEP_FAILED)
        return;
      if (result == STEP_END)
        {
          if (steps[i + 1] != NULL)
            fake_connection_fail (self, "steps follow the end of the connection");
          return;
        }
    }
}

/* ---- connections ------------------------------------------------------------------------ */

static gpointer
connection_thread (gpointer data)
{
  FakeConnection *self = data;
  FakeServer *server = self->server;

  g_socket_set_timeout (g_socket_connection_get_socket (self->socket), SOCKET_TIMEOUT_SECONDS);
  /* A script writes line by line: without this, Nagle's algorithm holds each line
   * after the first until the client's delayed ACK, 40 ms a reply. */
  g_socket_set_option (g_socket_connection_get_socket (self->socket), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
  if (!(server->flags & FAKE_SERVER_TLS) || fake_connection_start_tls (self))
    {
      if (server->handler != NULL)
        server->handler (self, server->handler_data);
      else if (server->flags & FAKE_SERVER_EVERY_CONNECTION)
        run_script (self, (const char * const *) server->script);
      else
        run_script (self, g_ptr_array_index (server->segments, self->index - 1));
    }

  g_io_stream_close (self->stream, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (self->socket), NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);
  g_byte_array_unref (self->buffer);
  g_free (self->last_tag);

  g_mutex_lock (&server->lock);
  server->n_ended++;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);
  g_free (self);
  return NULL;
}

static gpointer
accept_thread (gpointer data)
{
  FakeServer *self = data;

  for (;;)
    {
      GSocketConnection *socket = g_socket_listener_accept (self->listener, NULL, self->cancellable, NULL);
      FakeConnection *connection;
      guint index;

      if (socket == NULL)
        return NULL;

      g_mutex_lock (&self->lock);
      index = ++self->n_connections;
      g_mutex_unlock (&self->lock);
      if (self->segments != NULL && index > self->segments->len)
        {
          server_fail (self, "connection %u: the script has %u", index, self->segments->len);
          g_io_stream_close (G_IO_STREAM (socket), NULL, NULL);
          g_object_unref (socket);
          continue;
        }

      connection = g_new0 (FakeConnection, 1);
      connection->server = self;
      connection->index = index;
      connection->socket = socket;
      connection->stream = g_object_ref (G_IO_STREAM (socket));
      connection->buffer = g_byte_array_new ();
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->threads, g_thread_new ("fake-server-connection", connection_thread, connection));
      g_mutex_unlock (&self->lock);
    }
}

static FakeServer *
server_new (FakeServerFlags     flags,
            GTlsCertificate    *certificate,
            const char * const *script,
            FakeServerHandler   handler,
            gpointer            handler_data)
{
  FakeServer *self = g_new0 (FakeServer, 1);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  self->flags = flags;
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->handler = handler;
  self->handler_data = handler_data;
  if (script != NULL && (flags & FAKE_SERVER_EVERY_CONNECTION))
    {
      if (g_strv_contains (script, "ACCEPT"))
        g_error ("fake server: ACCEPT in a script for every connection");
      self->script = g_strdupv ((char **) script);
    }
  else if (script != NULL)
    {
      GPtrArray *steps = g_ptr_array_new ();

      self->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
      for (guint i = 0;; i++)
        {
          if (script[i] == NULL || g_str_equal (script[i], "ACCEPT"))
            {
              g_ptr_array_add (steps, NULL);
              g_ptr_array_add (self->segments, g_ptr_array_free (steps, FALSE));
              if (script[i] == NULL)
                break;
              steps = g_ptr_array_new ();
              continue;
            }
          g_ptr_array_add (steps, g_strdup (script[i]));
        }
    }
  self->cancellable = g_cancellable_new ();
  self->threads = g_ptr_array_new ();
  self->commands = g_string_new (NULL);
  self->data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);

  self->listener = g_socket_listener_new ();
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  if (!g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &error))
    g_error ("fake server cannot listen: %s", error->message);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->accept_thread = g_thread_new ("fake-server-accept", accept_thread, self);
  return self;
}

/**
 * fake_server_new:
 * @script: (array zero-terminated=1): the steps
 *
 * Returns: a plain-text server that runs @script (see fake-server.h)
 */
FakeServer *
fake_server_new (const char * const *script)
{
  return server_new (FAKE_SERVER_FLAGS_NONE, NULL, script, NULL, NULL);
}

/**
 * fake_server_new_full:
 * @certificate: (nullable): for TLS, or %NULL for fake_server_get_test_certificate()
 */
FakeServer *
fake_server_new_full (FakeServerFlags     flags,
                      GTlsCertificate    *certificate,
                      const char * const *script)
{
  g_return_val_if_fail (script != NULL, NULL);
  return server_new (flags, certificate, script, NULL, NULL);
}

/**
 * fake_server_new_handler:
 *
 * A server that calls @handler for each connection, as many as come, each on a
 * thread of its own.
 */
FakeServer *
fake_server_new_handler (FakeServerFlags    flags,
                         GTlsCertificate   *certificate,
                         FakeServerHandler  handler,
                         gpointer           user_data)
{
  g_return_val_if_fail (handler != NULL, NULL);
  return server_new (flags, certificate, NULL, handler, user_data);
}

guint16
fake_server_get_port (FakeServer *self)
{
  return self->port;
}

guint
fake_server_get_n_connections (FakeServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->n_connections;
  g_mutex_unlock (&self->lock);
  return n;
}

/* Every line the clients sent, one per line, in the order read. */
char *
fake_server_dup_commands (FakeServer *self)
{
  char *text;

  g_mutex_lock (&self->lock);
  text = g_strdup (self->commands->str);
  g_mutex_unlock (&self->lock);
  return text;
}

guint
fake_server_get_n_data (FakeServer *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->data->len;
  g_mutex_unlock (&self->lock);
  return n;
}

/**
 * fake_server_get_data:
 *
 * Returns: (transfer none): the message data of the @index-th "D:" step, as received
 *   (line ends included, the final "." line not)
 */
GBytes *
fake_server_get_data (FakeServer *self,
                      guint       index)
{
  GBytes *data;

  g_mutex_lock (&self->lock);
  g_assert_cmpuint (index, <, self->data->len);
  data = g_ptr_array_index (self->data, index);
  g_mutex_unlock (&self->lock);
  return data;
}

/* Stops accepting, ends the connections still open and waits for every thread. */
static void
server_stop (FakeServer *self)
{
  GPtrArray *threads;

  if (self->finished)
    return;
  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->accept_thread);
  self->accept_thread = NULL;
  g_socket_listener_close (self->listener);

  g_mutex_lock (&self->lock);
  threads = g_steal_pointer (&self->threads);
  g_mutex_unlock (&self->lock);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  g_ptr_array_unref (threads);
}

/**
 * fake_server_finish:
 * @failure: (out) (optional): what went wrong
 *
 * Waits (up to 20 s) for the connections of the script to end, then stops the
 * server. A server for every connection, or with a handler, stops at once.
 *
 * Returns: whether the whole script ran as expected; else @failure says why
 */
gboolean
fake_server_finish (FakeServer  *self,
                    char       **failure)
{
  if (!self->finished && self->segments != NULL)
    {
      gint64 deadline = g_get_monotonic_time () + FINISH_TIMEOUT_SECONDS * G_TIME_SPAN_SECOND;
      guint expected = self->segments->len;

      g_mutex_lock (&self->lock);
      while (self->n_ended < expected || self->n_connections < expected)
        {
          if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
            {
              if (self->failure == NULL)
                self->failure = g_strdup_printf ("after %d s, %u of the script's %u connections had come "
                                                 "and %u had ended", FINISH_TIMEOUT_SECONDS,
                                                 self->n_connections, expected, self->n_ended);
              break;
            }
        }
      g_mutex_unlock (&self->lock);
    }
  server_stop (self);

  if (failure != NULL)
    *failure = g_strdup (self->failure);
  return self->failure == NULL;
}

void
fake_server_assert_finished (FakeServer *self)
{
  g_autofree char *failure = NULL;

  if (!fake_server_finish (self, &failure))
    g_error ("fake server: %s", failure);
}

void
fake_server_free (FakeServer *self)
{
  if (self == NULL)
    return;

  server_stop (self);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->segments, g_ptr_array_unref);
  g_clear_pointer (&self->script, g_strfreev);
  g_clear_pointer (&self->data, g_ptr_array_unref);
  g_string_free (self->commands, TRUE);
  g_free (self->failure);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

/* ---- helpers --------------------------------------------------------------------------- */

static gpointer
make_certificate (gpointer unused)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-fake-server-XXXXXX", &error);
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  GTlsCertificate *certificate;
  int status = 0;

  if (dir == NULL)
    g_error ("fake server: no temporary folder: %s", error->message);
  cert = g_build_filename (dir, "cert.pem", NULL);
  key = g_build_filename (dir, "key.pem", NULL);
  {
    const char *argv[] = {
      "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "2", "-sha256", "-subj", "/CN=localhost/O=Tern Test",
      "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", key, "-out", cert, NULL
    };

    if (!g_spawn_sync (NULL, (char **) argv, NULL,
                       G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, &error))
      g_error ("fake server: cannot run openssl (install the openssl package): %s", error->message);
    if (!g_spawn_check_wait_status (status, &error))
      g_error ("fake server: openssl failed: %s", error->message);
  }
  certificate = g_tls_certificate_new_from_files (cert, key, &error);
  if (certificate == NULL)
    g_error ("fake server: the test certificate: %s", error->message);
  g_unlink (cert);
  g_unlink (key);
  g_rmdir (dir);
  return certificate;
}

/**
 * fake_server_get_test_certificate:
 *
 * Returns: (transfer none): the test certificate, with its private key
 */
GTlsCertificate *
fake_server_get_test_certificate (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, make_certificate, NULL);
}

guint16
fake_server_unused_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}
