/* tern-mime-header.c: a message's header fields decoded as every front end shows them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GMime parses the header; this file decides what of it a person sees, so that the
 * store (and through it tern-cli and search) and the reader show the same values:
 *
 *  - raw 8-bit bytes (no RFC 2047) are read in the charset the message declares for
 *    its text, then by the user's locale (and Japanese by its script), as Thunderbird does,
 *    where GMime would read Windows-1252 (tern_mime_header_to_utf8());
 *  - GMime 3.2.13 drops the rest of a run of encoded words after a base64 word that
 *    ends in padding (fixed in 3.2.14, GMime issue #133); where the installed GMime
 *    does so, such words are handed to it as the same bytes in Q encoding
 *    (tern_mime_header_fix_encoded_words());
 *  - an address shows whatever can be read of it, never nothing; its domain in
 *    Unicode when that cannot be mistaken for another, and an encoded word in its
 *    local part decoded (tern_mime_header_parse_addresses());
 *  - of two Subject, From or Date headers the first counts, as in other clients.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "tern-mime-header.h"
#include "tern-mime-html.h"
#include "tern-mime-text.h"

#define MAX_DEPTH 32
#define MAX_PARTS 512

G_DEFINE_BOXED_TYPE (TernMimeMailbox, tern_mime_mailbox, tern_mime_mailbox_copy, tern_mime_mailbox_free)

TernMimeMailbox *
tern_mime_mailbox_copy (const TernMimeMailbox *mailbox)
{
  TernMimeMailbox *copy = g_new0 (TernMimeMailbox, 1);

  copy->name = g_strdup (mailbox->name);
  copy->address = g_strdup (mailbox->address);
  copy->group = g_strdup (mailbox->group);
  return copy;
}

void
tern_mime_mailbox_free (TernMimeMailbox *mailbox)
{
  if (mailbox == NULL)
    return;
  g_free (mailbox->name);
  g_free (mailbox->address);
  g_free (mailbox->group);
  g_free (mailbox);
}

static TernMimeMailbox *
mailbox_new (const char *name, const char *address, const char *group)
{
  TernMimeMailbox *mailbox = g_new0 (TernMimeMailbox, 1);

  mailbox->name = g_strdup (name);
  mailbox->address = g_strdup (address);
  mailbox->group = g_strdup (group);
  return mailbox;
}

/* Parser options for text that is already UTF-8: GMime's fallback charsets only
 * matter for bytes that are not, which tern_mime_header_to_utf8() leaves none of. */
static GMimeParserOptions *
header_options (void)
{
  static gsize once = 0;
  static GMimeParserOptions *options;

  if (g_once_init_enter (&once))
    {
      static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

      tern_mime_init ();
      options = g_mime_parser_options_new ();
      g_mime_parser_options_set_fallback_charsets (options, fallback);
      g_mime_parser_options_set_rfc2047_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_address_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
      g_mime_parser_options_set_parameter_compliance_mode (options, GMIME_RFC_COMPLIANCE_LOOSE);
      g_once_init_leave (&once, 1);
    }
  return options;
}

/* ---- charsets --------------------------------------------------------------------- */

/* What mail labelled with a charset is in practice (the WHATWG Encoding Standard's
 * supersets): GBK characters in "gb2312" mail, Windows-949 in "euc-kr", and so on. */
