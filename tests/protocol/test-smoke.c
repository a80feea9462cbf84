/* test-smoke.c: the protocol smoke test of the test mail servers.
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under tests/servers/tern-test-servers, which starts a private Dovecot and
 * Postfix and exports TERN_TEST_*. With GIO only (GSocketClient and
 * GTlsClientConnection, glib-networking as the TLS backend) it logs in over IMAPS,
 * IMAP+STARTTLS, POP3S and POP3+STLS, sends a message through submission
 * (STARTTLS, AUTH PLAIN) and waits for it in the recipient's INBOX. The test
 * certificate is pinned: it is accepted only when it is the one in
 * TERN_TEST_CA_CERT. This is a self-contained check of the harness; Tern's own
 * protocol clients live in the engine.
 */

#include <gio/gio.h>
#include <stdarg.h>
#include <string.h>

#define DELIVERY_TIMEOUT_SECONDS 20
#define IO_TIMEOUT_SECONDS 15

/* Fails the running test like a g_assert() does (a TAP "not ok"), with a message. */
#define smoke_fail(...) \
  G_STMT_START { \
    g_autofree char *smoke_fail_msg_ = g_strdup_printf (__VA_ARGS__); \
    g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, smoke_fail_msg_); \
  } G_STMT_END

static struct
{
  char *host;
  guint16 imap_port;
  guint16 imaps_port;
  guint16 pop3_port;
  guint16 pop3s_port;
  guint16 submission_port;
  char *domain;
  char *password;
  GTlsCertificate *pinned;
} env;

/* ---- connections ----------------------------------------------------------------- */

typedef struct
{
  guint16 port;
  GSocketConnection *socket;
  GIOStream *stream;          /* the socket, or the TLS connection over it */
  GDataInputStream *in;
  GOutputStream *out;
  guint n_accept_certificate;
  guint next_tag;
} Conn;

static void
conn_free (Conn *conn)
{
  if (conn->stream != NULL)
    g_io_stream_close (conn->stream, NULL, NULL);
  if (conn->socket != NULL)
    g_io_stream_close (G_IO_STREAM (conn->socket), NULL, NULL);
  g_clear_object (&conn->in);
  g_clear_object (&conn->stream);
  g_clear_object (&conn->socket);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Conn, conn_free)

static void
conn_set_stream (Conn      *conn,
                 GIOStream *stream)
{
  GInputStream *base_in = g_io_stream_get_input_stream (stream);

  /* The line reader must not close the stream below it: after STARTTLS the
   * socket's input stream is read again, through TLS. */
  g_clear_object (&conn->in);
  conn->in = g_data_input_stream_new (base_in);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (conn->in), FALSE);
  g_data_input_stream_set_newline_type (conn->in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  conn->out = g_io_stream_get_output_stream (stream);
  if (conn->stream != stream)
    {
      g_clear_object (&conn->stream);
      conn->stream = g_object_ref (stream);
    }
}

static gboolean
on_accept_certificate (GTlsConnection       *tls,
                       GTlsCertificate      *peer_cert,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Conn *conn = user_data;
  gboolean pinned = g_tls_certificate_is_same (peer_cert, env.pinned);

  conn->n_accept_certificate++;
  g_test_message ("port %u: accept-certificate (errors 0x%x): %s", conn->port, errors,
                  pinned ? "the pinned test certificate, accepted"
                         : "NOT the pinned test certificate, rejected");
  return pinned;
}

/* Wraps the connection in TLS and does the handshake (implicit TLS or STARTTLS). */
static void
conn_start_tls (Conn *conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) tls = NULL;
  GTlsCertificate *peer;

  g_assert_nonnull (conn->socket);
  g_assert_true (conn->stream == G_IO_STREAM (conn->socket));
  identity = g_network_address_new (env.host, conn->port);
  tls = g_tls_client_connection_new (G_IO_STREAM (conn->socket), identity, &error);
  g_assert_no_error (error);
  g_signal_connect (tls, "accept-certificate", G_CALLBACK (on_accept_certificate), conn);
  g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, &error);
  g_assert_no_error (error);

  /* Self-signed: the system trust store cannot know it, so it was accepted by the
   * pin above and by nothing else. */
  g_assert_cmpuint (conn->n_accept_certificate, >, 0);
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (tls));
  g_assert_nonnull (peer);
  g_assert_true (g_tls_certificate_is_same (peer, env.pinned));
  g_test_message ("port %u: TLS established", conn->port);

  conn_set_stream (conn, tls);
}

