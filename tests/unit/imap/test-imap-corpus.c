/* test-imap-corpus.c: replays the recorded real server conversations through the parser
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every *.txt under $TERN_CORPUS_DIR/imap-traces/ is the server side of one exchange,
 * stored with LF line ends (see PROVENANCE.md there): it is converted to CRLF and must
 * parse completely into responses, without an error, both at once and in random small
 * chunks (with identical results). Known files must also give the expected structure.
 * When the corpus is absent this test exits 77 (skip) and says why.
 */
#include "config.h"

#include <string.h>

#include "tern-imap-body-structure.h"
#include "tern-imap-envelope.h"
#include "tern-imap-error.h"
#include "tern-imap-mailbox.h"
#include "tern-imap-namespace.h"
#include "tern-imap-parser.h"
#include "tern-imap-uid-set.h"

static char *traces_dir;

static GBytes *
load_crlf (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GByteArray *out;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  out = g_byte_array_sized_new (length + length / 20);
  for (gsize i = 0; i < length; i++)
    {
      if (contents[i] == '\n' && (i == 0 || contents[i - 1] != '\r'))
        g_byte_array_append (out, (const guint8 *) "\r", 1);
      g_byte_array_append (out, (const guint8 *) &contents[i], 1);
    }
  return g_byte_array_free_to_bytes (out);
}

static gboolean
collect_cb (TernImapParser    *parser,
            TernImapResponse  *response,
            gpointer           user_data,
            GError           **error)
{
  g_ptr_array_add (user_data, tern_imap_response_ref (response));
  return TRUE;
}

static GPtrArray *
parse_bytes (GBytes   *bytes,
             GRand    *rand,
             GError  **error)
{
  g_autoptr(TernImapParser) parser = tern_imap_parser_new ();
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_response_unref);
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  gsize pos = 0;

  while (pos < length)
    {
      gsize chunk = rand != NULL ? (gsize) g_rand_int_range (rand, 1, 200) : length;

      chunk = MIN (chunk, length - pos);
      if (!tern_imap_parser_feed (parser, data + pos, chunk, collect_cb, responses, error))
        return NULL;
      pos += chunk;
    }

  if (!tern_imap_parser_is_between_responses (parser))
    {
      g_set_error_literal (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PARSE, "the trace ends inside a response");
      return NULL;
    }
  return g_steal_pointer (&responses);
}

static void
list_traces (const char *dir,
             GPtrArray  *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        list_traces (path, out);
      else if (g_str_has_suffix (name, ".txt") && !g_str_equal (name, "PROVENANCE.md"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static GPtrArray *
parse_trace (const char *relative)
{
  g_autofree char *path = g_build_filename (traces_dir, relative, NULL);
  g_autoptr(GBytes) bytes = load_crlf (path);
  g_autoptr(GError) error = NULL;
  GPtrArray *responses = parse_bytes (bytes, NULL, &error);

  g_assert_no_error (error);
  return responses;
}

static TernImapResponse *
find (GPtrArray  *responses,
      const char *name,
      guint       nth)
{
  for (guint i = 0; i < responses->len; i++)
    {
      TernImapResponse *r = g_ptr_array_index (responses, i);

      if (tern_imap_response_get_kind (r) != TERN_IMAP_RESPONSE_TAGGED && tern_imap_response_is (r, name) &&
          nth-- == 0)
        return r;
    }
  g_error ("no %s response", name);
  return NULL;
}

static TernImapResponse *
last (GPtrArray *responses)
{
  return g_ptr_array_index (responses, responses->len - 1);
}

/* ---- every file ------------------------------------------------------------------- */

/* Edited by hand in MailKit: the literal {515} ends before the header block's last line
 * " ", so ")" lands on a line of its own, which is not IMAP. The parser must refuse it
 * with a typed error. */
static const char *const known_broken[] = {
  "mailkit/gmail/headers.1+unsolicited-info.txt",
};

static gboolean
is_known_broken (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (known_broken); i++)
    {
      if (g_str_has_suffix (path, known_broken[i]))
        return TRUE;
    }
  return FALSE;
}

static void
test_all_traces (void)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  GRand *rand = g_rand_new_with_seed (1);
  guint total = 0, tagged = 0, literals_checked = 0, broken = 0;

  list_traces (traces_dir, files);
  g_assert_cmpuint (files->len, >=, 300);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autoptr(GBytes) bytes = load_crlf (path);
      g_autoptr(GPtrArray) whole = NULL;
      g_autoptr(GPtrArray) chunked = NULL;
      g_autoptr(GError) error = NULL;

      whole = parse_bytes (bytes, NULL, &error);
      if (is_known_broken (path))
        {
          /* A typed error, not a crash, and the same in chunks */
          g_assert_null (whole);
          g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PARSE);
          g_clear_error (&error);
          g_assert_null (parse_bytes (bytes, rand, &error));
          g_assert_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_PARSE);
          broken++;
          continue;
        }
      if (whole == NULL)
        g_error ("%s: %s", path, error->message);
      chunked = parse_bytes (bytes, rand, &error);
      if (chunked == NULL)
        g_error ("%s (in chunks): %s", path, error->message);

      g_assert_cmpuint (whole->len, >, 0);
      g_assert_cmpuint (whole->len, ==, chunked->len);
      for (guint j = 0; j < whole->len; j++)
        {
          TernImapResponse *r = g_ptr_array_index (whole, j);
          g_autofree char *a = tern_imap_response_to_string (r);
          g_autofree char *b = tern_imap_response_to_string (g_ptr_array_index (chunked, j));

          if (g_strcmp0 (a, b) != 0)
            g_error ("%s: response %u differs in chunks:\n%s\n%s", path, j, a, b);
          if (tern_imap_response_get_kind (r) == TERN_IMAP_RESPONSE_TAGGED)
            tagged++;
          /* Every FETCH's items come in name/value pairs */
          if (tern_imap_response_is (r, "FETCH"))
            {
              const TernImapValue *items = tern_imap_response_get_data_item (r, 0);

              g_assert_true (tern_imap_value_is_list (items));
              if (items->length % 2 != 0)
                g_error ("%s: a FETCH with an odd number of items: %s", path, a);
              literals_checked++;
            }
        }
      total += whole->len;
    }

  g_test_message ("%u files, %u responses, %u tagged, %u FETCH responses, %u known broken", files->len, total,
                  tagged, literals_checked, broken);
  g_assert_cmpuint (broken, ==, G_N_ELEMENTS (known_broken));
  g_rand_free (rand);
}

