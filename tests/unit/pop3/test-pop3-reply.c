/* test-pop3-reply.c: the POP3 reply parser on every construct and on malformed input
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-pop3-capabilities.h"
#include "tern-pop3-reply.h"

static TernPop3Reply *
parse_status (const char         *line,
              TernPop3ReplyFlags  flags)
{
  TernPop3Reply *reply = tern_pop3_reply_new (flags);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (tern_pop3_reply_feed_line (reply, line, strlen (line), NULL, NULL, &error), ==,
                   TERN_POP3_REPLY_LINE_STATUS);
  g_assert_no_error (error);
  return reply;
}

static void
test_status_ok (void)
{
  g_autoptr(TernPop3Reply) reply = parse_status ("+OK Gpop ready", TERN_POP3_REPLY_FLAGS_NONE);

  g_assert_true (tern_pop3_reply_is_complete (reply));
  g_assert_true (tern_pop3_reply_is_ok (reply));
  g_assert_false (tern_pop3_reply_is_multiline (reply));
  g_assert_cmpstr (tern_pop3_reply_get_text (reply), ==, "Gpop ready");
  g_assert_null (tern_pop3_reply_get_response_code (reply));
}

static void
test_status_bare (void)
{
  g_autoptr(TernPop3Reply) ok = parse_status ("+OK", TERN_POP3_REPLY_FLAGS_NONE);
  g_autoptr(TernPop3Reply) err = parse_status ("-ERR", TERN_POP3_REPLY_FLAGS_NONE);
  g_autoptr(TernPop3Reply) lower = parse_status ("+ok fine", TERN_POP3_REPLY_FLAGS_NONE);

  g_assert_cmpstr (tern_pop3_reply_get_text (ok), ==, "");
  g_assert_cmpint (tern_pop3_reply_get_status (err), ==, TERN_POP3_REPLY_STATUS_ERR);
  g_assert_true (tern_pop3_reply_is_complete (err));
  g_assert_true (tern_pop3_reply_is_ok (lower));
}

static void
test_response_codes (void)
{
  static const struct
  {
    const char    *line;
    const char    *code;
    const char    *text;
    TernPop3Error  error;
  } cases[] = {
    { "-ERR [IN-USE] Do you have another POP session running?", "IN-USE",
      "Do you have another POP session running?", TERN_POP3_ERROR_IN_USE },
    { "-ERR [LOGIN-DELAY] wait 300 seconds", "LOGIN-DELAY", "wait 300 seconds", TERN_POP3_ERROR_LOGIN_DELAY },
    { "-ERR [AUTH] Authentication failed.", "AUTH", "Authentication failed.",
      TERN_POP3_ERROR_AUTHENTICATION_FAILED },
    { "-ERR [SYS/TEMP] Try later", "SYS/TEMP", "Try later", TERN_POP3_ERROR_TEMPORARY },
    { "-ERR [SYS/PERM] Mailbox corrupt", "SYS/PERM", "Mailbox corrupt", TERN_POP3_ERROR_PERMANENT },
    { "-ERR [sys/temp/x-vendor]", "sys/temp/x-vendor", "", TERN_POP3_ERROR_TEMPORARY },
    { "-ERR [UNKNOWN-CODE] whatever", "UNKNOWN-CODE", "whatever", TERN_POP3_ERROR_ERR },
    /* not response codes: the text stays whole */
    { "-ERR [] empty", NULL, "[] empty", TERN_POP3_ERROR_ERR },
    { "-ERR [A//B] empty level", NULL, "[A//B] empty level", TERN_POP3_ERROR_ERR },
    { "-ERR [A B] space", NULL, "[A B] space", TERN_POP3_ERROR_ERR },
    { "-ERR [unterminated", NULL, "[unterminated", TERN_POP3_ERROR_ERR },
    { "-ERR no code", NULL, "no code", TERN_POP3_ERROR_ERR },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernPop3Reply) reply = parse_status (cases[i].line, TERN_POP3_REPLY_FLAGS_NONE);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (tern_pop3_reply_get_response_code (reply), ==, cases[i].code);
      g_assert_cmpstr (tern_pop3_reply_get_text (reply), ==, cases[i].text);

      tern_pop3_reply_set_error (reply, TERN_POP3_ERROR_ERR, "Testing", &error);
      g_assert_error (error, TERN_POP3_ERROR, (int) cases[i].error);
      g_assert_cmpstr (tern_pop3_error_get_response_code (error), ==, cases[i].code);
      g_assert_cmpstr (tern_pop3_error_get_server_text (error), ==, cases[i].text);
      g_assert_true (g_str_has_prefix (error->message, "Testing"));
    }
}

