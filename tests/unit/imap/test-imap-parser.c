/* test-imap-parser.c: the IMAP response parser on byte strings
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-imap-body-structure.h"
#include "tern-imap-envelope.h"
#include "tern-imap-error.h"
#include "tern-imap-parser.h"
#include "tern-imap-uid-set.h"

static gboolean
collect_cb (TernImapParser    *parser,
            TernImapResponse  *response,
            gpointer           user_data,
            GError           **error)
{
  g_ptr_array_add (user_data, tern_imap_response_ref (response));
  return TRUE;
}

/* Parses @input fed in chunks of @chunk bytes (0: all at once). */
static GPtrArray *
parse_chunked (TernImapParser  *parser,
               const char      *input,
               gsize            length,
               gsize            chunk,
               GError         **error)
{
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_response_unref);

  if (chunk == 0)
    chunk = MAX (length, 1);
  for (gsize pos = 0; pos < length; pos += chunk)
    {
      if (!tern_imap_parser_feed (parser, input + pos, MIN (chunk, length - pos), collect_cb, responses, error))
        return NULL;
    }
  return g_steal_pointer (&responses);
}

/* Parses @input at once and byte by byte; both must agree and end between responses. */
static GPtrArray *
parse (const char *input)
{
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  g_autoptr(TernImapParser) parser1 = tern_imap_parser_new ();
  g_autoptr(GPtrArray) whole = NULL;
  g_autoptr(GPtrArray) bytewise = NULL;
  g_autoptr(GError) error = NULL;

  whole = parse_chunked (parser, input, strlen (input), 0, &error);
  g_assert_no_error (error);
  g_assert_true (tern_imap_parser_is_between_responses (parser));
  bytewise = parse_chunked (parser1, input, strlen (input), 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole->len, ==, bytewise->len);
  for (guint i = 0; i < whole->len; i++)
    {
      g_autofree char *a = tern_imap_response_to_string (g_ptr_array_index (whole, i));
      g_autofree char *b = tern_imap_response_to_string (g_ptr_array_index (bytewise, i));

      g_assert_cmpstr (a, ==, b);
    }
  return g_steal_pointer (&whole);
}

static TernImapResponse *
parse_one (const char *input)
{
  g_autoptr(GPtrArray) responses = parse (input);

  g_assert_cmpuint (responses->len, ==, 1);
  return tern_imap_response_ref (g_ptr_array_index (responses, 0));
}

static void
assert_parses_to (const char *input,
                  const char *expected)
{
  g_autoptr(TernImapResponse) response = parse_one (input);
  g_autofree char *text = tern_imap_response_to_string (response);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_fails_len (const char *input,
                  gsize       length,
                  int         code)
{
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GError) error = NULL;

  tern_imap_parser_set_max_line_length (parser, 4096);
  responses = parse_chunked (parser, input, length, 0, &error);
  if (responses != NULL)
    g_error ("“%s” parsed", input);
  g_assert_error (error, TERN_IMAP_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));

  /* After a reset the parser works again. */
  tern_imap_parser_reset (parser);
  g_clear_pointer (&responses, g_ptr_array_unref);
  g_clear_error (&error);
  responses = parse_chunked (parser, "* OK fine\r\n", 11, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (responses->len, ==, 1);
}

static void
assert_fails (const char *input,
              int         code)
{
  assert_fails_len (input, strlen (input), code);
}

/* ---- tokens ----------------------------------------------------------------------- */

static void
test_atoms_numbers_nil (void)
{
  g_autoptr(TernImapResponse) r = parse_one ("* SEARCH 2 84 882 18446744073709551615 nil NIL Nilly\r\n");
  const TernImapValue *v;
  guint64 n;

  g_assert_cmpstr (tern_imap_response_get_name (r), ==, "SEARCH");
  g_assert_cmpuint (tern_imap_value_get_n_children (tern_imap_response_get_data (r)), ==, 7);
  v = tern_imap_response_get_data_item (r, 0);
  g_assert_true (tern_imap_value_get_number (v, &n));
  g_assert_cmpuint (n, ==, 2);
  /* 20 digits do not fit a number: an atom */
  v = tern_imap_response_get_data_item (r, 3);
  g_assert_cmpint (v->kind, ==, TERN_IMAP_VALUE_ATOM);
  g_assert_true (tern_imap_value_is_nil (tern_imap_response_get_data_item (r, 4)));
  g_assert_true (tern_imap_value_is_nil (tern_imap_response_get_data_item (r, 5)));
  g_assert_cmpstr (tern_imap_value_get_astring (tern_imap_response_get_data_item (r, 5), NULL), ==, "NIL");
  g_assert_null (tern_imap_value_get_nstring (tern_imap_response_get_data_item (r, 5), NULL));
  g_assert_cmpint (tern_imap_response_get_data_item (r, 6)->kind, ==, TERN_IMAP_VALUE_ATOM);
}

