/* test-diagnosis.c: the classification of connection and login failures
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tern-autoconfig.h"
#include "tern-net-connection.h"
#include "tern-net-error.h"
#include "tern-imap-error.h"
#include "tern-pop3-error.h"
#include "tern-smtp-error.h"
#include "tern-store-error.h"
#include "tern-sync-error.h"
#include "fake-server.h"

static void
test_kinds_are_named (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint kind = TERN_DIAGNOSIS_HOST_NOT_FOUND; kind <= TERN_DIAGNOSIS_OTHER; kind++)
    {
      const char *name = tern_diagnosis_kind_to_string (kind);

      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);
    }
}

static void
test_classify (void)
{
  const struct
  {
    GQuark            domain;
    int               code;
    TernDiagnosisKind kind;
  } cases[] = {
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND, TERN_DIAGNOSIS_HOST_NOT_FOUND },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_TEMPORARY_FAILURE, TERN_DIAGNOSIS_HOST_NOT_FOUND },
    { G_RESOLVER_ERROR, G_RESOLVER_ERROR_INTERNAL, TERN_DIAGNOSIS_OTHER },
    { G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND, TERN_DIAGNOSIS_HOST_NOT_FOUND },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, TERN_DIAGNOSIS_CONNECTION_REFUSED },
    { G_IO_ERROR, G_IO_ERROR_TIMED_OUT, TERN_DIAGNOSIS_TIMED_OUT },
    { G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, TERN_DIAGNOSIS_NETWORK_UNREACHABLE },
    { G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE, TERN_DIAGNOSIS_NETWORK_UNREACHABLE },
    { G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, TERN_DIAGNOSIS_CONNECTION_LOST },
    { G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, TERN_DIAGNOSIS_CONNECTION_LOST },
    { G_IO_ERROR, G_IO_ERROR_CANCELLED, TERN_DIAGNOSIS_CANCELLED },
    { G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, TERN_DIAGNOSIS_OTHER },
    { G_TLS_ERROR, G_TLS_ERROR_NOT_TLS, TERN_DIAGNOSIS_TLS_FAILED },
    { G_TLS_ERROR, G_TLS_ERROR_HANDSHAKE, TERN_DIAGNOSIS_TLS_FAILED },
    { G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE, TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED },
    /* the end of the stream without close_notify: closed, not a failure to set TLS up */
    { G_TLS_ERROR, G_TLS_ERROR_EOF, TERN_DIAGNOSIS_CONNECTION_LOST },
    { G_TLS_ERROR, G_TLS_ERROR_UNAVAILABLE, TERN_DIAGNOSIS_NO_TLS_BACKEND },
    { TERN_NET_ERROR, TERN_NET_ERROR_NO_TLS_BACKEND, TERN_DIAGNOSIS_NO_TLS_BACKEND },
    { TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED, TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED },
    { TERN_NET_ERROR, TERN_NET_ERROR_TLS_FAILED, TERN_DIAGNOSIS_TLS_FAILED },
    { TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE, TERN_DIAGNOSIS_STARTTLS_UNAVAILABLE },
    { TERN_NET_ERROR, TERN_NET_ERROR_INSECURE, TERN_DIAGNOSIS_INSECURE },
    { TERN_NET_ERROR, TERN_NET_ERROR_LINE_TOO_LONG, TERN_DIAGNOSIS_PROTOCOL_ERROR },
    { TERN_NET_ERROR, TERN_NET_ERROR_CLOSED, TERN_DIAGNOSIS_CONNECTION_LOST },
    { TERN_NET_ERROR, TERN_NET_ERROR_PROTOCOL, TERN_DIAGNOSIS_PROTOCOL_ERROR },
    { TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_TLS_EXPECTED, TERN_DIAGNOSIS_TLS_FAILED },
    { TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_SERVER, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_PROTOCOL, TERN_DIAGNOSIS_PROTOCOL_ERROR },
    { TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_NOT_FOUND, TERN_DIAGNOSIS_OTHER },
    { TERN_IMAP_ERROR, TERN_IMAP_ERROR_AUTHENTICATION_FAILED, TERN_DIAGNOSIS_LOGIN_REJECTED },
    { TERN_IMAP_ERROR, TERN_IMAP_ERROR_UNSUPPORTED, TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED },
    { TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_IMAP_ERROR, TERN_IMAP_ERROR_BAD, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_IMAP_ERROR, TERN_IMAP_ERROR_BYE, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_IMAP_ERROR, TERN_IMAP_ERROR_PARSE, TERN_DIAGNOSIS_PROTOCOL_ERROR },
    /* a domain defined with G_DEFINE_QUARK instead would be named like this */
    { g_quark_from_static_string ("tern-imap-error-quark"), TERN_IMAP_ERROR_AUTHENTICATION_FAILED,
      TERN_DIAGNOSIS_LOGIN_REJECTED },
    { TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED, TERN_DIAGNOSIS_LOGIN_REJECTED },
    { TERN_POP3_ERROR, TERN_POP3_ERROR_NOT_SUPPORTED, TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED },
    { TERN_POP3_ERROR, TERN_POP3_ERROR_ERR, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_POP3_ERROR, TERN_POP3_ERROR_IN_USE, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE, TERN_DIAGNOSIS_PROTOCOL_ERROR },
    { TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_FAILED, TERN_DIAGNOSIS_LOGIN_REJECTED },
    { TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED, TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED },
    { TERN_SMTP_ERROR, TERN_SMTP_ERROR_TEMPORARY, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_SMTP_ERROR, TERN_SMTP_ERROR_PERMANENT, TERN_DIAGNOSIS_SERVER_ERROR },
    { TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE, TERN_DIAGNOSIS_PROTOCOL_ERROR },
    /* a failure here, not on the network, is never "Connection failed" */
    { TERN_STORE_ERROR, TERN_STORE_ERROR_FULL, TERN_DIAGNOSIS_LOCAL_ERROR },
    { TERN_STORE_ERROR, TERN_STORE_ERROR_IO, TERN_DIAGNOSIS_LOCAL_ERROR },
    { TERN_SYNC_ERROR, TERN_SYNC_ERROR_NOT_ON_SERVER, TERN_DIAGNOSIS_LOCAL_ERROR },
    { g_quark_from_static_string ("some-other-domain"), 1, TERN_DIAGNOSIS_OTHER },
  };

  /* The protocol domains are matched by name: these must be the names they register. */
  g_assert_cmpstr (g_quark_to_string (TERN_IMAP_ERROR), ==, "TernImapError");
  g_assert_cmpstr (g_quark_to_string (TERN_POP3_ERROR), ==, "TernPop3Error");
  g_assert_cmpstr (g_quark_to_string (TERN_SMTP_ERROR), ==, "TernSmtpError");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new (cases[i].domain, cases[i].code, "the server said: nope #%u", i);
      g_autoptr(TernDiagnosis) diagnosis = tern_diagnosis_new_from_error (error, "mail.example.test", 993);

      g_test_message ("case %u: %s %d", i, g_quark_to_string (cases[i].domain), cases[i].code);
      g_assert_cmpint (tern_diagnosis_get_kind (diagnosis), ==, cases[i].kind);
      g_assert_nonnull (tern_diagnosis_get_title (diagnosis));
      g_assert_nonnull (tern_diagnosis_get_explanation (diagnosis));
      g_assert_cmpstr (tern_diagnosis_get_detail (diagnosis), ==, error->message);
      g_assert_null (tern_diagnosis_get_certificate (diagnosis));

      /* the words name the server (unless it is not in question), and quote the server
       * where it spoke */
      if (cases[i].kind != TERN_DIAGNOSIS_CANCELLED && cases[i].kind != TERN_DIAGNOSIS_NO_TLS_BACKEND &&
          cases[i].kind != TERN_DIAGNOSIS_LOCAL_ERROR)
        g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "mail.example.test"));
      if (cases[i].kind == TERN_DIAGNOSIS_LOCAL_ERROR)
        g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "nope"));
      if (cases[i].kind == TERN_DIAGNOSIS_SERVER_ERROR || cases[i].kind == TERN_DIAGNOSIS_LOGIN_REJECTED)
        g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "nope"));
    }
}

