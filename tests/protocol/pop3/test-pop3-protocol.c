/* test-pop3-protocol.c: TernPop3Session against the real Dovecot of tests/servers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by tests/servers/tern-test-servers, which exports TERN_TEST_*. Messages are put
 * into alice's INBOX with doveadm save; every command Dovecot's POP3 server supports is
 * used over POP3S (port 995 style) and STLS (port 110 style). APOP is not: the harness's
 * Dovecot has no apop mechanism, so its greeting has no timestamp (the fake-server unit
 * test covers APOP with the RFC 1939 example).
 */
#include "config.h"

#include <string.h>

#include "protocol-support.h"
#include "tern-net-error.h"
#include "tern-pop3-session.h"

#define USER "alice"

typedef struct
{
  const char *id;
  char       *text;   /* as saved, LF line ends */
  char       *wire;   /* as POP3 must give it back: CRLF line ends */
} Message;

static Message messages[3];

static char *
crlf (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '\n')
        g_string_append_c (out, '\r');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
make_messages (void)
{
  GString *big = g_string_new ("From: Bob <bob@tern.test>\nTo: alice@tern.test\nSubject: big\n"
                               "Message-ID: <big@tern.test>\n\n");

  for (guint i = 0; i < 4000; i++)
    g_string_append_printf (big, "%sline %u of a message large enough to arrive in several pieces\n",
                            i % 7 == 0 ? "." : "", i);

  messages[0].id = "<dots@tern.test>";
  messages[0].text = g_strdup ("From: Bob <bob@tern.test>\nTo: alice@tern.test\nSubject: dots\n"
                               "Message-ID: <dots@tern.test>\n\nfirst\n.\n..\n.leading\n..two\nlast\n");
  messages[1].id = "<big@tern.test>";
  messages[1].text = g_string_free (big, FALSE);
  messages[2].id = "<utf8@tern.test>";
  messages[2].text = g_strdup ("From: Bob <bob@tern.test>\nTo: alice@tern.test\nSubject: 8bit\n"
                               "Message-ID: <utf8@tern.test>\nMIME-Version: 1.0\n"
                               "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                               "Grüße aus Köln, 東京\n");
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    messages[i].wire = crlf (messages[i].text);
}

/* alice's INBOX holds exactly the three messages, in order */
static void
fill_mailbox (void)
{
  g_free (support_doveadm (NULL, 0, "expunge", "-u", USER, "mailbox", "INBOX", "all", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    g_free (support_doveadm (messages[i].text, strlen (messages[i].text), "save", "-u", USER, NULL));
}

static guint
count_messages (void)
{
  g_autofree char *out = support_doveadm (NULL, 0, "search", "-u", USER, "mailbox", "INBOX", "all", NULL);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);

  return *out == '\0' ? 0 : g_strv_length (lines);
}

static TernPop3Session *
new_session (TernNetSecurity security,
             gboolean        pin)
{
  guint16 port = support_port (security == TERN_NET_SECURITY_TLS ? "TERN_TEST_POP3S_PORT" : "TERN_TEST_POP3_PORT");
  TernPop3Session *session = tern_pop3_session_new (support_env ("TERN_TEST_HOST"), port, security);
  g_autoptr(GError) error = NULL;

  tern_net_connection_set_timeouts (tern_pop3_session_get_connection (session), 10, 20);
  if (pin)
    {
      g_assert_true (tern_net_connection_set_pinned_certificate (tern_pop3_session_get_connection (session),
                                                                 support_env ("TERN_TEST_CA_CERT"), &error));
      g_assert_no_error (error);
    }
  return session;
}

static TernPop3Session *
logged_in (TernNetSecurity security)
{
  TernPop3Session *session = new_session (security, TRUE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_login (session, USER, support_env ("TERN_TEST_PASSWORD"), NULL, &error));
  g_assert_no_error (error);
  return session;
}

typedef struct
{
  GPtrArray  *messages;
  GByteArray *current;
  gsize       largest_piece;
} Collector;

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
      c->current = g_byte_array_new ();
      return TRUE;
    }
  c->largest_piece = MAX (c->largest_piece, length);
  g_byte_array_append (c->current, data, length);
  return TRUE;
}

