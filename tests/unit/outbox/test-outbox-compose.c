/* test-outbox-compose.c: what a composer builds: format=flowed, messages with
 * attachments and non-ASCII names, drafts read back, address checks, the words that
 * mention an attachment, mailto: links, replies and forwards
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <gmime/gmime.h>

#include "tern-outbox-composition.h"
#include "tern-outbox-error.h"
#include "tern-outbox-flowed.h"
#include "tern-outbox-reply.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GMimeMessage, g_object_unref)

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static GMimeMessage *
parse (GBytes *raw)
{
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  GMimeParser *parser = g_mime_parser_new_with_stream (stream);
  GMimeMessage *message = g_mime_parser_construct_message (parser, NULL);

  g_object_unref (parser);
  g_object_unref (stream);
  g_assert_nonnull (message);
  return message;
}

/* ---- format=flowed ---------------------------------------------------------------- */

static void
assert_lines_fit (const char *flowed, guint width)
{
  g_auto(GStrv) lines = g_strsplit (flowed, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strchr (lines[i], ' ') != NULL && strchr (lines[i], ' ') < lines[i] + strlen (lines[i]) - 1)
      g_assert_cmpuint (g_utf8_strlen (lines[i], -1), <=, width);
}

static void
test_flowed_encode (void)
{
  const char *paragraph = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
                          "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
                          "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.";
  g_autofree char *flowed = tern_outbox_flowed_encode (paragraph, 0);
  g_autofree char *back = tern_outbox_flowed_decode (flowed, FALSE);
  g_auto(GStrv) lines = g_strsplit (flowed, "\n", -1);

  /* Wrapped into short lines, each but the last ending with the soft break's space. */
  g_assert_cmpuint (g_strv_length (lines), >=, 4);
  for (guint i = 0; lines[i + 1] != NULL && lines[i + 2] != NULL; i++)
    g_assert_true (g_str_has_suffix (lines[i], " "));
  g_assert_false (g_str_has_suffix (lines[g_strv_length (lines) - 2], " "));
  assert_lines_fit (flowed, TERN_OUTBOX_FLOWED_WIDTH);
  g_assert_cmpstr (back, ==, "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
                             "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
                             "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.\n");
}

static void
test_flowed_special (void)
{
  struct { const char *in, *out; } cases[] = {
    /* hard breaks lose trailing spaces */
    { "short   \nline\n", "short\nline\n" },
    /* space-stuffing */
    { "From here on\n indented\n", " From here on\n  indented\n" },
    /* the signature separator stays */
    { "Text\n-- \nAlice\n", "Text\n-- \nAlice\n" },
    /* quote marks alone, quoted lines, an empty line */
    { "> quoted\n>\n>> deeper\n\nmine", "> quoted\n>\n>> deeper\n\nmine\n" },
    /* a word longer than the width stays whole */
    { "see https://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ok",
      "see \nhttps://example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \nok\n" },
    /* CRLF in */
    { "a\r\nb\r\n", "a\nb\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *flowed = tern_outbox_flowed_encode (cases[i].in, 0);
      g_assert_cmpstr (flowed, ==, cases[i].out);
    }
}

static void
test_flowed_quoted_wrap (void)
{
  g_autofree char *long_quote = g_strconcat ("> ", "The quick brown fox jumps over the lazy dog; "
                                             "the quick brown fox jumps over the lazy dog again; and again.", NULL);
  g_autofree char *flowed = tern_outbox_flowed_encode (long_quote, 40);
  g_autofree char *back = tern_outbox_flowed_decode (flowed, FALSE);
  g_auto(GStrv) lines = g_strsplit (flowed, "\n", -1);

  /* Every line it is wrapped to keeps the quote mark. */
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    g_assert_true (g_str_has_prefix (lines[i], "> "));
  assert_lines_fit (flowed, 40);
  g_assert_cmpstr (back, ==, "> The quick brown fox jumps over the lazy dog; the quick brown fox jumps over the "
                             "lazy dog again; and again.\n");
}

static void
test_flowed_decode (void)
{
  g_autofree char *plain = tern_outbox_flowed_decode ("Hello \nworld\n>> quoted \n>> more\n> one \n\n -- x\n", FALSE);
  g_autofree char *delsp = tern_outbox_flowed_decode ("Hel \nlo\n", TRUE);
  /* A soft break into another quote depth is a hard one. */
  g_autofree char *depths = tern_outbox_flowed_decode ("> a \n>> b\n", FALSE);
  g_autofree char *sig = tern_outbox_flowed_decode ("x\n-- \nsig\n", FALSE);

  g_assert_cmpstr (plain, ==, "Hello world\n>> quoted more\n> one \n\n-- x\n");
  g_assert_cmpstr (delsp, ==, "Hello\n");
  g_assert_cmpstr (depths, ==, "> a \n>> b\n");
  g_assert_cmpstr (sig, ==, "x\n-- \nsig\n");
}

/* ---- building and reading back ---------------------------------------------------------- */

static TernOutboxComposition *
sample (void)
{
  TernOutboxComposition *c = tern_outbox_composition_new ();
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 1, 2, 3, 0xff, 0xfe };
  g_autoptr(GBytes) image = g_bytes_new_static (png, sizeof png);
  g_autoptr(GBytes) text = bytes ("Zeile 1\nZeile 2\n");

  c->from = g_strdup ("Zoë Ærø <zoe@tern.test>");
  c->to = g_strdup ("\"Jones, Carol\" <carol@tern.test>, bob@tern.test");
  c->cc = g_strdup ("Renée Dupré <renee@tern.test>");
  c->bcc = g_strdup ("dave@tern.test");
  c->subject = g_strdup ("Grüße aus Köln — 東京 ✓");
  g_free (c->body);
  c->body = g_strdup ("Hallo Carol,\n\nanbei die Unterlagen. Ein sehr langer Absatz, der umbrochen werden muss, weil er "
                      "länger als zweiundsiebzig Zeichen ist, und das ist er.\n\n-- \nZoë");
  g_ptr_array_add (c->attachments, tern_outbox_attachment_new ("Überblick – 2024.png", "image/png", image));
  g_ptr_array_add (c->attachments, tern_outbox_attachment_new ("notes.txt", NULL, text));
  c->in_reply_to = g_strdup ("orig@tern.test");
  c->references = g_strsplit ("root@tern.test orig@tern.test", " ", -1);
  c->origin = TERN_OUTBOX_ORIGIN_REPLY;
  c->origin_message_id = g_strdup ("orig@tern.test");
  return c;
}

