/* imap-fake-server.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "imap-fake-server.h"

struct _ImapFakeServer
{
  GSocketListener  *listener;
  guint16           port;
  char            **script;
  GThread          *thread;
  char             *failure;
};

static char *
read_line (GDataInputStream  *in,
           GError           **error)
{
  gsize length = 0;
  char *line = g_data_input_stream_read_line (in, &length, NULL, error);

  if (line != NULL && length > 0 && line[length - 1] == '\r')
    line[length - 1] = '\0';
  return line;
}

static char *
run_script (ImapFakeServer *self)
{
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *out;

  connection = g_socket_listener_accept (self->listener, NULL, NULL, &error);
  if (connection == NULL)
    return g_strdup_printf ("accept: %s", error->message);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  for (guint i = 0; self->script[i] != NULL; i++)
    {
      const char *step = self->script[i];

      if (g_str_has_prefix (step, "S:"))
        {
          g_autofree char *line = g_strconcat (step + 2, "\r\n", NULL);

          if (!g_output_stream_write_all (out, line, strlen (line), NULL, NULL, &error))
            return g_strdup_printf ("step %u (%s): %s", i, step, error->message);
        }
      else if (g_str_has_prefix (step, "R:"))
        {
          g_autofree char *raw = g_strcompress (step + 2);
          gsize length = strlen (step + 2) > 0 ? strlen (raw) : 0;

          /* g_strcompress stops at an escaped NUL; the scripts do not send NUL. */
          if (!g_output_stream_write_all (out, raw, length, NULL, NULL, &error))
            return g_strdup_printf ("step %u (%s): %s", i, step, error->message);
        }
      else if (g_str_has_prefix (step, "C:") || g_str_has_prefix (step, "C~"))
        {
          g_autofree char *line = read_line (in, &error);

          if (line == NULL)
            return g_strdup_printf ("step %u (%s): the client sent nothing (%s)", i, step,
                                    error ? error->message : "closed");
          if (step[1] == ':' ? strcmp (line, step + 2) != 0 : !g_pattern_match_simple (step + 2, line))
            return g_strdup_printf ("step %u: expected “%s”, got “%s”", i, step + 2, line);
        }
      else if (g_str_has_prefix (step, "ENDLESS:"))
        {
          char block[1024];
          guint n = atoi (step + 8);

          memset (block, 'a', sizeof block);
          for (guint k = 0; k < n; k++)
            {
              if (!g_output_stream_write_all (out, block, sizeof block, NULL, NULL, NULL))
                break;
            }
        }
      else if (g_str_has_prefix (step, "SLEEP:"))
        g_usleep (atoi (step + 6) * 1000);
      else if (g_str_equal (step, "CLOSE"))
        {
          g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
          return NULL;
        }
      else if (g_str_equal (step, "WAIT_CLOSE"))
        {
          g_autofree char *line = read_line (in, NULL);

          if (line != NULL)
            return g_strdup_printf ("step %u: expected the client to close, got “%s”", i, line);
          return NULL;
        }
      else
        return g_strdup_printf ("step %u: unknown step “%s”", i, step);
    }

  return NULL;
}

static gpointer
server_thread (gpointer user_data)
{
  ImapFakeServer *self = user_data;

  self->failure = run_script (self);
  return NULL;
}

ImapFakeServer *
imap_fake_server_new (const char * const *script)
{
  ImapFakeServer *self = g_new0 (ImapFakeServer, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  self->listener = g_socket_listener_new ();
  g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &effective, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->script = g_strdupv ((char **) script);
  self->thread = g_thread_new ("imap-fake-server", server_thread, self);
  return self;
}

guint16
imap_fake_server_get_port (ImapFakeServer *self)
{
  return self->port;
}

/* Waits for the script to end; returns what went wrong, or NULL. */
char *
imap_fake_server_finish (ImapFakeServer *self)
{
  if (self->thread != NULL)
    {
      g_thread_join (self->thread);
      self->thread = NULL;
    }
  return g_strdup (self->failure);
}

void
imap_fake_server_free (ImapFakeServer *self)
{
  if (self == NULL)
    return;
  if (self->thread != NULL)
    {
      /* The client is gone: unblock an accept that never came. */
      g_socket_listener_close (self->listener);
      g_thread_join (self->thread);
    }
  g_clear_object (&self->listener);
  g_strfreev (self->script);
  g_free (self->failure);
  g_free (self);
}