static const char *
superset_charset (const char *charset)
{
  static const struct
  {
    const char *label;
    const char *charset;
  } supersets[] = {
    { "iso-8859-1", "windows-1252" }, { "iso8859-1", "windows-1252" }, { "latin1", "windows-1252" },
    { "iso_8859-1", "windows-1252" }, { "iso-8859-9", "windows-1254" }, { "iso8859-9", "windows-1254" },
    { "latin5", "windows-1254" }, { "iso-8859-11", "CP874" }, { "tis-620", "CP874" },
    { "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" }, { "euc-cn", "GB18030" },
    { "cp936", "GB18030" }, { "big5", "BIG5-HKSCS" }, { "x-x-big5", "BIG5-HKSCS" }, { "cn-big5", "BIG5-HKSCS" },
    { "euc-kr", "CP949" }, { "ks_c_5601-1987", "CP949" }, { "ks_c_5601", "CP949" }, { "ksc5601", "CP949" },
    { "x-windows-949", "CP949" }, { "windows-949", "CP949" }, { "shift_jis", "CP932" }, { "shift-jis", "CP932" },
    { "sjis", "CP932" }, { "x-sjis", "CP932" }, { "ms_kanji", "CP932" }, { "windows-31j", "CP932" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (supersets); i++)
    if (g_ascii_strcasecmp (charset, supersets[i].label) == 0)
      return supersets[i].charset;
  return charset;
}

static gboolean
says_nothing (const char *charset)
{
  return charset == NULL || *charset == '\0' || g_ascii_strcasecmp (charset, "us-ascii") == 0 ||
         g_ascii_strcasecmp (charset, "ascii") == 0 || g_ascii_strcasecmp (charset, "unknown-8bit") == 0 ||
         g_ascii_strcasecmp (charset, "x-unknown") == 0;
}

/* @data in @charset, or NULL when a byte of it is not. */
static char *
convert_strict (const char *data, gsize len, const char *charset)
{
  iconv_t cd = g_mime_iconv_open ("UTF-8", charset);
  GString *out;
  char *inbuf = (char *) data;
  size_t inleft = len;
  gboolean ok = TRUE;
  char buf[1024];

  if (cd == (iconv_t) -1)
    return NULL;
  out = g_string_sized_new (len * 2 + 1);
  while (ok && inleft > 0)
    {
      char *outbuf = buf;
      size_t outleft = sizeof buf;

      if (iconv (cd, &inbuf, &inleft, &outbuf, &outleft) == (size_t) -1 && errno != E2BIG)
        ok = FALSE;
      g_string_append_len (out, buf, outbuf - buf);
    }
  if (ok)
    {
      char *outbuf = buf;
      size_t outleft = sizeof buf;

      if (iconv (cd, NULL, NULL, &outbuf, &outleft) == (size_t) -1)
        ok = FALSE;
      g_string_append_len (out, buf, outbuf - buf);
    }
  g_mime_iconv_close (cd);
  if (!ok || memchr (out->str, '\0', out->len) != NULL || !g_utf8_validate_len (out->str, out->len, NULL))
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The charsets the user's language suggests for mail that declares none (those of
 * Firefox's and Thunderbird's fallback table). The multi-byte ones come first and
 * are tried strictly; the last one, single-byte, reads anything. */
static const struct
{
  const char *language;
  const char *charsets[4];
} locale_table[] = {
  { "ja", { "CP932", "EUC-JP", "windows-1252", NULL } },
  { "ko", { "CP949", "windows-1252", NULL } },
  { "zh_TW", { "BIG5-HKSCS", "windows-1252", NULL } },
  { "zh_HK", { "BIG5-HKSCS", "windows-1252", NULL } },
  { "zh_MO", { "BIG5-HKSCS", "windows-1252", NULL } },
  { "zh", { "GB18030", "windows-1252", NULL } },
  { "ru", { "windows-1251", NULL } }, { "uk", { "windows-1251", NULL } }, { "be", { "windows-1251", NULL } },
  { "bg", { "windows-1251", NULL } }, { "mk", { "windows-1251", NULL } }, { "sr", { "windows-1251", NULL } },
  { "kk", { "windows-1251", NULL } },
  { "tr", { "windows-1254", NULL } }, { "az", { "windows-1254", NULL } },
  { "el", { "windows-1253", NULL } },
  { "he", { "windows-1255", NULL } }, { "iw", { "windows-1255", NULL } }, { "yi", { "windows-1255", NULL } },
  { "ar", { "windows-1256", NULL } }, { "fa", { "windows-1256", NULL } }, { "ur", { "windows-1256", NULL } },
  { "th", { "windows-874", NULL } },
  { "vi", { "windows-1258", NULL } },
  { "lt", { "windows-1257", NULL } }, { "lv", { "windows-1257", NULL } }, { "et", { "windows-1257", NULL } },
  { "cs", { "windows-1250", NULL } }, { "sk", { "windows-1250", NULL } }, { "pl", { "windows-1250", NULL } },
  { "hu", { "windows-1250", NULL } }, { "sl", { "windows-1250", NULL } }, { "hr", { "windows-1250", NULL } },
  { "bs", { "windows-1250", NULL } }, { "ro", { "windows-1250", NULL } },
};

static const char * const default_charsets[] = { "windows-1252", NULL };

static const char * const *
charsets_for_language (const char *language)
{
  g_autofree char *key = g_strdup (language);
  char *cut;

  /* "ko_KR.UTF-8@euro" → "ko_KR", then "ko" */
  if ((cut = strpbrk (key, ".@")) != NULL)
    *cut = '\0';
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (locale_table); i++)
        if (g_ascii_strcasecmp (key, locale_table[i].language) == 0)
          return locale_table[i].charsets;
      if ((cut = strchr (key, '_')) == NULL)
        break;
      *cut = '\0';
    }
  return NULL;
}

static const char * const *language_override;

/**
 * tern_mime_header_locale_charsets:
 * @language: (nullable): a locale name such as `ko_KR.UTF-8`, or %NULL for the
 *   user's (the language set with tern_mime_header_set_language(), else the
 *   environment's: `LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`)
 *
 * Returns the charsets to read undeclared 8-bit header bytes in after the message's
 * own: Korean users get Windows-949, Russian ones Windows-1251, most others
 * Windows-1252. The last one decodes any byte.
 *
 * Returns: (transfer none) (array zero-terminated=1): the charsets
 */
const char * const *
tern_mime_header_locale_charsets (const char *language)
{
  const char * const *charsets;

  if (language != NULL)
    {
      charsets = charsets_for_language (language);
      return charsets != NULL ? charsets : default_charsets;
    }
  charsets = g_atomic_pointer_get (&language_override);
  if (charsets != NULL)
    return charsets;
  for (const char * const *names = g_get_language_names (); *names != NULL; names++)
    if ((charsets = charsets_for_language (*names)) != NULL)
      return charsets;
  return default_charsets;
}

/**
 * tern_mime_header_set_language:
 * @language: (nullable): a locale name, or %NULL for the environment's
 *
 * Makes tern_mime_header_locale_charsets() answer for @language from now on: for a
 * front end whose language is not the environment's, and for tests.
 */
void
tern_mime_header_set_language (const char *language)
{
  const char * const *charsets = NULL;

  if (language != NULL)
    {
      charsets = charsets_for_language (language);
      if (charsets == NULL)
        charsets = default_charsets;
    }
  g_atomic_pointer_set (&language_override, charsets);
}

static gboolean
is_japanese (gunichar c)
{
  return (c >= 0x3000 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xFF00 && c <= 0xFFEF);
}

static gboolean
has_kana_bytes (const guchar *data, gsize len)
{
  for (gsize i = 0; i + 1 < len; i++)
    if ((data[i] == 0x82 && data[i + 1] >= 0x9F && data[i + 1] <= 0xF1) ||     /* Shift_JIS */
        (data[i] == 0x83 && data[i + 1] >= 0x40 && data[i + 1] <= 0x96) ||
        ((data[i] == 0xA4 || data[i] == 0xA5) && data[i + 1] >= 0xA1 && data[i + 1] <= 0xF6))   /* EUC-JP */
      return TRUE;
  return FALSE;
}