static void
test_build (void)
{
  g_autoptr(TernOutboxComposition) c = sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = tern_outbox_composition_build (c, TERN_OUTBOX_BUILD_NONE, &error);
  g_autoptr(GMimeMessage) message = NULL;
  GMimeObject *body;
  GMimeMultipart *mixed;
  GMimePart *text, *image;
  GMimeContentType *type;
  const char *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (raw, NULL);
  /* 7-bit on the wire, CRLF line ends, no X-Tern-Origin outside drafts. */
  for (gsize i = 0; i < g_bytes_get_size (raw); i++)
    {
      g_assert_cmpuint ((guchar) data[i], <, 0x80);
      if (data[i] == '\n')
        g_assert_true (i > 0 && data[i - 1] == '\r');
    }
  g_assert_null (g_strstr_len (data, g_bytes_get_size (raw), "X-Tern-Origin"));

  message = parse (raw);
  g_assert_cmpstr (g_mime_message_get_subject (message), ==, "Grüße aus Köln — 東京 ✓");
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_from (message), 0)),
                   ==, "Zoë Ærø");
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_to (message)), ==, 2);
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_to (message), 0)),
                   ==, "Jones, Carol");
  g_assert_cmpstr (internet_address_get_name (internet_address_list_get_address (g_mime_message_get_cc (message), 0)),
                   ==, "Renée Dupré");
  g_assert_cmpint (internet_address_list_length (g_mime_message_get_bcc (message)), ==, 1);
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (message), "In-Reply-To"), ==, "<orig@tern.test>");
  g_assert_cmpstr (g_mime_object_get_header (GMIME_OBJECT (message), "References"), ==,
                   "<root@tern.test> <orig@tern.test>");
  g_assert_nonnull (g_mime_message_get_message_id (message));
  g_assert_true (g_str_has_suffix (g_mime_message_get_message_id (message), "@tern.test"));

  body = g_mime_message_get_mime_part (message);
  g_assert_true (GMIME_IS_MULTIPART (body));
  mixed = GMIME_MULTIPART (body);
  g_assert_cmpint (g_mime_multipart_get_count (mixed), ==, 3);
  text = GMIME_PART (g_mime_multipart_get_part (mixed, 0));
  type = g_mime_object_get_content_type (GMIME_OBJECT (text));
  g_assert_true (g_mime_content_type_is_type (type, "text", "plain"));
  g_assert_cmpstr (g_mime_content_type_get_parameter (type, "format"), ==, "flowed");
  g_assert_cmpstr (g_mime_content_type_get_parameter (type, "charset"), ==, "utf-8");
  {
    g_autofree char *decoded = g_mime_text_part_get_text (GMIME_TEXT_PART (text));
    g_autofree char *lf = NULL;
    g_autofree char *back = NULL;
    GString *s = g_string_new (NULL);

    for (const char *p = decoded; *p != '\0'; p++)
      if (*p != '\r')
        g_string_append_c (s, *p);
    lf = g_string_free (s, FALSE);
    back = tern_outbox_flowed_decode (lf, FALSE);
    g_assert_cmpstr (back, ==, "Hallo Carol,\n\nanbei die Unterlagen. Ein sehr langer Absatz, der umbrochen werden "
                               "muss, weil er länger als zweiundsiebzig Zeichen ist, und das ist er.\n\n-- \nZoë\n");
  }
  image = GMIME_PART (g_mime_multipart_get_part (mixed, 1));
  g_assert_cmpstr (g_mime_part_get_filename (image), ==, "Überblick – 2024.png");
  g_assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (GMIME_OBJECT (image)), "image", "png"));
  g_assert_cmpint (g_mime_part_get_content_encoding (image), ==, GMIME_CONTENT_ENCODING_BASE64);
  {
    GMimeStream *out = g_mime_stream_mem_new ();
    GByteArray *array;

    g_mime_data_wrapper_write_to_stream (g_mime_part_get_content (image), out);
    array = g_mime_stream_mem_get_byte_array (GMIME_STREAM_MEM (out));
    g_assert_cmpmem (array->data, array->len, "\x89PNG\r\n\x1a\n\0\1\2\3\xff\xfe", 14);
    g_object_unref (out);
  }
  /* A type guessed from the name. */
  g_assert_true (g_mime_content_type_is_type (g_mime_object_get_content_type (g_mime_multipart_get_part (mixed, 2)),
                                              "text", "plain"));
}

