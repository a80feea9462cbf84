/* test-autoconfig-protocol.c: probes, detection and diagnosis against the real Dovecot
 * and Postfix of tests/servers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/servers/tern-test-servers, which exports TERN_TEST_*. Detection runs
 * offline all the same: DNS answers come from a fake resolver (SRV targets and guessed
 * names point at 127.0.0.1), the servers are real. Every diagnosis class that needs no
 * login is produced here for real: an unused port, a listener that never answers, the
 * self-signed certificate, a proxy that strips STARTTLS, a TLS port spoken to without
 * TLS and a plain port spoken to with TLS.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tern-autoconfig.h"
#include "tern-autoconfig-private.h"
#include "tern-net-error.h"
#include "fake-server.h"
#include "fake-resolver.h"

static struct
{
  const char *host;
  guint16     imap_port;
  guint16     imaps_port;
  guint16     pop3_port;
  guint16     pop3s_port;
  guint16     submission_port;
  guint16     smtp_port;
  const char *domain;
  char       *fingerprint;
} env;


static guint16
env_port (const char *name)
{
  const char *value = g_getenv (name);
  guint64 port = 0;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, 65535, &port, NULL))
    g_error ("%s is not set: run this test under tests/servers/tern-test-servers", name);
  return port;
}

static TernProbe *
probe_new (TernAutoconfigProtocol protocol,
           guint16                port,
           TernNetSecurity        security)
{
  TernProbe *probe = tern_probe_new (protocol, env.host, port, security);

  tern_probe_set_timeouts (probe, 5, 5);
  return probe;
}

static void
assert_test_certificate (GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = NULL;

  g_assert_nonnull (certificate);
  fingerprint = tern_net_certificate_get_fingerprint (certificate);
  g_assert_cmpstr (fingerprint, ==, env.fingerprint);
}

static gboolean
strv_has (const char * const *strv,
          const char         *value)
{
  return strv != NULL && g_strv_contains (strv, value);
}

/* ---- probes of the real servers --------------------------------------------------------- */

static void
test_probe_imaps (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.imaps_port, TERN_NET_SECURITY_TLS);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_reached (probe));
  g_assert_true (tern_probe_get_encrypted (probe));
  g_assert_true (tern_probe_has_capability (probe, "IMAP4rev1"));
  g_assert_true (strv_has (tern_probe_get_mechanisms (probe), "PLAIN"));
  /* self-signed: recorded, with the harness certificate's fingerprint */
  assert_test_certificate (tern_probe_get_untrusted_certificate (probe));
  g_assert_cmpint (tern_probe_get_certificate_errors (probe) & G_TLS_CERTIFICATE_UNKNOWN_CA, !=, 0);
}

