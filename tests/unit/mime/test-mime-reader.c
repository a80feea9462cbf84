/* test-mime-reader.c: the MIME helpers the reader shows messages with
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "tern-mime-flowed.h"
#include "tern-mime-html.h"
#include "tern-mime-message.h"
#include "tern-mime-source.h"
#include "tern-mime-summary.h"

static TernMimeMessage *
parse (const char *text, TernMimeMessageFlags flags)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return tern_mime_message_new (bytes, flags);
}

static TernMimeBody *
body_at (TernMimeMessage *msg, guint i)
{
  GPtrArray *bodies = tern_mime_message_get_bodies (msg);

  g_assert_cmpuint (i, <, bodies->len);
  return g_ptr_array_index (bodies, i);
}

static void
test_flowed (void)
{
  static const struct
  {
    const char *in;
    gboolean    delsp;
    const char *out;
  } cases[] = {
    { "Hello \r\nworld.\r\n", FALSE, "Hello world.\n" },
    { "Hello \r\nworld.\r\n", TRUE, "Helloworld.\n" },
    { "> quoted \r\n> text\r\nmine\r\n", FALSE, "> quoted text\nmine\n" },
    { ">> deep \r\n> shallow\r\n", FALSE, ">> deep \n> shallow\n" },      /* depth change ends it */
    { " From stuffed\r\n", FALSE, "From stuffed\n" },
    { "para one \r\n-- \r\nsig\r\n", FALSE, "para one \n-- \nsig\n" },       /* the separator stays */
    { "a \r\nb", FALSE, "a b" },
    { "", FALSE, "" },
    { ">>>no space\n", FALSE, ">>> no space\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = tern_mime_flowed_decode (cases[i].in, cases[i].delsp);

      g_test_message ("flowed case %u", i);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_quote_depth (void)
{
  gsize start;

  g_assert_cmpuint (tern_mime_quote_depth ("plain", 5, &start), ==, 0);
  g_assert_cmpuint (start, ==, 0);
  g_assert_cmpuint (tern_mime_quote_depth ("> one", 5, &start), ==, 1);
  g_assert_cmpuint (start, ==, 2);
  g_assert_cmpuint (tern_mime_quote_depth ("> > two", 7, &start), ==, 2);
  g_assert_cmpuint (start, ==, 4);
  g_assert_cmpuint (tern_mime_quote_depth (">>>x", 4, &start), ==, 3);
  g_assert_cmpuint (start, ==, 3);
  g_assert_cmpuint (tern_mime_quote_depth ("  text > not", 12, NULL), ==, 0);
}

static void
test_html_trackers (void)
{
  static const char html[] =
    "<html><head><meta charset=\"iso-8859-1\"><meta http-equiv=refresh content='0;url=http://x/'>"
    "<link rel=preconnect href='https://cdn.example'><link rel=stylesheet href='https://cdn.example/a.css'>"
    "<base href='http://evil/'><script>alert(1)</script></head><body>"
    "<img src=\"http://127.0.0.1:9/image.png\" width=\"64\" height=\"64\">"
    "<img src=\"http://127.0.0.1:9/pixel.gif\" width=\"1\" height=\"1\">"
    "<img src='HTTPS://t.example/x' style='display: none'>"
    "<img src=h&#116;tp://t.example/y width=0>"
    "<img src='https://list.example/track/open.php?u=1'>"
    "<img src='cid:logo@x' width=1 height=1>"
    "<a href='https://example.org/' ping='https://t.example/ping'>link</a>"
    "<div style=\"background: url('https://bg.example/b.png')\">x</div>"
    "</body></html>";
  TernMimeHtmlReport report;
  g_autofree char *out = tern_mime_html_prepare (html, strlen (html), &report);

  g_assert_nonnull (strstr (out, "http://127.0.0.1:9/image.png"));
  g_assert_null (strstr (out, "pixel.gif"));
  g_assert_null (strstr (out, "t.example"));
  g_assert_null (strstr (out, "track/open"));
  g_assert_nonnull (strstr (out, "cid:logo@x"));      /* local: never a tracker */
  g_assert_null (strstr (out, "<script"));
  g_assert_null (strstr (out, "alert"));
  g_assert_null (strstr (out, "refresh"));
  g_assert_null (strstr (out, "charset"));
  g_assert_null (strstr (out, "preconnect"));
  g_assert_null (strstr (out, "<base"));
  g_assert_null (strstr (out, "ping"));
  g_assert_nonnull (strstr (out, "<a href='https://example.org/' >link</a>"));
  g_assert_cmpuint (report.n_trackers, ==, 4);
  g_assert_cmpint (report.remote, ==, TERN_MIME_REMOTE_IMAGES | TERN_MIME_REMOTE_STYLES);

  g_assert_true (tern_mime_html_is_tracking_image ("http://a/b.gif", "1", NULL, NULL));
  g_assert_true (tern_mime_html_is_tracking_image ("http://a/b.gif", NULL, "0px", NULL));
  g_assert_true (tern_mime_html_is_tracking_image ("http://a/b.gif", NULL, NULL, "width:1px;height:1px"));
  g_assert_false (tern_mime_html_is_tracking_image ("http://a/b.gif", "100", "10", NULL));
  g_assert_false (tern_mime_html_is_tracking_image ("data:image/gif;base64,R0", "1", "1", NULL));
  g_assert_false (tern_mime_html_is_tracking_image (NULL, "1", "1", NULL));
}

static void
test_html_remote_kinds (void)
{
  static const struct
  {
    const char          *html;
    TernMimeRemoteKinds  kinds;
  } cases[] = {
    { "<p>nothing</p>", TERN_MIME_REMOTE_NONE },
    { "<img src='cid:a'><img src='data:image/png;base64,AA'>", TERN_MIME_REMOTE_NONE },
    { "<style>@import url(https://x/y.css);</style>", TERN_MIME_REMOTE_STYLES },
    { "<style>@font-face { src: url(https://x/f.woff) }</style>", TERN_MIME_REMOTE_FONTS },
    { "<iframe src='https://x/'></iframe>", TERN_MIME_REMOTE_FRAMES },
    { "<video src='https://x/v.mp4' poster='https://x/p.jpg'>", TERN_MIME_REMOTE_MEDIA | TERN_MIME_REMOTE_IMAGES },
    { "<table background='http://x/bg.jpg'>", TERN_MIME_REMOTE_IMAGES },
    { "<img srcset='https://x/a.png 2x' src='cid:a'>", TERN_MIME_REMOTE_IMAGES },
    { "<img src='//x/a.png' width=30>", TERN_MIME_REMOTE_IMAGES },
    { "<img src='relative.png'>", TERN_MIME_REMOTE_NONE },
    { "<p>unclosed <img src='https://x/a.png' width=50", TERN_MIME_REMOTE_IMAGES },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TernMimeHtmlReport report;
      G_GNUC_UNUSED g_autofree char *out = tern_mime_html_prepare (cases[i].html, strlen (cases[i].html), &report);

      g_test_message ("remote case %u", i);
      g_assert_cmpint (report.remote, ==, cases[i].kinds);
    }
}

static void
test_html_charset (void)
{
  static const char a[] = "<html><head><meta charset=\"windows-1251\"></head>";
  static const char b[] = "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ISO-8859-2\">";
  static const char c[] = "<p>no declaration</p>";
  g_autofree char *ca = tern_mime_html_sniff_charset (a, strlen (a));
  g_autofree char *cb = tern_mime_html_sniff_charset (b, strlen (b));
  g_autofree char *cc = tern_mime_html_sniff_charset (c, strlen (c));

  g_assert_cmpstr (ca, ==, "windows-1251");
  g_assert_cmpstr (cb, ==, "iso-8859-2");
  g_assert_null (cc);
}

static void
test_source_visible (void)
{
  static const guint8 raw[] = "Subject: a\r\n\r\nx\x01y\tz\x7f\rq\xff\xe2\x80\xae" "end\n";
  g_autofree char *text = tern_mime_source_make_visible (raw, sizeof raw - 1);

  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, "Subject: a\n\nx\xe2\x90\x81y\tz\xe2\x90\xa1\xe2\x90\x8dq\\xFF<U+202E>end\n");
}