static Conn *
conn_connect (guint16  port,
              gboolean implicit_tls)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  Conn *conn = g_new0 (Conn, 1);

  conn->port = port;
  g_socket_client_set_timeout (client, IO_TIMEOUT_SECONDS);
  /* Straight to 127.0.0.1, whatever proxy the environment configures. */
  g_socket_client_set_enable_proxy (client, FALSE);
  conn->socket = g_socket_client_connect_to_host (client, env.host, port, NULL, &error);
  g_assert_no_error (error);
  conn_set_stream (conn, G_IO_STREAM (conn->socket));
  if (implicit_tls)
    conn_start_tls (conn);
  return conn;
}

/* One line without its CRLF; end of stream or an error fails the test. */
static char *
conn_read_line (Conn *conn)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (conn->in, NULL, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    {
      smoke_fail ("port %u: the server closed the connection", conn->port);
      return NULL;
    }
  g_test_message ("S: %s", line);
  return line;
}

static void
conn_read_bytes (Conn  *conn,
                 char  *buf,
                 gsize  n)
{
  g_autoptr(GError) error = NULL;
  gsize got = 0;

  g_input_stream_read_all (G_INPUT_STREAM (conn->in), buf, n, &got, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, n);
}

/* Sends one line (CRLF added). Credentials are not written to the test log. */
static void conn_write_line (Conn       *conn,
                             const char *format,
                             ...) G_GNUC_PRINTF (2, 3);

static void
conn_write_linev (Conn       *conn,
                  const char *format,
                  va_list     args) G_GNUC_PRINTF (2, 0);

static void
conn_write_linev (Conn       *conn,
                  const char *format,
                  va_list     args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strdup_vprintf (format, args);
  g_autofree char *wire = g_strconcat (line, "\r\n", NULL);

  const char *secret = strstr (line, env.password);

  if (g_str_has_prefix (line, "AUTH PLAIN "))
    g_test_message ("C: AUTH PLAIN <credentials>");
  else if (secret != NULL)
    g_test_message ("C: %.*s<password>%s", (int) (secret - line), line,
                    secret + strlen (env.password));
  else
    g_test_message ("C: %s", line);
  g_output_stream_write_all (conn->out, wire, strlen (wire), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (conn->out, NULL, &error);
  g_assert_no_error (error);
}

static void
conn_write_line (Conn       *conn,
                 const char *format,
                 ...)
{
  va_list args;

  va_start (args, format);
  conn_write_linev (conn, format, args);
  va_end (args);
}

/* ---- small parsers ---------------------------------------------------------------- */

/* Is WORD one of the space-separated words of TEXT (ASCII case-insensitive;
 * brackets and parentheses around words are ignored)? */
static gboolean
has_word (const char *text,
          const char *word)
{
  g_auto(GStrv) words = g_strsplit_set (text, " []()", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (g_ascii_strcasecmp (words[i], word) == 0)
      return TRUE;
  return FALSE;
}

/* Does LINE end with an IMAP literal "{N}"? */
static gboolean
imap_literal_size (const char *line,
                   gsize      *size)
{
  gsize len = strlen (line);
  const char *brace;
  guint64 n;
  g_autofree char *digits = NULL;

  if (len < 3 || line[len - 1] != '}')
    return FALSE;
  brace = strrchr (line, '{');
  if (brace == NULL)
    return FALSE;
  digits = g_strndup (brace + 1, line + len - 1 - (brace + 1));
  if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT32, &n, NULL))
    return FALSE;
  *size = n;
  return TRUE;
}

/* ---- IMAP ------------------------------------------------------------------------- */

/* One response, with any literals read into it. */
static char *
imap_read_response (Conn *conn)
{
  g_autoptr(GString) response = g_string_new (NULL);

  for (;;)
    {
      g_autofree char *line = conn_read_line (conn);
      g_autofree char *literal = NULL;
      gsize size;

      g_string_append (response, line);
      if (!imap_literal_size (line, &size))
        break;
      literal = g_malloc (size + 1);
      conn_read_bytes (conn, literal, size);
      literal[size] = '\0';
      g_string_append_c (response, '\n');
      g_string_append_len (response, literal, size);
    }
  return g_string_free (g_steal_pointer (&response), FALSE);
}