static void
test_tls_expected_words (void)
{
  g_autoptr(GError) error = g_error_new_literal (TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_TLS_EXPECTED, "x");
  g_autoptr(TernDiagnosis) diagnosis = tern_diagnosis_new_from_error (error, "imap.example.test", 993);

  g_assert_cmpint (tern_diagnosis_get_kind (diagnosis), ==, TERN_DIAGNOSIS_TLS_FAILED);
  g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "imap.example.test:993"));
  g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "first byte"));
}

static void
test_certificate_details (void)
{
  GTlsCertificate *certificate = fake_server_get_test_certificate ();
  g_autoptr(TernDiagnosis) diagnosis = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *text = NULL;
  const char * const *names;

  fingerprint = tern_net_certificate_get_fingerprint (certificate);

  g_set_error (&error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED, "not trusted");
  tern_net_error_set_certificate (error, certificate, G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY,
                                  "mail.example.test");

  /* no host given: the one the error carries */
  diagnosis = tern_diagnosis_new_from_error (error, NULL, 0);
  g_assert_cmpint (tern_diagnosis_get_kind (diagnosis), ==, TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED);
  g_assert_true (tern_diagnosis_get_certificate (diagnosis) == certificate);
  g_assert_cmpint (tern_diagnosis_get_certificate_errors (diagnosis), ==,
                   G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_cmpstr (tern_diagnosis_get_fingerprint (diagnosis), ==, fingerprint);
  g_assert_nonnull (strstr (tern_diagnosis_get_subject (diagnosis), "CN=localhost"));
  g_assert_nonnull (strstr (tern_diagnosis_get_issuer (diagnosis), "O=Tern Test"));
  g_assert_cmpint (g_date_time_compare (tern_diagnosis_get_not_valid_before (diagnosis), now), <=, 0);
  g_assert_cmpint (g_date_time_compare (tern_diagnosis_get_not_valid_after (diagnosis), now), >, 0);
  names = tern_diagnosis_get_host_names (diagnosis);
  g_assert_nonnull (names);
  g_assert_true (g_strv_contains (names, "localhost"));
  g_assert_true (g_strv_contains (names, "127.0.0.1"));
  g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "mail.example.test"));
  g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "not signed by a known authority"));

  text = tern_diagnosis_format (diagnosis);
  g_assert_nonnull (strstr (text, fingerprint));
  g_assert_nonnull (strstr (text, "localhost, 127.0.0.1"));
  g_assert_nonnull (strstr (text, "Certificate not trusted"));
}

