/* test-smtp-reply.c: the SMTP reply parser and EHLO capabilities on every construct and
 * on malformed input
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-net-error.h"
#include "tern-smtp-capabilities.h"
#include "tern-smtp-reply.h"

/* Feeds @lines (NULL-terminated); all must be accepted. */
static TernSmtpReply *
parse (const char * const *lines)
{
  TernSmtpReply *reply = tern_smtp_reply_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (tern_smtp_reply_is_complete (reply));
      g_assert_true (tern_smtp_reply_feed_line (reply, lines[i], strlen (lines[i]), &error));
      g_assert_no_error (error);
    }

  return reply;
}

static TernSmtpReply *
parse_one (const char *line)
{
  const char *lines[] = { line, NULL };

  return parse (lines);
}

static void
test_single_line (void)
{
  g_autoptr(TernSmtpReply) reply = parse_one ("220 mail.example.org ESMTP Postfix");
  g_autoptr(TernSmtpReply) bare = parse_one ("250");
  g_autoptr(TernSmtpReply) empty = parse_one ("250 ");

  g_assert_true (tern_smtp_reply_is_complete (reply));
  g_assert_cmpuint (tern_smtp_reply_get_code (reply), ==, 220);
  g_assert_null (tern_smtp_reply_get_enhanced_code (reply));
  g_assert_cmpuint (tern_smtp_reply_get_n_lines (reply), ==, 1);
  g_assert_cmpstr (tern_smtp_reply_get_line (reply, 0), ==, "mail.example.org ESMTP Postfix");
  g_assert_true (tern_smtp_reply_is_positive (reply));

  g_assert_true (tern_smtp_reply_is_complete (bare));
  g_assert_cmpstr (tern_smtp_reply_get_line (bare, 0), ==, "");
  g_assert_true (tern_smtp_reply_is_complete (empty));
}

static void
test_multi_line (void)
{
  static const char *lines[] = {
    "250-mail.example.org",
    "250-PIPELINING",
    "250-SIZE 10240000",
    "250-",
    "250 8BITMIME",
    NULL,
  };
  g_autoptr(TernSmtpReply) reply = parse (lines);
  g_autofree char *text = tern_smtp_reply_dup_text (reply);

  g_assert_true (tern_smtp_reply_is_complete (reply));
  g_assert_cmpuint (tern_smtp_reply_get_n_lines (reply), ==, 5);
  g_assert_cmpstr (tern_smtp_reply_get_line (reply, 3), ==, "");
  g_assert_cmpstr (text, ==, "mail.example.org\nPIPELINING\nSIZE 10240000\n\n8BITMIME");
}

static void
test_enhanced_codes (void)
{
  static const struct
  {
    const char *line;
    const char *enhanced;
    const char *text;
  } cases[] = {
    { "550 5.1.1 <bob@example.org>: Recipient address rejected", "5.1.1", "<bob@example.org>: Recipient address rejected" },
    { "250 2.1.5 Ok", "2.1.5", "Ok" },
    { "451 4.3.0 Error: queue file write error", "4.3.0", "Error: queue file write error" },
    { "250 2.0.0", "2.0.0", "" },
    { "552 5.3.4 Message size exceeds fixed limit", "5.3.4", "Message size exceeds fixed limit" },
    { "250 2.123.456 three digits", "2.123.456", "three digits" },
    /* not enhanced codes: the text stays whole */
    { "250 5.1.1 class differs from the reply", NULL, "5.1.1 class differs from the reply" },
    { "354 2.0.0 no enhanced code on 3yz", NULL, "2.0.0 no enhanced code on 3yz" },
    { "250 2.0 too short", NULL, "2.0 too short" },
    { "250 2.1.1234 detail too long", NULL, "2.1.1234 detail too long" },
    { "250 2.1.5x glued", NULL, "2.1.5x glued" },
    { "250 2..5 empty", NULL, "2..5 empty" },
    { "250 Ok 2.1.5", NULL, "Ok 2.1.5" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernSmtpReply) reply = parse_one (cases[i].line);

      g_assert_cmpstr (tern_smtp_reply_get_enhanced_code (reply), ==, cases[i].enhanced);
      g_assert_cmpstr (tern_smtp_reply_get_line (reply, 0), ==, cases[i].text);
    }
}