/* Runs a command; untagged responses go to UNTAGGED (if not NULL). Returns the
 * tagged status, e.g. "OK Logged in". */
static char *imap_command (Conn       *conn,
                           GPtrArray  *untagged,
                           const char *format,
                           ...) G_GNUC_PRINTF (3, 4);

static char *
imap_command (Conn       *conn,
              GPtrArray  *untagged,
              const char *format,
              ...)
{
  g_autofree char *tag = g_strdup_printf ("t%u", ++conn->next_tag);
  g_autofree char *tag_space = g_strconcat (tag, " ", NULL);
  g_autofree char *command = NULL;
  va_list args;

  va_start (args, format);
  command = g_strdup_vprintf (format, args);
  va_end (args);
  conn_write_line (conn, "%s %s", tag, command);

  for (;;)
    {
      g_autofree char *response = imap_read_response (conn);

      if (g_str_has_prefix (response, tag_space))
        return g_strdup (response + strlen (tag_space));
      if (g_str_has_prefix (response, "+"))
        {
          smoke_fail ("unexpected continuation request to \"%s\"", command);
          return NULL;
        }
      if (untagged != NULL)
        g_ptr_array_add (untagged, g_steal_pointer (&response));
    }
}

#define imap_ok(conn, untagged, ...) \
  G_STMT_START { \
    g_autofree char *status_ = imap_command ((conn), (untagged), __VA_ARGS__); \
    if (!g_str_has_prefix (status_, "OK")) \
      smoke_fail ("IMAP command failed: %s", status_); \
  } G_STMT_END

static void
imap_login (Conn       *conn,
            const char *user)
{
  imap_ok (conn, NULL, "LOGIN \"%s\" \"%s\"", user, env.password);
}

static void
imap_logout (Conn *conn)
{
  g_autoptr(GPtrArray) untagged = g_ptr_array_new_with_free_func (g_free);

  imap_ok (conn, untagged, "LOGOUT");
  g_assert_cmpuint (untagged->len, >=, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (untagged, 0), "* BYE"));
}

/* The capabilities from an untagged CAPABILITY response, as one string. */
static char *
imap_capability (Conn *conn)
{
  g_autoptr(GPtrArray) untagged = g_ptr_array_new_with_free_func (g_free);

  imap_ok (conn, untagged, "CAPABILITY");
  for (guint i = 0; i < untagged->len; i++)
    {
      const char *line = g_ptr_array_index (untagged, i);

      if (g_str_has_prefix (line, "* CAPABILITY "))
        return g_strdup (line + strlen ("* CAPABILITY "));
    }
  smoke_fail ("no CAPABILITY response");
  return NULL;
}

static char *
imap_unquote (const char *s)
{
  GString *out = g_string_new (NULL);

  if (*s != '"')
    return g_string_free (g_string_append (out, s), FALSE);
  for (s++; *s != '\0' && *s != '"'; s++)
    {
      if (*s == '\\' && s[1] != '\0')
        s++;
      g_string_append_c (out, *s);
    }
  return g_string_free (out, FALSE);
}

/* Parses '* LIST (\Flag ...) "/" Name' into the flags and the mailbox name. */
static gboolean
imap_parse_list (const char  *line,
                 char       **flags,
                 char       **name)
{
  const char *p, *close;

  if (!g_str_has_prefix (line, "* LIST ("))
    return FALSE;
  p = line + strlen ("* LIST (");
  close = strchr (p, ')');
  if (close == NULL)
    return FALSE;
  *flags = g_strndup (p, close - p);
  p = close + 1;
  if (*p++ != ' ')
    return FALSE;
  if (g_str_has_prefix (p, "NIL"))
    p += 3;
  else if (p[0] == '"' && p[1] == '\\' && p[2] != '\0' && p[3] == '"')
    p += 4;
  else if (p[0] == '"' && p[1] != '\0' && p[2] == '"')
    p += 3;
  else
    return FALSE;
  if (*p++ != ' ')
    return FALSE;
  *name = imap_unquote (p);
  return TRUE;
}

/* ---- POP3 and SMTP ---------------------------------------------------------------- */

static char *pop3_command (Conn       *conn,
                           const char *format,
                           ...) G_GNUC_PRINTF (2, 3);

