/* protocol-support.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "protocol-support.h"

const char *
support_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL || *value == '\0')
    g_error ("%s is not set: run this test through tests/servers/tern-test-servers", name);
  return value;
}

guint16
support_port (const char *name)
{
  guint64 port = 0;

  if (!g_ascii_string_to_unsigned (support_env (name), 10, 1, 65535, &port, NULL))
    g_error ("%s is not a port number", name);
  return port;
}

/**
 * support_run:
 *
 * Runs @argv with @input on its stdin; fails the test unless it exits with 0.
 *
 * Returns: (transfer full): its stdout
 */
char *
support_run (const char * const *argv,
             const char          *input,
             gsize                input_length)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) in = input ? g_bytes_new (input, input_length) : NULL;
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, (in != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0) |
                                     G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (process, in, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("%s failed: %.*s", argv[0], (int) g_bytes_get_size (err), (const char *) g_bytes_get_data (err, NULL));

  /* an empty GBytes may have no data pointer at all */
  if (g_bytes_get_size (out) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

/**
 * support_doveadm:
 * @...: doveadm's arguments after "-c CONF", NULL-terminated
 *
 * Returns: (transfer full): what doveadm printed
 */
char *
support_doveadm (const char *input,
                 gsize       input_length,
                 ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) "doveadm");
  g_ptr_array_add (argv, (gpointer) "-c");
  g_ptr_array_add (argv, (gpointer) support_env ("TERN_TEST_DOVECOT_CONF"));
  va_start (args, input_length);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  return support_run ((const char * const *) argv->pdata, input, input_length);
}

/**
 * support_certificate_fingerprint:
 *
 * Returns: (transfer full): "sha256:..." of the harness's self-signed certificate,
 *   computed from the PEM file, apart from the client
 */
char *
support_certificate_fingerprint (void)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GByteArray) der = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = NULL;

  certificate = g_tls_certificate_new_from_file (support_env ("TERN_TEST_CA_CERT"), &error);
  g_assert_no_error (error);
  g_object_get (certificate, "certificate", &der, NULL);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strconcat ("sha256:", hex, NULL);
}

/* ---- transcript capture ------------------------------------------------------------- */

static GMutex capture_lock;
static char *capture_domain;
static GString *capture;

static GLogWriterOutput
writer (GLogLevelFlags   log_level,
        const GLogField *fields,
        gsize            n_fields,
        gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;
  gboolean handled = FALSE;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  g_mutex_lock (&capture_lock);
  if (domain != NULL && capture_domain != NULL && g_str_equal (domain, capture_domain))
    {
      g_string_append_printf (capture, "%s\n", message);
      handled = TRUE;
    }
  g_mutex_unlock (&capture_lock);

  if (handled || (log_level & G_LOG_LEVEL_DEBUG) != 0)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

void
support_install_log_writer (void)
{
  g_log_set_writer_func (writer, NULL, NULL);
}

void
support_capture_start (const char *log_domain)
{
  g_mutex_lock (&capture_lock);
  g_free (capture_domain);
  capture_domain = g_strdup (log_domain);
  if (capture != NULL)
    g_string_free (capture, TRUE);
  capture = g_string_new (NULL);
  g_mutex_unlock (&capture_lock);
  g_log_set_debug_enabled (TRUE);
}

char *
support_capture_stop (void)
{
  char *text;

  g_log_set_debug_enabled (FALSE);
  g_mutex_lock (&capture_lock);
  g_clear_pointer (&capture_domain, g_free);
  text = g_string_free (g_steal_pointer (&capture), FALSE);
  g_mutex_unlock (&capture_lock);
  return text;
}

/* ---- relay -------------------------------------------------------------------------- */

struct _Relay
{
  RelayMode        mode;
  guint16          target_port;
  guint16          port;
  GSocketListener *listener;
  GCancellable    *cancellable;
  GThread         *thread;
  gint             n_stripped;
};

typedef struct
{
  Relay         *relay;
  GInputStream  *in;
  GOutputStream *out;
  gboolean       filter;
} Pump;

static gboolean
is_stls_line (const char *line)
{
  return g_ascii_strcasecmp (line, "STLS") == 0;
}

static gboolean
is_starttls_line (const char *line)
{
  return strlen (line) == 12 && g_str_has_prefix (line, "250") && (line[3] == '-' || line[3] == ' ') &&
         g_ascii_strcasecmp (line + 4, "STARTTLS") == 0;
}

static gboolean
write_line (GOutputStream *out,
            const char    *line,
            GCancellable  *cancellable)
{
  return g_output_stream_write_all (out, line, strlen (line), NULL, cancellable, NULL) &&
         g_output_stream_write_all (out, "\r\n", 2, NULL, cancellable, NULL);
}

/* Server to client, line by line, without the STLS/STARTTLS announcements. */
static void
pump_filtered (Pump *pump)
{
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (pump->in);
  g_autofree char *pending = NULL;   /* a "250-" line held back until the next one */

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, pump->relay->cancellable, NULL);

      if (line == NULL)
        break;

      if (pump->relay->mode == RELAY_STRIP_STLS)
        {
          if (is_stls_line (line))
            g_atomic_int_inc (&pump->relay->n_stripped);
          else if (!write_line (pump->out, line, pump->relay->cancellable))
            break;
          continue;
        }

      if (is_starttls_line (line))
        {
          g_atomic_int_inc (&pump->relay->n_stripped);
          if (line[3] == ' ' && pending != NULL)
            {
              /* the dropped line ended the reply: the held one ends it now */
              pending[3] = ' ';
              if (!write_line (pump->out, pending, pump->relay->cancellable))
                break;
              g_clear_pointer (&pending, g_free);
            }
          continue;
        }

      if (pending != NULL && !write_line (pump->out, pending, pump->relay->cancellable))
        break;
      g_clear_pointer (&pending, g_free);
      if (strlen (line) >= 4 && line[3] == '-')
        pending = g_steal_pointer (&line);
      else if (!write_line (pump->out, line, pump->relay->cancellable))
        break;
    }
}

