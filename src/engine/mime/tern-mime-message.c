/* tern-mime-message.c: a message parsed for reading: headers, the bodies to show,
 * attachments and inline parts
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The reader parses a message once, on a worker thread, into this immutable
 * object: every part it may need (text, attachments, cid: images) is decoded here,
 * so that the UI thread never runs GMime and no GMime object crosses threads.
 *
 * Which parts are shown as text:
 * - multipart/alternative: one alternative, the HTML one unless the caller
 *   prefers plain text (then the plain one when there is one);
 * - multipart/related: its root; the other parts are served to the HTML as cid:
 *   URLs and listed as attachments only when the HTML does not refer to them;
 * - multipart/mixed and other multiparts: every inline text part, in order; the
 *   other parts are attachments;
 * - multipart/signed: the signed content (the signature is not listed);
 * - multipart/encrypted, application/pkcs7-mime: a notice;
 * - message/rfc822: inline, its header block and its bodies; as an attachment, a
 *   .eml file.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gmime/gmime.h>

#include "tern-mime-flowed.h"
#include "tern-mime-header.h"
#include "tern-mime-html.h"
#include "tern-mime-message.h"
#include "tern-mime-summary.h"
#include "tern-mime-text.h"

/* Bounded work on hostile mail, as in tern-mime-summary.c. */
#define MAX_DEPTH 32
#define MAX_PARTS 512

/* ---- boxed records ------------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (TernMimeBody, tern_mime_body, tern_mime_body_copy, tern_mime_body_free)
G_DEFINE_BOXED_TYPE (TernMimeAddress, tern_mime_address, tern_mime_address_copy, tern_mime_address_free)

TernMimeBody *
tern_mime_body_copy (const TernMimeBody *body)
{
  TernMimeBody *copy = g_new0 (TernMimeBody, 1);

  copy->kind = body->kind;
  copy->text = g_strdup (body->text);
  copy->charset = g_strdup (body->charset);
  copy->truncated = body->truncated;
  return copy;
}

void
tern_mime_body_free (TernMimeBody *body)
{
  if (body == NULL)
    return;
  g_free (body->text);
  g_free (body->charset);
  g_free (body);
}

TernMimeAddress *
tern_mime_address_copy (const TernMimeAddress *address)
{
  TernMimeAddress *copy = g_new0 (TernMimeAddress, 1);

  copy->name = g_strdup (address->name);
  copy->address = g_strdup (address->address);
  return copy;
}

void
tern_mime_address_free (TernMimeAddress *address)
{
  if (address == NULL)
    return;
  g_free (address->name);
  g_free (address->address);
  g_free (address);
}

/**
 * tern_mime_address_to_string:
 *
 * Returns: (transfer full): "Name <address>", or the address alone
 */
char *
tern_mime_address_to_string (const TernMimeAddress *address)
{
  if (address->name != NULL && *address->name != '\0')
    return g_strdup_printf ("%s <%s>", address->name, address->address);
  return g_strdup (address->address);
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

/* The mailboxes of tern-mime-header.c (which the store's columns are made of too),
 * a group's members in its place. */
static void
add_mailboxes (GPtrArray *out, GPtrArray *mailboxes)
{
  for (guint i = 0; i < mailboxes->len && out->len < 1000; i++)
    {
      const TernMimeMailbox *mailbox = g_ptr_array_index (mailboxes, i);
      TernMimeAddress *a;

      if (mailbox->address == NULL)
        continue;   /* an empty group */
      a = g_new0 (TernMimeAddress, 1);
      a->name = g_strdup (mailbox->name);
      a->address = g_strdup (mailbox->address);
      g_ptr_array_add (out, a);
    }
}

static GPtrArray *
address_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_address_free);
}

/**
 * tern_mime_address_list_parse:
 * @text: (nullable): an address list as the store keeps it ("Name <a@b>, c@d")
 *
 * Returns: (transfer container) (element-type TernMimeAddress): the addresses
 */
GPtrArray *
tern_mime_address_list_parse (const char *text)
{
  GPtrArray *out = address_array_new ();
  g_autoptr(GPtrArray) mailboxes = NULL;

  if (text == NULL || *text == '\0')
    return out;
  mailboxes = tern_mime_header_parse_addresses (text, NULL);
  add_mailboxes (out, mailboxes);
  return out;
}

/* ---- TernMimePart ------------------------------------------------------------- */

struct _TernMimePart
{
  GObject   parent_instance;

  char     *filename;
  char     *content_type;
  char     *content_id;
  GBytes   *bytes;
  gboolean  attachment;
};

