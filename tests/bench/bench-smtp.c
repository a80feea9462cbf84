/* bench-smtp.c: Tern's side of the SMTP benchmark (tests/bench/bench-smtp.sh)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-smtp HOST PORT CA_CERT USER PASSWORD FROM TO DIR
 *
 * Sends every *.eml file of DIR (in name order) from FROM to TO over ONE submission
 * connection: STARTTLS (the CA_CERT pinned), AUTH, then one message after the other
 * with PIPELINING (MAIL FROM, RCPT TO and DATA in one write, the data in 64 KiB
 * writes), then QUIT. Each file is read from disk as part of its send, as msmtp does.
 * Prints the time from before the connection to after QUIT.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tern-smtp-session.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TernSmtpSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  const char *recipients[2] = { NULL, NULL };
  const char *name;
  guint64 port = 0;
  guint64 bytes = 0;
  guint rejected = 0;
  gint64 start;
  gint64 connected;
  gint64 end;

  if (argc != 9 || !g_ascii_string_to_unsigned (argv[2], 10, 1, 65535, &port, NULL))
    {
      g_printerr ("usage: bench-smtp HOST PORT CA_CERT USER PASSWORD FROM TO DIR\n");
      return 2;
    }
  recipients[0] = argv[7];

  dir = g_dir_open (argv[8], 0, &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".eml"))
        g_ptr_array_add (files, g_build_filename (argv[8], name, NULL));
    }
  g_ptr_array_sort (files, compare_names);

  start = g_get_monotonic_time ();
  session = tern_smtp_session_new (argv[1], port, TERN_NET_SECURITY_STARTTLS);
  if (!tern_net_connection_set_pinned_certificate (tern_smtp_session_get_connection (session), argv[3], &error) ||
      !tern_smtp_session_connect (session, NULL, &error) ||
      !tern_smtp_session_login (session, argv[4], argv[5], NULL, &error))
    g_error ("%s", error->message);
  connected = g_get_monotonic_time ();

  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(GMappedFile) file = NULL;
      g_autoptr(GBytes) message = NULL;
      g_autoptr(TernSmtpSendResult) result = NULL;

      file = g_mapped_file_new (g_ptr_array_index (files, i), FALSE, &error);
      if (file == NULL)
        g_error ("%s", error->message);
      message = g_mapped_file_get_bytes (file);
      bytes += g_bytes_get_size (message);

      result = tern_smtp_session_send_bytes (session, argv[6], recipients, message, NULL, &error);
      if (result == NULL)
        g_error ("message %u (%s): %s", i + 1, (char *) g_ptr_array_index (files, i), error->message);
      rejected += tern_smtp_send_result_get_n_rejected (result);
    }

  if (!tern_smtp_session_quit (session, NULL, &error))
    g_error ("%s", error->message);
  end = g_get_monotonic_time ();

  g_print ("tern: %u messages, %" G_GUINT64_FORMAT " bytes, pipelining %s: %.3f s in all "
           "(connect, STARTTLS and AUTH %.1f ms; %.2f ms per message)%s\n",
           files->len, bytes,
           tern_smtp_capabilities_has (tern_smtp_session_get_capabilities (session),
                                       TERN_SMTP_EXTENSION_PIPELINING) ? "on" : "off",
           (end - start) / 1e6, (connected - start) / 1e3,
           files->len > 0 ? (end - connected) / 1e3 / files->len : 0.0,
           rejected > 0 ? " SOME RECIPIENTS REJECTED" : "");
  return rejected > 0 ? 1 : 0;
}
