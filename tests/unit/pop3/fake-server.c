/* fake-server.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"

struct _FakeServer
{
  GStrv            script;
  GSocketListener *listener;
  guint16          port;
  GCancellable    *cancellable;
  GThread         *thread;

  GMutex           lock;
  GCond            cond;
  gboolean         done;
  char            *failure;
  GPtrArray       *data;   /* GBytes */
};

static void
fail (FakeServer *self,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
fail (FakeServer *self,
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

static gboolean
send_all (FakeServer    *self,
          GOutputStream *out,
          const void    *data,
          gsize          length)
{
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all (out, data, length, NULL, self->cancellable, &error))
    {
      fail (self, "server could not send: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
read_line (FakeServer       *self,
           GDataInputStream *in,
           GError          **error)
{
  gsize length = 0;

  return g_data_input_stream_read_line (in, &length, self->cancellable, error);
}

static gboolean
run_step (FakeServer       *self,
          const char       *step,
          GDataInputStream *in,
          GOutputStream    *out,
          GIOStream        *stream)
{
  g_autoptr(GError) error = NULL;

  if (g_str_has_prefix (step, "S:"))
    {
      g_autofree char *line = g_strconcat (step + 2, "\r\n", NULL);

      return send_all (self, out, line, strlen (line));
    }

  if (g_str_has_prefix (step, "R:"))
    {
      g_autofree char *raw = g_strcompress (step + 2);

      return send_all (self, out, raw, strlen (raw));
    }

  if (g_str_has_prefix (step, "F:"))
    {
      g_autofree char *contents = NULL;
      gsize length = 0;
      g_autoptr(GString) crlf = NULL;

      if (!g_file_get_contents (step + 2, &contents, &length, &error))
        {
          fail (self, "cannot read %s: %s", step + 2, error->message);
          return FALSE;
        }
      crlf = g_string_sized_new (length + length / 16);
      for (gsize i = 0; i < length; i++)
        {
          if (contents[i] == '\n' && (i == 0 || contents[i - 1] != '\r'))
            g_string_append_c (crlf, '\r');
          g_string_append_c (crlf, contents[i]);
        }
      return send_all (self, out, crlf->str, crlf->len);
    }

  if (g_str_has_prefix (step, "C:") || g_str_has_prefix (step, "C~"))
    {
      g_autofree char *line = read_line (self, in, &error);

      if (line == NULL)
        {
          fail (self, "expected “%s”, got %s", step + 2, error ? error->message : "end of stream");
          return FALSE;
        }
      if (step[1] == ':' ? !g_str_equal (line, step + 2) : !g_pattern_match_simple (step + 2, line))
        {
          fail (self, "expected “%s”, got “%s”", step + 2, line);
          return FALSE;
        }
      return TRUE;
    }

  if (g_str_equal (step, "D:"))
    {
      g_autoptr(GByteArray) data = g_byte_array_new ();

      for (;;)
        {
          g_autofree char *line = read_line (self, in, &error);

          if (line == NULL)
            {
              fail (self, "message data ended early: %s", error ? error->message : "end of stream");
              return FALSE;
            }
          if (g_str_equal (line, "."))
            break;
          g_byte_array_append (data, (const guint8 *) line, strlen (line));
          g_byte_array_append (data, (const guint8 *) "\r\n", 2);
        }
      g_mutex_lock (&self->lock);
      g_ptr_array_add (self->data, g_byte_array_free_to_bytes (g_steal_pointer (&data)));
      g_mutex_unlock (&self->lock);
      return TRUE;
    }

  if (g_str_has_prefix (step, "ENDLESS:"))
    {
      guint64 kib = g_ascii_strtoull (step + 8, NULL, 10);
      char block[1024];

      memset (block, 'A', sizeof block);
      for (guint64 i = 0; i < kib; i++)
        {
          if (!g_output_stream_write_all (out, block, sizeof block, NULL, self->cancellable, NULL))
            return TRUE;   /* the client gave up, as it should */
        }
      return TRUE;
    }

  if (g_str_has_prefix (step, "REPEAT:"))
    {
      char *end = NULL;
      guint64 n = g_ascii_strtoull (step + 7, &end, 10);
      g_autofree char *line = g_strconcat (end + 1, "\r\n", NULL);
      gsize length = strlen (line);

      for (guint64 i = 0; i < n; i++)
        {
          if (!g_output_stream_write_all (out, line, length, NULL, self->cancellable, NULL))
            return TRUE;   /* the client gave up */
        }
      return TRUE;
    }

  if (g_str_has_prefix (step, "SLEEP:"))
    {
      g_usleep (g_ascii_strtoull (step + 6, NULL, 10) * 1000);
      return TRUE;
    }

  if (g_str_equal (step, "CLOSE"))
    {
      g_io_stream_close (stream, NULL, NULL);
      return FALSE;
    }

  if (g_str_equal (step, "WAIT_CLOSE"))
    {
      for (;;)
        {
          g_autofree char *line = read_line (self, in, &error);

          if (line == NULL)
            return TRUE;
          fail (self, "expected the client to close, got “%s”", line);
          return FALSE;
        }
    }

  fail (self, "bad script step “%s”", step);
  return FALSE;
}

static gpointer
server_thread (gpointer user_data)
{
  FakeServer *self = user_data;
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *out;
  guint i;

  connection = g_socket_listener_accept (self->listener, NULL, self->cancellable, &error);
  if (connection == NULL)
    {
      fail (self, "no client connected: %s", error->message);
      goto done;
    }
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 20);

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 64 * 1024);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  for (i = 0; self->script[i] != NULL; i++)
    {
      if (!run_step (self, self->script[i], in, out, G_IO_STREAM (connection)))
        break;
    }
  if (self->script[i] != NULL && !g_str_equal (self->script[i], "CLOSE"))
    fail (self, "script stopped at step %u “%s”", i, self->script[i]);

  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);

done:
  g_mutex_lock (&self->lock);
  self->done = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  return NULL;
}

/**
 * fake_server_new:
 * @script: (array zero-terminated=1): the steps
 */
FakeServer *
fake_server_new (const char * const *script)
{
  FakeServer *self = g_new0 (FakeServer, 1);
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  self->script = g_strdupv ((char **) script);
  self->cancellable = g_cancellable_new ();
  self->data = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);

  self->listener = g_socket_listener_new ();
  address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  if (!g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &error))
    g_error ("fake server cannot listen: %s", error->message);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));

  self->thread = g_thread_new ("fake-server", server_thread, self);
  return self;
}

