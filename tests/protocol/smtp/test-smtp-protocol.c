/* test-smtp-protocol.c: TernSmtpSession against the real Postfix (and Dovecot, which
 * Postfix delivers to) of tests/servers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by tests/servers/tern-test-servers. Submission is STARTTLS with AUTH (Dovecot
 * SASL); delivery into the recipients' INBOX is checked with doveadm, apart from Tern.
 * The harness has no port-465 listener, so implicit TLS runs through a TLS relay (the
 * harness's certificate) in front of Postfix's plain SMTP port.
 */
#include "config.h"

#include <string.h>

#include "protocol-support.h"
#include "tern-net-error.h"
#include "tern-smtp-session.h"

#define SENDER "alice@tern.test"

static const char *to_bob[] = { "bob@tern.test", NULL };

static TernSmtpSession *
new_session (guint16          port,
             TernNetSecurity  security,
             gboolean         pin)
{
  TernSmtpSession *session = tern_smtp_session_new ("127.0.0.1", port, security);
  g_autoptr(GError) error = NULL;

  tern_net_connection_set_timeouts (tern_smtp_session_get_connection (session), 10, 30);
  tern_smtp_session_set_helo_name (session, "client.tern.test");
  if (pin)
    {
      g_assert_true (tern_net_connection_set_pinned_certificate (tern_smtp_session_get_connection (session),
                                                                 support_env ("TERN_TEST_CA_CERT"), &error));
      g_assert_no_error (error);
    }
  return session;
}

static TernSmtpSession *
submission (TernSmtpAuthMethod method)
{
  TernSmtpSession *session = new_session (support_port ("TERN_TEST_SUBMISSION_PORT"), TERN_NET_SECURITY_STARTTLS,
                                          TRUE);
  g_autoptr(GError) error = NULL;

  tern_smtp_session_set_auth_method (session, method);
  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_login (session, "alice", support_env ("TERN_TEST_PASSWORD"), NULL, &error));
  g_assert_no_error (error);
  return session;
}

static char *
new_message_id (void)
{
  static guint counter;
  g_autofree char *uuid = g_uuid_string_random ();

  return g_strdup_printf ("<%u.%s@tern.test>", ++counter, uuid);
}

static GBytes *
make_message (const char *message_id,
              const char *to,
              const char *subject,
              const char *body)
{
  g_autofree char *text = g_strdup_printf ("From: Alice <" SENDER ">\r\nTo: %s\r\nSubject: %s\r\n"
                                           "Message-ID: %s\r\nMIME-Version: 1.0\r\n"
                                           "Content-Type: text/plain; charset=utf-8\r\n"
                                           "Content-Transfer-Encoding: 8bit\r\n\r\n%s",
                                           to, subject, message_id, body);

  return g_bytes_new (text, strlen (text));
}

/* Waits until @message_id is in @user's INBOX; returns its body as Dovecot has it. */
static char *
wait_for_delivery (const char *user,
                   const char *message_id)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  for (;;)
    {
      g_autofree char *found = support_doveadm (NULL, 0, "search", "-u", user, "mailbox", "INBOX", "header",
                                                "message-id", message_id, NULL);

      if (*g_strstrip (found) != '\0')
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s never reached %s's INBOX", message_id, user);
      g_usleep (50 * 1000);
    }

  return support_doveadm (NULL, 0, "fetch", "-u", user, "body", "mailbox", "INBOX", "header", "message-id",
                          message_id, NULL);
}

static gboolean
delivered (const char *user,
           const char *message_id)
{
  g_autofree char *found = support_doveadm (NULL, 0, "search", "-u", user, "mailbox", "INBOX", "header",
                                            "message-id", message_id, NULL);

  return *g_strstrip (found) != '\0';
}

/* ---- tests ------------------------------------------------------------------------ */

