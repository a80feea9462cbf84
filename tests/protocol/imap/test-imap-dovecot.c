/* test-imap-dovecot.c: the IMAP client against the real Dovecot of tests/servers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run by tern-test-servers, which exports TERN_TEST_* (tests/servers/README.md). Covers
 * IMAPS and STARTTLS, certificate validation and pinning, a proxy that strips STARTTLS,
 * wrong passwords, the transcript's redaction, and every command of the IMAP client
 * that Dovecot supports.
 */
#include "config.h"

#include <string.h>

#include "tern-net-error.h"
#include "tern-net-sasl.h"
#include "tern-imap-body-structure.h"
#include "tern-imap-envelope.h"
#include "tern-imap-error.h"
#include "tern-imap-session.h"

static const char *host;
static guint16 imap_port;
static guint16 imaps_port;
static const char *ca_cert;
static const char *password;
static const char *run_dir;

/* ---- helpers -------------------------------------------------------------------------- */

static guint16
env_port (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run this test through tests/servers/tern-test-servers", name);
  return (guint16) atoi (value);
}

static TernImapSession *
new_session (const char      *user,
             TernNetSecurity  security,
             gboolean         pin)
{
  guint16 port = security == TERN_NET_SECURITY_TLS ? imaps_port : imap_port;
  TernImapSession *session = tern_imap_session_new (host, port, security);
  g_autoptr(GError) error = NULL;

  tern_imap_session_set_timeouts (session, 10, 20);
  if (pin)
    {
      tern_net_connection_set_pinned_certificate (tern_imap_session_get_connection (session), ca_cert, &error);
      g_assert_no_error (error);
    }
  if (user != NULL)
    tern_imap_session_set_credentials (session, user, password, TERN_IMAP_AUTH_AUTO);
  return session;
}

static TernImapSession *
login (const char *user)
{
  TernImapSession *session = new_session (user, TERN_NET_SECURITY_TLS, TRUE);
  g_autoptr(GError) error = NULL;

  tern_imap_session_connect (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_AUTHENTICATED);
  return session;
}

static void
logout (TernImapSession *session)
{
  g_autoptr(GError) error = NULL;

  tern_imap_session_logout (session, NULL, &error);
  g_assert_no_error (error);
}

static GBytes *
make_message (const char *subject,
              const char *body)
{
  g_autofree char *text = g_strdup_printf ("From: Alice <alice@tern.test>\r\n"
                                           "To: Bob <bob@tern.test>\r\n"
                                           "Subject: %s\r\n"
                                           "Message-ID: <%s@tern.test>\r\n"
                                           "Date: Mon, 05 Jan 2026 10:00:00 +0000\r\n"
                                           "MIME-Version: 1.0\r\n"
                                           "Content-Type: text/plain; charset=utf-8\r\n"
                                           "\r\n"
                                           "%s\r\n", subject, subject, body);

  gsize length = strlen (text);

  return g_bytes_new_take (g_steal_pointer (&text), length);
}

static guint32
append (TernImapSession *session,
        const char      *mailbox,
        const char      *subject)
{
  g_autoptr(GBytes) message = make_message (subject, "Hello from Tern.");
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity = 0, uid = 0;

  tern_imap_session_append (session, mailbox, NULL, NULL, message, &uidvalidity, &uid, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (uid, >, 0);
  return uid;
}

static TernImapMailbox *
status (TernImapSession *session,
        const char      *mailbox)
{
  g_autoptr(GError) error = NULL;
  TernImapMailbox *m = tern_imap_session_status (session, mailbox,
                                                 TERN_IMAP_STATUS_ITEM_MESSAGES | TERN_IMAP_STATUS_ITEM_UIDNEXT |
                                                 TERN_IMAP_STATUS_ITEM_UIDVALIDITY | TERN_IMAP_STATUS_ITEM_UNSEEN |
                                                 TERN_IMAP_STATUS_ITEM_HIGHESTMODSEQ,
                                                 NULL, &error);

  g_assert_no_error (error);
  return m;
}

static void
collect_fetch_cb (TernImapSession  *session,
                  TernImapResponse *response,
                  gpointer          user_data)
{
  g_ptr_array_add (user_data, tern_imap_response_ref (response));
}

static GPtrArray *
uid_fetch (TernImapSession *session,
           const char      *uids,
           const char      *items,
           guint64          changed_since)
{
  GPtrArray *responses = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_response_unref);
  g_autoptr(GError) error = NULL;

  tern_imap_session_uid_fetch (session, uids, items, changed_since, collect_fetch_cb, responses, NULL, &error);
  g_assert_no_error (error);
  return responses;
}

/* ---- connecting ------------------------------------------------------------------------ */

static void
test_imaps_login (void)
{
  g_autoptr(TernImapSession) session = login ("alice");

  g_assert_true (tern_net_connection_is_encrypted (tern_imap_session_get_connection (session)));
  g_assert_true (tern_imap_session_has_capability (session, "IMAP4rev1"));
  g_assert_true (tern_imap_session_has_capability (session, "IDLE"));
  g_assert_true (tern_imap_session_has_capability (session, "MOVE"));
  g_assert_true (tern_imap_session_has_capability (session, "QRESYNC"));
  logout (session);
}

static void
test_starttls_login (void)
{
  g_autoptr(TernImapSession) session = new_session ("alice", TERN_NET_SECURITY_STARTTLS, TRUE);
  g_autoptr(GError) error = NULL;

  tern_imap_session_connect (session, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_net_connection_is_encrypted (tern_imap_session_get_connection (session)));
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_AUTHENTICATED);
  /* The capabilities were asked again after STARTTLS: no STARTTLS any more */
  g_assert_false (tern_imap_session_has_capability (session, "STARTTLS"));
  logout (session);
}