static void
test_build_errors (void)
{
  g_autoptr(TernOutboxComposition) c = sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;

  g_free (c->cc);
  c->cc = g_strdup ("renee@tern.test, not an address");
  g_assert_null (tern_outbox_composition_build (c, TERN_OUTBOX_BUILD_NONE, &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS);
  g_assert_nonnull (strstr (error->message, "not an address"));
  g_clear_error (&error);

  g_free (c->cc);
  c->cc = NULL;
  g_free (c->body);
  c->body = g_strdup ("caf\xe9");
  g_assert_null (tern_outbox_composition_build (c, TERN_OUTBOX_BUILD_NONE, &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_TEXT);
  g_clear_error (&error);

  /* No recipients: a draft may be built. */
  g_free (c->body);
  c->body = g_strdup ("");
  g_clear_pointer (&c->to, g_free);
  g_clear_pointer (&c->bcc, g_free);
  raw = tern_outbox_composition_build (c, TERN_OUTBOX_BUILD_DRAFT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (raw);
  g_assert_false (tern_outbox_composition_has_recipients (c));
}

static void
test_draft_round_trip (void)
{
  g_autoptr(TernOutboxComposition) c = sample ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(TernOutboxComposition) back = NULL;
  g_autoptr(GBytes) forwarded = bytes ("From: x@tern.test\r\nSubject: inner\r\nMessage-ID: <inner@tern.test>\r\n\r\n"
                                       "Inner text.\r\n");

  g_ptr_array_add (c->attachments, tern_outbox_attachment_new ("inner.eml", "message/rfc822", forwarded));
  raw = tern_outbox_composition_build (c, TERN_OUTBOX_BUILD_DRAFT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                                  "X-Tern-Origin: reply <orig@tern.test>"));
  back = tern_outbox_composition_new_from_message (raw, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->from, ==, "Zoë Ærø <zoe@tern.test>");
  g_assert_cmpstr (back->to, ==, "\"Jones, Carol\" <carol@tern.test>, bob@tern.test");
  g_assert_cmpstr (back->cc, ==, "Renée Dupré <renee@tern.test>");
  g_assert_cmpstr (back->bcc, ==, "dave@tern.test");
  g_assert_cmpstr (back->subject, ==, c->subject);
  g_assert_cmpstr (back->body, ==, c->body);
  g_assert_cmpstr (back->in_reply_to, ==, "orig@tern.test");
  g_assert_cmpstrv (back->references, c->references);
  g_assert_cmpint (back->origin, ==, TERN_OUTBOX_ORIGIN_REPLY);
  g_assert_cmpstr (back->origin_message_id, ==, "orig@tern.test");
  g_assert_cmpuint (back->attachments->len, ==, 3);
  for (guint i = 0; i < 2; i++)
    {
      TernOutboxAttachment *a = g_ptr_array_index (c->attachments, i);
      TernOutboxAttachment *b = g_ptr_array_index (back->attachments, i);

      g_assert_cmpstr (a->filename, ==, b->filename);
      g_assert_cmpstr (a->content_type, ==, b->content_type);
      g_assert_true (g_bytes_equal (a->data, b->data));
    }
  {
    TernOutboxAttachment *b = g_ptr_array_index (back->attachments, 2);

    g_assert_cmpstr (b->filename, ==, "inner.eml");
    g_assert_cmpstr (b->content_type, ==, "message/rfc822");
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (b->data, NULL), g_bytes_get_size (b->data), "Inner text."));
  }

  /* Not a message. */
  {
    g_autoptr(GBytes) empty = bytes ("");

    g_assert_null (tern_outbox_composition_new_from_message (empty, &error));
    g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NOT_A_MESSAGE);
  }
}