static void
test_error_message_sanitized (void)
{
  const char line[] = "-ERR bad \xff\xfe bytes \x01 here";
  g_autoptr(TernPop3Reply) reply = parse_status (line, TERN_POP3_REPLY_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) copy = NULL;

  tern_pop3_reply_set_error (reply, TERN_POP3_ERROR_ERR, "Testing", &error);
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_ERR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\x01'));
  /* the raw text stays available */
  g_assert_cmpstr (tern_pop3_error_get_server_text (error), ==, "bad \xff\xfe bytes \x01 here");

  /* the extended error survives a copy */
  copy = g_error_copy (error);
  g_assert_cmpstr (tern_pop3_error_get_server_text (copy), ==, "bad \xff\xfe bytes \x01 here");
}

static void
test_not_a_status (void)
{
  static const char *lines[] = {
    "", "OK", "+OKAY", "-ERRORS", "+", "+ challenge", "* OK imap", "220 smtp", "\xff\xfe", "+O",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(TernPop3Reply) reply = tern_pop3_reply_new (TERN_POP3_REPLY_FLAGS_MULTILINE);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (tern_pop3_reply_feed_line (reply, lines[i], strlen (lines[i]), NULL, NULL, &error), ==,
                       TERN_POP3_REPLY_LINE_ERROR);
      g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_status_with_nul (void)
{
  const char line[] = "+OK a\0b";
  g_autoptr(TernPop3Reply) reply = tern_pop3_reply_new (TERN_POP3_REPLY_FLAGS_NONE);

  g_assert_cmpint (tern_pop3_reply_feed_line (reply, line, sizeof line - 1, NULL, NULL, NULL), ==,
                   TERN_POP3_REPLY_LINE_STATUS);
  g_assert_cmpstr (tern_pop3_reply_get_text (reply), ==, "a");
}

static void
test_continuation (void)
{
  g_autoptr(TernPop3Reply) bare = parse_status ("+", TERN_POP3_REPLY_FLAGS_CONTINUATION);
  g_autoptr(TernPop3Reply) space = parse_status ("+ ", TERN_POP3_REPLY_FLAGS_CONTINUATION);
  g_autoptr(TernPop3Reply) challenge = parse_status ("+ VXNlcm5hbWU6", TERN_POP3_REPLY_FLAGS_CONTINUATION);
  g_autoptr(TernPop3Reply) ok = parse_status ("+OK done", TERN_POP3_REPLY_FLAGS_CONTINUATION);

  g_assert_cmpint (tern_pop3_reply_get_status (bare), ==, TERN_POP3_REPLY_STATUS_CONTINUATION);
  g_assert_cmpstr (tern_pop3_reply_get_text (bare), ==, "");
  g_assert_cmpint (tern_pop3_reply_get_status (space), ==, TERN_POP3_REPLY_STATUS_CONTINUATION);
  g_assert_cmpstr (tern_pop3_reply_get_text (challenge), ==, "VXNlcm5hbWU6");
  g_assert_true (tern_pop3_reply_is_complete (challenge));
  g_assert_cmpint (tern_pop3_reply_get_status (ok), ==, TERN_POP3_REPLY_STATUS_OK);
}

/* Feeds @lines (NULL-terminated) to a multi-line reply and joins the data. */
static char *
feed_multiline (const char * const *lines,
                gboolean           *complete)
{
  g_autoptr(TernPop3Reply) reply = tern_pop3_reply_new (TERN_POP3_REPLY_FLAGS_MULTILINE);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *data = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;
      TernPop3ReplyLine kind;

      kind = tern_pop3_reply_feed_line (reply, lines[i], strlen (lines[i]), &data, &length, &error);
      g_assert_no_error (error);
      if (kind == TERN_POP3_REPLY_LINE_DATA)
        {
          g_string_append_len (out, data, length);
          g_string_append_c (out, '|');
        }
    }

  *complete = tern_pop3_reply_is_complete (reply);
  return g_string_free (out, FALSE);
}

static void
test_multiline_unstuffing (void)
{
  static const char *lines[] = {
    "+OK message follows",
    "plain",
    "..",           /* a line that is just "." */
    "...",          /* ".." */
    "..leading dot",
    ".x",           /* not stuffed by the server: RFC 1939 still strips the dot */
    "",
    "...end",
    ".",
    NULL,
  };
  gboolean complete = FALSE;
  g_autofree char *data = feed_multiline (lines, &complete);

  g_assert_true (complete);
  g_assert_cmpstr (data, ==, "plain|.|..|.leading dot|x||..end|");
}

static void
test_multiline_err_is_single (void)
{
  g_autoptr(TernPop3Reply) reply = parse_status ("-ERR no such message", TERN_POP3_REPLY_FLAGS_MULTILINE);

  g_assert_true (tern_pop3_reply_is_complete (reply));
  g_assert_false (tern_pop3_reply_is_multiline (reply));
}

static void
test_multiline_counts_lines (void)
{
  g_autoptr(TernPop3Reply) reply = parse_status ("+OK", TERN_POP3_REPLY_FLAGS_MULTILINE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_pop3_reply_is_complete (reply));
  g_assert_cmpint (tern_pop3_reply_feed_line (reply, "a", 1, NULL, NULL, NULL), ==, TERN_POP3_REPLY_LINE_DATA);
  g_assert_cmpint (tern_pop3_reply_feed_line (reply, "b", 1, NULL, NULL, NULL), ==, TERN_POP3_REPLY_LINE_DATA);
  g_assert_cmpint (tern_pop3_reply_feed_line (reply, ".", 1, NULL, NULL, NULL), ==, TERN_POP3_REPLY_LINE_END);
  g_assert_cmpuint (tern_pop3_reply_get_n_data_lines (reply), ==, 2);

  /* nothing more once complete: unexpected data is an error */
  g_assert_cmpint (tern_pop3_reply_feed_line (reply, "+OK", 3, NULL, NULL, &error), ==,
                   TERN_POP3_REPLY_LINE_ERROR);
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
}

static void
test_multiline_binary (void)
{
  g_autoptr(TernPop3Reply) reply = parse_status ("+OK", TERN_POP3_REPLY_FLAGS_MULTILINE);
  const char line[] = "..\0\xff\x80";
  const char *data = NULL;
  gsize length = 0;

  g_assert_cmpint (tern_pop3_reply_feed_line (reply, line, sizeof line - 1, &data, &length, NULL), ==,
                   TERN_POP3_REPLY_LINE_DATA);
  g_assert_cmpuint (length, ==, 4);
  g_assert_cmpmem (data, length, ".\0\xff\x80", 4);
}

static void
test_apop_timestamp (void)
{
  static const struct
  {
    const char *line;
    const char *timestamp;
  } cases[] = {
    { "+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "<1896.697170952@dbc.mtview.ca.us>" },
    { "+OK POP3 server ready <apop-token@example.com>", "<apop-token@example.com>" },
    { "+OK <a@b> and more", "<a@b>" },
    { "+OK no timestamp", NULL },
    { "+OK <no-at-sign>", NULL },
    { "+OK <has space@x>", NULL },
    { "+OK <unterminated@x", NULL },
    { "+OK <@>", NULL },
    { "-ERR <1896.697170952@dbc.mtview.ca.us>", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernPop3Reply) reply = parse_status (cases[i].line, TERN_POP3_REPLY_FLAGS_NONE);
      g_autofree char *timestamp = tern_pop3_reply_dup_apop_timestamp (reply);

      g_assert_cmpstr (timestamp, ==, cases[i].timestamp);
    }
}

static void
test_stat (void)
{
  static const struct
  {
    const char *line;
    gboolean    ok;
    guint       count;
    guint64     size;
  } cases[] = {
    { "+OK 3 221409", TRUE, 3, 221409 },
    { "+OK 0 0", TRUE, 0, 0 },
    { "+OK 7 1800662 extra words", TRUE, 7, 1800662 },
    { "+OK 4294967295 18446744073709551615", TRUE, G_MAXUINT, G_MAXUINT64 },
    { "+OK 4294967296 1", FALSE, 0, 0 },
    { "+OK 1 18446744073709551616", FALSE, 0, 0 },
    { "+OK", FALSE, 0, 0 },
    { "+OK 3", FALSE, 0, 0 },
    { "+OK 3 ", FALSE, 0, 0 },
    { "+OK x 3", FALSE, 0, 0 },
    { "+OK 3 4x", FALSE, 0, 0 },
    { "+OK -3 4", FALSE, 0, 0 },
    { "-ERR 3 4", FALSE, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernPop3Reply) reply = parse_status (cases[i].line, TERN_POP3_REPLY_FLAGS_NONE);
      g_autoptr(GError) error = NULL;
      guint count = 0;
      guint64 size = 0;
      gboolean ok = tern_pop3_reply_parse_stat (reply, &count, &size, &error);

      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (count, ==, cases[i].count);
          g_assert_cmpuint (size, ==, cases[i].size);
        }
      else
        g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
    }
}

static void
test_scan_listing (void)
{
  guint msgno = 0;
  guint64 size = 0;
  static const char *bad[] = { "", "1", "1 ", "0 10", "a 10", "1 b", "1 10x", " 1 10", "1\x00 10" };

  g_assert_true (tern_pop3_parse_scan_listing ("1 1024", 6, &msgno, &size, NULL));
  g_assert_cmpuint (msgno, ==, 1);
  g_assert_cmpuint (size, ==, 1024);
  g_assert_true (tern_pop3_parse_scan_listing ("12  77 more info", 16, &msgno, &size, NULL));
  g_assert_cmpuint (msgno, ==, 12);
  g_assert_cmpuint (size, ==, 77);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gsize length = i == G_N_ELEMENTS (bad) - 1 ? 5 : strlen (bad[i]);

      g_assert_false (tern_pop3_parse_scan_listing (bad[i], length, &msgno, &size, &error));
      g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
    }
}