/* Sends a command, checks for "+OK" and returns the status line. */
static char *
pop3_command (Conn       *conn,
              const char *format,
              ...)
{
  va_list args;
  char *status;

  va_start (args, format);
  conn_write_linev (conn, format, args);
  va_end (args);
  status = conn_read_line (conn);
  if (!g_str_has_prefix (status, "+OK"))
    smoke_fail ("POP3 command failed: %s", status);
  return status;
}

/* Reads a multi-line POP3 response body (after "+OK") up to the "." line. */
static char *
pop3_read_multiline (Conn *conn)
{
  g_autoptr(GString) body = g_string_new (NULL);

  for (;;)
    {
      g_autofree char *line = conn_read_line (conn);

      if (strcmp (line, ".") == 0)
        break;
      g_string_append (body, line[0] == '.' ? line + 1 : line);
      g_string_append_c (body, '\n');
    }
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static char *
pop3_capa (Conn *conn)
{
  g_autofree char *capa = NULL;

  g_free (pop3_command (conn, "CAPA"));
  capa = pop3_read_multiline (conn);
  return g_strdelimit (g_steal_pointer (&capa), "\n", ' ');
}

static void
pop3_login_stat_quit (Conn       *conn,
                      const char *user)
{
  g_autofree char *status = NULL;
  guint64 count, size;
  g_auto(GStrv) words = NULL;

  g_free (pop3_command (conn, "USER %s", user));
  g_free (pop3_command (conn, "PASS %s", env.password));
  status = pop3_command (conn, "STAT");
  words = g_strsplit (status, " ", -1);
  g_assert_cmpuint (g_strv_length (words), >=, 3);
  g_assert_true (g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT32, &count, NULL));
  g_assert_true (g_ascii_string_to_unsigned (words[2], 10, 0, G_MAXUINT64, &size, NULL));
  g_test_message ("%s has %" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT " bytes",
                  user, count, size);
  g_free (pop3_command (conn, "QUIT"));
}

/* Reads an SMTP reply (all its lines); returns its code, its text lines in LINES. */
static guint
smtp_read_reply (Conn      *conn,
                 GPtrArray *lines)
{
  for (;;)
    {
      g_autofree char *line = conn_read_line (conn);
      guint64 code;
      char digits[4];

      g_assert_cmpuint (strlen (line), >=, 3);
      memcpy (digits, line, 3);
      digits[3] = '\0';
      g_assert_true (g_ascii_string_to_unsigned (digits, 10, 200, 599, &code, NULL));
      if (lines != NULL)
        g_ptr_array_add (lines, g_strdup (line[3] != '\0' ? line + 4 : ""));
      if (line[3] != '-')
        return code;
    }
}

static void smtp_command (Conn       *conn,
                          guint       expected,
                          GPtrArray  *lines,
                          const char *format,
                          ...) G_GNUC_PRINTF (4, 5);

static void
smtp_command (Conn       *conn,
              guint       expected,
              GPtrArray  *lines,
              const char *format,
              ...)
{
  va_list args;
  guint code;

  va_start (args, format);
  conn_write_linev (conn, format, args);
  va_end (args);
  code = smtp_read_reply (conn, lines);
  g_assert_cmpuint (code, ==, expected);
}

static gboolean
lines_have_word (GPtrArray  *lines,
                 const char *word)
{
  for (guint i = 0; i < lines->len; i++)
    if (has_word (g_ptr_array_index (lines, i), word))
      return TRUE;
  return FALSE;
}

/* An RFC 5322 date, without the locale's names. */
static char *
rfc5322_date (void)
{
  static const char *const days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_strdup_printf ("%s, %02d %s %d %02d:%02d:%02d +0000",
                          days[g_date_time_get_day_of_week (now) - 1],
                          g_date_time_get_day_of_month (now),
                          months[g_date_time_get_month (now) - 1],
                          g_date_time_get_year (now),
                          g_date_time_get_hour (now),
                          g_date_time_get_minute (now),
                          g_date_time_get_second (now));
}

/* ---- tests ------------------------------------------------------------------------ */