static void
collector_init (Collector *c)
{
  c->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  c->current = g_byte_array_new ();
  c->largest_piece = 0;
}

static void
collector_clear (Collector *c)
{
  g_ptr_array_unref (c->messages);
  g_byte_array_unref (c->current);
}

/* ---- tests ------------------------------------------------------------------------ */

static void
check_login (TernNetSecurity security)
{
  g_autoptr(TernPop3Session) session = logged_in (security);
  g_autoptr(GError) error = NULL;
  TernNetConnection *connection = tern_pop3_session_get_connection (session);
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = support_certificate_fingerprint ();
  guint count = 99;

  g_assert_true (tern_net_connection_is_encrypted (connection));
  fingerprint = tern_net_certificate_get_fingerprint (tern_net_connection_get_peer_certificate (connection));
  g_assert_cmpstr (fingerprint, ==, expected);
  g_assert_true (tern_pop3_session_is_logged_in (session));
  g_assert_nonnull (tern_pop3_session_get_capabilities (session));
  /* after TLS, the capabilities were read again: no STLS on offer any more matters */
  g_assert_true (tern_pop3_capabilities_has (tern_pop3_session_get_capabilities (session), "UIDL"));

  g_assert_true (tern_pop3_session_stat (session, &count, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  g_assert_no_error (error);
}

static void
test_pop3s_login (void)
{
  check_login (TERN_NET_SECURITY_TLS);
}

static void
test_stls_login (void)
{
  check_login (TERN_NET_SECURITY_STARTTLS);
}

static void
check_commands (TernNetSecurity security)
{
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) list = NULL;
  g_autoptr(GArray) uidl = NULL;
  g_autofree char *uid2 = NULL;
  guint count = 0;
  guint64 total = 0;
  guint64 size = 0;
  guint64 expected_total = 0;
  const guint all[] = { 1, 2, 3 };
  Collector c;

  fill_mailbox ();
  collector_init (&c);
  session = logged_in (security);

  /* STAT and LIST count the messages with CRLF line ends */
  g_assert_true (tern_pop3_session_stat (session, &count, &total, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 3);
  for (guint i = 0; i < 3; i++)
    expected_total += strlen (messages[i].wire);
  g_assert_cmpuint (total, ==, expected_total);

  list = tern_pop3_session_list (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (list, TernPop3ScanListing, i).msgno, ==, i + 1);
      g_assert_cmpuint (g_array_index (list, TernPop3ScanListing, i).size, ==, strlen (messages[i].wire));
    }
  g_assert_true (tern_pop3_session_list_one (session, 2, &size, NULL, &error));
  g_assert_cmpuint (size, ==, strlen (messages[1].wire));

  /* UIDL: three different unique-ids, and the single form agrees */
  uidl = tern_pop3_session_uidl (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uidl->len, ==, 3);
  g_assert_cmpstr (g_array_index (uidl, TernPop3UidListing, 0).uid, !=, g_array_index (uidl, TernPop3UidListing, 1).uid);
  g_assert_cmpstr (g_array_index (uidl, TernPop3UidListing, 1).uid, !=, g_array_index (uidl, TernPop3UidListing, 2).uid);
  uid2 = tern_pop3_session_uidl_one (session, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (uid2, ==, g_array_index (uidl, TernPop3UidListing, 1).uid);

  /* TOP: the header, the empty line, and n lines of the body */
  g_assert_true (tern_pop3_session_top (session, 1, 2, collect_cb, &c, NULL, &error));
  g_assert_no_error (error);
  {
    GByteArray *top = g_ptr_array_index (c.messages, 0);
    const char *body = strstr (messages[0].wire, "\r\n\r\n") + 4;
    gsize expected_length = (body - messages[0].wire) + strlen ("first\r\n.\r\n");

    g_assert_cmpmem (top->data, top->len, messages[0].wire, expected_length);
  }
  g_ptr_array_set_size (c.messages, 0);

  /* RETR, one at a time: byte for byte what was stored, dots and all */
  for (guint i = 0; i < 3; i++)
    {
      GByteArray *got;

      g_assert_true (tern_pop3_session_retr (session, i + 1, collect_cb, &c, NULL, &error));
      g_assert_no_error (error);
      got = g_ptr_array_index (c.messages, i);
      g_assert_cmpmem (got->data, got->len, messages[i].wire, strlen (messages[i].wire));
    }
  g_assert_cmpuint (c.largest_piece, <=, 64 * 1024);
  g_assert_cmpuint (strlen (messages[1].wire), >, 3 * 64 * 1024);
  g_ptr_array_set_size (c.messages, 0);

  /* pipelined, when Dovecot announces it */
  g_assert_true (tern_pop3_session_get_pipelining (session));
  g_assert_true (tern_pop3_session_retr_many (session, all, 3, collect_cb, &c, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.messages->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      GByteArray *got = g_ptr_array_index (c.messages, i);

      g_assert_cmpmem (got->data, got->len, messages[i].wire, strlen (messages[i].wire));
    }

  /* a message that is not there */
  g_assert_false (tern_pop3_session_retr (session, 9, collect_cb, &c, NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_ERR);
  g_clear_error (&error);

  g_assert_true (tern_pop3_session_noop (session, NULL, &error));

  /* DELE then RSET: nothing is deleted */
  g_assert_true (tern_pop3_session_dele_many (session, all, 3, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_stat (session, &count, NULL, NULL, &error));
  g_assert_cmpuint (count, ==, 0);
  g_assert_false (tern_pop3_session_retr (session, 1, collect_cb, &c, NULL, &error));
  g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_ERR);
  g_clear_error (&error);
  g_assert_true (tern_pop3_session_rset (session, NULL, &error));
  g_assert_true (tern_pop3_session_stat (session, &count, NULL, NULL, &error));
  g_assert_cmpuint (count, ==, 3);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_messages (), ==, 3);
  g_clear_object (&session);

  /* DELE then QUIT: the message is gone */
  session = logged_in (security);
  g_assert_true (tern_pop3_session_dele (session, 2, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_messages (), ==, 2);
  {
    g_autofree char *left = support_doveadm (NULL, 0, "fetch", "-u", USER, "hdr.message-id", "mailbox", "INBOX",
                                             "all", NULL);

    g_assert_nonnull (strstr (left, "<dots@tern.test>"));
    g_assert_null (strstr (left, "<big@tern.test>"));
    g_assert_nonnull (strstr (left, "<utf8@tern.test>"));
  }

  /* and the session that deletes without QUIT deletes nothing */
  g_clear_object (&session);
  session = logged_in (security);
  g_assert_true (tern_pop3_session_dele (session, 1, NULL, &error));
  tern_pop3_session_close (session);
  g_assert_cmpuint (count_messages (), ==, 2);

  collector_clear (&c);
}

static void
test_commands_pop3s (void)
{
  check_commands (TERN_NET_SECURITY_TLS);
}

static void
test_commands_stls (void)
{
  check_commands (TERN_NET_SECURITY_STARTTLS);
}

static void
test_auth_methods (void)
{
  static const TernPop3AuthMethod methods[] = { TERN_POP3_AUTH_USER, TERN_POP3_AUTH_PLAIN, TERN_POP3_AUTH_LOGIN };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(TernPop3Session) session = new_session (TERN_NET_SECURITY_TLS, TRUE);
      g_autoptr(GError) error = NULL;

      tern_pop3_session_set_auth_method (session, methods[i]);
      g_assert_true (tern_pop3_session_connect (session, NULL, &error));
      g_assert_true (tern_pop3_session_login (session, USER, support_env ("TERN_TEST_PASSWORD"), NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpint (tern_pop3_session_get_used_auth_method (session), ==, methods[i]);
      g_assert_true (tern_pop3_session_quit (session, NULL, &error));
    }

  /* no timestamp in Dovecot's greeting here: APOP is refused before anything is sent */
  {
    g_autoptr(TernPop3Session) session = new_session (TERN_NET_SECURITY_TLS, TRUE);
    g_autoptr(GError) error = NULL;

    tern_pop3_session_set_auth_method (session, TERN_POP3_AUTH_APOP);
    g_assert_true (tern_pop3_session_connect (session, NULL, &error));
    g_assert_null (tern_pop3_session_get_apop_timestamp (session));
    g_assert_false (tern_pop3_session_login (session, USER, support_env ("TERN_TEST_PASSWORD"), NULL, &error));
    g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_NOT_SUPPORTED);
  }
}

static void
test_wrong_password (void)
{
  static const TernPop3AuthMethod methods[] = { TERN_POP3_AUTH_USER, TERN_POP3_AUTH_PLAIN, TERN_POP3_AUTH_LOGIN };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr(TernPop3Session) session = new_session (TERN_NET_SECURITY_STARTTLS, TRUE);
      g_autoptr(GError) error = NULL;

      tern_pop3_session_set_auth_method (session, methods[i]);
      g_assert_true (tern_pop3_session_connect (session, NULL, &error));
      g_assert_false (tern_pop3_session_login (session, USER, "not-the-password", NULL, &error));
      g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_AUTHENTICATION_FAILED);
      g_test_message ("wrong password (%d): %s", methods[i], error->message);
      g_clear_error (&error);
      g_assert_false (tern_pop3_session_is_logged_in (session));
      tern_pop3_session_close (session);
    }
}

static void
check_untrusted (TernNetSecurity security)
{
  g_autoptr(TernPop3Session) session = new_session (security, FALSE);
  g_autoptr(TernPop3Session) pinned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected = support_certificate_fingerprint ();
  GTlsCertificate *certificate;

  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
  certificate = tern_net_error_get_certificate (error);
  g_assert_nonnull (certificate);
  g_assert_true (tern_net_error_get_certificate_errors (error) & G_TLS_CERTIFICATE_UNKNOWN_CA);
  fingerprint = tern_net_certificate_get_fingerprint (certificate);
  g_assert_cmpstr (fingerprint, ==, expected);
  g_test_message ("%s", error->message);

  /* the user pins exactly that certificate: accepted */
  pinned = new_session (security, FALSE);
  g_clear_error (&error);
  g_assert_true (tern_net_connection_set_pinned_certificate (tern_pop3_session_get_connection (pinned),
                                                             fingerprint, &error));
  g_assert_true (tern_pop3_session_connect (pinned, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_login (pinned, USER, support_env ("TERN_TEST_PASSWORD"), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_quit (pinned, NULL, &error));
}

static void
test_untrusted_pop3s (void)
{
  check_untrusted (TERN_NET_SECURITY_TLS);
}

static void
test_untrusted_stls (void)
{
  check_untrusted (TERN_NET_SECURITY_STARTTLS);
}

static void
test_wrong_pin (void)
{
  g_autoptr(TernPop3Session) session = new_session (TERN_NET_SECURITY_TLS, FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_net_connection_set_pinned_certificate (
    tern_pop3_session_get_connection (session),
    "sha256:0000000000000000000000000000000000000000000000000000000000000000", &error));
  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
}

static void
test_stls_stripped (void)
{
  g_autoptr(Relay) relay = relay_new (support_port ("TERN_TEST_POP3_PORT"), RELAY_STRIP_STLS);
  g_autoptr(TernPop3Session) session = tern_pop3_session_new ("127.0.0.1", relay_get_port (relay),
                                                              TERN_NET_SECURITY_STARTTLS);
  g_autoptr(GError) error = NULL;

  tern_net_connection_set_timeouts (tern_pop3_session_get_connection (session), 10, 20);
  g_assert_true (tern_net_connection_set_pinned_certificate (tern_pop3_session_get_connection (session),
                                                             support_env ("TERN_TEST_CA_CERT"), &error));
  g_assert_false (tern_pop3_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  g_assert_cmpuint (relay_get_n_stripped (relay), ==, 1);
  /* nothing was sent after CAPA: no credentials, no STLS */
  g_assert_false (tern_net_connection_is_connected (tern_pop3_session_get_connection (session)));
}

static void
test_transcript (void)
{
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_autofree char *plain = NULL;
  const char *password = support_env ("TERN_TEST_PASSWORD");
  static const TernPop3AuthMethod methods[] = { TERN_POP3_AUTH_USER, TERN_POP3_AUTH_PLAIN, TERN_POP3_AUTH_LOGIN };
  Collector c;

  fill_mailbox ();
  collector_init (&c);
  support_capture_start ("TernPop3.Net");
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_clear_object (&session);
      session = new_session (TERN_NET_SECURITY_TLS, TRUE);
      tern_pop3_session_set_auth_method (session, methods[i]);
      g_assert_true (tern_pop3_session_connect (session, NULL, &error));
      g_assert_true (tern_pop3_session_login (session, USER, password, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (tern_pop3_session_retr (session, 3, collect_cb, &c, NULL, &error));
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
  log = support_capture_stop ();
  g_test_message ("transcript:\n%s", log);

  {
    g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, USER, 0, password);
    g_autofree char *b64_user = g_base64_encode ((const guchar *) USER, strlen (USER));
    g_autofree char *b64_pass = g_base64_encode ((const guchar *) password, strlen (password));

    plain = g_base64_encode ((const guchar *) raw, strlen (USER) + strlen (password) + 2);
    g_assert_nonnull (strstr (log, "C: PASS <redacted>"));
    g_assert_nonnull (strstr (log, "C: AUTH PLAIN <redacted>"));
    g_assert_null (strstr (log, plain));
    g_assert_null (strstr (log, b64_user));
    g_assert_null (strstr (log, b64_pass));
    g_assert_null (strstr (log, password));
    g_assert_nonnull (strstr (log, "bytes of message data>"));
    g_assert_null (strstr (log, "Grüße"));
  }
  collector_clear (&c);
}

static void
connect_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_connect_async (void)
{
  g_autoptr(TernPop3Session) session = new_session (TERN_NET_SECURITY_STARTTLS, TRUE);
  g_autoptr(GError) error = NULL;
  GAsyncResult *result = NULL;

  tern_pop3_session_connect_async (session, USER, support_env ("TERN_TEST_PASSWORD"), NULL, connect_done_cb,
                                   &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (tern_pop3_session_connect_finish (session, result, &error));
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_true (tern_pop3_session_is_logged_in (session));
  g_assert_true (tern_pop3_session_quit (session, NULL, &error));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  support_install_log_writer ();
  make_messages ();

  g_test_add_func ("/Pop3/Protocol/pop3s-login", test_pop3s_login);
  g_test_add_func ("/Pop3/Protocol/stls-login", test_stls_login);
  g_test_add_func ("/Pop3/Protocol/commands-pop3s", test_commands_pop3s);
  g_test_add_func ("/Pop3/Protocol/commands-stls", test_commands_stls);
  g_test_add_func ("/Pop3/Protocol/auth-methods", test_auth_methods);
  g_test_add_func ("/Pop3/Protocol/wrong-password", test_wrong_password);
  g_test_add_func ("/Pop3/Protocol/untrusted-certificate-pop3s", test_untrusted_pop3s);
  g_test_add_func ("/Pop3/Protocol/untrusted-certificate-stls", test_untrusted_stls);
  g_test_add_func ("/Pop3/Protocol/wrong-pin", test_wrong_pin);
  g_test_add_func ("/Pop3/Protocol/stls-stripped", test_stls_stripped);
  g_test_add_func ("/Pop3/Protocol/transcript", test_transcript);
  g_test_add_func ("/Pop3/Protocol/connect-async", test_connect_async);

  status = g_test_run ();
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    {
      g_free (messages[i].text);
      g_free (messages[i].wire);
    }
  return status;
}
