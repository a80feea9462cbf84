/* test-pop3-corpus.c: replays the recorded real POP3 server replies of the shared
 * corpus ($TERN_CORPUS_DIR/pop3-traces: Gmail, Exchange, a LANG/UTF8 server) through
 * the reply parser and through a session talking to a fake server that sends them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each file is the server side of one command (its name says which: capa1.txt,
 * retr123.txt = RETR 1, 2 and 3, uidl1.txt = UIDL 1, ...), stored with LF line ends:
 * they are sent with CRLF. Every file must parse completely; the files whose content is
 * known give the expected capabilities, counts, sizes and digests. A file of a kind not
 * known here is still parsed as a status line and, when more lines follow a +OK, as a
 * multi-line reply.
 *
 * Without the corpus the test exits with 77 (skipped) and says why.
 */
#include "config.h"

#include <string.h>

#include "fake-server.h"
#include "tern-pop3-capabilities.h"
#include "tern-pop3-reply.h"
#include "tern-pop3-session.h"

typedef enum
{
  KIND_GREETING,
  KIND_CAPA,
  KIND_STAT,
  KIND_LIST,
  KIND_LIST_ONE,
  KIND_UIDL,
  KIND_UIDL_ONE,
  KIND_RETR,
  KIND_TOP,
  KIND_STATUS,        /* DELE, RSET, NOOP, QUIT, PASS/AUTH results, ... */
  KIND_CONTINUATION,  /* a SASL "+" */
  KIND_MULTILINE,     /* another multi-line reply (LANG) */
  KIND_UNKNOWN,
} Kind;

typedef struct
{
  char   *path;       /* absolute */
  char   *relative;   /* below pop3-traces/ */
  char   *command;    /* "retr", "uidl", ... */
  GArray *numbers;    /* the digits after the command: retr123 -> 1, 2, 3 */
  Kind    kind;
} Trace;

static void
trace_free (gpointer data)
{
  Trace *trace = data;

  g_free (trace->path);
  g_free (trace->relative);
  g_free (trace->command);
  g_array_unref (trace->numbers);
  g_free (trace);
}

static Trace *
trace_new (const char *path,
           const char *relative)
{
  Trace *trace = g_new0 (Trace, 1);
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  char *dash;
  const char *p;
  static const struct { const char *command; Kind kind; } kinds[] = {
    { "capa", KIND_CAPA }, { "stat", KIND_STAT }, { "retr", KIND_RETR }, { "top", KIND_TOP },
    { "dele", KIND_STATUS }, { "rset", KIND_STATUS }, { "noop", KIND_STATUS }, { "quit", KIND_STATUS },
    { "auth", KIND_STATUS }, { "setlang", KIND_STATUS }, { "utf8", KIND_STATUS },
    { "plus", KIND_CONTINUATION }, { "getlang", KIND_MULTILINE },
  };

  trace->path = g_strdup (path);
  trace->relative = g_strdup (relative);
  trace->numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  trace->kind = KIND_UNKNOWN;

  if (dot != NULL)
    *dot = '\0';
  if (g_str_has_suffix (base, "greeting"))
    {
      trace->command = g_strdup ("greeting");
      trace->kind = KIND_GREETING;
      return trace;
    }

  /* "uidl1-error2" -> "uidl1"; "retr1-parse-error" -> "retr1" */
  dash = strchr (base, '-');
  if (dash != NULL)
    *dash = '\0';
  for (p = base; *p != '\0' && !g_ascii_isdigit (*p); p++)
    ;
  trace->command = g_strndup (base, p - base);
  for (; g_ascii_isdigit (*p); p++)
    {
      guint n = *p - '0';

      g_array_append_val (trace->numbers, n);
    }

  if (g_str_equal (trace->command, "list"))
    trace->kind = trace->numbers->len > 0 ? KIND_LIST_ONE : KIND_LIST;
  else if (g_str_equal (trace->command, "uidl"))
    trace->kind = trace->numbers->len > 0 ? KIND_UIDL_ONE : KIND_UIDL;
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        {
          if (g_str_equal (trace->command, kinds[i].command))
            trace->kind = kinds[i].kind;
        }
    }

  return trace;
}

