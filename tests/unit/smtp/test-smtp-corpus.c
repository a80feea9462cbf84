/* test-smtp-corpus.c: replays the recorded real SMTP server replies of the shared corpus
 * ($TERN_CORPUS_DIR/smtp-traces: Comcast and a few generic ones) through the reply
 * parser, and whole conversations through a session talking to a fake server that
 * sends them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each file is the server side of one command, stored with LF line ends: it is parsed
 * (and sent) with CRLF. Every file must parse into complete replies with nothing left
 * over; the files whose content is known give the expected codes, enhanced codes and
 * extensions. Without the corpus the test exits with 77 (skipped) and says why.
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"
#include "tern-smtp-capabilities.h"
#include "tern-smtp-reply.h"
#include "tern-smtp-session.h"

static char *corpus_root;

static GPtrArray *
load_lines (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < length; i++)
    {
      if (contents[i] == '\n')
        {
          gsize end = i > start && contents[i - 1] == '\r' ? i - 1 : i;

          g_ptr_array_add (lines, g_strndup (contents + start, end - start));
          start = i + 1;
        }
    }
  if (start < length)
    g_ptr_array_add (lines, g_strndup (contents + start, length - start));

  return lines;
}

/* All the replies in the file; every line must belong to a complete reply. */
static GPtrArray *
parse_file (const char *path)
{
  g_autoptr(GPtrArray) lines = load_lines (path);
  GPtrArray *replies = g_ptr_array_new_with_free_func (g_object_unref);
  TernSmtpReply *current = NULL;

  g_assert_cmpuint (lines->len, >, 0);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      g_autoptr(GError) error = NULL;

      if (current == NULL || tern_smtp_reply_is_complete (current))
        {
          current = tern_smtp_reply_new ();
          g_ptr_array_add (replies, current);
        }
      g_assert_true (tern_smtp_reply_feed_line (current, line, strlen (line), &error));
      g_assert_no_error (error);
    }
  g_assert_true (tern_smtp_reply_is_complete (current));

  return replies;
}

static void
assert_reply (TernSmtpReply *reply,
              guint          code,
              const char    *enhanced)
{
  g_assert_cmpuint (tern_smtp_reply_get_code (reply), ==, code);
  g_assert_cmpstr (tern_smtp_reply_get_enhanced_code (reply), ==, enhanced);
}

static void
check_ehlo (const char    *name,
            TernSmtpReply *reply)
{
  g_autoptr(TernSmtpCapabilities) caps = tern_smtp_capabilities_new_from_reply (reply);
  gboolean x_exps = strstr (name, "x-exps") != NULL;

  g_assert_cmpuint (tern_smtp_reply_get_code (reply), ==, 250);
  g_assert_true (g_str_has_prefix (tern_smtp_capabilities_get_domain (caps), "omta06.westchester.pa.mail.comcast.net"));
  g_assert_true (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_SIZE | TERN_SMTP_EXTENSION_8BITMIME |
                                                   TERN_SMTP_EXTENSION_ENHANCEDSTATUSCODES |
                                                   TERN_SMTP_EXTENSION_STARTTLS));
  g_assert_cmpuint (tern_smtp_capabilities_get_size_limit (caps), ==, 36700160);
  g_assert_true (tern_smtp_capabilities_has_keyword (caps, "HELP"));

  /* X-EXPS is not AUTH, whatever it lists */
  g_assert_cmpint (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_AUTH), ==, !x_exps);
  g_assert_cmpint (tern_smtp_capabilities_has_auth (caps, "PLAIN"), ==, !x_exps);
  g_assert_cmpint (tern_smtp_capabilities_has_auth (caps, "LOGIN"), ==, !x_exps);
  g_assert_cmpint (tern_smtp_capabilities_has_keyword (caps, "X-EXPS"), ==, x_exps);

  g_assert_cmpint (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_PIPELINING), ==,
                   strstr (name, "+pipelining") != NULL || strstr (name, "+dsn") != NULL);
  g_assert_cmpint (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_SMTPUTF8), ==,
                   strstr (name, "+smtputf8") != NULL);
  g_assert_cmpint (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_DSN), ==, strstr (name, "+dsn") != NULL);
  g_assert_cmpint (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_CHUNKING), ==,
                   strstr (name, "+binarymime") != NULL);
  g_assert_cmpint (tern_smtp_capabilities_has_keyword (caps, "BINARYMIME"), ==, strstr (name, "+binarymime") != NULL);
  g_assert_cmpint (tern_smtp_capabilities_has_auth (caps, "DIGEST-MD5"), ==, strstr (name, "+digest-md5") != NULL);
  g_assert_cmpint (tern_smtp_capabilities_has_keyword (caps, "REQUIRETLS"), ==, strstr (name, "+requiretls") != NULL);
}

