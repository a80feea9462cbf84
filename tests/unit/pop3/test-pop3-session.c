/* test-pop3-session.c: TernPop3Session against a scripted fake server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"
#include "tern-net-error.h"
#include "tern-pop3-session.h"

/* ---- helpers ---------------------------------------------------------------------- */

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

  if (domain != NULL && g_str_equal (domain, "TernPop3.Net"))
    {
      g_mutex_lock (&log_lock);
      if (captured_log != NULL)
        g_string_append_printf (captured_log, "%s\n", message);
      g_mutex_unlock (&log_lock);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

static TernPop3Session *
session_for (FakeServer      *server,
             TernNetSecurity  security)
{
  TernPop3Session *session = tern_pop3_session_new ("127.0.0.1", fake_server_get_port (server), security);

  tern_pop3_session_set_allow_insecure_auth (session, TRUE);
  tern_net_connection_set_timeouts (tern_pop3_session_get_connection (session), 5, 5);
  return session;
}

static FakeServer *
server_from_array (GPtrArray *steps)
{
  g_ptr_array_add (steps, NULL);
  return fake_server_new ((const char * const *) steps->pdata);
}

typedef struct
{
  GPtrArray *messages;   /* GByteArray per completed message */
  GByteArray *current;
  GArray    *msgnos;
  guint      fail_after;  /* fail on this chunk (1-based), 0: never */
  guint      chunks;
} Collector;

static void
collector_init (Collector *c)
{
  c->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  c->current = g_byte_array_new ();
  c->msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
  c->fail_after = 0;
  c->chunks = 0;
}

static void
collector_clear (Collector *c)
{
  g_ptr_array_unref (c->messages);
  g_byte_array_unref (c->current);
  g_array_unref (c->msgnos);
}

static gboolean
collect_cb (guint          msgno,
            const guint8  *data,
            gsize          length,
            gpointer       user_data,
            GError       **error)
{
  Collector *c = user_data;

  if (data == NULL)
    {
      g_ptr_array_add (c->messages, g_steal_pointer (&c->current));
      g_array_append_val (c->msgnos, msgno);
      c->current = g_byte_array_new ();
      return TRUE;
    }

  c->chunks++;
  if (c->fail_after != 0 && c->chunks >= c->fail_after)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full (test)");
      return FALSE;
    }

  g_assert_cmpuint (length, <=, 64 * 1024);
  g_byte_array_append (c->current, data, length);
  return TRUE;
}

