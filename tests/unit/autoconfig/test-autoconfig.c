/* test-autoconfig.c: probes and detection against in-process servers and a fake resolver
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tern-account-error.h"
#include "tern-autoconfig.h"
#include "tern-autoconfig-private.h"
#include "tern-mail-account-builder.h"
#include "tern-net-error.h"
#include "fake-resolver.h"
#include "fake-server.h"

static char *cert_fingerprint;

/* one of each kind, for the whole run */
static FakeServer *imaps, *imap_starttls, *imap_plain, *imap_silent, *imap_refuse;
static FakeServer *pop3s, *pop3_starttls;
static FakeServer *smtps, *submission, *smtp_plain, *smtp_refuse;
static guint16 closed_port;

/* ---- the servers: small IMAP, POP3 and SMTP responders on the fake server ----------- */

typedef enum
{
  FAKE_IMAP,
  FAKE_POP3,
  FAKE_SMTP,
} FakeProtocol;

typedef enum
{
  FAKE_MODE_TLS,        /* TLS from the first byte; offers AUTH PLAIN */
  FAKE_MODE_STARTTLS,   /* plain, offers STARTTLS; AUTH only after it */
  FAKE_MODE_PLAIN,      /* plain, no STARTTLS, offers AUTH PLAIN */
  FAKE_MODE_SILENT,     /* accepts connections and never writes */
  FAKE_MODE_REFUSE,     /* greets with a refusal (* BYE, -ERR, 554) */
} FakeMode;

/* What a server of each kind answers; the probes send few commands, and every line
 * they send is logged (fake_server_dup_commands()), so that a test can check that a
 * probe never sends credentials. Detection probes a server several times at once:
 * each connection is served on a thread of its own. */
typedef struct
{
  FakeProtocol protocol;
  FakeMode     mode;
} Responder;

static void
serve_imap (FakeConnection *c,
            FakeMode        mode)
{
  if (mode == FAKE_MODE_REFUSE)
    {
      fake_connection_send (c, "* BYE Too many connections from your address\r\n");
      return;
    }
  if (mode == FAKE_MODE_STARTTLS)
    fake_connection_send (c, "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Fake IMAP ready\r\n");
  else
    fake_connection_send (c, "* OK Fake IMAP ready\r\n");

  for (;;)
    {
      g_autofree char *line = fake_connection_read_line (c);
      g_auto(GStrv) words = NULL;
      g_autofree char *reply = NULL;

      if (line == NULL)
        return;
      words = g_strsplit (line, " ", 3);
      if (words[0] == NULL || words[1] == NULL)
        {
          fake_connection_send (c, "* BAD what?\r\n");
          continue;
        }

      if (g_ascii_strcasecmp (words[1], "CAPABILITY") == 0)
        {
          if (mode == FAKE_MODE_STARTTLS && !fake_connection_is_tls (c))
            fake_connection_send (c, "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED IDLE\r\n");
          else
            fake_connection_send (c, "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN IDLE\r\n");
          reply = g_strdup_printf ("%s OK CAPABILITY done\r\n", words[0]);
          fake_connection_send (c, reply);
        }
      else if (g_ascii_strcasecmp (words[1], "STARTTLS") == 0 && mode == FAKE_MODE_STARTTLS &&
               !fake_connection_is_tls (c))
        {
          reply = g_strdup_printf ("%s OK Begin TLS negotiation now\r\n", words[0]);
          fake_connection_send (c, reply);
          if (!fake_connection_start_tls (c))
            return;
        }
      else if (g_ascii_strcasecmp (words[1], "LOGOUT") == 0)
        {
          reply = g_strdup_printf ("* BYE Logging out\r\n%s OK LOGOUT done\r\n", words[0]);
          fake_connection_send (c, reply);
          return;
        }
      else
        {
          reply = g_strdup_printf ("%s BAD Unknown command\r\n", words[0]);
          fake_connection_send (c, reply);
        }
    }
}

static void
serve_pop3 (FakeConnection *c,
            FakeMode        mode)
{
  if (mode == FAKE_MODE_REFUSE)
    {
      fake_connection_send (c, "-ERR [SYS/TEMP] Server busy, try later\r\n");
      return;
    }
  fake_connection_send (c, "+OK Fake POP3 ready\r\n");

  for (;;)
    {
      g_autofree char *line = fake_connection_read_line (c);

      if (line == NULL)
        return;

      if (g_ascii_strcasecmp (line, "CAPA") == 0)
        {
          fake_connection_send (c, "+OK Capability list follows\r\nTOP\r\nUIDL\r\n");
          if (mode == FAKE_MODE_STARTTLS && !fake_connection_is_tls (c))
            fake_connection_send (c, "STLS\r\n");
          else
            fake_connection_send (c, "USER\r\nSASL PLAIN\r\n");
          fake_connection_send (c, ".\r\n");
        }
      else if (g_ascii_strcasecmp (line, "STLS") == 0 && mode == FAKE_MODE_STARTTLS &&
               !fake_connection_is_tls (c))
        {
          fake_connection_send (c, "+OK Begin TLS negotiation\r\n");
          if (!fake_connection_start_tls (c))
            return;
        }
      else if (g_ascii_strcasecmp (line, "QUIT") == 0)
        {
          fake_connection_send (c, "+OK Bye\r\n");
          return;
        }
      else
        {
          fake_connection_send (c, "-ERR Unknown command\r\n");
        }
    }
}