/* ---- known files ---------------------------------------------------------------------- */

static void
test_gmail_capability (void)
{
  g_autoptr(GPtrArray) responses = parse_trace ("mailkit/gmail/capability.txt");
  TernImapResponse *r = find (responses, "CAPABILITY", 0);
  g_auto(GStrv) caps = tern_imap_value_dup_atoms (tern_imap_response_get_data (r));

  g_assert_true (g_strv_contains ((const char * const *) caps, "X-GM-EXT-1"));
  g_assert_true (g_strv_contains ((const char * const *) caps, "AUTH=XOAUTH2"));
  g_assert_true (g_strv_contains ((const char * const *) caps, "SASL-IR"));
  g_assert_cmpuint (g_strv_length (caps), ==, 16);
  g_assert_cmpint (tern_imap_response_get_status (last (responses)), ==, TERN_IMAP_STATUS_OK);
}

static void
test_gmail_labels (void)
{
  g_autoptr(GPtrArray) responses = parse_trace ("mailkit/gmail/add-labels.txt");
  TernImapResponse *r = find (responses, "FETCH", 0);
  g_auto(GStrv) labels = tern_imap_response_dup_fetch_gmail_labels (r);
  guint32 uid = 0;

  g_assert_cmpstrv (labels, ((const char *[]) { "\\Important", "Custom Label", NULL }));
  g_assert_true (tern_imap_response_get_fetch_uid (r, &uid));
  g_assert_cmpuint (uid, ==, 1);
}

static void
test_gmail_body (void)
{
  g_autoptr(GPtrArray) responses = parse_trace ("mailkit/gmail/fetch.1.txt");
  TernImapResponse *r = find (responses, "FETCH", 0);
  gsize length = 0;
  const char *body = tern_imap_response_get_fetch_section (r, "BODY[]", &length);
  guint64 modseq = 0;

  g_assert_cmpuint (length, ==, 181614);
  g_assert_true (g_str_has_prefix (body, "Return-Path: <nsb>\r\n"));
  g_assert_true (tern_imap_response_get_fetch_modseq (r, &modseq));
  g_assert_cmpuint (modseq, ==, 29233);
  /* Unknown items with lists (XAOL-PAREN-LIST) parse as data */
  g_assert_cmpuint (tern_imap_value_get_n_children (tern_imap_response_get_fetch_item (r, "XAOL-PAREN-LIST")), ==, 2);
}

