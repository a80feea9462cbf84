/* test-mail-check.c: logging in to an account's servers off the calling thread, the
 * accounts' new settings, passwords kept in memory only
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "tern-engine.h"
#include "tern-account-manager.h"
#include "tern-credentials.h"
#include "tern-mail.h"
#include "tern-net-error.h"
#include "fake-server.h"

static char *tmpdir;

/* ---- the servers: IMAP, POP3 and SMTP responders that check a login ----------------- */

typedef enum
{
  FAKE_IMAP,
  FAKE_POP3,
  FAKE_SMTP,
} FakeProtocol;

typedef enum
{
  FAKE_MODE_TLS,        /* TLS from the first byte; offers AUTH PLAIN */
  FAKE_MODE_SILENT,     /* accepts connections and never writes */
} FakeMode;

/* The password that logins must give. */
#define FAKE_PASSWORD "secret"

/* Whether a SASL PLAIN response (base64 of "authzid NUL user NUL password") carries
 * FAKE_PASSWORD. */
static gboolean
plain_ok (const char *base64)
{
  gsize len = 0;
  g_autofree guchar *raw = g_base64_decode (base64, &len);
  const char *second;

  if (raw == NULL || len == 0)
    return FALSE;
  second = memchr (raw, '\0', len);
  if (second == NULL || (second = memchr (second + 1, '\0', len - (second + 1 - (const char *) raw))) == NULL)
    return FALSE;
  second++;
  return (gsize) (second - (const char *) raw) + strlen (FAKE_PASSWORD) == len &&
         memcmp (second, FAKE_PASSWORD, strlen (FAKE_PASSWORD)) == 0;
}

/* The SASL PLAIN response of "AUTH PLAIN [initial]" (rest is what follows the
 * mechanism), asked with @prompt when the command carried none. */
static char *
plain_response (FakeConnection *c,
                const char     *rest,
                const char     *prompt)
{
  if (rest[0] == ' ')
    return g_strdup (rest + 1);
  fake_connection_send (c, prompt);
  return fake_connection_read_line (c);
}

static void
serve_imap (FakeConnection *c)
{
  fake_connection_send (c, "* OK Fake IMAP ready\r\n");

  for (;;)
    {
      g_autofree char *line = fake_connection_read_line (c);
      g_auto(GStrv) words = NULL;
      g_autofree char *reply = NULL;

      if (line == NULL)
        return;
      words = g_strsplit (line, " ", 3);
      if (words[0] == NULL || words[1] == NULL)
        {
          fake_connection_send (c, "* BAD what?\r\n");
          continue;
        }

      if (g_ascii_strcasecmp (words[1], "CAPABILITY") == 0)
        {
          fake_connection_send (c, "* CAPABILITY IMAP4rev1 AUTH=PLAIN AUTH=LOGIN IDLE\r\n");
          reply = g_strdup_printf ("%s OK CAPABILITY done\r\n", words[0]);
          fake_connection_send (c, reply);
        }
      else if (g_ascii_strcasecmp (words[1], "AUTHENTICATE") == 0 && words[2] != NULL &&
               g_ascii_strncasecmp (words[2], "PLAIN", 5) == 0)
        {
          g_autofree char *response = plain_response (c, words[2] + 5, "+ \r\n");

          if (response == NULL)
            return;
          if (plain_ok (response))
            reply = g_strdup_printf ("%s OK Logged in\r\n", words[0]);
          else
            reply = g_strdup_printf ("%s NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", words[0]);
          fake_connection_send (c, reply);
        }
      else if (g_ascii_strcasecmp (words[1], "LOGOUT") == 0)
        {
          reply = g_strdup_printf ("* BYE Logging out\r\n%s OK LOGOUT done\r\n", words[0]);
          fake_connection_send (c, reply);
          return;
        }
      else
        {
          reply = g_strdup_printf ("%s BAD Unknown command\r\n", words[0]);
          fake_connection_send (c, reply);
        }
    }
}