static void
serve_smtp (FakeConnection *c,
            FakeMode        mode)
{
  if (mode == FAKE_MODE_REFUSE)
    {
      fake_connection_send (c, "554-fake.test No SMTP service here\r\n554 5.3.2 Go away\r\n");
      return;
    }
  fake_connection_send (c, "220-fake.test ESMTP\r\n220 Fake SMTP ready\r\n");

  for (;;)
    {
      g_autofree char *line = fake_connection_read_line (c);

      if (line == NULL)
        return;

      if (g_ascii_strncasecmp (line, "EHLO ", 5) == 0)
        {
          fake_connection_send (c, "250-fake.test Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n");
          if (mode == FAKE_MODE_STARTTLS && !fake_connection_is_tls (c))
            fake_connection_send (c, "250-STARTTLS\r\n");
          else
            fake_connection_send (c, "250-AUTH PLAIN LOGIN\r\n");
          fake_connection_send (c, "250 8BITMIME\r\n");
        }
      else if (g_ascii_strcasecmp (line, "STARTTLS") == 0 && mode == FAKE_MODE_STARTTLS &&
               !fake_connection_is_tls (c))
        {
          fake_connection_send (c, "220 2.0.0 Ready to start TLS\r\n");
          if (!fake_connection_start_tls (c))
            return;
        }
      else if (g_ascii_strcasecmp (line, "QUIT") == 0)
        {
          fake_connection_send (c, "221 2.0.0 Bye\r\n");
          return;
        }
      else
        {
          fake_connection_send (c, "502 5.5.2 Unknown command\r\n");
        }
    }
}

static void
serve (FakeConnection *connection,
       gpointer        user_data)
{
  const Responder *responder = user_data;

  switch (responder->protocol)
    {
    case FAKE_IMAP:
      serve_imap (connection, responder->mode);
      break;
    case FAKE_POP3:
      serve_pop3 (connection, responder->mode);
      break;
    case FAKE_SMTP:
    default:
      serve_smtp (connection, responder->mode);
      break;
    }
}

static FakeServer *
responder_start (FakeProtocol protocol,
                 FakeMode     mode)
{
  static Responder responders[FAKE_SMTP + 1][FAKE_MODE_REFUSE + 1];
  static const char * const silent[] = { "DRAIN", NULL };
  Responder *responder = &responders[protocol][mode];

  if (mode == FAKE_MODE_SILENT)
    return fake_server_new_full (FAKE_SERVER_EVERY_CONNECTION, NULL, silent);
  responder->protocol = protocol;
  responder->mode = mode;
  return fake_server_new_handler (mode == FAKE_MODE_TLS ? FAKE_SERVER_TLS : FAKE_SERVER_FLAGS_NONE, NULL,
                                  serve, responder);
}

/* ---- helpers ------------------------------------------------------------------------ */

static TernProbe *
probe_new (TernAutoconfigProtocol  protocol,
           FakeServer             *server,
           TernNetSecurity         security)
{
  TernProbe *probe = tern_probe_new (protocol, "localhost", fake_server_get_port (server), security);

  tern_probe_set_timeouts (probe, 5, 5);
  return probe;
}

static gboolean
strv_has (const char * const *strv,
          const char         *value)
{
  return strv != NULL && g_strv_contains (strv, value);
}

static void
assert_no_credentials (FakeServer *server)
{
  g_autofree char *commands = fake_server_dup_commands (server);
  g_auto(GStrv) lines = g_strsplit (commands, "\n", -1);
  static const char * const allowed[] = { "CAPABILITY", "STARTTLS", "LOGOUT", "CAPA", "STLS", "QUIT", "EHLO", NULL };

  /* Each line is one of the probe's few commands; IMAP lines start with a tag. */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (lines[i], " ", 3);
      gboolean ok = FALSE;

      if (lines[i][0] == '\0')
        continue;
      for (guint w = 0; words[w] != NULL && w < 2 && !ok; w++)
        ok = g_strv_contains (allowed, words[w]);
      if (!ok)
        g_error ("a probe sent “%s”", lines[i]);
    }
}

typedef struct
{
  GMainLoop            *loop;
  TernAutoconfigResult *result;
  GError               *error;
  GPtrArray            *progress;
  GThread              *thread;
  gboolean              wrong_thread;
} Run;

static void
progress_cb (TernAutoconfig *autoconfig,
             const char     *text,
             gpointer        user_data)
{
  Run *run = user_data;

  if (g_thread_self () != run->thread)
    run->wrong_thread = TRUE;
  g_ptr_array_add (run->progress, g_strdup (text));
}

static void
detect_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;

  if (g_thread_self () != run->thread)
    run->wrong_thread = TRUE;
  run->result = tern_autoconfig_detect_finish (TERN_AUTOCONFIG (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

/* Runs a detection to its end; cancels @cancel_after_ms into it if not 0. */
static void
run_detect (TernAutoconfig      *autoconfig,
            const char          *address,
            TernAutoconfigFlags  flags,
            guint                cancel_after_ms,
            Run                 *run)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gulong id;

  run->loop = g_main_loop_new (NULL, FALSE);
  run->progress = g_ptr_array_new_with_free_func (g_free);
  run->thread = g_thread_self ();
  id = g_signal_connect (autoconfig, "progress", G_CALLBACK (progress_cb), run);
  if (cancel_after_ms > 0)
    g_timeout_add_full (G_PRIORITY_DEFAULT, cancel_after_ms, cancel_cb, g_object_ref (cancellable), g_object_unref);

  tern_autoconfig_detect_async (autoconfig, address, flags, cancellable, detect_cb, run);
  g_main_loop_run (run->loop);
  g_signal_handler_disconnect (autoconfig, id);
  g_assert_false (run->wrong_thread);
}

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->loop, g_main_loop_unref);
  g_clear_object (&run->result);
  g_clear_error (&run->error);
  g_clear_pointer (&run->progress, g_ptr_array_unref);
}