/* Japanese shows by its script: text that decodes strictly into mostly kana and
 * kanji, with at least one kana, is Japanese (the bytes of kana are ones that Latin
 * text does not use). Korean and Chinese have no such sign: Hangul syllables and
 * hanzi are made of the same bytes as "żółć" in Windows-1250, so they are left to
 * the declared charset and the locale. */
static char *
detect_japanese (const char *data, gsize len)
{
  static const char * const candidates[] = { "CP932", "EUC-JP" };

  /* No kana, no Japanese: spare the converters (each opening may load a module). */
  if (!has_kana_bytes ((const guchar *) data, len))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *utf8 = convert_strict (data, len, candidates[i]);
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
      if (n_kana >= 1 && n_japanese * 10 >= n_wide * 8)
        return g_steal_pointer (&utf8);
    }
  return NULL;
}

static gboolean
has_iso_2022_jp_escapes (const char *data, gsize len)
{
  for (gsize i = 0; i + 2 < len; i++)
    if (data[i] == '\x1b' && data[i + 1] == '$' && (data[i + 2] == 'B' || data[i + 2] == '@'))
      return TRUE;
  return FALSE;
}

/**
 * tern_mime_header_to_utf8:
 * @value: raw header bytes
 * @len: their length, or -1 when @value is NUL-terminated
 * @text_charset: (nullable): the charset the message declares for its text
 *   (tern_mime_header_find_text_charset())
 *
 * Reads the raw bytes of a header as text, leaving RFC 2047 encoded words as they
 * are. UTF-8 stays UTF-8; other 8-bit bytes are read, as Thunderbird does, in the
 * charset of the message's text, else in the charsets of the user's locale
 * (tern_mime_header_locale_charsets()), Japanese recognized whatever the locale.
 * Undeclared ISO-2022-JP shows by its escapes.
 *
 * Returns: (transfer full): valid UTF-8 (NUL bytes become spaces)
 */
char *
tern_mime_header_to_utf8 (const char *value, gsize len, const char *text_charset)
{
  const char * const *locale;
  char *utf8;
  guint n;

  if (value == NULL)
    return g_strdup ("");
  if (len == (gsize) -1)
    len = strlen (value);
  tern_mime_init ();

  if (has_iso_2022_jp_escapes (value, len) && (utf8 = convert_strict (value, len, "ISO-2022-JP")) != NULL)
    return utf8;
  if (g_utf8_validate_len (value, len, NULL) && memchr (value, '\0', len) == NULL)
    return g_strndup (value, len);
  if (!says_nothing (text_charset) && (utf8 = convert_strict (value, len, superset_charset (text_charset))) != NULL)
    return utf8;

  locale = tern_mime_header_locale_charsets (NULL);
  n = g_strv_length ((char **) locale);
  for (guint i = 0; i + 1 < n; i++)
    if ((utf8 = convert_strict (value, len, locale[i])) != NULL)
      return utf8;
  if ((utf8 = detect_japanese (value, len)) != NULL)
    return utf8;
  return tern_mime_text_to_utf8 (value, len, n > 0 ? locale[n - 1] : "windows-1252");
}

static const char *
find_charset (GMimeObject *object, int depth, guint *n_parts, GMimePart **html)
{
  if (object == NULL || depth > MAX_DEPTH || ++*n_parts > MAX_PARTS)
    return NULL;
  if (GMIME_IS_MULTIPART (object) && !GMIME_IS_MULTIPART_ENCRYPTED (object))
    {
      GMimeMultipart *multipart = GMIME_MULTIPART (object);
      int n = g_mime_multipart_get_count (multipart);

      for (int i = 0; i < n; i++)
        {
          const char *charset = find_charset (g_mime_multipart_get_part (multipart, i), depth + 1, n_parts, html);

          if (charset != NULL)
            return charset;
        }
    }
  else if (GMIME_IS_PART (object))
    {
      GMimeContentType *ct = g_mime_object_get_content_type (object);
      const char *charset = ct != NULL ? g_mime_content_type_get_parameter (ct, "charset") : NULL;

      if (ct != NULL && g_mime_content_type_is_type (ct, "text", "*") && !says_nothing (charset))
        return charset;
      if (ct != NULL && g_mime_content_type_is_type (ct, "text", "html") && *html == NULL)
        *html = GMIME_PART (object);
    }
  /* A message/rfc822 part has its own sender and its own charset. */
  return NULL;
}

/* The charset an HTML part names in its <meta>, from its first 4 KiB. */
static char *
sniff_html_charset (GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content (part);
  GMimeStream *source = content != NULL ? g_mime_data_wrapper_get_stream (content) : NULL;
  GMimeContentEncoding encoding;
  GMimeStream *filtered;
  char buf[4096];
  gssize n, len = 0;

  if (source == NULL)
    return NULL;
  encoding = g_mime_data_wrapper_get_encoding (content);
  filtered = g_mime_stream_filter_new (source);
  if (encoding == GMIME_CONTENT_ENCODING_BASE64 || encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
      encoding == GMIME_CONTENT_ENCODING_UUENCODE)
    {
      GMimeFilter *decoder = g_mime_filter_basic_new (encoding, FALSE);

      g_mime_stream_filter_add (GMIME_STREAM_FILTER (filtered), decoder);
      g_object_unref (decoder);
    }
  g_mime_stream_reset (filtered);
  while (len < (gssize) sizeof buf && (n = g_mime_stream_read (filtered, buf + len, sizeof buf - len)) > 0)
    len += n;
  g_object_unref (filtered);
  return tern_mime_html_sniff_charset (buf, len);
}

/**
 * tern_mime_header_find_text_charset:
 * @message: a parsed message (a #GMimeMessage), or its top part
 *
 * Returns the charset that the message declares for its text: that of its first
 * text part that declares one other than US-ASCII, else a charset on the top part
 * itself, else the one its HTML names in a `<meta>`. Raw 8-bit headers are most
 * likely in it.
 *
 * Returns: (nullable) (transfer full): the charset label
 */