static void
test_probe_imap_starttls (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.imap_port, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(TernProbe) plain = probe_new (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.imap_port, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (probe));
  g_assert_true (tern_probe_get_encrypted (probe));
  g_assert_true (strv_has (tern_probe_get_mechanisms (probe), "PLAIN"));
  assert_test_certificate (tern_probe_get_untrusted_certificate (probe));

  /* without encryption: the offer is seen, nothing is upgraded */
  g_assert_true (tern_probe_run (plain, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (plain));
  g_assert_false (tern_probe_get_encrypted (plain));
  g_assert_null (tern_probe_get_peer_certificate (plain));
}

static void
test_probe_pop3 (void)
{
  g_autoptr(TernProbe) tls = probe_new (TERN_AUTOCONFIG_PROTOCOL_POP3, env.pop3s_port, TERN_NET_SECURITY_TLS);
  g_autoptr(TernProbe) stls = probe_new (TERN_AUTOCONFIG_PROTOCOL_POP3, env.pop3_port, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run (tls, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_has_capability (tls, "UIDL"));
  g_assert_true (strv_has (tern_probe_get_mechanisms (tls), "PLAIN"));
  assert_test_certificate (tern_probe_get_untrusted_certificate (tls));

  g_assert_true (tern_probe_run (stls, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (stls));
  g_assert_true (tern_probe_get_encrypted (stls));
  g_assert_true (strv_has (tern_probe_get_mechanisms (stls), "PLAIN"));
  assert_test_certificate (tern_probe_get_untrusted_certificate (stls));
}

static void
test_probe_submission (void)
{
  g_autoptr(TernProbe) probe = probe_new (TERN_AUTOCONFIG_PROTOCOL_SMTP, env.submission_port, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(TernProbe) plain = probe_new (TERN_AUTOCONFIG_PROTOCOL_SMTP, env.submission_port, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_probe_run (probe, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (probe));
  g_assert_true (tern_probe_get_encrypted (probe));
  /* Postfix offers AUTH only over TLS (smtpd_tls_auth_only) */
  g_assert_true (strv_has (tern_probe_get_mechanisms (probe), "PLAIN"));
  assert_test_certificate (tern_probe_get_untrusted_certificate (probe));

  g_assert_true (tern_probe_run (plain, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_probe_get_starttls_offered (plain));
  g_assert_false (strv_has (tern_probe_get_mechanisms (plain), "PLAIN"));
}

/* ---- detection against the real ports -------------------------------------------------- */

typedef struct
{
  GMainLoop            *loop;
  TernAutoconfigResult *result;
  GError               *error;
} Run;

static void
detect_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Run *run = user_data;

  run->result = tern_autoconfig_detect_finish (TERN_AUTOCONFIG (object), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
progress_cb (TernAutoconfig *autoconfig,
             const char     *text,
             gpointer        user_data)
{
  g_test_message ("progress: %s", text);
}

static void
run_detect (TernAutoconfig *autoconfig,
            const char     *address,
            Run            *run)
{
  run->loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (autoconfig, "progress", G_CALLBACK (progress_cb), NULL);
  tern_autoconfig_detect_async (autoconfig, address, TERN_AUTOCONFIG_FLAGS_NONE, NULL, detect_cb, run);
  g_main_loop_run (run->loop);
  g_clear_pointer (&run->loop, g_main_loop_unref);
}

static TernAutoconfig *
autoconfig_new (FakeResolver *resolver)
{
  TernAutoconfig *autoconfig = tern_autoconfig_new ();

  tern_autoconfig_set_resolver (autoconfig, G_RESOLVER (resolver));
  g_resolver_set_default (G_RESOLVER (resolver));
  return autoconfig;
}

static void
test_detect_srv (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  g_autofree char *address = g_strdup_printf ("alice@%s", env.domain);
  g_autofree char *rrname = NULL;
  const TernAutoconfigServer *server;
  Run run = { 0 };

#define SRV(service, port, target) \
  G_STMT_START { \
    g_free (rrname); \
    rrname = g_strdup_printf ("_%s._tcp.%s", service, env.domain); \
    fake_resolver_add_srv (resolver, rrname, 0, 0, port, target); \
  } G_STMT_END

  fake_resolver_add_host (resolver, "mail.srv-target.test", env.host);
  SRV ("imaps", env.imaps_port, "mail.srv-target.test");
  SRV ("imap", env.imap_port, "mail.srv-target.test");
  SRV ("pop3s", env.pop3s_port, "localhost");
  SRV ("submissions", 0, ".");
  SRV ("submission", env.submission_port, env.host);
#undef SRV

  run_detect (autoconfig, address, &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_SRV);

  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_cmpstr (server->host, ==, "mail.srv-target.test");
  g_assert_cmpuint (server->port, ==, env.imaps_port);
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_TLS);
  g_assert_cmpstr (server->user, ==, address);
  assert_test_certificate (server->certificate);
  g_assert_cmpint (server->certificate_errors & G_TLS_CERTIFICATE_BAD_IDENTITY, !=, 0);

  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_cmpstr (server->host, ==, "localhost");
  g_assert_cmpuint (server->port, ==, env.pop3s_port);

  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  g_assert_cmpuint (server->port, ==, env.submission_port);
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_STARTTLS);
  g_assert_true (strv_has ((const char * const *) server->mechanisms, "PLAIN"));

  g_clear_object (&run.result);
}

static void
test_detect_guess (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernAutoconfig) autoconfig = autoconfig_new (resolver);
  g_autofree char *address = g_strdup_printf ("bob@%s", env.domain);
  const TernAutoconfigServer *server;
  Run run = { 0 };

  for (const char * const *prefix = (const char *[]) { "imap.", "pop.", "smtp.", NULL }; *prefix != NULL; prefix++)
    {
      g_autofree char *name = g_strconcat (*prefix, env.domain, NULL);

      fake_resolver_add_host (resolver, name, env.host);
    }
  _tern_autoconfig_set_port_override (autoconfig, 993, env.imaps_port);
  _tern_autoconfig_set_port_override (autoconfig, 143, env.imap_port);
  _tern_autoconfig_set_port_override (autoconfig, 995, env.pop3s_port);
  _tern_autoconfig_set_port_override (autoconfig, 110, env.pop3_port);
  _tern_autoconfig_set_port_override (autoconfig, 465, fake_server_unused_port ());
  _tern_autoconfig_set_port_override (autoconfig, 587, env.submission_port);
  _tern_autoconfig_set_port_override (autoconfig, 25, env.smtp_port);

  run_detect (autoconfig, address, &run);
  g_assert_no_error (run.error);
  g_assert_cmpint (tern_autoconfig_result_get_source (run.result), ==, TERN_AUTOCONFIG_SOURCE_GUESS);

  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP);
  g_assert_cmpuint (server->port, ==, env.imaps_port);
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_TLS);
  assert_test_certificate (server->certificate);
  g_assert_cmpuint (tern_autoconfig_result_get_servers (run.result, TERN_AUTOCONFIG_PROTOCOL_IMAP)->len, ==, 2);

  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_POP3);
  g_assert_cmpuint (server->port, ==, env.pop3s_port);

  server = tern_autoconfig_result_get_server (run.result, TERN_AUTOCONFIG_PROTOCOL_SMTP);
  g_assert_cmpuint (server->port, ==, env.submission_port);
  g_assert_cmpint (server->security, ==, TERN_NET_SECURITY_STARTTLS);

  g_clear_object (&run.result);
}

/* ---- a proxy that strips STARTTLS from what the server says ------------------------- */

typedef struct
{
  GSocketListener *listener;
  guint16          port;
  guint16          upstream;
  GCancellable    *cancellable;
  GThread         *thread;
} Proxy;

typedef struct
{
  GIOStream    *client;
  GIOStream    *server;
  GCancellable *cancellable;
} Pipe;

/* client -> server, unchanged */
static gpointer
pipe_up (gpointer data)
{
  Pipe *p = data;

  g_output_stream_splice (g_io_stream_get_output_stream (p->server), g_io_stream_get_input_stream (p->client),
                          G_OUTPUT_STREAM_SPLICE_NONE, p->cancellable, NULL);
  g_io_stream_close (p->server, NULL, NULL);
  return NULL;
}

/* server -> client, line by line, without any mention of STARTTLS or STLS */
static char *
strip_starttls (const char *line)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (g_ascii_strcasecmp (line, "STLS") == 0)
    return NULL;                                   /* POP3 CAPA */
  if (g_str_has_prefix (line, "250-") && g_ascii_strcasecmp (line + 4, "STARTTLS") == 0)
    return NULL;                                   /* SMTP EHLO */

  words = g_strsplit (line, " ", -1);              /* IMAP capabilities */
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (words[i], "STARTTLS") != 0)
        g_ptr_array_add (kept, words[i]);
    }
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