static gboolean
has_step (TernAutoconfigResult      *result,
          TernAutoconfigSource       source,
          TernAutoconfigStepOutcome  outcome,
          const char                *text_part)
{
  GPtrArray *steps = tern_autoconfig_result_get_steps (result);

  for (guint i = 0; i < steps->len; i++)
    {
      const TernAutoconfigStep *step = steps->pdata[i];

      if (step->source == source && step->outcome == outcome && strstr (step->text, text_part) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void
dump_steps (TernAutoconfigResult *result)
{
  GPtrArray *steps = tern_autoconfig_result_get_steps (result);

  for (guint i = 0; i < steps->len; i++)
    {
      const TernAutoconfigStep *step = steps->pdata[i];

      g_test_message ("step: [%s %s] %s", tern_autoconfig_source_to_string (step->source),
                      tern_autoconfig_step_outcome_to_string (step->outcome), step->text);
    }
}

static TernAutoconfig *
autoconfig_new (FakeResolver *resolver)
{
  TernAutoconfig *autoconfig = tern_autoconfig_new ();

  tern_autoconfig_set_resolver (autoconfig, G_RESOLVER (resolver));
  /* Time enough for a TLS handshake on a busy machine under the sanitizers (the
   * tests of the deadlines set their own). */
  _tern_autoconfig_set_timeouts (autoconfig, 60000, 0, 30);
  /* The connection layer resolves probed names through the default resolver. */
  g_resolver_set_default (G_RESOLVER (resolver));
  return autoconfig;
}

/* ---- probes -------------------------------------------------------------------------- */

static void
test_probe_imap_tls (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imaps, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  g_assert_true (tern_probe_run (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_reached (probe));
  g_assert_true (tern_probe_get_encrypted (probe));
  g_assert_cmpstr (tern_probe_get_greeting (probe), ==, "* OK Fake IMAP ready");
  g_assert_true (tern_probe_has_capability (probe, "IDLE"));
  g_assert_true (tern_probe_has_capability (probe, "imap4rev1"));
  g_assert_true (strv_has (tern_probe_get_mechanisms (probe), "PLAIN"));
  g_assert_true (strv_has (tern_probe_get_mechanisms (probe), "LOGIN"));
  g_assert_false (tern_probe_get_starttls_offered (probe));
  g_assert_cmpint (tern_probe_get_auth (probe) & TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT, !=, 0);
  g_assert_null (tern_probe_get_error (probe));

  /* The self-signed certificate is recorded, not silently dropped. */
  g_assert_nonnull (tern_probe_get_untrusted_certificate (probe));
  g_assert_cmpint (tern_probe_get_certificate_errors (probe) & G_TLS_CERTIFICATE_UNKNOWN_CA, !=, 0);
  fingerprint = tern_net_certificate_get_fingerprint (tern_probe_get_untrusted_certificate (probe));
  g_assert_cmpstr (fingerprint, ==, cert_fingerprint);
  g_assert_nonnull (tern_probe_get_peer_certificate (probe));

  assert_no_credentials (imaps);
}

static void
test_probe_imap_starttls (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_starttls, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (probe));
  g_assert_true (tern_probe_get_encrypted (probe));
  /* the capabilities after TLS: AUTH=PLAIN, no more LOGINDISABLED */
  g_assert_true (strv_has (tern_probe_get_mechanisms (probe), "PLAIN"));
  g_assert_false (tern_probe_has_capability (probe, "LOGINDISABLED"));
  g_assert_nonnull (tern_probe_get_untrusted_certificate (probe));
  assert_no_credentials (imap_starttls);
}

static void
test_probe_imap_none (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_starttls, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  /* No encryption asked: no upgrade, but the offer is reported. */
  g_assert_true (tern_probe_run (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (tern_probe_get_encrypted (probe));
  g_assert_true (tern_probe_get_starttls_offered (probe));
  g_assert_true (tern_probe_has_capability (probe, "LOGINDISABLED"));
  g_assert_cmpint (tern_probe_get_auth (probe) & TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT, ==, 0);
  g_assert_null (tern_probe_get_peer_certificate (probe));
}

static void
test_probe_pop3 (void)
{
  g_autoptr(TernProbe) tls = probe_new (TERN_AUTOCONFIG_PROTOCOL_POP3, pop3s, TERN_NET_SECURITY_TLS);
  g_autoptr(TernProbe) stls = probe_new (TERN_AUTOCONFIG_PROTOCOL_POP3, pop3_starttls, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run (tls, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_has_capability (tls, "UIDL"));
  g_assert_true (tern_probe_has_capability (tls, "SASL"));
  g_assert_true (strv_has (tern_probe_get_mechanisms (tls), "PLAIN"));
  g_assert_cmpint (tern_probe_get_auth (tls) & TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT, !=, 0);

  g_assert_true (tern_probe_run (stls, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (stls));
  g_assert_true (tern_probe_get_encrypted (stls));
  g_assert_true (strv_has (tern_probe_get_mechanisms (stls), "PLAIN"));
  g_assert_false (tern_probe_has_capability (stls, "STLS"));

  assert_no_credentials (pop3s);
  assert_no_credentials (pop3_starttls);
}

static void
test_probe_smtp (void)
{
  g_autoptr(TernProbe) tls = probe_new (TERN_AUTOCONFIG_PROTOCOL_SMTP, smtps, TERN_NET_SECURITY_TLS);
  g_autoptr(TernProbe) starttls = probe_new (TERN_AUTOCONFIG_PROTOCOL_SMTP, submission, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run (tls, NULL, &error));
  g_assert_no_error (error);
  /* a multi-line greeting, joined */
  g_assert_cmpstr (tern_probe_get_greeting (tls), ==, "220 fake.test ESMTP Fake SMTP ready");
  g_assert_true (tern_probe_has_capability (tls, "PIPELINING"));
  g_assert_true (tern_probe_has_capability (tls, "SIZE"));
  g_assert_true (strv_has (tern_probe_get_mechanisms (tls), "LOGIN"));

  g_assert_true (tern_probe_run (starttls, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (starttls));
  g_assert_true (strv_has (tern_probe_get_mechanisms (starttls), "PLAIN"));

  assert_no_credentials (smtps);
  assert_no_credentials (submission);
}

static void
test_probe_require_trusted (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imaps, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  tern_probe_set_require_trusted (probe, TRUE);
  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (tern_net_error_get_certificate (error));
  g_assert_false (tern_probe_get_reached (probe));
  fingerprint = tern_net_certificate_get_fingerprint (tern_probe_get_untrusted_certificate (probe));
  g_assert_cmpstr (fingerprint, ==, cert_fingerprint);
  g_assert_nonnull (tern_probe_get_error (probe));
}

static void
test_probe_pinned (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_SMTP, smtps, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_probe_set_pinned_certificate (probe, "sha256:nothex", &error));
  g_clear_error (&error);

  g_assert_true (tern_probe_set_pinned_certificate (probe, cert_fingerprint, &error));
  tern_probe_set_require_trusted (probe, TRUE);
  g_assert_true (tern_probe_run (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (tern_probe_get_untrusted_certificate (probe));
}

static void
test_probe_starttls_missing (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_plain, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  /* what was learned before stays: detection offers the server without encryption */
  g_assert_true (tern_probe_get_reached (probe));
  g_assert_false (tern_probe_get_starttls_offered (probe));
  g_assert_true (tern_probe_has_capability (probe, "IDLE"));
  g_assert_false (tern_probe_get_encrypted (probe));
}

static void
test_probe_wrong_protocol (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, smtp_plain, TERN_NET_SECURITY_NONE);
  g_autoptr(TernProbe) pop3 = probe_new (TERN_AUTOCONFIG_PROTOCOL_POP3, imap_plain, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_PROTOCOL);
  g_assert_false (tern_probe_get_reached (probe));
  g_clear_error (&error);

  g_assert_false (tern_probe_run (pop3, NULL, &error));
  g_assert_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_PROTOCOL);
}

static void
test_probe_refusals (void)
{
  g_autoptr(TernProbe) imap = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_refuse, TERN_NET_SECURITY_NONE);
  g_autoptr(TernProbe) smtp = probe_new (TERN_AUTOCONFIG_PROTOCOL_SMTP, smtp_refuse, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_probe_run (imap, NULL, &error));
  g_assert_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "Too many connections"));
  g_clear_error (&error);

  g_assert_false (tern_probe_run (smtp, NULL, &error));
  g_assert_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "554"));
  g_assert_nonnull (strstr (error->message, "Go away"));
}

/* A TLS port spoken to without TLS: the probe finds out that it wants TLS. */
static void
test_probe_tls_expected (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imaps, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  tern_probe_set_timeouts (probe, 2, 1);
  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_TLS_EXPECTED);
}

/* A plain port spoken to with TLS. */
static void
test_probe_tls_on_plain_port (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_plain, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_TLS_FAILED);
}

