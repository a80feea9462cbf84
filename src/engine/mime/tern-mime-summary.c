/* tern-mime-summary.c: what the store keeps and indexes of one message
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <gmime/gmime.h>

#include "tern-mime-header.h"
#include "tern-mime-summary.h"
#include "tern-mime-text.h"

/* Bounded work on hostile mail. */
#define MAX_DEPTH        32
#define MAX_PARTS        512
#define MAX_REFERENCES   64
#define PREVIEW_CHARS    160

G_DEFINE_BOXED_TYPE (TernMimeSummary, tern_mime_summary,
                     tern_mime_summary_copy, tern_mime_summary_free)

typedef struct
{
  TernMimeSummary *summary;
  GString         *text;
  GString         *names;
  guint            n_parts;
} Extract;

static void walk (Extract *ex, GMimeObject *object, int depth, gboolean in_related);

/**
 * tern_mime_skip_envelope:
 * @data: raw message bytes
 * @len: their length
 *
 * Returns the offset where the RFC 5322 header starts, skipping a UTF-8 byte order
 * mark and an mbox envelope line (`From sender date`) such as many stored
 * messages begin with.
 */
gsize
tern_mime_skip_envelope (const guint8 *data, gsize len)
{
  gsize off = 0;

  if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    off = 3;
  if (len - off >= 5 && memcmp (data + off, "From ", 5) == 0)
    {
      const guint8 *nl = memchr (data + off, '\n', len - off);
      off = nl != NULL ? (gsize) (nl - data) + 1 : len;
    }
  return off;
}

static void
append_text (Extract *ex, const char *text)
{
  gsize room;

  if (text == NULL || *text == '\0')
    return;
  if (ex->text->len >= TERN_MIME_SUMMARY_MAX_TEXT)
    return;

  room = TERN_MIME_SUMMARY_MAX_TEXT - ex->text->len;
  if (ex->text->len > 0)
    g_string_append_c (ex->text, '\n');

  if (strlen (text) <= room)
    g_string_append (ex->text, text);
  else
    {
      /* Cut on a character boundary. */
      const char *cut = text + room;
      while (cut > text && (*cut & 0xC0) == 0x80)
        cut--;
      g_string_append_len (ex->text, text, cut - text);
    }
}

static void
add_name (Extract *ex, const char *name)
{
  g_autofree char *valid = NULL;

  if (name == NULL || *name == '\0' || ex->names->len > 16 * 1024)
    return;
  /* GMime passes some raw 8-bit bytes of a name= parameter through as they are
   * (fuzzing found F6 BC 90 91, no UTF-8): the names are indexed and shown. */
  if (!g_utf8_validate (name, -1, NULL))
    name = valid = g_utf8_make_valid (name, -1);
  if (ex->names->len > 0)
    g_string_append_c (ex->names, '\n');
  g_string_append (ex->names, name);
}

static GByteArray *
read_content (GMimePart *part, gsize max)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *source;
  GMimeStream *filtered;
  GMimeContentEncoding encoding;
  GByteArray *buf;
  char chunk[8192];

  if (content == NULL || (source = g_mime_data_wrapper_get_stream (content)) == NULL)
    return NULL;

  encoding = g_mime_data_wrapper_get_encoding (content);
  filtered = g_mime_stream_filter_new (source);
  if (encoding == GMIME_CONTENT_ENCODING_BASE64 ||
      encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
      encoding == GMIME_CONTENT_ENCODING_UUENCODE)
    {
      GMimeFilter *decoder = g_mime_filter_basic_new (encoding, FALSE);
      g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), decoder);
      g_object_unref (decoder);
    }

  g_mime_stream_reset (filtered);
  buf = g_byte_array_new ();
  while (buf->len < max)
    {
      gssize n = g_mime_stream_read (filtered, chunk, MIN (sizeof chunk, max - buf->len));
      if (n <= 0)
        break;
      g_byte_array_append (buf, (const guint8 *) chunk, n);
    }
  g_object_unref (filtered);

  return buf;
}