/* The file as lines, as the server sends them (LF made CRLF, then split). */
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
  /* a last line without its line end is still a line */
  if (start < length)
    g_ptr_array_add (lines, g_strndup (contents + start, length - start));

  return lines;
}

typedef struct
{
  TernPop3Reply *reply;
  GByteArray    *data;    /* the unstuffed data lines with CRLF */
  GPtrArray     *lines;   /* the unstuffed data lines */
} Parsed;

static void
parsed_free (gpointer data)
{
  Parsed *parsed = data;

  g_object_unref (parsed->reply);
  g_byte_array_unref (parsed->data);
  g_ptr_array_unref (parsed->lines);
  g_free (parsed);
}

/* Parses all of @lines as a sequence of replies; every line must be consumed and the
 * last reply complete. */
static GPtrArray *
parse_replies (GPtrArray          *lines,
               TernPop3ReplyFlags  flags)
{
  GPtrArray *replies = g_ptr_array_new_with_free_func (parsed_free);
  Parsed *current = NULL;

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      const char *data = NULL;
      gsize data_length = 0;
      g_autoptr(GError) error = NULL;
      TernPop3ReplyLine kind;

      if (current == NULL || tern_pop3_reply_is_complete (current->reply))
        {
          current = g_new0 (Parsed, 1);
          current->reply = tern_pop3_reply_new (flags);
          current->data = g_byte_array_new ();
          current->lines = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (replies, current);
        }

      kind = tern_pop3_reply_feed_line (current->reply, line, strlen (line), &data, &data_length, &error);
      g_assert_no_error (error);
      g_assert_cmpint (kind, !=, TERN_POP3_REPLY_LINE_ERROR);
      if (kind == TERN_POP3_REPLY_LINE_DATA)
        {
          g_byte_array_append (current->data, (const guint8 *) data, data_length);
          g_byte_array_append (current->data, (const guint8 *) "\r\n", 2);
          g_ptr_array_add (current->lines, g_strndup (data, data_length));
        }
    }

  g_assert_nonnull (current);
  g_assert_true (tern_pop3_reply_is_complete (current->reply));
  return replies;
}

static Parsed *
parsed_index (GPtrArray *replies,
              guint      i)
{
  g_assert_cmpuint (i, <, replies->len);
  return g_ptr_array_index (replies, i);
}

/* The message as a client must see it, computed from the file on its own: the lines
 * between the status and the ".", each without one leading dot. */
static char *
expected_message (GPtrArray *lines,
                  guint     *next)
{
  GString *out = g_string_new (NULL);
  guint i = *next + 1;

  for (; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      if (g_str_equal (line, "."))
        break;
      g_string_append (out, line[0] == '.' ? line + 1 : line);
      g_string_append (out, "\r\n");
    }
  g_assert_cmpuint (i, <, lines->len);
  *next = i + 1;
  return g_string_free (out, FALSE);
}

static char *
sha256_of (GByteArray *data)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data->data, data->len);
}

/* ---- the session side: a fake server sends the file ------------------------------- */

static const char *login_script[] = {
  "S:+OK fake server", "C:CAPA", "S:-ERR", "C:USER u", "S:+OK", "C:PASS p", "S:+OK",
};

static FakeServer *
replay_server (const Trace *trace,
               const char  *command,
               GPtrArray   *extra)
{
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (login_script); i++)
    g_ptr_array_add (steps, g_strdup (login_script[i]));
  g_ptr_array_add (steps, g_strconcat ("C:", command, NULL));
  g_ptr_array_add (steps, g_strconcat ("F:", trace->path, NULL));
  for (guint i = 0; extra != NULL && i < extra->len; i++)
    g_ptr_array_add (steps, g_strdup (g_ptr_array_index (extra, i)));
  g_ptr_array_add (steps, g_strdup ("CLOSE"));
  g_ptr_array_add (steps, NULL);

  return fake_server_new ((const char * const *) steps->pdata);
}

static TernPop3Session *
logged_in_session (FakeServer *server)
{
  TernPop3Session *session = tern_pop3_session_new ("127.0.0.1", fake_server_get_port (server),
                                                    TERN_NET_SECURITY_NONE);
  g_autoptr(GError) error = NULL;

  tern_pop3_session_set_allow_insecure_auth (session, TRUE);
  tern_net_connection_set_timeouts (tern_pop3_session_get_connection (session), 5, 5);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_pop3_session_login (session, "u", "p", NULL, &error));
  g_assert_no_error (error);
  return session;
}