static void
check_base64_prompt (TernSmtpReply *reply)
{
  gsize length = 0;
  g_autofree guchar *decoded = g_base64_decode (tern_smtp_reply_get_line (reply, 0), &length);
  g_autofree char *text = g_strndup ((char *) decoded, length);

  g_assert_cmpuint (tern_smtp_reply_get_code (reply), ==, 334);
  g_assert_true (g_str_equal (text, "Username:") || g_str_equal (text, "Password:"));
}

static void
test_file (gconstpointer data)
{
  const char *path = data;
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GPtrArray) replies = parse_file (path);
  TernSmtpReply *first = g_ptr_array_index (replies, 0);

  g_test_message ("%s: %u replies, first %u", base, replies->len, tern_smtp_reply_get_code (first));

  /* files with one command's reply hold one reply */
  if (!g_str_equal (base, "pipelined-mail-from-rcpt-to.txt"))
    g_assert_cmpuint (replies->len, ==, 1);

  if (g_str_has_prefix (base, "comcast-ehlo"))
    check_ehlo (base, first);
  else if (g_str_equal (base, "comcast-greeting.txt"))
    assert_reply (first, 220, NULL);
  else if (g_str_equal (base, "comcast-mail-from.txt"))
    assert_reply (first, 250, "2.1.0");
  else if (g_str_equal (base, "comcast-rcpt-to.txt"))
    assert_reply (first, 250, "2.1.5");
  else if (g_str_equal (base, "comcast-data.txt"))
    assert_reply (first, 354, NULL);
  else if (g_str_equal (base, "comcast-data-done.txt"))
    {
      assert_reply (first, 250, "2.0.0");
      g_assert_cmpstr (tern_smtp_reply_get_line (first, 0), ==, "1Yat1n00V1sBWGw3SYaubg mail accepted for delivery");
    }
  else if (g_str_equal (base, "comcast-quit.txt"))
    assert_reply (first, 221, "2.0.0");
  else if (g_str_equal (base, "comcast-noop.txt") || g_str_equal (base, "comcast-rset.txt"))
    assert_reply (first, 250, "2.0.0");
  else if (g_str_equal (base, "comcast-auth-plain.txt") || g_str_equal (base, "comcast-auth-login.txt"))
    assert_reply (first, 235, "2.7.0");
  else if (g_str_equal (base, "auth-successful.txt"))
    assert_reply (first, 235, NULL);
  else if (g_str_has_prefix (base, "comcast-auth-login-"))
    check_base64_prompt (first);
  else if (g_str_equal (base, "comcast-auth-digest-md5.txt") ||
           g_str_equal (base, "comcast-auth-digest-md5-response.txt"))
    {
      gsize length = 0;
      G_GNUC_UNUSED g_autofree guchar *decoded = g_base64_decode (tern_smtp_reply_get_line (first, 0), &length);

      assert_reply (first, 334, NULL);
      g_assert_cmpuint (length, >, 0);
    }
  else if (g_str_equal (base, "comcast-auth-digest-md5-reset.txt"))
    {
      assert_reply (first, 535, NULL);
      g_assert_cmpint (tern_smtp_reply_get_error_code (first), ==, TERN_SMTP_ERROR_AUTHENTICATION_FAILED);
    }
  else if (g_str_equal (base, "auth-required.txt"))
    {
      assert_reply (first, 530, "5.7.0");
      g_assert_cmpint (tern_smtp_reply_get_error_code (first), ==, TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED);
    }
  else if (g_str_equal (base, "helo.txt"))
    {
      assert_reply (first, 250, NULL);
      g_assert_cmpuint (tern_smtp_reply_get_n_lines (first), ==, 1);
    }
  else if (g_str_equal (base, "pipelined-mail-from-rcpt-to.txt"))
    {
      g_assert_cmpuint (replies->len, ==, 2);
      assert_reply (first, 250, "2.1.0");
      assert_reply (g_ptr_array_index (replies, 1), 250, "2.1.5");
    }
  else if (g_str_equal (base, "rfc0821-expn.txt"))
    {
      assert_reply (first, 250, NULL);
      g_assert_cmpuint (tern_smtp_reply_get_n_lines (first), ==, 6);
      g_assert_cmpstr (tern_smtp_reply_get_line (first, 5), ==, "<xyz@bar-unix.ARPA>");
    }
  else if (g_str_equal (base, "rfc0821-vrfy.txt"))
    assert_reply (first, 250, NULL);
}