static void
check_submission (TernSmtpAuthMethod method)
{
  g_autoptr(TernSmtpSession) session = submission (method);
  g_autofree char *id = new_message_id ();
  g_autoptr(GBytes) message = make_message (id, "bob@tern.test", "hello", "Hello Bob.\r\n");
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  TernSmtpCapabilities *caps = tern_smtp_session_get_capabilities (session);

  g_assert_true (tern_net_connection_is_encrypted (tern_smtp_session_get_connection (session)));
  /* the capabilities are those announced after STARTTLS */
  g_assert_true (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_AUTH | TERN_SMTP_EXTENSION_PIPELINING |
                                                   TERN_SMTP_EXTENSION_SIZE | TERN_SMTP_EXTENSION_8BITMIME));
  g_assert_false (tern_smtp_capabilities_has (caps, TERN_SMTP_EXTENSION_STARTTLS));
  g_assert_cmpuint (tern_smtp_capabilities_get_size_limit (caps), ==, 104857600);

  result = tern_smtp_session_send_bytes (session, SENDER, to_bob, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tern_smtp_send_result_get_n_accepted (result), ==, 1);
  g_assert_cmpuint (tern_smtp_reply_get_code (tern_smtp_send_result_get_reply (result)), ==, 250);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  g_assert_no_error (error);

  body = wait_for_delivery ("bob", id);
  g_assert_nonnull (strstr (body, "Hello Bob."));
}

static void
test_submission_plain (void)
{
  check_submission (TERN_SMTP_AUTH_PLAIN);
}

static void
test_submission_login (void)
{
  check_submission (TERN_SMTP_AUTH_LOGIN);
}

static void
test_several_messages (void)
{
  g_autoptr(TernSmtpSession) session = submission (TERN_SMTP_AUTH_AUTO);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *both[] = { "bob@tern.test", "carol@tern.test", NULL };

  for (guint i = 0; i < 5; i++)
    {
      char *id = new_message_id ();
      g_autofree char *body_text = g_strdup_printf ("Message %u of 5.\r\n", i + 1);
      g_autoptr(GBytes) message = make_message (id, "bob@tern.test, carol@tern.test", "several", body_text);
      g_autoptr(TernSmtpSendResult) result = NULL;

      g_ptr_array_add (ids, id);
      result = tern_smtp_session_send_bytes (session, SENDER, both, message, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (tern_smtp_send_result_get_n_accepted (result), ==, 2);
      if (i == 2)
        g_assert_true (tern_smtp_session_rset (session, NULL, &error));
      g_assert_true (tern_smtp_session_noop (session, NULL, &error));
    }
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));

  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *bob = wait_for_delivery ("bob", g_ptr_array_index (ids, i));
      g_autofree char *carol = wait_for_delivery ("carol", g_ptr_array_index (ids, i));
      g_autofree char *expected = g_strdup_printf ("Message %u of 5.", i + 1);

      g_assert_nonnull (strstr (bob, expected));
      g_assert_nonnull (strstr (carol, expected));
    }
}

static void
test_rejected_recipient (void)
{
  g_autoptr(TernSmtpSession) session = submission (TERN_SMTP_AUTH_AUTO);
  g_autofree char *id = new_message_id ();
  g_autoptr(GBytes) message = make_message (id, "several", "partly", "Some of you get this.\r\n");
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *recipients[] = { "bob@tern.test", "nosuchuser@tern.test", "carol@tern.test", NULL };
  TernSmtpReply *reply;
  g_autofree char *bob = NULL;
  g_autofree char *carol = NULL;

  result = tern_smtp_session_send_bytes (session, SENDER, recipients, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tern_smtp_send_result_get_n_accepted (result), ==, 2);
  g_assert_cmpuint (tern_smtp_send_result_get_n_rejected (result), ==, 1);
  g_assert_cmpstr (tern_smtp_send_result_get_rejected (result, 0), ==, "nosuchuser@tern.test");
  reply = tern_smtp_send_result_get_rejected_reply (result, 0);
  g_assert_cmpuint (tern_smtp_reply_get_code (reply), ==, 550);
  g_assert_cmpstr (tern_smtp_reply_get_enhanced_code (reply), ==, "5.1.1");
  g_test_message ("rejected: %s", tern_smtp_reply_get_line (reply, 0));

  /* only unknown users: an error, and the session goes on */
  {
    const char *nobody[] = { "nosuchuser@tern.test", "nobody2@tern.test", NULL };
    g_autoptr(TernSmtpSendResult) none = NULL;

    none = tern_smtp_session_send_bytes (session, SENDER, nobody, message, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_RECIPIENTS_REJECTED);
    g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 550);
    g_assert_cmpstr (tern_smtp_error_get_enhanced_code (error), ==, "5.1.1");
    g_clear_error (&error);
    g_assert_true (tern_smtp_session_noop (session, NULL, &error));
  }
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));

  bob = wait_for_delivery ("bob", id);
  carol = wait_for_delivery ("carol", id);
  g_assert_nonnull (strstr (bob, "Some of you get this."));
  g_assert_nonnull (strstr (carol, "Some of you get this."));
}