static void
test_gmail_body_structure (void)
{
  g_autoptr(GPtrArray) responses = parse_trace ("mailkit/gmail/fetch-nil-bodystructure.txt");
  g_autoptr(TernImapBodyStructure) body = tern_imap_response_dup_fetch_body_structure (find (responses, "FETCH", 0));
  TernImapBodyStructure *html;

  g_assert_nonnull (body);
  g_assert_true (tern_imap_body_structure_is (body, "multipart", "alternative"));
  g_assert_cmpuint (body->parts->len, ==, 2);
  html = g_ptr_array_index (body->parts, 1);
  g_assert_true (tern_imap_body_structure_is (html, "text", "html"));
  g_assert_cmpstr (html->part_id, ==, "2");
  g_assert_cmpuint (html->size, ==, 60479);
  g_assert_cmpuint (html->lines, ==, 873);
  g_assert_cmpstr (tern_imap_body_structure_get_param (html, "charset"), ==, "utf-8");
}

static void
test_dovecot_envelope (void)
{
  g_autoptr(GPtrArray) responses = parse_trace ("mailkit/dovecot/fetch3.txt");
  TernImapResponse *r = find (responses, "FETCH", 1);
  g_autoptr(TernImapEnvelope) envelope = tern_imap_response_dup_fetch_envelope (r);
  g_autoptr(TernImapBodyStructure) body = tern_imap_response_dup_fetch_body_structure (r);
  g_autoptr(GDateTime) date = tern_imap_response_dup_fetch_internaldate (r);
  g_auto(GStrv) flags = tern_imap_response_dup_fetch_flags (r);
  TernImapAddress *from;
  gsize length = 0;
  const char *references;

  g_assert_nonnull (envelope);
  g_assert_cmpstr (envelope->subject, ==, "B");
  g_assert_cmpstr (envelope->message_id, ==, "<b@mimekit.net>");
  from = g_ptr_array_index (envelope->from, 0);
  g_assert_cmpstr (from->name, ==, "Unit Tests");
  g_assert_cmpstr (from->host, ==, "mimekit.net");
  g_assert_true (tern_imap_body_structure_is (body, "text", "plain"));
  g_assert_cmpuint (body->size, ==, 27);
  g_assert_cmpint (g_date_time_get_minute (date), ==, 29);
  g_assert_cmpstrv (flags, ((const char *[]) { "\\Answered", "\\Seen", "\\Draft", "\\Recent", NULL }));
  references = tern_imap_response_get_fetch_section (r, "BODY[HEADER.FIELDS (REFERENCES X-MAILER)]", &length);
  g_assert_cmpmem (references, length, "References: <a@mimekit.net>\r\n\r\n", 31);
}

static void
test_dovecot_qresync (void)
{
  g_autoptr(GPtrArray) responses = parse_trace ("mailkit/dovecot/select-unittests-messages-qresync.txt");
  TernImapResponse *vanished = find (responses, "VANISHED", 0);
  g_autoptr(TernImapUidSet) uids = tern_imap_uid_set_new_from_value (tern_imap_response_get_data_item (vanished, 1));
  gboolean uidvalidity = FALSE, modseq = FALSE;

  g_assert_true (tern_imap_value_is_atom (tern_imap_value_get_child (tern_imap_response_get_data_item (vanished, 0), 0),
                                          "EARLIER"));
  g_assert_true (tern_imap_uid_set_contains (uids, 8));
  for (guint i = 0; i < responses->len; i++)
    {
      TernImapResponse *r = g_ptr_array_index (responses, i);
      const char *code = tern_imap_response_get_code_name (r);
      guint64 n = 0;

      if (g_strcmp0 (code, "UIDVALIDITY") == 0)
        {
          g_assert_true (tern_imap_value_get_number (tern_imap_response_get_code_arg (r, 0), &n));
          g_assert_cmpuint (n, ==, 1436832084);
          uidvalidity = TRUE;
        }
      if (g_strcmp0 (code, "HIGHESTMODSEQ") == 0)
        {
          g_assert_true (tern_imap_value_get_number (tern_imap_response_get_code_arg (r, 0), &n));
          g_assert_cmpuint (n, ==, 6);
          modseq = TRUE;
        }
    }
  g_assert_true (uidvalidity && modseq);
  g_assert_cmpstr (tern_imap_response_get_code_name (last (responses)), ==, "READ-WRITE");
}

static void
test_dovecot_appenduid_copyuid (void)
{
  g_autoptr(GPtrArray) append = parse_trace ("mailkit/dovecot/append.1.txt");
  g_autoptr(GPtrArray) move = parse_trace ("mailkit/dovecot/move.txt");
  TernImapResponse *r = last (append);
  g_autoptr(TernImapUidSet) destination = NULL;
  guint32 n = 0;

  g_assert_cmpstr (tern_imap_response_get_code_name (r), ==, "APPENDUID");
  g_assert_true (tern_imap_value_get_uint32 (tern_imap_response_get_code_arg (r, 1), &n));
  g_assert_cmpuint (n, ==, 1);

  /* MOVE: COPYUID in an untagged OK, then VANISHED */
  r = g_ptr_array_index (move, 0);
  g_assert_cmpint (tern_imap_response_get_kind (r), ==, TERN_IMAP_RESPONSE_UNTAGGED);
  g_assert_cmpstr (tern_imap_response_get_code_name (r), ==, "COPYUID");
  destination = tern_imap_uid_set_new_from_value (tern_imap_response_get_code_arg (r, 2));
  g_assert_cmpuint (tern_imap_uid_set_get_count (destination), ==, 7);
  g_assert_true (tern_imap_uid_set_contains (destination, 14));
  g_assert_nonnull (find (move, "VANISHED", 0));
}