typedef struct
{
  GPtrArray *messages;
  GByteArray *current;
} Messages;

static gboolean
collect_cb (guint          msgno,
            const guint8  *data,
            gsize          length,
            gpointer       user_data,
            GError       **error)
{
  Messages *m = user_data;

  if (data == NULL)
    {
      g_ptr_array_add (m->messages, g_steal_pointer (&m->current));
      m->current = g_byte_array_new ();
    }
  else
    g_byte_array_append (m->current, data, length);
  return TRUE;
}

/* ---- per kind ---------------------------------------------------------------------- */

static void
check_greeting (const Trace *trace,
                GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_NONE);
  TernPop3Reply *reply = parsed_index (replies, 0)->reply;
  g_autofree char *timestamp = tern_pop3_reply_dup_apop_timestamp (reply);
  const char *first = g_ptr_array_index (lines, 0);
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_assert_cmpuint (replies->len, ==, 1);
  g_assert_cmpint (tern_pop3_reply_is_ok (reply), ==, g_str_has_prefix (first, "+OK"));
  if (g_str_equal (trace->relative, "mailkit/lang/greeting.txt"))
    g_assert_cmpstr (timestamp, ==, "<apop-token@example.com>");
  if (g_str_equal (trace->relative, "mailkit/gmail/greeting.txt"))
    g_assert_null (timestamp);
  if (g_str_equal (trace->relative, "mailkit/common/err-greeting.txt"))
    g_assert_cmpint (tern_pop3_reply_get_status (reply), ==, TERN_POP3_REPLY_STATUS_ERR);

  /* the session reads the same greeting */
  g_ptr_array_add (steps, g_strconcat ("F:", trace->path, NULL));
  if (tern_pop3_reply_is_ok (reply))
    {
      g_ptr_array_add (steps, g_strdup ("C:CAPA"));
      g_ptr_array_add (steps, g_strdup ("S:-ERR"));
    }
  g_ptr_array_add (steps, g_strdup ("CLOSE"));
  g_ptr_array_add (steps, NULL);
  server = fake_server_new ((const char * const *) steps->pdata);
  session = tern_pop3_session_new ("127.0.0.1", fake_server_get_port (server), TERN_NET_SECURITY_NONE);
  ok = tern_pop3_session_connect (session, NULL, &error);
  if (tern_pop3_reply_is_ok (reply))
    {
      g_assert_no_error (error);
      g_assert_cmpstr (tern_pop3_session_get_apop_timestamp (session), ==, timestamp);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_ERR);
    }
  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
}