static void
index_text_part (Extract *ex, GMimePart *part, gboolean html)
{
  g_autoptr(GByteArray) raw = NULL;
  g_autofree char *utf8 = NULL;
  const char *charset;
  gsize max;

  if (ex->text->len >= TERN_MIME_SUMMARY_MAX_TEXT)
    return;

  max = (TERN_MIME_SUMMARY_MAX_TEXT - ex->text->len) * (html ? 4 : 1) + 64;
  raw = read_content (part, max);
  if (raw == NULL)
    return;

  charset = g_mime_object_get_content_type_parameter (GMIME_OBJECT (part), "charset");
  utf8 = tern_mime_text_to_utf8 ((const char *) raw->data, raw->len, charset);
  if (html)
    {
      g_autofree char *text = tern_mime_text_html_to_text (utf8, strlen (utf8));
      append_text (ex, text);
    }
  else
    append_text (ex, utf8);
}

static gboolean
is_signature_type (GMimeContentType *ct)
{
  return g_mime_content_type_is_type (ct, "application", "pgp-signature") ||
         g_mime_content_type_is_type (ct, "application", "pkcs7-signature") ||
         g_mime_content_type_is_type (ct, "application", "x-pkcs7-signature") ||
         g_mime_content_type_is_type (ct, "application", "pgp-keys");
}

static void
walk_part (Extract *ex, GMimePart *part, gboolean in_related)
{
  GMimeObject *object = GMIME_OBJECT (part);
  GMimeContentType *ct = g_mime_object_get_content_type (object);
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);
  const char *filename = g_mime_part_get_filename (part);
  gboolean attachment_disposition = disposition != NULL &&
                                    g_mime_content_disposition_is_attachment (disposition);
  gboolean is_text = ct == NULL || g_mime_content_type_is_type (ct, "text", "*");

  add_name (ex, filename);

  if (ct != NULL && is_signature_type (ct))
    return;

  if (attachment_disposition || (filename != NULL && !is_text && !in_related))
    {
      ex->summary->has_attachments = TRUE;
      return;
    }

  if (ct == NULL || g_mime_content_type_is_type (ct, "text", "plain") ||
      g_mime_content_type_is_type (ct, "text", "enriched") ||
      g_mime_content_type_is_type (ct, "text", "rfc822-headers") ||
      g_mime_content_type_is_type (ct, "message", "delivery-status") ||
      g_mime_content_type_is_type (ct, "message", "disposition-notification") ||
      g_mime_content_type_is_type (ct, "message", "feedback-report"))
    index_text_part (ex, part, FALSE);
  else if (g_mime_content_type_is_type (ct, "text", "html"))
    index_text_part (ex, part, TRUE);
  else if ((is_text || GMIME_IS_TEXT_PART (part)) && filename == NULL)
    {
      /* Also "Content-Type: text" without a subtype, which GMime reads as
       * application/octet-stream but still gives a text part. */
      index_text_part (ex, part, FALSE);
    }
  else if (!in_related && filename != NULL)
    ex->summary->has_attachments = TRUE;
}

static void
walk_multipart (Extract *ex, GMimeMultipart *multipart, int depth)
{
  GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (multipart));
  int n = g_mime_multipart_get_count (multipart);

  if (n <= 0)
    {
      /* A multipart whose boundary never comes: GMime keeps the whole body as
       * the prologue. That is the text the sender wrote. */
      const char *prologue = g_mime_multipart_get_prologue (multipart);

      if (prologue != NULL && g_utf8_validate (prologue, -1, NULL))
        append_text (ex, prologue);
      else if (prologue != NULL)
        {
          g_autofree char *text = tern_mime_text_to_utf8 (prologue, strlen (prologue), NULL);
          append_text (ex, text);
        }
      return;
    }

  if (GMIME_IS_MULTIPART_ENCRYPTED (multipart))
    return;

  if (GMIME_IS_MULTIPART_SIGNED (multipart))
    {
      walk (ex, g_mime_multipart_get_part (multipart, GMIME_MULTIPART_SIGNED_CONTENT), depth + 1, FALSE);
      return;
    }

  if (ct != NULL && g_mime_content_type_is_type (ct, "multipart", "alternative"))
    {
      /* Index one version: the plain text when there is one, else the richest. */
      for (int i = 0; i < n; i++)
        {
          GMimeObject *child = g_mime_multipart_get_part (multipart, i);
          GMimeContentType *cct = g_mime_object_get_content_type (child);

          if (GMIME_IS_PART (child) && cct != NULL &&
              g_mime_content_type_is_type (cct, "text", "plain"))
            {
              walk (ex, child, depth + 1, FALSE);
              return;
            }
        }
      walk (ex, g_mime_multipart_get_part (multipart, n - 1), depth + 1, FALSE);
      return;
    }

  for (int i = 0; i < n; i++)
    walk (ex, g_mime_multipart_get_part (multipart, i), depth + 1,
          ct != NULL && g_mime_content_type_is_type (ct, "multipart", "related") && i > 0);
}

