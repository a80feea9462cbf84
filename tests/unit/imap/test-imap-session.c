/* test-imap-session.c: the IMAP session against a scripted fake server
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dovecot never misbehaves on purpose; this fake server does: endless lines, huge
 * literals, invalid UTF-8, BYE in the middle of a command, unexpected untagged and
 * tagged data. It also checks what goes on the wire: pipelining, literals, SASL
 * messages, the MOVE fallback's order, STARTTLS and credential policy.
 */
#include "config.h"

#include <string.h>

#include "tern-net-error.h"
#include "tern-net-sasl.h"
#include "tern-imap-error.h"
#include "tern-imap-session.h"
#include "tern-imap-session-private.h"
#include "tern-net-connection-private.h"
#include "fake-server.h"

#define PREAUTH_CAPS "IMAP4rev1 LITERAL+ UIDPLUS MOVE IDLE ENABLE QRESYNC CONDSTORE ID NAMESPACE"

static TernImapSession *
new_session (FakeServer  *server,
             TernNetSecurity  security)
{
  TernImapSession *session = tern_imap_session_new ("127.0.0.1", fake_server_get_port (server), security);

  tern_imap_session_set_timeouts (session, 5, 5);
  return session;
}

/* A session logged in by PREAUTH, without encryption (the fake server has no TLS). */
static TernImapSession *
preauth_session (FakeServer *server)
{
  TernImapSession *session = new_session (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_imap_session_connect (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_AUTHENTICATED);
  return session;
}

static void
select_inbox (TernImapSession *session)
{
  g_autoptr(GError) error = NULL;

  tern_imap_session_select (session, "INBOX", TERN_IMAP_SELECT_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
}

#define SELECT_STEPS(tag) \
  "C:" tag " SELECT \"INBOX\"", "S:* 2 EXISTS", "S:* OK [UIDVALIDITY 9] ok", "S:" tag " OK [READ-WRITE] done"

/* ---- transcript capture ------------------------------------------------------------- */

static GMutex log_lock;
static GString *log_text;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }

  g_mutex_lock (&log_lock);
  if (log_text != NULL && message != NULL)
    g_string_append_printf (log_text, "%s: %s\n", domain ? domain : "", message);
  g_mutex_unlock (&log_lock);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (level, fields, n_fields, user_data);
  return G_LOG_WRITER_HANDLED;
}

static void
capture_start (void)
{
  g_mutex_lock (&log_lock);
  log_text = g_string_new (NULL);
  g_mutex_unlock (&log_lock);
  g_log_set_debug_enabled (TRUE);
}

static char *
capture_stop (void)
{
  char *text;

  g_log_set_debug_enabled (FALSE);
  g_mutex_lock (&log_lock);
  text = g_string_free (log_text, FALSE);
  log_text = NULL;
  g_mutex_unlock (&log_lock);
  return text;
}

/* ---- connecting and logging in ---------------------------------------------------------- */

static void
test_login_command_redacted (void)
{
  const char *script[] = {
    "S:* OK [CAPABILITY IMAP4rev1 LITERAL+ ID IDLE] ready",
    "C:t1 LOGIN \"alice\" \"pa\\\"ss\\\\word\"",
    "S:t1 OK [CAPABILITY IMAP4rev1 IDLE ID] Logged in",
    "C:t2 LOGOUT",
    "S:* BYE bye",
    "S:t2 OK done",
    "CLOSE",
    NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;
  g_autofree char *transcript = NULL;

  tern_imap_session_set_credentials (session, "alice", "pa\"ss\\word", TERN_IMAP_AUTH_AUTO);
  tern_imap_session_set_allow_insecure_auth (session, TRUE);

  capture_start ();
  tern_imap_session_connect (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_AUTHENTICATED);
  g_assert_true (tern_imap_session_has_capability (session, "idle"));
  g_assert_false (tern_imap_session_has_capability (session, "LITERAL+"));
  tern_imap_session_logout (session, NULL, &error);
  g_assert_no_error (error);
  transcript = capture_stop ();

  fake_server_assert_finished (server);
  g_assert_nonnull (strstr (transcript, "TernImap.Net: 127.0.0.1:"));
  g_assert_nonnull (strstr (transcript, "C: t1 LOGIN \"alice\" <redacted>"));
  g_assert_null (strstr (transcript, "ss\\\\word"));
  g_assert_null (strstr (transcript, "pa\\\""));
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_LOGGED_OUT);
}

/* After a login no copy of the password is left where Tern put it: the session's
 * own copy, the connection's write buffer, the command's arguments. */