/* Errors made by the real connection layer, not by hand. */
static void
test_real_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernDiagnosis) diagnosis = NULL;
  g_autoptr(TernNetConnection) refused = NULL;
  g_autoptr(TernNetConnection) untrusted = NULL;
  static const char * const greeting[] = { "S:* OK Fake IMAP ready", "DRAIN", NULL };
  g_autoptr(FakeServer) tls_server = NULL;
  guint16 port = fake_server_unused_port ();

  tls_server = fake_server_new_full (FAKE_SERVER_TLS | FAKE_SERVER_EVERY_CONNECTION, NULL, greeting);

  refused = tern_net_connection_new ("127.0.0.1", port, TERN_NET_SECURITY_TLS);
  g_assert_false (tern_net_connection_connect (refused, NULL, &error));
  diagnosis = tern_diagnosis_new_from_error (error, "127.0.0.1", port);
  g_assert_cmpint (tern_diagnosis_get_kind (diagnosis), ==, TERN_DIAGNOSIS_CONNECTION_REFUSED);
  g_clear_object (&diagnosis);
  g_clear_error (&error);

  untrusted = tern_net_connection_new ("localhost", fake_server_get_port (tls_server), TERN_NET_SECURITY_TLS);
  tern_net_connection_set_timeouts (untrusted, 5, 5);
  g_assert_false (tern_net_connection_connect (untrusted, NULL, &error));
  diagnosis = tern_diagnosis_new_from_error (error, NULL, 0);
  g_assert_cmpint (tern_diagnosis_get_kind (diagnosis), ==, TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (tern_diagnosis_get_fingerprint (diagnosis));
  g_assert_nonnull (strstr (tern_diagnosis_get_explanation (diagnosis), "localhost"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/diagnosis/kinds-are-named", test_kinds_are_named);
  g_test_add_func ("/diagnosis/classify", test_classify);
  g_test_add_func ("/diagnosis/tls-expected", test_tls_expected_words);
  g_test_add_func ("/diagnosis/certificate-details", test_certificate_details);
  g_test_add_func ("/diagnosis/real-errors", test_real_errors);

  return g_test_run ();
}