G_DEFINE_FINAL_TYPE (TernMimePart, tern_mime_part, G_TYPE_OBJECT)

static void
tern_mime_part_finalize (GObject *object)
{
  TernMimePart *self = TERN_MIME_PART (object);

  g_free (self->filename);
  g_free (self->content_type);
  g_free (self->content_id);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  G_OBJECT_CLASS (tern_mime_part_parent_class)->finalize (object);
}

static void
tern_mime_part_class_init (TernMimePartClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_mime_part_finalize;
}

static void
tern_mime_part_init (TernMimePart *self)
{
}

/**
 * tern_mime_part_get_filename:
 *
 * Returns: a file name for the part: the one the sender gave (without any
 *   folder), or one made from its type
 */
const char *
tern_mime_part_get_filename (TernMimePart *self)
{
  g_return_val_if_fail (TERN_IS_MIME_PART (self), NULL);
  return self->filename;
}

/**
 * tern_mime_part_get_content_type:
 *
 * Returns: the MIME type in lower case, without parameters ("image/png")
 */
const char *
tern_mime_part_get_content_type (TernMimePart *self)
{
  g_return_val_if_fail (TERN_IS_MIME_PART (self), NULL);
  return self->content_type;
}

/**
 * tern_mime_part_get_content_id:
 *
 * Returns: (nullable): the Content-ID without angle brackets
 */
const char *
tern_mime_part_get_content_id (TernMimePart *self)
{
  g_return_val_if_fail (TERN_IS_MIME_PART (self), NULL);
  return self->content_id;
}

/**
 * tern_mime_part_get_size:
 *
 * Returns: the size of the decoded content in bytes
 */
gsize
tern_mime_part_get_size (TernMimePart *self)
{
  g_return_val_if_fail (TERN_IS_MIME_PART (self), 0);
  return g_bytes_get_size (self->bytes);
}

/**
 * tern_mime_part_get_bytes:
 *
 * Returns: (transfer none): the decoded content (transfer encoding removed)
 */
GBytes *
tern_mime_part_get_bytes (TernMimePart *self)
{
  g_return_val_if_fail (TERN_IS_MIME_PART (self), NULL);
  return self->bytes;
}

/**
 * tern_mime_part_is_attachment:
 *
 * Returns: whether the reader lists the part as an attachment
 */
gboolean
tern_mime_part_is_attachment (TernMimePart *self)
{
  g_return_val_if_fail (TERN_IS_MIME_PART (self), FALSE);
  return self->attachment;
}

/* ---- TernMimeMessage ---------------------------------------------------------- */

struct _TernMimeMessage
{
  GObject    parent_instance;

  GBytes    *raw;
  char      *subject;
  char      *message_id;
  GDateTime *date;
  GPtrArray *from;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *reply_to;
  GPtrArray *bodies;        /* TernMimeBody */
  GPtrArray *parts;         /* TernMimePart: every part with content but the bodies */
  GPtrArray *attachments;   /* TernMimePart: the listed ones */
  gboolean   has_html;
};

G_DEFINE_FINAL_TYPE (TernMimeMessage, tern_mime_message, G_TYPE_OBJECT)

static void
tern_mime_message_finalize (GObject *object)
{
  TernMimeMessage *self = TERN_MIME_MESSAGE (object);

  g_clear_pointer (&self->raw, g_bytes_unref);
  g_free (self->subject);
  g_free (self->message_id);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->from, g_ptr_array_unref);
  g_clear_pointer (&self->to, g_ptr_array_unref);
  g_clear_pointer (&self->cc, g_ptr_array_unref);
  g_clear_pointer (&self->reply_to, g_ptr_array_unref);
  g_clear_pointer (&self->bodies, g_ptr_array_unref);
  g_clear_pointer (&self->parts, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);
  G_OBJECT_CLASS (tern_mime_message_parent_class)->finalize (object);
}

static void
tern_mime_message_class_init (TernMimeMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tern_mime_message_finalize;
}

static void
tern_mime_message_init (TernMimeMessage *self)
{
  self->from = address_array_new ();
  self->to = address_array_new ();
  self->cc = address_array_new ();
  self->reply_to = address_array_new ();
  self->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_body_free);
  self->parts = g_ptr_array_new_with_free_func (g_object_unref);
  self->attachments = g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- the walk ------------------------------------------------------------------ */

typedef struct
{
  TernMimeMessage      *self;
  TernMimeMessageFlags  flags;
  guint                 n_parts;
  GPtrArray            *related;  /* TernMimePart: non-root parts of multipart/related */
} Walk;