static gboolean
memory_holds (const void *memory, gsize size, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; memory != NULL && i + n <= size; i++)
    if (memcmp ((const char *) memory + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_login_wipes_secrets (void)
{
  const char *password = "Zq7-very-secret-password";
  g_autofree char *literal_password = g_strdup_printf ("%s\xc3\xa9", password);
  const char *script[] = {
    "S:* OK [CAPABILITY IMAP4rev1 ID] ready",
    "C:t1 LOGIN \"alice\" \"Zq7-very-secret-password\"",
    "S:t1 OK [CAPABILITY IMAP4rev1 LITERAL+] Logged in",
    "C:t2 LOGIN \"bob\" {26+}",
    "C:Zq7-very-secret-password\xc3\xa9",
    "S:t2 NO no second login",
    "WAIT_CLOSE",
    NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_NONE);
  g_autoptr(TernImapCommand) command = tern_imap_command_new ("LOGIN");
  g_autoptr(GError) error = NULL;
  TernNetConnection *connection = tern_imap_session_get_connection (session);
  const guint8 *wbuf;
  gsize allocated = 0;

  tern_imap_session_set_credentials (session, "alice", password, TERN_IMAP_AUTH_AUTO);
  tern_imap_session_set_allow_insecure_auth (session, TRUE);
  tern_imap_session_connect (session, NULL, &error);
  g_assert_no_error (error);

  g_assert_null (session->secret);
  wbuf = _tern_net_connection_peek_write_buffer (connection, &allocated);
  g_assert_false (memory_holds (wbuf, allocated, password));

  /* a password sent as a literal (8-bit), by a command the caller keeps */
  tern_imap_command_add_string (command, "bob");
  tern_imap_command_add_secret (command, literal_password);
  g_assert_true (tern_imap_session_submit (session, command, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < command->parts->len; i++)
    g_assert_false (memory_holds (g_array_index (command->parts, TernImapPart, i).text,
                                  strlen (g_array_index (command->parts, TernImapPart, i).text), password));
  if (tern_imap_session_wait (session, command, NULL, &error) || error->domain != TERN_IMAP_ERROR)
    fake_server_assert_finished (server);
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  wbuf = _tern_net_connection_peek_write_buffer (connection, &allocated);
  g_assert_false (memory_holds (wbuf, allocated, password));
  tern_imap_session_close (session);
  fake_server_assert_finished (server);
}

/* The UIDs of a 250,000-message folder on a server without ESEARCH: UID SEARCH's
 * one-line answer (about 1.9 MB here) is longer than the line limit (1 MiB), so they
 * are asked with UID FETCH (UID), one line per message. */
#define LARGE_FOLDER 250000

static void
test_uid_list_large_folder (void)
{
  g_autoptr(GString) fetches = g_string_sized_new (LARGE_FOLDER * 32);
  g_autofree char *exists = g_strdup_printf ("S:* %u EXISTS", LARGE_FOLDER);
  g_autofree char *uidnext = g_strdup_printf ("S:* OK [UIDNEXT %u] next", 3 * LARGE_FOLDER + 1);
  g_autofree char *data = NULL;
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+ UIDPLUS] logged in",
    "C:t1 SELECT \"INBOX\"", exists, "S:* OK [UIDVALIDITY 9] ok", uidnext, "S:t1 OK [READ-WRITE] done",
    "C:t2 UID FETCH 1:* (UID)", NULL, "S:t2 OK done",
    "WAIT_CLOSE",
    NULL
  };
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernImapSession) session = NULL;
  g_autoptr(GArray) uids = NULL;
  g_autoptr(GError) error = NULL;

  /* scattered UIDs: 3, 6, 9, ... (the R step is C-escaped) */
  for (guint i = 1; i <= LARGE_FOLDER; i++)
    g_string_append_printf (fetches, "* %u FETCH (UID %u)\\r\\n", i, 3 * i);
  data = g_strconcat ("R:", fetches->str, NULL);
  script[7] = data;
  server = fake_server_new (script);
  session = preauth_session (server);
  select_inbox (session);

  uids = tern_imap_session_uid_list (session, "1:*", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uids);
  g_assert_cmpuint (uids->len, ==, LARGE_FOLDER);
  g_assert_cmpuint (g_array_index (uids, guint32, 0), ==, 3);
  g_assert_cmpuint (g_array_index (uids, guint32, LARGE_FOLDER - 1), ==, 3 * LARGE_FOLDER);
  tern_imap_session_close (session);
  fake_server_assert_finished (server);
}

static void
test_insecure_refused (void)
{
  const char *script[] = { "S:* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready", "WAIT_CLOSE", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_imap_session_set_credentials (session, "alice", "secret", TERN_IMAP_AUTH_AUTO);
  g_assert_false (tern_imap_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_INSECURE);
  fake_server_assert_finished (server);
}

static void
test_starttls_unavailable (void)
{
  const char *script1[] = { "S:* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready", "WAIT_CLOSE", NULL };
  const char *script2[] = {
    "S:* OK ready", "C:t1 CAPABILITY", "S:* CAPABILITY IMAP4rev1 AUTH=PLAIN", "S:t1 OK done", "WAIT_CLOSE", NULL
  };
  const char *script3[] = { "S:* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] logged in", "WAIT_CLOSE", NULL };
  const char *const *scripts[] = { script1, script2, script3 };

  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autoptr(FakeServer) server = fake_server_new (scripts[i]);
      g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_STARTTLS);
      g_autoptr(GError) error = NULL;

      tern_imap_session_set_credentials (session, "alice", "secret", TERN_IMAP_AUTH_AUTO);
      g_assert_false (tern_imap_session_connect (session, NULL, &error));
      g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
      fake_server_assert_finished (server);
      g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_DISCONNECTED);
    }
}