/* ---- conversations ------------------------------------------------------------------ */

static char *
trace (const char *name)
{
  return g_build_filename (corpus_root, "mailkit", name, NULL);
}

static gboolean
have_traces (const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = trace (names[i]);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return FALSE;
    }
  return TRUE;
}

/* Script steps: "F:name" refers to a trace file; others are used as they are. */
static FakeServer *
server_for (const char * const *steps)
{
  g_autoptr(GPtrArray) script = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; steps[i] != NULL; i++)
    {
      if (g_str_has_prefix (steps[i], "F:"))
        {
          g_autofree char *path = trace (steps[i] + 2);

          g_ptr_array_add (script, g_strconcat ("F:", path, NULL));
        }
      else
        g_ptr_array_add (script, g_strdup (steps[i]));
    }
  g_ptr_array_add (script, NULL);

  return fake_server_new ((const char * const *) script->pdata);
}

static TernSmtpSession *
session_for (FakeServer *server)
{
  TernSmtpSession *session = tern_smtp_session_new ("127.0.0.1", fake_server_get_port (server),
                                                    TERN_NET_SECURITY_NONE);

  tern_smtp_session_set_allow_insecure_auth (session, TRUE);
  tern_smtp_session_set_helo_name (session, "client.example.org");
  tern_net_connection_set_timeouts (tern_smtp_session_get_connection (session), 5, 5);
  return session;
}

static const char *recipients[] = { "bob@example.org", NULL };

/* Comcast, no PIPELINING: AUTH PLAIN, one message, RSET, NOOP, QUIT. */
static void
test_conversation_comcast (void)
{
  static const char *steps[] = {
    "F:comcast-greeting.txt",
    "C:EHLO client.example.org", "F:comcast-ehlo.txt",
    "C:AUTH PLAIN AGFsaWNlAHNlY3JldA==", "F:comcast-auth-plain.txt",
    "C:MAIL FROM:<alice@example.org> SIZE=20", "F:comcast-mail-from.txt",
    "C:RCPT TO:<bob@example.org>", "F:comcast-rcpt-to.txt",
    "C:DATA", "F:comcast-data.txt",
    "D:", "F:comcast-data-done.txt",
    "C:RSET", "F:comcast-rset.txt",
    "C:NOOP", "F:comcast-noop.txt",
    "C:QUIT", "F:comcast-quit.txt",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = server_for (steps);
  g_autoptr(TernSmtpSession) session = session_for (server);
  g_autoptr(GBytes) message = g_bytes_new_static ("Subject: x\r\n\r\nbody\r\n", 20);
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tern_smtp_session_get_greeting (session), ==, "ESMTP server ready");
  g_assert_true (tern_smtp_session_login (session, "alice", "secret", NULL, &error));
  g_assert_no_error (error);
  result = tern_smtp_session_send_bytes (session, "alice@example.org", recipients, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tern_smtp_reply_get_enhanced_code (tern_smtp_send_result_get_reply (result)), ==, "2.0.0");
  g_assert_true (tern_smtp_session_rset (session, NULL, &error));
  g_assert_true (tern_smtp_session_noop (session, NULL, &error));
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  g_assert_no_error (error);
  fake_server_assert_finished (server);
}