static void
set_size_limit (const char *limit)
{
  const char *dir = support_env ("TERN_TEST_POSTFIX_CONF_DIR");
  g_autofree char *setting = g_strconcat ("message_size_limit=", limit, NULL);
  const char *postconf[] = { "postconf", "-c", dir, "-e", setting, NULL };
  const char *reload[] = { "postfix", "-c", dir, "reload", NULL };

  g_free (support_run (postconf, NULL, 0));
  g_free (support_run (reload, NULL, 0));
}

static void
test_size (void)
{
  g_autoptr(TernSmtpSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big_body = NULL;
  g_autofree char *id_big = new_message_id ();
  g_autofree char *id_small = new_message_id ();
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GBytes) small = NULL;
  g_autoptr(TernSmtpSendResult) result = NULL;
  gint64 deadline;
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < 500; i++)
    g_string_append_printf (body, "%070u\r\n", i);
  big_body = g_string_free (body, FALSE);
  big = make_message (id_big, "bob@tern.test", "too big", big_body);
  small = make_message (id_small, "bob@tern.test", "small enough", "small\r\n");

  /* a private Postfix: lower its limit for this test (the harness's is 100 MB) */
  set_size_limit ("20000");
  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  for (;;)
    {
      session = submission (TERN_SMTP_AUTH_AUTO);
      if (tern_smtp_capabilities_get_size_limit (tern_smtp_session_get_capabilities (session)) == 20000)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_clear_object (&session);
      g_usleep (100 * 1000);
    }

  /* SIZE known: refused before MAIL, nothing sent */
  g_assert_cmpuint (g_bytes_get_size (big), >, 20000);
  g_assert_null (tern_smtp_session_send_bytes (session, SENDER, to_bob, big, NULL, &error));
  g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_MESSAGE_TOO_LARGE);
  g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 0);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* size unknown (a stream): Postfix refuses at the end of the data */
  {
    g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (big);

    g_assert_null (tern_smtp_session_send_message (session, SENDER, to_bob, stream, -1,
                                                   TERN_SMTP_SEND_FLAGS_NONE, NULL, &error));
    g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_MESSAGE_TOO_LARGE);
    g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 552);
    g_assert_cmpstr (tern_smtp_error_get_enhanced_code (error), ==, "5.3.4");
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }

  /* and a message under the limit still goes through on the same connection */
  result = tern_smtp_session_send_bytes (session, SENDER, to_bob, small, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  set_size_limit ("104857600");

  g_free (wait_for_delivery ("bob", id_small));
  g_assert_false (delivered ("bob", id_big));
}

static void
test_8bitmime (void)
{
  g_autoptr(TernSmtpSession) session = submission (TERN_SMTP_AUTH_AUTO);
  g_autofree char *id = new_message_id ();
  const char *text = "Grüße aus Köln — 東京\r\n.\r\n..two\r\n.x\r\n";
  g_autoptr(GBytes) message = make_message (id, "bob@tern.test", "8bit", text);
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_autofree char *body = NULL;

  support_capture_start ("TernSmtp.Net");
  result = tern_smtp_session_send_bytes (session, SENDER, to_bob, message, NULL, &error);
  log = support_capture_stop ();
  g_assert_no_error (error);
  g_assert_nonnull (strstr (log, "BODY=8BITMIME"));
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));

  /* byte for byte, dots included (Dovecot stores LF line ends) */
  body = wait_for_delivery ("bob", id);
  g_assert_cmpstr (body, ==, "body:\nGrüße aus Köln — 東京\n.\n..two\n.x\n");
}