guint16
fake_server_get_port (FakeServer *self)
{
  return self->port;
}

/**
 * fake_server_finish:
 *
 * Waits (up to 10 s) for the script to end, stopping it after that.
 *
 * Returns: whether the whole script ran as expected; else @failure says why
 */
gboolean
fake_server_finish (FakeServer  *self,
                    char       **failure)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      while (!self->done)
        {
          if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
            {
              g_mutex_unlock (&self->lock);
              g_cancellable_cancel (self->cancellable);
              g_mutex_lock (&self->lock);
              while (!self->done)
                g_cond_wait (&self->cond, &self->lock);
            }
        }
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }

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

guint
fake_server_get_n_data (FakeServer *self)
{
  return self->data->len;
}

/**
 * fake_server_get_data:
 *
 * Returns: (transfer none): the message data of the @index-th "D:" step, as received
 */
GBytes *
fake_server_get_data (FakeServer *self,
                      guint       index)
{
  g_assert_cmpuint (index, <, self->data->len);
  return g_ptr_array_index (self->data, index);
}

void
fake_server_free (FakeServer *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  fake_server_finish (self, NULL);
  g_socket_listener_close (self->listener);
  g_clear_object (&self->listener);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->data, g_ptr_array_unref);
  g_clear_pointer (&self->failure, g_free);
  g_strfreev (self->script);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}