static void
walk (Extract *ex, GMimeObject *object, int depth, gboolean in_related)
{
  if (object == NULL || depth > MAX_DEPTH || ++ex->n_parts > MAX_PARTS)
    return;

  if (GMIME_IS_MULTIPART (object))
    walk_multipart (ex, GMIME_MULTIPART (object), depth);
  else if (GMIME_IS_MESSAGE_PART (object))
    {
      GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);
      GMimeMessage *inner = g_mime_message_part_get_message (GMIME_MESSAGE_PART (object));

      if (disposition != NULL && g_mime_content_disposition_is_attachment (disposition))
        {
          ex->summary->has_attachments = TRUE;
          add_name (ex, g_mime_content_disposition_get_parameter (disposition, "filename"));
        }
      if (inner != NULL)
        {
          /* Decoded as the outer message's (GMime's own subject keeps raw bytes that
           * are not UTF-8). */
          g_autoptr(TernMimeHeaders) headers = tern_mime_headers_new (inner);

          if (headers->subject != NULL)
            append_text (ex, headers->subject);
          walk (ex, g_mime_message_get_mime_part (inner), depth + 1, FALSE);
        }
    }
  else if (GMIME_IS_PART (object))
    walk_part (ex, GMIME_PART (object), in_related);
}

static char *
valid_dup (const char *s)
{
  if (s == NULL)
    return NULL;
  if (g_utf8_validate (s, -1, NULL))
    return g_strdup (s);
  return g_utf8_make_valid (s, -1);
}

static TernMimeStatus
parse_status (GMimeObject *object)
{
  TernMimeStatus status = TERN_MIME_STATUS_NONE;
  const char *s = g_mime_object_get_header (object, "Status");
  const char *x = g_mime_object_get_header (object, "X-Status");
  const char *moz = g_mime_object_get_header (object, "X-Mozilla-Status");

  if (s != NULL)
    {
      status |= TERN_MIME_STATUS_KNOWN;
      if (strchr (s, 'R') != NULL)
        status |= TERN_MIME_STATUS_SEEN;
    }
  if (x != NULL)
    {
      status |= TERN_MIME_STATUS_KNOWN;
      if (strchr (x, 'A') != NULL)
        status |= TERN_MIME_STATUS_ANSWERED;
      if (strchr (x, 'F') != NULL)
        status |= TERN_MIME_STATUS_FLAGGED;
      if (strchr (x, 'D') != NULL)
        status |= TERN_MIME_STATUS_DELETED;
      if (strchr (x, 'T') != NULL)
        status |= TERN_MIME_STATUS_DRAFT;
    }
  if (moz != NULL)
    {
      guint64 v = g_ascii_strtoull (moz, NULL, 16);

      status |= TERN_MIME_STATUS_KNOWN;
      if (v & 0x0001)
        status |= TERN_MIME_STATUS_SEEN;
      if (v & 0x0002)
        status |= TERN_MIME_STATUS_ANSWERED;
      if (v & 0x0004)
        status |= TERN_MIME_STATUS_FLAGGED;
      if (v & 0x0008)
        status |= TERN_MIME_STATUS_DELETED;
    }
  return status;
}

