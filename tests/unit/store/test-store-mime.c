/* test-store-mime.c: the MIME helpers the store indexes with
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tern-mime-mbox-reader.h"
#include "tern-mime-mbox-writer.h"
#include "tern-mime-summary.h"
#include "tern-mime-text.h"

static TernMimeSummary *
summarize (const char *text)
{
  return tern_mime_summary_new ((const guint8 *) text, strlen (text));
}

static void
test_charsets (void)
{
  static const struct
  {
    const char *bytes;
    const char *charset;
    const char *utf8;
  } cases[] = {
    { "Gr\xfc\xdf" "e", "iso-8859-1", "Grüße" },
    { "\xd0\xd2\xc9\xd7\xc5\xd4", "koi8-r", "привет" },
    { "\xcf\xf0\xe8\xe2\xe5\xf2", "windows-1251", "Привет" },
    { "\x1b$B$3$s$K$A$O\x1b(B", "iso-2022-jp", "こんにちは" },
    { "\xc4\xe3\xba\xc3", "gb2312", "你好" },
    { "\xbe\xc8\xb3\xe7", "ks_c_5601-1987", "안녕" },
    { "caf\xc3\xa9", NULL, "café" },
    { "caf\xe9", NULL, "café" },                 /* undeclared 8-bit: Windows-1252 */
    { "caf\xe9", "x-unknown-charset", "café" },
    { "\x80 euro", "windows-1252", "€ euro" },
    { "a\xffz", "utf-8", "a\xef\xbf\xbdz" },      /* invalid UTF-8 replaced */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *utf8 = tern_mime_text_to_utf8 (cases[i].bytes, strlen (cases[i].bytes), cases[i].charset);
      g_test_message ("charset %s", cases[i].charset);
      g_assert_true (g_utf8_validate (utf8, -1, NULL));
      g_assert_cmpstr (utf8, ==, cases[i].utf8);
    }

  /* NUL bytes never cut the text short. */
  {
    g_autofree char *utf8 = tern_mime_text_to_utf8 ("a\0b", 3, "us-ascii");
    g_assert_cmpstr (utf8, ==, "a b");
  }
}