/* ---- addresses, attachment words, mailto: --------------------------------------------- */

static void
test_addresses (void)
{
  struct { const char *text; gboolean valid; guint n; const char *bad; } cases[] = {
    { "", TRUE, 0, NULL },
    { "bob@tern.test", TRUE, 1, NULL },
    { "Bob <bob@tern.test>, \"Jones, Carol\" <carol@tern.test>", TRUE, 2, NULL },
    { "bob@tern.test; carol@tern.test", TRUE, 2, NULL },
    { "Renée <renée@exämple.org>", TRUE, 1, NULL },
    { "x@[192.0.2.1]", TRUE, 1, NULL },
    { "Friends: a@tern.test, b@tern.test;", TRUE, 2, NULL },
    { "bob@tern.test, carol", FALSE, 0, "carol" },
    { "bob@", FALSE, 0, "bob@" },
    { "@tern.test", FALSE, 0, "@tern.test" },
    { "bob@localhost", FALSE, 0, "bob@localhost" },
    { "bob@-tern.test", FALSE, 0, "bob@-tern.test" },
    { "bob@tern..test", FALSE, 0, "bob@tern..test" },
    { "bob@1.2.3.4", FALSE, 0, "bob@1.2.3.4" },
    { "Bob <bob at tern.test>", FALSE, 0, "Bob <bob at tern.test>" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *bad = NULL;
      guint n = 99;

      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (tern_outbox_check_addresses (cases[i].text, &bad, &n), ==, cases[i].valid);
      g_assert_cmpstr (bad, ==, cases[i].bad);
      if (cases[i].valid)
        g_assert_cmpuint (n, ==, cases[i].n);
    }
  {
    g_auto(GStrv) addresses = tern_outbox_dup_addresses ("Bob <bob@tern.test>, carol@tern.test");
    const char *expected[] = { "bob@tern.test", "carol@tern.test", NULL };

    g_assert_cmpstrv (addresses, expected);
  }
}

static void
test_attachment_words (void)
{
  const char *words[] = { "attach*", "enclos*", "anbei", "pièce jointe", "anhang*", NULL };

  g_assert_true (tern_outbox_text_mentions_attachment ("Please see the attached file.", NULL));
  g_assert_true (tern_outbox_text_mentions_attachment ("ATTACHMENT below", NULL));
  g_assert_true (tern_outbox_text_mentions_attachment ("I have enclosed the forms.", NULL));
  g_assert_false (tern_outbox_text_mentions_attachment ("Nothing to see here.", NULL));
  /* Not in a quote, nor in the signature. */
  g_assert_false (tern_outbox_text_mentions_attachment ("Thanks!\n\n> see the attached report\n", NULL));
  g_assert_false (tern_outbox_text_mentions_attachment ("Thanks!\n-- \nAttachments are scanned.\n", NULL));
  /* A whole word: "reattach" is not "attach*". */
  g_assert_false (tern_outbox_text_mentions_attachment ("Please reattach the cable.", NULL));
  /* Other languages' words, phrases, case and accents. */
  g_assert_true (tern_outbox_text_mentions_attachment ("Hallo, anbei die Rechnung.", words));
  g_assert_true (tern_outbox_text_mentions_attachment ("Im ANHANG findest du alles.", words));
  g_assert_true (tern_outbox_text_mentions_attachment ("Voir la Pièce Jointe.", words));
  g_assert_false (tern_outbox_text_mentions_attachment ("Une pièce de théâtre.", words));
  /* The English words are there whatever the translations. */
  g_assert_true (g_strv_contains (tern_outbox_get_attachment_words (), "attach*"));
}

static void
test_mailto (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxComposition) a = NULL;
  g_autoptr(TernOutboxComposition) b = NULL;
  g_autoptr(TernOutboxComposition) c = NULL;
  g_autoptr(TernOutboxComposition) d = NULL;

  /* RFC 6068 section 6.1 and 6.2 examples. */
  a = tern_outbox_composition_new_from_mailto ("mailto:chris@example.com", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->to, ==, "chris@example.com");

  b = tern_outbox_composition_new_from_mailto (
    "mailto:infobot@example.com?subject=current-issue&body=send%20current-issue%0D%0Asend%20index"
    "&cc=bob@example.com&bcc=secret@example.com&to=joe@example.com&x-evil=1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (b->to, ==, "infobot@example.com, joe@example.com");
  g_assert_cmpstr (b->cc, ==, "bob@example.com");
  g_assert_cmpstr (b->bcc, ==, "secret@example.com");
  g_assert_cmpstr (b->subject, ==, "current-issue");
  g_assert_cmpstr (b->body, ==, "send current-issue\nsend index");

  /* Non-ASCII (percent-encoded UTF-8), several addresses, an empty path, In-Reply-To. */
  c = tern_outbox_composition_new_from_mailto (
    "mailto:?to=%22Ren%C3%A9e%22%20%3Crenee@tern.test%3E,bob@tern.test&subject=Caf%C3%A9%20%E2%98%95"
    "&In-Reply-To=%3C3469A91.D10AF4C@example.com%3E", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->to, ==, "\"Renée\" <renee@tern.test>,bob@tern.test");
  g_assert_cmpstr (c->subject, ==, "Café ☕");
  g_assert_cmpstr (c->in_reply_to, ==, "3469A91.D10AF4C@example.com");

  d = tern_outbox_composition_new_from_mailto ("mailto:a@tern.test?subject=%FF", &error);
  g_assert_null (d);
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);
  g_assert_null (tern_outbox_composition_new_from_mailto ("http://example.com", &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_INVALID_ADDRESS);
}

static void
test_signature (void)
{
  g_autoptr(TernOutboxComposition) fresh = tern_outbox_composition_new ();
  g_autoptr(TernOutboxComposition) above = tern_outbox_composition_new ();
  g_autoptr(TernOutboxComposition) below = tern_outbox_composition_new ();

  {
    g_autoptr(TernOutboxComposition) mailto = tern_outbox_composition_new ();

    g_free (mailto->body);
    mailto->body = g_strdup ("Given text.");
    tern_outbox_composition_add_signature (mailto, "Alice", TERN_OUTBOX_SIGNATURE_ABOVE_QUOTE);
    g_assert_cmpstr (mailto->body, ==, "Given text.\n\n\n-- \nAlice\n");
    g_assert_cmpint (mailto->cursor, ==, 12);
  }
  tern_outbox_composition_add_signature (fresh, "Alice\nTern Inc.\n", TERN_OUTBOX_SIGNATURE_BELOW_QUOTE);
  g_assert_cmpstr (fresh->body, ==, "\n\n-- \nAlice\nTern Inc.\n");
  g_assert_cmpint (fresh->cursor, ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      TernOutboxComposition *c = i == 0 ? above : below;

      c->origin = TERN_OUTBOX_ORIGIN_REPLY;
      g_free (c->body);
      c->body = g_strdup ("On Monday, Bob wrote:\n> Hi\n");
    }
  tern_outbox_composition_add_signature (above, "-- \nAlice", TERN_OUTBOX_SIGNATURE_ABOVE_QUOTE);
  g_assert_cmpstr (above->body, ==, "\n\n-- \nAlice\n\nOn Monday, Bob wrote:\n> Hi\n");
  g_assert_cmpint (above->cursor, ==, 0);
  tern_outbox_composition_add_signature (below, "Alice", TERN_OUTBOX_SIGNATURE_BELOW_QUOTE);
  g_assert_cmpstr (below->body, ==, "On Monday, Bob wrote:\n> Hi\n\n\n\n-- \nAlice\n");
  g_assert_cmpint (below->cursor, ==, g_utf8_strlen ("On Monday, Bob wrote:\n> Hi\n\n", -1));
}

/* ---- replies and forwards ------------------------------------------------------------------ */

static const char *own[] = { "alice@tern.test", "alice.alias@tern.test", NULL };

static const char original[] =
  "From: Bob Builder <bob@tern.test>\r\n"
  "Reply-To: Team <team@tern.test>\r\n"
  "To: alice.alias@tern.test, Carol <carol@tern.test>\r\n"
  "Cc: ALICE@tern.test, dave@tern.test, carol@tern.test\r\n"
  "Subject: Re: AW: Re: Plans\r\n"
  "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
  "Message-ID: <m3@tern.test>\r\n"
  "In-Reply-To: <m2@tern.test>\r\n"
  "References: <m1@tern.test> <m2@tern.test>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/mixed; boundary=\"b\"\r\n"
  "\r\n"
  "--b\r\n"
  "Content-Type: multipart/alternative; boundary=\"a\"\r\n"
  "\r\n"
  "--a\r\n"
  "Content-Type: text/plain; charset=iso-8859-1; format=flowed\r\n"
  "Content-Transfer-Encoding: quoted-printable\r\n"
  "\r\n"
  "Caf=E9 at ten, a long line that was soft \r\n"
  "broken.\r\n"
  "> earlier words\r\n"
  "\r\n"
  "-- \r\n"
  "Bob\r\n"
  "--a\r\n"
  "Content-Type: text/html; charset=utf-8\r\n"
  "\r\n"
  "<p>Caf\xc3\xa9 at ten</p>\r\n"
  "--a--\r\n"
  "--b\r\n"
  "Content-Type: application/pdf; name=\"plan.pdf\"\r\n"
  "Content-Disposition: attachment; filename=\"plan.pdf\"\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "\r\n"
  "JVBERi0xLjQK\r\n"
  "--b--\r\n";

static void
test_reply (void)
{
  g_autoptr(GBytes) raw = bytes (original);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxComposition) reply = tern_outbox_composition_new_reply (raw, TERN_OUTBOX_REPLY_SENDER, own, &error);
  g_autoptr(TernOutboxComposition) all = tern_outbox_composition_new_reply (raw, TERN_OUTBOX_REPLY_ALL, own, &error);
  const char *refs[] = { "m1@tern.test", "m2@tern.test", "m3@tern.test", NULL };

  g_assert_no_error (error);
  /* To the Reply-To; the identity it was sent to is the sender. */
  g_assert_cmpstr (reply->to, ==, "Team <team@tern.test>");
  g_assert_null (reply->cc);
  g_assert_cmpstr (reply->from, ==, "alice.alias@tern.test");
  g_assert_cmpstr (reply->subject, ==, "Re: Plans");
  g_assert_cmpstr (reply->in_reply_to, ==, "m3@tern.test");
  g_assert_cmpstrv (reply->references, refs);
  g_assert_cmpint (reply->origin, ==, TERN_OUTBOX_ORIGIN_REPLY);
  g_assert_cmpstr (reply->origin_message_id, ==, "m3@tern.test");
  /* The attribution, the flowed text unwrapped and quoted, its signature left out. */
  g_assert_cmpstr (reply->body, ==, "On Mon, 1 Jan 2024 at 10:00, Bob Builder wrote:\n"
                                    "> Café at ten, a long line that was soft broken.\n"
                                    ">> earlier words\n");
  g_assert_cmpuint (reply->attachments->len, ==, 0);

  /* Reply All: the others too, none of one's own addresses, no doubles. */
  g_assert_cmpstr (all->to, ==, "Team <team@tern.test>, Carol <carol@tern.test>");
  g_assert_cmpstr (all->cc, ==, "dave@tern.test");
  g_assert_cmpstr (all->subject, ==, "Re: Plans");
}