static void
test_quoted (void)
{
  g_autoptr(TernImapResponse) r = parse_one ("* LIST () \"/\" \"a \\\"quoted\\\" \\\\ name\"\r\n");
  const TernImapValue *v = tern_imap_response_get_data_item (r, 2);

  g_assert_cmpint (v->kind, ==, TERN_IMAP_VALUE_STRING);
  g_assert_cmpstr (v->data, ==, "a \"quoted\" \\ name");
  g_assert_cmpuint (v->length, ==, strlen ("a \"quoted\" \\ name"));

  assert_parses_to ("* LIST () \"\" \"\"\r\n", "* LIST () \"\" \"\"");
  /* 8-bit (UTF-8) in a quoted string is kept as is */
  assert_parses_to ("* LIST () \"/\" \"Entw\xc3\xbcrfe\"\r\n", "* LIST () \"/\" \"Entw\xc3\xbcrfe\"");
}

static void
test_literals (void)
{
  g_autoptr(TernImapResponse) r = NULL;

  /* A literal with CRLF and NUL inside (fed explicitly: parse() uses strlen) */
  {
    static const char input[] = "* 1 FETCH (BODY[] {6}\r\nab\0d\r\n UID 7)\r\n";
    g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
    g_autoptr(GPtrArray) responses = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = NULL;
    guint32 uid = 0;

    responses = parse_chunked (parser, input, sizeof input - 1, 3, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (responses->len, ==, 1);
    r = tern_imap_response_ref (g_ptr_array_index (responses, 0));
    bytes = tern_imap_response_dup_fetch_section (r, "BODY[]");
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "ab\0d\r\n", 6);
    g_assert_true (tern_imap_response_get_fetch_uid (r, &uid));
    g_assert_cmpuint (uid, ==, 7);
    g_clear_pointer (&r, tern_imap_response_unref);
  }

  /* LITERAL+ / LITERAL- syntax, literal8 (BINARY), an empty literal, a literal as the
   * last thing of a response and as a list element */
  assert_parses_to ("* LIST () \"/\" {5+}\r\nINBOX\r\n", "* LIST () \"/\" \"INBOX\"");
  assert_parses_to ("* 2 FETCH (BINARY[1] ~{3}\r\n\x01\x02\x03)\r\n", "* 2 FETCH (BINARY[1] \"\\x01\\x02\\x03\")");
  assert_parses_to ("* 2 FETCH (BODY[1] {0}\r\n)\r\n", "* 2 FETCH (BODY[1] \"\")");
  assert_parses_to ("* X ({3}\r\nabc {2}\r\nde)\r\n", "* X (\"abc\" \"de\")");
}

static void
test_lists (void)
{
  assert_parses_to ("* X () (()) (a (b (c)) d)\r\n", "* X () (()) (a (b (c)) d)");
  /* No space between lists, as Gmail sends in BODYSTRUCTURE */
  assert_parses_to ("* X ((a)(b) \"c\")\r\n", "* X ((a) (b) \"c\")");
  /* Extra spaces */
  assert_parses_to ("* X  (a  b )\r\n", "* X (a b)");
}

static void
test_lower_case (void)
{
  g_autoptr(TernImapResponse) r = parse_one ("* capability imap4rev1 starttls\r\n");

  g_assert_cmpstr (tern_imap_response_get_name (r), ==, "CAPABILITY");
  assert_parses_to ("a1 ok [read-write] done\r\n", "a1 OK [READ-WRITE] done");
  assert_parses_to ("* List (\\HasNoChildren) \"/\" \"INBOX\"\r\n", "* LIST (\\HasNoChildren) \"/\" \"INBOX\"");
}

/* ---- status responses and codes ------------------------------------------------- */