static void
test_login_mechanisms (void)
{
  const TernImapAuthMechanism mechanisms[] = {
    TERN_IMAP_AUTH_LOGIN_COMMAND, TERN_IMAP_AUTH_PLAIN, TERN_IMAP_AUTH_LOGIN
  };

  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      g_autoptr(TernImapSession) session = new_session (NULL, TERN_NET_SECURITY_TLS, TRUE);
      g_autoptr(GError) error = NULL;

      tern_imap_session_set_credentials (session, "bob", password, mechanisms[i]);
      /* Without SASL-IR too, for PLAIN's continuation */
      if (i == 1)
        tern_imap_session_disable_capability (session, "SASL-IR");
      tern_imap_session_connect (session, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_AUTHENTICATED);
      logout (session);
    }
}

static void
test_wrong_password (void)
{
  const TernImapAuthMechanism mechanisms[] = {
    TERN_IMAP_AUTH_AUTO, TERN_IMAP_AUTH_LOGIN_COMMAND, TERN_IMAP_AUTH_LOGIN
  };

  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      g_autoptr(TernImapSession) session = new_session (NULL, i == 0 ? TERN_NET_SECURITY_STARTTLS
                                                                     : TERN_NET_SECURITY_TLS, TRUE);
      g_autoptr(GError) error = NULL;

      tern_imap_session_set_credentials (session, "alice", "not-the-password", mechanisms[i]);
      g_assert_false (tern_imap_session_connect (session, NULL, &error));
      g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_AUTHENTICATION_FAILED);
      g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_DISCONNECTED);
      g_test_message ("wrong password: %s", error->message);
    }
}

static void
test_certificate_pinning (void)
{
  g_autoptr(GTlsCertificate) expected = NULL;
  g_autofree char *expected_fingerprint = NULL;
  g_autoptr(GError) error = NULL;

  expected = g_tls_certificate_new_from_file (ca_cert, &error);
  g_assert_no_error (error);
  expected_fingerprint = tern_net_certificate_get_fingerprint (expected);

  for (guint i = 0; i < 2; i++)
    {
      TernNetSecurity security = i == 0 ? TERN_NET_SECURITY_TLS : TERN_NET_SECURITY_STARTTLS;
      g_autoptr(TernImapSession) unpinned = new_session ("alice", security, FALSE);
      g_autoptr(TernImapSession) wrong_pin = new_session ("alice", security, FALSE);
      g_autoptr(TernImapSession) pinned = new_session ("alice", security, FALSE);
      g_autofree char *fingerprint = NULL;
      GTlsCertificate *certificate;

      /* Not trusted, and the error carries the certificate */
      g_assert_false (tern_imap_session_connect (unpinned, NULL, &error));
      g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
      certificate = tern_net_error_get_certificate (error);
      g_assert_nonnull (certificate);
      g_assert_true (tern_net_error_get_certificate_errors (error) & G_TLS_CERTIFICATE_UNKNOWN_CA);
      fingerprint = tern_net_certificate_get_fingerprint (certificate);
      g_assert_cmpstr (fingerprint, ==, expected_fingerprint);
      g_test_message ("%s", error->message);
      g_clear_error (&error);

      /* Another pin does not help */
      tern_net_connection_set_pinned_certificate (tern_imap_session_get_connection (wrong_pin),
                                                  "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                                                  &error);
      g_assert_no_error (error);
      g_assert_false (tern_imap_session_connect (wrong_pin, NULL, &error));
      g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_CERTIFICATE_UNTRUSTED);
      g_clear_error (&error);

      /* Pinning exactly that certificate by its fingerprint works */
      tern_net_connection_set_pinned_certificate (tern_imap_session_get_connection (pinned), fingerprint, &error);
      g_assert_no_error (error);
      tern_imap_session_connect (pinned, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (tern_imap_session_get_state (pinned), ==, TERN_IMAP_SESSION_AUTHENTICATED);
      logout (pinned);
    }
}

/* ---- a proxy that strips STARTTLS from the capabilities ----------------------------- */

typedef struct
{
  GSocketListener *listener;
  guint16          port;
  GThread         *thread;
  GString         *from_client;
  GMutex           lock;
} StripProxy;

static char *
strip_starttls (const char *line)
{
  g_auto(GStrv) words = NULL;
  GString *out;

  if (strstr (line, "CAPABILITY") == NULL)
    return g_strdup (line);
  words = g_strsplit (line, " ", -1);
  out = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (words[i], "STARTTLS") == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, words[i]);
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  StripProxy    *proxy;
  GInputStream  *in;
  GOutputStream *out;
  GSocketConnection *peer;
} Pump;

/* Client to server: raw bytes, recorded */
static gpointer
pump_up_thread (gpointer user_data)
{
  Pump *pump = user_data;
  char buffer[4096];
  gssize n;

  while ((n = g_input_stream_read (pump->in, buffer, sizeof buffer, NULL, NULL)) > 0)
    {
      g_mutex_lock (&pump->proxy->lock);
      g_string_append_len (pump->proxy->from_client, buffer, n);
      g_mutex_unlock (&pump->proxy->lock);
      if (!g_output_stream_write_all (pump->out, buffer, n, NULL, NULL, NULL))
        break;
    }
  /* Pass the client's end of stream on: Dovecot then closes its side, which ends the
   * other direction too. (Closing a socket connection's output stream alone does not
   * shut the socket down.) */
  g_socket_shutdown (g_socket_connection_get_socket (pump->peer), FALSE, TRUE, NULL);
  return NULL;
}