static void
test_enhanced_multi_line (void)
{
  static const char *lines[] = {
    "550-5.7.1 Message rejected",
    "550-5.7.1 see https://example.org/policy",
    "550 5.7.1 for details",
    NULL,
  };
  g_autoptr(TernSmtpReply) reply = parse (lines);
  g_autofree char *shown = tern_smtp_reply_to_string (reply);

  g_assert_cmpstr (tern_smtp_reply_get_enhanced_code (reply), ==, "5.7.1");
  g_assert_cmpstr (tern_smtp_reply_get_line (reply, 1), ==, "see https://example.org/policy");
  g_assert_cmpstr (shown, ==, "550 5.7.1 Message rejected see https://example.org/policy for details");
}

static void
test_malformed (void)
{
  static const char *lines[] = {
    "", "2", "25", "abc", "2500 x", "600 x", "099 x", "260 x", "2a0 x", "250x", " 250 x", "250\tx",
    "+OK pop3", "* OK imap", "\xff\xfe\xfd", "250_x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(TernSmtpReply) reply = tern_smtp_reply_new ();
      g_autoptr(GError) error = NULL;

      g_assert_false (tern_smtp_reply_feed_line (reply, lines[i], strlen (lines[i]), &error));
      g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_code_changes (void)
{
  g_autoptr(TernSmtpReply) reply = tern_smtp_reply_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_smtp_reply_feed_line (reply, "250-first", 9, NULL));
  g_assert_false (tern_smtp_reply_feed_line (reply, "251 second", 10, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE);
}

static void
test_after_complete (void)
{
  g_autoptr(TernSmtpReply) reply = parse_one ("250 ok");
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_smtp_reply_feed_line (reply, "250 again", 9, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE);
}

static void
test_bounded (void)
{
  g_autoptr(TernSmtpReply) many = tern_smtp_reply_new ();
  g_autoptr(TernSmtpReply) big = tern_smtp_reply_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *long_line = NULL;
  guint i;

  /* a multi-line reply without end */
  for (i = 0; i < 100000; i++)
    {
      if (!tern_smtp_reply_feed_line (many, "250-x", 5, &error))
        break;
    }
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE);
  g_assert_cmpuint (i, ==, TERN_SMTP_MAX_REPLY_LINES);
  g_clear_error (&error);

  long_line = g_strdup_printf ("250-%04000d", 0);
  for (i = 0; i < 100; i++)
    {
      if (!tern_smtp_reply_feed_line (big, long_line, strlen (long_line), &error))
        break;
    }
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE);
  g_assert_cmpuint (i * strlen (long_line), <=, TERN_SMTP_MAX_REPLY_SIZE);
}

static void
test_nul_and_binary (void)
{
  const char line[] = "550 5.1.1 a\0b \xff";
  g_autoptr(TernSmtpReply) reply = tern_smtp_reply_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_smtp_reply_feed_line (reply, line, sizeof line - 1, NULL));
  g_assert_cmpstr (tern_smtp_reply_get_line (reply, 0), ==, "a");

  g_clear_object (&reply);
  reply = parse_one ("550 5.1.1 caf\xc3\xa9 \xff\xfe bad \x01");
  tern_smtp_reply_set_error (reply, "Sending failed", &error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\x01'));
  g_assert_nonnull (strstr (error->message, "café"));
  g_assert_cmpstr (tern_smtp_error_get_server_text (error), ==, "caf\xc3\xa9 \xff\xfe bad \x01");
}