static void
test_tagged_and_codes (void)
{
  g_autoptr(TernImapResponse) r = NULL;
  const TernImapValue *v;
  g_autoptr(TernImapUidSet) source = NULL;
  g_autoptr(TernImapUidSet) destination = NULL;
  guint32 n = 0;

  r = parse_one ("A003 OK [APPENDUID 38505 3955] APPEND completed\r\n");
  g_assert_cmpint (tern_imap_response_get_kind (r), ==, TERN_IMAP_RESPONSE_TAGGED);
  g_assert_cmpstr (tern_imap_response_get_tag (r), ==, "A003");
  g_assert_cmpint (tern_imap_response_get_status (r), ==, TERN_IMAP_STATUS_OK);
  g_assert_cmpstr (tern_imap_response_get_code_name (r), ==, "APPENDUID");
  g_assert_true (tern_imap_value_get_uint32 (tern_imap_response_get_code_arg (r, 0), &n));
  g_assert_cmpuint (n, ==, 38505);
  g_assert_true (tern_imap_value_get_uint32 (tern_imap_response_get_code_arg (r, 1), &n));
  g_assert_cmpuint (n, ==, 3955);
  g_assert_cmpstr (tern_imap_response_get_text (r), ==, "APPEND completed");
  g_clear_pointer (&r, tern_imap_response_unref);

  r = parse_one ("A004 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n");
  source = tern_imap_uid_set_new_from_value (tern_imap_response_get_code_arg (r, 1));
  destination = tern_imap_uid_set_new_from_value (tern_imap_response_get_code_arg (r, 2));
  g_assert_nonnull (source);
  g_assert_nonnull (destination);
  g_assert_cmpuint (tern_imap_uid_set_get_count (source), ==, 3);
  g_assert_cmpuint (tern_imap_uid_set_get_count (destination), ==, 3);
  g_assert_true (tern_imap_uid_set_contains (source, 320));
  g_clear_pointer (&r, tern_imap_response_unref);

  r = parse_one ("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  g_assert_cmpint (tern_imap_response_get_kind (r), ==, TERN_IMAP_RESPONSE_UNTAGGED);
  g_assert_cmpstr (tern_imap_response_get_code_name (r), ==, "PERMANENTFLAGS");
  v = tern_imap_response_get_code_arg (r, 0);
  g_assert_cmpuint (tern_imap_value_get_n_children (v), ==, 3);
  g_assert_true (tern_imap_value_is_atom (tern_imap_value_get_child (v, 2), "\\*"));
  g_clear_pointer (&r, tern_imap_response_unref);

  assert_parses_to ("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n", "* OK [UIDVALIDITY 3857529045] UIDs valid");
  assert_parses_to ("* OK [HIGHESTMODSEQ 715194045007] Highest\r\n", "* OK [HIGHESTMODSEQ 715194045007] Highest");
  assert_parses_to ("A142 OK [READ-ONLY] EXAMINE completed\r\n", "A142 OK [READ-ONLY] EXAMINE completed");
  assert_parses_to ("* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR] Dovecot ready.\r\n",
                    "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR] Dovecot ready.");
  assert_parses_to ("* NO [ALERT]\r\n", "* NO [ALERT]");
  assert_parses_to ("a NO [AUTHENTICATIONFAILED] Authentication failed.\r\n",
                    "a NO [AUTHENTICATIONFAILED] Authentication failed.");
  assert_parses_to ("a BAD [BADCHARSET (US-ASCII \"UTF-8\")] no\r\n", "a BAD [BADCHARSET (US-ASCII \"UTF-8\")] no");
  assert_parses_to ("* BYE Server shutting down\r\n", "* BYE Server shutting down");
  assert_parses_to ("* PREAUTH IMAP4rev1 server logged in as Smith\r\n", "* PREAUTH IMAP4rev1 server logged in as Smith");
  /* Text that is not a code, and codes that cannot be tokenized, stay text */
  assert_parses_to ("* OK [Gmail]/Sent is here ( unbalanced\r\n", "* OK [GMAIL] /Sent is here ( unbalanced");
  assert_parses_to ("* OK [foo \"unterminated] bar\r\n", "* OK [foo \"unterminated] bar");
  /* Exchange's bare response code (MailKit issue 115) */
  assert_parses_to ("[COPYUID 55 31 6]\r\n", "* OK [COPYUID 55 31 6]");
  /* A tagged response without text */
  assert_parses_to ("a1 OK\r\n", "a1 OK");
}

static void
test_continuation (void)
{
  g_autoptr(TernImapResponse) r = parse_one ("+ VXNlcm5hbWU6\r\n");

  g_assert_cmpint (tern_imap_response_get_kind (r), ==, TERN_IMAP_RESPONSE_CONTINUATION);
  g_assert_cmpstr (tern_imap_response_get_text (r), ==, "VXNlcm5hbWU6");
  assert_parses_to ("+\r\n", "+ ");
  assert_parses_to ("+ \r\n", "+ ");
  assert_parses_to ("+ Ready for literal data\r\n", "+ Ready for literal data");
}

static void
test_untagged_data (void)
{
  g_autoptr(TernImapResponse) r = NULL;
  g_autoptr(TernImapUidSet) uids = NULL;
  guint32 n = 0;

  r = parse_one ("* 23 EXISTS\r\n");
  g_assert_true (tern_imap_response_get_number (r, &n));
  g_assert_cmpuint (n, ==, 23);
  g_assert_cmpstr (tern_imap_response_get_name (r), ==, "EXISTS");
  g_clear_pointer (&r, tern_imap_response_unref);

  r = parse_one ("* VANISHED (EARLIER) 300:310,405,411\r\n");
  g_assert_true (tern_imap_value_is_atom (tern_imap_value_get_child (tern_imap_response_get_data_item (r, 0), 0),
                                          "EARLIER"));
  uids = tern_imap_uid_set_new_from_value (tern_imap_response_get_data_item (r, 1));
  g_assert_cmpuint (tern_imap_uid_set_get_count (uids), ==, 13);
  g_clear_pointer (&r, tern_imap_response_unref);

  assert_parses_to ("* 3 EXPUNGE\r\n", "* 3 EXPUNGE");
  assert_parses_to ("* 0 RECENT\r\n", "* 0 RECENT");
  assert_parses_to ("* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)\r\n",
                    "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)");
  assert_parses_to ("* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))\r\n",
                    "* NAMESPACE ((\"\" \"/\")) NIL ((\"#shared/\" \"/\"))");
  assert_parses_to ("* ENABLED CONDSTORE QRESYNC\r\n", "* ENABLED CONDSTORE QRESYNC");
  assert_parses_to ("* ESEARCH (TAG \"t5\") UID ALL 1:3,9\r\n", "* ESEARCH (TAG \"t5\") UID ALL 1:3,9");
  /* Unknown responses parse as data and are left to the session to ignore */
  assert_parses_to ("* XUNKNOWN-THING foo [bar] (baz \"q\")\r\n", "* XUNKNOWN-THING foo [bar] (baz \"q\")");
  /* A mailbox named like a bracketed atom */
  assert_parses_to ("* LIST (\\HasNoChildren) \"/\" [Gmail]/Drafts\r\n", "* LIST (\\HasNoChildren) \"/\" [Gmail]/Drafts");
}

/* ---- FETCH items -------------------------------------------------------------------- */

static const char rfc3501_fetch[] =
  "* 12 FETCH (FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 4286 "
  "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"IMAP4rev1 WG mtg summary and minutes\" "
  "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
  "((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) ((NIL NIL \"imap\" \"cac.washington.edu\")) "
  "((NIL NIL \"minutes\" \"CNRI.Reston.VA.US\")(\"John Klensin\" NIL \"KLENSIN\" \"MIT.EDU\")) NIL NIL "
  "\"<B27397-0100000@cac.washington.edu>\") "
  "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92) UID 4827313 MODSEQ (12121231000))\r\n";

static void
test_fetch_envelope (void)
{
  g_autoptr(TernImapResponse) r = parse_one (rfc3501_fetch);
  g_autoptr(TernImapEnvelope) envelope = NULL;
  g_autoptr(TernImapBodyStructure) body = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_auto(GStrv) flags = NULL;
  g_autofree char *addr = NULL;
  TernImapAddress *address;
  guint64 size = 0, modseq = 0;
  guint32 uid = 0, number = 0;

  g_assert_true (tern_imap_response_get_number (r, &number));
  g_assert_cmpuint (number, ==, 12);
  g_assert_true (tern_imap_response_get_fetch_uid (r, &uid));
  g_assert_cmpuint (uid, ==, 4827313);
  g_assert_true (tern_imap_response_get_fetch_modseq (r, &modseq));
  g_assert_cmpuint (modseq, ==, 12121231000);
  g_assert_true (tern_imap_response_get_fetch_rfc822_size (r, &size));
  g_assert_cmpuint (size, ==, 4286);

  flags = tern_imap_response_dup_fetch_flags (r);
  g_assert_cmpstrv (flags, ((const char *[]) { "\\Seen", NULL }));

  date = tern_imap_response_dup_fetch_internaldate (r);
  g_assert_nonnull (date);
  g_assert_cmpint (g_date_time_get_year (date), ==, 1996);
  g_assert_cmpint (g_date_time_get_month (date), ==, 7);
  g_assert_cmpint (g_date_time_get_day_of_month (date), ==, 17);
  g_assert_cmpint (g_date_time_get_hour (date), ==, 2);
  g_assert_cmpint (g_date_time_get_utc_offset (date) / G_TIME_SPAN_HOUR, ==, -7);
  g_assert_cmpint (g_date_time_to_unix (date), ==, 837596665);

  envelope = tern_imap_response_dup_fetch_envelope (r);
  g_assert_nonnull (envelope);
  g_assert_cmpstr (envelope->date, ==, "Wed, 17 Jul 1996 02:23:25 -0700 (PDT)");
  g_assert_cmpstr (envelope->subject, ==, "IMAP4rev1 WG mtg summary and minutes");
  g_assert_cmpuint (envelope->from->len, ==, 1);
  address = g_ptr_array_index (envelope->from, 0);
  g_assert_cmpstr (address->name, ==, "Terry Gray");
  g_assert_null (address->adl);
  addr = tern_imap_address_dup_addr_spec (address);
  g_assert_cmpstr (addr, ==, "gray@cac.washington.edu");
  g_assert_cmpuint (envelope->to->len, ==, 1);
  g_assert_cmpuint (envelope->cc->len, ==, 2);
  address = g_ptr_array_index (envelope->cc, 1);
  g_assert_cmpstr (address->name, ==, "John Klensin");
  g_assert_cmpstr (address->mailbox, ==, "KLENSIN");
  g_assert_cmpuint (envelope->bcc->len, ==, 0);
  g_assert_null (envelope->in_reply_to);
  g_assert_cmpstr (envelope->message_id, ==, "<B27397-0100000@cac.washington.edu>");

  /* BODY, the non-extensible BODYSTRUCTURE */
  body = tern_imap_response_dup_fetch_body_structure (r);
  g_assert_nonnull (body);
  g_assert_true (tern_imap_body_structure_is (body, "text", "plain"));
  g_assert_cmpstr (tern_imap_body_structure_get_param (body, "charset"), ==, "US-ASCII");
  g_assert_cmpstr (body->encoding, ==, "7BIT");
  g_assert_cmpuint (body->size, ==, 3028);
  g_assert_cmpuint (body->lines, ==, 92);
  g_assert_cmpstr (body->part_id, ==, "1");

  /* Copies are deep */
  {
    g_autoptr(TernImapEnvelope) copy = tern_imap_envelope_copy (envelope);
    g_autoptr(TernImapBodyStructure) body_copy = tern_imap_body_structure_copy (body);

    g_assert_cmpstr (copy->message_id, ==, envelope->message_id);
    g_assert_cmpuint (copy->cc->len, ==, 2);
    g_assert_cmpuint (body_copy->size, ==, 3028);
  }
}

static void
test_fetch_body_structure (void)
{
  g_autoptr(TernImapResponse) r = parse_one (
    "* 3 FETCH (BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 1152 23 NIL NIL NIL)"
    "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\" \"NAME\" \"cc.diff\") \"<960723163407.20117h@cac.washington.edu>\" "
    "\"Compiler diff\" \"BASE64\" 4554 73 NIL (\"attachment\" (\"filename\" \"cc.diff\")) NIL)"
    "(\"MESSAGE\" \"RFC822\" NIL NIL NIL \"7BIT\" 342 "
    "(\"Mon, 1 Jan 2024 10:00:00 +0000\" \"inner\" NIL NIL NIL NIL NIL NIL NIL \"<i@x>\") "
    "((\"TEXT\" \"PLAIN\" NIL NIL NIL \"8BIT\" 10 1)(\"IMAGE\" \"PNG\" (\"NAME\" \"a.png\") NIL NIL \"BASE64\" 200) "
    "\"MIXED\") 12)"
    " \"MIXED\" (\"BOUNDARY\" \"xyz\") NIL (\"en\" \"de\") \"http://x\"))\r\n");
  g_autoptr(TernImapBodyStructure) body = tern_imap_response_dup_fetch_body_structure (r);
  TernImapBodyStructure *part, *inner;

  g_assert_nonnull (body);
  g_assert_true (tern_imap_body_structure_is (body, "multipart", "mixed"));
  g_assert_cmpstr (body->part_id, ==, "");
  g_assert_cmpstr (tern_imap_body_structure_get_param (body, "boundary"), ==, "xyz");
  g_assert_cmpstrv (body->languages, ((const char *[]) { "en", "de", NULL }));
  g_assert_cmpstr (body->location, ==, "http://x");
  g_assert_cmpuint (body->parts->len, ==, 3);

  part = g_ptr_array_index (body->parts, 1);
  g_assert_cmpstr (part->part_id, ==, "2");
  g_assert_cmpstr (part->id, ==, "<960723163407.20117h@cac.washington.edu>");
  g_assert_cmpstr (part->description, ==, "Compiler diff");
  g_assert_cmpstr (part->disposition, ==, "attachment");
  g_assert_cmpstrv (part->disposition_params, ((const char *[]) { "filename", "cc.diff", NULL }));
  g_assert_cmpuint (part->lines, ==, 73);

  part = g_ptr_array_index (body->parts, 2);
  g_assert_true (tern_imap_body_structure_is (part, "message", "rfc822"));
  g_assert_cmpstr (part->part_id, ==, "3");
  g_assert_nonnull (part->envelope);
  g_assert_cmpstr (part->envelope->subject, ==, "inner");
  g_assert_cmpuint (part->lines, ==, 12);
  g_assert_cmpuint (part->parts->len, ==, 1);
  inner = g_ptr_array_index (part->parts, 0);
  g_assert_true (tern_imap_body_structure_is (inner, "multipart", "mixed"));
  g_assert_cmpstr (inner->part_id, ==, "3");
  g_assert_cmpuint (inner->parts->len, ==, 2);
  g_assert_cmpstr (((TernImapBodyStructure *) g_ptr_array_index (inner->parts, 1))->part_id, ==, "3.2");
  g_assert_cmpstr (tern_imap_body_structure_get_param (g_ptr_array_index (inner->parts, 1), "name"), ==, "a.png");
}

static void
test_fetch_sections_and_gmail (void)
{
  g_autoptr(TernImapResponse) r = parse_one (
    "* 5 FETCH (X-GM-LABELS (\\Important \"Custom Label\" NIL \"&AMk-t&AOk-\") X-GM-MSGID 1278455344230334865 "
    "UID 9 BODY[HEADER.FIELDS (FROM TO)] {22}\r\nFrom: a@b\r\nTo: c@d\r\n\r\n BODY[]<0> {3}\r\nabc BODY[1.TEXT] NIL)\r\n");
  g_auto(GStrv) labels = tern_imap_response_dup_fetch_gmail_labels (r);
  gsize length = 0;
  const char *data;

  g_assert_cmpstrv (labels, ((const char *[]) { "\\Important", "Custom Label", "\xc3\x89t\xc3\xa9", NULL }));
  data = tern_imap_response_get_fetch_section (r, "body[header.fields (from to)]", &length);
  g_assert_cmpmem (data, length, "From: a@b\r\nTo: c@d\r\n\r\n", 22);
  data = tern_imap_response_get_fetch_section (r, "BODY[]<0>", &length);
  g_assert_cmpmem (data, length, "abc", 3);
  g_assert_null (tern_imap_response_get_fetch_section (r, "BODY[1.TEXT]", NULL));
  g_assert_nonnull (tern_imap_response_get_fetch_item (r, "BODY[1.TEXT]"));
  g_assert_null (tern_imap_response_get_fetch_item (r, "BODY[2]"));
}

/* A body section is read into its own buffer, and handed out without a copy. */
static void
test_fetch_body_no_copy (void)
{
  static const char input[] = "* 1 FETCH (UID 1 BODY[] {5}\r\nhello)\r\n";
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  g_autoptr(GPtrArray) responses = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  TernImapResponse *r;

  responses = parse_chunked (parser, input, sizeof input - 1, 0, &error);
  g_assert_no_error (error);
  r = g_ptr_array_index (responses, 0);
  a = tern_imap_response_dup_fetch_section (r, "BODY[]");
  b = tern_imap_response_dup_fetch_section (r, "BODY[]");
  g_assert_true (a == b);
  g_assert_true (tern_imap_response_get_fetch_item (r, "BODY[]")->bytes == a);

  /* The bytes outlive the response */
  g_clear_pointer (&responses, g_ptr_array_unref);
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a), "hello", 5);
}