static void
test_wrong_password (void)
{
  static const TernSmtpAuthMethod methods[] = { TERN_SMTP_AUTH_PLAIN, TERN_SMTP_AUTH_LOGIN };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(TernSmtpSession) session = new_session (support_port ("TERN_TEST_SUBMISSION_PORT"),
                                                        TERN_NET_SECURITY_STARTTLS, TRUE);
      g_autoptr(GError) error = NULL;

      tern_smtp_session_set_auth_method (session, methods[i]);
      g_assert_true (tern_smtp_session_connect (session, NULL, &error));
      g_assert_false (tern_smtp_session_login (session, "alice", "not-the-password", NULL, &error));
      g_assert_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_AUTHENTICATION_FAILED);
      g_assert_cmpuint (tern_smtp_error_get_reply_code (error), ==, 535);
      g_assert_cmpstr (tern_smtp_error_get_enhanced_code (error), ==, "5.7.8");
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      /* not logged in: Postfix refuses to relay */
      {
        g_autofree char *id = new_message_id ();
        g_autoptr(GBytes) message = make_message (id, "bob@tern.test", "x", "x\r\n");
        const char *outside[] = { "someone@example.com", NULL };

        g_assert_null (tern_smtp_session_send_bytes (session, SENDER, outside, message, NULL, &error));
        g_assert_nonnull (error);
        g_test_message ("unauthenticated: %s", error->message);
      }
    }
}