static void
test_probe_silent (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_silent, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  tern_probe_set_timeouts (probe, 1, 1);
  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  /* the greeting wait, and the TLS check's handshake wait */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_probe_refused (void)
{
  g_autoptr(TernProbe) probe = tern_probe_new (TERN_AUTOCONFIG_PROTOCOL_SMTP, "127.0.0.1", closed_port,
                                               TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_probe_cancel (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, imap_silent, TERN_NET_SECURITY_TLS);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GThread *thread;

  tern_probe_set_timeouts (probe, 30, 30);
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  g_assert_false (tern_probe_run (probe, cancellable, &error));
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
probe_async_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run_finish (TERN_PROBE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_probe_async (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_POP3, pop3s, TERN_NET_SECURITY_TLS);
  gboolean done = FALSE;

  tern_probe_run_async (probe, NULL, probe_async_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tern_probe_get_reached (probe));
}

/* ---- detection ---------------------------------------------------------------------- */

static void
test_detect_invalid_address (void)
{
  g_autoptr(TernAutoconfig) autoconfig = tern_autoconfig_new ();
  Run run = { 0 };

  run_detect (autoconfig, "no address here", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_error (run.error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS);
  run_clear (&run);
}

/* The provider database wins without a single DNS query. */
static void
test_detect_ispdb (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  const TernAutoconfigServer *imap, *smtp;
  Run run = { 0 };

  run_detect (autoconfig, "Someone@GMail.com", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_ISPDB);
  g_assert_cmpstr (tern_autoconfig_result_get_provider_name (run.result), ==, "Google Mail");
  imap = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  smtp = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  g_assert_cmpstr (imap->host, ==, "imap.gmail.com");
  g_assert_cmpstr (imap->user, ==, "Someone@GMail.com");
  g_assert_cmpstr (smtp->host, ==, "smtp.gmail.com");
  g_assert_true (tern_autoconfig_result_get_incoming (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3)->protocol ==
                 TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_ISPDB, TERN_AUTOCONFIG_STEP_FOUND, "gmail.com"));
  g_assert_cmpuint (run.progress->len, >=, 1);
  g_assert_cmpuint (fake_resolver_get_n_queries (resolver), ==, 0);
  run_clear (&run);
}

/* Offline: an unknown domain ends there, without DNS or connections. */
static void
test_detect_offline (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  Run run = { 0 };

  fake_resolver_add_srv (resolver, "_imaps._tcp.offline.test", 0, 0, fake_server_get_port (imaps), "localhost");
  run_detect (autoconfig, "a@offline.test", TERN_AUTOCONFIG_FLAGS_OFFLINE, 0, &run);
  g_assert_error (run.error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_NOT_FOUND);
  g_assert_cmpuint (fake_resolver_get_n_queries (resolver), ==, 0);
  g_assert_cmpuint (run.progress->len, ==, 2);   /* not listed; DNS and probes skipped */
  run_clear (&run);
}

/* The fixture database: preference among several servers, malformed templates. */
static void
test_detect_preference (void)
{
  g_autoptr(TernAutoconfig) autoconfig = tern_autoconfig_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GMappedFile) file = g_mapped_file_new (g_getenv ("TERN_TEST_FIXTURE_ISPDB"), FALSE, &error);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(TernProviderDb) db = NULL;
  const TernAutoconfigServer *server;
  GPtrArray *servers;
  Run run = { 0 };

  g_assert_no_error (error);
  bytes = g_mapped_file_get_bytes (file);
  db = tern_provider_db_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  tern_autoconfig_set_provider_db (autoconfig, db);
  g_assert_true (tern_autoconfig_get_provider_db (autoconfig) == db);

  run_detect (autoconfig, "jo@several.test", TERN_AUTOCONFIG_FLAGS_OFFLINE, 0, &run);
  g_assert_no_error (run.error);

  /* IMAP: TLS (listed third) before STARTTLS (listed second) */
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "imaps.several.test");
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_TLS);
  servers = tern_autoconfig_result_get_servers (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_cmpuint (servers->len, ==, 2);
  g_assert_cmpstr (((TernAutoconfigServer *) servers->pdata[1])->host, ==, "imap.several.test");

  /* POP3, though listed first, is not the preferred incoming protocol... */
  g_assert_true (tern_autoconfig_result_get_incoming (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP) == server);
  /* ...unless asked for; its TLS server beats the plain one listed first */
  server = tern_autoconfig_result_get_incoming (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_cmpstr (server->host, ==, "pops.several.test");

  /* SMTP: STARTTLS before no encryption */
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "submission.several.test");
  g_assert_cmpuint (server->port, ==, 587);
  run_clear (&run);

  /* a malformed user name template: the whole address, and a step that says so */
  run_detect (autoconfig, "kim@malformed-template.test", TERN_AUTOCONFIG_FLAGS_OFFLINE, 0, &run);
  g_assert_no_error (run.error);
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->user, ==, "kim@malformed-template.test");
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_ISPDB, TERN_AUTOCONFIG_STEP_FAILED, "%EMAILADDRESS"));
  run_clear (&run);
}