static void
serve_pop3 (FakeConnection *c)
{
  fake_connection_send (c, "+OK Fake POP3 ready\r\n");

  for (;;)
    {
      g_autofree char *line = fake_connection_read_line (c);

      if (line == NULL)
        return;

      if (g_ascii_strcasecmp (line, "CAPA") == 0)
        {
          fake_connection_send (c, "+OK Capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nSASL PLAIN\r\n.\r\n");
        }
      else if (g_ascii_strncasecmp (line, "USER ", 5) == 0)
        {
          fake_connection_send (c, "+OK\r\n");
        }
      else if (g_ascii_strncasecmp (line, "PASS ", 5) == 0)
        {
          fake_connection_send (c, g_str_equal (line + 5, FAKE_PASSWORD) ? "+OK Logged in.\r\n"
                                                                         : "-ERR [AUTH] Authentication failed.\r\n");
        }
      else if (g_ascii_strncasecmp (line, "AUTH PLAIN", 10) == 0)
        {
          g_autofree char *response = plain_response (c, line + 10, "+ \r\n");

          if (response == NULL)
            return;
          fake_connection_send (c, plain_ok (response) ? "+OK Logged in.\r\n" : "-ERR [AUTH] Authentication failed.\r\n");
        }
      else if (g_ascii_strcasecmp (line, "QUIT") == 0)
        {
          fake_connection_send (c, "+OK Bye\r\n");
          return;
        }
      else
        {
          fake_connection_send (c, "-ERR Unknown command\r\n");
        }
    }
}

static void
serve_smtp (FakeConnection *c)
{
  fake_connection_send (c, "220-fake.test ESMTP\r\n220 Fake SMTP ready\r\n");

  for (;;)
    {
      g_autofree char *line = fake_connection_read_line (c);

      if (line == NULL)
        return;

      if (g_ascii_strncasecmp (line, "EHLO ", 5) == 0)
        {
          fake_connection_send (c, "250-fake.test Hello\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                                   "250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
        }
      else if (g_ascii_strncasecmp (line, "AUTH PLAIN", 10) == 0)
        {
          g_autofree char *response = plain_response (c, line + 10, "334 \r\n");

          if (response == NULL)
            return;
          fake_connection_send (c, plain_ok (response) ? "235 2.7.0 Authentication successful\r\n"
                                                       : "535 5.7.8 Authentication credentials invalid\r\n");
        }
      else if (g_ascii_strcasecmp (line, "QUIT") == 0)
        {
          fake_connection_send (c, "221 2.0.0 Bye\r\n");
          return;
        }
      else
        {
          fake_connection_send (c, "502 5.5.2 Unknown command\r\n");
        }
    }
}

static void
serve (FakeConnection *connection,
       gpointer        user_data)
{
  switch (GPOINTER_TO_INT (user_data))
    {
    case FAKE_IMAP:
      serve_imap (connection);
      break;
    case FAKE_POP3:
      serve_pop3 (connection);
      break;
    case FAKE_SMTP:
    default:
      serve_smtp (connection);
      break;
    }
}

/* A server of @protocol on the fake server's test certificate (self-signed). */
static FakeServer *
fake_server_start (FakeProtocol protocol,
                   FakeMode     mode)
{
  static const char * const silent[] = { "DRAIN", NULL };

  if (mode == FAKE_MODE_SILENT)
    return fake_server_new_full (FAKE_SERVER_EVERY_CONNECTION, NULL, silent);
  return fake_server_new_handler (FAKE_SERVER_TLS, NULL, serve, GINT_TO_POINTER (protocol));
}

/* ---- helpers ------------------------------------------------------------------------ */

typedef struct
{
  gboolean       done;
  gboolean       ok;
  TernDiagnosis *diagnosis;
  GError        *error;
  gint64         finished_at;
} Outcome;

static void
outcome_clear (Outcome *o)
{
  g_clear_object (&o->diagnosis);
  g_clear_error (&o->error);
}

static void
server_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Outcome *o = data;

  o->ok = tern_mail_check_server_finish (result, &o->diagnosis, &o->error);
  o->done = TRUE;
  o->finished_at = g_get_monotonic_time ();
}

static void
wait_for (Outcome *o)
{
  while (!o->done)
    g_main_context_iteration (NULL, TRUE);
}

static char *
fingerprint (void)
{
  return tern_net_certificate_get_fingerprint (fake_server_get_test_certificate ());
}

static TernAccount *
account_for (FakeServer *incoming, TernAccountProtocol protocol, FakeServer *outgoing, gboolean pin)
{
  TernAccount *account = tern_account_new ("alice@fake.test", protocol);

  tern_account_set_incoming (account, "localhost", fake_server_get_port (incoming), TERN_NET_SECURITY_TLS, "alice");
  if (outgoing != NULL)
    tern_account_set_outgoing (account, "localhost", fake_server_get_port (outgoing), TERN_NET_SECURITY_TLS, "alice");
  if (pin)
    {
      g_autofree char *fp = fingerprint ();
      tern_account_set_pinned_certificate (account, fp);
    }
  return account;
}