/* ---- malformed and hostile input ------------------------------------------------------ */

static void
test_malformed (void)
{
  assert_fails ("* X (a b\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X a b)\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X \"unterminated\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails_len ("* X \"a\0b\"\r\n", 11, TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X {5} trailing\r\nhello\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X {}\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X {12a}\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X {99999999999999999999}\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X a\x01z\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* X BODY[unclosed\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("*\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* \r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("*X\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* 12\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* 99999999999 EXISTS\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("* 1x EXISTS\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("tag\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("a(b OK x\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("a1 FOO bar\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("a1 BYE bar\r\n", TERN_IMAP_ERROR_PARSE);
  assert_fails ("\xff\xfe garbage\r\n", TERN_IMAP_ERROR_PARSE);
}

static void
test_depth_limit (void)
{
  GString *input = g_string_new ("* X ");

  for (guint i = 0; i < TERN_IMAP_PARSER_MAX_DEPTH + 1; i++)
    g_string_append_c (input, '(');
  for (guint i = 0; i < TERN_IMAP_PARSER_MAX_DEPTH + 1; i++)
    g_string_append_c (input, ')');
  g_string_append (input, "\r\n");
  assert_fails (input->str, TERN_IMAP_ERROR_PARSE);

  /* Just within the limit it parses */
  g_string_assign (input, "* X ");
  for (guint i = 0; i < TERN_IMAP_PARSER_MAX_DEPTH; i++)
    g_string_append_c (input, '(');
  for (guint i = 0; i < TERN_IMAP_PARSER_MAX_DEPTH; i++)
    g_string_append_c (input, ')');
  g_string_append (input, "\r\n");
  g_ptr_array_unref (parse (input->str));
  g_string_free (input, TRUE);
}

/* A literal beyond the limit is refused as soon as it is announced: before any of its
 * bytes arrive, so nothing was allocated for it. */
static void
test_huge_literal (void)
{
  static const char *const announcements[] = {
    "* 1 FETCH (BODY[] {4294967296}\r\n",          /* 4 GiB: above the body limit */
    "* 1 FETCH (BODY[] {999999999999999}\r\n",
    "* LIST () \"/\" {1048577}\r\n",               /* 1 MiB + 1: above the data limit */
    "* 1 FETCH (ENVELOPE ({2000000}\r\n",          /* not a body section: the small limit */
    "* 1 FETCH (UID {1048577}\r\n",                /* the value of UID: not a body section */
  };

  for (guint i = 0; i < G_N_ELEMENTS (announcements); i++)
    {
      g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
      g_autoptr(GError) error = NULL;
      TernImapParserResult result;
      const char *line = announcements[i];

      result = tern_imap_parser_feed_line (parser, line, strlen (line) - 2, &error);
      g_assert_cmpint (result, ==, TERN_IMAP_PARSER_ERROR);
      g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_TOO_LARGE);
    }

  /* A body section within the body limit is accepted, one beyond is not */
  {
    g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
    g_autoptr(GError) error = NULL;
    const char *line = "* 1 FETCH (BODY[] {1048577}";

    g_assert_cmpint (tern_imap_parser_feed_line (parser, line, strlen (line), &error), ==,
                     TERN_IMAP_PARSER_NEED_LITERAL);
    g_assert_true (tern_imap_parser_literal_is_body (parser));
    g_assert_cmpuint (tern_imap_parser_get_literal_size (parser), ==, 1048577);

    tern_imap_parser_reset (parser);
    tern_imap_parser_set_limits (parser, 1024, 4096, 65536);
    line = "* 1 FETCH (BODY[] {4097}";
    g_assert_cmpint (tern_imap_parser_feed_line (parser, line, strlen (line), &error), ==, TERN_IMAP_PARSER_ERROR);
    g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_TOO_LARGE);
  }
}

static void
test_endless_line (void)
{
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  char chunk[1024];
  gboolean ok = TRUE;
  guint i;

  memset (chunk, 'a', sizeof chunk);
  memcpy (chunk, "* X ", 4);
  tern_imap_parser_set_max_line_length (parser, 64 * 1024);
  for (i = 0; i < 1000 && ok; i++)
    ok = tern_imap_parser_feed (parser, chunk, sizeof chunk, NULL, NULL, &error);
  g_assert_false (ok);
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_TOO_LARGE);
  /* It failed as soon as the buffer passed the limit */
  g_assert_cmpuint (i, <=, 66);
}

static void
test_response_limit (void)
{
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  g_autoptr(GError) error = NULL;
  GString *input = g_string_new ("* X (");
  gboolean ok = TRUE;

  /* Many literals in one response add up to more than max_response */
  tern_imap_parser_set_limits (parser, 1024, 1024 * 1024, 64 * 1024);
  for (guint i = 0; i < 200; i++)
    {
      g_string_append (input, "{1000}\r\n");
      for (guint j = 0; j < 1000; j++)
        g_string_append_c (input, 'x');
      g_string_append_c (input, ' ');
    }
  ok = tern_imap_parser_feed (parser, input->str, input->len, NULL, NULL, &error);
  g_assert_false (ok);
  g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_TOO_LARGE);
  g_string_free (input, TRUE);
}

static void
test_invalid_utf8 (void)
{
  /* The parser is byte-transparent; the message of an error is valid UTF-8. */
  g_autoptr(TernImapResponse) r = parse_one ("* LIST () \"/\" \"\xff\xfe\xc3\"\r\n");
  const TernImapValue *v = tern_imap_response_get_data_item (r, 2);

  g_assert_cmpuint (v->length, ==, 3);
  assert_fails ("* X \xff\xfe\x01\r\n", TERN_IMAP_ERROR_PARSE);
}

/* Responses are reused when the caller is done with them: no allocation per response
 * in steady state. */
static void
test_response_reuse (void)
{
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  TernImapResponse *first, *second;
  const char *line = "* 1 FETCH (UID 1)";

  g_assert_cmpint (tern_imap_parser_feed_line (parser, line, strlen (line), NULL), ==, TERN_IMAP_PARSER_COMPLETE);
  first = tern_imap_parser_steal_response (parser);
  tern_imap_response_unref (first);
  g_assert_cmpint (tern_imap_parser_feed_line (parser, line, strlen (line), NULL), ==, TERN_IMAP_PARSER_COMPLETE);
  second = tern_imap_parser_steal_response (parser);
  g_assert_true (first == second);

  /* Kept by the caller: a new one */
  g_assert_cmpint (tern_imap_parser_feed_line (parser, line, strlen (line), NULL), ==, TERN_IMAP_PARSER_COMPLETE);
  first = tern_imap_parser_steal_response (parser);
  g_assert_true (first != second);
  tern_imap_response_unref (first);
  tern_imap_response_unref (second);
}

/* Found by the fuzzer: feeding nothing before anything was buffered offset a NULL
 * pointer (undefined behaviour; UBSan reported it). */
static void
test_empty_feed (void)
{
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (tern_imap_parser_feed (parser, "", 0, NULL, NULL, &error));
  g_assert_true (tern_imap_parser_feed (parser, NULL, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tern_imap_parser_is_between_responses (parser));
  g_assert_true (tern_imap_parser_feed (parser, "* OK x\r\n", 8, NULL, NULL, &error));
  g_assert_true (tern_imap_parser_feed (parser, "", 0, NULL, NULL, &error));
  g_assert_true (tern_imap_parser_is_between_responses (parser));
}

static void
test_uid_set (void)
{
  g_autoptr(TernImapUidSet) set = tern_imap_uid_set_parse ("1:3,7,10:*", -1);
  g_autoptr(TernImapUidSet) huge = tern_imap_uid_set_parse ("1:4294967295", -1);
  g_autofree char *text = NULL;
  g_autoptr(GArray) array = NULL;

  g_assert_nonnull (set);
  text = tern_imap_uid_set_to_string (set);
  g_assert_cmpstr (text, ==, "1:3,7,10:*");
  g_assert_true (tern_imap_uid_set_contains (set, 2));
  g_assert_false (tern_imap_uid_set_contains (set, 5));
  g_assert_true (tern_imap_uid_set_contains (set, 4000000000u));

  /* A huge range stays a range */
  g_assert_cmpuint (tern_imap_uid_set_get_n_ranges (huge), ==, 1);
  g_assert_cmpuint (tern_imap_uid_set_get_count (huge), ==, G_MAXUINT32);
  g_assert_null (tern_imap_uid_set_to_array (huge, 1000));

  g_clear_pointer (&set, tern_imap_uid_set_unref);
  set = tern_imap_uid_set_parse ("5:3,9", -1);
  array = tern_imap_uid_set_to_array (set, 10);
  g_assert_cmpuint (array->len, ==, 4);
  g_assert_cmpuint (g_array_index (array, guint32, 0), ==, 3);

  for (const char *const *bad = (const char *const[]) { "", "0", "1:", ":1", "1,,2", "a", "1 2", "4294967296", NULL };
       *bad != NULL; bad++)
    g_assert_null (tern_imap_uid_set_parse (*bad, -1));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/imap/parser/atoms-numbers-nil", test_atoms_numbers_nil);
  g_test_add_func ("/imap/parser/quoted", test_quoted);
  g_test_add_func ("/imap/parser/literals", test_literals);
  g_test_add_func ("/imap/parser/lists", test_lists);
  g_test_add_func ("/imap/parser/lower-case", test_lower_case);
  g_test_add_func ("/imap/parser/tagged-and-codes", test_tagged_and_codes);
  g_test_add_func ("/imap/parser/continuation", test_continuation);
  g_test_add_func ("/imap/parser/untagged-data", test_untagged_data);
  g_test_add_func ("/imap/parser/fetch-envelope", test_fetch_envelope);
  g_test_add_func ("/imap/parser/fetch-body-structure", test_fetch_body_structure);
  g_test_add_func ("/imap/parser/fetch-sections-gmail", test_fetch_sections_and_gmail);
  g_test_add_func ("/imap/parser/fetch-body-no-copy", test_fetch_body_no_copy);
  g_test_add_func ("/imap/parser/malformed", test_malformed);
  g_test_add_func ("/imap/parser/depth-limit", test_depth_limit);
  g_test_add_func ("/imap/parser/huge-literal", test_huge_literal);
  g_test_add_func ("/imap/parser/endless-line", test_endless_line);
  g_test_add_func ("/imap/parser/response-limit", test_response_limit);
  g_test_add_func ("/imap/parser/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/imap/parser/response-reuse", test_response_reuse);
  g_test_add_func ("/imap/parser/empty-feed", test_empty_feed);
  g_test_add_func ("/imap/parser/uid-set", test_uid_set);

  return g_test_run ();
}