static void
test_login_disabled (void)
{
  const char *script[] = { "S:* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready", "WAIT_CLOSE", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_imap_session_set_credentials (session, "alice", "secret", TERN_IMAP_AUTH_AUTO);
  tern_imap_session_set_allow_insecure_auth (session, TRUE);
  g_assert_false (tern_imap_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_UNSUPPORTED);
  fake_server_assert_finished (server);
}

typedef struct
{
  TernImapAuthMechanism  mechanism;
  const char            *secret;
  const char            *script[12];
  int                    error_code;   /* -1: success */
} AuthCase;

static const AuthCase auth_cases[] = {
  { TERN_IMAP_AUTH_AUTO, "secret",
    { "S:* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] hi",
      "C:t1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==",
      "S:t1 OK [CAPABILITY IMAP4rev1] ok", NULL }, -1 },
  { TERN_IMAP_AUTH_PLAIN, "secret",
    { "S:* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi",
      "C:t1 AUTHENTICATE PLAIN", "S:+ ", "C:AGFsaWNlAHNlY3JldA==",
      "S:t1 NO [AUTHENTICATIONFAILED] Authentication failed.", NULL }, TERN_IMAP_ERROR_AUTHENTICATION_FAILED },
  { TERN_IMAP_AUTH_AUTO, "secret",
    { "S:* OK [CAPABILITY IMAP4rev1 AUTH=LOGIN] hi",
      "C:t1 AUTHENTICATE LOGIN", "S:+ VXNlcm5hbWU6", "C:YWxpY2U=", "S:+ UGFzc3dvcmQ6", "C:c2VjcmV0",
      "S:t1 OK done", "C:t2 CAPABILITY", "S:* CAPABILITY IMAP4rev1 IDLE", "S:t2 OK caps", NULL }, -1 },
  { TERN_IMAP_AUTH_XOAUTH2, "tok123",
    { "S:* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=XOAUTH2] hi",
      "C:t1 AUTHENTICATE XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sxMjMBAQ==",
      "S:+ eyJzdGF0dXMiOiI0MDEifQ==", "C:",
      "S:t1 NO [AUTHENTICATIONFAILED] Invalid credentials", NULL }, TERN_IMAP_ERROR_AUTHENTICATION_FAILED },
  { TERN_IMAP_AUTH_OAUTHBEARER, "tok123",
    { "S:* OK [CAPABILITY IMAP4rev1 AUTH=OAUTHBEARER] hi",
      "C:t1 AUTHENTICATE OAUTHBEARER", "S:+ ",
      "C~bixhPWFsaWNlLAFob3N0PTEyNy4wLjAuMQFwb3J0P*",
      "S:+ eyJzdGF0dXMiOiI0MDEifQ==", "C:AQ==",
      "S:t1 NO Go away", NULL }, TERN_IMAP_ERROR_AUTHENTICATION_FAILED },
  { TERN_IMAP_AUTH_LOGIN_COMMAND, "wrong",
    { "S:* OK [CAPABILITY IMAP4rev1] hi",
      "C:t1 LOGIN \"alice\" \"wrong\"", "S:t1 NO Login failed", NULL }, TERN_IMAP_ERROR_AUTHENTICATION_FAILED },
  /* BAD to AUTHENTICATE is not a wrong password */
  { TERN_IMAP_AUTH_PLAIN, "secret",
    { "S:* OK [CAPABILITY IMAP4rev1 SASL-IR] hi",
      "C:t1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==", "S:t1 BAD Unknown mechanism", NULL }, TERN_IMAP_ERROR_BAD },
};

static void
test_authenticate (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (auth_cases); i++)
    {
      const AuthCase *c = &auth_cases[i];
      g_autoptr(FakeServer) server = fake_server_new (c->script);
      g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_NONE);
      g_autoptr(GError) error = NULL;
      g_autofree char *transcript = NULL;
      gboolean ok;

      tern_imap_session_set_credentials (session, "alice", c->secret, c->mechanism);
      tern_imap_session_set_allow_insecure_auth (session, TRUE);
      capture_start ();
      ok = tern_imap_session_connect (session, NULL, &error);
      transcript = capture_stop ();
      if (c->error_code < 0)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_AUTHENTICATED);
        }
      else
        {
          g_assert_error (error, TERN_IMAP_ERROR, c->error_code);
          g_assert_false (ok);
        }
      tern_imap_session_close (session);
      fake_server_assert_finished (server);

      /* No SASL payload, password or token in the transcript */
      g_assert_null (strstr (transcript, "AGFsaWNlAHNlY3JldA"));
      g_assert_null (strstr (transcript, "c2VjcmV0"));
      g_assert_null (strstr (transcript, "dXNlcj1"));
      g_assert_null (strstr (transcript, "bixhPW"));
      g_assert_null (strstr (transcript, "tok123"));
    }

  g_assert_cmpint (tern_imap_error_get_response_code (NULL) == NULL, ==, TRUE);
}

static void
test_sasl_messages (void)
{
  g_autofree char *plain = tern_net_sasl_plain ("alice", "secret");
  g_autofree char *xoauth2 = tern_net_sasl_xoauth2 ("alice", "tok123");
  g_autofree char *bearer = tern_net_sasl_oauthbearer ("a=b,c", "h", 1, "t");

  g_assert_cmpstr (plain, ==, "AGFsaWNlAHNlY3JldA==");
  g_assert_cmpstr (xoauth2, ==, "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB0b2sxMjMBAQ==");
  /* "n,a=a=3Db=2Cc,^Ahost=h^Aport=1^Aauth=Bearer t^A^A" */
  g_assert_cmpstr (bearer, ==, "bixhPWE9M0RiPTJDYywBaG9zdD1oAXBvcnQ9MQFhdXRoPUJlYXJlciB0AQE=");
}

/* ---- the pipeline ---------------------------------------------------------------------- */

static void
count_exists_cb (TernImapSession *session,
                 guint            count,
                 gpointer         user_data)
{
  *(guint *) user_data = count;
}