static void
test_imaps_login_list (void)
{
  static const struct
  {
    const char *name;
    const char *flag;
  } special[] = {
    { "Drafts", "\\Drafts" },
    { "Sent", "\\Sent" },
    { "Trash", "\\Trash" },
    { "Junk", "\\Junk" },
    { "Archive", "\\Archive" },
  };
  static const char *const capabilities[] = {
    "IMAP4rev1", "IDLE", "UIDPLUS", "MOVE", "CONDSTORE", "QRESYNC", "LIST-STATUS",
    "SPECIAL-USE", "ENABLE", "NAMESPACE", "ESEARCH", "LITERAL+",
  };
  g_autoptr(Conn) conn = conn_connect (env.imaps_port, TRUE);
  g_autoptr(GPtrArray) untagged = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *caps = NULL;
  gboolean inbox = FALSE;

  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  imap_login (conn, "alice");

  caps = imap_capability (conn);
  for (guint i = 0; i < G_N_ELEMENTS (capabilities); i++)
    if (!has_word (caps, capabilities[i]))
      smoke_fail ("the server lacks the capability %s: %s", capabilities[i], caps);

  imap_ok (conn, untagged, "LIST \"\" \"*\"");
  for (guint i = 0; i < untagged->len; i++)
    {
      g_autofree char *flags = NULL;
      g_autofree char *name = NULL;

      if (imap_parse_list (g_ptr_array_index (untagged, i), &flags, &name)
          && g_ascii_strcasecmp (name, "INBOX") == 0)
        inbox = TRUE;
    }
  g_assert_true (inbox);

  for (guint s = 0; s < G_N_ELEMENTS (special); s++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < untagged->len && !found; i++)
        {
          g_autofree char *flags = NULL;
          g_autofree char *name = NULL;

          if (!imap_parse_list (g_ptr_array_index (untagged, i), &flags, &name))
            continue;
          if (strcmp (name, special[s].name) == 0)
            {
              if (!has_word (flags, special[s].flag))
                smoke_fail ("%s is listed without %s: (%s)", name, special[s].flag, flags);
              found = TRUE;
            }
        }
      if (!found)
        smoke_fail ("the special-use folder %s is not listed", special[s].name);
    }

  imap_logout (conn);
}

static void
test_imap_starttls (void)
{
  g_autoptr(Conn) conn = conn_connect (env.imap_port, FALSE);
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *caps = NULL;

  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  g_assert_true (has_word (greeting, "STARTTLS"));
  imap_ok (conn, NULL, "STARTTLS");
  conn_start_tls (conn);

  caps = imap_capability (conn);
  g_assert_false (has_word (caps, "STARTTLS"));
  g_assert_false (has_word (caps, "LOGINDISABLED"));
  g_assert_true (has_word (caps, "AUTH=PLAIN"));
  imap_login (conn, "carol");
  imap_ok (conn, NULL, "NOOP");
  imap_logout (conn);
}

static void
test_pop3s_login_stat (void)
{
  g_autoptr(Conn) conn = conn_connect (env.pop3s_port, TRUE);
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *capa = NULL;

  g_assert_true (g_str_has_prefix (greeting, "+OK"));
  capa = pop3_capa (conn);
  g_assert_true (has_word (capa, "USER"));
  g_assert_true (has_word (capa, "UIDL"));
  pop3_login_stat_quit (conn, "bob");
}

static void
test_pop3_stls (void)
{
  g_autoptr(Conn) conn = conn_connect (env.pop3_port, FALSE);
  g_autofree char *greeting = conn_read_line (conn);
  g_autofree char *capa = NULL;
  g_autofree char *capa_tls = NULL;

  g_assert_true (g_str_has_prefix (greeting, "+OK"));
  capa = pop3_capa (conn);
  g_assert_true (has_word (capa, "STLS"));
  g_free (pop3_command (conn, "STLS"));
  conn_start_tls (conn);
  capa_tls = pop3_capa (conn);
  g_assert_false (has_word (capa_tls, "STLS"));
  pop3_login_stat_quit (conn, "carol");
}

/* Waits until the message with MESSAGE_ID is in USER's INBOX; returns the FETCH
 * response with some of its headers and its text. */