static gpointer
proxy_connection (gpointer data)
{
  Pipe *p = data;
  g_autoptr(GDataInputStream) in = g_data_input_stream_new (g_io_stream_get_input_stream (p->server));
  GOutputStream *out = g_io_stream_get_output_stream (p->client);
  GThread *up = g_thread_new ("proxy-up", pipe_up, p);

  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, p->cancellable, NULL);
      g_autofree char *filtered = NULL;

      if (line == NULL)
        break;
      filtered = strip_starttls (line);
      if (filtered == NULL)
        continue;
      if (!g_output_stream_write_all (out, filtered, strlen (filtered), NULL, p->cancellable, NULL) ||
          !g_output_stream_write_all (out, "\r\n", 2, NULL, p->cancellable, NULL))
        break;
    }

  g_io_stream_close (p->client, NULL, NULL);
  g_io_stream_close (p->server, NULL, NULL);
  g_thread_join (up);
  g_object_unref (p->client);
  g_object_unref (p->server);
  g_free (p);
  return NULL;
}

static gpointer
proxy_thread (gpointer data)
{
  Proxy *proxy = data;
  GPtrArray *threads = g_ptr_array_new ();

  for (;;)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      GSocketConnection *downstream = g_socket_listener_accept (proxy->listener, NULL, proxy->cancellable, NULL);
      GSocketConnection *upstream;
      Pipe *p;

      if (downstream == NULL)
        break;
      upstream = g_socket_client_connect_to_host (client, env.host, proxy->upstream, proxy->cancellable, NULL);
      if (upstream == NULL)
        {
          g_object_unref (downstream);
          continue;
        }
      p = g_new0 (Pipe, 1);
      p->client = G_IO_STREAM (downstream);
      p->server = G_IO_STREAM (upstream);
      p->cancellable = proxy->cancellable;
      g_ptr_array_add (threads, g_thread_new ("proxy-down", proxy_connection, p));
    }

  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  g_ptr_array_unref (threads);
  return NULL;
}