static void
test_detect_srv (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  const TernAutoconfigServer *server;
  g_autofree char *fingerprint = NULL;
  Run run = { 0 };

  fake_resolver_add_host (resolver, "mail.srv.test", "127.0.0.1");
  /* IMAP: implicit TLS and STARTTLS; POP3: not offered ("."), as RFC 6186 allows */
  fake_resolver_add_srv (resolver, "_imaps._tcp.srv.test", 0, 1, fake_server_get_port (imaps), "mail.srv.test.");
  fake_resolver_add_srv (resolver, "_imap._tcp.srv.test", 0, 1, fake_server_get_port (imap_starttls), "mail.srv.test.");
  fake_resolver_add_srv (resolver, "_pop3._tcp.srv.test", 0, 0, 0, ".");
  /* submission with TLS not offered, with STARTTLS offered */
  fake_resolver_add_srv (resolver, "_submissions._tcp.srv.test", 0, 0, 0, ".");
  fake_resolver_add_srv (resolver, "_submission._tcp.srv.test", 0, 1, fake_server_get_port (submission), "mail.srv.test.");

  run_detect (autoconfig, "user@srv.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_no_error (run.error);
  dump_steps (run.result);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_SRV);

  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "mail.srv.test");
  g_assert_cmpuint (server->port, ==, fake_server_get_port (imaps));
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_TLS);
  g_assert_cmpstr (server->user, ==, "user@srv.test");
  g_assert_true (strv_has ((const char * const *) server->mechanisms, "PLAIN"));
  /* certificate for localhost, not mail.srv.test, self-signed: recorded with the server */
  g_assert_nonnull (server->certificate);
  g_assert_cmpint (server->certificate_errors & G_TLS_CERTIFICATE_BAD_IDENTITY, !=, 0);
  fingerprint = tern_net_certificate_get_fingerprint (server->certificate);
  g_assert_cmpstr (fingerprint, ==, cert_fingerprint);
  g_assert_true (tern_autoconfig_result_get_untrusted_server (run.result) == server);
  g_assert_cmpuint (tern_autoconfig_result_get_servers (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP)->len, ==, 2);

  g_assert_null (tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3));
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  g_assert_nonnull (server);
  g_assert_cmpuint (server->port, ==, fake_server_get_port (submission));
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_STARTTLS);

  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_ISPDB, TERN_AUTOCONFIG_STEP_NOTHING, "srv.test"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_NOTHING, "_pop3._tcp.srv.test: “.”"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_NOTHING, "_submissions._tcp.srv.test: “.”"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_NOTHING, "_pop3s._tcp.srv.test: none"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_FOUND, "answers"));
  g_assert_true (fake_resolver_was_asked (resolver, "_imaps._tcp.srv.test"));
  g_assert_true (fake_resolver_was_asked (resolver, "srv.test"));   /* MX, asked alongside */
  run_clear (&run);
}