static void
test_undeclared_charsets (void)
{
  static const struct
  {
    const char *body;
    const char *text;
  } cases[] = {
    { "\x82\xb1\x82\xf1\x82\xc9\x82\xbf\x82\xcd\x81\x41\x90\xa2\x8a\x45", "こんにちは、世界" },  /* Shift_JIS */
    { "\xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\xa4\xcf", "こんにちは" },                              /* EUC-JP */
    { "\x1b$B$3$s$K$A$O\x1b(B", "こんにちは" },                                                   /* ISO-2022-JP */
    { "Gr\xfc\xdf" "e aus K\xf6ln", "Grüße aus Köln" },                                          /* Latin-1 */
    { "caf\xc3\xa9", "café" },                                                                   /* UTF-8 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("From: a@example.org\r\nContent-Type: text/plain\r\n\r\n%s", cases[i].body);
      g_autoptr(TernMimeMessage) msg = parse (text, 0);

      g_test_message ("undeclared case %u", i);
      g_assert_cmpstr (body_at (msg, 0)->text, ==, cases[i].text);
    }
}

static void
test_8bit_headers (void)
{
  /* EUC-KR in the raw header, as the body declares */
  static const char text[] =
    "From: \xc8\xab\xb1\xe6\xb5\xbf <hong@example.kr>\r\nSubject: [\xb1\xa4\xb0\xed] \xbe\xc8\xb3\xe7\r\n"
    "Content-Type: text/plain; charset=ks_c_5601-1987\r\n\r\n\xbe\xc8\xb3\xe7\r\n";
  g_autoptr(TernMimeMessage) msg = parse (text, 0);

  g_assert_cmpstr (tern_mime_message_get_subject (msg), ==, "[광고] 안녕");
  g_assert_cmpstr (((TernMimeAddress *) g_ptr_array_index (tern_mime_message_get_from (msg), 0))->name, ==, "홍길동");
  g_assert_cmpstr (body_at (msg, 0)->text, ==, "안녕\r\n");
}

static const char alternative_msg[] =
  "From: =?utf-8?q?J=C3=BCrgen?= <j@example.org>\r\n"
  "To: a@example.org, \"Bee\" <b@example.org>\r\n"
  "Cc: Team: c@example.org, d@example.org;\r\n"
  "Subject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n"
  "Date: Tue, 02 Jan 2024 10:00:00 +0100\r\n"
  "Message-ID: <alt@example.org>\r\n"
  "MIME-Version: 1.0\r\n"
  "Content-Type: multipart/alternative; boundary=\"b1\"\r\n"
  "\r\n"
  "--b1\r\n"
  "Content-Type: text/plain; charset=iso-8859-1; format=flowed\r\n"
  "Content-Transfer-Encoding: quoted-printable\r\n"
  "\r\n"
  "Gr=FC=DFe aus \r\n"
  "K=F6ln.\r\n"
  "--b1\r\n"
  "Content-Type: multipart/related; boundary=\"b2\"\r\n"
  "\r\n"
  "--b2\r\n"
  "Content-Type: text/html\r\n"
  "\r\n"
  "<html><head><meta charset=\"koi8-r\"></head><body>\xd0\xd2\xc9\xd7\xc5\xd4 <img src=\"cid:logo@x\"></body></html>\r\n"
  "--b2\r\n"
  "Content-Type: image/png\r\n"
  "Content-ID: <logo@x>\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "\r\n"
  "iVBORw0KGgo=\r\n"
  "--b2\r\n"
  "Content-Type: image/gif; name=\"unused.gif\"\r\n"
  "Content-ID: <unused@x>\r\n"
  "Content-Transfer-Encoding: base64\r\n"
  "\r\n"
  "R0lGODlh\r\n"
  "--b2--\r\n"
  "--b1--\r\n";

static void
test_message_alternative (void)
{
  g_autoptr(TernMimeMessage) msg = parse (alternative_msg, TERN_MIME_MESSAGE_DEFAULT);
  g_autoptr(TernMimeMessage) plain = parse (alternative_msg, TERN_MIME_MESSAGE_PREFER_PLAIN);
  GPtrArray *from = tern_mime_message_get_from (msg);
  GPtrArray *to = tern_mime_message_get_to (msg);
  GPtrArray *cc = tern_mime_message_get_cc (msg);
  GPtrArray *attachments = tern_mime_message_get_attachments (msg);
  TernMimePart *logo;
  TernMimeAddress *a;

  g_assert_cmpstr (tern_mime_message_get_subject (msg), ==, "Grüße");
  g_assert_cmpstr (tern_mime_message_get_message_id (msg), ==, "alt@example.org");
  g_assert_nonnull (tern_mime_message_get_date (msg));
  g_assert_cmpint (g_date_time_to_unix (tern_mime_message_get_date (msg)), ==, 1704186000);

  g_assert_cmpuint (from->len, ==, 1);
  a = g_ptr_array_index (from, 0);
  g_assert_cmpstr (a->name, ==, "Jürgen");
  g_assert_cmpstr (a->address, ==, "j@example.org");
  g_assert_cmpuint (to->len, ==, 2);
  a = g_ptr_array_index (to, 0);
  g_assert_null (a->name);
  a = g_ptr_array_index (to, 1);
  g_assert_cmpstr (a->name, ==, "Bee");
  g_assert_cmpuint (cc->len, ==, 2);   /* the group's members */

  /* HTML by default, decoded from its <meta charset> */
  g_assert_true (tern_mime_message_has_html (msg));
  g_assert_cmpuint (tern_mime_message_get_bodies (msg)->len, ==, 1);
  g_assert_cmpint (body_at (msg, 0)->kind, ==, TERN_MIME_BODY_HTML);
  g_assert_nonnull (strstr (body_at (msg, 0)->text, "привет"));
  g_assert_cmpstr (body_at (msg, 0)->charset, ==, "koi8-r");

  /* the cid image is served, not listed; the unreferenced one is listed */
  logo = tern_mime_message_lookup_content_id (msg, "logo@x");
  g_assert_nonnull (logo);
  g_assert_cmpstr (tern_mime_part_get_content_type (logo), ==, "image/png");
  g_assert_cmpuint (tern_mime_part_get_size (logo), ==, 8);
  g_assert_false (tern_mime_part_is_attachment (logo));
  g_assert_true (tern_mime_message_lookup_content_id (msg, "LOGO@X") == logo);
  g_assert_null (tern_mime_message_lookup_content_id (msg, "none@x"));
  g_assert_cmpuint (attachments->len, ==, 1);
  g_assert_cmpstr (tern_mime_part_get_filename (g_ptr_array_index (attachments, 0)), ==, "unused.gif");

  /* plain text when preferred: quoted-printable, Latin-1, flowed */
  g_assert_false (tern_mime_message_has_html (plain));
  g_assert_cmpuint (tern_mime_message_get_bodies (plain)->len, ==, 1);
  g_assert_cmpint (body_at (plain, 0)->kind, ==, TERN_MIME_BODY_PLAIN);
  g_assert_cmpstr (body_at (plain, 0)->text, ==, "Grüße aus Köln.");
}

static void
test_message_mixed (void)
{
  static const char text[] =
    "From: a@example.org\r\n"
    "Subject: files\r\n"
    "Content-Type: multipart/mixed; boundary=m\r\n"
    "\r\n"
    "--m\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "See attached.\r\n"
    "--m\r\n"
    "Content-Type: application/pdf\r\n"
    "Content-Disposition: attachment; filename*=utf-8''..%2F..%2Fetc%2Fr%C3%A9sum%C3%A9.pdf\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--m\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Disposition: inline\r\n"
    "\r\n"
    "Second text.\r\n"
    "--m\r\n"
    "Content-Type: message/rfc822\r\n"
    "Content-Disposition: attachment\r\n"
    "\r\n"
    "From: b@example.org\r\n"
    "Subject: inner\r\n"
    "\r\n"
    "inner body\r\n"
    "--m\r\n"
    "Content-Type: message/rfc822\r\n"
    "\r\n"
    "From: c@example.org\r\n"
    "Subject: forwarded\r\n"
    "\r\n"
    "forwarded body\r\n"
    "--m\r\n"
    "Content-Type: application/pgp-signature\r\n"
    "\r\n"
    "sig\r\n"
    "--m--\r\n";
  g_autoptr(TernMimeMessage) msg = parse (text, TERN_MIME_MESSAGE_DEFAULT);
  GPtrArray *attachments = tern_mime_message_get_attachments (msg);
  GPtrArray *bodies = tern_mime_message_get_bodies (msg);
  TernMimePart *pdf, *eml;

  g_assert_cmpuint (bodies->len, ==, 4);
  g_assert_cmpstr (body_at (msg, 0)->text, ==, "See attached.");
  g_assert_cmpstr (body_at (msg, 1)->text, ==, "Second text.");
  g_assert_cmpint (body_at (msg, 2)->kind, ==, TERN_MIME_BODY_NOTICE);
  g_assert_nonnull (strstr (body_at (msg, 2)->text, "c@example.org"));
  g_assert_nonnull (strstr (body_at (msg, 2)->text, "forwarded"));
  g_assert_cmpstr (body_at (msg, 3)->text, ==, "forwarded body");

  g_assert_cmpuint (attachments->len, ==, 2);
  pdf = g_ptr_array_index (attachments, 0);
  g_assert_cmpstr (tern_mime_part_get_filename (pdf), ==, "résumé.pdf");   /* no folders */
  g_assert_cmpstr (tern_mime_part_get_content_type (pdf), ==, "application/pdf");
  g_assert_cmpuint (tern_mime_part_get_size (pdf), ==, 9);
  g_assert_true (tern_mime_part_is_attachment (pdf));
  eml = g_ptr_array_index (attachments, 1);
  g_assert_cmpstr (tern_mime_part_get_filename (eml), ==, "inner.eml");
  g_assert_cmpstr (tern_mime_part_get_content_type (eml), ==, "message/rfc822");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (tern_mime_part_get_bytes (eml), NULL),
                                  tern_mime_part_get_size (eml), "inner body"));
}