static void walk (Walk *w, GMimeObject *object, int depth, gboolean first_in_mixed);

static GBytes *
decode_content (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GByteArray *array = g_byte_array_new ();
  GMimeStream *mem;

  if (content == NULL)
    return g_byte_array_free_to_bytes (array);
  mem = g_mime_stream_mem_new_with_byte_array (array);
  g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
  g_mime_data_wrapper_write_to_stream (content, mem);
  g_object_unref (mem);
  return g_byte_array_free_to_bytes (array);
}

static char *
type_string (GMimeObject *object)
{
  GMimeContentType *ct = g_mime_object_get_content_type (object);
  const char *type = ct != NULL ? g_mime_content_type_get_media_type (ct) : NULL;
  const char *subtype = ct != NULL ? g_mime_content_type_get_media_subtype (ct) : NULL;
  g_autofree char *s = NULL;

  if (type == NULL || *type == '\0')
    return g_strdup ("application/octet-stream");
  s = g_strdup_printf ("%s/%s", type, subtype != NULL && *subtype != '\0' ? subtype : "octet-stream");
  if (!g_utf8_validate (s, -1, NULL))
    return g_strdup ("application/octet-stream");
  return g_ascii_strdown (s, -1);
}

static const char *
extension_for (const char *type)
{
  static const struct { const char *type; const char *ext; } table[] = {
    { "text/plain", ".txt" }, { "text/html", ".html" }, { "text/calendar", ".ics" },
    { "text/vcard", ".vcf" }, { "text/x-vcard", ".vcf" }, { "text/csv", ".csv" },
    { "image/png", ".png" }, { "image/jpeg", ".jpg" }, { "image/gif", ".gif" },
    { "image/webp", ".webp" }, { "image/svg+xml", ".svg" }, { "application/pdf", ".pdf" },
    { "application/zip", ".zip" }, { "message/rfc822", ".eml" },
    { "message/delivery-status", ".txt" }, { "text/rfc822-headers", ".txt" },
    { "application/ms-tnef", ".dat" }, { "application/vnd.ms-tnef", ".dat" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (type, table[i].type))
      return table[i].ext;
  return "";
}

/* A file name that is safe to create: no folders, no control characters, not
 * hidden, not empty, at most 200 bytes. */
static char *
safe_filename (const char *name, const char *type)
{
  g_autofree char *valid = NULL;
  GString *out;
  const char *base;

  if (name == NULL || *name == '\0')
    return g_strconcat (_("attachment"), extension_for (type), NULL);

  valid = valid_dup (name);
  base = strrchr (valid, '/');
  base = base != NULL ? base + 1 : valid;
  if (strrchr (base, '\\') != NULL)
    base = strrchr (base, '\\') + 1;

  out = g_string_new (NULL);
  for (const char *p = base; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
          (c >= 0x2066 && c <= 0x2069))
        continue;
      g_string_append_unichar (out, c);
    }
  while (out->len > 0 && (out->str[0] == '.' || out->str[0] == ' '))
    g_string_erase (out, 0, 1);
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (out->len > 200)
    {
      const char *cut = out->str + 200;

      while (cut > out->str && (*cut & 0xC0) == 0x80)
        cut--;
      g_string_truncate (out, cut - out->str);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return g_strconcat (_("attachment"), extension_for (type), NULL);
    }
  return g_string_free (out, FALSE);
}

static TernMimePart *
add_part (Walk *w, GMimeObject *object, GBytes *bytes, const char *filename, gboolean attachment)
{
  TernMimePart *part = g_object_new (TERN_TYPE_MIME_PART, NULL);
  const char *cid = g_mime_object_get_content_id (object);

  part->content_type = type_string (object);
  part->filename = safe_filename (filename, part->content_type);
  part->content_id = cid != NULL && *cid != '\0' ? valid_dup (cid) : NULL;
  part->bytes = g_bytes_ref (bytes);
  part->attachment = attachment;
  g_ptr_array_add (w->self->parts, part);
  if (attachment)
    g_ptr_array_add (w->self->attachments, g_object_ref (part));
  return part;
}

static void
add_body (Walk *w, TernMimeBodyKind kind, char *text, const char *charset)
{
  TernMimeBody *body = g_new0 (TernMimeBody, 1);
  gsize len = strlen (text);

  if (len > TERN_MIME_MESSAGE_MAX_TEXT)
    {
      char *cut = text + TERN_MIME_MESSAGE_MAX_TEXT;

      while (cut > text && (*cut & 0xC0) == 0x80)
        cut--;
      *cut = '\0';
      body->truncated = TRUE;
    }
  body->kind = kind;
  body->text = text;
  body->charset = charset != NULL ? valid_dup (charset) : NULL;
  if (kind == TERN_MIME_BODY_HTML)
    w->self->has_html = TRUE;
  g_ptr_array_add (w->self->bodies, body);
}