static void
test_untrusted_certificate (void)
{
  g_autoptr(TernSmtpSession) session = new_session (support_port ("TERN_TEST_SUBMISSION_PORT"),
                                                    TERN_NET_SECURITY_STARTTLS, FALSE);
  g_autoptr(TernSmtpSession) pinned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = support_certificate_fingerprint ();

  g_assert_false (tern_smtp_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (tern_net_error_get_certificate (error));
  fingerprint = tern_net_certificate_get_fingerprint (tern_net_error_get_certificate (error));
  g_assert_cmpstr (fingerprint, ==, expected);
  g_assert_cmpstr (tern_net_error_get_host (error), ==, "127.0.0.1");
  g_clear_error (&error);

  pinned = new_session (support_port ("TERN_TEST_SUBMISSION_PORT"), TERN_NET_SECURITY_STARTTLS, FALSE);
  g_assert_true (tern_net_connection_set_pinned_certificate (tern_smtp_session_get_connection (pinned),
                                                             fingerprint, &error));
  g_assert_true (tern_smtp_session_connect (pinned, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_login (pinned, "alice", support_env ("TERN_TEST_PASSWORD"), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_quit (pinned, NULL, &error));
}

static void
test_starttls_stripped (void)
{
  g_autoptr(Relay) relay = relay_new (support_port ("TERN_TEST_SUBMISSION_PORT"), RELAY_STRIP_STARTTLS);
  g_autoptr(TernSmtpSession) session = new_session (relay_get_port (relay), TERN_NET_SECURITY_STARTTLS, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_smtp_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  g_assert_cmpuint (relay_get_n_stripped (relay), ==, 1);
  g_assert_false (tern_net_connection_is_connected (tern_smtp_session_get_connection (session)));
}

static void
test_implicit_tls (void)
{
  g_autoptr(Relay) relay = relay_new (support_port ("TERN_TEST_SMTP_PORT"), RELAY_TLS_FRONT);
  g_autoptr(TernSmtpSession) session = new_session (relay_get_port (relay), TERN_NET_SECURITY_TLS, TRUE);
  g_autofree char *id = new_message_id ();
  g_autoptr(GBytes) message = make_message (id, "bob@tern.test", "implicit TLS", "Over TLS from the start.\r\n");
  g_autoptr(TernSmtpSendResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_net_connection_is_encrypted (tern_smtp_session_get_connection (session)));
  /* the port-25 service takes mail for its own domain without AUTH */
  result = tern_smtp_session_send_bytes (session, SENDER, to_bob, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
  body = wait_for_delivery ("bob", id);
  g_assert_nonnull (strstr (body, "Over TLS from the start."));
}

static void
test_implicit_tls_untrusted (void)
{
  g_autoptr(Relay) relay = relay_new (support_port ("TERN_TEST_SMTP_PORT"), RELAY_TLS_FRONT);
  g_autoptr(TernSmtpSession) session = new_session (relay_get_port (relay), TERN_NET_SECURITY_TLS, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_smtp_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (tern_net_error_get_certificate (error));
}

static void
test_insecure (void)
{
  g_autoptr(TernSmtpSession) session = new_session (support_port ("TERN_TEST_SMTP_PORT"), TERN_NET_SECURITY_NONE,
                                                    FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_smtp_session_connect (session, NULL, &error));
  g_assert_false (tern_net_connection_is_encrypted (tern_smtp_session_get_connection (session)));
  g_assert_false (tern_smtp_session_login (session, "alice", support_env ("TERN_TEST_PASSWORD"), NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_INSECURE);
  g_clear_error (&error);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));
}

static void
test_transcript (void)
{
  const char *password = support_env ("TERN_TEST_PASSWORD");
  g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, "alice", 0, password);
  g_autofree char *plain = g_base64_encode ((const guchar *) raw, strlen (password) + 7);
  g_autofree char *b64_user = g_base64_encode ((const guchar *) "alice", 5);
  g_autofree char *b64_pass = g_base64_encode ((const guchar *) password, strlen (password));
  g_autofree char *id = new_message_id ();
  g_autoptr(GBytes) message = make_message (id, "bob@tern.test", "transcript", "private-words\r\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  support_capture_start ("TernSmtp.Net");
  {
    g_autoptr(TernSmtpSession) plain_session = submission (TERN_SMTP_AUTH_PLAIN);
    g_autoptr(TernSmtpSession) login_session = submission (TERN_SMTP_AUTH_LOGIN);
    g_autoptr(TernSmtpSendResult) result = NULL;

    result = tern_smtp_session_send_bytes (login_session, SENDER, to_bob, message, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (tern_smtp_session_quit (plain_session, NULL, &error));
    g_assert_true (tern_smtp_session_quit (login_session, NULL, &error));
  }
  log = support_capture_stop ();
  g_test_message ("transcript:\n%s", log);

  g_assert_nonnull (strstr (log, "C: AUTH PLAIN <redacted>"));
  g_assert_nonnull (strstr (log, "C: AUTH LOGIN"));
  g_assert_nonnull (strstr (log, "S: 235 2.7.0"));
  g_assert_nonnull (strstr (log, "C: STARTTLS"));
  g_assert_null (strstr (log, plain));
  g_assert_null (strstr (log, b64_user));
  g_assert_null (strstr (log, b64_pass));
  g_assert_null (strstr (log, password));
  g_assert_null (strstr (log, "private-words"));
}

static void
async_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
test_async (void)
{
  g_autoptr(TernSmtpSession) session = new_session (support_port ("TERN_TEST_SUBMISSION_PORT"),
                                                    TERN_NET_SECURITY_STARTTLS, TRUE);
  g_autofree char *id = new_message_id ();
  g_autoptr(GBytes) message = make_message (id, "bob@tern.test", "async", "Sent from a worker thread.\r\n");
  g_autoptr(TernSmtpSendResult) sent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  GAsyncResult *result = NULL;

  tern_smtp_session_connect_async (session, "alice", support_env ("TERN_TEST_PASSWORD"), NULL, async_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tern_smtp_session_connect_finish (session, result, &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  tern_smtp_session_send_async (session, SENDER, to_bob, message, NULL, async_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  sent = tern_smtp_session_send_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sent);
  g_clear_object (&result);
  g_assert_true (tern_smtp_session_quit (session, NULL, &error));

  body = wait_for_delivery ("bob", id);
  g_assert_nonnull (strstr (body, "Sent from a worker thread."));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  support_install_log_writer ();

  g_test_add_func ("/Smtp/Protocol/submission-plain", test_submission_plain);
  g_test_add_func ("/Smtp/Protocol/submission-login", test_submission_login);
  g_test_add_func ("/Smtp/Protocol/several-messages", test_several_messages);
  g_test_add_func ("/Smtp/Protocol/rejected-recipient", test_rejected_recipient);
  g_test_add_func ("/Smtp/Protocol/size", test_size);
  g_test_add_func ("/Smtp/Protocol/8bitmime", test_8bitmime);
  g_test_add_func ("/Smtp/Protocol/wrong-password", test_wrong_password);
  g_test_add_func ("/Smtp/Protocol/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/Smtp/Protocol/starttls-stripped", test_starttls_stripped);
  g_test_add_func ("/Smtp/Protocol/implicit-tls", test_implicit_tls);
  g_test_add_func ("/Smtp/Protocol/implicit-tls-untrusted", test_implicit_tls_untrusted);
  g_test_add_func ("/Smtp/Protocol/insecure", test_insecure);
  g_test_add_func ("/Smtp/Protocol/transcript", test_transcript);
  g_test_add_func ("/Smtp/Protocol/async", test_async);

  return g_test_run ();
}