static void
test_reply_own_and_html (void)
{
  g_autoptr(GBytes) sent = bytes ("From: Alice <alice@tern.test>\r\nTo: Bob <bob@tern.test>\r\nCc: carol@tern.test\r\n"
                                  "Subject: Lunch\r\nMessage-ID: <s1@tern.test>\r\n"
                                  "Content-Type: text/html; charset=utf-8\r\n\r\n"
                                  "<html><head><style>p{}</style></head><body><p>Hello <b>Bob</b>,</p>"
                                  "<p>Lunch at <i>noon</i>?</p><script>x()</script></body></html>\r\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxComposition) reply = tern_outbox_composition_new_reply (sent, TERN_OUTBOX_REPLY_ALL, own, &error);

  g_assert_no_error (error);
  /* One's own message: the reply goes where it went. */
  g_assert_cmpstr (reply->to, ==, "Bob <bob@tern.test>");
  g_assert_cmpstr (reply->cc, ==, "carol@tern.test");
  g_assert_cmpstr (reply->from, ==, "alice@tern.test");
  /* No date: the short attribution; HTML reduced to text. */
  g_assert_true (g_str_has_prefix (reply->body, "Alice wrote:\n> Hello Bob,\n"));
  g_assert_nonnull (strstr (reply->body, "> Lunch at noon?"));
  g_assert_null (strstr (reply->body, "x()"));
  g_assert_null (strstr (reply->body, "<"));
  /* No References: only the original's id. */
  g_assert_cmpstr (reply->references[0], ==, "s1@tern.test");
  g_assert_null (reply->references[1]);
}

static void
test_reply_charsets (void)
{
  struct { const char *charset, *encoding, *body, *expected; } cases[] = {
    { "koi8-r", "8bit", "\xf0\xd2\xc9\xd7\xc5\xd4, \xcd\xc9\xd2!", "> Привет, мир!\n" },
    { "iso-2022-jp", "7bit", "\x1b$B$3$s$K$A$O\x1b(B", "> こんにちは\n" },
    { "windows-1252", "quoted-printable", "=93Quotes=94 =80 5", "> “Quotes” € 5\n" },
    { "utf-8", "base64", "R3LDvMOfZQ==", "> Grüße\n" },
    { "x-unknown-charset", "8bit", "plain ascii", "> plain ascii\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("From: =?%s?B?%s?= <x@tern.test>\r\nSubject: =?utf-8?q?=C3=9Cber?=\r\n"
                                               "Message-ID: <c%u@tern.test>\r\n"
                                               "Content-Type: text/plain; charset=%s\r\n"
                                               "Content-Transfer-Encoding: %s\r\n\r\n%s\r\n",
                                               "utf-8", "WMOz", i, cases[i].charset, cases[i].encoding,
                                               cases[i].body);
      g_autoptr(GBytes) raw = bytes (text);
      g_autoptr(GError) error = NULL;
      g_autoptr(TernOutboxComposition) reply = tern_outbox_composition_new_reply (raw, TERN_OUTBOX_REPLY_SENDER, own,
                                                                                  &error);

      g_test_message ("%s", cases[i].charset);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (reply->body, "Xó wrote:\n"));
      g_assert_cmpstr (reply->body + strlen ("Xó wrote:\n"), ==, cases[i].expected);
      g_assert_cmpstr (reply->subject, ==, "Re: Über");
    }
}