static void
test_html (void)
{
  static const struct
  {
    const char *html;
    const char *text;
  } cases[] = {
    { "<p>Hello <b>world</b></p><p>again</p>", "Hello world\n\nagain" },
    { "<html><head><title>T</title><style>p{color:red}</style></head><body>Body</body></html>", "Body" },
    { "a<script>var x = '<p>';</script>b", "a b" },
    { "fish &amp; chips &lt;3 &eacute;t&eacute; &#233;&#x20AC; &nbsp;x &bogus; &", "fish & chips <3 été é€ x &bogus; &" },
    { "<!-- hidden <p> -->shown", "shown" },
    { "line<br>break<br/>two", "line\nbreak\ntwo" },
    { "<a href=\"x>y\">link</a>", "link" },
    { "<td>a</td><td>b</td>", "a b" },
    { "unclosed <b", "unclosed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = tern_mime_text_html_to_text (cases[i].html, strlen (cases[i].html));
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_preview (void)
{
  g_autofree char *p1 = tern_mime_text_make_preview ("Hi Bob,\n\n> quoted text\n  the  answer\tis 42.\n-- \nsig", 160);
  g_autofree char *p2 = tern_mime_text_make_preview ("ééééééééé", 4);

  g_assert_cmpstr (p1, ==, "Hi Bob, the answer is 42.");
  g_assert_cmpstr (p2, ==, "éééé");
}

static void
test_summary (void)
{
  g_autoptr(TernMimeSummary) s = summarize (
    "From bob@example.com Sat Jan  3 01:05:34 2004\n"
    "From: =?iso-8859-1?q?Jos=E9?= <jose@example.com>\n"
    "To: alice@example.com, \"Carol C\" <carol@example.org>\n"
    "Subject: =?utf-8?b?R3LDvMOfZQ==?= again\n"
    "Date: Fri, 23 Aug 2002 02:32:53 -0400\n"
    "Message-ID: <abc@example.com>\n"
    "In-Reply-To: <parent@example.com>\n"
    "References: <root@example.com> <parent@example.com>\n"
    "Status: RO\n"
    "X-Status: F\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=b\n"
    "\n"
    "--b\n"
    "Content-Type: multipart/alternative; boundary=c\n"
    "\n"
    "--c\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Caf=E9 au lait\n"
    "--c\n"
    "Content-Type: text/html\n"
    "\n"
    "<p>html version</p>\n"
    "--c--\n"
    "--b\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "JVBERi0xLjQK\n"
    "--b--\n");

  g_assert_cmpstr (s->subject, ==, "Grüße again");
  g_assert_cmpstr (s->from, ==, "José <jose@example.com>");
  g_assert_nonnull (strstr (s->to, "carol@example.org"));
  g_assert_cmpstr (s->message_id, ==, "abc@example.com");
  g_assert_cmpstr (s->in_reply_to, ==, "parent@example.com");
  g_assert_cmpstrv (s->references, ((const char *[]) { "root@example.com", "parent@example.com", NULL }));
  g_assert_cmpint (s->date, ==, 1030084373);
  g_assert_cmpint (s->date_tz, ==, -240);
  g_assert_true (s->has_attachments);
  g_assert_cmpstr (s->attachment_names, ==, "report.pdf");
  g_assert_cmpstr (s->body_text, ==, "Café au lait");
  g_assert_cmpstr (s->preview, ==, "Café au lait");
  g_assert_cmpint (s->status, ==, TERN_MIME_STATUS_KNOWN | TERN_MIME_STATUS_SEEN | TERN_MIME_STATUS_FLAGGED);
}

static void
test_summary_html_only (void)
{
  g_autoptr(TernMimeSummary) s = summarize (
    "Subject: x\n"
    "Content-Type: text/html; charset=koi8-r\n"
    "\n"
    "<html><body><p>\xd0\xd2\xc9\xd7\xc5\xd4 &amp; hello</p></body></html>\n");

  g_assert_cmpstr (s->body_text, ==, "привет & hello");
  g_assert_false (s->has_attachments);
}

static void
test_summary_malformed (void)
{
  /* None of these may crash; each gives a summary. */
  static const char * const inputs[] = {
    "",
    "\n\n\n",
    "no header at all, just text",
    "Subject: \xff\xfe bad bytes\n\nbody \xff\n",
    "Content-Type: multipart/mixed\n\nno boundary\n",
    "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n--\n",
    "Content-Type: text/plain; charset=\"\"\n\nx\n",
    "Content-Type: /\n\nx\n",
    "Date: not a date\nFrom: <<<>>>\nTo: ,,,\nReferences: <<>>\n\nx\n",
    "Content-Transfer-Encoding: base64\n\n!!!!not base64!!!!\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(TernMimeSummary) s = summarize (inputs[i]);
      g_assert_nonnull (s->body_text);
      g_assert_nonnull (s->references);
      g_assert_true (g_utf8_validate (s->body_text, -1, NULL));
      if (s->subject != NULL)
        g_assert_true (g_utf8_validate (s->subject, -1, NULL));
    }

  /* Deep nesting: bounded work. */
  {
    GString *deep = g_string_new ("Subject: deep\n");
    g_autoptr(TernMimeSummary) s = NULL;

    for (int i = 0; i < 2000; i++)
      g_string_append_printf (deep, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
    g_string_append (deep, "Content-Type: text/plain\n\nbottom\n");
    s = summarize (deep->str);
    g_assert_cmpstr (s->subject, ==, "deep");
    g_string_free (deep, TRUE);
  }
}

static void
test_text_cap (void)
{
  GString *big = g_string_new ("Subject: big\n\n");
  g_autoptr(TernMimeSummary) s = NULL;

  while (big->len < 3 * TERN_MIME_SUMMARY_MAX_TEXT)
    g_string_append (big, "lorem ipsum dolor sit amet ");
  s = summarize (big->str);
  g_assert_cmpuint (strlen (s->body_text), <=, TERN_MIME_SUMMARY_MAX_TEXT);
  g_assert_cmpuint (strlen (s->body_text), >, TERN_MIME_SUMMARY_MAX_TEXT - 64);
  g_string_free (big, TRUE);
}

static void
test_normalize_subject (void)
{
  static const struct
  {
    const char *subject;
    const char *key;
    gboolean    reply;
  } cases[] = {
    { "Hello", "hello", FALSE },
    { "Re: Hello", "hello", TRUE },
    { "RE: re: Fwd:  Hello   World ", "hello world", TRUE },
    { "[dev] Re: [dev] Patch", "patch", TRUE },
    { "[dev] Patch", "patch", FALSE },
    { "AW: Antw: SV: Hej", "hej", TRUE },
    { "Re[2]: x", "x", TRUE },
    { "Reply hazy", "reply hazy", FALSE },
    { NULL, "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean reply = !cases[i].reply;
      g_autofree char *key = tern_mime_normalize_subject (cases[i].subject, &reply);
      g_assert_cmpstr (key, ==, cases[i].key);
      g_assert_cmpint (reply, ==, cases[i].reply);
    }
}

static GPtrArray *
read_mbox (const char *contents, GPtrArray **envelopes)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp ("tern-test-XXXXXX.mbox", &path, &error);
  g_autoptr(TernMimeMboxReader) reader = NULL;
  GPtrArray *messages = g_ptr_array_new_with_free_func (g_free);
  GByteArray *message = NULL;
  char *envelope = NULL;

  g_assert_no_error (error);
  close (fd);
  *envelopes = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  reader = tern_mime_mbox_reader_new (path, &error);
  g_assert_no_error (error);
  while (tern_mime_mbox_reader_next (reader, &message, &envelope, NULL, &error))
    {
      g_ptr_array_add (messages, g_strndup ((const char *) message->data, message->len));
      g_ptr_array_add (*envelopes, envelope);
      g_byte_array_unref (message);
    }
  g_assert_no_error (error);
  g_unlink (path);
  return messages;
}

static void
test_mbox (void)
{
  g_autoptr(GPtrArray) envelopes = NULL;
  g_autoptr(GPtrArray) messages = read_mbox (
    "\xEF\xBB\xBF" "From - \n"
    "Subject: one\n"
    "\n"
    "From Russia with love\n"
    "Year: 1963\n"
    "\n"
    "From bob@example.com Sat Jan  3 01:05:34 1996\n"
    "Subject: two\n"
    "\n"
    ">From quoted\n"
    "\n"
    "From 1844347792267117879@xxx\n"
    "X-GM-THRID: 1\n"
    "\n"
    "three\n"
    "From - Mon Jun  3 12:50:27 1996\n"
    "Subject: four, after no empty line (Content-Length style)\n"
    "\n"
    "body\n",
    &envelopes);

  g_assert_cmpuint (messages->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (messages, 0), ==,
                   "Subject: one\n\nFrom Russia with love\nYear: 1963\n");
  g_assert_cmpstr (g_ptr_array_index (messages, 1), ==, "Subject: two\n\n>From quoted\n");
  g_assert_cmpstr (g_ptr_array_index (messages, 2), ==, "X-GM-THRID: 1\n\nthree\n");
  g_assert_cmpstr (g_ptr_array_index (messages, 3), ==,
                   "Subject: four, after no empty line (Content-Length style)\n\nbody\n");
  g_assert_cmpstr (g_ptr_array_index (envelopes, 0), ==, "From - ");
  g_assert_cmpstr (g_ptr_array_index (envelopes, 1), ==, "From bob@example.com Sat Jan  3 01:05:34 1996");
  g_assert_cmpint (tern_mime_mbox_envelope_date (g_ptr_array_index (envelopes, 1)), ==, 820631134);
  g_assert_cmpint (tern_mime_mbox_envelope_date ("From - "), ==, 0);
}

static void
test_mbox_not_mbox (void)
{
  g_autoptr(GPtrArray) envelopes = NULL;
  g_autoptr(GPtrArray) messages = read_mbox ("Subject: plain\n\nbody\n", &envelopes);

  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (messages, 0), ==, "Subject: plain\n\nbody\n");
}

static void
test_mbox_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tern-test-XXXXXX", &error);
  g_autofree char *missing = g_build_filename (dir, "missing.mbox", NULL);
  g_autoptr(TernMimeMboxReader) reader = NULL;
  GByteArray *message = NULL;

  g_assert_no_error (error);
  g_assert_null (tern_mime_mbox_reader_new (missing, &error));
  g_assert_error (error, TERN_MIME_ERROR, TERN_MIME_ERROR_OPEN);
  g_clear_error (&error);

  /* A folder opens, and then cannot be read (EISDIR). */
  reader = tern_mime_mbox_reader_new (dir, &error);
  g_assert_no_error (error);
  g_assert_false (tern_mime_mbox_reader_next (reader, &message, NULL, NULL, &error));
  g_assert_error (error, TERN_MIME_ERROR, TERN_MIME_ERROR_READ);
  g_assert_null (message);
  g_rmdir (dir);
}

/* The envelope line is asctime()'s ASCII, a day below 10 padded with a space (not
 * GLib's "%e", which pads with U+2007), and the reader reads back what was written. */
static void
test_mbox_writer (void)
{
  static const struct
  {
    gint64      date;
    const char *raw;
    const char *written;
  } cases[] = {
    { 1796551200, "Subject: one\n\nFrom here\n>From there\n",
      "From MAILER-DAEMON Sun Dec  6 10:00:00 2026\nSubject: one\n\n>From here\n>>From there\n\n" },
    { 1704931199, "Subject: two\n\nno final newline",
      "From MAILER-DAEMON Wed Jan 10 23:59:59 2024\nSubject: two\n\nno final newline\n\n" },
    { 951782401, "Subject: three\n\nFrom\n",
      "From MAILER-DAEMON Tue Feb 29 00:00:01 2000\nSubject: three\n\nFrom\n\n" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(TernMimeMboxReader) reader = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  int fd = g_file_open_tmp ("tern-test-XXXXXX.mbox", &path, &error);
  FILE *out;
  GByteArray *message = NULL;
  char *envelope = NULL;
  guint n = 0;

  g_assert_no_error (error);
  out = fdopen (fd, "wb");
  g_assert_nonnull (out);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) raw = g_bytes_new_static (cases[i].raw, strlen (cases[i].raw));

      g_assert_true (tern_mime_mbox_write_message (out, cases[i].date, raw));
      g_string_append (expected, cases[i].written);
    }
  g_assert_cmpint (fclose (out), ==, 0);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_cmpstr (contents, ==, expected->str);

  reader = tern_mime_mbox_reader_new (path, &error);
  g_assert_no_error (error);
  while (tern_mime_mbox_reader_next (reader, &message, &envelope, NULL, &error))
    {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (cases));
      g_assert_cmpint (tern_mime_mbox_envelope_date (envelope), ==, cases[n].date);
      g_free (envelope);
      g_byte_array_unref (message);
      n++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (cases));
  g_unlink (path);
}

static void
test_skip_envelope (void)
{
  g_assert_cmpuint (tern_mime_skip_envelope ((const guint8 *) "From x\nA: b\n", 12), ==, 7);
  g_assert_cmpuint (tern_mime_skip_envelope ((const guint8 *) "\xEF\xBB\xBF" "A: b\n", 8), ==, 3);
  g_assert_cmpuint (tern_mime_skip_envelope ((const guint8 *) "From: x\n", 8), ==, 0);
  g_assert_cmpuint (tern_mime_skip_envelope ((const guint8 *) "From x", 6), ==, 6);
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/mime/charsets", test_charsets);
  g_test_add_func ("/store/mime/html", test_html);
  g_test_add_func ("/store/mime/preview", test_preview);
  g_test_add_func ("/store/mime/summary", test_summary);
  g_test_add_func ("/store/mime/summary-html-only", test_summary_html_only);
  g_test_add_func ("/store/mime/summary-malformed", test_summary_malformed);
  g_test_add_func ("/store/mime/text-cap", test_text_cap);
  g_test_add_func ("/store/mime/normalize-subject", test_normalize_subject);
  g_test_add_func ("/store/mime/mbox", test_mbox);
  g_test_add_func ("/store/mime/mbox-not-mbox", test_mbox_not_mbox);
  g_test_add_func ("/store/mime/mbox-errors", test_mbox_errors);
  g_test_add_func ("/store/mime/mbox-writer", test_mbox_writer);
  g_test_add_func ("/store/mime/skip-envelope", test_skip_envelope);

  return g_test_run ();
}