static void
test_message_odd (void)
{
  static const char encrypted[] =
    "From: a@example.org\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=e\r\n\r\n"
    "--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
    "--e\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n--e--\r\n";
  static const char headers_only[] = "From: a@example.org\r\nSubject: only\r\n";
  static const char no_boundary[] =
    "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=never\r\n\r\nThe text itself.\r\n";
  static const char garbage[] = "\x01\x02\xff\xfe not mail at all";
  g_autoptr(TernMimeMessage) a = parse (encrypted, 0);
  g_autoptr(TernMimeMessage) b = parse (headers_only, 0);
  g_autoptr(TernMimeMessage) c = parse (no_boundary, 0);
  g_autoptr(TernMimeMessage) d = parse (garbage, 0);
  g_autoptr(GPtrArray) list = tern_mime_address_list_parse ("\"Doe, Jane\" <jane@example.org>, bob@example.org");

  g_assert_cmpuint (tern_mime_message_get_bodies (a)->len, ==, 1);
  g_assert_cmpint (body_at (a, 0)->kind, ==, TERN_MIME_BODY_NOTICE);
  g_assert_cmpuint (tern_mime_message_get_attachments (a)->len, ==, 0);
  g_assert_cmpstr (tern_mime_message_get_subject (b), ==, "only");
  g_assert_cmpuint (tern_mime_message_get_bodies (c)->len, ==, 1);
  g_assert_nonnull (strstr (body_at (c, 0)->text, "The text itself."));
  g_assert_nonnull (d);

  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((TernMimeAddress *) g_ptr_array_index (list, 0))->name, ==, "Doe, Jane");
  g_assert_cmpstr (((TernMimeAddress *) g_ptr_array_index (list, 1))->address, ==, "bob@example.org");
}