static void
assert_message (Collector  *c,
                guint       index,
                const char *expected)
{
  GByteArray *message;

  g_assert_cmpuint (index, <, c->messages->len);
  message = g_ptr_array_index (c->messages, index);
  g_assert_cmpmem (message->data, message->len, expected, strlen (expected));
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_commands (void)
{
  static const char *script[] = {
    "S:+OK POP3 ready",
    "C:CAPA", "S:+OK", "S:USER", "S:UIDL", "S:TOP", "S:.",
    "C:USER alice", "S:+OK",
    "C:PASS secret", "S:+OK logged in",
    "C:CAPA", "S:+OK", "S:USER", "S:UIDL", "S:TOP", "S:.",
    "C:STAT", "S:+OK 2 320",
    "C:LIST", "S:+OK 2 messages", "S:1 120", "S:2 200", "S:.",
    "C:LIST 2", "S:+OK 2 200",
    "C:UIDL", "S:+OK", "S:1 aaa", "S:2 bbb", "S:.",
    "C:UIDL 1", "S:+OK 1 aaa",
    "C:TOP 1 0", "S:+OK", "S:Subject: hi", "S:", "S:.",
    "C:RETR 2", "S:+OK message follows", "S:Subject: dots", "S:", "S:..", "S:...", "S:..leading", "S:plain",
    "S:.",
    "C:DELE 1", "S:+OK",
    "C:RSET", "S:+OK",
    "C:NOOP", "S:+OK",
    "C:DELE 2", "S:+OK",
    "C:QUIT", "S:+OK bye",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = NULL;
  g_autoptr(GArray) uidl = NULL;
  g_autofree char *uid = NULL;
  guint count = 0;
  guint64 size = 0;
  Collector c;

  collector_init (&c);

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tern_pop3_session_get_greeting (session), ==, "POP3 ready");
  g_assert_null (tern_pop3_session_get_apop_timestamp (session));
  g_assert_false (tern_pop3_session_get_pipelining (session));

  g_assert_true (tern_pop3_session_login (session, "alice", "secret", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_is_logged_in (session));
  g_assert_cmpint (tern_pop3_session_get_used_auth_method (session), ==, TERN_POP3_AUTH_USER);

  g_assert_true (tern_pop3_session_stat (session, &count, &size, NULL, &error));
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpuint (size, ==, 320);

  list = tern_pop3_session_list (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpuint (g_array_index (list, TernPop3ScanListing, 1).msgno, ==, 2);
  g_assert_cmpuint (g_array_index (list, TernPop3ScanListing, 1).size, ==, 200);

  g_assert_true (tern_pop3_session_list_one (session, 2, &size, NULL, &error));
  g_assert_cmpuint (size, ==, 200);

  uidl = tern_pop3_session_uidl (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidl->len, ==, 2);
  g_assert_cmpstr (g_array_index (uidl, TernPop3UidListing, 0).uid, ==, "aaa");
  g_assert_cmpstr (g_array_index (uidl, TernPop3UidListing, 1).uid, ==, "bbb");

  uid = tern_pop3_session_uidl_one (session, 1, NULL, &error);
  g_assert_cmpstr (uid, ==, "aaa");

  g_assert_true (tern_pop3_session_top (session, 1, 0, collect_cb, &c, NULL, &error));
  g_assert_no_error (error);
  assert_message (&c, 0, "Subject: hi\r\n\r\n");

  g_assert_true (tern_pop3_session_retr (session, 2, collect_cb, &c, NULL, &error));
  g_assert_no_error (error);
  assert_message (&c, 1, "Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nplain\r\n");
  g_assert_cmpuint (g_array_index (c.msgnos, guint, 1), ==, 2);

  g_assert_true (tern_pop3_session_dele (session, 1, NULL, &error));
  g_assert_true (tern_pop3_session_rset (session, NULL, &error));
  g_assert_true (tern_pop3_session_noop (session, NULL, &error));
  g_assert_true (tern_pop3_session_dele (session, 2, NULL, &error));
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (tern_pop3_session_is_logged_in (session));

  fake_server_assert_finished (server);
  collector_clear (&c);
}

static void
test_pipelining (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:SASL PLAIN", "S:USER", "S:PIPELINING", "S:.",
    /* SASL PLAIN with the initial response (RFC 5034) */
    "C:AUTH PLAIN AGFsaWNlAHNlY3JldA==", "S:+OK",
    "C:CAPA", "S:+OK", "S:PIPELINING", "S:TOP", "S:.",
    /* all three commands arrive before the first reply is sent */
    "C:RETR 1", "C:RETR 2", "C:RETR 3",
    "S:+OK", "S:one", "S:.",
    "S:+OK", "S:..two", "S:.",
    "S:+OK", "S:three", "S:.",
    "C:RETR 1", "C:RETR 2", "C:RETR 3",
    "S:+OK", "S:one", "S:.",
    "S:-ERR [SYS/PERM] message 2 is gone",
    "S:+OK", "S:three", "S:.",
    "C:NOOP", "S:+OK",
    /* the headers, pipelined the same way */
    "C:TOP 1 0", "C:TOP 2 0", "C:TOP 3 0",
    "S:+OK", "S:Subject: one", "S:", "S:.",
    "S:+OK", "S:Subject: two", "S:", "S:.",
    "S:+OK", "S:Subject: three", "S:", "S:.",
    "C:DELE 1", "C:DELE 2", "C:DELE 3",
    "S:+OK", "S:+OK", "S:+OK",
    "C:QUIT", "S:+OK",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  const guint msgnos[] = { 1, 2, 3 };
  Collector c;

  collector_init (&c);
  tern_net_connection_set_timeouts (tern_pop3_session_get_connection (session), 5, 3);

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "alice", "secret", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tern_pop3_session_get_used_auth_method (session), ==, TERN_POP3_AUTH_PLAIN);
  g_assert_true (tern_pop3_session_get_pipelining (session));

  g_assert_true (tern_pop3_session_retr_many (session, msgnos, 3, collect_cb, &c, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.messages->len, ==, 3);
  assert_message (&c, 0, "one\r\n");
  assert_message (&c, 1, ".two\r\n");
  assert_message (&c, 2, "three\r\n");

  /* a -ERR in the middle: the first message is complete, the error names the second,
   * and the session is still in step */
  g_ptr_array_set_size (c.messages, 0);
  g_assert_false (tern_pop3_session_retr_many (session, msgnos, 3, collect_cb, &c, NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PERMANENT);
  g_assert_nonnull (strstr (error->message, "2"));
  g_assert_cmpuint (c.messages->len, ==, 1);
  assert_message (&c, 0, "one\r\n");
  g_clear_error (&error);
  g_assert_true (tern_pop3_session_noop (session, NULL, &error));

  g_ptr_array_set_size (c.messages, 0);
  g_assert_true (tern_pop3_session_top_many (session, msgnos, 3, 0, collect_cb, &c, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.messages->len, ==, 3);
  assert_message (&c, 1, "Subject: two\r\n\r\n");

  g_assert_true (tern_pop3_session_dele_many (session, msgnos, 3, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));

  fake_server_assert_finished (server);
  collector_clear (&c);
}

static void
test_pipelining_window (void)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  guint msgnos[40];
  Collector c;

  g_ptr_array_add (steps, g_strdup ("S:+OK ready"));
  g_ptr_array_add (steps, g_strdup ("C:CAPA"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  g_ptr_array_add (steps, g_strdup ("S:USER"));
  g_ptr_array_add (steps, g_strdup ("S:PIPELINING"));
  g_ptr_array_add (steps, g_strdup ("S:."));
  g_ptr_array_add (steps, g_strdup ("C:USER bob"));
  g_ptr_array_add (steps, g_strdup ("C:PASS pw"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  g_ptr_array_add (steps, g_strdup ("C:CAPA"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  g_ptr_array_add (steps, g_strdup ("S:PIPELINING"));
  g_ptr_array_add (steps, g_strdup ("S:."));
  /* the first window of commands, then their replies, then the rest */
  for (guint i = 1; i <= TERN_POP3_PIPELINE_WINDOW; i++)
    g_ptr_array_add (steps, g_strdup_printf ("C:RETR %u", i));
  for (guint i = 1; i <= TERN_POP3_PIPELINE_WINDOW; i++)
    {
      g_ptr_array_add (steps, g_strdup ("S:+OK"));
      g_ptr_array_add (steps, g_strdup_printf ("S:message %u", i));
      g_ptr_array_add (steps, g_strdup ("S:."));
    }
  for (guint i = TERN_POP3_PIPELINE_WINDOW + 1; i <= 40; i++)
    g_ptr_array_add (steps, g_strdup_printf ("C:RETR %u", i));
  for (guint i = TERN_POP3_PIPELINE_WINDOW + 1; i <= 40; i++)
    {
      g_ptr_array_add (steps, g_strdup ("S:+OK"));
      g_ptr_array_add (steps, g_strdup_printf ("S:message %u", i));
      g_ptr_array_add (steps, g_strdup ("S:."));
    }
  g_ptr_array_add (steps, g_strdup ("CLOSE"));
  server = server_from_array (steps);

  for (guint i = 0; i < 40; i++)
    msgnos[i] = i + 1;

  collector_init (&c);
  session = session_for (server, TERN_NET_SECURITY_NONE);
  tern_net_connection_set_timeouts (tern_pop3_session_get_connection (session), 5, 3);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "bob", "pw", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_retr_many (session, msgnos, 40, collect_cb, &c, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.messages->len, ==, 40);
  assert_message (&c, 39, "message 40\r\n");
  g_assert_cmpuint (g_array_index (c.msgnos, guint, 39), ==, 40);

  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
  collector_clear (&c);
}

static void
test_apop (void)
{
  static const char *script[] = {
    "S:+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>",
    "C:CAPA", "S:-ERR unknown command",
    /* RFC 1939 section 7, the example exchange */
    "C:APOP mrose c4c9334bac560ecc979e58001b3e22fb", "S:+OK maildrop has 1 message (369 octets)",
    "C:STAT", "S:+OK 1 369",
    "C:QUIT", "S:+OK",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  guint count = 0;

  tern_pop3_session_set_auth_method (session, TERN_POP3_AUTH_APOP);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (tern_pop3_session_get_capabilities (session));
  g_assert_cmpstr (tern_pop3_session_get_apop_timestamp (session), ==, "<1896.697170952@dbc.mtview.ca.us>");
  g_assert_true (tern_pop3_session_login (session, "mrose", "tanstaaf", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_stat (session, &count, NULL, NULL, &error));
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_apop_unavailable (void)
{
  static const char *script[] = {
    "S:+OK no timestamp here",
    "C:CAPA", "S:-ERR",
    "C:QUIT", "S:+OK",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_pop3_session_set_auth_method (session, TERN_POP3_AUTH_APOP);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_false (tern_pop3_session_login (session, "mrose", "tanstaaf", NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_auth_login (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:SASL LOGIN", "S:.",
    "C:AUTH LOGIN", "S:+ VXNlcm5hbWU6",
    "C:YWxpY2U=", "S:+ UGFzc3dvcmQ6",
    "C:c2VjcmV0", "S:+OK welcome",
    "C:CAPA", "S:+OK", "S:.",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "alice", "secret", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tern_pop3_session_get_used_auth_method (session), ==, TERN_POP3_AUTH_LOGIN);
  fake_server_assert_finished (server);
}

static void
test_auth_plain_challenge (void)
{
  g_autofree char *long_user = g_strnfill (200, 'u');
  g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, long_user, 0, "pw");
  g_autofree char *encoded = g_base64_encode ((const guchar *) raw, strlen (long_user) + 4);
  g_autofree char *expect = g_strconcat ("C:", encoded, NULL);
  const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:SASL PLAIN", "S:.",
    /* too long for an initial response (255 octets): wait for the challenge */
    "C:AUTH PLAIN", "S:+ ",
    expect, "S:+ more?",
    "C:*", "S:-ERR cancelled",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_false (tern_pop3_session_login (session, long_user, "pw", NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED);
  fake_server_assert_finished (server);
}

static void
test_wrong_password (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:USER", "S:RESP-CODES", "S:AUTH-RESP-CODE", "S:.",
    "C:USER alice", "S:+OK",
    "C:PASS wrong", "S:-ERR [AUTH] Authentication failed.",
    "C:USER alice", "S:+OK",
    "C:PASS wrong", "S:-ERR invalid password",
    "C:USER alice", "S:+OK",
    "C:PASS right", "S:-ERR [IN-USE] Mailbox locked by another session",
    "C:USER alice", "S:+OK",
    "C:PASS right", "S:-ERR [LOGIN-DELAY] Wait 5 minutes",
    "C:USER nobody", "S:-ERR [SYS/TEMP] Directory unavailable",
    "C:QUIT", "S:+OK",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));

  g_assert_false (tern_pop3_session_login (session, "alice", "wrong", NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED);
  g_assert_cmpstr (tern_pop3_error_get_response_code (error), ==, "AUTH");
  g_assert_nonnull (strstr (error->message, "Authentication failed."));
  g_clear_error (&error);

  g_assert_false (tern_pop3_session_login (session, "alice", "wrong", NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED);
  g_clear_error (&error);

  g_assert_false (tern_pop3_session_login (session, "alice", "right", NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_IN_USE);
  g_clear_error (&error);

  g_assert_false (tern_pop3_session_login (session, "alice", "right", NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_LOGIN_DELAY);
  g_clear_error (&error);

  g_assert_false (tern_pop3_session_login (session, "nobody", "x", NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_TEMPORARY);
  g_clear_error (&error);

  g_assert_false (tern_pop3_session_is_logged_in (session));
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_insecure_refused (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:USER", "S:.",
    /* no USER/PASS may arrive */
    "C:QUIT", "S:+OK",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_pop3_session_set_allow_insecure_auth (session, FALSE);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_false (tern_pop3_session_login (session, "alice", "secret", NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_INSECURE);
  g_clear_error (&error);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_stls_not_offered (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:USER", "S:SASL PLAIN", "S:.",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  g_assert_false (tern_net_connection_is_connected (tern_pop3_session_get_connection (session)));
  fake_server_assert_finished (server);
}

static void
test_stls_refused (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:-ERR what?",
    "C:STLS", "S:-ERR not here",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  fake_server_assert_finished (server);
}

static void
test_err_greeting (void)
{
  static const char *script[] = {
    "S:-ERR [SYS/TEMP] too busy",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_TEMPORARY);
  g_assert_nonnull (strstr (error->message, "too busy"));
  fake_server_assert_finished (server);
}

static void
test_endless_line (void)
{
  static const char *script[] = {
    "ENDLESS:4096",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_net_connection_set_max_line_length (tern_pop3_session_get_connection (session), 64 * 1024);
  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_LINE_TOO_LONG);
  fake_server_assert_finished (server);
}

static void
test_garbage (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:USER", "S:.",
    "C:USER a", "S:+OK", "C:PASS b", "S:+OK",
    "C:CAPA", "S:+OK", "S:.",
    "C:STAT", "R:* 3 EXISTS\\r\\n",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "a", "b", NULL, &error));
  g_assert_false (tern_pop3_session_stat (session, NULL, NULL, NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
  /* the session knows it is lost */
  g_assert_false (tern_pop3_session_is_logged_in (session));
  g_clear_error (&error);
  g_assert_false (tern_pop3_session_noop (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED);
  fake_server_assert_finished (server);
}

static void
test_listing_bounded (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:-ERR",
    "C:USER a", "S:+OK", "C:PASS b", "S:+OK",
    "C:UIDL", "S:+OK",
    /* a listing without end: more lines than Tern keeps */
    "REPEAT:1000000:1 abc",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) uidl = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "a", "b", NULL, &error));
  uidl = tern_pop3_session_uidl (session, NULL, &error);
  g_assert_null (uidl);
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_TOO_LARGE);
  g_assert_false (tern_pop3_session_is_logged_in (session));
  fake_server_assert_finished (server);
}

static void
test_listing_parse_error (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:-ERR",
    "C:USER a", "S:+OK", "C:PASS b", "S:+OK",
    /* gmail/uidl-error1.txt: a line without its unique-id */
    "C:UIDL", "S:+OK UIDs follow", "S:1 101", "S:2 102", "S:3", "S:.",
    "C:NOOP", "S:+OK",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) uidl = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "a", "b", NULL, &error));
  uidl = tern_pop3_session_uidl (session, NULL, &error);
  g_assert_null (uidl);
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
  g_clear_error (&error);
  /* the reply was read to its end: the session is still in step */
  g_assert_true (tern_pop3_session_noop (session, NULL, &error));
  g_assert_no_error (error);
  fake_server_assert_finished (server);
}

static void
test_uidl_one_mismatch (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:-ERR",
    "C:USER a", "S:+OK", "C:PASS b", "S:+OK",
    /* gmail/uidl1-error2.txt */
    "C:UIDL 1", "S:+OK 99 101",
    "C:LIST 1", "S:+OK 1",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *uid = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "a", "b", NULL, &error));
  uid = tern_pop3_session_uidl_one (session, 1, NULL, &error);
  g_assert_null (uid);
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (tern_pop3_session_list_one (session, 1, NULL, NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
  fake_server_assert_finished (server);
}

static void
test_message_without_end (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:-ERR",
    "C:USER a", "S:+OK", "C:PASS b", "S:+OK",
    "C:RETR 1", "S:+OK", "S:Subject: cut", "S:", "S:body",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  Collector c;

  collector_init (&c);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "a", "b", NULL, &error));
  g_assert_false (tern_pop3_session_retr (session, 1, collect_cb, &c, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CLOSED);
  /* never reported as a complete message */
  g_assert_cmpuint (c.messages->len, ==, 0);
  fake_server_assert_finished (server);
  collector_clear (&c);
}

static void
test_large_message_streams (void)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  gsize size;

  g_ptr_array_add (steps, g_strdup ("S:+OK ready"));
  g_ptr_array_add (steps, g_strdup ("C:CAPA"));
  g_ptr_array_add (steps, g_strdup ("S:-ERR"));
  g_ptr_array_add (steps, g_strdup ("C:USER a"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  g_ptr_array_add (steps, g_strdup ("C:PASS b"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  g_ptr_array_add (steps, g_strdup ("C:RETR 1"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  /* 20000 lines of 78 characters: 1.6 MB, in many 64 KiB pieces */
  g_ptr_array_add (steps, g_strdup_printf ("REPEAT:20000:%078d", 7));
  g_ptr_array_add (steps, g_strdup ("S:.."));
  g_ptr_array_add (steps, g_strdup ("S:."));
  g_ptr_array_add (steps, g_strdup ("C:RETR 2"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  /* the client gives up in the middle of this one */
  g_ptr_array_add (steps, g_strdup_printf ("REPEAT:200000:%078d", 7));
  server = server_from_array (steps);
  session = session_for (server, TERN_NET_SECURITY_NONE);

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "a", "b", NULL, &error));
  g_assert_true (tern_pop3_session_retr_to_stream (session, 1, out, NULL, &error));
  g_assert_no_error (error);
  size = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_cmpuint (size, ==, 20000 * 80 + 3);
  g_assert_cmpmem ((char *) g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)) + size - 3, 3,
                   ".\r\n", 3);

  /* a consumer that fails in the middle: the session cannot stay in step */
  {
    Collector c;

    collector_init (&c);
    c.fail_after = 2;
    g_assert_false (tern_pop3_session_retr (session, 2, collect_cb, &c, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
    g_assert_false (tern_pop3_session_is_logged_in (session));
    collector_clear (&c);
  }

  fake_server_assert_finished (server);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gpointer
cancel_later_thread (gpointer user_data)
{
  g_usleep (200 * 1000);
  cancel_cb (user_data);
  return NULL;
}

static void
test_cancel (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:-ERR",
    "C:USER a", "S:+OK", "C:PASS b", "S:+OK",
    "C:STAT",
    "SLEEP:3000",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;
  gint64 start;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "a", "b", NULL, &error));

  thread = g_thread_new ("cancel", cancel_later_thread, cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (tern_pop3_session_stat (session, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_TIME_SPAN_SECOND);
  g_thread_join (thread);
  g_assert_false (tern_pop3_session_is_logged_in (session));
  fake_server_assert_finished (server);
}

static void
test_timeout (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA",
    "SLEEP:2500",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_net_connection_set_timeouts (tern_pop3_session_get_connection (session), 5, 1);
  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  fake_server_assert_finished (server);
}

static void
connect_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  tern_pop3_session_connect_finish (TERN_POP3_SESSION (source), result, error);
  if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "none");
}

static void
test_connect_async (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:USER", "S:.",
    "C:USER alice", "S:+OK", "C:PASS secret", "S:+OK",
    "C:CAPA", "S:+OK", "S:USER", "S:.",
    "C:STAT", "S:+OK 0 0",
    "C:QUIT", "S:+OK",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  guint count = 99;

  tern_pop3_session_connect_async (session, "alice", "secret", NULL, connect_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);

  g_assert_true (tern_pop3_session_is_logged_in (session));
  g_assert_true (tern_pop3_session_stat (session, &count, NULL, NULL, &error));
  g_assert_cmpuint (count, ==, 0);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_connect_async_error (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:-ERR",
    "C:USER alice", "S:+OK", "C:PASS wrong", "S:-ERR [AUTH] no",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_pop3_session_connect_async (session, "alice", "wrong", NULL, connect_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED);
  fake_server_assert_finished (server);
}

static void
test_transcript_redacted (void)
{
  static const char *script[] = {
    "S:+OK ready",
    "C:CAPA", "S:+OK", "S:USER", "S:SASL PLAIN LOGIN", "S:.",
    "C:USER alice", "S:+OK", "C:PASS hunter2pass", "S:-ERR [AUTH] no",
    "C:AUTH PLAIN AGFsaWNlAGh1bnRlcjJwYXNz", "S:-ERR [AUTH] no",
    "C:AUTH LOGIN", "S:+ VXNlcm5hbWU6", "C:YWxpY2U=", "S:+ UGFzc3dvcmQ6", "C:aHVudGVyMnBhc3M=", "S:+OK",
    "C:CAPA", "S:+OK", "S:.",
    "C:RETR 1", "S:+OK", "S:Subject: confidential-subject", "S:", "S:confidential-body", "S:.",
    "CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernPop3Session) session = session_for (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  Collector c;

  collector_init (&c);
  g_mutex_lock (&log_lock);
  captured_log = g_string_new (NULL);
  g_mutex_unlock (&log_lock);
  g_log_set_debug_enabled (TRUE);

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  tern_pop3_session_set_auth_method (session, TERN_POP3_AUTH_USER);
  g_assert_false (tern_pop3_session_login (session, "alice", "hunter2pass", NULL, &error));
  g_clear_error (&error);
  tern_pop3_session_set_auth_method (session, TERN_POP3_AUTH_PLAIN);
  g_assert_false (tern_pop3_session_login (session, "alice", "hunter2pass", NULL, &error));
  g_clear_error (&error);
  tern_pop3_session_set_auth_method (session, TERN_POP3_AUTH_LOGIN);
  g_assert_true (tern_pop3_session_login (session, "alice", "hunter2pass", NULL, &error));
  g_assert_true (tern_pop3_session_retr (session, 1, collect_cb, &c, NULL, &error));

  g_log_set_debug_enabled (FALSE);
  g_mutex_lock (&log_lock);
  log = g_string_free (g_steal_pointer (&captured_log), FALSE);
  g_mutex_unlock (&log_lock);

  g_test_message ("transcript:\n%s", log);
  g_assert_nonnull (strstr (log, "C: USER alice"));
  g_assert_nonnull (strstr (log, "C: PASS <redacted>"));
  g_assert_nonnull (strstr (log, "C: AUTH PLAIN <redacted>"));
  g_assert_nonnull (strstr (log, "C: AUTH LOGIN"));
  g_assert_nonnull (strstr (log, "S: -ERR [AUTH] no"));
  g_assert_nonnull (strstr (log, "bytes of message data>"));
  g_assert_null (strstr (log, "hunter2pass"));
  g_assert_null (strstr (log, "AGFsaWNlAGh1bnRlcjJwYXNz"));
  g_assert_null (strstr (log, "aHVudGVyMnBhc3M="));
  g_assert_null (strstr (log, "YWxpY2U="));
  g_assert_null (strstr (log, "confidential"));

  fake_server_assert_finished (server);
  collector_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/Pop3/Session/commands", test_commands);
  g_test_add_func ("/Pop3/Session/pipelining", test_pipelining);
  g_test_add_func ("/Pop3/Session/pipelining-window", test_pipelining_window);
  g_test_add_func ("/Pop3/Session/apop", test_apop);
  g_test_add_func ("/Pop3/Session/apop-unavailable", test_apop_unavailable);
  g_test_add_func ("/Pop3/Session/auth-login", test_auth_login);
  g_test_add_func ("/Pop3/Session/auth-plain-challenge", test_auth_plain_challenge);
  g_test_add_func ("/Pop3/Session/wrong-password", test_wrong_password);
  g_test_add_func ("/Pop3/Session/insecure-refused", test_insecure_refused);
  g_test_add_func ("/Pop3/Session/stls-not-offered", test_stls_not_offered);
  g_test_add_func ("/Pop3/Session/stls-refused", test_stls_refused);
  g_test_add_func ("/Pop3/Session/err-greeting", test_err_greeting);
  g_test_add_func ("/Pop3/Session/endless-line", test_endless_line);
  g_test_add_func ("/Pop3/Session/garbage", test_garbage);
  g_test_add_func ("/Pop3/Session/listing-bounded", test_listing_bounded);
  g_test_add_func ("/Pop3/Session/listing-parse-error", test_listing_parse_error);
  g_test_add_func ("/Pop3/Session/uidl-one-mismatch", test_uidl_one_mismatch);
  g_test_add_func ("/Pop3/Session/message-without-end", test_message_without_end);
  g_test_add_func ("/Pop3/Session/large-message-streams", test_large_message_streams);
  g_test_add_func ("/Pop3/Session/cancel", test_cancel);
  g_test_add_func ("/Pop3/Session/timeout", test_timeout);
  g_test_add_func ("/Pop3/Session/connect-async", test_connect_async);
  g_test_add_func ("/Pop3/Session/connect-async-error", test_connect_async_error);
  g_test_add_func ("/Pop3/Session/transcript-redacted", test_transcript_redacted);

  return g_test_run ();
}