static gpointer
proxy_thread (gpointer user_data)
{
  StripProxy *proxy = user_data;
  g_autoptr(GSocketConnection) client = NULL;
  g_autoptr(GSocketConnection) server = NULL;
  g_autoptr(GSocketClient) connector = g_socket_client_new ();
  g_autoptr(GDataInputStream) down = NULL;
  GOutputStream *to_client;
  Pump up;
  GThread *up_thread;
  char *line;

  client = g_socket_listener_accept (proxy->listener, NULL, NULL, NULL);
  if (client == NULL)
    return NULL;
  g_socket_client_set_enable_proxy (connector, FALSE);
  server = g_socket_client_connect_to_host (connector, host, imap_port, NULL, NULL);
  g_assert_nonnull (server);

  up = (Pump) { proxy, g_io_stream_get_input_stream (G_IO_STREAM (client)),
                g_io_stream_get_output_stream (G_IO_STREAM (server)), server };
  up_thread = g_thread_new ("proxy-up", pump_up_thread, &up);

  /* Server to client: line by line, rewriting the capabilities */
  down = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (server)));
  g_data_input_stream_set_newline_type (down, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  to_client = g_io_stream_get_output_stream (G_IO_STREAM (client));
  while ((line = g_data_input_stream_read_line (down, NULL, NULL, NULL)) != NULL)
    {
      g_autofree char *rewritten = strip_starttls (line);
      g_autofree char *with_crlf = g_strconcat (rewritten, "\r\n", NULL);

      g_free (line);
      if (!g_output_stream_write_all (to_client, with_crlf, strlen (with_crlf), NULL, NULL, NULL))
        break;
    }

  g_io_stream_close (G_IO_STREAM (client), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (server), NULL, NULL);
  g_thread_join (up_thread);
  return NULL;
}

static void
test_starttls_stripped (void)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(TernImapSession) session = NULL;
  g_autoptr(GError) error = NULL;
  StripProxy proxy = { 0 };

  proxy.listener = g_socket_listener_new ();
  proxy.from_client = g_string_new (NULL);
  g_mutex_init (&proxy.lock);
  g_socket_listener_add_address (proxy.listener, address, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                 &effective, &error);
  g_assert_no_error (error);
  proxy.port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  proxy.thread = g_thread_new ("strip-proxy", proxy_thread, &proxy);

  session = tern_imap_session_new (host, proxy.port, TERN_NET_SECURITY_STARTTLS);
  tern_imap_session_set_timeouts (session, 10, 20);
  tern_net_connection_set_pinned_certificate (tern_imap_session_get_connection (session), ca_cert, NULL);
  tern_imap_session_set_credentials (session, "alice", password, TERN_IMAP_AUTH_AUTO);
  g_assert_false (tern_imap_session_connect (session, NULL, &error));
  g_assert_error (error, TERN_NET_ERROR, TERN_NET_ERROR_STARTTLS_UNAVAILABLE);
  g_test_message ("%s", error->message);

  g_thread_join (proxy.thread);
  /* Nothing about the credentials went through */
  g_assert_null (strstr (proxy.from_client->str, "LOGIN"));
  g_assert_null (strstr (proxy.from_client->str, "AUTHENTICATE"));
  g_assert_null (strstr (proxy.from_client->str, password));
  g_test_message ("the client sent: %s", proxy.from_client->str);

  g_string_free (proxy.from_client, TRUE);
  g_mutex_clear (&proxy.lock);
  g_object_unref (proxy.listener);
}

/* ---- the transcript -------------------------------------------------------------------- */

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
test_transcript_redacted (void)
{
  const TernImapAuthMechanism mechanisms[] = {
    TERN_IMAP_AUTH_LOGIN_COMMAND, TERN_IMAP_AUTH_PLAIN, TERN_IMAP_AUTH_LOGIN
  };
  g_autofree char *plain = tern_net_sasl_plain ("carol", password);
  g_autofree char *b64_password = g_base64_encode ((const guchar *) password, strlen (password));
  g_autofree char *text = NULL;

  g_mutex_lock (&log_lock);
  log_text = g_string_new (NULL);
  g_mutex_unlock (&log_lock);
  g_log_set_debug_enabled (TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      g_autoptr(TernImapSession) session = new_session (NULL, TERN_NET_SECURITY_STARTTLS, TRUE);
      g_autoptr(GError) error = NULL;

      tern_imap_session_set_credentials (session, "carol", password, mechanisms[i]);
      tern_imap_session_connect (session, NULL, &error);
      g_assert_no_error (error);
      logout (session);
    }

  g_log_set_debug_enabled (FALSE);
  g_mutex_lock (&log_lock);
  text = g_string_free (log_text, FALSE);
  log_text = NULL;
  g_mutex_unlock (&log_lock);

  /* The transcript is there ... */
  g_assert_nonnull (strstr (text, "TernImap.Net: "));
  g_assert_nonnull (strstr (text, "C: t3 LOGIN \"carol\" <redacted>"));
  g_assert_nonnull (strstr (text, "AUTHENTICATE PLAIN <redacted>"));
  g_assert_nonnull (strstr (text, "S: + VXNlcm5hbWU6"));
  /* ... without the password in any form */
  g_assert_null (strstr (text, password));
  g_assert_null (strstr (text, plain));
  g_assert_null (strstr (text, b64_password));
}

/* ---- commands ------------------------------------------------------------------------------ */