/* Every message of the shared corpus parses for the reader into valid UTF-8. */
static void
collect_files (const char *dir, GPtrArray *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, out);
      else if (!g_str_has_suffix (name, ".tnef") && !g_str_has_suffix (name, ".list") &&
               !g_str_equal (name, "PROVENANCE.md"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static void
test_corpus (void)
{
  const char *corpus = g_getenv ("TERN_CORPUS_DIR");
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  guint n_html = 0, n_attachments = 0;

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the shared corpus is absent (TERN_CORPUS_DIR)");
      return;
    }
  dir = g_build_filename (corpus, "messages", NULL);
  collect_files (dir, files);
  g_assert_cmpuint (files->len, >, 100);

  for (guint i = 0; i < files->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GMappedFile) mapped = g_mapped_file_new (g_ptr_array_index (files, i), FALSE, &error);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(TernMimeMessage) msg = NULL;
      GPtrArray *bodies;

      g_assert_no_error (error);
      bytes = g_mapped_file_get_bytes (mapped);
      msg = tern_mime_message_new (bytes, TERN_MIME_MESSAGE_DEFAULT);
      bodies = tern_mime_message_get_bodies (msg);
      for (guint j = 0; j < bodies->len; j++)
        {
          TernMimeBody *body = g_ptr_array_index (bodies, j);

          g_assert_true (g_utf8_validate (body->text, -1, NULL));
          if (body->kind == TERN_MIME_BODY_HTML)
            {
              g_autofree char *prepared = tern_mime_html_prepare (body->text, strlen (body->text), NULL);

              g_assert_true (g_utf8_validate (prepared, -1, NULL));
              n_html++;
            }
        }
      n_attachments += tern_mime_message_get_attachments (msg)->len;
      if (tern_mime_message_get_subject (msg) != NULL)
        g_assert_true (g_utf8_validate (tern_mime_message_get_subject (msg), -1, NULL));
      {
        gsize len;
        const guint8 *data = g_bytes_get_data (bytes, &len);
        g_autofree char *source = tern_mime_source_make_visible (data, len);

        g_assert_true (g_utf8_validate (source, -1, NULL));
      }
    }
  g_test_message ("%u corpus messages, %u HTML bodies, %u attachments", files->len, n_html, n_attachments);
}