static void
check_capa (const Trace *trace,
            GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_MULTILINE);
  Parsed *parsed = parsed_index (replies, 0);
  g_autoptr(TernPop3Capabilities) caps = tern_pop3_capabilities_new ();
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parsed_text = NULL;
  g_autofree char *session_text = NULL;
  const char *r = trace->relative;

  g_assert_cmpuint (replies->len, ==, 1);
  g_assert_true (tern_pop3_reply_is_ok (parsed->reply));
  for (guint i = 0; i < parsed->lines->len; i++)
    {
      const char *line = g_ptr_array_index (parsed->lines, i);

      g_assert_true (tern_pop3_capabilities_add_line (caps, line, strlen (line), &error));
    }
  g_assert_cmpuint (tern_pop3_capabilities_get_n_items (caps), ==, parsed->lines->len);

  if (g_str_equal (r, "mailkit/gmail/capa1.txt"))
    {
      g_assert_true (tern_pop3_capabilities_has (caps, "USER"));
      g_assert_true (tern_pop3_capabilities_has (caps, "RESP-CODES"));
      g_assert_true (tern_pop3_capabilities_has (caps, "TOP"));
      g_assert_true (tern_pop3_capabilities_has (caps, "UIDL"));
      g_assert_false (tern_pop3_capabilities_has (caps, "PIPELINING"));
      g_assert_true (tern_pop3_capabilities_has_sasl (caps, "PLAIN"));
      g_assert_true (tern_pop3_capabilities_has_sasl (caps, "XOAUTH2"));
      g_assert_cmpstr (tern_pop3_capabilities_get_argument (caps, "LOGIN-DELAY"), ==, "300");
      g_assert_cmpstr (tern_pop3_capabilities_get_argument (caps, "EXPIRE"), ==, "0");
    }
  else if (g_str_equal (r, "mailkit/gmail/capa2.txt"))
    {
      g_assert_true (tern_pop3_capabilities_has (caps, "PIPELINING"));
      g_assert_false (tern_pop3_capabilities_has (caps, "SASL"));
    }
  else if (g_str_equal (r, "mailkit/exchange/capa.txt"))
    {
      g_assert_true (tern_pop3_capabilities_has_sasl (caps, "NTLM"));
      g_assert_true (tern_pop3_capabilities_has_sasl (caps, "GSSAPI"));
      g_assert_true (tern_pop3_capabilities_has_sasl (caps, "PLAIN"));
      g_assert_true (tern_pop3_capabilities_has_sasl (caps, "LOGIN"));
      g_assert_false (tern_pop3_capabilities_has (caps, "PIPELINING"));
      g_assert_cmpuint (tern_pop3_capabilities_get_n_items (caps), ==, 4);
    }
  else if (g_str_equal (r, "mailkit/lang/capa1.txt"))
    {
      g_assert_cmpstr (tern_pop3_capabilities_get_argument (caps, "UTF8"), ==, "USER");
      g_assert_true (tern_pop3_capabilities_has (caps, "LANG"));
    }

  /* a session that gets this CAPA sees the same */
  g_ptr_array_add (steps, g_strdup ("S:+OK hi"));
  g_ptr_array_add (steps, g_strdup ("C:CAPA"));
  g_ptr_array_add (steps, g_strconcat ("F:", trace->path, NULL));
  g_ptr_array_add (steps, g_strdup ("CLOSE"));
  g_ptr_array_add (steps, NULL);
  server = fake_server_new ((const char * const *) steps->pdata);
  session = tern_pop3_session_new ("127.0.0.1", fake_server_get_port (server), TERN_NET_SECURITY_NONE);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_no_error (error);
  parsed_text = tern_pop3_capabilities_to_string (caps);
  session_text = tern_pop3_capabilities_to_string (tern_pop3_session_get_capabilities (session));
  g_assert_cmpstr (parsed_text, ==, session_text);
  g_assert_cmpint (tern_pop3_session_get_pipelining (session), ==, tern_pop3_capabilities_has (caps, "PIPELINING"));
  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
}

static void
check_stat (const Trace *trace,
            GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_NONE);
  g_autoptr(FakeServer) server = replay_server (trace, "STAT", NULL);
  g_autoptr(TernPop3Session) session = logged_in_session (server);
  g_autoptr(GError) error = NULL;
  guint count = 0;
  guint64 size = 0;
  guint session_count = 0;
  guint64 session_size = 0;

  g_assert_cmpuint (replies->len, ==, 1);
  g_assert_true (tern_pop3_reply_parse_stat (parsed_index (replies, 0)->reply, &count, &size, &error));
  g_assert_no_error (error);

  if (g_str_equal (trace->relative, "mailkit/exchange/stat.txt"))
    {
      g_assert_cmpuint (count, ==, 7);
      g_assert_cmpuint (size, ==, 1800662);
    }
  else if (g_str_has_suffix (trace->relative, "/stat.txt"))
    {
      g_assert_cmpuint (count, ==, 3);
      g_assert_cmpuint (size, ==, 221409);
    }

  g_assert_true (tern_pop3_session_stat (session, &session_count, &session_size, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (session_count, ==, count);
  g_assert_cmpuint (session_size, ==, size);
  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
}

static void
check_list (const Trace *trace,
            GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;

  if (trace->kind == KIND_LIST)
    {
      g_autoptr(GArray) list = NULL;
      Parsed *parsed;

      replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_MULTILINE);
      g_assert_cmpuint (replies->len, ==, 1);
      parsed = parsed_index (replies, 0);
      for (guint i = 0; i < parsed->lines->len; i++)
        {
          const char *line = g_ptr_array_index (parsed->lines, i);

          g_assert_true (tern_pop3_parse_scan_listing (line, strlen (line), NULL, NULL, &error));
          g_assert_no_error (error);
        }

      server = replay_server (trace, "LIST", NULL);
      session = logged_in_session (server);
      list = tern_pop3_session_list (session, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (list->len, ==, parsed->lines->len);
      if (g_str_equal (trace->relative, "mailkit/gmail/list.txt"))
        {
          g_assert_cmpuint (list->len, ==, 3);
          for (guint i = 0; i < 3; i++)
            {
              g_assert_cmpuint (g_array_index (list, TernPop3ScanListing, i).msgno, ==, i + 1);
              g_assert_cmpuint (g_array_index (list, TernPop3ScanListing, i).size, ==, 1024 + i);
            }
        }
    }
  else
    {
      guint msgno = g_array_index (trace->numbers, guint, 0);
      guint64 size = 0;

      replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_NONE);
      g_assert_cmpuint (replies->len, ==, 1);
      command = g_strdup_printf ("LIST %u", msgno);
      server = replay_server (trace, command, NULL);
      session = logged_in_session (server);
      g_assert_true (tern_pop3_session_list_one (session, msgno, &size, NULL, &error));
      g_assert_no_error (error);
      if (g_str_has_prefix (trace->relative, "mailkit/gmail/list"))
        g_assert_cmpuint (size, ==, 1023 + msgno);
    }

  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
}