/* A first-priority target that does not answer gives way to the next one. */
static void
test_detect_srv_priority (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  const TernAutoconfigServer *server;
  Run run = { 0 };

  fake_resolver_add_host (resolver, "backup.prio.test", "127.0.0.1");
  fake_resolver_add_host (resolver, "primary.prio.test", "127.0.0.1");
  fake_resolver_add_srv (resolver, "_pop3s._tcp.prio.test", 20, 0, fake_server_get_port (pop3s), "backup.prio.test");
  fake_resolver_add_srv (resolver, "_pop3s._tcp.prio.test", 10, 0, closed_port, "primary.prio.test");

  run_detect (autoconfig, "user@prio.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_no_error (run.error);
  dump_steps (run.result);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_SRV);
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "backup.prio.test");
  g_assert_null (tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_FAILED, "primary.prio.test"));
  run_clear (&run);
}

/* A domain hosted by a provider the database knows by its MX host name. */
static void
test_detect_mx (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  const TernAutoconfigServer *server;
  Run run = { 0 };

  fake_resolver_add_mx (resolver, "hosted.test", 20, "backup.mx.example.");
  fake_resolver_add_mx (resolver, "hosted.test", 10, "hosted-test.mail.protection.outlook.com.");

  run_detect (autoconfig, "ceo@hosted.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_no_error (run.error);
  dump_steps (run.result);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_MX);
  g_assert_cmpstr (tern_autoconfig_result_get_provider_name (run.result), ==, "Microsoft 365");
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "outlook.office365.com");
  g_assert_cmpstr (server->user, ==, "ceo@hosted.test");
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_FOUND,
                           "by mail.protection.outlook.com"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_NOTHING, "none"));
  run_clear (&run);
}

/* The MX host's parent domain is in the database, the host itself is not. */
static void
test_detect_mx_parent (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  Run run = { 0 };

  fake_resolver_add_mx (resolver, "startup.test", 0, ".");   /* a null MX is skipped */
  fake_resolver_add_mx (resolver, "startup.test", 5, "ALT1.ASPMX.L.Google.com");

  run_detect (autoconfig, "dev@startup.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_no_error (run.error);
  dump_steps (run.result);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_MX);
  g_assert_cmpstr (tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP)->host, ==,
                   "imap.gmail.com");
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_NOTHING, "receives no mail"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_FOUND, "by google.com"));
  run_clear (&run);
}

static void
set_guess_ports (TernAutoconfig *autoconfig,
                 guint16         imap_tls,
                 guint16         imap_starttls_port)
{
  _tern_autoconfig_set_port_override (autoconfig, 993, imap_tls);
  _tern_autoconfig_set_port_override (autoconfig, 143, imap_starttls_port);
  _tern_autoconfig_set_port_override (autoconfig, 995, fake_server_get_port (pop3s));
  _tern_autoconfig_set_port_override (autoconfig, 110, fake_server_get_port (pop3_starttls));
  _tern_autoconfig_set_port_override (autoconfig, 465, closed_port);
  _tern_autoconfig_set_port_override (autoconfig, 587, fake_server_get_port (submission));
  _tern_autoconfig_set_port_override (autoconfig, 25, fake_server_get_port (smtp_plain));
}

static void
test_detect_guess (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  const TernAutoconfigServer *server;
  GPtrArray *smtp;
  Run run = { 0 };

  fake_resolver_add_host (resolver, "imap.guess.test", "127.0.0.1");
  fake_resolver_add_host (resolver, "mail.guess.test", "127.0.0.1");
  fake_resolver_add_host (resolver, "smtp.guess.test", "127.0.0.1");
  set_guess_ports (autoconfig, fake_server_get_port (imaps), fake_server_get_port (imap_starttls));

  run_detect (autoconfig, "me@guess.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_no_error (run.error);
  dump_steps (run.result);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_GUESS);

  /* imap. before mail. before the bare domain; TLS first */
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "imap.guess.test");
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_TLS);
  g_assert_nonnull (server->certificate);

  /* pop. and pop3. do not resolve: mail. */
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "mail.guess.test");
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_TLS);

  /* 465 refuses everywhere: 587 with STARTTLS; port 25 without STARTTLS comes last */
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "smtp.guess.test");
  g_assert_cmpuint (server->port, ==, fake_server_get_port (submission));
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_STARTTLS);
  smtp = tern_autoconfig_result_get_servers (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  server = smtp->pdata[smtp->len - 1];
  g_assert_cmpuint (server->port, ==, fake_server_get_port (smtp_plain));
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_NONE);

  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_GUESS, TERN_AUTOCONFIG_STEP_FAILED, "pop.guess.test"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_GUESS, TERN_AUTOCONFIG_STEP_FOUND, "without STARTTLS"));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_MX, TERN_AUTOCONFIG_STEP_NOTHING, "none"));
  g_assert_true (fake_resolver_was_asked (resolver, "pop3.guess.test"));
  run_clear (&run);
}

/* A probe that finds no STARTTLS (what an attacker who strips it arranges) only
 * proposes no encryption: an account built from that detection is refused until the
 * user consents, and allows a plaintext login only then. Detection that found
 * encryption never switches it on, consent or not. */