static char **
parse_references (const char *value, gboolean only_first)
{
  GPtrArray *ids = g_ptr_array_new ();
  GMimeReferences *refs;

  if (value != NULL && (refs = g_mime_references_parse (NULL, value)) != NULL)
    {
      int n = g_mime_references_length (refs);
      int first = MAX (0, n - MAX_REFERENCES);

      for (int i = first; i < n; i++)
        {
          const char *id = g_mime_references_get_message_id (refs, i);
          if (id != NULL && *id != '\0' && g_utf8_validate (id, -1, NULL))
            {
              g_ptr_array_add (ids, g_strdup (id));
              if (only_first)
                break;
            }
        }
      g_mime_references_free (refs);
    }
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

/**
 * tern_mime_summary_new:
 * @data: the raw message (may begin with an mbox envelope line)
 * @len: its length; a header block alone is fine
 *
 * Parses a message once with GMime and extracts what the store needs. Never
 * fails: malformed mail gives a summary with what could be read. Safe to call
 * from any thread.
 *
 * Returns: (transfer full): the summary
 */
TernMimeSummary *
tern_mime_summary_new (const guint8 *data, gsize len)
{
  TernMimeSummary *summary = g_new0 (TernMimeSummary, 1);
  GByteArray *array;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeParserOptions *options;
  GMimeMessage *message;
  gsize start;
  static const char *fallback_charsets[] = { "UTF-8", "windows-1252", NULL };

  tern_mime_init ();

  len = MIN (len, (gsize) G_MAXUINT);
  start = tern_mime_skip_envelope (data, len);

  /* Parse in place: GMime reads the caller's bytes through a mem stream that does
   * not own them, and attachments stay substreams (no copy). */
  array = g_byte_array_new_take ((guint8 *) data, len);
  stream = g_mime_stream_mem_new_with_byte_array (array);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (stream), FALSE);
  g_mime_stream_set_bounds (stream, start, len);

  options = g_mime_parser_options_new ();
  g_mime_parser_options_set_fallback_charsets (options, fallback_charsets);
  g_mime_parser_options_set_rfc2047_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);

  parser = g_mime_parser_new_with_stream (stream);
  g_mime_parser_set_format (parser, GMIME_FORMAT_MESSAGE);
  message = g_mime_parser_construct_message (parser, options);

  if (message != NULL)
    {
      GMimeObject *object = GMIME_OBJECT (message);
      g_autoptr(TernMimeHeaders) headers = tern_mime_headers_new (message);
      GDateTime *date = headers->date;
      const char *message_id = g_mime_message_get_message_id (message);
      Extract ex = { summary, g_string_new (NULL), g_string_new (NULL), 0 };
      gint64 headers_end = g_mime_parser_get_headers_end (parser);

      summary->header_size = headers_end > (gint64) start ? (gsize) (headers_end - start) : 0;
      summary->subject = g_steal_pointer (&headers->subject);
      summary->from = tern_mime_mailboxes_to_string (headers->from);
      summary->to = tern_mime_mailboxes_to_string (headers->to);
      summary->cc = tern_mime_mailboxes_to_string (headers->cc);
      summary->bcc = tern_mime_mailboxes_to_string (headers->bcc);
      if (message_id != NULL && *message_id != '\0')
        summary->message_id = valid_dup (message_id);

      {
        g_auto(GStrv) irt = parse_references (g_mime_object_get_header (object, "In-Reply-To"), TRUE);
        if (irt[0] != NULL)
          summary->in_reply_to = g_strdup (irt[0]);
      }
      summary->references = parse_references (g_mime_object_get_header (object, "References"), FALSE);

      if (date != NULL)
        {
          summary->date = g_date_time_to_unix (date);
          summary->date_tz = (int) (g_date_time_get_utc_offset (date) / G_TIME_SPAN_MINUTE);
        }
      summary->status = parse_status (object);

      walk (&ex, g_mime_message_get_mime_part (message), 0, FALSE);

      summary->body_text = g_string_free (ex.text, FALSE);
      summary->attachment_names = ex.names->len > 0 ? g_string_free (ex.names, FALSE)
                                                    : (g_string_free (ex.names, TRUE), NULL);
      g_object_unref (message);
    }
  else
    {
      summary->references = g_new0 (char *, 1);
      summary->body_text = g_strdup ("");
    }

  summary->preview = tern_mime_text_make_preview (summary->body_text, PREVIEW_CHARS);

  g_object_unref (parser);
  g_mime_parser_options_free (options);
  g_object_unref (stream);
  /* Give the bytes back to the caller without freeing them. */
  g_byte_array_steal (array, NULL);
  g_byte_array_unref (array);

  return summary;
}