static void
add_notice (Walk *w, const char *text)
{
  add_body (w, TERN_MIME_BODY_NOTICE, g_strdup (text), NULL);
}

static gboolean
is_signature_type (GMimeContentType *ct)
{
  return g_mime_content_type_is_type (ct, "application", "pgp-signature") ||
         g_mime_content_type_is_type (ct, "application", "pkcs7-signature") ||
         g_mime_content_type_is_type (ct, "application", "x-pkcs7-signature");
}

/* A text part the reader shows inline, as plain text (or HTML when *html). */
static gboolean
is_body_type (GMimePart *part, GMimeContentType *ct, gboolean *html)
{
  *html = FALSE;
  if (ct == NULL)
    return TRUE;
  if (g_mime_content_type_is_type (ct, "text", "html"))
    {
      *html = TRUE;
      return TRUE;
    }
  if (g_mime_content_type_is_type (ct, "text", "plain") ||
      g_mime_content_type_is_type (ct, "text", "enriched") ||
      g_mime_content_type_is_type (ct, "text", "rfc822-headers") ||
      g_mime_content_type_is_type (ct, "message", "delivery-status") ||
      g_mime_content_type_is_type (ct, "message", "disposition-notification") ||
      g_mime_content_type_is_type (ct, "message", "feedback-report") ||
      g_mime_content_type_is_type (ct, "message", "global-delivery-status"))
    return TRUE;
  /* "Content-Type: text" without a subtype: GMime reads application/octet-stream
   * but still makes a text part. */
  {
    const char *type = g_mime_content_type_get_media_type (ct);
    return type != NULL && g_ascii_strcasecmp (type, "text") == 0 &&
           (g_mime_content_type_get_media_subtype (ct) == NULL ||
            *g_mime_content_type_get_media_subtype (ct) == '\0');
  }
}

static gboolean
is_japanese (gunichar c)
{
  return (c >= 0x3000 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF);
}

/* Text that declares no charset (or US-ASCII) yet has 8-bit bytes is read as
 * Windows-1252 (tern_mime_text_to_utf8()), right for most undeclared mail. Japanese
 * mail is the common exception: ISO-2022-JP shows by its escapes, Shift_JIS and
 * EUC-JP by decoding strictly into mostly kana and kanji. */
static const char *
guess_charset (const char *data, gsize len)
{
  static const char * const candidates[] = { "shift_jis", "euc-jp" };

  if (len == 0)
    return NULL;
  for (gsize i = 0; i + 2 < len; i++)
    if (data[i] == '\x1b' && data[i + 1] == '$' && (data[i + 2] == 'B' || data[i + 2] == '@'))
      return "iso-2022-jp";
  if (g_utf8_validate_len (data, len, NULL))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *utf8 = g_convert (data, len, "UTF-8", candidates[i], NULL, NULL, NULL);
      guint n_wide = 0, n_japanese = 0, n_kana = 0;

      if (utf8 == NULL)
        continue;
      for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if (c < 0x80)
            continue;
          n_wide++;
          n_japanese += is_japanese (c);
          n_kana += c >= 0x3040 && c <= 0x30FF;
        }
      if (n_kana > 0 && n_japanese * 10 >= n_wide * 8)
        return candidates[i];
    }
  return NULL;
}

static void
add_text_body (Walk *w, GMimePart *part, GBytes *bytes, gboolean html)
{
  GMimeObject *object = GMIME_OBJECT (part);
  const char *charset = g_mime_object_get_content_type_parameter (object, "charset");
  g_autofree char *sniffed = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  char *utf8;

  if (html && (charset == NULL || *charset == '\0'))
    charset = sniffed = tern_mime_html_sniff_charset (data, len);
  if (data != NULL && (charset == NULL || *charset == '\0' || g_ascii_strcasecmp (charset, "us-ascii") == 0))
    {
      const char *guessed = guess_charset (data, len);

      if (guessed != NULL)
        charset = guessed;
    }
  utf8 = tern_mime_text_to_utf8 (data != NULL ? data : "", len, charset);

  if (!html)
    {
      const char *format = g_mime_object_get_content_type_parameter (object, "format");

      if (format != NULL && g_ascii_strcasecmp (format, "flowed") == 0)
        {
          const char *delsp = g_mime_object_get_content_type_parameter (object, "delsp");
          char *joined = tern_mime_flowed_decode (utf8, delsp != NULL && g_ascii_strcasecmp (delsp, "yes") == 0);

          g_free (utf8);
          utf8 = joined;
        }
    }
  add_body (w, html ? TERN_MIME_BODY_HTML : TERN_MIME_BODY_PLAIN, utf8, charset);
}