static void
check (TernAccount *account, TernMailServerRole role, const char *password, Outcome *o)
{
  memset (o, 0, sizeof *o);
  tern_mail_check_server_async (account, role, password, NULL, server_done_cb, o);
  wait_for (o);
}

/* Right password, pinned certificate: both servers accept; IMAP and POP3. */
static void
test_login_ok (void)
{
  for (guint p = 0; p < 2; p++)
    {
      FakeServer *in = fake_server_start (p == 0 ? FAKE_IMAP : FAKE_POP3, FAKE_MODE_TLS);
      FakeServer *out = fake_server_start (FAKE_SMTP, FAKE_MODE_TLS);
      g_autoptr(TernAccount) account = account_for (in, p == 0 ? TERN_ACCOUNT_PROTOCOL_IMAP : TERN_ACCOUNT_PROTOCOL_POP3,
                                                    out, TRUE);
      Outcome o;

      check (account, TERN_MAIL_SERVER_INCOMING, "secret", &o);
      g_assert_no_error (o.error);
      g_assert_true (o.ok);
      g_assert_null (o.diagnosis);
      outcome_clear (&o);
      check (account, TERN_MAIL_SERVER_OUTGOING, "secret", &o);
      g_assert_no_error (o.error);
      g_assert_true (o.ok);
      outcome_clear (&o);
      fake_server_free (in);
      fake_server_free (out);
    }
}

/* A wrong password: login rejected, in words; for each protocol. */
static void
test_login_rejected (void)
{
  const FakeProtocol protocols[] = { FAKE_IMAP, FAKE_POP3, FAKE_SMTP };

  for (guint i = 0; i < G_N_ELEMENTS (protocols); i++)
    {
      FakeServer *server = fake_server_start (protocols[i], FAKE_MODE_TLS);
      g_autoptr(TernAccount) account = account_for (server, protocols[i] == FAKE_POP3 ? TERN_ACCOUNT_PROTOCOL_POP3
                                                                                       : TERN_ACCOUNT_PROTOCOL_IMAP,
                                                    server, TRUE);
      Outcome o;

      check (account, protocols[i] == FAKE_SMTP ? TERN_MAIL_SERVER_OUTGOING : TERN_MAIL_SERVER_INCOMING, "wrong", &o);
      g_assert_false (o.ok);
      g_assert_nonnull (o.error);
      g_assert_nonnull (o.diagnosis);
      g_assert_cmpint (tern_diagnosis_get_kind (o.diagnosis), ==, TERN_DIAGNOSIS_LOGIN_REJECTED);
      g_assert_cmpint (tern_mail_remedy_for_error (o.error), ==, TERN_MAIL_REMEDY_PASSWORD);
      outcome_clear (&o);
      fake_server_free (server);
    }
}

/* Nothing listens: refused. */
static void
test_refused (void)
{
  g_autoptr(TernAccount) account = tern_account_new ("alice@fake.test", TERN_ACCOUNT_PROTOCOL_IMAP);
  Outcome o;

  tern_account_set_incoming (account, "127.0.0.1", fake_server_unused_port (), TERN_NET_SECURITY_TLS, "alice");
  check (account, TERN_MAIL_SERVER_INCOMING, "secret", &o);
  g_assert_false (o.ok);
  g_assert_cmpint (tern_diagnosis_get_kind (o.diagnosis), ==, TERN_DIAGNOSIS_CONNECTION_REFUSED);
  outcome_clear (&o);
}

/* A self-signed certificate, not pinned: the diagnosis carries it, with its
 * fingerprint; nothing secret was sent. Pinned, the same server accepts. */