static void
test_pipeline (void)
{
  /* The server answers only after reading all three commands, out of order: a client
   * that waited for each completion before sending the next would hang here. */
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY " PREAUTH_CAPS "] ready",
    "C:t1 NOOP", "C:t2 CHECK", "C:t3 XSOMETHING \"quoted arg\"",
    "S:* 3 EXISTS",
    "S:t2 OK check done",
    "S:* XWEIRD (a b) \"c\" {3}", "S:xyz",
    "S:* 7 WHATEVER (x y)",
    "S:* OK [XUNKNOWN-CODE foo] hello",
    "S:t1 OK noop done",
    "S:t3 NO [ALREADYEXISTS] x failed",
    "C:t4 NOOP", "S:t4 OK", "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(TernImapCommand) c1 = tern_imap_command_new ("NOOP");
  g_autoptr(TernImapCommand) c2 = tern_imap_command_new ("CHECK");
  g_autoptr(TernImapCommand) c3 = tern_imap_command_new ("XSOMETHING");
  g_autoptr(GError) error = NULL;
  guint exists = 0;

  g_signal_connect (session, "exists", G_CALLBACK (count_exists_cb), &exists);
  tern_imap_command_add_string (c3, "quoted arg");
  g_assert_true (tern_imap_session_submit (session, c1, NULL, &error));
  g_assert_true (tern_imap_session_submit (session, c2, NULL, &error));
  g_assert_true (tern_imap_session_submit (session, c3, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (tern_imap_session_wait (session, c1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_imap_command_is_done (c2));
  g_assert_false (tern_imap_command_is_done (c3));
  g_assert_true (tern_imap_session_wait (session, c2, NULL, &error));
  g_assert_false (tern_imap_session_wait (session, c3, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  g_assert_cmpstr (tern_imap_error_get_response_code (error), ==, "ALREADYEXISTS");
  g_assert_cmpstr (tern_imap_error_get_server_text (error), ==, "x failed");
  g_assert_nonnull (strstr (error->message, "x failed"));
  g_assert_cmpuint (exists, ==, 3);
  g_assert_cmpstr (tern_imap_command_get_tag (c3), ==, "t3");
  g_clear_error (&error);

  /* The unexpected untagged data left the session usable */
  g_assert_true (tern_imap_session_noop (session, NULL, &error));
  g_assert_no_error (error);
  fake_server_assert_finished (server);
}

static void
test_unexpected_tagged_and_continuation (void)
{
  const char *script1[] = { "S:* PREAUTH hi", "C:t1 CAPABILITY", "S:* CAPABILITY IMAP4rev1", "S:t1 OK",
                            "C:t2 NOOP", "S:zz9 OK what", "WAIT_CLOSE", NULL };
  const char *script2[] = { "S:* PREAUTH hi", "C:t1 CAPABILITY", "S:* CAPABILITY IMAP4rev1", "S:t1 OK",
                            "C:t2 NOOP", "S:+ go on", "WAIT_CLOSE", NULL };
  const char *const *scripts[] = { script1, script2 };

  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autoptr(FakeServer) server = fake_server_new (scripts[i]);
      g_autoptr(TernImapSession) session = preauth_session (server);
      g_autoptr(GError) error = NULL;

      g_assert_false (tern_imap_session_noop (session, NULL, &error));
      g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PROTOCOL);
      g_clear_error (&error);
      /* The session is broken for good, with the same error */
      g_assert_false (tern_imap_session_noop (session, NULL, &error));
      g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PROTOCOL);
      fake_server_assert_finished (server);
    }
}

/* ---- hostile replies ------------------------------------------------------------------- */

static void
test_endless_line (void)
{
  const char *script[] = { "S:* PREAUTH [CAPABILITY IMAP4rev1] hi", "C:t1 NOOP", "R:* OK ", "ENDLESS:4096", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_imap_session_noop (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_LINE_TOO_LONG);
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_DISCONNECTED);
  fake_server_assert_finished (server);
}

static void
ignore_fetch_cb (TernImapSession  *session,
                 TernImapResponse *response,
                 gpointer          user_data)
{
  (*(guint *) user_data)++;
}

static void
test_huge_literal (void)
{
  const char *script1[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1] hi", SELECT_STEPS ("t1"),
    "C:t2 UID FETCH 1 (BODY.PEEK[])", "S:* 1 FETCH (UID 1 BODY[] {99999999999}", "WAIT_CLOSE", NULL
  };
  const char *script2[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1] hi", SELECT_STEPS ("t1"),
    "C:t2 UID FETCH 1 (BODY.PEEK[])", "S:* 1 FETCH (UID 1 BODY[] {2000000}", "WAIT_CLOSE", NULL
  };
  const char *script3[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1] hi", "C:t1 LIST \"\" \"*\"", "S:* LIST () \"/\" {5000000}", "WAIT_CLOSE", NULL
  };
  const char *const *scripts[] = { script1, script2, script3 };

  for (guint i = 0; i < G_N_ELEMENTS (scripts); i++)
    {
      g_autoptr(FakeServer) server = fake_server_new (scripts[i]);
      g_autoptr(TernImapSession) session = preauth_session (server);
      g_autoptr(GError) error = NULL;
      guint fetched = 0;

      if (i == 2)
        g_assert_null (tern_imap_session_list (session, "", "*", 0, 0, NULL, &error));
      else
        {
          /* 1 MiB for message bodies in the second case */
          if (i == 1)
            tern_imap_session_set_limits (session, 64 * 1024, 1024 * 1024);
          select_inbox (session);
          g_assert_false (tern_imap_session_uid_fetch (session, "1", "(BODY.PEEK[])", 0, ignore_fetch_cb, &fetched,
                                                       NULL, &error));
        }
      g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_TOO_LARGE);
      g_assert_cmpuint (fetched, ==, 0);
      g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_DISCONNECTED);
      fake_server_assert_finished (server);
    }
}