static void
test_id_namespace_enable (void)
{
  g_autoptr(TernImapSession) session = login ("alice");
  g_autoptr(GHashTable) client = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) server = NULL;
  g_autoptr(GPtrArray) personal = NULL;
  g_autoptr(GPtrArray) other = NULL;
  g_autoptr(GPtrArray) shared = NULL;
  g_autoptr(GError) error = NULL;
  const char *const extensions[] = { "CONDSTORE", "QRESYNC", NULL };
  TernImapNamespace *ns;

  g_hash_table_insert (client, "name", "Tern");
  g_hash_table_insert (client, "version", "0.1");
  server = tern_imap_session_id (session, client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (server, "name"), ==, "Dovecot");

  g_assert_true (tern_imap_session_namespace (session, &personal, &other, &shared, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (personal->len, ==, 1);
  ns = g_ptr_array_index (personal, 0);
  g_assert_cmpstr (ns->prefix, ==, "");
  g_assert_cmpint (ns->delimiter, ==, '/');
  g_assert_cmpuint (other->len, ==, 0);
  g_assert_cmpuint (shared->len, ==, 0);

  g_assert_true (tern_imap_session_enable (session, extensions, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_imap_session_is_enabled (session, "QRESYNC"));
  g_assert_true (tern_imap_session_is_enabled (session, "CONDSTORE"));
  logout (session);
}

static TernImapMailbox *
find_mailbox (GPtrArray  *list,
              const char *name)
{
  for (guint i = 0; i < list->len; i++)
    {
      TernImapMailbox *m = g_ptr_array_index (list, i);

      if (g_strcmp0 (m->name, name) == 0)
        return m;
    }
  return NULL;
}

static void
test_list_special_use_status (void)
{
  g_autoptr(TernImapSession) session = login ("alice");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) fallback = NULL;
  g_autoptr(GError) error = NULL;
  const struct { const char *name; TernImapMailboxFlags flag; } special[] = {
    { "Drafts", TERN_IMAP_MAILBOX_DRAFTS }, { "Sent", TERN_IMAP_MAILBOX_SENT },
    { "Trash", TERN_IMAP_MAILBOX_TRASH }, { "Junk", TERN_IMAP_MAILBOX_JUNK },
    { "Archive", TERN_IMAP_MAILBOX_ARCHIVE },
  };
  TernImapMailbox *inbox;

  append (session, "Archive", "for the list test");
  g_assert_true (tern_imap_session_has_capability (session, "LIST-STATUS"));
  list = tern_imap_session_list (session, "", "*", TERN_IMAP_LIST_SPECIAL_USE,
                                 TERN_IMAP_STATUS_ITEM_MESSAGES | TERN_IMAP_STATUS_ITEM_UIDNEXT, NULL, &error);
  g_assert_no_error (error);
  inbox = find_mailbox (list, "INBOX");
  g_assert_nonnull (inbox);
  g_assert_true (inbox->status_items & TERN_IMAP_STATUS_ITEM_UIDNEXT);
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      TernImapMailbox *m = find_mailbox (list, special[i].name);

      g_assert_nonnull (m);
      g_assert_cmpint (m->flags & TERN_IMAP_MAILBOX_SPECIAL_USE_MASK, ==, special[i].flag);
      g_assert_cmpint (m->delimiter, ==, '/');
      g_assert_true (m->status_items & TERN_IMAP_STATUS_ITEM_MESSAGES);
    }
  g_assert_cmpuint (find_mailbox (list, "Archive")->messages, >=, 1);

  /* Without LIST-STATUS the same numbers come from pipelined STATUS commands */
  tern_imap_session_disable_capability (session, "LIST-STATUS");
  fallback = tern_imap_session_list (session, "", "*", TERN_IMAP_LIST_SPECIAL_USE,
                                     TERN_IMAP_STATUS_ITEM_MESSAGES | TERN_IMAP_STATUS_ITEM_UIDNEXT, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fallback->len, ==, list->len);
  for (guint i = 0; i < list->len; i++)
    {
      TernImapMailbox *a = g_ptr_array_index (list, i);
      TernImapMailbox *b = find_mailbox (fallback, a->name);

      g_assert_nonnull (b);
      g_assert_cmpuint (a->messages, ==, b->messages);
      g_assert_cmpuint (a->uidnext, ==, b->uidnext);
      g_assert_cmpint (a->flags, ==, b->flags);
    }
  logout (session);
}