static void
walk_part (Walk *w, GMimePart *part, gboolean in_related, gboolean first_in_mixed)
{
  GMimeObject *object = GMIME_OBJECT (part);
  GMimeContentType *ct = g_mime_object_get_content_type (object);
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);
  gboolean attachment_disposition = disposition != NULL && g_mime_content_disposition_is_attachment (disposition);
  const char *filename = g_mime_part_get_filename (part);
  g_autoptr(GBytes) bytes = NULL;
  gboolean html = FALSE;

  if (ct != NULL && is_signature_type (ct))
    return;
  if (ct != NULL && (g_mime_content_type_is_type (ct, "application", "pkcs7-mime") ||
                     g_mime_content_type_is_type (ct, "application", "x-pkcs7-mime")))
    {
      add_notice (w, _("This message is encrypted. Tern cannot read encrypted messages yet."));
      return;
    }

  bytes = decode_content (part);

  if (in_related)
    {
      TernMimePart *p = add_part (w, object, bytes, filename, attachment_disposition);

      if (!attachment_disposition)
        g_ptr_array_add (w->related, g_object_ref (p));
      return;
    }

  if (!attachment_disposition && is_body_type (part, ct, &html) &&
      (filename == NULL || first_in_mixed || disposition != NULL))
    {
      add_text_body (w, part, bytes, html);
      /* A named inline text part can also be saved. */
      if (filename != NULL)
        add_part (w, object, bytes, filename, TRUE);
      return;
    }

  add_part (w, object, bytes, filename, TRUE);
}

/* What an alternative would show: 2 HTML, 1 plain text, 0 neither. */
static int
alternative_kind (GMimeObject *object, int depth)
{
  GMimeContentType *ct = g_mime_object_get_content_type (object);
  gboolean html = FALSE;

  if (depth > 8 || object == NULL)
    return 0;
  if (GMIME_IS_MULTIPART (object))
    {
      GMimeMultipart *mp = GMIME_MULTIPART (object);
      int n = g_mime_multipart_get_count (mp);
      int best = 0;

      if (n == 0)
        return 0;
      if (ct != NULL && (g_mime_content_type_is_type (ct, "multipart", "related") ||
                         g_mime_content_type_is_type (ct, "multipart", "mixed") ||
                         g_mime_content_type_is_type (ct, "multipart", "signed")))
        return alternative_kind (g_mime_multipart_get_part (mp, 0), depth + 1);
      for (int i = 0; i < n; i++)
        best = MAX (best, alternative_kind (g_mime_multipart_get_part (mp, i), depth + 1));
      return best;
    }
  if (GMIME_IS_PART (object) && is_body_type (GMIME_PART (object), ct, &html))
    return html ? 2 : 1;
  return 0;
}

static void
walk_alternative (Walk *w, GMimeMultipart *mp, int depth)
{
  int n = g_mime_multipart_get_count (mp);
  int want = (w->flags & TERN_MIME_MESSAGE_PREFER_PLAIN) ? 1 : 2;
  int chosen = -1;

  /* The last alternative of the wanted kind is the richest (RFC 2046 5.1.4). */
  for (int i = n - 1; i >= 0 && chosen < 0; i--)
    if (alternative_kind (g_mime_multipart_get_part (mp, i), 0) == want)
      chosen = i;
  for (int i = n - 1; i >= 0 && chosen < 0; i--)
    if (alternative_kind (g_mime_multipart_get_part (mp, i), 0) != 0)
      chosen = i;
  if (chosen < 0)
    chosen = n - 1;
  walk (w, g_mime_multipart_get_part (mp, chosen), depth + 1, TRUE);
}