static Proxy *
proxy_start (guint16 upstream)
{
  Proxy *proxy = g_new0 (Proxy, 1);
  g_autoptr(GError) error = NULL;

  proxy->listener = g_socket_listener_new ();
  proxy->port = g_socket_listener_add_any_inet_port (proxy->listener, NULL, &error);
  g_assert_no_error (error);
  proxy->upstream = upstream;
  proxy->cancellable = g_cancellable_new ();
  proxy->thread = g_thread_new ("proxy", proxy_thread, proxy);
  return proxy;
}

static void
proxy_stop (Proxy *proxy)
{
  g_cancellable_cancel (proxy->cancellable);
  g_thread_join (proxy->thread);
  g_socket_listener_close (proxy->listener);
  g_object_unref (proxy->listener);
  g_object_unref (proxy->cancellable);
  g_free (proxy);
}

/* ---- diagnosis classes, produced for real ---------------------------------------------- */

static TernDiagnosis *
diagnose_probe (TernAutoconfigProtocol protocol,
                const char            *host,
                guint16                port,
                TernNetSecurity        security,
                guint                  timeout)
{
  g_autoptr(TernProbe) probe = tern_probe_new (protocol, host, port, security);
  g_autoptr(GError) error = NULL;

  tern_probe_set_timeouts (probe, timeout, timeout);
  tern_probe_set_require_trusted (probe, TRUE);
  g_assert_false (tern_probe_run (probe, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s:%u: %s", host, port, error->message);
  return tern_diagnosis_new_from_error (error, host, port);
}

static void
test_diagnosis_connection_refused (void)
{
  guint16 port = fake_server_unused_port ();
  g_autoptr(TernDiagnosis) d = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.host, port,
                                               TERN_NET_SECURITY_TLS, 5);

  g_assert_cmpint (tern_diagnosis_get_kind (d), ==, TERN_DIAGNOSIS_CONNECTION_REFUSED);
}

static void
test_diagnosis_timed_out (void)
{
  static const char * const never_answers[] = { "DRAIN", NULL };
  g_autoptr(FakeServer) silent = fake_server_new_full (FAKE_SERVER_EVERY_CONNECTION, NULL, never_answers);
  g_autoptr(TernDiagnosis) tls = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.host, fake_server_get_port (silent),
                                                 TERN_NET_SECURITY_TLS, 1);
  g_autoptr(TernDiagnosis) plain = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.host, fake_server_get_port (silent),
                                                   TERN_NET_SECURITY_STARTTLS, 1);

  g_assert_cmpint (tern_diagnosis_get_kind (tls), ==, TERN_DIAGNOSIS_TIMED_OUT);
  g_assert_cmpint (tern_diagnosis_get_kind (plain), ==, TERN_DIAGNOSIS_TIMED_OUT);
}