static char *
wait_for_message (const char *user,
                  const char *message_id)
{
  g_autoptr(Conn) conn = conn_connect (env.imaps_port, TRUE);
  g_autofree char *greeting = conn_read_line (conn);
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + DELIVERY_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  guint64 uid = 0;
  char *fetched = NULL;

  g_assert_true (g_str_has_prefix (greeting, "* OK"));
  imap_login (conn, user);

  while (uid == 0)
    {
      g_autoptr(GPtrArray) untagged = g_ptr_array_new_with_free_func (g_free);

      /* Selecting again makes the server look at the Maildir afresh. */
      imap_ok (conn, NULL, "EXAMINE INBOX");
      imap_ok (conn, untagged, "UID SEARCH HEADER Message-ID \"%s\"", message_id);
      for (guint i = 0; i < untagged->len && uid == 0; i++)
        {
          const char *line = g_ptr_array_index (untagged, i);
          g_auto(GStrv) words = NULL;

          if (!g_str_has_prefix (line, "* SEARCH"))
            continue;
          words = g_strsplit (line, " ", -1);
          if (g_strv_length (words) >= 3)
            g_assert_true (g_ascii_string_to_unsigned (words[2], 10, 1, G_MAXUINT32, &uid, NULL));
        }
      if (uid != 0)
        break;
      if (g_get_monotonic_time () > deadline)
        smoke_fail ("the message %s did not arrive in %s's INBOX within %d s",
                    message_id, user, DELIVERY_TIMEOUT_SECONDS);
      g_usleep (G_USEC_PER_SEC / 5);
    }
  g_test_message ("the message arrived in %s's INBOX as UID %" G_GUINT64_FORMAT
                  " after %.2f s", user, uid,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  {
    g_autoptr(GPtrArray) untagged = g_ptr_array_new_with_free_func (g_free);

    imap_ok (conn, untagged,
             "UID FETCH %" G_GUINT64_FORMAT
             " (BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT MESSAGE-ID)] BODY.PEEK[TEXT])",
             uid);
    for (guint i = 0; i < untagged->len && fetched == NULL; i++)
      {
        const char *line = g_ptr_array_index (untagged, i);

        if (g_str_has_prefix (line, "* ") && strstr (line, " FETCH (") != NULL)
          fetched = g_strdup (line);
      }
  }
  g_assert_nonnull (fetched);
  imap_logout (conn);
  return fetched;
}

static void
test_submission_delivery (void)
{
  g_autoptr(Conn) conn = conn_connect (env.submission_port, FALSE);
  g_autoptr(GPtrArray) ehlo = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ehlo_tls = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *message_id = g_strdup_printf ("<tern-smoke-%s@%s>", uuid, env.domain);
  g_autofree char *subject = g_strdup_printf ("Tern smoke test %s", uuid);
  g_autofree char *from = g_strdup_printf ("bob@%s", env.domain);
  g_autofree char *to = g_strdup_printf ("alice@%s", env.domain);
  g_autofree char *date = rfc5322_date ();
  g_autofree char *fetched = NULL;
  g_autofree char *expected_subject = NULL;
  g_autoptr(GString) plain = g_string_new (NULL);
  g_autofree char *plain64 = NULL;
  const char *body[] = {
    "Hello Alice,",
    "",
    "this message was sent by Tern's protocol smoke test through the",
    "submission port (STARTTLS, AUTH PLAIN) and delivered by LMTP.",
    ".A line that starts with a dot, to check dot-stuffing.",
  };
  guint code;

  code = smtp_read_reply (conn, NULL);
  g_assert_cmpuint (code, ==, 220);
  smtp_command (conn, 250, ehlo, "EHLO smoke.%s", env.domain);
  g_assert_true (lines_have_word (ehlo, "STARTTLS"));
  /* No AUTH and no mail before TLS on the submission port. */
  g_assert_false (lines_have_word (ehlo, "AUTH"));
  smtp_command (conn, 530, NULL, "MAIL FROM:<%s>", from);
  smtp_command (conn, 220, NULL, "STARTTLS");
  conn_start_tls (conn);

  smtp_command (conn, 250, ehlo_tls, "EHLO smoke.%s", env.domain);
  g_assert_false (lines_have_word (ehlo_tls, "STARTTLS"));
  g_assert_true (lines_have_word (ehlo_tls, "AUTH"));
  g_assert_true (lines_have_word (ehlo_tls, "PLAIN"));

  g_string_append_c (plain, '\0');
  g_string_append (plain, "bob");
  g_string_append_c (plain, '\0');
  g_string_append (plain, env.password);
  plain64 = g_base64_encode ((const guchar *) plain->str, plain->len);
  smtp_command (conn, 235, NULL, "AUTH PLAIN %s", plain64);

  smtp_command (conn, 250, NULL, "MAIL FROM:<%s>", from);
  smtp_command (conn, 250, NULL, "RCPT TO:<%s>", to);
  smtp_command (conn, 354, NULL, "DATA");
  conn_write_line (conn, "From: Bob <%s>", from);
  conn_write_line (conn, "To: Alice <%s>", to);
  conn_write_line (conn, "Subject: %s", subject);
  conn_write_line (conn, "Message-ID: %s", message_id);
  conn_write_line (conn, "Date: %s", date);
  conn_write_line (conn, "MIME-Version: 1.0");
  conn_write_line (conn, "Content-Type: text/plain; charset=UTF-8");
  conn_write_line (conn, "%s", "");
  for (guint i = 0; i < G_N_ELEMENTS (body); i++)
    conn_write_line (conn, "%s%s", body[i][0] == '.' ? "." : "", body[i]);
  smtp_command (conn, 250, NULL, ".");
  smtp_command (conn, 221, NULL, "QUIT");

  fetched = wait_for_message ("alice", message_id);
  expected_subject = g_strdup_printf ("Subject: %s\r\n", subject);
  if (strstr (fetched, expected_subject) == NULL)
    smoke_fail ("the delivered message lacks \"%s\": %s", expected_subject, fetched);
  g_assert_nonnull (strstr (fetched, message_id));
  g_assert_nonnull (strstr (fetched, from));
  /* The dot-stuffed line arrived with one dot. */
  if (strstr (fetched, "\r\n.A line that starts with a dot") == NULL)
    smoke_fail ("the dot-stuffed line did not arrive intact: %s", fetched);
}

/* ---- main ------------------------------------------------------------------------- */

static gboolean
read_env (void)
{
  static const char *const required[] = {
    "TERN_TEST_HOST", "TERN_TEST_IMAP_PORT", "TERN_TEST_IMAPS_PORT",
    "TERN_TEST_POP3_PORT", "TERN_TEST_POP3S_PORT", "TERN_TEST_SUBMISSION_PORT",
    "TERN_TEST_DOMAIN", "TERN_TEST_PASSWORD", "TERN_TEST_CA_CERT",
  };
  struct
  {
    const char *name;
    guint16 *port;
  } ports[] = {
    { "TERN_TEST_IMAP_PORT", &env.imap_port },
    { "TERN_TEST_IMAPS_PORT", &env.imaps_port },
    { "TERN_TEST_POP3_PORT", &env.pop3_port },
    { "TERN_TEST_POP3S_PORT", &env.pop3s_port },
    { "TERN_TEST_SUBMISSION_PORT", &env.submission_port },
  };
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const char *value = g_getenv (required[i]);

      if (value == NULL || *value == '\0')
        {
          g_printerr ("test-smoke: %s is not set. This test needs the private mail servers: "
                      "run it with tests/servers/tern-test-servers (meson test --suite protocol)\n",
                      required[i]);
          return FALSE;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      guint64 port;

      if (!g_ascii_string_to_unsigned (g_getenv (ports[i].name), 10, 1, G_MAXUINT16, &port, &error))
        {
          g_printerr ("test-smoke: %s: %s\n", ports[i].name, error->message);
          return FALSE;
        }
      *ports[i].port = port;
    }
  env.host = g_strdup (g_getenv ("TERN_TEST_HOST"));
  env.domain = g_strdup (g_getenv ("TERN_TEST_DOMAIN"));
  env.password = g_strdup (g_getenv ("TERN_TEST_PASSWORD"));

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_printerr ("test-smoke: GIO has no TLS backend; install glib-networking\n");
      return FALSE;
    }
  env.pinned = g_tls_certificate_new_from_file (g_getenv ("TERN_TEST_CA_CERT"), &error);
  if (env.pinned == NULL)
    {
      g_printerr ("test-smoke: cannot load TERN_TEST_CA_CERT (%s): %s\n",
                  g_getenv ("TERN_TEST_CA_CERT"), error->message);
      return FALSE;
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!read_env ())
    {
      g_print ("Bail out! the test mail servers' environment is missing or broken (see stderr)\n");
      return 1;
    }

  g_test_add_func ("/smoke/imaps/login-list", test_imaps_login_list);
  g_test_add_func ("/smoke/imap/starttls", test_imap_starttls);
  g_test_add_func ("/smoke/pop3s/login-stat", test_pop3s_login_stat);
  g_test_add_func ("/smoke/pop3/stls", test_pop3_stls);
  g_test_add_func ("/smoke/submission/deliver", test_submission_delivery);
  status = g_test_run ();

  g_clear_object (&env.pinned);
  g_free (env.host);
  g_free (env.domain);
  g_free (env.password);
  return status;
}