static void
test_subjects (void)
{
  struct { const char *in; gboolean forward; const char *out; } cases[] = {
    { "Plans", FALSE, "Re: Plans" },
    { "Re: Plans", FALSE, "Re: Plans" },
    { "RE: re: Re[2]: Plans", FALSE, "Re: Plans" },
    { "AW: SV: Antw: Plans", FALSE, "Re: Plans" },
    { "Fwd: Plans", FALSE, "Re: Fwd: Plans" },
    { "[dev] Re: Plans", FALSE, "Re: [dev] Plans" },
    { "[dev] Plans", FALSE, "Re: [dev] Plans" },
    { "Re：件名", FALSE, "Re: 件名" },
    { "", FALSE, "Re:" },
    { NULL, TRUE, "Fwd:" },
    { "Plans", TRUE, "Fwd: Plans" },
    { "Fwd: FW: Plans", TRUE, "Fwd: Plans" },
    { "Re: Plans", TRUE, "Fwd: Re: Plans" },
    { "Really?", FALSE, "Re: Really?" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *subject = tern_outbox_reply_subject (cases[i].in, cases[i].forward);
      g_assert_cmpstr (subject, ==, cases[i].out);
    }
}

static void
test_forward (void)
{
  g_autoptr(GBytes) raw = bytes (original);
  g_autoptr(GError) error = NULL;
  g_autoptr(TernOutboxComposition) inline_ = tern_outbox_composition_new_reply (raw, TERN_OUTBOX_FORWARD_INLINE, own,
                                                                                &error);
  g_autoptr(TernOutboxComposition) attached = tern_outbox_composition_new_reply (raw, TERN_OUTBOX_FORWARD_ATTACHMENT,
                                                                                 own, &error);
  TernOutboxAttachment *a;

  g_assert_no_error (error);
  g_assert_null (inline_->to);
  g_assert_null (inline_->in_reply_to);
  g_assert_cmpstr (inline_->subject, ==, "Fwd: Re: AW: Re: Plans");
  g_assert_cmpint (inline_->origin, ==, TERN_OUTBOX_ORIGIN_FORWARD);
  g_assert_cmpstr (inline_->origin_message_id, ==, "m3@tern.test");
  g_assert_true (g_str_has_prefix (inline_->body, "-------- Forwarded Message --------\n"
                                                  "Subject: Re: AW: Re: Plans\n"
                                                  "Date: Mon, 1 Jan 2024 at 10:00\n"
                                                  "From: Bob Builder <bob@tern.test>\n"
                                                  "To: alice.alias@tern.test, Carol <carol@tern.test>\n"
                                                  "Cc: ALICE@tern.test, dave@tern.test, carol@tern.test\n\n"
                                                  "Café at ten, a long line that was soft broken.\n"));
  /* The attachments are kept, byte for byte. */
  g_assert_cmpuint (inline_->attachments->len, ==, 1);
  a = g_ptr_array_index (inline_->attachments, 0);
  g_assert_cmpstr (a->filename, ==, "plan.pdf");
  g_assert_cmpstr (a->content_type, ==, "application/pdf");
  g_assert_cmpmem (g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data), "%PDF-1.4\n", 9);

  /* As an attachment: the message as it came. */
  g_assert_cmpstr (attached->body, ==, "");
  g_assert_cmpuint (attached->attachments->len, ==, 1);
  a = g_ptr_array_index (attached->attachments, 0);
  g_assert_cmpstr (a->content_type, ==, "message/rfc822");
  g_assert_cmpstr (a->filename, ==, "Re_ AW_ Re_ Plans.eml");
  g_assert_true (g_bytes_equal (a->data, raw));
  {
    g_autoptr(GBytes) built = NULL;
    g_autoptr(GMimeMessage) message = NULL;
    GMimeObject *part;

    g_free (attached->from);
    attached->from = g_strdup ("alice@tern.test");
    attached->to = g_strdup ("erin@tern.test");
    built = tern_outbox_composition_build (attached, TERN_OUTBOX_BUILD_NONE, &error);
    g_assert_no_error (error);
    message = parse (built);
    part = g_mime_multipart_get_part (GMIME_MULTIPART (g_mime_message_get_mime_part (message)), 1);
    g_assert_true (GMIME_IS_MESSAGE_PART (part));
    g_assert_cmpstr (g_mime_message_get_message_id (g_mime_message_part_get_message (GMIME_MESSAGE_PART (part))), ==,
                     "m3@tern.test");
  }

  g_assert_null (tern_outbox_composition_new_reply (g_bytes_new_static ("", 0), TERN_OUTBOX_REPLY_SENDER, own,
                                                    &error));
  g_assert_error (error, TERN_OUTBOX_ERROR, TERN_OUTBOX_ERROR_NOT_A_MESSAGE);
}