/* Comcast with PIPELINING: the recorded pipelined MAIL/RCPT replies, then DATA. */
static void
test_conversation_pipelined (void)
{
  static const char *steps[] = {
    "F:comcast-greeting.txt",
    "C:EHLO client.example.org", "F:comcast-ehlo+pipelining.txt",
    "C:AUTH LOGIN", "F:comcast-auth-login-password.txt",
    "C:YWxpY2U=", "F:comcast-auth-login-username.txt",
    "C:c2VjcmV0", "F:comcast-auth-login.txt",
    "C:MAIL FROM:<alice@example.org> SIZE=20", "C:RCPT TO:<bob@example.org>", "C:DATA",
    "F:pipelined-mail-from-rcpt-to.txt", "F:comcast-data.txt",
    "D:", "F:comcast-data-done.txt",
    "C:QUIT", "F:comcast-quit.txt",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = server_for (steps);
  g_autoptr(TernSmtpSession) session = session_for (server);
  g_autoptr(GBytes) message = g_bytes_new_static ("Subject: x\r\n\r\nbody\r\n", 20);
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) error = NULL;

  tern_smtp_session_set_auth_method (session, TERN_SMTP_AUTH_LOGIN);
  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_true (tern_smtp_session_login (session, "alice", "secret", NULL, &error));
  g_assert_no_error (error);
  result = tern_smtp_session_send_bytes (session, "alice@example.org", recipients, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

/* The recorded refusals: a wrong password, then "authentication required". */
static void
test_conversation_refusals (void)
{
  static const char *steps[] = {
    "F:comcast-greeting.txt",
    "C:EHLO client.example.org", "F:comcast-ehlo+smtputf8.txt",
    "C:AUTH PLAIN AGFsaWNlAHdyb25n", "F:comcast-auth-digest-md5-reset.txt",
    "C:MAIL FROM:<alice@example.org> SIZE=20", "F:auth-required.txt",
    "C:QUIT", "F:comcast-quit.txt",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = server_for (steps);
  g_autoptr(TernSmtpSession) session = session_for (server);
  g_autoptr(GBytes) message = g_bytes_new_static ("Subject: x\r\n\r\nbody\r\n", 20);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_false (tern_smtp_session_login (session, "alice", "wrong", NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_FAILED);
  g_clear_error (&error);
  g_assert_null (tern_smtp_session_send_bytes (session, "alice@example.org", recipients, message, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED);
  g_clear_error (&error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

/* helo.txt as the answer to HELO after a refused EHLO */
static void
test_conversation_helo (void)
{
  static const char *steps[] = {
    "F:comcast-greeting.txt",
    "C:EHLO client.example.org", "S:500 5.5.1 unrecognized command",
    "C:HELO client.example.org", "F:helo.txt",
    "C:QUIT", "F:comcast-quit.txt",
    "WAIT_CLOSE",
    NULL,
  };
  g_autoptr(FakeServer) server = server_for (steps);
  g_autoptr(TernSmtpSession) session = session_for (server);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_false (tern_smtp_session_is_esmtp (session));
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  fake_server_assert_finished (server);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
collect (const char *dir,
         GPtrArray  *paths)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          collect (path, paths);
          g_free (path);
        }
      else if (!g_str_has_suffix (path, ".md"))
        g_ptr_array_add (paths, path);
      else
        g_free (path);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *corpus = g_getenv ("TERN_CORPUS_DIR");
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  static const char *comcast[] = {
    "comcast-greeting.txt", "comcast-ehlo.txt", "comcast-auth-plain.txt", "comcast-mail-from.txt",
    "comcast-rcpt-to.txt", "comcast-data.txt", "comcast-data-done.txt", "comcast-rset.txt",
    "comcast-noop.txt", "comcast-quit.txt", NULL,
  };
  static const char *pipelined[] = {
    "comcast-ehlo+pipelining.txt", "comcast-auth-login-password.txt", "comcast-auth-login-username.txt",
    "comcast-auth-login.txt", "pipelined-mail-from-rcpt-to.txt", NULL,
  };
  static const char *refusals[] = {
    "comcast-ehlo+smtputf8.txt", "comcast-auth-digest-md5-reset.txt", "auth-required.txt", NULL,
  };
  static const char *helo[] = { "helo.txt", NULL };
  int status;

  g_test_init (&argc, &argv, NULL);

  if (corpus == NULL || *corpus == '\0')
    {
      g_print ("# SKIP: TERN_CORPUS_DIR is not set, so the recorded SMTP replies cannot be replayed\n");
      return 77;
    }
  corpus_root = g_build_filename (corpus, "smtp-traces", NULL);
  if (!g_file_test (corpus_root, G_FILE_TEST_IS_DIR))
    {
      g_print ("# SKIP: the corpus of recorded SMTP replies is absent (%s)\n", corpus_root);
      g_free (corpus_root);
      return 77;
    }

  collect (corpus_root, paths);
  if (paths->len == 0)
    g_error ("%s holds no trace files", corpus_root);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *test_path = g_strconcat ("/Smtp/Corpus/file", path + strlen (corpus_root), NULL);

      g_test_add_data_func (test_path, path, test_file);
    }

  /* whole conversations, from the files they need */
  if (have_traces (comcast))
    g_test_add_func ("/Smtp/Corpus/conversation/comcast", test_conversation_comcast);
  if (have_traces (comcast) && have_traces (pipelined))
    g_test_add_func ("/Smtp/Corpus/conversation/comcast-pipelined", test_conversation_pipelined);
  if (have_traces (comcast) && have_traces (refusals))
    g_test_add_func ("/Smtp/Corpus/conversation/refusals", test_conversation_refusals);
  if (have_traces (comcast) && have_traces (helo))
    g_test_add_func ("/Smtp/Corpus/conversation/helo", test_conversation_helo);

  status = g_test_run ();
  g_free (corpus_root);
  return status;
}