static void
walk_related (Walk *w, GMimeMultipart *mp, int depth)
{
  int n = g_mime_multipart_get_count (mp);
  const char *start = g_mime_object_get_content_type_parameter (GMIME_OBJECT (mp), "start");
  int root = 0;

  if (start != NULL)
    {
      g_autofree char *id = g_strdup (start);

      g_strstrip (id);
      if (*id == '<' && id[strlen (id) - 1] == '>')
        {
          memmove (id, id + 1, strlen (id));
          id[strlen (id) - 1] = '\0';
        }
      for (int i = 0; i < n; i++)
        if (g_strcmp0 (g_mime_object_get_content_id (g_mime_multipart_get_part (mp, i)), id) == 0)
          root = i;
    }

  walk (w, g_mime_multipart_get_part (mp, root), depth + 1, TRUE);
  for (int i = 0; i < n; i++)
    {
      GMimeObject *child = g_mime_multipart_get_part (mp, i);

      if (i == root)
        continue;
      if (GMIME_IS_PART (child))
        {
          if (++w->n_parts <= MAX_PARTS)
            walk_part (w, GMIME_PART (child), TRUE, FALSE);
        }
      else
        walk (w, child, depth + 1, FALSE);
    }
}

static void
walk_multipart (Walk *w, GMimeMultipart *mp, int depth)
{
  GMimeContentType *ct = g_mime_object_get_content_type (GMIME_OBJECT (mp));
  int n = g_mime_multipart_get_count (mp);

  if (GMIME_IS_MULTIPART_ENCRYPTED (mp) ||
      (ct != NULL && g_mime_content_type_is_type (ct, "multipart", "encrypted")))
    {
      add_notice (w, _("This message is encrypted. Tern cannot read encrypted messages yet."));
      return;
    }

  if (n <= 0)
    {
      /* A multipart whose boundary never comes: GMime keeps the whole body as the
       * prologue. That is the text the sender wrote. */
      const char *prologue = g_mime_multipart_get_prologue (mp);

      if (prologue != NULL && *prologue != '\0')
        add_body (w, TERN_MIME_BODY_PLAIN, tern_mime_text_to_utf8 (prologue, strlen (prologue), NULL), NULL);
      return;
    }

  if (GMIME_IS_MULTIPART_SIGNED (mp) || (ct != NULL && g_mime_content_type_is_type (ct, "multipart", "signed")))
    {
      walk (w, g_mime_multipart_get_part (mp, 0), depth + 1, TRUE);
      return;
    }
  if (ct != NULL && g_mime_content_type_is_type (ct, "multipart", "alternative"))
    {
      walk_alternative (w, mp, depth);
      return;
    }
  if (ct != NULL && g_mime_content_type_is_type (ct, "multipart", "related"))
    {
      walk_related (w, mp, depth);
      return;
    }
  for (int i = 0; i < n; i++)
    walk (w, g_mime_multipart_get_part (mp, i), depth + 1, i == 0);
}

static void
append_header_line (GString *s, const char *label, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_printf (s, "%s %s\n", label, value);
}

static char *
addresses_string (GPtrArray *mailboxes)
{
  g_autoptr(GPtrArray) addrs = address_array_new ();
  GString *s = g_string_new (NULL);

  add_mailboxes (addrs, mailboxes);
  for (guint i = 0; i < addrs->len; i++)
    {
      g_autofree char *one = tern_mime_address_to_string (g_ptr_array_index (addrs, i));

      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, one);
    }
  return g_string_free (s, FALSE);
}

static void
walk_message_part (Walk *w, GMimeMessagePart *mpart, int depth)
{
  GMimeObject *object = GMIME_OBJECT (mpart);
  GMimeContentDisposition *disposition = g_mime_object_get_content_disposition (object);
  GMimeMessage *inner = g_mime_message_part_get_message (mpart);

  if ((disposition != NULL && g_mime_content_disposition_is_attachment (disposition)) || inner == NULL)
    {
      g_autofree char *name = NULL;
      const char *filename = disposition != NULL ? g_mime_content_disposition_get_parameter (disposition, "filename") : NULL;
      GByteArray *array = g_byte_array_new ();
      g_autoptr(GBytes) bytes = NULL;

      if (inner != NULL)
        {
          GMimeStream *mem = g_mime_stream_mem_new_with_byte_array (array);

          g_mime_stream_mem_set_owner (GMIME_STREAM_MEM (mem), FALSE);
          g_mime_object_write_to_stream (GMIME_OBJECT (inner), NULL, mem);
          g_object_unref (mem);
          if (filename == NULL && g_mime_message_get_subject (inner) != NULL)
            filename = name = g_strconcat (g_mime_message_get_subject (inner), ".eml", NULL);
        }
      bytes = g_byte_array_free_to_bytes (array);
      add_part (w, object, bytes, filename, TRUE);
      return;
    }

  /* A forwarded message shown inline: its header block, then its text. */
  {
    GString *s = g_string_new (NULL);
    g_autoptr(TernMimeHeaders) headers = tern_mime_headers_new (inner);
    GDateTime *date = headers->date;
    g_autofree char *from = addresses_string (headers->from);
    g_autofree char *to = addresses_string (headers->to);
    g_autofree char *cc = addresses_string (headers->cc);
    g_autofree char *subject = g_steal_pointer (&headers->subject);
    g_autofree char *when = date != NULL ? g_date_time_format (date, "%c") : NULL;
    g_autofree char *when_valid = valid_dup (when);

    g_string_append_printf (s, "%s\n", _("Forwarded message:"));
    append_header_line (s, _("From:"), from);
    append_header_line (s, _("Date:"), when_valid);
    append_header_line (s, _("Subject:"), subject);
    append_header_line (s, _("To:"), to);
    append_header_line (s, _("Cc:"), cc);
    add_body (w, TERN_MIME_BODY_NOTICE, g_string_free (s, FALSE), NULL);
  }
  walk (w, g_mime_message_get_mime_part (inner), depth + 1, TRUE);
}