char *
tern_mime_header_find_text_charset (GMimeObject *message)
{
  GMimeObject *top = GMIME_IS_MESSAGE (message) ? g_mime_message_get_mime_part (GMIME_MESSAGE (message)) : message;
  GMimePart *html = NULL;
  GMimeContentType *ct;
  const char *charset;
  char *sniffed;
  guint n_parts = 0;

  if (top == NULL)
    return NULL;
  if ((charset = find_charset (top, 0, &n_parts, &html)) != NULL)
    return g_strdup (charset);
  ct = g_mime_object_get_content_type (top);
  charset = ct != NULL ? g_mime_content_type_get_parameter (ct, "charset") : NULL;
  if (!says_nothing (charset))
    return g_strdup (charset);
  /* A <meta> that names US-ASCII (or nothing usable) says nothing either. */
  if (html != NULL && (sniffed = sniff_html_charset (html)) != NULL)
    {
      if (!says_nothing (sniffed))
        return sniffed;
      g_free (sniffed);
    }
  return NULL;
}

/* ---- encoded words ---------------------------------------------------------------- */

/**
 * tern_mime_header_gmime_drops_words:
 *
 * Whether the GMime in use loses what follows a base64 encoded word that ends in
 * padding, when the next encoded word has the same charset: GMime 3.2.13 (Debian
 * 12) decodes `=?UTF-8?B?WA==?= =?UTF-8?B?WFla?=` to "X" instead of "XXYZ", because
 * its base64 decoder keeps its end state from one word to the next (GMime issue
 * #133, fixed in 3.2.14). Found out by trying, once.
 */
gboolean
tern_mime_header_gmime_drops_words (void)
{
  static gsize once = 0;
  static gboolean drops;

  if (g_once_init_enter (&once))
    {
      g_autofree char *decoded = NULL;

      tern_mime_init ();
      decoded = g_mime_utils_header_decode_text (NULL, "=?UTF-8?B?WA==?= =?UTF-8?B?WFla?=");
      drops = g_strcmp0 (decoded, "XXYZ") != 0;
      g_once_init_leave (&once, 1);
    }
  return drops;
}

/* Finds the next encoded word at or after @p as GMime's tokenizers do (an "=?"
 * anywhere, a charset, "?B?" or "?Q?", the text up to "?="). */
static gboolean
next_encoded_word (const char  *p,
                   const char **start,
                   const char **charset,
                   gsize       *charset_len,
                   char        *encoding,
                   const char **text,
                   gsize       *text_len,
                   const char **end)
{
  while ((p = strstr (p, "=?")) != NULL)
    {
      const char *cs = p + 2;
      const char *q = strchr (cs, '?');
      const char *close;

      if (q == NULL)
        return FALSE;
      if (q > cs && *cs != '*' && q[1] != '\0' && strchr ("BbQq", q[1]) != NULL && q[2] == '?' &&
          (close = strstr (q + 3, "?=")) != NULL)
        {
          *start = p;
          *charset = cs;
          *charset_len = q - cs;
          *encoding = g_ascii_toupper (q[1]);
          *text = q + 3;
          *text_len = close - (q + 3);
          *end = close + 2;
          return TRUE;
        }
      p += 2;
    }
  return FALSE;
}