static void
test_quote (void)
{
  g_autofree char *q = tern_outbox_quote_text ("\n\nfirst\n\n> older\n>> oldest\nlast   \n\n-- \nsig\n");

  g_assert_cmpstr (q, ==, "> first\n>\n>> older\n>>> oldest\n> last\n");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_mime_init ();

  g_test_add_func ("/outbox/flowed/encode", test_flowed_encode);
  g_test_add_func ("/outbox/flowed/special", test_flowed_special);
  g_test_add_func ("/outbox/flowed/quoted-wrap", test_flowed_quoted_wrap);
  g_test_add_func ("/outbox/flowed/decode", test_flowed_decode);
  g_test_add_func ("/outbox/compose/build", test_build);
  g_test_add_func ("/outbox/compose/build-errors", test_build_errors);
  g_test_add_func ("/outbox/compose/draft-round-trip", test_draft_round_trip);
  g_test_add_func ("/outbox/compose/addresses", test_addresses);
  g_test_add_func ("/outbox/compose/attachment-words", test_attachment_words);
  g_test_add_func ("/outbox/compose/mailto", test_mailto);
  g_test_add_func ("/outbox/compose/signature", test_signature);
  g_test_add_func ("/outbox/reply/reply", test_reply);
  g_test_add_func ("/outbox/reply/own-and-html", test_reply_own_and_html);
  g_test_add_func ("/outbox/reply/charsets", test_reply_charsets);
  g_test_add_func ("/outbox/reply/subjects", test_subjects);
  g_test_add_func ("/outbox/reply/forward", test_forward);
  g_test_add_func ("/outbox/reply/quote", test_quote);
  return g_test_run ();
}