static void
test_invalid_utf8 (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1] hi",
    "C:t1 LIST \"\" \"*\"",
    "S:* LIST (\\HasNoChildren) \"/\" \"Good\"",
    "R:* LIST () \"/\" \"Bad\\377\\376\"\r\n",
    "S:t1 OK done",
    "C:t2 NOOP",
    "R:t2 NO \\377\\376 not \\303 valid\r\n",
    "C:t3 NOOP", "S:t3 OK", "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  const GError *why;

  /* the mailbox that cannot be read is left out, and said why, in valid UTF-8 */
  list = tern_imap_session_list_full (session, "", "*", 0, 0, &skipped, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((TernImapMailbox *) g_ptr_array_index (list, 0))->name, ==, "Good");
  g_assert_cmpuint (skipped->len, ==, 1);
  why = g_ptr_array_index (skipped, 0);
  g_assert_error ((GError *) why, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME);
  g_assert_true (g_utf8_validate (why->message, -1, NULL));
  g_assert_nonnull (strstr (why->message, "Bad"));

  g_assert_false (tern_imap_session_noop (session, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_true (g_utf8_validate (tern_imap_error_get_server_text (error), -1, NULL));
  g_clear_error (&error);

  /* Neither broke the session */
  g_assert_true (tern_imap_session_noop (session, NULL, &error));
  fake_server_assert_finished (server);
}

static void
test_bye_mid_command (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1] hi", SELECT_STEPS ("t1"),
    "C:t2 UID FETCH 1:* (FLAGS)",
    "S:* 1 FETCH (UID 1 FLAGS ())",
    "S:* BYE Server shutting down",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GError) error = NULL;
  guint fetched = 0;

  select_inbox (session);
  g_assert_false (tern_imap_session_uid_fetch (session, "1:*", "(FLAGS)", 0, ignore_fetch_cb, &fetched, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_BYE);
  g_assert_nonnull (strstr (error->message, "Server shutting down"));
  g_assert_cmpuint (fetched, ==, 1);
  fake_server_assert_finished (server);
}

static void
test_greeting_bye (void)
{
  const char *script[] = { "S:* BYE Too many connections", "CLOSE", NULL };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  g_assert_false (tern_imap_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_BYE);
  g_assert_cmpstr (tern_imap_error_get_server_text (error), ==, "Too many connections");
  fake_server_assert_finished (server);
}

/* ---- literals ----------------------------------------------------------------------------- */