static void
walk (Walk *w, GMimeObject *object, int depth, gboolean first_in_mixed)
{
  if (object == NULL || depth > MAX_DEPTH || ++w->n_parts > MAX_PARTS)
    return;

  if (GMIME_IS_MULTIPART (object))
    walk_multipart (w, GMIME_MULTIPART (object), depth);
  else if (GMIME_IS_MESSAGE_PART (object))
    walk_message_part (w, GMIME_MESSAGE_PART (object), depth);
  else if (GMIME_IS_PART (object))
    walk_part (w, GMIME_PART (object), FALSE, first_in_mixed);
}

static gboolean
html_refers_to (TernMimeMessage *self, const char *content_id)
{
  g_autofree char *needle = g_strconcat ("cid:", content_id, NULL);
  g_autofree char *folded = g_ascii_strdown (needle, -1);
  g_autofree char *escaped = g_uri_escape_string (content_id, NULL, FALSE);
  g_autofree char *escaped_needle = g_strconcat ("cid:", escaped, NULL);
  g_autofree char *escaped_folded = g_ascii_strdown (escaped_needle, -1);

  for (guint i = 0; i < self->bodies->len; i++)
    {
      TernMimeBody *body = g_ptr_array_index (self->bodies, i);
      g_autofree char *text = NULL;

      if (body->kind != TERN_MIME_BODY_HTML)
        continue;
      text = g_ascii_strdown (body->text, -1);
      /* as written, or percent-encoded as a URL ("cid:a%40b") */
      if (strstr (text, folded) != NULL || strstr (text, escaped_folded) != NULL)
        return TRUE;
    }
  return FALSE;
}

/**
 * tern_mime_message_new:
 * @raw: the raw message (may begin with an mbox envelope line)
 * @flags: which alternative to show
 *
 * Parses a message for reading. Never fails: malformed mail gives what could be
 * read. Safe on any thread; the result is immutable and may move between
 * threads.
 *
 * Returns: (transfer full): the message
 */
TernMimeMessage *
tern_mime_message_new (GBytes *raw, TernMimeMessageFlags flags)
{
  TernMimeMessage *self;
  static const char *fallback_charsets[] = { "UTF-8", "windows-1252", NULL };
  GMimeParserOptions *options;
  GByteArray *array;
  GMimeStream *stream;
  GMimeParser *parser;
  GMimeMessage *message;
  gsize len, start;
  const guint8 *data;

  g_return_val_if_fail (raw != NULL, NULL);

  tern_mime_init ();
  self = g_object_new (TERN_TYPE_MIME_MESSAGE, NULL);
  self->raw = g_bytes_ref (raw);

  data = g_bytes_get_data (raw, &len);
  len = MIN (len, (gsize) G_MAXUINT);
  start = tern_mime_skip_envelope (data, len);

  /* Parse in place, as tern_mime_summary_new() does: the stream reads the bytes
   * without owning them. Every part is decoded before they go. */
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
      Walk w = { self, flags, 0, g_ptr_array_new_with_free_func (g_object_unref) };
      /* the same values as the store's (tern_mime_summary_new()) */
      g_autoptr(TernMimeHeaders) headers = tern_mime_headers_new (message);
      const char *message_id = g_mime_message_get_message_id (message);

      self->subject = g_steal_pointer (&headers->subject);
      self->message_id = message_id != NULL && *message_id != '\0' ? valid_dup (message_id) : NULL;
      self->date = headers->date != NULL ? g_date_time_ref (headers->date) : NULL;
      add_mailboxes (self->from, headers->from);
      add_mailboxes (self->to, headers->to);
      add_mailboxes (self->cc, headers->cc);
      add_mailboxes (self->reply_to, headers->reply_to);

      walk (&w, g_mime_message_get_mime_part (message), 0, TRUE);

      /* Inline parts of multipart/related that no HTML shows are attachments. */
      for (guint i = 0; i < w.related->len; i++)
        {
          TernMimePart *part = g_ptr_array_index (w.related, i);

          if (part->content_id == NULL || !html_refers_to (self, part->content_id))
            {
              part->attachment = TRUE;
              g_ptr_array_add (self->attachments, g_object_ref (part));
            }
        }
      g_ptr_array_unref (w.related);
      g_object_unref (message);
    }

  g_object_unref (parser);
  g_mime_parser_options_free (options);
  g_object_unref (stream);
  g_byte_array_steal (array, NULL);
  g_byte_array_unref (array);

  return self;
}

