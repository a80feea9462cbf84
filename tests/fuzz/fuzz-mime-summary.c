/* fuzz-mime-summary.c: libFuzzer target for the MIME path the store and the reader use
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a message as it comes from a server or a file. It goes whole through
 * tern_mime_summary_new() (GMime's parser, the header decoding of tern-mime-header.c,
 * the walk over the parts, charset conversion, HTML reduced to text, the preview), as
 * the store takes it; through tern_mime_message_new() and tern_mime_html_prepare() for
 * each HTML body, as the reader shows it; again as HTML through
 * tern_mime_text_html_to_text() and tern_mime_html_prepare(); and its first line goes
 * through the header decoders one by one (text, addresses, dates, domains, charsets,
 * the encoded-word rewrite). Every string that comes out must be valid UTF-8 within
 * its bounds, and the reader's header fields must be the store's. Invariants abort,
 * and so do GLib criticals and warnings. See meson.build beside this file for how to
 * build and run it.
 */
#include "config.h"

#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tern-mime-header.h"
#include "tern-mime-html.h"
#include "tern-mime-message.h"
#include "tern-mime-summary.h"
#include "tern-mime-text.h"

#define PREVIEW_CHARS 160

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

static void
check (gboolean condition)
{
  if (!condition)
    abort ();
}

static void
check_text (const char *text)
{
  if (text != NULL)
    check (g_utf8_validate (text, -1, NULL));
}

static void
check_preview (const char *text)
{
  g_autofree char *preview = tern_mime_text_make_preview (text, PREVIEW_CHARS);

  check (g_utf8_validate (preview, -1, NULL));
  check (g_utf8_strlen (preview, -1) <= PREVIEW_CHARS);
  check (strchr (preview, '\n') == NULL);
}

static void check_message (const uint8_t *data, size_t size, const TernMimeSummary *summary);

static void
check_summary (const uint8_t *data, size_t size)
{
  g_autoptr(TernMimeSummary) summary = tern_mime_summary_new (data, size);
  g_autoptr(TernMimeSummary) copy = NULL;
  g_autofree char *key = NULL;
  gboolean reply = FALSE;

  check (summary != NULL && summary->references != NULL && summary->body_text != NULL);
  check (summary->preview != NULL);
  check_text (summary->subject);
  check_text (summary->from);
  check_text (summary->to);
  check_text (summary->cc);
  check_text (summary->bcc);
  check_text (summary->message_id);
  check_text (summary->in_reply_to);
  check_text (summary->attachment_names);
  check_text (summary->body_text);
  check_text (summary->preview);
  for (char **ref = summary->references; *ref != NULL; ref++)
    check (**ref != '\0' && g_utf8_validate (*ref, -1, NULL));
  check (strlen (summary->body_text) <= TERN_MIME_SUMMARY_MAX_TEXT);
  check (g_utf8_strlen (summary->preview, -1) <= PREVIEW_CHARS);
  check (summary->header_size <= size);
  check (summary->date_tz > -24 * 60 && summary->date_tz < 24 * 60);

  key = tern_mime_normalize_subject (summary->subject, &reply);
  check_text (key);
  copy = tern_mime_summary_copy (summary);
  check (g_strcmp0 (copy->subject, summary->subject) == 0 && g_strcmp0 (copy->from, summary->from) == 0);

  check_message (data, size, summary);
}

static void
check_prepared (const char *html, gsize len)
{
  TernMimeHtmlReport report = { 0 };
  g_autofree char *prepared = tern_mime_html_prepare (html, len, &report);

  check (prepared != NULL && g_utf8_validate (prepared, -1, NULL));
  check ((report.remote & ~(TERN_MIME_REMOTE_IMAGES | TERN_MIME_REMOTE_STYLES | TERN_MIME_REMOTE_FONTS |
                             TERN_MIME_REMOTE_FRAMES | TERN_MIME_REMOTE_MEDIA)) == 0);
}

static void
check_addresses (GPtrArray *addresses)
{
  for (guint i = 0; i < addresses->len; i++)
    {
      const TernMimeAddress *a = g_ptr_array_index (addresses, i);

      check (a->address != NULL && g_utf8_validate (a->address, -1, NULL));
      check_text (a->name);
    }
}