static void
test_error_mapping (void)
{
  static const struct
  {
    const char    *line;
    TernSmtpError  code;
    gboolean       temporary;
  } cases[] = {
    { "421 4.3.2 Service shutting down", TERN_SMTP_ERROR_SERVICE_UNAVAILABLE, TRUE },
    { "530 5.7.0 Authentication required", TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED, FALSE },
    { "535 5.7.8 Error: authentication failed", TERN_SMTP_ERROR_AUTHENTICATION_FAILED, FALSE },
    { "535 authentication invalid credentials", TERN_SMTP_ERROR_AUTHENTICATION_FAILED, FALSE },
    { "552 5.3.4 Message size exceeds fixed limit", TERN_SMTP_ERROR_MESSAGE_TOO_LARGE, FALSE },
    { "552 Too much mail data", TERN_SMTP_ERROR_MESSAGE_TOO_LARGE, FALSE },
    { "452 4.3.4 Message too big for now", TERN_SMTP_ERROR_MESSAGE_TOO_LARGE, TRUE },
    { "552 5.2.2 Mailbox full", TERN_SMTP_ERROR_PERMANENT, FALSE },
    { "450 4.2.0 Mailbox busy", TERN_SMTP_ERROR_TEMPORARY, TRUE },
    { "554 5.7.1 Relay access denied", TERN_SMTP_ERROR_PERMANENT, FALSE },
    { "250 2.0.0 Ok", TERN_SMTP_ERROR_PARSE, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernSmtpReply) reply = parse_one (cases[i].line);
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) copy = NULL;

      g_assert_cmpint (tern_smtp_reply_get_error_code (reply), ==, cases[i].code);
      tern_smtp_reply_set_error (reply, "Testing", &error);
      g_assert_error (error, TERN_SMTP_ERROR, (int) cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "Testing: "));
      g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, tern_smtp_reply_get_code (reply));
      g_assert_cmpstr (tern_smtp_error_get_enhanced_code (error), ==, tern_smtp_reply_get_enhanced_code (reply));
      g_assert_cmpint (tern_smtp_error_is_temporary (error), ==, cases[i].temporary);

      copy = g_error_copy (error);
      g_assert_cmpuint (tern_smtp_error_get_reply_code (copy), ==, tern_smtp_reply_get_code (reply));
    }
}

static void
test_is_temporary_other_domains (void)
{
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "t");
  g_autoptr(GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "c");
  g_autoptr(GError) closed = g_error_new_literal (TERN_NET_ERROR, TERN_NET_ERROR_CLOSED, "x");
  g_autoptr(GError) cert = g_error_new_literal (TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED, "x");
  g_autoptr(GError) local = g_error_new_literal (TERN_SMTP_ERROR, TERN_SMTP_ERROR_MESSAGE_TOO_LARGE, "x");

  g_assert_true (tern_smtp_error_is_temporary (timeout));
  g_assert_false (tern_smtp_error_is_temporary (cancelled));
  g_assert_true (tern_smtp_error_is_temporary (closed));
  g_assert_false (tern_smtp_error_is_temporary (cert));
  g_assert_false (tern_smtp_error_is_temporary (local));
  g_assert_cmpuint (tern_smtp_error_get_reply_code (local), ==, 0);
}

static void
test_capabilities (void)
{
  static const char *lines[] = {
    "250-omta06.westchester.pa.mail.comcast.net hello [127.0.0.1], pleased to meet you",
    "250-HELP",
    "250-AUTH LOGIN PLAIN",
    "250-SIZE 36700160",
    "250-ENHANCEDSTATUSCODES",
    "250-pipelining",
    "250-8BITMIME",
    "250-DSN",
    "250-X-EXPS LOGIN PLAIN",
    "250-NOT_A KEYWORD",
    "250--dash",
    "250-CHUNKING",
    "250 STARTTLS",
    NULL,
  };
  g_autoptr(TernSmtpReply) reply = parse (lines);
  g_autoptr(TernSmtpCapabilities) caps = tern_smtp_capabilities_new_from_reply (reply);
  const char * const *mechanisms = tern_smtp_capabilities_get_auth_mechanisms (caps);

  g_assert_true (g_str_has_prefix (tern_smtp_capabilities_get_domain (caps), "omta06.westchester"));
  g_assert_true (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_AUTH | TERN_SMTP_EXTENSION_SIZE |
                                                   TERN_SMTP_EXTENSION_ENHANCEDSTATUSCODES |
                                                   TERN_SMTP_EXTENSION_PIPELINING | TERN_SMTP_EXTENSION_8BITMIME |
                                                   TERN_SMTP_EXTENSION_DSN | TERN_SMTP_EXTENSION_CHUNKING |
                                                   TERN_SMTP_EXTENSION_STARTTLS));
  g_assert_false (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_SMTPUTF8));
  g_assert_cmpuint (tern_smtp_capabilities_get_size_limit (caps), ==, 36700160);
  g_assert_true (tern_smtp_capabilities_has_auth (caps, "plain"));
  g_assert_true (tern_smtp_capabilities_has_auth (caps, "LOGIN"));
  g_assert_false (tern_smtp_capabilities_has_auth (caps, "CRAM-MD5"));
  g_assert_cmpuint (g_strv_length ((char **) mechanisms), ==, 2);
  g_assert_true (tern_smtp_capabilities_has_keyword (caps, "HELP"));
  g_assert_true (tern_smtp_capabilities_has_keyword (caps, "x-exps"));
  g_assert_false (tern_smtp_capabilities_has_keyword (caps, "NOT_A"));
  g_assert_false (tern_smtp_capabilities_has_keyword (caps, "-dash"));
}