static void
test_uid_listing (void)
{
  guint msgno = 0;
  g_autofree char *uid = NULL;
  g_autofree char *long_uid = g_strnfill (71, 'u');
  g_autofree char *max_uid = g_strnfill (70, 'u');
  g_autofree char *long_line = g_strconcat ("1 ", long_uid, NULL);
  g_autofree char *max_line = g_strconcat ("1 ", max_uid, NULL);
  const char *bad[] = { "", "3", "3 ", "0 abc", "x abc", "1 a b", "1 caf\xc3\xa9", "1 a\tb", long_line };

  g_assert_true (tern_pop3_parse_uid_listing ("1 101", 5, &msgno, &uid, NULL));
  g_assert_cmpuint (msgno, ==, 1);
  g_assert_cmpstr (uid, ==, "101");
  g_clear_pointer (&uid, g_free);

  g_assert_true (tern_pop3_parse_uid_listing ("2 QhdPYR:00WBw1Ph7x7 ", 21, &msgno, &uid, NULL));
  g_assert_cmpstr (uid, ==, "QhdPYR:00WBw1Ph7x7");
  g_clear_pointer (&uid, g_free);

  g_assert_true (tern_pop3_parse_uid_listing (max_line, strlen (max_line), &msgno, &uid, NULL));
  g_assert_cmpuint (strlen (uid), ==, 70);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (tern_pop3_parse_uid_listing (bad[i], strlen (bad[i]), NULL, NULL, &error));
      g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
    }
}