/* The reader shows the header fields the store shows (both from tern-mime-header.c):
 * the card's header line before the body comes is the store's, after it the
 * message's. */
static void
test_same_as_store (void)
{
  static const struct
  {
    const char *text;
    const char *subject;
    const char *name;
    const char *address;
  } cases[] = {
    { "From: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?= <hw@xn--mller-kva.de>\r\n"
      "Subject: =?UTF-8?B?WA==?= =?UTF-8?B?WFla?=\r\nSubject: second\r\n\r\nx\r\n",
      "XXYZ", "Hello world", "hw@müller.de" },
    { "From: \xc8\xab\xb1\xe6\xb5\xbf <hong@example.kr>\r\nSubject: [\xb1\xa4\xb0\xed]\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain; charset=euc-kr\r\n\r\n\xbe\xc8\xb3\xe7\r\n--b--\r\n",
      "[광고]", "홍길동", "hong@example.kr" },
    { "From: MAILER DAEMON <>\r\nFrom: other@example.org\r\nSubject: bounce\r\n\r\nx\r\n",
      "bounce", "MAILER DAEMON", "" },
    { "From: =?iso-2022-jp?B?c291czFAYWEuYWxsZXMub3IuanA=?=@mx2.alles.or.jp\r\nSubject: s\r\n\r\nx\r\n",
      "s", NULL, "\"sous1@aa.alles.or.jp\"@mx2.alles.or.jp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TernMimeMessage) msg = parse (cases[i].text, 0);
      g_autoptr(TernMimeSummary) summary = tern_mime_summary_new ((const guint8 *) cases[i].text,
                                                                  strlen (cases[i].text));
      g_autoptr(GPtrArray) stored = tern_mime_address_list_parse (summary->from);
      GPtrArray *from = tern_mime_message_get_from (msg);
      TernMimeAddress *a, *b;

      g_test_message ("case %u", i);
      g_assert_cmpstr (tern_mime_message_get_subject (msg), ==, cases[i].subject);
      g_assert_cmpstr (summary->subject, ==, cases[i].subject);
      g_assert_cmpuint (from->len, ==, 1);
      g_assert_cmpuint (stored->len, ==, 1);
      a = g_ptr_array_index (from, 0);
      b = g_ptr_array_index (stored, 0);
      g_assert_cmpstr (a->name, ==, cases[i].name);
      g_assert_cmpstr (a->address, ==, cases[i].address);
      g_assert_cmpstr (b->name, ==, cases[i].name);
      g_assert_cmpstr (b->address, ==, cases[i].address);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mime/reader/flowed", test_flowed);
  g_test_add_func ("/mime/reader/quote-depth", test_quote_depth);
  g_test_add_func ("/mime/reader/html-trackers", test_html_trackers);
  g_test_add_func ("/mime/reader/html-remote-kinds", test_html_remote_kinds);
  g_test_add_func ("/mime/reader/html-charset", test_html_charset);
  g_test_add_func ("/mime/reader/source-visible", test_source_visible);
  g_test_add_func ("/mime/reader/undeclared-charsets", test_undeclared_charsets);
  g_test_add_func ("/mime/reader/8bit-headers", test_8bit_headers);
  g_test_add_func ("/mime/reader/message-alternative", test_message_alternative);
  g_test_add_func ("/mime/reader/message-mixed", test_message_mixed);
  g_test_add_func ("/mime/reader/message-odd", test_message_odd);
  g_test_add_func ("/mime/reader/same-as-store", test_same_as_store);
  g_test_add_func ("/mime/reader/corpus", test_corpus);

  return g_test_run ();
}