static void
test_diagnosis_host_not_found (void)
{
  g_autoptr(FakeResolver) resolver = fake_resolver_new ();
  g_autoptr(TernDiagnosis) d = NULL;

  g_resolver_set_default (G_RESOLVER (resolver));
  d = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_IMAP, "imap.nowhere.test", 993, TERN_NET_SECURITY_TLS, 5);
  g_assert_cmpint (tern_diagnosis_get_kind (d), ==, TERN_DIAGNOSIS_HOST_NOT_FOUND);
  g_assert_nonnull (strstr (tern_diagnosis_get_explanation (d), "imap.nowhere.test"));
}

static void
test_diagnosis_certificate (void)
{
  g_autoptr(TernDiagnosis) d = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_IMAP, "localhost", env.imaps_port,
                                               TERN_NET_SECURITY_TLS, 5);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;

  g_assert_cmpint (tern_diagnosis_get_kind (d), ==, TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED);
  g_assert_cmpstr (tern_diagnosis_get_fingerprint (d), ==, env.fingerprint);
  g_assert_nonnull (strstr (tern_diagnosis_get_issuer (d), "CN=localhost"));
  g_assert_nonnull (strstr (tern_diagnosis_get_subject (d), "CN=localhost"));
  g_assert_cmpint (g_date_time_compare (tern_diagnosis_get_not_valid_before (d), now), <=, 0);
  g_assert_cmpint (g_date_time_compare (tern_diagnosis_get_not_valid_after (d), now), >, 0);
  g_assert_true (g_strv_contains (tern_diagnosis_get_host_names (d), "localhost"));
  g_assert_true (g_strv_contains (tern_diagnosis_get_host_names (d), "127.0.0.1"));
  g_assert_cmpint (tern_diagnosis_get_certificate_errors (d) & G_TLS_CERTIFICATE_UNKNOWN_CA, !=, 0);
  text = tern_diagnosis_format (d);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, env.fingerprint));

  /* STARTTLS ports present the same certificate after the upgrade */
  g_clear_object (&d);
  d = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_SMTP, "localhost", env.submission_port, TERN_NET_SECURITY_STARTTLS, 5);
  g_assert_cmpint (tern_diagnosis_get_kind (d), ==, TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED);
  g_assert_cmpstr (tern_diagnosis_get_fingerprint (d), ==, env.fingerprint);
}

static void
test_diagnosis_starttls_stripped (void)
{
  const struct { TernAutoconfigProtocol protocol; guint16 port; } cases[] = {
    { TERN_AUTOCONFIG_PROTOCOL_IMAP, env.imap_port },
    { TERN_AUTOCONFIG_PROTOCOL_POP3, env.pop3_port },
    { TERN_AUTOCONFIG_PROTOCOL_SMTP, env.submission_port },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Proxy *proxy = proxy_start (cases[i].port);
      g_autoptr(TernDiagnosis) d = diagnose_probe (cases[i].protocol, env.host, proxy->port,
                                                   TERN_NET_SECURITY_STARTTLS, 5);

      g_assert_cmpint (tern_diagnosis_get_kind (d), ==, TERN_DIAGNOSIS_STARTTLS_UNAVAILABLE);
      proxy_stop (proxy);
    }
}