static void
test_append_literals (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 UIDPLUS] hi",
    /* No LITERAL+: a synchronizing literal */
    "C:t1 APPEND \"Entw&APw-rfe\" (\\Seen $Junk) \"02-Jan-2026 03:04:05 +0100\" {5}",
    "S:+ go ahead",
    "C:hello",
    "S:t1 OK [APPENDUID 42 7] done",
    /* Refused before the data: the data is never sent */
    "C:t2 APPEND \"Nope\" {5}",
    "S:t2 NO [TRYCREATE] No such mailbox",
    "C:t3 NOOP", "S:t3 OK",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GBytes) message = g_bytes_new_static ("hello", 5);
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+01:00");
  g_autoptr(GDateTime) date = g_date_time_new (zone, 2026, 1, 2, 3, 4, 5);
  const char *flags[] = { "\\Seen", "$Junk", NULL };
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity = 0, uid = 0;

  g_assert_true (tern_imap_session_append (session, "Entw\xc3\xbcrfe", flags, date, message, &uidvalidity, &uid,
                                           NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, ==, 42);
  g_assert_cmpuint (uid, ==, 7);

  g_assert_false (tern_imap_session_append (session, "Nope", NULL, NULL, message, NULL, NULL, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  g_assert_cmpstr (tern_imap_error_get_response_code (error), ==, "TRYCREATE");
  g_clear_error (&error);

  g_assert_true (tern_imap_session_noop (session, NULL, &error));
  fake_server_assert_finished (server);

  /* An invalid flag is refused before anything is sent */
  {
    const char *bad[] = { "\\Seen)", NULL };

    g_assert_false (tern_imap_session_append (session, "X", bad, NULL, message, NULL, NULL, NULL, &error));
  }
}

static void
test_append_literal_plus (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] hi",
    "C:t1 APPEND \"INBOX\" {5+}", "C:hello", "S:t1 OK done",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GBytes) message = g_bytes_new_static ("hello", 5);
  g_autoptr(GError) error = NULL;
  guint32 uid = 1;

  g_assert_true (tern_imap_session_append (session, "inbox", NULL, NULL, message, NULL, &uid, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uid, ==, 0);
  fake_server_assert_finished (server);
}

/* ---- MOVE and its fallback ---------------------------------------------------------------- */

static void
test_move (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 MOVE UIDPLUS] hi", SELECT_STEPS ("t1"),
    "C:t2 UID MOVE 4:5 \"Trash\"",
    "S:* OK [COPYUID 9 4:5 10:11] Moved UIDs.",
    "S:* 1 EXPUNGE", "S:* 1 EXPUNGE",
    "S:t2 OK Move completed",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(TernImapUidSet) source = NULL;
  g_autoptr(TernImapUidSet) destination = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity = 0;

  select_inbox (session);
  g_assert_true (tern_imap_session_uid_move (session, "4:5", "Trash", &uidvalidity, &source, &destination, NULL,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, ==, 9);
  text = tern_imap_uid_set_to_string (destination);
  g_assert_cmpstr (text, ==, "10:11");
  g_assert_cmpuint (tern_imap_session_get_exists (session), ==, 0);
  fake_server_assert_finished (server);
}

static void
test_move_fallback (void)
{
  /* STORE and EXPUNGE are read before any reply: they went out together. A failed
   * COPY is followed by nothing (the next command is the NOOP). */
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 MOVE UIDPLUS] hi", SELECT_STEPS ("t1"),
    "C:t2 UID COPY 4:5 \"Trash\"",
    "S:t2 OK [COPYUID 9 4:5 10:11] copied",
    "C:t3 UID STORE 4:5 +FLAGS.SILENT (\\Deleted)",
    "C:t4 UID EXPUNGE 4:5",
    "S:t3 OK stored",
    "S:* 1 EXPUNGE", "S:* 1 EXPUNGE",
    "S:t4 OK expunged",
    "C:t5 UID COPY 6 \"Nope\"",
    "S:t5 NO [TRYCREATE] no such mailbox",
    "C:t6 NOOP", "S:t6 OK",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(TernImapUidSet) destination = NULL;
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity = 0;

  tern_imap_session_disable_capability (session, "MOVE");
  select_inbox (session);
  g_assert_true (tern_imap_session_uid_move (session, "4:5", "Trash", &uidvalidity, NULL, &destination, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, ==, 9);
  g_assert_true (tern_imap_uid_set_contains (destination, 11));

  g_assert_false (tern_imap_session_uid_move (session, "6", "Nope", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  g_clear_error (&error);
  g_assert_true (tern_imap_session_noop (session, NULL, &error));
  fake_server_assert_finished (server);
}

/* ---- IDLE ---------------------------------------------------------------------------------- */

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
test_idle (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", SELECT_STEPS ("t1"),
    /* An event ends the IDLE */
    "C:t2 IDLE", "S:+ idling", "SLEEP:100", "S:* 5 EXISTS", "C:DONE", "S:t2 OK done",
    /* The timeout ends it */
    "C:t3 IDLE", "S:+ idling", "C:DONE", "S:t3 OK done",
    /* A cancellation ends it, and the session stays usable */
    "C:t4 IDLE", "S:+ idling", "C:DONE", "S:t4 OK done",
    "C:t5 NOOP", "S:t5 OK",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *canceller;
  guint exists = 0;
  gint64 start;

  select_inbox (session);
  g_signal_connect (session, "exists", G_CALLBACK (count_exists_cb), &exists);

  g_assert_true (tern_imap_session_idle (session, 30, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (exists, ==, 5);

  start = g_get_monotonic_time ();
  g_assert_true (tern_imap_session_idle (session, 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * 1000);

  canceller = g_thread_new ("canceller", cancel_later_thread, cancellable);
  g_assert_false (tern_imap_session_idle (session, 30, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (canceller);
  g_clear_error (&error);

  g_assert_true (tern_imap_session_noop (session, NULL, &error));
  g_assert_no_error (error);
  fake_server_assert_finished (server);
}

static gpointer
cancel_soon_thread (gpointer user_data)
{
  g_usleep (50 * 1000);
  cancel_cb (user_data);
  return NULL;
}

/* Woken before the server said "+ idling" (a sync asked for just as the IDLE went
 * out): the IDLE is still ended with DONE, and the session stays usable; woken before
 * it started, nothing is sent. */
static void
test_idle_woken_early (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 IDLE] hi", SELECT_STEPS ("t1"),
    "C:t2 IDLE", "SLEEP:300", "S:+ idling", "C:DONE", "S:t2 OK done",
    "C:t3 NOOP", "S:t3 OK",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *canceller;

  select_inbox (session);
  canceller = g_thread_new ("canceller", cancel_soon_thread, cancellable);
  g_assert_false (tern_imap_session_idle (session, 30, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (canceller);
  g_clear_error (&error);

  /* Already woken: no IDLE at all. */
  g_assert_false (tern_imap_session_idle (session, 30, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_true (tern_imap_session_noop (session, NULL, &error));
  g_assert_no_error (error);
  fake_server_assert_finished (server);
}

/* ---- SELECT with QRESYNC, ENABLE, ID, NAMESPACE, LIST, STATUS ------------------------------- */

static void
vanished_cb (TernImapSession *session,
             TernImapUidSet  *uids,
             gboolean         earlier,
             gpointer         user_data)
{
  guint64 *count = user_data;

  g_assert_true (earlier);
  *count += tern_imap_uid_set_get_count (uids);
}

static void
fetch_signal_cb (TernImapSession  *session,
                 TernImapResponse *response,
                 gpointer          user_data)
{
  guint64 modseq = 0;

  g_assert_true (tern_imap_response_get_fetch_modseq (response, &modseq));
  g_assert_cmpuint (modseq, ==, 90060115194045001);
  (*(guint *) user_data)++;
}

static void
test_select_qresync (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1 ENABLE QRESYNC CONDSTORE] hi",
    "C:t1 ENABLE QRESYNC", "S:* ENABLED QRESYNC", "S:t1 OK enabled",
    "C:t2 EXAMINE \"INBOX\" (QRESYNC (67890007 20050715194045000 41:211,214:541))",
    "S:* 314 EXISTS",
    "S:* OK [UIDVALIDITY 67890007] ok",
    "S:* OK [UIDNEXT 567] ok",
    "S:* OK [HIGHESTMODSEQ 90060115205545359] ok",
    "S:* OK [PERMANENTFLAGS ()] none",
    "S:* VANISHED (EARLIER) 41,43:116",
    "S:* 49 FETCH (UID 117 FLAGS (\\Seen \\Answered) MODSEQ (90060115194045001))",
    "S:t2 OK [READ-ONLY] done",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  TernImapQresync qresync = { 67890007, 20050715194045000, "41:211,214:541" };
  g_autoptr(GError) error = NULL;
  guint64 vanished = 0;
  guint fetches = 0;

  g_signal_connect (session, "vanished", G_CALLBACK (vanished_cb), &vanished);
  g_signal_connect (session, "fetch", G_CALLBACK (fetch_signal_cb), &fetches);
  g_assert_true (tern_imap_session_select (session, "INBOX", TERN_IMAP_SELECT_READ_ONLY, &qresync, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_imap_session_is_enabled (session, "qresync"));
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_SELECTED);
  g_assert_cmpstr (tern_imap_session_get_selected_mailbox (session), ==, "INBOX");
  g_assert_true (tern_imap_session_is_read_only (session));
  g_assert_cmpuint (tern_imap_session_get_exists (session), ==, 314);
  g_assert_cmpuint (tern_imap_session_get_uidvalidity (session), ==, 67890007);
  g_assert_cmpuint (tern_imap_session_get_uidnext (session), ==, 567);
  g_assert_cmpuint (tern_imap_session_get_highest_modseq (session), ==, 90060115205545359);
  g_assert_cmpuint (vanished, ==, 75);
  g_assert_cmpuint (fetches, ==, 1);
  fake_server_assert_finished (server);
}

static void
test_misc_commands (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY " PREAUTH_CAPS " LIST-EXTENDED SPECIAL-USE LIST-STATUS] hi",
    "C:t1 ID (\"name\" \"Tern\")",
    "S:* ID (\"name\" \"Dovecot\" \"version\" NIL)", "S:t1 OK",
    "C:t2 NAMESPACE",
    "S:* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\")(\"Public &AOk-\" \".\"))", "S:t2 OK",
    "C:t3 LIST \"\" \"*\" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))",
    "S:* LIST (\\HasNoChildren) \"/\" INBOX",
    "S:* STATUS INBOX (MESSAGES 3 UNSEEN 1)",
    "S:* LIST (\\HasNoChildren \\Sent) \"/\" \"Entw&APw-rfe\"",
    "S:* STATUS \"Entw&APw-rfe\" (MESSAGES 0 UNSEEN 0)",
    "S:* LIST (\\Noselect \\HasChildren) \"/\" {6}", "S:Folder",
    "S:t3 OK done",
    "C:t4 STATUS \"Entw&APw-rfe\" (UIDNEXT UIDVALIDITY HIGHESTMODSEQ)",
    "S:* STATUS \"Entw&APw-rfe\" (UIDNEXT 5 UIDVALIDITY 77 HIGHESTMODSEQ 12)", "S:t4 OK",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GHashTable) client = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) id = NULL;
  g_autoptr(GPtrArray) personal = NULL;
  g_autoptr(GPtrArray) shared = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(TernImapMailbox) status = NULL;
  g_autoptr(GError) error = NULL;
  TernImapMailbox *m;

  g_hash_table_insert (client, "name", "Tern");
  id = tern_imap_session_id (session, client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (id, "name"), ==, "Dovecot");
  g_assert_false (g_hash_table_contains (id, "version"));

  g_assert_true (tern_imap_session_namespace (session, &personal, NULL, &shared, NULL, &error));
  g_assert_cmpuint (personal->len, ==, 1);
  g_assert_cmpuint (shared->len, ==, 2);
  g_assert_cmpstr (((TernImapNamespace *) g_ptr_array_index (shared, 1))->prefix, ==, "Public \xc3\xa9");
  g_assert_cmpint (((TernImapNamespace *) g_ptr_array_index (shared, 1))->delimiter, ==, '.');

  list = tern_imap_session_list (session, "", "*", TERN_IMAP_LIST_SPECIAL_USE,
                                 TERN_IMAP_STATUS_ITEM_MESSAGES | TERN_IMAP_STATUS_ITEM_UNSEEN, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  m = g_ptr_array_index (list, 0);
  g_assert_cmpstr (m->name, ==, "INBOX");
  g_assert_cmpuint (m->messages, ==, 3);
  g_assert_cmpuint (m->unseen, ==, 1);
  m = g_ptr_array_index (list, 1);
  g_assert_cmpstr (m->name, ==, "Entw\xc3\xbcrfe");
  g_assert_true (m->flags & TERN_IMAP_MAILBOX_SENT);
  g_assert_true (m->status_items & TERN_IMAP_STATUS_ITEM_MESSAGES);
  m = g_ptr_array_index (list, 2);
  g_assert_cmpstr (m->name, ==, "Folder");
  g_assert_true (m->flags & TERN_IMAP_MAILBOX_NOSELECT);

  status = tern_imap_session_status (session, "Entw\xc3\xbcrfe",
                                     TERN_IMAP_STATUS_ITEM_UIDNEXT | TERN_IMAP_STATUS_ITEM_UIDVALIDITY |
                                     TERN_IMAP_STATUS_ITEM_HIGHESTMODSEQ | TERN_IMAP_STATUS_ITEM_SIZE,
                                     NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status->uidnext, ==, 5);
  g_assert_cmpuint (status->uidvalidity, ==, 77);
  g_assert_cmpuint (status->highest_modseq, ==, 12);
  g_assert_false (status->status_items & TERN_IMAP_STATUS_ITEM_SIZE);
  fake_server_assert_finished (server);
}

/* LIST without LIST-STATUS: the STATUS commands go out in one pipeline */
static void
test_list_status_fallback (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1] hi",
    "C:t1 LIST \"\" \"%\"",
    "S:* LIST () \"/\" INBOX", "S:* LIST () \"/\" Sent", "S:* LIST (\\Noselect) \"/\" Dir", "S:t1 OK",
    "C:t2 STATUS \"INBOX\" (MESSAGES)", "C:t3 STATUS \"Sent\" (MESSAGES)",
    "S:* STATUS Sent (MESSAGES 4)", "S:t3 OK", "S:* STATUS INBOX (MESSAGES 2)", "S:t2 OK",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = preauth_session (server);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  list = tern_imap_session_list (session, "", "%", TERN_IMAP_LIST_SPECIAL_USE, TERN_IMAP_STATUS_ITEM_MESSAGES, NULL,
                                 &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpuint (((TernImapMailbox *) g_ptr_array_index (list, 0))->messages, ==, 2);
  g_assert_cmpuint (((TernImapMailbox *) g_ptr_array_index (list, 1))->messages, ==, 4);
  g_assert_cmpuint (((TernImapMailbox *) g_ptr_array_index (list, 2))->status_items, ==, 0);
  fake_server_assert_finished (server);
}

/* ---- async ----------------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  GThread   *main_thread;
  GThread   *signal_thread;
  gboolean   connected;
  gpointer   result;
  GError    *error;
} AsyncData;

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncData *data = user_data;

  g_assert_true (g_thread_self () == data->main_thread);
  data->connected = tern_imap_session_connect_finish (TERN_IMAP_SESSION (source), result, &data->error);
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  g_assert_true (g_thread_self () == data->main_thread);
  data->result = tern_imap_session_run_finish (TERN_IMAP_SESSION (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

static gpointer
noop_job (TernImapSession  *session,
          gpointer          job_data,
          GCancellable     *cancellable,
          GError          **error)
{
  if (!tern_imap_session_noop (session, cancellable, error))
    return NULL;
  return g_strdup ("done");
}

static void
exists_thread_cb (TernImapSession *session,
                  guint            count,
                  gpointer         user_data)
{
  ((AsyncData *) user_data)->signal_thread = g_thread_self ();
}

static void
test_async (void)
{
  const char *script[] = {
    "S:* PREAUTH [CAPABILITY IMAP4rev1] hi",
    "C:t1 NOOP", "S:* 4 EXISTS", "S:t1 OK",
    "CLOSE", NULL
  };
  g_autoptr(FakeServer) server = fake_server_new (script);
  g_autoptr(TernImapSession) session = new_session (server, TERN_NET_SECURITY_NONE);
  AsyncData data = { g_main_loop_new (NULL, FALSE), g_thread_self (), NULL, FALSE, NULL, NULL };

  g_signal_connect (session, "exists", G_CALLBACK (exists_thread_cb), &data);
  /* Queued one after the other: the job runs after the connect, in order */
  tern_imap_session_connect_async (session, NULL, connected_cb, &data);
  tern_imap_session_run_async (session, noop_job, NULL, NULL, g_free, NULL, job_done_cb, &data);
  g_main_loop_run (data.loop);

  g_assert_no_error (data.error);
  g_assert_true (data.connected);
  g_assert_cmpstr (data.result, ==, "done");
  /* Signals come on the session's worker thread */
  g_assert_nonnull (data.signal_thread);
  g_assert_true (data.signal_thread != data.main_thread);
  fake_server_assert_finished (server);
  g_free (data.result);
  g_main_loop_unref (data.loop);
}

int
main (int   argc,
      char *argv[])
{
  /* The servers are on 127.0.0.1: no proxy. (libproxy, GIO's default resolver here,
   * throws C++ exceptions inside, which AddressSanitizer cannot follow in a C
   * program.) */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* Not G_TEST_OPTION_ISOLATE_DIRS: it hides the system's GSettings schemas, which
   * GSocketClient's proxy resolver needs. */
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  g_test_add_func ("/imap/session/login-command-redacted", test_login_command_redacted);
  g_test_add_func ("/imap/session/login-wipes-secrets", test_login_wipes_secrets);
  g_test_add_func ("/imap/session/uid-list-large-folder", test_uid_list_large_folder);
  g_test_add_func ("/imap/session/insecure-refused", test_insecure_refused);
  g_test_add_func ("/imap/session/starttls-unavailable", test_starttls_unavailable);
  g_test_add_func ("/imap/session/login-disabled", test_login_disabled);
  g_test_add_func ("/imap/session/authenticate", test_authenticate);
  g_test_add_func ("/imap/session/sasl-messages", test_sasl_messages);
  g_test_add_func ("/imap/session/pipeline", test_pipeline);
  g_test_add_func ("/imap/session/unexpected-tagged-continuation", test_unexpected_tagged_and_continuation);
  g_test_add_func ("/imap/session/endless-line", test_endless_line);
  g_test_add_func ("/imap/session/huge-literal", test_huge_literal);
  g_test_add_func ("/imap/session/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/imap/session/bye-mid-command", test_bye_mid_command);
  g_test_add_func ("/imap/session/greeting-bye", test_greeting_bye);
  g_test_add_func ("/imap/session/append-literals", test_append_literals);
  g_test_add_func ("/imap/session/append-literal-plus", test_append_literal_plus);
  g_test_add_func ("/imap/session/move", test_move);
  g_test_add_func ("/imap/session/move-fallback", test_move_fallback);
  g_test_add_func ("/imap/session/idle", test_idle);
  g_test_add_func ("/imap/session/idle-woken-early", test_idle_woken_early);
  g_test_add_func ("/imap/session/select-qresync", test_select_qresync);
  g_test_add_func ("/imap/session/misc-commands", test_misc_commands);
  g_test_add_func ("/imap/session/list-status-fallback", test_list_status_fallback);
  g_test_add_func ("/imap/session/async", test_async);

  return g_test_run ();
}