static void
pump_raw (Pump *pump)
{
  char buffer[16 * 1024];

  for (;;)
    {
      gssize n = g_input_stream_read (pump->in, buffer, sizeof buffer, pump->relay->cancellable, NULL);

      if (n <= 0 || !g_output_stream_write_all (pump->out, buffer, n, NULL, pump->relay->cancellable, NULL))
        break;
    }
}

static gpointer
pump_thread (gpointer data)
{
  Pump *pump = data;

  if (pump->filter)
    pump_filtered (pump);
  else
    pump_raw (pump);

  /* one side is done: let the other side see the end too */
  g_output_stream_close (pump->out, NULL, NULL);
  return NULL;
}

static gpointer
relay_thread (gpointer data)
{
  Relay *self = data;
  g_autoptr(GSocketConnection) client = NULL;
  g_autoptr(GSocketConnection) server = NULL;
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GIOStream) client_stream = NULL;
  g_autoptr(GError) error = NULL;
  Pump up = { self, NULL, NULL, FALSE };
  Pump down = { self, NULL, NULL, self->mode != RELAY_TLS_FRONT };
  GThread *up_thread;

  client = g_socket_listener_accept (self->listener, NULL, self->cancellable, &error);
  if (client == NULL)
    return NULL;
  server = g_socket_client_connect_to_host (connector, "127.0.0.1", self->target_port, self->cancellable, &error);
  if (server == NULL)
    g_error ("relay cannot reach port %u: %s", self->target_port, error->message);

  if (self->mode == RELAY_TLS_FRONT)
    {
      g_autofree char *key = g_build_filename (support_env ("TERN_TEST_RUN"), "etc", "key.pem", NULL);
      g_autoptr(GTlsCertificate) certificate = NULL;

      certificate = g_tls_certificate_new_from_files (support_env ("TERN_TEST_CA_CERT"), key, &error);
      g_assert_no_error (error);
      client_stream = g_tls_server_connection_new (G_IO_STREAM (client), certificate, &error);
      g_assert_no_error (error);
      if (!g_tls_connection_handshake (G_TLS_CONNECTION (client_stream), self->cancellable, NULL))
        return NULL;   /* the client refused the certificate: its test checks that */
    }
  else
    client_stream = G_IO_STREAM (g_object_ref (client));

  up.in = g_io_stream_get_input_stream (client_stream);
  up.out = g_io_stream_get_output_stream (G_IO_STREAM (server));
  down.in = g_io_stream_get_input_stream (G_IO_STREAM (server));
  down.out = g_io_stream_get_output_stream (client_stream);

  up_thread = g_thread_new ("relay-up", pump_thread, &up);
  pump_thread (&down);
  g_thread_join (up_thread);

  g_io_stream_close (client_stream, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (server), NULL, NULL);
  return NULL;
}

Relay *
relay_new (guint16   target_port,
           RelayMode mode)
{
  Relay *self = g_new0 (Relay, 1);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  self->mode = mode;
  self->target_port = target_port;
  self->cancellable = g_cancellable_new ();
  self->listener = g_socket_listener_new ();
  if (!g_socket_listener_add_address (self->listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &error))
    g_error ("relay cannot listen: %s", error->message);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->thread = g_thread_new ("relay", relay_thread, self);

  return self;
}

guint16
relay_get_port (Relay *self)
{
  return self->port;
}

/**
 * relay_get_n_stripped:
 *
 * Returns: how many STLS/STARTTLS lines the relay took out
 */
guint
relay_get_n_stripped (Relay *self)
{
  return g_atomic_int_get (&self->n_stripped);
}

void
relay_free (Relay *self)
{
  g_cancellable_cancel (self->cancellable);
  g_socket_listener_close (self->listener);
  g_thread_join (self->thread);
  g_object_unref (self->listener);
  g_object_unref (self->cancellable);
  g_free (self);
}