TernMimeSummary *
tern_mime_summary_copy (const TernMimeSummary *summary)
{
  TernMimeSummary *copy = g_new0 (TernMimeSummary, 1);

  *copy = *summary;
  copy->subject = g_strdup (summary->subject);
  copy->from = g_strdup (summary->from);
  copy->to = g_strdup (summary->to);
  copy->cc = g_strdup (summary->cc);
  copy->bcc = g_strdup (summary->bcc);
  copy->message_id = g_strdup (summary->message_id);
  copy->in_reply_to = g_strdup (summary->in_reply_to);
  copy->references = g_strdupv (summary->references);
  copy->attachment_names = g_strdup (summary->attachment_names);
  copy->body_text = g_strdup (summary->body_text);
  copy->preview = g_strdup (summary->preview);
  return copy;
}

void
tern_mime_summary_free (TernMimeSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->subject);
  g_free (summary->from);
  g_free (summary->to);
  g_free (summary->cc);
  g_free (summary->bcc);
  g_free (summary->message_id);
  g_free (summary->in_reply_to);
  g_strfreev (summary->references);
  g_free (summary->attachment_names);
  g_free (summary->body_text);
  g_free (summary->preview);
  g_free (summary);
}

static gboolean
strip_prefix (const char **s)
{
  static const char * const prefixes[] = {
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "antw", "ref", "tr", "rv", "odp", "res",
  };
  const char *p = *s;

  while (*p == ' ' || *p == '\t')
    p++;

  if (*p == '[')
    {
      /* A mailing-list tag such as "[dev]". */
      const char *close = strchr (p, ']');
      if (close != NULL && close - p < 40)
        {
          *s = close + 1;
          return TRUE;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      gsize n = strlen (prefixes[i]);
      if (g_ascii_strncasecmp (p, prefixes[i], n) == 0)
        {
          const char *q = p + n;
          /* "Re[2]:" and "Re^2:" as some clients write */
          if (*q == '[' || *q == '^')
            {
              q++;
              while (g_ascii_isdigit (*q))
                q++;
              if (*q == ']')
                q++;
            }
          if (*q == ':' || (q[0] == '\xEF' && q[1] == '\xBC' && q[2] == '\x9A'))
            {
              *s = q + (*q == ':' ? 1 : 3);
              return TRUE;
            }
        }
    }
  *s = p;
  return FALSE;
}

/**
 * tern_mime_normalize_subject:
 * @subject: (nullable): a decoded subject
 * @had_prefix: (out) (optional): set to whether a reply or forward prefix was removed
 *
 * Returns the subject without reply and forward prefixes ("Re:", "Fwd:", "AW:"
 * ...) and list tags, case-folded and with white space collapsed: the key that
 * groups replies without References into one conversation.
 *
 * Returns: (transfer full): the key, possibly empty
 */
char *
tern_mime_normalize_subject (const char *subject, gboolean *had_prefix)
{
  const char *s = subject != NULL ? subject : "";
  g_autofree char *folded = NULL;
  gboolean reply = FALSE;
  GString *out;

  for (int guard = 0; guard < 16; guard++)
    {
      const char *before = s;
      if (!strip_prefix (&s))
        break;
      /* A list tag alone does not make a reply. */
      if (*before != '[' && before[strspn (before, " \t")] != '[')
        reply = TRUE;
    }
  if (had_prefix != NULL)
    *had_prefix = reply;

  folded = g_utf8_casefold (s, -1);
  out = g_string_new (NULL);
  for (const char *p = folded; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (out->len > 0 && out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}