static void
test_capabilities (void)
{
  g_autoptr(TernPop3Capabilities) caps = tern_pop3_capabilities_new ();
  static const char *lines[] = {
    "USER", "RESP-CODES", "PIPELINING", "LOGIN-DELAY 300", "top", "SASL PLAIN LOGIN  XOAUTH2",
    "", " leading space", "BAD\x01TAG", "IMPLEMENTATION Tern\x02 test", "UIDL", "USER",
  };
  g_autofree char *text = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    g_assert_true (tern_pop3_capabilities_add_line (caps, lines[i], strlen (lines[i]), NULL));

  g_assert_cmpuint (tern_pop3_capabilities_get_n_items (caps), ==, 7);
  g_assert_true (tern_pop3_capabilities_has (caps, "user"));
  g_assert_true (tern_pop3_capabilities_has (caps, "TOP"));
  g_assert_true (tern_pop3_capabilities_has (caps, "PIPELINING"));
  g_assert_false (tern_pop3_capabilities_has (caps, "STLS"));
  g_assert_false (tern_pop3_capabilities_has (caps, "IMPLEMENTATION"));
  g_assert_cmpstr (tern_pop3_capabilities_get_argument (caps, "LOGIN-DELAY"), ==, "300");
  g_assert_cmpstr (tern_pop3_capabilities_get_argument (caps, "UIDL"), ==, "");
  g_assert_null (tern_pop3_capabilities_get_argument (caps, "EXPIRE"));
  g_assert_true (tern_pop3_capabilities_has_sasl (caps, "plain"));
  g_assert_true (tern_pop3_capabilities_has_sasl (caps, "XOAUTH2"));
  g_assert_false (tern_pop3_capabilities_has_sasl (caps, "CRAM-MD5"));

  text = tern_pop3_capabilities_to_string (caps);
  g_assert_true (g_str_has_prefix (text, "USER\nRESP-CODES\nPIPELINING\nLOGIN-DELAY 300\nTOP\n"));
}