static void
test_capabilities_variants (void)
{
  static const char *old_auth[] = { "250-host", "250-AUTH=LOGIN PLAIN", "250 SIZE", NULL };
  static const char *bad_size[] = { "250-host", "250-SIZE lots", "250 SMTPUTF8", NULL };
  static const char *only_domain[] = { "250 host", NULL };
  g_autoptr(TernSmtpReply) r1 = parse (old_auth);
  g_autoptr(TernSmtpReply) r2 = parse (bad_size);
  g_autoptr(TernSmtpReply) r3 = parse (only_domain);
  g_autoptr(TernSmtpCapabilities) c1 = tern_smtp_capabilities_new_from_reply (r1);
  g_autoptr(TernSmtpCapabilities) c2 = tern_smtp_capabilities_new_from_reply (r2);
  g_autoptr(TernSmtpCapabilities) c3 = tern_smtp_capabilities_new_from_reply (r3);
  g_autoptr(TernSmtpCapabilities) helo = tern_smtp_capabilities_new ();

  /* "AUTH=" of a draft of RFC 2554 gives the mechanisms, not the extension */
  g_assert_true (tern_smtp_capabilities_has_auth (c1, "LOGIN"));
  g_assert_true (tern_smtp_capabilities_has_auth (c1, "PLAIN"));
  g_assert_true (tern_smtp_capabilities_has (c1, TERN_SMTP_EXTENSION_SIZE));
  g_assert_cmpuint (tern_smtp_capabilities_get_size_limit (c1), ==, 0);

  g_assert_true (tern_smtp_capabilities_has (c2, TERN_SMTP_EXTENSION_SIZE | TERN_SMTP_EXTENSION_SMTPUTF8));
  g_assert_cmpuint (tern_smtp_capabilities_get_size_limit (c2), ==, 0);

  g_assert_cmpint (tern_smtp_capabilities_get_extensions (c3), ==, TERN_SMTP_EXTENSION_NONE);
  g_assert_cmpint (tern_smtp_capabilities_get_extensions (helo), ==, TERN_SMTP_EXTENSION_NONE);
  g_assert_null (tern_smtp_capabilities_get_domain (helo));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Smtp/Reply/single-line", test_single_line);
  g_test_add_func ("/Smtp/Reply/multi-line", test_multi_line);
  g_test_add_func ("/Smtp/Reply/enhanced-codes", test_enhanced_codes);
  g_test_add_func ("/Smtp/Reply/enhanced-multi-line", test_enhanced_multi_line);
  g_test_add_func ("/Smtp/Reply/malformed", test_malformed);
  g_test_add_func ("/Smtp/Reply/code-changes", test_code_changes);
  g_test_add_func ("/Smtp/Reply/after-complete", test_after_complete);
  g_test_add_func ("/Smtp/Reply/bounded", test_bounded);
  g_test_add_func ("/Smtp/Reply/nul-and-binary", test_nul_and_binary);
  g_test_add_func ("/Smtp/Reply/error-mapping", test_error_mapping);
  g_test_add_func ("/Smtp/Reply/is-temporary-other-domains", test_is_temporary_other_domains);
  g_test_add_func ("/Smtp/Capabilities/comcast", test_capabilities);
  g_test_add_func ("/Smtp/Capabilities/variants", test_capabilities_variants);

  return g_test_run ();
}
