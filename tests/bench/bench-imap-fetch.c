/* bench-imap-fetch.c: UID FETCH BODY.PEEK[] of a whole mailbox over IMAPS with Tern
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-imap-fetch HOST PORT CA_CERT USER PASSWORD [UID_SET [MAILBOX]] [--checksum]
 *
 * Connects over TLS (pinning CA_CERT), logs in, selects MAILBOX (INBOX), fetches
 * UID_SET (1:*) with BODY.PEEK[] and logs out: the same four steps as the openssl
 * s_client floor in bench-imap-fetch.sh. Each body goes to a consumer that counts it
 * (and with --checksum sums it) and lets it go, so memory does not grow with the number
 * of messages. Prints one line: messages, bytes, times and throughput.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tern-imap-session.h"

typedef struct
{
  guint64  messages;
  guint64  bytes;
  guint64  checksum;
  gboolean sum;
} Totals;

static void
consume_cb (TernImapSession  *session,
            TernImapResponse *response,
            gpointer          user_data)
{
  Totals *totals = user_data;
  gsize length = 0;
  const char *body = tern_imap_response_get_fetch_section (response, "BODY[]", &length);

  if (body == NULL)
    return;
  totals->messages++;
  totals->bytes += length;
  if (totals->sum)
    {
      guint64 sum = totals->checksum;

      for (gsize i = 0; i < length; i++)
        sum = sum * 31 + (guchar) body[i];
      totals->checksum = sum;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TernImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  Totals totals = { 0, 0, 0, FALSE };
  const char *uid_set = "1:*";
  const char *mailbox = "INBOX";
  gint64 t0, t1, t2, t3;
  int n_args = 0;
  const char *args[7];

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--checksum"))
        totals.sum = TRUE;
      else if (n_args < (int) G_N_ELEMENTS (args))
        args[n_args++] = argv[i];
    }
  if (n_args < 5)
    {
      g_printerr ("usage: %s HOST PORT CA_CERT USER PASSWORD [UID_SET [MAILBOX]] [--checksum]\n", argv[0]);
      return 2;
    }
  if (n_args > 5)
    uid_set = args[5];
  if (n_args > 6)
    mailbox = args[6];

  t0 = g_get_monotonic_time ();
  session = tern_imap_session_new (args[0], (guint16) atoi (args[1]), TERN_NET_SECURITY_TLS);
  if (!tern_net_connection_set_pinned_certificate (tern_imap_session_get_connection (session), args[2], &error))
    goto failed;
  tern_imap_session_set_credentials (session, args[3], args[4], TERN_IMAP_AUTH_AUTO);
  if (!tern_imap_session_connect (session, NULL, &error) ||
      !tern_imap_session_select (session, mailbox, TERN_IMAP_SELECT_NONE, NULL, NULL, &error))
    goto failed;

  t1 = g_get_monotonic_time ();
  if (!tern_imap_session_uid_fetch (session, uid_set, "(BODY.PEEK[])", 0, consume_cb, &totals, NULL, &error))
    goto failed;
  t2 = g_get_monotonic_time ();
  if (!tern_imap_session_logout (session, NULL, &error))
    goto failed;
  t3 = g_get_monotonic_time ();

  g_print ("tern: %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT " bytes; connect+login+select %.3f s, "
           "fetch %.3f s (%.1f MB/s), all %.3f s",
           totals.messages, totals.bytes, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
           totals.bytes / 1e6 / ((t2 - t1) / 1e6), (t3 - t0) / 1e6);
  if (totals.sum)
    g_print ("; checksum %016" G_GINT64_MODIFIER "x", totals.checksum);
  g_print ("\n");
  return 0;

failed:
  g_printerr ("bench-imap-fetch: %s\n", error->message);
  return 1;
}