static void
test_certificate (void)
{
  FakeServer *server = fake_server_start (FAKE_IMAP, FAKE_MODE_TLS);
  g_autoptr(TernAccount) account = account_for (server, TERN_ACCOUNT_PROTOCOL_IMAP, NULL, FALSE);
  g_autofree char *fp = fingerprint ();
  g_autofree char *commands = NULL;
  Outcome o;

  check (account, TERN_MAIL_SERVER_INCOMING, "secret", &o);
  g_assert_false (o.ok);
  g_assert_error (o.error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
  g_assert_cmpint (tern_diagnosis_get_kind (o.diagnosis), ==, TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (tern_diagnosis_get_certificate (o.diagnosis));
  g_assert_cmpstr (tern_diagnosis_get_fingerprint (o.diagnosis), ==, fp);
  commands = fake_server_dup_commands (server);
  g_assert_null (strstr (commands, "AUTHENTICATE"));
  outcome_clear (&o);

  tern_account_set_pinned_certificate (account, fp);
  check (account, TERN_MAIL_SERVER_INCOMING, "secret", &o);
  g_assert_no_error (o.error);
  g_assert_true (o.ok);
  fake_server_free (server);
}

/* The two checks run at once: the outgoing one finishes while the incoming server
 * (silent) still has not answered; cancelling ends the incoming one at once. */
static void
test_parallel_and_cancel (void)
{
  FakeServer *silent = fake_server_start (FAKE_IMAP, FAKE_MODE_SILENT);
  FakeServer *out = fake_server_start (FAKE_SMTP, FAKE_MODE_TLS);
  g_autoptr(TernAccount) account = account_for (silent, TERN_ACCOUNT_PROTOCOL_IMAP, out, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome in = { 0 }, o = { 0 };
  gint64 cancelled_at;

  tern_mail_check_server_async (account, TERN_MAIL_SERVER_INCOMING, "secret", cancellable, server_done_cb, &in);
  tern_mail_check_server_async (account, TERN_MAIL_SERVER_OUTGOING, "secret", NULL, server_done_cb, &o);
  wait_for (&o);
  g_assert_true (o.ok);
  g_assert_false (in.done);
  cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  wait_for (&in);
  g_assert_false (in.ok);
  g_assert_error (in.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (in.diagnosis);
  g_assert_cmpint (in.finished_at - cancelled_at, <, 2 * G_USEC_PER_SEC);
  outcome_clear (&in);
  outcome_clear (&o);
  fake_server_free (silent);
  fake_server_free (out);
}

static void
both_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Outcome *o = data;
  g_autoptr(TernDiagnosis) outgoing = NULL;

  o->ok = tern_mail_check_account_finish (result, &o->diagnosis, &outgoing, &o->error);
  g_assert_null (outgoing);
  o->done = TRUE;
}

/* Both at once: the incoming login is rejected, the outgoing one works. */
static void
test_account (void)
{
  FakeServer *in = fake_server_start (FAKE_POP3, FAKE_MODE_TLS);
  g_autoptr(TernAccount) account = account_for (in, TERN_ACCOUNT_PROTOCOL_POP3, NULL, TRUE);
  Outcome o = { 0 };

  tern_mail_check_account_async (account, "nope", NULL, both_done_cb, &o);
  wait_for (&o);
  g_assert_false (o.ok);
  g_assert_no_error (o.error);
  g_assert_cmpint (tern_diagnosis_get_kind (o.diagnosis), ==, TERN_DIAGNOSIS_LOGIN_REJECTED);
  outcome_clear (&o);
  fake_server_free (in);
}

/* ---- settings and passwords --------------------------------------------------------- */

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GError *error = NULL;

  g_assert_true (tern_account_manager_load_finish (TERN_ACCOUNT_MANAGER (source), result, &error));
  g_assert_no_error (error);
  *(GThread **) data = g_thread_self ();
}

/* The new keys survive a save and an asynchronous load (done in the caller's thread,
 * the file read elsewhere). */
static void
test_settings_roundtrip (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "accounts.ini", NULL);
  g_autoptr(TernAccountManager) manager = tern_account_manager_new (path);
  g_autoptr(TernAccountManager) again = tern_account_manager_new (path);
  g_autoptr(TernAccount) account = tern_account_new ("bob@fake.test", TERN_ACCOUNT_PROTOCOL_POP3);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GThread *loaded_in = NULL;
  TernAccount *read;

  tern_account_set_incoming (account, "pop.fake.test", 995, TERN_NET_SECURITY_TLS, "bob");
  tern_account_set_signature (account, "Bob\n-- \nsecond line");
  tern_account_set_ask_password (account, TRUE);
  tern_account_set_imap_switch (account, "imap.fake.test", 993, TERN_NET_SECURITY_TLS, "bob");
  g_assert_true (tern_account_manager_add (manager, account, &error));
  g_assert_true (tern_account_manager_save (manager, &error));
  g_assert_no_error (error);

  tern_account_manager_load_async (again, NULL, loaded_cb, &loaded_in);
  while (loaded_in == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (loaded_in == g_thread_self ());
  read = tern_account_manager_lookup (again, "bob@fake.test");
  g_assert_nonnull (read);
  g_assert_cmpstr (tern_account_get_signature (read), ==, "Bob\n-- \nsecond line");
  g_assert_true (tern_account_get_ask_password (read));
  g_assert_nonnull (tern_account_get_imap_switch (read));
  g_assert_cmpstr (tern_account_get_imap_switch (read)->host, ==, "imap.fake.test");
  g_assert_cmpuint (tern_account_get_imap_switch (read)->port, ==, 993);

  /* No password in the file, of course. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_null (strstr (text, "secret"));
}

/* An account whose password is kept nowhere: asked (NO_PASSWORD, the password remedy)
 * until given; then in memory only, and forgotten on request. The keyring is never
 * asked (there is no bus in this test). */
static void
test_session_password (void)
{
  g_autoptr(TernAccount) account = tern_account_new ("carol@fake.test", TERN_ACCOUNT_PROTOCOL_IMAP);
  g_autoptr(GError) error = NULL;
  char *password;

  tern_account_set_ask_password (account, TRUE);
  password = tern_credentials_get_password (account, NULL, &error);
  g_assert_null (password);
  g_assert_error (error, TERN_ACCOUNT_ERROR, TERN_ACCOUNT_ERROR_NO_PASSWORD);
  g_assert_cmpint (tern_mail_remedy_for_error (error), ==, TERN_MAIL_REMEDY_PASSWORD);
  g_clear_error (&error);

  g_assert_false (tern_credentials_has_session_password (account));
  tern_credentials_set_session_password (account, "in-memory");
  g_assert_true (tern_credentials_has_session_password (account));
  password = tern_credentials_get_password (account, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "in-memory");
  tern_credentials_free_password (password);

  tern_credentials_set_session_password (account, NULL);
  g_assert_false (tern_credentials_has_session_password (account));
}

/* The builder carries the new settings, and keeps them on a change. */
static void
test_builder (void)
{
  g_autoptr(TernMailAccountBuilder) builder = tern_mail_account_builder_new ("dave@fake.test");
  g_autoptr(TernMailAccountBuilder) change = NULL;
  g_autoptr(TernAccount) account = NULL, changed = NULL;
  g_autoptr(GError) error = NULL;

  tern_mail_account_builder_set_protocol (builder, TERN_ACCOUNT_PROTOCOL_IMAP);
  tern_mail_account_builder_set_incoming (builder, "imap.fake.test", 0, TERN_NET_SECURITY_TLS, NULL);
  tern_mail_account_builder_set_signature (builder, "Dave");
  tern_mail_account_builder_set_ask_password (builder, TRUE);
  account = tern_mail_account_builder_build (builder, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tern_account_get_signature (account), ==, "Dave");
  g_assert_true (tern_account_get_ask_password (account));

  change = tern_mail_account_builder_new_for_account (account);
  tern_mail_account_builder_set_name (change, "Dave D.");
  changed = tern_mail_account_builder_build (change, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (tern_account_get_signature (changed), ==, "Dave");
  g_assert_true (tern_account_get_ask_password (changed));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tern_engine_init ();
  /* No session bus: the keyring must never be needed here. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
  tmpdir = g_dir_make_tmp ("tern-mail-check-XXXXXX", NULL);

  g_test_add_func ("/mail/check/login-ok", test_login_ok);
  g_test_add_func ("/mail/check/login-rejected", test_login_rejected);
  g_test_add_func ("/mail/check/refused", test_refused);
  g_test_add_func ("/mail/check/certificate", test_certificate);
  g_test_add_func ("/mail/check/parallel-and-cancel", test_parallel_and_cancel);
  g_test_add_func ("/mail/check/account", test_account);
  g_test_add_func ("/mail/settings/roundtrip", test_settings_roundtrip);
  g_test_add_func ("/mail/settings/session-password", test_session_password);
  g_test_add_func ("/mail/settings/builder", test_builder);
  status = g_test_run ();

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    (void) !system (cmd);
  }
  return status;
}