static gboolean
only_white_space (const char *p, const char *end)
{
  for (; p < end; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
      return FALSE;
  return TRUE;
}

static gboolean
same_charset (const char *a, gsize a_len, const char *b, gsize b_len)
{
  g_autofree char *x = g_strndup (a, a_len);
  g_autofree char *y = g_strndup (b, b_len);

  return g_ascii_strcasecmp (g_mime_charset_iconv_name (x), g_mime_charset_iconv_name (y)) == 0;
}

/**
 * tern_mime_header_fix_encoded_words:
 * @value: an unfolded header value
 *
 * Rewrites every base64 ("B") encoded word of @value into the same bytes in the
 * quoted-printable ("Q") encoding, which GMime 3.2.13 decodes right (see
 * tern_mime_header_gmime_drops_words()). The bytes are those GMime 3.2.14 gets:
 * base64 state goes on from one word to the next of a run of the same charset
 * separated by white space only (a character may be split between words), and
 * padding ends a word's data, not the run's.
 *
 * Returns: (transfer full): the rewritten value
 */
char *
tern_mime_header_fix_encoded_words (const char *value)
{
  GString *out = g_string_new (NULL);
  const char *p = value;
  const char *start, *charset, *text, *end;
  const char *run_charset = NULL;
  gsize run_charset_len = 0;
  const char *run_end = NULL;
  gsize charset_len, text_len;
  char encoding;
  int state = 0;
  guint32 save = 0;

  tern_mime_init ();
  while (next_encoded_word (p, &start, &charset, &charset_len, &encoding, &text, &text_len, &end))
    {
      g_string_append_len (out, p, start - p);
      if (encoding == 'B')
        {
          g_autofree guchar *bytes = g_malloc (text_len + 4);
          gsize n;

          if (run_charset == NULL || run_end == NULL || !only_white_space (run_end, start) ||
              !same_charset (run_charset, run_charset_len, charset, charset_len))
            state = 0, save = 0;
          if (state == -1)
            state = 0;
          n = g_mime_encoding_base64_decode_step ((const guchar *) text, text_len, bytes, &state, &save);

          g_string_append (out, "=?");
          g_string_append_len (out, charset, charset_len);
          g_string_append (out, "?Q?");
          for (gsize i = 0; i < n; i++)
            {
              if (g_ascii_isalnum (bytes[i]))
                g_string_append_c (out, bytes[i]);
              else
                g_string_append_printf (out, "=%02X", bytes[i]);
            }
          g_string_append (out, "?=");
          run_charset = charset;
          run_charset_len = charset_len;
        }
      else
        {
          g_string_append_len (out, start, end - start);
          run_charset = NULL;
        }
      run_end = end;
      p = end;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

/* Unfolded, UTF-8, encoded words such as GMime decodes right. */
static char *
prepare (const char *value, const char *text_charset)
{
  g_autofree char *unfolded = g_mime_utils_header_unfold (value);
  g_autofree char *utf8 = tern_mime_header_to_utf8 (unfolded, (gsize) -1, text_charset);

  if (tern_mime_header_gmime_drops_words () && strstr (utf8, "=?") != NULL)
    return tern_mime_header_fix_encoded_words (utf8);
  return g_steal_pointer (&utf8);
}

static char *
valid_take (char *s)
{
  char *valid;

  if (s == NULL || g_utf8_validate (s, -1, NULL))
    return s;
  valid = g_utf8_make_valid (s, -1);
  g_free (s);
  return valid;
}

/**
 * tern_mime_header_decode_text:
 * @value: (nullable): a raw header value (folded, with encoded words or 8-bit bytes)
 * @text_charset: (nullable): the charset the message declares for its text
 *
 * Decodes an unstructured header such as Subject for display.
 *
 * Returns: (transfer full) (nullable): valid UTF-8 without white space around it,
 *   %NULL when @value is
 */
char *
tern_mime_header_decode_text (const char *value, const char *text_charset)
{
  g_autofree char *prepared = NULL;

  if (value == NULL)
    return NULL;
  prepared = prepare (value, text_charset);
  return valid_take (g_strstrip (g_mime_utils_header_decode_text (header_options (), prepared)));
}

/* ---- addresses -------------------------------------------------------------------- */

static gboolean
is_atext (guchar c)
{
  return g_ascii_isalnum (c) || c >= 0x80 || strchr ("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

static gboolean
is_dot_atom (const char *s)
{
  if (*s == '\0' || *s == '.' || s[strlen (s) - 1] == '.' || strstr (s, "..") != NULL)
    return FALSE;
  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    if (*p != '.' && !is_atext (*p))
      return FALSE;
  return TRUE;
}

static char *
quote_local_part (const char *s)
{
  GString *out = g_string_new ("\"");

  for (const char *p = s; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* A local part made of an encoded word (Japanese spam has them) reads decoded,
 * quoted when it has to be to stay one local part (@quote). */
static char *
display_local_part (const char *local, gsize len, gboolean quote)
{
  g_autofree char *text = g_strndup (local, len);
  g_autofree char *decoded = NULL;

  if (strstr (text, "=?") == NULL)
    return g_steal_pointer (&text);
  decoded = valid_take (g_strstrip (g_mime_utils_header_decode_text (header_options (), text)));
  if (*decoded == '\0' || g_str_equal (decoded, text))
    return g_steal_pointer (&text);
  return !quote || is_dot_atom (decoded) ? g_steal_pointer (&decoded) : quote_local_part (decoded);
}

/* The scripts a label may mix and still be shown in Unicode: one script, or Latin
 * with the scripts Chinese, Japanese and Korean are written in together (Unicode
 * TS #39's "highly restrictive" profile, as Firefox and Thunderbird use). */
static gboolean
label_is_safe (const char *label, const char *end)
{
  static const GUnicodeScript cjk[][3] = {
    { G_UNICODE_SCRIPT_HAN, G_UNICODE_SCRIPT_HIRAGANA, G_UNICODE_SCRIPT_KATAKANA },
    { G_UNICODE_SCRIPT_HAN, G_UNICODE_SCRIPT_BOPOMOFO, G_UNICODE_SCRIPT_BOPOMOFO },
    { G_UNICODE_SCRIPT_HAN, G_UNICODE_SCRIPT_HANGUL, G_UNICODE_SCRIPT_HANGUL },
  };
  GUnicodeScript seen[8];
  guint n_seen = 0;

  for (const char *p = label; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeScript script = g_unichar_get_script (c);
      gboolean known = FALSE;

      if (!g_unichar_isprint (c) || g_unichar_isspace (c))
        return FALSE;
      if (script == G_UNICODE_SCRIPT_COMMON || script == G_UNICODE_SCRIPT_INHERITED)
        continue;
      for (guint i = 0; i < n_seen && !known; i++)
        known = seen[i] == script;
      if (!known)
        {
          if (n_seen == G_N_ELEMENTS (seen))
            return FALSE;
          seen[n_seen++] = script;
        }
    }
  if (n_seen <= 1)
    return TRUE;
  for (guint k = 0; k < G_N_ELEMENTS (cjk); k++)
    {
      gboolean all = TRUE;

      for (guint i = 0; i < n_seen && all; i++)
        all = seen[i] == G_UNICODE_SCRIPT_LATIN || seen[i] == cjk[k][0] || seen[i] == cjk[k][1] ||
              seen[i] == cjk[k][2];
      if (all)
        return TRUE;
    }
  return FALSE;
}

static gboolean
domain_is_safe (const char *domain)
{
  const char *label = domain;

  for (;;)
    {
      const char *dot = strchr (label, '.');
      const char *end = dot != NULL ? dot : label + strlen (label);

      if (!label_is_safe (label, end))
        return FALSE;
      if (dot == NULL)
        return TRUE;
      label = dot + 1;
    }
}

/**
 * tern_mime_header_display_domain:
 * @domain: a mail domain as written (ASCII with "xn--" labels, or UTF-8)
 *
 * Returns the domain as a person should see it: an internationalized domain in
 * Unicode (`müller.de`, not `xn--mller-kva.de`), unless one of its labels mixes
 * scripts so as to pass for another domain (`pаypal.com` with a Cyrillic а), which
 * is shown in its ASCII form instead, as Firefox and Thunderbird do.
 *
 * Returns: (transfer full): the domain to show
 */
char *
tern_mime_header_display_domain (const char *domain)
{
  g_autofree char *unicode = NULL;
  gboolean punycode = FALSE;
  gboolean non_ascii = FALSE;
  char *ascii;

  if (*domain == '[')
    return g_strdup (domain);
  for (const char *p = domain; *p != '\0'; p++)
    {
      if ((guchar) *p >= 0x80)
        non_ascii = TRUE;
      else if ((p == domain || p[-1] == '.') && g_ascii_strncasecmp (p, "xn--", 4) == 0)
        punycode = TRUE;
    }
  if (!punycode && !non_ascii)
    return g_strdup (domain);

  if (non_ascii && !g_utf8_validate (domain, -1, NULL))
    return g_utf8_make_valid (domain, -1);
  if (non_ascii && !punycode)
    unicode = g_strdup (domain);
  else
    {
      g_autofree char *lower = g_utf8_strdown (domain, -1);

      g_autofree char *back = NULL;

      /* Only punycode that is what it encodes ("xn--" alone decodes to nothing). */
      unicode = g_hostname_to_unicode (lower);
      back = unicode != NULL ? g_hostname_to_ascii (unicode) : NULL;
      if (back == NULL || g_ascii_strcasecmp (back, lower) != 0)
        return g_strdup (domain);
    }
  if (domain_is_safe (unicode))
    return g_steal_pointer (&unicode);
  ascii = g_hostname_to_ascii (unicode);
  return ascii != NULL ? ascii : g_strdup (domain);
}

static char *
display_address (const char *addr)
{
  const char *at = strrchr (addr, '@');
  g_autofree char *local = NULL;
  g_autofree char *domain = NULL;

  if (at == NULL)
    return display_local_part (addr, strlen (addr), FALSE);
  local = display_local_part (addr, at - addr, TRUE);
  domain = tern_mime_header_display_domain (at + 1);
  return g_strconcat (local, "@", domain, NULL);
}

/* A display name for the list: white space runs of an unquoted phrase are one space
 * (RFC 5322 3.2.5); within quotes they are what the sender wrote. */
static char *
clean_name (const char *name, gboolean quoted)
{
  g_autofree char *copy = NULL;
  GString *out;

  if (name == NULL)
    return NULL;
  copy = valid_take (g_strstrip (g_strdup (name)));
  if (*copy == '\0')
    return NULL;
  if (quoted)
    return g_steal_pointer (&copy);
  out = g_string_new (NULL);
  for (const char *p = copy; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          if (out->str[out->len - 1] != ' ')
            g_string_append_c (out, ' ');
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
add_list (GPtrArray *out, InternetAddressList *list, const char *group, gboolean quoted, int depth)
{
  int n = list != NULL ? internet_address_list_length (list) : 0;

  for (int i = 0; i < n; i++)
    {
      InternetAddress *ia = internet_address_list_get_address (list, i);

      if (INTERNET_ADDRESS_IS_GROUP (ia))
        {
          InternetAddressList *members = internet_address_group_get_members (INTERNET_ADDRESS_GROUP (ia));
          g_autofree char *name = clean_name (internet_address_get_name (ia), quoted);
          guint before = out->len;

          if (depth < 4)
            add_list (out, members, name != NULL ? name : "", quoted, depth + 1);
          if (out->len == before)
            g_ptr_array_add (out, mailbox_new (NULL, NULL, name != NULL ? name : ""));
        }
      else if (INTERNET_ADDRESS_IS_MAILBOX (ia))
        {
          const char *addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia));
          TernMimeMailbox *mailbox = g_new0 (TernMimeMailbox, 1);

          mailbox->name = clean_name (internet_address_get_name (ia), quoted);
          mailbox->address = valid_take (display_address (addr != NULL ? addr : ""));
          mailbox->group = g_strdup (group);
          g_ptr_array_add (out, mailbox);
        }
    }
}

/* @value without its (comments), white space around it removed. */
static char *
strip_comments (const char *value)
{
  GString *out = g_string_new (NULL);
  int depth = 0;
  gboolean quoted = FALSE;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          if (depth == 0)
            g_string_append_len (out, p, 2);
          p++;
        }
      else if (quoted)
        {
          quoted = *p != '"';
          g_string_append_c (out, *p);
        }
      else if (*p == '(')
        depth++;
      else if (*p == ')' && depth > 0)
        depth--;
      else if (depth == 0)
        {
          quoted = *p == '"';
          g_string_append_c (out, *p);
        }
    }
  g_strstrip (out->str);
  return g_string_free (out, FALSE);
}

/* GMime keeps what it read before a second "@" (`develop!nextmime@ebony@sblab.att.com`
 * gives `develop!nextmime@ebony`): a bare address that is one word is that word. */
static void
keep_whole_word (GPtrArray *out, InternetAddressList *list, const char *value)
{
  g_autofree char *word = strip_comments (value);
  InternetAddress *ia;
  const char *addr;
  TernMimeMailbox *mailbox;
  guint word_ats = 0, addr_ats = 0;

  if (out->len != 1 || internet_address_list_length (list) != 1 || strpbrk (word, "<>,;:\" \t") != NULL)
    return;
  ia = internet_address_list_get_address (list, 0);
  if (!INTERNET_ADDRESS_IS_MAILBOX (ia) ||
      (addr = internet_address_mailbox_get_addr (INTERNET_ADDRESS_MAILBOX (ia))) == NULL)
    return;
  for (const char *p = word; *p != '\0'; p++)
    word_ats += *p == '@';
  for (const char *p = addr; *p != '\0'; p++)
    addr_ats += *p == '@';
  if (word_ats <= addr_ats && !(g_str_has_prefix (word, addr) && strlen (word) > strlen (addr)))
    return;
  mailbox = g_ptr_array_index (out, 0);
  g_free (mailbox->address);
  mailbox->address = valid_take (g_strdup (word));
}

/* What can be read of a value GMime finds no mailbox in ("Name <>", "just a name",
 * "user@"): the name before a "<" and what is inside, else the text itself. */
static void
add_unparsed (GPtrArray *out, const char *value)
{
  const char *lt = strchr (value, '<');

  if (lt != NULL)
    {
      const char *gt = strchr (lt, '>');
      g_autofree char *name = g_strndup (value, lt - value);
      g_autofree char *addr = g_strndup (lt + 1, (gt != NULL ? gt : lt + strlen (lt)) - (lt + 1));
      g_autofree char *phrase = NULL;
      g_autofree char *decoded_name = NULL;

      g_strstrip (addr);
      g_mime_utils_unquote_string (name);
      phrase = g_mime_utils_header_decode_phrase (header_options (), g_strstrip (name));
      decoded_name = clean_name (phrase, TRUE);
      if (decoded_name != NULL || *addr != '\0')
        {
          TernMimeMailbox *mailbox = g_new0 (TernMimeMailbox, 1);

          mailbox->name = g_steal_pointer (&decoded_name);
          mailbox->address = valid_take (*addr != '\0' ? display_address (addr) : g_strdup (""));
          g_ptr_array_add (out, mailbox);
          return;
        }
    }
  {
    g_autofree char *text = valid_take (g_strstrip (g_mime_utils_header_decode_text (header_options (), value)));

    if (*text != '\0')
      g_ptr_array_add (out, mailbox_new (NULL, text, NULL));
  }
}

/**
 * tern_mime_header_parse_addresses:
 * @value: (nullable): a raw address header value (folded, with encoded words or
 *   8-bit bytes)
 * @text_charset: (nullable): the charset the message declares for its text
 *
 * Parses an address header for display. A value that is not empty always gives
 * something: a mailbox GMime cannot read still shows what can be read of it.
 *
 * Returns: (transfer full) (element-type TernMimeMailbox): the mailboxes, in order,
 *   members of a group with its name (an empty group as one entry without address)
 */
GPtrArray *
tern_mime_header_parse_addresses (const char *value, const char *text_charset)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_mailbox_free);
  g_autofree char *prepared = NULL;
  InternetAddressList *list;

  if (value == NULL)
    return out;
  prepared = prepare (value, text_charset);
  g_strstrip (prepared);
  if (*prepared == '\0')
    return out;

  list = internet_address_list_parse (header_options (), prepared);
  if (list != NULL)
    {
      add_list (out, list, NULL, strchr (prepared, '"') != NULL, 0);
      keep_whole_word (out, list, prepared);
      g_object_unref (list);
    }
  if (out->len == 0)
    add_unparsed (out, prepared);
  return out;
}

static void
append_mailbox (GString *out, const TernMimeMailbox *mailbox)
{
  if (mailbox->name != NULL && *mailbox->name != '\0')
    {
      g_autofree char *quoted = g_mime_utils_quote_string (mailbox->name);

      g_string_append_printf (out, "%s <%s>", quoted, mailbox->address);
    }
  else
    g_string_append (out, mailbox->address);
}

/**
 * tern_mime_mailboxes_to_string:
 * @mailboxes: (element-type TernMimeMailbox): mailboxes, as from
 *   tern_mime_header_parse_addresses()
 *
 * Formats mailboxes for one line: `Name <address>, "Doe, Jane" <jane@example.com>,
 * group: a@example.com;`, in Unicode (not RFC 2047 encoded).
 *
 * Returns: (transfer full) (nullable): the text, %NULL when there is no mailbox
 */
char *
tern_mime_mailboxes_to_string (GPtrArray *mailboxes)
{
  GString *out;
  const char *group = NULL;

  if (mailboxes == NULL || mailboxes->len == 0)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = 0; i < mailboxes->len; i++)
    {
      const TernMimeMailbox *mailbox = g_ptr_array_index (mailboxes, i);
      gboolean same_group = group != NULL && mailbox->group != NULL && g_str_equal (group, mailbox->group);

      if (group != NULL && !same_group)
        {
          g_string_append_c (out, ';');
          group = NULL;
        }
      if (same_group)
        g_string_append (out, ", ");
      else
        {
          if (out->len > 0)
            g_string_append (out, ", ");
          if (mailbox->group != NULL)
            {
              g_autofree char *quoted = g_mime_utils_quote_string (mailbox->group);

              g_string_append_printf (out, "%s: ", quoted);
              group = mailbox->group;
            }
        }
      if (mailbox->address != NULL)
        append_mailbox (out, mailbox);
    }
  if (group != NULL)
    g_string_append_c (out, ';');
  return g_string_free (out, FALSE);
}

/* ---- dates ------------------------------------------------------------------------ */

/* "00:01+0000": a time with its zone attached */
static gboolean
split_time_zone (const char *token, gsize len, gsize *time_len)
{
  const char *sign = NULL;

  for (gsize i = 0; i < len; i++)
    if (token[i] == '+' || token[i] == '-')
      {
        sign = token + i;
        break;
      }
  if (sign == NULL || sign == token || token + len - sign != 5 || memchr (token, ':', sign - token) == NULL)
    return FALSE;
  for (const char *p = token; p < token + len; p++)
    if (p != sign && *p != ':' && !g_ascii_isdigit (*p))
      return FALSE;
  *time_len = sign - token;
  return TRUE;
}

static gboolean
is_word (const char *token, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (token[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_month (const char *token, gsize len)
{
  static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

  if (len != 3)
    return FALSE;
  for (guint i = 0; i < 12; i++)
    if (g_ascii_strncasecmp (token, months + 3 * i, 3) == 0)
      return TRUE;
  return FALSE;
}

/**
 * tern_mime_header_parse_date:
 * @value: (nullable): a raw Date header value
 *
 * Parses a date as GMime does, and also three forms it misreads: a zone attached
 * to the time (`00:01+0000`, read as midnight), a zone name not in capitals
 * (`cst`, read as UTC), and a year of three digits or a four-digit one below 1000
 * (`0102`, which old mailers wrote for 2002), which RFC 5322 4.3 says to read as
 * 1900 more.
 *
 * Returns: (transfer full) (nullable): the date, %NULL when there is none to read
 */
GDateTime *
tern_mime_header_parse_date (const char *value)
{
  g_autofree char *unfolded = NULL;
  GString *normal;
  const char *p;
  gboolean after_month = FALSE;
  GDateTime *date;

  if (value == NULL)
    return NULL;
  tern_mime_init ();
  unfolded = g_mime_utils_header_unfold (value);
  normal = g_string_new (NULL);
  for (p = unfolded; *p != '\0';)
    {
      gsize len = strcspn (p, " \t\r\n");
      gsize time_len, digits = 0;

      while (digits < len && g_ascii_isdigit (p[digits]))
        digits++;
      if (len > 0 && split_time_zone (p, len, &time_len))
        {
          g_string_append_len (normal, p, time_len);
          g_string_append_c (normal, ' ');
          g_string_append_len (normal, p + time_len, len - time_len);
        }
      else if (after_month && digits == len && (len == 3 || (len == 4 && p[0] == '0')))
        g_string_append_printf (normal, "%d", 1900 + atoi (p));
      else if (len > 0 && len <= 5 && is_word (p, len))
        {
          /* GMime knows zone names in capitals only ("cst") */
          for (gsize i = 0; i < len; i++)
            g_string_append_c (normal, g_ascii_toupper (p[i]));
        }
      else
        g_string_append_len (normal, p, len);
      after_month = is_month (p, len);
      p += len;
      len = strspn (p, " \t\r\n");
      g_string_append_len (normal, p, len);
      p += len;
    }
  date = g_mime_utils_header_decode_date (normal->str);
  g_string_free (normal, TRUE);
  return date;
}

/* ---- a message's headers ---------------------------------------------------------- */

static const char *
header_value (GMimeHeader *header)
{
  const char *raw = g_mime_header_get_raw_value (header);

  return raw != NULL ? raw : g_mime_header_get_value (header);
}

static void
append_addresses (GPtrArray *out, const char *value, const char *charset)
{
  g_autoptr(GPtrArray) mailboxes = tern_mime_header_parse_addresses (value, charset);

  for (guint i = 0; i < mailboxes->len; i++)
    g_ptr_array_add (out, g_steal_pointer (&mailboxes->pdata[i]));
}

/**
 * tern_mime_headers_new:
 * @message: a parsed message
 *
 * Decodes the header fields a reader sees, from the raw header of @message: see
 * the top of this file for what that changes from GMime's own values.
 *
 * Returns: (transfer full): the fields
 */
TernMimeHeaders *
tern_mime_headers_new (GMimeMessage *message)
{
  TernMimeHeaders *headers = g_new0 (TernMimeHeaders, 1);
  GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (message));
  g_autofree char *charset = NULL;
  gboolean have_subject = FALSE;
  int n = list != NULL ? g_mime_header_list_get_count (list) : 0;

  /* The text's charset only matters, and is only looked for, when a header has
   * bytes that are not UTF-8. */
  for (int i = 0; i < n; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (list, i);
      const char *value = header_value (header);

      if (value != NULL && !g_utf8_validate (value, -1, NULL))
        {
          charset = tern_mime_header_find_text_charset (GMIME_OBJECT (message));
          break;
        }
    }

  headers->from = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_mailbox_free);
  headers->to = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_mailbox_free);
  headers->cc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_mailbox_free);
  headers->bcc = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_mailbox_free);
  headers->reply_to = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_mime_mailbox_free);

  for (int i = 0; i < n; i++)
    {
      GMimeHeader *header = g_mime_header_list_get_header_at (list, i);
      const char *name = g_mime_header_get_name (header);
      const char *value = header_value (header);

      if (name == NULL || value == NULL)
        continue;
      if (g_ascii_strcasecmp (name, "Subject") == 0)
        {
          if (!have_subject)
            headers->subject = tern_mime_header_decode_text (value, charset);
          have_subject = TRUE;
        }
      else if (g_ascii_strcasecmp (name, "From") == 0)
        {
          /* The first From that has something in it. */
          if (headers->from->len == 0)
            append_addresses (headers->from, value, charset);
        }
      else if (g_ascii_strcasecmp (name, "To") == 0)
        append_addresses (headers->to, value, charset);
      else if (g_ascii_strcasecmp (name, "Cc") == 0)
        append_addresses (headers->cc, value, charset);
      else if (g_ascii_strcasecmp (name, "Bcc") == 0)
        append_addresses (headers->bcc, value, charset);
      else if (g_ascii_strcasecmp (name, "Reply-To") == 0)
        append_addresses (headers->reply_to, value, charset);
      else if (g_ascii_strcasecmp (name, "Date") == 0)
        {
          if (headers->date == NULL)
            headers->date = tern_mime_header_parse_date (value);
        }
    }
  return headers;
}

void
tern_mime_headers_free (TernMimeHeaders *headers)
{
  if (headers == NULL)
    return;
  g_free (headers->subject);
  g_ptr_array_unref (headers->from);
  g_ptr_array_unref (headers->to);
  g_ptr_array_unref (headers->cc);
  g_ptr_array_unref (headers->bcc);
  g_ptr_array_unref (headers->reply_to);
  g_clear_pointer (&headers->date, g_date_time_unref);
  g_free (headers);
}