static void
test_lists_and_namespace (void)
{
  g_autoptr(GPtrArray) special = parse_trace ("mailkit/dovecot/list-special-use.txt");
  g_autoptr(GPtrArray) ns = parse_trace ("mailkit/dovecot/namespace.txt");
  g_autoptr(GPtrArray) lowercase = parse_trace ("mailkit/lowercase/list.txt");
  g_autoptr(TernImapMailbox) sent = NULL;
  g_autoptr(TernImapMailbox) trash = NULL;
  g_autoptr(GPtrArray) personal = NULL;
  g_autoptr(GError) error = NULL;

  sent = tern_imap_mailbox_new_from_list (find (special, "LIST", 2), FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sent->name, ==, "Sent Messages");
  g_assert_cmpint (sent->delimiter, ==, '.');
  g_assert_cmpint (sent->flags & TERN_IMAP_MAILBOX_SPECIAL_USE_MASK, ==, TERN_IMAP_MAILBOX_SENT);
  g_assert_true (sent->flags & TERN_IMAP_MAILBOX_SUBSCRIBED);

  personal = tern_imap_namespace_list_from_value (tern_imap_response_get_data_item (find (ns, "NAMESPACE", 0), 0),
                                                  FALSE);
  g_assert_cmpuint (personal->len, ==, 1);
  g_assert_cmpstr (((TernImapNamespace *) g_ptr_array_index (personal, 0))->prefix, ==, "");

  trash = tern_imap_mailbox_new_from_list (find (lowercase, "LIST", 1), FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (trash->flags & TERN_IMAP_MAILBOX_TRASH);
}

/* Exchange's bare "[COPYUID 55 31 6]" line reads as an untagged OK with that code */
static void
test_exchange_bare_code (void)
{
  g_autoptr(GPtrArray) responses = parse_trace ("mailkit/exchange/issue115.txt");
  TernImapResponse *r = g_ptr_array_index (responses, 0);

  g_assert_cmpint (tern_imap_response_get_kind (r), ==, TERN_IMAP_RESPONSE_UNTAGGED);
  g_assert_cmpint (tern_imap_response_get_status (r), ==, TERN_IMAP_STATUS_OK);
  g_assert_cmpstr (tern_imap_response_get_code_name (r), ==, "COPYUID");
  g_assert_cmpuint (responses->len, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  const char *corpus = g_getenv ("TERN_CORPUS_DIR");

  g_test_init (&argc, &argv, NULL);

  if (corpus == NULL || corpus[0] == '\0')
    corpus = "../shared/corpus";
  traces_dir = g_build_filename (corpus, "imap-traces", NULL);
  if (!g_file_test (traces_dir, G_FILE_TEST_IS_DIR))
    {
      g_printerr ("The IMAP traces of the corpus are not at %s (TERN_CORPUS_DIR or -Dcorpus_dir): "
                  "skipping the corpus replay\n", traces_dir);
      g_print ("# SKIP: the recorded IMAP conversations are absent (%s)\n", traces_dir);
      return 77;
    }

  g_test_add_func ("/imap/corpus/all-traces", test_all_traces);
  g_test_add_func ("/imap/corpus/gmail-capability", test_gmail_capability);
  g_test_add_func ("/imap/corpus/gmail-labels", test_gmail_labels);
  g_test_add_func ("/imap/corpus/gmail-body", test_gmail_body);
  g_test_add_func ("/imap/corpus/gmail-body-structure", test_gmail_body_structure);
  g_test_add_func ("/imap/corpus/dovecot-envelope", test_dovecot_envelope);
  g_test_add_func ("/imap/corpus/dovecot-qresync", test_dovecot_qresync);
  g_test_add_func ("/imap/corpus/dovecot-appenduid-copyuid", test_dovecot_appenduid_copyuid);
  g_test_add_func ("/imap/corpus/lists-and-namespace", test_lists_and_namespace);
  g_test_add_func ("/imap/corpus/exchange-bare-code", test_exchange_bare_code);

  return g_test_run ();
}
