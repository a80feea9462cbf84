/* test-smtp-session.c: TernSmtpSession against a scripted fake server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"
#include "tern-net-error.h"
#include "tern-smtp-session.h"

#define EHLO_FULL \
  "S:250-mail.example.org", "S:250-PIPELINING", "S:250-SIZE 1000000", "S:250-ENHANCEDSTATUSCODES", \
  "S:250-8BITMIME", "S:250-AUTH PLAIN LOGIN", "S:250 DSN"

static GString *captured_log;
static GMutex log_lock;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  if (domain != NULL && g_str_equal (domain, "TernSmtp.Net"))
    {
      g_mutex_lock (&log_lock);
      if (captured_log != NULL)
        g_string_append_printf (captured_log, "%s\n", message);
      g_mutex_unlock (&log_lock);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static TernSmtpSession *
session_for (FakeServer      *server,
             TernNetSecurity  security)
{
  TernSmtpSession *session = tern_smtp_session_new ("127.0.0.1", fake_server_get_port (server), security);

  tern_smtp_session_set_allow_insecure_auth (session, TRUE);
  tern_smtp_session_set_helo_name (session, "client.example.org");
  tern_net_connection_set_timeouts (tern_smtp_session_get_connection (session), 5, 3);
  return session;
}

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
assert_data (FakeServer *server,
             guint       index,
             const char *expected)
{
  GBytes *data = fake_server_get_data (server, index);
  gsize length = 0;
  const char *got = g_bytes_get_data (data, &length);

  g_assert_cmpmem (got, length, expected, strlen (expected));
}

static const char *rcpt_bob[] = { "bob@example.org", NULL };

/* ---- tests ------------------------------------------------------------------------ */