/* The reader's path: the message parsed for reading, its HTML prepared. */
static void
check_message (const uint8_t *data, size_t size, const TernMimeSummary *summary)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(TernMimeMessage) msg = tern_mime_message_new (bytes, (size & 1) ? TERN_MIME_MESSAGE_PREFER_PLAIN
                                                                             : TERN_MIME_MESSAGE_DEFAULT);
  GPtrArray *bodies = tern_mime_message_get_bodies (msg);
  GPtrArray *parts = tern_mime_message_get_parts (msg);

  check (g_strcmp0 (tern_mime_message_get_subject (msg), summary->subject) == 0);
  check_text (tern_mime_message_get_message_id (msg));
  check_addresses (tern_mime_message_get_from (msg));
  check_addresses (tern_mime_message_get_to (msg));
  check_addresses (tern_mime_message_get_cc (msg));
  check_addresses (tern_mime_message_get_reply_to (msg));
  for (guint i = 0; i < bodies->len; i++)
    {
      const TernMimeBody *body = g_ptr_array_index (bodies, i);

      check (body->text != NULL && g_utf8_validate (body->text, -1, NULL));
      check_text (body->charset);
      check (body->kind == TERN_MIME_BODY_PLAIN || body->kind == TERN_MIME_BODY_HTML ||
             body->kind == TERN_MIME_BODY_NOTICE);
      if (body->kind == TERN_MIME_BODY_HTML)
        check_prepared (body->text, strlen (body->text));
    }
  for (guint i = 0; i < parts->len; i++)
    {
      TernMimePart *part = g_ptr_array_index (parts, i);
      GBytes *content = tern_mime_part_get_bytes (part);   /* transfer none */

      check_text (tern_mime_part_get_filename (part));
      check_text (tern_mime_part_get_content_type (part));
      check_text (tern_mime_part_get_content_id (part));
      check (content == NULL || g_bytes_get_size (content) == tern_mime_part_get_size (part));
    }
}

static void
check_html (const uint8_t *data, size_t size)
{
  g_autofree char *text = tern_mime_text_html_to_text ((const char *) data, size);

  check_text (text);
  /* a character reference or a byte that is not UTF-8 grows to at most 4 bytes */
  check (strlen (text) <= 4 * size);
  check (strstr (text, "\n\n\n") == NULL);
  check_preview (text);

  /* the reader's HTML preparation, on the input as it would be once in UTF-8 */
  {
    g_autofree char *utf8 = g_utf8_make_valid ((const char *) data, size);

    check_prepared (utf8, strlen (utf8));
  }
}

static void
check_mailboxes (GPtrArray *mailboxes)
{
  g_autofree char *text = tern_mime_mailboxes_to_string (mailboxes);

  check ((text == NULL) == (mailboxes->len == 0));
  check_text (text);
  for (guint i = 0; i < mailboxes->len; i++)
    {
      const TernMimeMailbox *mailbox = g_ptr_array_index (mailboxes, i);

      check (mailbox->address != NULL || mailbox->group != NULL);
      check_text (mailbox->name);
      check_text (mailbox->address);
      check_text (mailbox->group);
    }
}

static void
check_header (const uint8_t *data, size_t size)
{
  static const char * const charsets[] = { NULL, "ks_c_5601-1987", "gb2312", "iso-8859-9", "x-unknown" };
  const uint8_t *nl = memchr (data, '\n', MIN (size, 4096));
  g_autofree char *value = g_strndup ((const char *) data, nl != NULL ? (gsize) (nl - data) : MIN (size, 4096));
  const char *charset = charsets[size % G_N_ELEMENTS (charsets)];
  g_autofree char *utf8 = tern_mime_header_to_utf8 (value, (gsize) -1, charset);
  g_autofree char *subject = tern_mime_header_decode_text (value, charset);
  g_autofree char *fixed = tern_mime_header_fix_encoded_words (utf8);
  g_autofree char *domain = tern_mime_header_display_domain (utf8);
  g_autoptr(GPtrArray) mailboxes = tern_mime_header_parse_addresses (value, charset);
  g_autoptr(GDateTime) date = tern_mime_header_parse_date (value);

  check (utf8 != NULL && g_utf8_validate (utf8, -1, NULL));
  check (subject != NULL && g_utf8_validate (subject, -1, NULL));
  check (g_utf8_validate (fixed, -1, NULL));
  check_text (domain);
  check (date == NULL || (g_date_time_get_year (date) >= 1 && g_date_time_get_year (date) <= 9999));
  check_mailboxes (mailboxes);
  /* never nothing: a sender whose header has text shows some */
  if (*subject != '\0')
    {
      g_autofree char *text = tern_mime_mailboxes_to_string (mailboxes);

      check (text != NULL && *text != '\0');
    }
  /* the rewrite gives encoded words that need no rewrite */
  {
    g_autofree char *again = tern_mime_header_fix_encoded_words (fixed);

    check (strcmp (again, fixed) == 0);
  }
}

/* glibc loads a charset's converter module at iconv_open() and unloads it at the
 * last iconv_close(); the MIME path opens one per header or part it converts. As the
 * IMAP sync does (pin_charset_converters()), keep the common ones loaded, or the
 * fuzzer spends its time in dlopen(). Open for the life of the process, reachable. */
static iconv_t pinned[16];

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  static const char * const charsets[] = {
    "WINDOWS-1252", "ISO-8859-1", "ISO-8859-9", "WINDOWS-1254", "CP932", "EUC-JP", "ISO-2022-JP",
    "CP949", "GB18030", "BIG5-HKSCS", "KOI8-R", "WINDOWS-1251", "UTF-16", "UTF-7", "ISO-8859-15",
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (charsets) <= G_N_ELEMENTS (pinned));
  for (guint i = 0; i < G_N_ELEMENTS (charsets); i++)
    pinned[i] = iconv_open ("UTF-8", charsets[i]);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean initialized;

  if (!initialized)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialized = TRUE;
    }

  if (data == NULL)
    data = (const uint8_t *) "";
  check_summary (data, size);
  check_html (data, size);
  check_header (data, size);
  return 0;
}