static void
test_detect_plaintext_needs_consent (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  g_autoptr(TernMailAccountBuilder) builder = NULL;
  g_autoptr(TernMailAccountBuilder) tls_builder = NULL;
  g_autoptr(TernAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  const TernAutoconfigServer *server;
  Run run = { 0 };

  fake_resolver_add_host (resolver, "imap.stripped.test", "127.0.0.1");
  /* IMAP only on 143, without STARTTLS; no SMTP server (the default: TLS) */
  _tern_autoconfig_set_port_override (autoconfig, 993, closed_port);
  _tern_autoconfig_set_port_override (autoconfig, 143, fake_server_get_port (imap_plain));
  _tern_autoconfig_set_port_override (autoconfig, 995, closed_port);
  _tern_autoconfig_set_port_override (autoconfig, 110, closed_port);
  _tern_autoconfig_set_port_override (autoconfig, 465, closed_port);
  _tern_autoconfig_set_port_override (autoconfig, 587, closed_port);
  _tern_autoconfig_set_port_override (autoconfig, 25, closed_port);

  run_detect (autoconfig, "me@stripped.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_no_error (run.error);
  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_nonnull (server);
  g_assert_cmpstr (server->host, ==, "imap.stripped.test");
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_NONE);

  builder = tern_mail_account_builder_new ("me@stripped.test");
  tern_mail_account_builder_set_detected (builder, run.result);
  account = tern_mail_account_builder_build (builder, &error);
  g_assert_null (account);
  g_assert_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "imap.stripped.test"));
  g_clear_error (&error);
  g_assert_true (tern_mail_account_builder_needs_plaintext (builder));
  /* asking does not consent */
  g_assert_null (tern_mail_account_builder_build (builder, NULL));

  tern_mail_account_builder_set_allow_plaintext (builder, TRUE);
  account = tern_mail_account_builder_build (builder, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tern_account_get_incoming (account)->security, ==, TERN_NET_SECURITY_NONE);
  g_assert_cmpint (tern_account_get_outgoing (account)->security, ==, TERN_NET_SECURITY_TLS);
  g_assert_true (tern_account_get_allow_plaintext_auth (account));
  g_clear_object (&account);

  /* The user chose TLS over what detection found: no plaintext, consent or not. */
  tls_builder = tern_mail_account_builder_new ("me@stripped.test");
  tern_mail_account_builder_set_detected (tls_builder, run.result);
  tern_mail_account_builder_set_incoming (tls_builder, NULL, 0, TERN_NET_SECURITY_TLS, NULL);
  tern_mail_account_builder_set_allow_plaintext (tls_builder, TRUE);
  g_assert_false (tern_mail_account_builder_needs_plaintext (tls_builder));
  account = tern_mail_account_builder_build (tls_builder, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tern_account_get_incoming (account)->security, ==, TERN_NET_SECURITY_TLS);
  g_assert_false (tern_account_get_allow_plaintext_auth (account));
  run_clear (&run);
}

/* A server that never answers does not hold detection beyond its time budget. */
static void
test_detect_deadline (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  gint64 start;
  Run run = { 0 };

  fake_resolver_add_host (resolver, "imap.slow.test", "127.0.0.1");
  fake_resolver_add_host (resolver, "pop.slow.test", "127.0.0.1");
  set_guess_ports (autoconfig, fake_server_get_port (imap_silent), fake_server_get_port (imap_silent));
  _tern_autoconfig_set_timeouts (autoconfig, 2000, 0, 30);

  start = g_get_monotonic_time ();
  run_detect (autoconfig, "me@slow.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_assert_no_error (run.error);
  dump_steps (run.result);
  /* POP3 answered; IMAP never did */
  g_assert_cmpstr (tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3)->host, ==,
                   "pop.slow.test");
  g_assert_null (tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP));
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_GUESS, TERN_AUTOCONFIG_STEP_FAILED,
                           "imap.slow.test:"));
  run_clear (&run);

  /* and with nothing at all: not found, in time */
  _tern_autoconfig_set_timeouts (autoconfig, 1500, 0, 30);
  start = g_get_monotonic_time ();
  run_detect (autoconfig, "me@nothing.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4 * G_USEC_PER_SEC);
  g_assert_error (run.error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_NOT_FOUND);
  run_clear (&run);
}

/* DNS that does not answer in time: the SRV lookups are given up, MX still counts. */
static void
test_detect_dns_timeout (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  const char * const services[] = { "imaps", "imap", "pop3s", "pop3", "submissions", "submission" };
  gint64 start;
  Run run = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (services); i++)
    {
      g_autofree char *rrname = g_strdup_printf ("_%s._tcp.lagging.test", services[i]);

      fake_resolver_add_srv (resolver, rrname, 0, 0, fake_server_get_port (imaps), "localhost");
      fake_resolver_set_delay (resolver, rrname, 20000);
    }
  fake_resolver_add_mx (resolver, "lagging.test", 10, "mx.lagging.test.mail.protection.outlook.com");
  _tern_autoconfig_set_timeouts (autoconfig, 0, 300, 0);

  start = g_get_monotonic_time ();
  run_detect (autoconfig, "me@lagging.test", TERN_AUTOCONFIG_FLAGS_NONE, 0, &run);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  g_assert_no_error (run.error);
  dump_steps (run.result);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_MX);
  g_assert_true (has_step (run.result, TERN_AUTOCONFIG_SOURCE_SRV, TERN_AUTOCONFIG_STEP_FAILED, "no answer in time"));
  run_clear (&run);
}