static void
test_create_rename_delete_utf7 (void)
{
  g_autoptr(TernImapSession) session = login ("bob");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *on_disk = NULL;
  g_autofree char *renamed_on_disk = NULL;
  const char *name = "Entw\xc3\xbcrfe & \xe5\x8f\xb0\xe5\x8c\x97";
  const char *child = "Entw\xc3\xbcrfe & \xe5\x8f\xb0\xe5\x8c\x97/\xf0\x9f\x98\x80 Emoji";
  const char *renamed = "Brouillons \xc3\xa9t\xc3\xa9";

  g_assert_true (tern_imap_session_create (session, name, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_imap_session_create (session, child, NULL, &error));
  g_assert_no_error (error);

  /* Dovecot keeps the name in modified UTF-7 on disk: the wire name was right */
  on_disk = g_build_filename (run_dir, "mail", "bob", "Maildir", ".Entw&APw-rfe &- &U,BTFw-", NULL);
  g_assert_true (g_file_test (on_disk, G_FILE_TEST_IS_DIR));

  list = tern_imap_session_list (session, "", "*", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (find_mailbox (list, name));
  g_assert_nonnull (find_mailbox (list, child));
  g_assert_cmpstr (find_mailbox (list, name)->encoded_name, ==, "Entw&APw-rfe &- &U,BTFw-");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A pattern in UTF-8 too */
  list = tern_imap_session_list (session, "", "Entw\xc3\xbcrfe*", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_clear_pointer (&list, g_ptr_array_unref);

  {
    g_autoptr(GBytes) message = make_message ("x", "y");

    tern_imap_session_append (session, child, NULL, NULL, message, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_true (tern_imap_session_rename (session, name, renamed, NULL, &error));
  g_assert_no_error (error);
  renamed_on_disk = g_build_filename (run_dir, "mail", "bob", "Maildir", ".Brouillons &AOk-t&AOk-", NULL);
  g_assert_true (g_file_test (renamed_on_disk, G_FILE_TEST_IS_DIR));

  list = tern_imap_session_list (session, "", "*", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (find_mailbox (list, name));
  g_assert_nonnull (find_mailbox (list, renamed));
  g_assert_nonnull (find_mailbox (list, "Brouillons \xc3\xa9t\xc3\xa9/\xf0\x9f\x98\x80 Emoji"));
  g_clear_pointer (&list, g_ptr_array_unref);

  /* Creating what exists: NO with the ALREADYEXISTS code */
  g_assert_false (tern_imap_session_create (session, renamed, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  g_assert_cmpstr (tern_imap_error_get_response_code (error), ==, "ALREADYEXISTS");
  g_clear_error (&error);

  g_assert_true (tern_imap_session_delete (session, "Brouillons \xc3\xa9t\xc3\xa9/\xf0\x9f\x98\x80 Emoji", NULL,
                                           &error));
  g_assert_true (tern_imap_session_delete (session, renamed, NULL, &error));
  g_assert_no_error (error);
  list = tern_imap_session_list (session, "", "Brouillons*", 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);

  /* Deleting what does not exist: NO with NONEXISTENT */
  g_assert_false (tern_imap_session_delete (session, renamed, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  g_assert_cmpstr (tern_imap_error_get_response_code (error), ==, "NONEXISTENT");
  logout (session);
}

static void
test_append_select_fetch (void)
{
  g_autoptr(TernImapSession) session = login ("carol");
  g_autoptr(GBytes) message = make_message ("Fetch me \xe2\x9c\x89", "Body of the fetched message.");
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("+02:00");
  g_autoptr(GDateTime) date = g_date_time_new (zone, 2025, 12, 24, 18, 30, 15);
  g_autoptr(TernImapMailbox) before = NULL;
  g_autoptr(GPtrArray) fetched = NULL;
  g_autoptr(TernImapEnvelope) envelope = NULL;
  g_autoptr(TernImapBodyStructure) body = NULL;
  g_autoptr(GDateTime) internal_date = NULL;
  g_autoptr(GBytes) data = NULL;
  g_auto(GStrv) flags = NULL;
  g_auto(GStrv) permanent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uid_text = NULL;
  const char *append_flags[] = { "\\Seen", "$Tern", NULL };
  TernImapResponse *r;
  guint32 uidvalidity = 0, uid = 0, fetched_uid = 0;
  guint64 size = 0, modseq = 0;

  tern_imap_session_create (session, "Fetch", NULL, &error);
  g_assert_no_error (error);
  before = status (session, "Fetch");
  g_assert_true (tern_imap_session_append (session, "Fetch", append_flags, date, message, &uidvalidity, &uid, NULL,
                                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, ==, before->uidvalidity);
  g_assert_cmpuint (uid, ==, before->uidnext);

  g_assert_true (tern_imap_session_select (session, "Fetch", TERN_IMAP_SELECT_CONDSTORE, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tern_imap_session_get_exists (session), ==, 1);
  g_assert_cmpuint (tern_imap_session_get_uidvalidity (session), ==, uidvalidity);
  g_assert_cmpuint (tern_imap_session_get_uidnext (session), ==, uid + 1);
  g_assert_cmpuint (tern_imap_session_get_highest_modseq (session), >, 0);
  g_assert_false (tern_imap_session_is_read_only (session));
  permanent = tern_imap_session_dup_permanent_flags (session);
  g_assert_true (g_strv_contains ((const char * const *) permanent, "\\*"));

  uid_text = g_strdup_printf ("%u", uid);
  fetched = uid_fetch (session, uid_text,
                       "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE MODSEQ BODY.PEEK[])", 0);
  g_assert_cmpuint (fetched->len, ==, 1);
  r = g_ptr_array_index (fetched, 0);
  g_assert_true (tern_imap_response_get_fetch_uid (r, &fetched_uid));
  g_assert_cmpuint (fetched_uid, ==, uid);
  flags = tern_imap_response_dup_fetch_flags (r);
  g_assert_true (g_strv_contains ((const char * const *) flags, "\\Seen"));
  g_assert_true (g_strv_contains ((const char * const *) flags, "$Tern"));
  internal_date = tern_imap_response_dup_fetch_internaldate (r);
  g_assert_true (g_date_time_equal (internal_date, date));
  g_assert_true (tern_imap_response_get_fetch_rfc822_size (r, &size));
  g_assert_cmpuint (size, ==, g_bytes_get_size (message));
  g_assert_true (tern_imap_response_get_fetch_modseq (r, &modseq));
  g_assert_cmpuint (modseq, >, 0);
  envelope = tern_imap_response_dup_fetch_envelope (r);
  g_assert_cmpstr (envelope->subject, ==, "Fetch me \xe2\x9c\x89");
  g_assert_cmpstr (((TernImapAddress *) g_ptr_array_index (envelope->from, 0))->name, ==, "Alice");
  g_assert_cmpstr (((TernImapAddress *) g_ptr_array_index (envelope->to, 0))->mailbox, ==, "bob");
  body = tern_imap_response_dup_fetch_body_structure (r);
  g_assert_true (tern_imap_body_structure_is (body, "text", "plain"));
  g_assert_cmpstr (tern_imap_body_structure_get_param (body, "charset"), ==, "utf-8");
  data = tern_imap_response_dup_fetch_section (r, "BODY[]");
  g_assert_true (g_bytes_equal (data, message));

  /* EXAMINE is read-only */
  g_assert_true (tern_imap_session_select (session, "Fetch", TERN_IMAP_SELECT_READ_ONLY, NULL, NULL, &error));
  g_assert_true (tern_imap_session_is_read_only (session));
  g_assert_true (tern_imap_session_unselect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tern_imap_session_get_state (session), ==, TERN_IMAP_SESSION_AUTHENTICATED);
  logout (session);
}

static void
store_fetch_cb (TernImapSession  *session,
                TernImapResponse *response,
                gpointer          user_data)
{
  g_ptr_array_add (user_data, tern_imap_response_ref (response));
}

static void
test_store_search_condstore (void)
{
  g_autoptr(TernImapSession) session = login ("alice");
  g_autoptr(GPtrArray) signalled = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_response_unref);
  g_autoptr(TernImapUidSet) modified = NULL;
  g_autoptr(GArray) found = NULL;
  g_autoptr(GPtrArray) changed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *set = NULL;
  g_auto(GStrv) flags = NULL;
  const char *flagged[] = { "\\Flagged", NULL };
  const char *seen[] = { "\\Seen", NULL };
  guint32 a, b;
  guint64 modseq = 0, before;

  tern_imap_session_create (session, "Store", NULL, &error);
  g_assert_no_error (error);
  a = append (session, "Store", "store a");
  b = append (session, "Store", "store b");
  set = g_strdup_printf ("%u:%u", a, b);
  g_assert_true (tern_imap_session_select (session, "Store", TERN_IMAP_SELECT_CONDSTORE, NULL, NULL, &error));
  before = tern_imap_session_get_highest_modseq (session);

  /* The new flags come back as "fetch" signals */
  g_signal_connect (session, "fetch", G_CALLBACK (store_fetch_cb), signalled);
  g_assert_true (tern_imap_session_uid_store (session, set, TERN_IMAP_STORE_ADD, flagged, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (signalled->len, ==, 2);
  flags = tern_imap_response_dup_fetch_flags (g_ptr_array_index (signalled, 0));
  g_assert_true (g_strv_contains ((const char * const *) flags, "\\Flagged"));
  g_assert_true (tern_imap_response_get_fetch_modseq (g_ptr_array_index (signalled, 0), &modseq));
  g_assert_cmpuint (modseq, >, before);

  /* UNCHANGEDSINCE below the message's mod-sequence: refused as MODIFIED */
  g_assert_true (tern_imap_session_uid_store (session, set, TERN_IMAP_STORE_ADD, seen, before, &modified, NULL,
                                              &error));
  g_assert_no_error (error);
  g_assert_nonnull (modified);
  g_assert_cmpuint (tern_imap_uid_set_get_count (modified), ==, 2);

  /* SEARCH sees the flag */
  found = tern_imap_session_uid_search (session, "FLAGGED UNSEEN", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpuint (g_array_index (found, guint32, 0), ==, a);

  /* FETCH (CHANGEDSINCE) returns only what changed after */
  changed = uid_fetch (session, "1:*", "(UID FLAGS)", modseq - 1);
  g_assert_cmpuint (changed->len, >=, 1);
  g_clear_pointer (&changed, g_ptr_array_unref);
  changed = uid_fetch (session, "1:*", "(UID FLAGS)", tern_imap_session_get_highest_modseq (session) + 100);
  g_assert_cmpuint (changed->len, ==, 0);

  /* Replace and remove */
  g_assert_true (tern_imap_session_uid_store (session, set, TERN_IMAP_STORE_REPLACE, seen, 0, NULL, NULL, &error));
  g_assert_true (tern_imap_session_uid_store (session, set, TERN_IMAP_STORE_REMOVE, seen, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  logout (session);
}

static void
count_expunge_cb (TernImapSession *session,
                  guint            number,
                  gpointer         user_data)
{
  (*(guint *) user_data)++;
}

static void
check_move (gboolean force_fallback)
{
  g_autoptr(TernImapSession) session = login ("carol");
  g_autoptr(TernImapUidSet) source = NULL;
  g_autoptr(TernImapUidSet) destination = NULL;
  g_autoptr(TernImapMailbox) from_status = NULL;
  g_autoptr(TernImapMailbox) to_status = NULL;
  g_autoptr(TernImapMailbox) to_before = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *set = NULL;
  const char *from = force_fallback ? "MoveFromFallback" : "MoveFrom";
  const char *to = force_fallback ? "MoveToFallback" : "MoveTo";
  guint32 uids[3], uidvalidity = 0;
  guint expunges = 0;

  if (force_fallback)
    tern_imap_session_disable_capability (session, "MOVE");
  tern_imap_session_create (session, from, NULL, &error);
  g_assert_no_error (error);
  tern_imap_session_create (session, to, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 3; i++)
    uids[i] = append (session, from, "move me");
  to_before = status (session, to);

  g_signal_connect (session, "expunge", G_CALLBACK (count_expunge_cb), &expunges);
  g_assert_true (tern_imap_session_select (session, from, TERN_IMAP_SELECT_NONE, NULL, NULL, &error));
  /* A \Deleted message outside the set must survive the fallback's UID EXPUNGE */
  {
    g_autofree char *third = g_strdup_printf ("%u", uids[2]);
    const char *deleted[] = { "\\Deleted", NULL };

    g_assert_true (tern_imap_session_uid_store (session, third, TERN_IMAP_STORE_ADD, deleted, 0, NULL, NULL, &error));
  }
  set = g_strdup_printf ("%u:%u", uids[0], uids[1]);
  g_assert_true (tern_imap_session_uid_move (session, set, to, &uidvalidity, &source, &destination, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (expunges, ==, 2);
  g_assert_cmpuint (tern_imap_session_get_exists (session), ==, 1);
  g_assert_cmpuint (uidvalidity, ==, to_before->uidvalidity);
  g_assert_cmpuint (tern_imap_uid_set_get_count (source), ==, 2);
  g_assert_cmpuint (tern_imap_uid_set_get_count (destination), ==, 2);
  g_assert_true (tern_imap_uid_set_contains (destination, to_before->uidnext));

  left = uid_fetch (session, "1:*", "(UID FLAGS)", 0);
  g_assert_cmpuint (left->len, ==, 1);

  from_status = status (session, from);
  to_status = status (session, to);
  g_assert_cmpuint (from_status->messages, ==, 1);
  g_assert_cmpuint (to_status->messages, ==, to_before->messages + 2);
  logout (session);
}

static void
test_move (void)
{
  check_move (FALSE);
}

static void
test_move_fallback (void)
{
  check_move (TRUE);
}

static void
test_copy (void)
{
  g_autoptr(TernImapSession) session = login ("bob");
  g_autoptr(TernImapUidSet) destination = NULL;
  g_autoptr(TernImapMailbox) to_status = NULL;
  g_autoptr(GError) error = NULL;
  guint32 uidvalidity = 0;

  tern_imap_session_create (session, "CopyFrom", NULL, &error);
  g_assert_no_error (error);
  append (session, "CopyFrom", "copy 1");
  append (session, "CopyFrom", "copy 2");
  g_assert_true (tern_imap_session_select (session, "CopyFrom", TERN_IMAP_SELECT_NONE, NULL, NULL, &error));
  g_assert_true (tern_imap_session_uid_copy (session, "1:*", "Archive", &uidvalidity, NULL, &destination, NULL,
                                             &error));
  g_assert_no_error (error);
  g_assert_cmpuint (uidvalidity, >, 0);
  g_assert_cmpuint (tern_imap_uid_set_get_count (destination), ==, 2);
  to_status = status (session, "Archive");
  g_assert_cmpuint (to_status->messages, >=, 2);
  /* The source keeps them */
  g_assert_cmpuint (tern_imap_session_get_exists (session), ==, 2);

  /* Into a mailbox that does not exist: NO [TRYCREATE] */
  g_assert_false (tern_imap_session_uid_copy (session, "1:*", "Nowhere", NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_NO);
  g_assert_cmpstr (tern_imap_error_get_response_code (error), ==, "TRYCREATE");
  logout (session);
}

static void
vanished_cb (TernImapSession *session,
             TernImapUidSet  *uids,
             gboolean         earlier,
             gpointer         user_data)
{
  TernImapUidSet *all = user_data;

  g_assert_true (earlier);
  for (guint i = 0; i < tern_imap_uid_set_get_n_ranges (uids); i++)
    {
      guint32 first, last;

      tern_imap_uid_set_get_range (uids, i, &first, &last);
      tern_imap_uid_set_add_range (all, first, last);
    }
}

static void
test_qresync (void)
{
  g_autoptr(TernImapSession) session = login ("bob");
  g_autoptr(TernImapSession) other = login ("bob");
  g_autoptr(TernImapUidSet) vanished = tern_imap_uid_set_new ();
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_response_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *known = NULL;
  g_autofree char *gone = NULL;
  const char *flagged[] = { "\\Flagged", NULL };
  TernImapQresync qresync;
  guint32 uids[4];
  guint32 flagged_uid = 0;

  tern_imap_session_create (session, "Resync", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    uids[i] = append (session, "Resync", "resync");

  /* What the client knows: everything, at this mod-sequence */
  g_assert_true (tern_imap_session_select (session, "Resync", TERN_IMAP_SELECT_CONDSTORE, NULL, NULL, &error));
  qresync.uidvalidity = tern_imap_session_get_uidvalidity (session);
  qresync.modseq = tern_imap_session_get_highest_modseq (session);
  known = g_strdup_printf ("%u:%u", uids[0], uids[3]);
  qresync.known_uids = known;
  g_assert_true (tern_imap_session_unselect (session, NULL, &error));

  /* Meanwhile another client expunges two and flags one */
  g_assert_true (tern_imap_session_select (other, "Resync", TERN_IMAP_SELECT_NONE, NULL, NULL, &error));
  gone = g_strdup_printf ("%u,%u", uids[0], uids[2]);
  g_assert_true (tern_imap_session_uid_move (other, gone, "Trash", NULL, NULL, NULL, NULL, &error));
  {
    g_autofree char *one = g_strdup_printf ("%u", uids[3]);

    g_assert_true (tern_imap_session_uid_store (other, one, TERN_IMAP_STORE_ADD, flagged, 0, NULL, NULL, &error));
  }
  g_assert_no_error (error);
  logout (other);

  /* SELECT (QRESYNC ...) tells exactly that */
  g_signal_connect (session, "vanished", G_CALLBACK (vanished_cb), vanished);
  g_signal_connect (session, "fetch", G_CALLBACK (store_fetch_cb), changed);
  g_assert_true (tern_imap_session_select (session, "Resync", TERN_IMAP_SELECT_NONE, &qresync, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_imap_session_is_enabled (session, "QRESYNC"));
  g_assert_cmpuint (tern_imap_uid_set_get_count (vanished), ==, 2);
  g_assert_true (tern_imap_uid_set_contains (vanished, uids[0]));
  g_assert_true (tern_imap_uid_set_contains (vanished, uids[2]));
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_true (tern_imap_response_get_fetch_uid (g_ptr_array_index (changed, 0), &flagged_uid));
  g_assert_cmpuint (flagged_uid, ==, uids[3]);
  g_assert_cmpuint (tern_imap_session_get_exists (session), ==, 2);
  logout (session);
}

/* ---- IDLE ---------------------------------------------------------------------------------- */

typedef struct
{
  TernImapSession *session;
  guint            exists;
  gboolean         ok;
  GError          *error;
} IdleData;

static void
idle_exists_cb (TernImapSession *session,
                guint            count,
                gpointer         user_data)
{
  ((IdleData *) user_data)->exists = count;
}

static gpointer
idle_thread (gpointer user_data)
{
  IdleData *data = user_data;

  data->ok = tern_imap_session_idle (data->session, 30, NULL, &data->error);
  return NULL;
}

static gpointer
cancel_later_thread (gpointer user_data)
{
  g_usleep (300 * 1000);
  g_cancellable_cancel (user_data);
  return NULL;
}

static void
test_idle (void)
{
  g_autoptr(TernImapSession) idler = login ("carol");
  g_autoptr(TernImapSession) writer = login ("carol");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  IdleData data = { idler, 0, FALSE, NULL };
  guint32 before;
  GThread *thread;
  gint64 start;

  tern_imap_session_create (idler, "Idle", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_imap_session_select (idler, "Idle", TERN_IMAP_SELECT_NONE, NULL, NULL, &error));
  before = tern_imap_session_get_exists (idler);
  g_signal_connect (idler, "exists", G_CALLBACK (idle_exists_cb), &data);

  /* A message delivered by another session while the first one idles */
  start = g_get_monotonic_time ();
  thread = g_thread_new ("idle", idle_thread, &data);
  g_usleep (500 * 1000);
  append (writer, "Idle", "wake up");
  g_thread_join (thread);
  g_assert_no_error (data.error);
  g_assert_true (data.ok);
  g_assert_cmpuint (data.exists, ==, before + 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  /* A timeout ends IDLE quietly */
  start = g_get_monotonic_time ();
  g_assert_true (tern_imap_session_idle (idler, 1, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC * 9 / 10);

  /* So does a cancellation, and the session goes on */
  {
    GThread *canceller = g_thread_new ("cancel", cancel_later_thread, cancellable);

    g_assert_false (tern_imap_session_idle (idler, 30, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_thread_join (canceller);
    g_clear_error (&error);
  }
  g_assert_true (tern_imap_session_noop (idler, NULL, &error));
  g_assert_no_error (error);
  logout (writer);
  logout (idler);
}

/* ---- async ----------------------------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  gboolean   connected;
  GError    *error;
  char      *result;
} AsyncData;

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncData *data = user_data;

  data->connected = tern_imap_session_connect_finish (TERN_IMAP_SESSION (source), result, &data->error);
}

static gpointer
status_job (TernImapSession  *session,
            gpointer          job_data,
            GCancellable     *cancellable,
            GError          **error)
{
  g_autoptr(TernImapMailbox) m = tern_imap_session_status (session, "INBOX", TERN_IMAP_STATUS_ITEM_UIDVALIDITY,
                                                           cancellable, error);

  if (m == NULL || !tern_imap_session_logout (session, cancellable, error))
    return NULL;
  return g_strdup_printf ("%u", m->uidvalidity);
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncData *data = user_data;

  data->result = tern_imap_session_run_finish (TERN_IMAP_SESSION (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
test_async (void)
{
  g_autoptr(TernImapSession) session = new_session ("alice", TERN_NET_SECURITY_TLS, TRUE);
  AsyncData data = { g_main_loop_new (NULL, FALSE), FALSE, NULL, NULL };

  tern_imap_session_connect_async (session, NULL, connected_cb, &data);
  tern_imap_session_run_async (session, status_job, NULL, NULL, g_free, NULL, job_done_cb, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_true (data.connected);
  g_assert_nonnull (data.result);
  g_assert_cmpuint (g_ascii_strtoull (data.result, NULL, 10), >, 0);
  g_free (data.result);
  g_main_loop_unref (data.loop);
}

/* A synchronizing literal (no LITERAL+) and a bigger message */
static void
test_sync_literal (void)
{
  g_autoptr(TernImapSession) session = login ("alice");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fetched = NULL;
  g_autoptr(GBytes) got = NULL;
  GString *big = g_string_new ("Subject: big\r\n\r\n");
  g_autoptr(GBytes) message = NULL;
  g_autofree char *uid_text = NULL;
  guint32 uid = 0;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (big, "line %u of a big message, to make the literal large\r\n", i);
  message = g_string_free_to_bytes (big);
  tern_imap_session_disable_capability (session, "LITERAL+");
  tern_imap_session_disable_capability (session, "LITERAL-");
  tern_imap_session_create (session, "Big", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tern_imap_session_append (session, "Big", NULL, NULL, message, NULL, &uid, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (tern_imap_session_select (session, "Big", TERN_IMAP_SELECT_NONE, NULL, NULL, &error));
  uid_text = g_strdup_printf ("%u", uid);
  fetched = uid_fetch (session, uid_text, "(BODY.PEEK[])", 0);
  got = tern_imap_response_dup_fetch_section (g_ptr_array_index (fetched, 0), "BODY[]");
  g_assert_true (g_bytes_equal (got, message));
  logout (session);
}

int
main (int   argc,
      char *argv[])
{
  /* The servers are on 127.0.0.1: no proxy. (libproxy, GIO's default resolver here,
   * throws C++ exceptions inside, which AddressSanitizer cannot follow in a C
   * program.) */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  host = g_getenv ("TERN_TEST_HOST");
  ca_cert = g_getenv ("TERN_TEST_CA_CERT");
  password = g_getenv ("TERN_TEST_PASSWORD");
  run_dir = g_getenv ("TERN_TEST_RUN");
  imap_port = env_port ("TERN_TEST_IMAP_PORT");
  imaps_port = env_port ("TERN_TEST_IMAPS_PORT");
  if (host == NULL || ca_cert == NULL || password == NULL || run_dir == NULL)
    g_error ("TERN_TEST_* is incomplete: run this test through tests/servers/tern-test-servers");

  g_test_add_func ("/imap/dovecot/imaps-login", test_imaps_login);
  g_test_add_func ("/imap/dovecot/starttls-login", test_starttls_login);
  g_test_add_func ("/imap/dovecot/login-mechanisms", test_login_mechanisms);
  g_test_add_func ("/imap/dovecot/wrong-password", test_wrong_password);
  g_test_add_func ("/imap/dovecot/certificate-pinning", test_certificate_pinning);
  g_test_add_func ("/imap/dovecot/starttls-stripped", test_starttls_stripped);
  g_test_add_func ("/imap/dovecot/transcript-redacted", test_transcript_redacted);
  g_test_add_func ("/imap/dovecot/id-namespace-enable", test_id_namespace_enable);
  g_test_add_func ("/imap/dovecot/list-special-use-status", test_list_special_use_status);
  g_test_add_func ("/imap/dovecot/create-rename-delete-utf7", test_create_rename_delete_utf7);
  g_test_add_func ("/imap/dovecot/append-select-fetch", test_append_select_fetch);
  g_test_add_func ("/imap/dovecot/store-search-condstore", test_store_search_condstore);
  g_test_add_func ("/imap/dovecot/copy", test_copy);
  g_test_add_func ("/imap/dovecot/move", test_move);
  g_test_add_func ("/imap/dovecot/move-fallback", test_move_fallback);
  g_test_add_func ("/imap/dovecot/qresync", test_qresync);
  g_test_add_func ("/imap/dovecot/idle", test_idle);
  g_test_add_func ("/imap/dovecot/async", test_async);
  g_test_add_func ("/imap/dovecot/sync-literal", test_sync_literal);

  return g_test_run ();
}