static void
check_uidl (const Trace *trace,
            GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  const char *r = trace->relative;

  if (trace->kind == KIND_UIDL)
    {
      g_autoptr(GArray) uidl = NULL;
      Parsed *parsed;
      guint bad = 0;

      replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_MULTILINE);
      g_assert_cmpuint (replies->len, ==, 1);
      parsed = parsed_index (replies, 0);
      for (guint i = 0; i < parsed->lines->len; i++)
        {
          const char *line = g_ptr_array_index (parsed->lines, i);

          if (!tern_pop3_parse_uid_listing (line, strlen (line), NULL, NULL, NULL))
            bad++;
        }

      server = replay_server (trace, "UIDL", NULL);
      session = logged_in_session (server);
      uidl = tern_pop3_session_uidl (session, NULL, &error);

      if (g_str_equal (r, "mailkit/gmail/uidl-error1.txt"))
        {
          /* "3" has no unique-id */
          g_assert_cmpuint (bad, ==, 1);
          g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
          return;
        }

      g_assert_cmpuint (bad, ==, 0);
      g_assert_no_error (error);
      g_assert_cmpuint (uidl->len, ==, parsed->lines->len);
      if (g_str_equal (r, "mailkit/gmail/uidl.txt") || g_str_equal (r, "mailkit/gmail/uidl-error2.txt"))
        {
          g_assert_cmpuint (uidl->len, ==, 3);
          for (guint i = 0; i < 3; i++)
            {
              g_autofree char *expected = g_strdup_printf ("%u", 101 + i);

              g_assert_cmpstr (g_array_index (uidl, TernPop3UidListing, i).uid, ==, expected);
            }
          /* uidl-error2 numbers its third message 4: well-formed, but out of sequence */
          g_assert_cmpuint (g_array_index (uidl, TernPop3UidListing, 2).msgno, ==,
                            g_str_has_suffix (r, "error2.txt") ? 4 : 3);
        }
      else if (g_str_equal (r, "mailkit/exchange/uidl.txt"))
        {
          g_assert_cmpuint (uidl->len, ==, 7);
          g_assert_cmpstr (g_array_index (uidl, TernPop3UidListing, 6).uid, ==, "6505");
        }
    }
  else
    {
      guint msgno = g_array_index (trace->numbers, guint, 0);
      g_autofree char *command = g_strdup_printf ("UIDL %u", msgno);
      g_autofree char *uid = NULL;

      replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_NONE);
      g_assert_cmpuint (replies->len, ==, 1);
      server = replay_server (trace, command, NULL);
      session = logged_in_session (server);
      uid = tern_pop3_session_uidl_one (session, msgno, NULL, &error);

      if (strstr (r, "-error") != NULL)
        {
          /* "+OK 1" without a unique-id, "+OK 99 101" about another message */
          g_assert_null (uid);
          g_assert_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE);
        }
      else
        {
          g_assert_no_error (error);
          if (g_str_has_prefix (r, "mailkit/gmail/uidl"))
            {
              g_autofree char *expected = g_strdup_printf ("%u", 100 + msgno);

              g_assert_cmpstr (uid, ==, expected);
            }
        }
    }

  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
}