GBytes *
tern_mime_message_get_raw (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->raw;
}

/**
 * tern_mime_message_get_subject:
 *
 * Returns: (nullable): the decoded subject
 */
const char *
tern_mime_message_get_subject (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->subject;
}

/**
 * tern_mime_message_get_from:
 *
 * Returns: (transfer none) (element-type TernMimeAddress): the From addresses
 */
GPtrArray *
tern_mime_message_get_from (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->from;
}

/**
 * tern_mime_message_get_to:
 *
 * Returns: (transfer none) (element-type TernMimeAddress): the To addresses
 */
GPtrArray *
tern_mime_message_get_to (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->to;
}

/**
 * tern_mime_message_get_cc:
 *
 * Returns: (transfer none) (element-type TernMimeAddress): the Cc addresses
 */
GPtrArray *
tern_mime_message_get_cc (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->cc;
}

/**
 * tern_mime_message_get_reply_to:
 *
 * Returns: (transfer none) (element-type TernMimeAddress): the Reply-To addresses
 */
GPtrArray *
tern_mime_message_get_reply_to (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->reply_to;
}

/**
 * tern_mime_message_get_date:
 *
 * Returns: (transfer none) (nullable): the Date header
 */
GDateTime *
tern_mime_message_get_date (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->date;
}

/**
 * tern_mime_message_get_message_id:
 *
 * Returns: (nullable): the Message-ID without angle brackets
 */
const char *
tern_mime_message_get_message_id (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->message_id;
}

/**
 * tern_mime_message_get_bodies:
 *
 * Returns: (transfer none) (element-type TernMimeBody): the text to show, in order
 *   (empty for a message without text)
 */
GPtrArray *
tern_mime_message_get_bodies (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->bodies;
}

/**
 * tern_mime_message_get_parts:
 *
 * Returns: (transfer none) (element-type TernMimePart): every part with content
 *   that is not shown as text: attachments and inline images
 */
GPtrArray *
tern_mime_message_get_parts (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->parts;
}

/**
 * tern_mime_message_get_attachments:
 *
 * Returns: (transfer none) (element-type TernMimePart): the parts to list as
 *   attachments, in order
 */
GPtrArray *
tern_mime_message_get_attachments (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  return self->attachments;
}

/**
 * tern_mime_message_lookup_content_id:
 * @content_id: a Content-ID, without angle brackets (a `cid:` URL's path,
 *   percent-decoded)
 *
 * Returns: (transfer none) (nullable): the part with that Content-ID
 */
TernMimePart *
tern_mime_message_lookup_content_id (TernMimeMessage *self, const char *content_id)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), NULL);
  g_return_val_if_fail (content_id != NULL, NULL);

  for (guint i = 0; i < self->parts->len; i++)
    {
      TernMimePart *part = g_ptr_array_index (self->parts, i);

      if (part->content_id != NULL && strcmp (part->content_id, content_id) == 0)
        return part;
    }
  /* Content-IDs are case-sensitive on the left, but senders get it wrong. */
  for (guint i = 0; i < self->parts->len; i++)
    {
      TernMimePart *part = g_ptr_array_index (self->parts, i);

      if (part->content_id != NULL && g_ascii_strcasecmp (part->content_id, content_id) == 0)
        return part;
    }
  return NULL;
}

/**
 * tern_mime_message_has_html:
 *
 * Returns: whether a body to show is HTML
 */
gboolean
tern_mime_message_has_html (TernMimeMessage *self)
{
  g_return_val_if_fail (TERN_IS_MIME_MESSAGE (self), FALSE);
  return self->has_html;
}