static void
test_capabilities_bounded (void)
{
  g_autoptr(TernPop3Capabilities) caps = tern_pop3_capabilities_new ();
  g_autoptr(GError) error = NULL;
  guint i;

  for (i = 0; i < 10000; i++)
    {
      g_autofree char *line = g_strdup_printf ("X-CAP-%u", i);

      if (!tern_pop3_capabilities_add_line (caps, line, strlen (line), &error))
        break;
    }

  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_TOO_LARGE);
  g_assert_cmpuint (i, ==, TERN_POP3_MAX_CAPABILITIES);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Pop3/Reply/status-ok", test_status_ok);
  g_test_add_func ("/Pop3/Reply/status-bare", test_status_bare);
  g_test_add_func ("/Pop3/Reply/response-codes", test_response_codes);
  g_test_add_func ("/Pop3/Reply/error-message-sanitized", test_error_message_sanitized);
  g_test_add_func ("/Pop3/Reply/not-a-status", test_not_a_status);
  g_test_add_func ("/Pop3/Reply/status-with-nul", test_status_with_nul);
  g_test_add_func ("/Pop3/Reply/continuation", test_continuation);
  g_test_add_func ("/Pop3/Reply/multiline-unstuffing", test_multiline_unstuffing);
  g_test_add_func ("/Pop3/Reply/multiline-err-is-single", test_multiline_err_is_single);
  g_test_add_func ("/Pop3/Reply/multiline-counts-lines", test_multiline_counts_lines);
  g_test_add_func ("/Pop3/Reply/multiline-binary", test_multiline_binary);
  g_test_add_func ("/Pop3/Reply/apop-timestamp", test_apop_timestamp);
  g_test_add_func ("/Pop3/Reply/stat", test_stat);
  g_test_add_func ("/Pop3/Reply/scan-listing", test_scan_listing);
  g_test_add_func ("/Pop3/Reply/uid-listing", test_uid_listing);
  g_test_add_func ("/Pop3/Capabilities/lines", test_capabilities);
  g_test_add_func ("/Pop3/Capabilities/bounded", test_capabilities_bounded);

  return g_test_run ();
}