static void
test_pipelined_send (void)
{
  static const char *script[] = {
    "S:220 mail.example.org ESMTP",
    "C:EHLO client.example.org", EHLO_FULL,
    "C:AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S:235 2.7.0 Authentication successful",
    /* one write: the server reads all four commands before it answers */
    "C:MAIL FROM:<alice@example.org> SIZE=42",
    "C:RCPT TO:<bob@example.org>",
    "C:RCPT TO:<carol@example.org>",
    "C:DATA",
    "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:250 2.1.5 Ok", "S:354 End data with <CR><LF>.<CR><LF>",
    "D:",
    "S:250 2.0.0 Ok: queued as ABC",
    /* a second message on the same connection, 8-bit */
    "C:MAIL FROM:<alice@example.org> SIZE=24 BODY=8BITMIME",
    "C:RCPT TO:<bob@example.org>",
    "C:DATA",
    "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 go ahead",
    "D:",
    "S:250 2.0.0 Ok: queued as DEF",
    "C:RSET", "S:250 2.0.0 Ok",
    "C:NOOP", "S:250 2.0.0 Ok",
    "C:QUIT", "S:221 2.0.0 Bye",
    "WAIT_CLOSE",
    NULL,
  };
  const char *recipients[] = { "bob@example.org", "carol@example.org", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(TernSmtpSendResult) result2 = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: t\n\n.dot\n..two\nbare\rcr\r\nend");
  g_autoptr(GBytes) message8 = bytes ("Subject: caf\xc3\xa9\r\n\r\nBody\r\n");
  TernSmtpCapabilities *caps;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tern_smtp_session_get_greeting (session), ==, "mail.example.org ESMTP");
  g_assert_true (tern_smtp_session_is_esmtp (session));
  caps = tern_smtp_session_get_capabilities (session);
  g_assert_cmpuint (tern_smtp_capabilities_get_size_limit (caps), ==, 1000000);

  g_assert_true (tern_smtp_session_login (session, "alice", "secret", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_is_authenticated (session));

  result = tern_smtp_session_send_bytes (session, "alice@example.org", recipients, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (tern_smtp_send_result_get_n_accepted (result), ==, 2);
  g_assert_cmpuint (tern_smtp_send_result_get_n_rejected (result), ==, 0);
  g_assert_cmpstr (tern_smtp_reply_get_line (tern_smtp_send_result_get_reply (result), 0), ==, "Ok: queued as ABC");

  result2 = tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message8, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result2);

  g_assert_true (tern_smtp_session_rset (session, NULL, &error));
  g_assert_true (tern_smtp_session_noop (session, NULL, &error));
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  g_assert_no_error (error);

  fake_server_assert_finished (server);
  /* CRLF everywhere, a dot doubled at the start of a line */
  assert_data (server, 0, "Subject: t\r\n\r\n..dot\r\n...two\r\nbare\r\ncr\r\nend\r\n");
  assert_data (server, 1, "Subject: caf\xc3\xa9\r\n\r\nBody\r\n");
}

static void
test_helo_fallback (void)
{
  static const char *script[] = {
    "S:220-old.example.org SMTP",
    "S:220 no extensions here",
    "C:EHLO client.example.org", "S:502 5.5.1 Command not implemented",
    "C:HELO client.example.org", "S:250 old.example.org",
    /* no PIPELINING: one command at a time, no SIZE, no BODY */
    "C:MAIL FROM:<>", "S:250 ok",
    "C:RCPT TO:<bob@example.org>", "S:250 ok",
    "C:DATA", "S:354 go",
    "D:",
    "S:250 ok",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: bounce\r\n\r\nx\r\n");
  g_autoptr(GBytes) message8 = bytes ("Subject: 8bit\r\n\r\n\xe9t\xe9\r\n");
  g_autoptr(GBytes) utf8_headers = bytes ("Subject: \xc3\xa9t\xc3\xa9\r\n\r\nx\r\n");

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (tern_smtp_session_is_esmtp (session));
  g_assert_cmpstr (tern_smtp_session_get_greeting (session), ==, "old.example.org SMTP\nno extensions here");
  g_assert_cmpint (tern_smtp_capabilities_get_extensions (tern_smtp_session_get_capabilities (session)), ==,
                   TERN_SMTP_EXTENSION_NONE);

  /* no AUTH, no 8BITMIME: clear errors before anything is sent */
  g_assert_false (tern_smtp_session_login (session, "alice", "secret", NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_null (tern_smtp_session_send_bytes (session, "", rcpt_bob, message8, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_null (tern_smtp_session_send_bytes (session, "", rcpt_bob, utf8_headers, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  result = tern_smtp_session_send_bytes (session, "", rcpt_bob, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
  assert_data (server, 0, "Subject: bounce\r\n\r\nx\r\n");
}

static void
test_starttls_not_offered (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250-AUTH PLAIN", "S:250 PIPELINING",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_smtp_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  fake_server_assert_finished (server);
}

static void
test_starttls_refused (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250 STARTTLS",
    "C:STARTTLS", "S:454 4.7.0 TLS not available due to local problem",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_smtp_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "454 4.7.0"));
  fake_server_assert_finished (server);
}

static void
test_starttls_injection (void)
{
  /* data after the 220 and before the handshake would pass as encrypted */
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250 STARTTLS",
    "C:STARTTLS", "R:220 go ahead\\r\\n250 injected\\r\\n",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_smtp_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_PROTOCOL);
  fake_server_assert_finished (server);
}

static void
test_recipient_rejected (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", EHLO_FULL,
    "C~MAIL FROM:<alice@example.org> SIZE=*",
    "C:RCPT TO:<bob@example.org>",
    "C:RCPT TO:<nobody@example.org>",
    "C:RCPT TO:<carol@example.org>",
    "C:DATA",
    "S:250 2.1.0 Ok",
    "S:250 2.1.5 Ok",
    "S:550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown",
    "S:250 2.1.5 Ok",
    "S:354 go",
    "D:",
    "S:250 2.0.0 Ok: queued",
    "CLOSE",
    NULL,
  };
  const char *recipients[] = { "bob@example.org", "nobody@example.org", "carol@example.org", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");
  g_autofree char *described = NULL;
  TernSmtpReply *reply;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  result = tern_smtp_session_send_bytes (session, "alice@example.org", recipients, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (tern_smtp_send_result_get_n_accepted (result), ==, 2);
  g_assert_cmpstr (tern_smtp_send_result_get_accepted (result, 0), ==, "bob@example.org");
  g_assert_cmpstr (tern_smtp_send_result_get_accepted (result, 1), ==, "carol@example.org");
  g_assert_cmpuint (tern_smtp_send_result_get_n_rejected (result), ==, 1);
  g_assert_cmpstr (tern_smtp_send_result_get_rejected (result, 0), ==, "nobody@example.org");
  reply = tern_smtp_send_result_get_rejected_reply (result, 0);
  g_assert_cmpuint (tern_smtp_reply_get_code (reply), ==, 550);
  g_assert_cmpstr (tern_smtp_reply_get_enhanced_code (reply), ==, "5.1.1");
  described = tern_smtp_send_result_describe_rejections (result);
  g_assert_cmpstr (described, ==,
                   "nobody@example.org: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown");
  fake_server_assert_finished (server);
}

static void
test_all_rejected (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", EHLO_FULL,
    "C~MAIL FROM:<alice@example.org> SIZE=*",
    "C:RCPT TO:<x@example.org>",
    "C:RCPT TO:<y@example.org>",
    "C:DATA",
    "S:250 2.1.0 Ok",
    "S:550 5.1.1 <x@example.org>: User unknown",
    "S:450 4.2.0 <y@example.org>: Greylisted",
    "S:554 5.5.1 Error: no valid recipients",
    "C:RSET", "S:250 2.0.0 Ok",
    /* an old server that says 354 although no recipient is left */
    "C~MAIL FROM:<alice@example.org> SIZE=*",
    "C:RCPT TO:<x@example.org>",
    "C:DATA",
    "S:250 2.1.0 Ok",
    "S:550 5.1.1 no",
    "S:354 go ahead anyway",
    "C:.",
    "S:554 no valid recipients",
    "C:RSET", "S:250 2.0.0 Ok",
    /* and the connection is still good for the next message */
    "C~MAIL FROM:<alice@example.org> SIZE=*",
    "C:RCPT TO:<bob@example.org>",
    "C:DATA",
    "S:250 2.1.0 Ok", "S:250 2.1.5 Ok", "S:354 go",
    "D:",
    "S:250 2.0.0 Ok",
    "CLOSE",
    NULL,
  };
  const char *two[] = { "x@example.org", "y@example.org", NULL };
  const char *one[] = { "x@example.org", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));

  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", two, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_RECIPIENTS_REJECTED);
  g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 550);
  g_assert_cmpstr (tern_smtp_error_get_enhanced_code (error), ==, "5.1.1");
  g_assert_nonnull (strstr (error->message, "x@example.org: 550 5.1.1"));
  g_assert_nonnull (strstr (error->message, "y@example.org: 450 4.2.0"));
  g_clear_error (&error);

  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", one, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_RECIPIENTS_REJECTED);
  g_clear_error (&error);

  result = tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  fake_server_assert_finished (server);
}

static void
test_all_rejected_no_pipelining (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250 8BITMIME",
    "C:MAIL FROM:<alice@example.org>", "S:250 ok",
    "C:RCPT TO:<x@example.org>", "S:550 no such user",
    /* no DATA without a recipient */
    "C:RSET", "S:250 ok",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  const char *one[] = { "x@example.org", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", one, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_RECIPIENTS_REJECTED);
  g_assert_false (tern_smtp_error_is_temporary (error));
  g_clear_error (&error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_sender_rejected (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", EHLO_FULL,
    "C~MAIL FROM:<mallory@example.org> SIZE=*",
    "C:RCPT TO:<bob@example.org>",
    "C:DATA",
    "S:553 5.7.1 <mallory@example.org>: Sender address rejected: not owned by user alice",
    "S:503 5.5.1 Error: need MAIL command",
    "S:503 5.5.1 Error: need RCPT command",
    /* no transaction was opened: no RSET */
    "C~MAIL FROM:<alice@example.org> SIZE=*",
    "C:RCPT TO:<bob@example.org>",
    "C:DATA",
    "S:451 4.3.0 Temporary lookup failure",
    "S:503 5.5.1 Error: need MAIL command",
    "S:503 5.5.1 Error: need RCPT command",
    "C:NOOP", "S:250 2.0.0 Ok",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_null (tern_smtp_session_send_bytes (session, "mallory@example.org", rcpt_bob, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_SENDER_REJECTED);
  g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 553);
  g_assert_cmpstr (tern_smtp_error_get_enhanced_code (error), ==, "5.7.1");
  g_clear_error (&error);

  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_TEMPORARY);
  g_assert_true (tern_smtp_error_is_temporary (error));
  g_clear_error (&error);

  g_assert_true (tern_smtp_session_noop (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_service_closing (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250 SIZE 1000",
    "C:MAIL FROM:<alice@example.org> SIZE=20", "S:421 4.3.2 Service shutting down, closing channel",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 421);
  g_assert_true (tern_smtp_error_is_temporary (error));
  g_clear_error (&error);

  g_assert_false (tern_smtp_session_noop (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED);
  fake_server_assert_finished (server);
}

static void
test_size (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250-PIPELINING", "S:250 SIZE 100",
    /* the 200-byte message is refused before MAIL: the next thing is QUIT */
    "C:MAIL FROM:<alice@example.org> SIZE=20",
    "C:RCPT TO:<bob@example.org>",
    "C:DATA",
    "S:250 Ok", "S:250 Ok", "S:354 go",
    "D:",
    "S:552 5.3.4 Message size exceeds fixed limit",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *big_text = g_strdup_printf ("Subject: big\r\n\r\n%0184d\r\n", 0);
  g_autoptr(GBytes) big = bytes (big_text);
  g_autoptr(GBytes) small = bytes ("Subject: x\r\n\r\nbody\r\n");

  g_assert_cmpuint (g_bytes_get_size (big), ==, 202);
  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, big, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_MESSAGE_TOO_LARGE);
  g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 0);
  g_clear_error (&error);

  /* the server may still refuse after the data */
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, small, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_MESSAGE_TOO_LARGE);
  g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 552);
  g_clear_error (&error);

  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_smtputf8 (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250-8BITMIME", "S:250 SMTPUTF8",
    "C:MAIL FROM:<alice@example.org> SMTPUTF8", "S:250 ok",
    "C:RCPT TO:<用户@例子.广告>", "S:250 ok",
    "C:DATA", "S:354 go", "D:", "S:250 ok",
    /* UTF-8 in the header: SMTPUTF8 when offered, with BODY=8BITMIME */
    "C:MAIL FROM:<alice@example.org> BODY=8BITMIME SMTPUTF8", "S:250 ok",
    "C:RCPT TO:<bob@example.org>", "S:250 ok",
    "C:DATA", "S:354 go", "D:", "S:250 ok",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  static const char *no_utf8_script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250 8BITMIME",
    /* an internationalized domain alone needs no SMTPUTF8: A-labels */
    "C:MAIL FROM:<alice@xn--fsqu00a.xn--4rr70v>", "S:250 ok",
    "C:RCPT TO:<bob@xn--fsqu00a.xn--4rr70v>", "S:250 ok",
    "C:DATA", "S:354 go", "D:", "S:250 ok",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  const char *idn[] = { "用户@例子.广告", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(FakeServer) no_utf8 = fake_server_new (no_utf8_script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(TernSmtpSession) old = session_for (no_utf8, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernSmtpSendResult) r1 = NULL;
  g_autoptr(TernSmtpSendResult) r2 = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");
  g_autoptr(GBytes) utf8_header = bytes ("Subject: \xe4\xbd\xa0\xe5\xa5\xbd\r\n\r\nbody\r\n");

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  r1 = tern_smtp_session_send_bytes (session, "alice@example.org", idn, message, NULL, &error);
  g_assert_no_error (error);
  r2 = tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, utf8_header, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);

  g_assert_true (tern_smtp_session_connect (old, NULL, &error));
  {
    const char *idn_domain[] = { "bob@例子.广告", NULL };
    g_autoptr(TernSmtpSendResult) r3 = NULL;

    r3 = tern_smtp_session_send_bytes (old, "alice@例子.广告", idn_domain, message, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (tern_smtp_send_result_get_accepted (r3, 0), ==, "bob@例子.广告");
  }
  g_assert_null (tern_smtp_session_send_bytes (old, "alice@example.org", idn, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "SMTPUTF8"));
  g_clear_error (&error);
  g_assert_true (tern_smtp_session_quit (old, NULL, &error));
  fake_server_assert_finished (no_utf8);
}

static void
test_bad_addresses (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250 hi",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  const char *injected[] = { "bob@example.org>\r\nRCPT TO:<eve@example.org", NULL };
  const char *empty[] = { "", NULL };
  const char *none[] = { NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", injected, message, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tern_smtp_session_send_bytes (session, "a<b", rcpt_bob, message, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", empty, message, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", none, message, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_auth (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250-AUTH LOGIN", "S:250 PIPELINING",
    "C:AUTH LOGIN", "S:334 VXNlcm5hbWU6",
    "C:YWxpY2U=", "S:334 UGFzc3dvcmQ6",
    "C:d3Jvbmc=", "S:535 5.7.8 Error: authentication failed: authentication failure",
    "C:AUTH LOGIN", "S:334 VXNlcm5hbWU6",
    "C:YWxpY2U=", "S:334 UGFzc3dvcmQ6",
    "C:c2VjcmV0", "S:235 2.7.0 Authentication successful",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));

  /* PLAIN is not offered */
  tern_smtp_session_set_auth_method (session, TERN_SMTP_AUTH_PLAIN);
  g_assert_false (tern_smtp_session_login (session, "alice", "secret", NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  tern_smtp_session_set_auth_method (session, TERN_SMTP_AUTH_AUTO);
  g_assert_false (tern_smtp_session_login (session, "alice", "wrong", NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_FAILED);
  g_assert_cmpstr (tern_smtp_error_get_enhanced_code (error), ==, "5.7.8");
  g_assert_false (tern_smtp_session_is_authenticated (session));
  g_clear_error (&error);

  g_assert_true (tern_smtp_session_login (session, "alice", "secret", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_auth_insecure_and_required (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250 AUTH PLAIN",
    /* no AUTH may arrive: the session refuses to send the password in clear */
    "C:MAIL FROM:<alice@example.org>", "S:530 5.7.0 Authentication required",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");

  tern_smtp_session_set_allow_insecure_auth (session, FALSE);
  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_false (tern_smtp_session_login (session, "alice", "secret", NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_INSECURE);
  g_clear_error (&error);

  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED);
  g_clear_error (&error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_greeting_refused (void)
{
  static const char *script[] = {
    "S:554 5.7.1 No SMTP service here",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_smtp_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PERMANENT);
  g_assert_nonnull (strstr (error->message, "No SMTP service here"));
  fake_server_assert_finished (server);
}

static void
test_hostile (void)
{
  static const char *endless[] = { "ENDLESS:1024", NULL };
  static const char *no_end[] = { "S:220 hi", "C:EHLO client.example.org", "REPEAT:100000:250-more", NULL };
  static const char *garbage[] = { "S:HTTP/1.1 400 Bad Request", "WAIT_CLOSE", NULL };
  static const char *mixed[] = { "S:220 hi", "C:EHLO client.example.org", "S:250-hi", "S:550 no", "WAIT_CLOSE",
                                 NULL };
  static const char *early_close[] = { "S:220 hi", "C:EHLO client.example.org", "S:250-hi", "CLOSE", NULL };
  const struct { const char * const *script; GQuark domain; int code; } cases[] = {
    { endless, TERN_NET_ERROR, TERN_NET_ERROR_LINE_TOO_LONG },
    { no_end, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE },
    { garbage, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE },
    { mixed, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE },
    { early_close, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FakeServer) server = fake_server_new (cases[i].script);
      g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
      g_autoptr(GError) error = NULL;
      g_assert_false (tern_smtp_session_connect (session, NULL, &error));
      g_assert_error (error, cases[i].domain, cases[i].code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_false (tern_net_connection_is_connected (tern_smtp_session_get_connection (session)));
      fake_server_assert_finished (server);
    }
}

/* A message of random lines, some starting with dots, with CRLF or LF line ends; the
 * expected wire form is built alongside. */
static void
make_message (guint     n_lines,
              GString  *message,
              GString  *expected)
{
  for (guint i = 0; i < n_lines; i++)
    {
      guint length = g_test_rand_int_range (0, 120);
      g_autoptr(GString) line = g_string_new (NULL);

      if (g_test_rand_int_range (0, 4) == 0)
        g_string_append_c (line, '.');
      for (guint j = 0; j < length; j++)
        g_string_append_c (line, g_test_rand_int_range (0, 10) == 0 ? '.' : 'a' + j % 26);

      g_string_append (message, line->str);
      g_string_append (message, g_test_rand_bit () ? "\r\n" : "\n");
      if (line->str[0] == '.')
        g_string_append_c (expected, '.');
      g_string_append (expected, line->str);
      g_string_append (expected, "\r\n");
    }
}

static void
test_dot_stuffing (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250-PIPELINING", "S:250 8BITMIME",
    "C:MAIL FROM:<a@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:", "S:250 ok",
    "C:MAIL FROM:<a@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:", "S:250 ok",
    "C:MAIL FROM:<a@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:", "S:250 ok",
    "C:MAIL FROM:<a@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:", "S:250 ok",
    "C:MAIL FROM:<a@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:", "S:250 ok",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) big = g_string_new (NULL);
  g_autoptr(GString) big_expected = g_string_new (NULL);
  static const struct { const char *message; const char *expected; } cases[] = {
    { ".", "..\r\n" },
    { "", "" },
    { "..\r\n.\r\nx\r", "...\r\n..\r\nx\r\n" },
    { "a\r\r\nb", "a\r\n\r\nb\r\n" },
  };

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) message = bytes (cases[i].message);
      g_autoptr(TernSmtpSendResult) result = NULL;

      /* as a stream of unknown size */
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (message);
      result = tern_smtp_session_send_message (session, "a@example.org", rcpt_bob, stream, -1,
                                               TERN_SMTP_SEND_FLAGS_NONE, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (result);
    }

  /* 600 KB: dots at the start of lines fall on chunk boundaries too */
  make_message (10000, big, big_expected);
  {
    g_autoptr(GBytes) message = g_bytes_new (big->str, big->len);
    g_autoptr(TernSmtpSendResult) result = NULL;

    result = tern_smtp_session_send_bytes (session, "a@example.org", rcpt_bob, message, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (result);
  }

  tern_smtp_session_close (session);
  fake_server_assert_finished (server);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_data (server, i, cases[i].expected);
  assert_data (server, G_N_ELEMENTS (cases), big_expected->str);
}

static void
test_scan_message (void)
{
  goffset size = 0;

  g_assert_cmpint (tern_smtp_scan_message ((const guint8 *) "a\nb", 3, &size), ==, TERN_SMTP_SEND_FLAGS_NONE);
  g_assert_cmpint (size, ==, 6);
  g_assert_cmpint (tern_smtp_scan_message ((const guint8 *) "a\r\nb\r\n", 6, &size), ==, TERN_SMTP_SEND_FLAGS_NONE);
  g_assert_cmpint (size, ==, 6);
  g_assert_cmpint (tern_smtp_scan_message ((const guint8 *) "S: \xe9\r\n\r\nx", 9, &size), ==,
                   TERN_SMTP_SEND_FLAGS_8BIT | TERN_SMTP_SEND_FLAGS_UTF8_HEADERS);
  g_assert_cmpint (tern_smtp_scan_message ((const guint8 *) "S: x\n\n\xe9", 7, &size), ==,
                   TERN_SMTP_SEND_FLAGS_8BIT);
  g_assert_cmpint (size, ==, 11);
}

static void
test_transcript_redacted (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250-PIPELINING", "S:250 AUTH PLAIN LOGIN",
    "C:AUTH PLAIN AGFsaWNlAGh1bnRlcjJwYXNz", "S:535 5.7.8 no",
    "C:AUTH LOGIN", "S:334 VXNlcm5hbWU6", "C:YWxpY2U=", "S:334 UGFzc3dvcmQ6", "C:aHVudGVyMnBhc3M=",
    "S:235 2.7.0 ok",
    "C:MAIL FROM:<alice@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:", "S:250 ok",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: confidential-subject\r\n\r\nconfidential-body\r\n");
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autofree char *log = NULL;

  g_mutex_lock (&log_lock);
  captured_log = g_string_new (NULL);
  g_mutex_unlock (&log_lock);
  g_log_set_debug_enabled (TRUE);

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  tern_smtp_session_set_auth_method (session, TERN_SMTP_AUTH_PLAIN);
  g_assert_false (tern_smtp_session_login (session, "alice", "hunter2pass", NULL, &error));
  g_clear_error (&error);
  tern_smtp_session_set_auth_method (session, TERN_SMTP_AUTH_LOGIN);
  g_assert_true (tern_smtp_session_login (session, "alice", "hunter2pass", NULL, &error));
  result = tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message, NULL, &error);
  g_assert_no_error (error);

  g_log_set_debug_enabled (FALSE);
  g_mutex_lock (&log_lock);
  log = g_string_free (g_steal_pointer (&captured_log), FALSE);
  g_mutex_unlock (&log_lock);

  g_test_message ("transcript:\n%s", log);
  g_assert_nonnull (strstr (log, "C: AUTH PLAIN <redacted>"));
  g_assert_nonnull (strstr (log, "C: AUTH LOGIN"));
  g_assert_nonnull (strstr (log, "C: <redacted>"));
  g_assert_nonnull (strstr (log, "C: MAIL FROM:<alice@example.org>"));
  g_assert_nonnull (strstr (log, "S: 535 5.7.8 no"));
  g_assert_nonnull (strstr (log, " bytes>"));
  g_assert_null (strstr (log, "hunter2pass"));
  g_assert_null (strstr (log, "AGFsaWNlAGh1bnRlcjJwYXNz"));
  g_assert_null (strstr (log, "aHVudGVyMnBhc3M="));
  g_assert_null (strstr (log, "YWxpY2U="));
  g_assert_null (strstr (log, "confidential"));

  fake_server_assert_finished (server);
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *out = g_object_ref (result);
}

static void
test_async (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250-PIPELINING", "S:250 AUTH PLAIN",
    "C:AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S:235 2.7.0 ok",
    "C:MAIL FROM:<alice@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:", "S:250 2.0.0 queued",
    "C:MAIL FROM:<alice@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:550 5.1.1 no such user", "S:554 5.5.1 no valid recipients",
    "C:RSET", "S:250 ok",
    "C:QUIT", "S:221 bye",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");
  g_autoptr(TernSmtpSendResult) result = NULL;
  GAsyncResult *async_result = NULL;

  tern_smtp_session_connect_async (session, "alice", "secret", NULL, async_done_cb, &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tern_smtp_session_connect_finish (session, async_result, &error));
  g_assert_no_error (error);
  g_clear_object (&async_result);

  tern_smtp_session_send_async (session, "alice@example.org", rcpt_bob, message, NULL, async_done_cb,
                                &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = tern_smtp_session_send_finish (session, async_result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tern_smtp_reply_get_enhanced_code (tern_smtp_send_result_get_reply (result)), ==, "2.0.0");
  g_clear_object (&async_result);

  tern_smtp_session_send_async (session, "alice@example.org", rcpt_bob, message, NULL, async_done_cb,
                                &async_result);
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (tern_smtp_session_send_finish (session, async_result, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_RECIPIENTS_REJECTED);
  g_clear_object (&async_result);
  g_clear_error (&error);

  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static gpointer
cancel_later_thread (gpointer user_data)
{
  g_usleep (200 * 1000);
  g_cancellable_cancel (user_data);
  return NULL;
}

static void
test_cancel (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250 hi",
    "C:MAIL FROM:<alice@example.org>",
    "SLEEP:2500",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");
  GThread *thread;
  gint64 start;

  tern_net_connection_set_timeouts (tern_smtp_session_get_connection (session), 5, 10);
  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  thread = g_thread_new ("cancel", cancel_later_thread, cancellable);
  start = g_get_monotonic_time ();
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message, cancellable,
                                               &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_TIME_SPAN_SECOND);
  g_thread_join (thread);
  fake_server_assert_finished (server);
}

static void
test_slow_data_end (void)
{
  static const char *script[] = {
    "S:220 hi",
    "C:EHLO client.example.org", "S:250-hi", "S:250 PIPELINING",
    "C:MAIL FROM:<alice@example.org>", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "S:250 ok", "S:250 ok", "S:354 go", "D:",
    /* a content filter takes longer than the I/O timeout: RFC 5321 allows 10 minutes */
    "SLEEP:2200",
    "S:250 2.0.0 queued",
    /* then the usual timeout applies again */
    "C:NOOP",
    "SLEEP:2200",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernSmtpSession) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = bytes ("Subject: x\r\n\r\nbody\r\n");
  g_autoptr(TernSmtpSendResult) result = NULL;
  TernNetConnection *connection = tern_smtp_session_get_connection (session);

  tern_net_connection_set_timeouts (connection, 5, 1);
  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  result = tern_smtp_session_send_bytes (session, "alice@example.org", rcpt_bob, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (tern_net_connection_get_io_timeout (connection), ==, 1);

  g_assert_false (tern_smtp_session_noop (session, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  fake_server_assert_finished (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/Smtp/Session/pipelined-send", test_pipelined_send);
  g_test_add_func ("/Smtp/Session/helo-fallback", test_helo_fallback);
  g_test_add_func ("/Smtp/Session/starttls-not-offered", test_starttls_not_offered);
  g_test_add_func ("/Smtp/Session/starttls-refused", test_starttls_refused);
  g_test_add_func ("/Smtp/Session/starttls-injection", test_starttls_injection);
  g_test_add_func ("/Smtp/Session/recipient-rejected", test_recipient_rejected);
  g_test_add_func ("/Smtp/Session/all-rejected", test_all_rejected);
  g_test_add_func ("/Smtp/Session/all-rejected-no-pipelining", test_all_rejected_no_pipelining);
  g_test_add_func ("/Smtp/Session/sender-rejected", test_sender_rejected);
  g_test_add_func ("/Smtp/Session/service-closing", test_service_closing);
  g_test_add_func ("/Smtp/Session/size", test_size);
  g_test_add_func ("/Smtp/Session/smtputf8", test_smtputf8);
  g_test_add_func ("/Smtp/Session/bad-addresses", test_bad_addresses);
  g_test_add_func ("/Smtp/Session/auth", test_auth);
  g_test_add_func ("/Smtp/Session/auth-insecure-and-required", test_auth_insecure_and_required);
  g_test_add_func ("/Smtp/Session/greeting-refused", test_greeting_refused);
  g_test_add_func ("/Smtp/Session/hostile", test_hostile);
  g_test_add_func ("/Smtp/Session/dot-stuffing", test_dot_stuffing);
  g_test_add_func ("/Smtp/Session/scan-message", test_scan_message);
  g_test_add_func ("/Smtp/Session/transcript-redacted", test_transcript_redacted);
  g_test_add_func ("/Smtp/Session/async", test_async);
  g_test_add_func ("/Smtp/Session/cancel", test_cancel);
  g_test_add_func ("/Smtp/Session/slow-data-end", test_slow_data_end);

  return g_test_run ();
}