static void
check_message (const Trace *trace,
               GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_MULTILINE);
  guint n = MAX (trace->numbers->len, 1);
  g_autoptr(GArray) msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_command = NULL;
  Messages m = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref), g_byte_array_new () };
  guint next = 0;

  g_assert_cmpuint (replies->len, ==, n);

  for (guint i = 0; i < n; i++)
    {
      Parsed *parsed = parsed_index (replies, i);
      g_autofree char *expected = expected_message (lines, &next);
      guint msgno = trace->numbers->len > 0 ? g_array_index (trace->numbers, guint, i) : 1;

      g_assert_true (tern_pop3_reply_is_ok (parsed->reply));
      g_assert_true (tern_pop3_reply_is_multiline (parsed->reply));
      g_assert_cmpmem (parsed->data->data, parsed->data->len, expected, strlen (expected));
      g_array_append_val (msgnos, msgno);
    }

  /* digests of the unstuffed messages, computed apart from this code */
  if (g_str_equal (trace->relative, "mailkit/gmail/retr1.txt") ||
      g_str_equal (trace->relative, "mailkit/gmail/retr123.txt"))
    {
      for (guint i = 0; i < n; i++)
        {
          Parsed *parsed = parsed_index (replies, i);
          g_autofree char *digest = sha256_of (parsed->data);

          g_assert_cmpuint (parsed->data->len, ==, 73803);
          g_assert_cmpstr (digest, ==, "0ae7b2151da1df9a5757dac0bed3b6719d74c667dee94c1108665a86833c3e3a");
          /* line 49 is "..hmmessage P...": one dot goes */
          g_assert_nonnull (g_strstr_len ((char *) parsed->data->data, parsed->data->len, "\r\n.hmmessage P"));
          g_assert_null (g_strstr_len ((char *) parsed->data->data, parsed->data->len, "\r\n..hmmessage"));
        }
    }
  else if (g_str_equal (trace->relative, "mailkit/exchange/retr1.txt"))
    {
      Parsed *parsed = parsed_index (replies, 0);
      g_autofree char *digest = sha256_of (parsed->data);

      g_assert_cmpuint (parsed->data->len, ==, 181615);
      g_assert_cmpstr (digest, ==, "818fb010a51f5f90cbdbb5d86e39ad9494cc8cde05d3c94377faadab0d812901");
      g_assert_nonnull (g_strstr_len ((char *) parsed->data->data, parsed->data->len, "\r\n... by Curt Galloway"));
    }
  else if (g_str_equal (trace->relative, "mailkit/gmail/top.txt"))
    {
      Parsed *parsed = parsed_index (replies, 0);
      g_autofree char *digest = sha256_of (parsed->data);

      g_assert_cmpuint (parsed->data->len, ==, 1580);
      g_assert_cmpstr (digest, ==, "06a85e48ff7e0d23084db464b5938fdaf870a82da2ed47d0772287bdd0446f87");
    }
  else if (g_str_equal (trace->relative, "mailkit/gmail/retr1-parse-error.txt"))
    {
      /* broken MIME, but a perfectly good POP3 reply */
      g_autofree char *digest = sha256_of (parsed_index (replies, 0)->data);

      g_assert_cmpstr (digest, ==, "72d2c1f90ff3243583972049ffa351505d94200e1cdb94b2ec738af405c62ac9");
    }

  /* The session, without pipelining: the server sends all replies after the first
   * command; the others arrive while the client reads. */
  for (guint i = 1; i < n; i++)
    g_ptr_array_add (extra, g_strdup_printf (trace->kind == KIND_TOP ? "C:TOP %u 0" : "C:RETR %u",
                                             g_array_index (msgnos, guint, i)));
  first_command = g_strdup_printf (trace->kind == KIND_TOP ? "TOP %u 0" : "RETR %u",
                                   g_array_index (msgnos, guint, 0));
  server = replay_server (trace, first_command, extra);
  session = logged_in_session (server);

  if (trace->kind == KIND_TOP)
    {
      for (guint i = 0; i < n; i++)
        {
          g_assert_true (tern_pop3_session_top (session, g_array_index (msgnos, guint, i), 0, collect_cb, &m,
                                                NULL, &error));
          g_assert_no_error (error);
        }
    }
  else
    {
      g_assert_true (tern_pop3_session_retr_many (session, (guint *) (void *) msgnos->data, n, collect_cb, &m, NULL,
                                                  &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (m.messages->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      GByteArray *got = g_ptr_array_index (m.messages, i);
      Parsed *parsed = parsed_index (replies, i);

      g_assert_cmpmem (got->data, got->len, parsed->data->data, parsed->data->len);
    }

  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
  g_ptr_array_unref (m.messages);
  g_byte_array_unref (m.current);
}

static void
check_status (const Trace *trace,
              GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_NONE);
  guint n = MAX (trace->numbers->len, 1);

  g_assert_cmpuint (replies->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const char *line = g_ptr_array_index (lines, i);

      g_assert_cmpint (tern_pop3_reply_is_ok (parsed_index (replies, i)->reply), ==, g_str_has_prefix (line, "+OK"));
    }

  /* the session commands that take such a reply */
  if (g_str_equal (trace->command, "dele") || g_str_equal (trace->command, "rset") ||
      g_str_equal (trace->command, "noop") || g_str_equal (trace->command, "quit"))
    {
      g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GArray) msgnos = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autoptr(FakeServer) server = NULL;
      g_autoptr(TernPop3Session) session = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *command = NULL;
      gboolean ok;

      for (guint i = 0; i < n; i++)
        {
          guint msgno = trace->numbers->len > 0 ? g_array_index (trace->numbers, guint, i) : 1;

          g_array_append_val (msgnos, msgno);
          if (i > 0)
            g_ptr_array_add (extra, g_strdup_printf ("C:DELE %u", msgno));
        }
      if (g_str_equal (trace->command, "dele"))
        command = g_strdup_printf ("DELE %u", g_array_index (msgnos, guint, 0));
      else
        command = g_ascii_strup (trace->command, -1);

      server = replay_server (trace, command, extra);
      session = logged_in_session (server);
      if (g_str_equal (trace->command, "dele"))
        ok = tern_pop3_session_dele_many (session, (guint *) (void *) msgnos->data, n, NULL, &error);
      else if (g_str_equal (trace->command, "rset"))
        ok = tern_pop3_session_rset (session, NULL, &error);
      else if (g_str_equal (trace->command, "noop"))
        ok = tern_pop3_session_noop (session, NULL, &error);
      else
        ok = tern_pop3_session_quit (session, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      tern_pop3_session_close (session);
      fake_server_assert_finished (server);
    }
}

static void
check_continuation (const Trace *trace,
                    GPtrArray   *lines)
{
  g_autoptr(GPtrArray) replies = parse_replies (lines, TERN_POP3_REPLY_FLAGS_CONTINUATION);
  static const char *tail[] = { "C:dQ==", "S:+ ", "C:cA==", "S:+OK", "C:CAPA", "S:+OK", "S:." };
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(FakeServer) server = NULL;
  g_autoptr(TernPop3Session) session = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (replies->len, ==, 1);
  g_assert_cmpint (tern_pop3_reply_get_status (parsed_index (replies, 0)->reply), ==,
                   TERN_POP3_REPLY_STATUS_CONTINUATION);

  /* the session takes it as the first AUTH LOGIN challenge */
  g_ptr_array_add (steps, g_strdup ("S:+OK hi"));
  g_ptr_array_add (steps, g_strdup ("C:CAPA"));
  g_ptr_array_add (steps, g_strdup ("S:+OK"));
  g_ptr_array_add (steps, g_strdup ("S:SASL LOGIN"));
  g_ptr_array_add (steps, g_strdup ("S:."));
  g_ptr_array_add (steps, g_strdup ("C:AUTH LOGIN"));
  g_ptr_array_add (steps, g_strconcat ("F:", trace->path, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (tail); i++)
    g_ptr_array_add (steps, g_strdup (tail[i]));
  g_ptr_array_add (steps, g_strdup ("CLOSE"));
  g_ptr_array_add (steps, NULL);
  server = fake_server_new ((const char * const *) steps->pdata);
  session = tern_pop3_session_new ("127.0.0.1", fake_server_get_port (server), TERN_NET_SECURITY_NONE);
  tern_pop3_session_set_allow_insecure_auth (session, TRUE);
  g_assert_true (tern_pop3_session_connect (session, NULL, &error));
  g_assert_true (tern_pop3_session_login (session, "u", "p", NULL, &error));
  g_assert_no_error (error);
  tern_pop3_session_close (session);
  fake_server_assert_finished (server);
}

static void
check_generic (const Trace *trace,
               GPtrArray   *lines,
               gboolean     multiline)
{
  const char *first = g_ptr_array_index (lines, 0);
  TernPop3ReplyFlags flags = TERN_POP3_REPLY_FLAGS_NONE;
  g_autoptr(GPtrArray) replies = NULL;

  /* of a kind not known here: a +OK followed by more lines is a multi-line reply */
  if (multiline || (lines->len > 1 && g_str_has_prefix (first, "+OK")))
    flags = TERN_POP3_REPLY_FLAGS_MULTILINE;
  replies = parse_replies (lines, flags);
  g_assert_cmpuint (replies->len, >=, 1);

  if (g_str_equal (trace->relative, "mailkit/lang/getlang.txt"))
    {
      Parsed *parsed = parsed_index (replies, 0);

      g_assert_cmpuint (parsed->lines->len, ==, 6);
      g_assert_cmpstr (g_ptr_array_index (parsed->lines, 1), ==, "en-boont English Boontling dialect");
    }
}

static void
test_trace (gconstpointer data)
{
  const Trace *trace = data;
  g_autoptr(GPtrArray) lines = load_lines (trace->path);

  g_test_message ("%s: command “%s”, kind %d", trace->relative, trace->command, trace->kind);
  g_assert_cmpuint (lines->len, >, 0);

  switch (trace->kind)
    {
    case KIND_GREETING:
      check_greeting (trace, lines);
      break;
    case KIND_CAPA:
      check_capa (trace, lines);
      break;
    case KIND_STAT:
      check_stat (trace, lines);
      break;
    case KIND_LIST:
    case KIND_LIST_ONE:
      check_list (trace, lines);
      break;
    case KIND_UIDL:
    case KIND_UIDL_ONE:
      check_uidl (trace, lines);
      break;
    case KIND_RETR:
    case KIND_TOP:
      check_message (trace, lines);
      break;
    case KIND_STATUS:
      check_status (trace, lines);
      break;
    case KIND_CONTINUATION:
      check_continuation (trace, lines);
      break;
    case KIND_MULTILINE:
      check_generic (trace, lines, TRUE);
      break;
    case KIND_UNKNOWN:
    default:
      check_generic (trace, lines, FALSE);
      break;
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
collect_traces (const char *root,
                const char *dir,
                GPtrArray  *traces)
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
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_traces (root, path, traces);
      else if (!g_str_has_suffix (path, ".md"))
        g_ptr_array_add (traces, trace_new (path, path + strlen (root) + 1));
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *corpus = g_getenv ("TERN_CORPUS_DIR");
  g_autofree char *root = NULL;
  g_autoptr(GPtrArray) traces = g_ptr_array_new_with_free_func (trace_free);

  g_test_init (&argc, &argv, NULL);

  if (corpus == NULL || *corpus == '\0')
    {
      g_print ("# SKIP: TERN_CORPUS_DIR is not set, so the recorded POP3 replies cannot be replayed\n");
      return 77;
    }
  root = g_build_filename (corpus, "pop3-traces", NULL);
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_print ("# SKIP: the corpus of recorded POP3 replies is absent (%s)\n", root);
      return 77;
    }

  collect_traces (root, root, traces);
  /* a corpus that is there but empty is a broken corpus, not a missing one */
  if (traces->len == 0)
    g_error ("%s holds no trace files", root);

  for (guint i = 0; i < traces->len; i++)
    {
      Trace *trace = g_ptr_array_index (traces, i);
      g_autofree char *test_path = g_strconcat ("/Pop3/Corpus/", trace->relative, NULL);

      g_test_add_data_func (test_path, trace, test_trace);
    }

  return g_test_run ();
}