static void
test_detect_cancel (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  gint64 start;
  Run run = { 0 };

  fake_resolver_add_host (resolver, "imap.cancel.test", "127.0.0.1");
  set_guess_ports (autoconfig, fake_server_get_port (imap_silent), fake_server_get_port (imap_silent));
  _tern_autoconfig_set_timeouts (autoconfig, 0, 0, 30);

  start = g_get_monotonic_time ();
  run_detect (autoconfig, "me@cancel.test", TERN_AUTOCONFIG_FLAGS_NONE, 300, &run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (run.result);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  run_clear (&run);
}

static void
test_result_apply (void)
{
  g_autoptr(TernAutoconfig) autoconfig = tern_autoconfig_new ();
  g_autoptr(TernAccount) imap = tern_account_new ("who@aol.com", TERN_ACCOUNT_PROTOCOL_IMAP);
  g_autoptr(TernAccount) pop3 = tern_account_new ("who@aol.com", TERN_ACCOUNT_PROTOCOL_POP3);
  g_autoptr(TernAccount) pop3_missing = tern_account_new ("who@126.com", TERN_ACCOUNT_PROTOCOL_POP3);
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  run_detect (autoconfig, "who@aol.com", TERN_AUTOCONFIG_FLAGS_OFFLINE, 0, &run);
  g_assert_no_error (run.error);
  g_assert_true (tern_autoconfig_result_apply (run.result, imap, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tern_account_get_incoming (imap)->host, ==, "imap.aol.com");
  g_assert_cmpuint (tern_account_get_incoming (imap)->port, ==, 993);
  g_assert_cmpstr (tern_account_get_incoming (imap)->user, ==, "who@aol.com");
  g_assert_cmpstr (tern_account_get_outgoing (imap)->host, ==, "smtp.aol.com");
  g_assert_true (tern_autoconfig_result_apply (run.result, pop3, &error));
  g_assert_cmpstr (tern_account_get_incoming (pop3)->host, ==, "pop.aol.com");
  run_clear (&run);

  /* 126.com lists IMAP only */
  run_detect (autoconfig, "who@126.com", TERN_AUTOCONFIG_FLAGS_OFFLINE, 0, &run);
  g_assert_false (tern_autoconfig_result_apply (run.result, pop3_missing, &error));
  g_assert_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_INVALID);
  run_clear (&run);
}

int
main (int argc, char **argv)
{
  g_autoptr(GResolver) system_resolver = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  system_resolver = g_resolver_get_default ();
  cert_fingerprint = tern_net_certificate_get_fingerprint (fake_server_get_test_certificate ());

  imaps = responder_start (FAKE_IMAP, FAKE_MODE_TLS);
  imap_starttls = responder_start (FAKE_IMAP, FAKE_MODE_STARTTLS);
  imap_plain = responder_start (FAKE_IMAP, FAKE_MODE_PLAIN);
  imap_silent = responder_start (FAKE_IMAP, FAKE_MODE_SILENT);
  imap_refuse = responder_start (FAKE_IMAP, FAKE_MODE_REFUSE);
  pop3s = responder_start (FAKE_POP3, FAKE_MODE_TLS);
  pop3_starttls = responder_start (FAKE_POP3, FAKE_MODE_STARTTLS);
  smtps = responder_start (FAKE_SMTP, FAKE_MODE_TLS);
  submission = responder_start (FAKE_SMTP, FAKE_MODE_STARTTLS);
  smtp_plain = responder_start (FAKE_SMTP, FAKE_MODE_PLAIN);
  smtp_refuse = responder_start (FAKE_SMTP, FAKE_MODE_REFUSE);
  closed_port = fake_server_unused_port ();

  g_test_add_func ("/autoconfig/probe/imap-tls", test_probe_imap_tls);
  g_test_add_func ("/autoconfig/probe/imap-starttls", test_probe_imap_starttls);
  g_test_add_func ("/autoconfig/probe/imap-none", test_probe_imap_none);
  g_test_add_func ("/autoconfig/probe/pop3", test_probe_pop3);
  g_test_add_func ("/autoconfig/probe/smtp", test_probe_smtp);
  g_test_add_func ("/autoconfig/probe/require-trusted", test_probe_require_trusted);
  g_test_add_func ("/autoconfig/probe/pinned", test_probe_pinned);
  g_test_add_func ("/autoconfig/probe/starttls-missing", test_probe_starttls_missing);
  g_test_add_func ("/autoconfig/probe/wrong-protocol", test_probe_wrong_protocol);
  g_test_add_func ("/autoconfig/probe/refusals", test_probe_refusals);
  g_test_add_func ("/autoconfig/probe/tls-expected", test_probe_tls_expected);
  g_test_add_func ("/autoconfig/probe/tls-on-plain-port", test_probe_tls_on_plain_port);
  g_test_add_func ("/autoconfig/probe/silent", test_probe_silent);
  g_test_add_func ("/autoconfig/probe/refused", test_probe_refused);
  g_test_add_func ("/autoconfig/probe/cancel", test_probe_cancel);
  g_test_add_func ("/autoconfig/probe/async", test_probe_async);
  g_test_add_func ("/autoconfig/detect/invalid-address", test_detect_invalid_address);
  g_test_add_func ("/autoconfig/detect/ispdb", test_detect_ispdb);
  g_test_add_func ("/autoconfig/detect/offline", test_detect_offline);
  g_test_add_func ("/autoconfig/detect/preference", test_detect_preference);
  g_test_add_func ("/autoconfig/detect/srv", test_detect_srv);
  g_test_add_func ("/autoconfig/detect/srv-priority", test_detect_srv_priority);
  g_test_add_func ("/autoconfig/detect/mx", test_detect_mx);
  g_test_add_func ("/autoconfig/detect/mx-parent", test_detect_mx_parent);
  g_test_add_func ("/autoconfig/detect/guess", test_detect_guess);
  g_test_add_func ("/autoconfig/detect/plaintext-needs-consent", test_detect_plaintext_needs_consent);
  g_test_add_func ("/autoconfig/detect/deadline", test_detect_deadline);
  g_test_add_func ("/autoconfig/detect/dns-timeout", test_detect_dns_timeout);
  g_test_add_func ("/autoconfig/detect/cancel", test_detect_cancel);
  g_test_add_func ("/autoconfig/result/apply", test_result_apply);

  ret = g_test_run ();

  g_resolver_set_default (system_resolver);
  for (FakeServer **s = (FakeServer *[]) { imaps, imap_starttls, imap_plain, imap_silent, imap_refuse, pop3s,
                                          pop3_starttls, smtps, submission, smtp_plain, smtp_refuse, NULL };
       *s != NULL; s++)
    fake_server_free (*s);
  g_free (cert_fingerprint);
  return ret;
}