static void
test_diagnosis_tls_mismatch (void)
{
  g_autoptr(TernDiagnosis) plain_to_tls = NULL;
  g_autoptr(TernDiagnosis) tls_to_plain = NULL;

  /* the IMAPS port without TLS: nothing comes, but a handshake works */
  plain_to_tls = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.host, env.imaps_port, TERN_NET_SECURITY_STARTTLS, 2);
  g_assert_cmpint (tern_diagnosis_get_kind (plain_to_tls), ==, TERN_DIAGNOSIS_TLS_FAILED);
  g_assert_nonnull (strstr (tern_diagnosis_get_explanation (plain_to_tls), "first byte"));

  /* the plain IMAP port with TLS: the greeting is not a handshake */
  tls_to_plain = diagnose_probe (TERN_AUTOCONFIG_PROTOCOL_IMAP, env.host, env.imap_port, TERN_NET_SECURITY_TLS, 5);
  g_assert_cmpint (tern_diagnosis_get_kind (tls_to_plain), ==, TERN_DIAGNOSIS_TLS_FAILED);
}

int
main (int argc, char **argv)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GResolver) system_resolver = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  env.host = g_getenv ("TERN_TEST_HOST");
  env.domain = g_getenv ("TERN_TEST_DOMAIN");
  if (env.host == NULL || env.domain == NULL || g_getenv ("TERN_TEST_CA_CERT") == NULL)
    g_error ("TERN_TEST_* are not set: run this test under tests/servers/tern-test-servers");
  env.imap_port = env_port ("TERN_TEST_IMAP_PORT");
  env.imaps_port = env_port ("TERN_TEST_IMAPS_PORT");
  env.pop3_port = env_port ("TERN_TEST_POP3_PORT");
  env.pop3s_port = env_port ("TERN_TEST_POP3S_PORT");
  env.submission_port = env_port ("TERN_TEST_SUBMISSION_PORT");
  env.smtp_port = env_port ("TERN_TEST_SMTP_PORT");
  certificate = g_tls_certificate_new_from_file (g_getenv ("TERN_TEST_CA_CERT"), &error);
  g_assert_no_error (error);
  env.fingerprint = tern_net_certificate_get_fingerprint (certificate);

  system_resolver = g_resolver_get_default ();

  g_test_add_func ("/autoconfig-protocol/probe/imaps", test_probe_imaps);
  g_test_add_func ("/autoconfig-protocol/probe/imap-starttls", test_probe_imap_starttls);
  g_test_add_func ("/autoconfig-protocol/probe/pop3", test_probe_pop3);
  g_test_add_func ("/autoconfig-protocol/probe/submission", test_probe_submission);
  g_test_add_func ("/autoconfig-protocol/detect/srv", test_detect_srv);
  g_test_add_func ("/autoconfig-protocol/detect/guess", test_detect_guess);
  g_test_add_func ("/autoconfig-protocol/diagnosis/connection-refused", test_diagnosis_connection_refused);
  g_test_add_func ("/autoconfig-protocol/diagnosis/timed-out", test_diagnosis_timed_out);
  g_test_add_func ("/autoconfig-protocol/diagnosis/host-not-found", test_diagnosis_host_not_found);
  g_test_add_func ("/autoconfig-protocol/diagnosis/certificate-untrusted", test_diagnosis_certificate);
  g_test_add_func ("/autoconfig-protocol/diagnosis/starttls-stripped", test_diagnosis_starttls_stripped);
  g_test_add_func ("/autoconfig-protocol/diagnosis/tls-mismatch", test_diagnosis_tls_mismatch);

  ret = g_test_run ();

  g_resolver_set_default (system_resolver);
  g_free (env.fingerprint);
  return ret;
}
