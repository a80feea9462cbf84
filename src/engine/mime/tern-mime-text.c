/* tern-mime-text.c: text helpers for mail: charsets, HTML to text, previews
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <gmime/gmime.h>

#include "tern-mime-text.h"

#define REPLACEMENT_CHAR "\xEF\xBF\xBD"

/**
 * tern_mime_init:
 *
 * Initialises GMime once; every MIME helper calls it, any thread may.
 */
void
tern_mime_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      g_mime_init ();
      g_once_init_leave (&initialized, 1);
    }
}

static void
replace_nuls (GString *s)
{
  for (gsize i = 0; i < s->len; i++)
    if (s->str[i] == '\0')
      s->str[i] = ' ';
}

static char *
steal_valid_utf8 (GString *s)
{
  replace_nuls (s);
  if (g_utf8_validate_len (s->str, s->len, NULL))
    return g_string_free (s, FALSE);
  else
    {
      char *valid = g_utf8_make_valid (s->str, s->len);
      g_string_free (s, TRUE);
      return valid;
    }
}

static char *
convert_with_iconv (iconv_t cd, const char *data, gsize len)
{
  GString *out = g_string_sized_new (len + len / 2 + 16);
  char *inbuf = (char *) data;
  size_t inleft = len;
  char buf[4096];

  while (inleft > 0)
    {
      char *outbuf = buf;
      size_t outleft = sizeof buf;
      size_t r = iconv (cd, &inbuf, &inleft, &outbuf, &outleft);

      g_string_append_len (out, buf, outbuf - buf);
      if (r == (size_t) -1)
        {
          if (errno == E2BIG)
            continue;
          if (errno == EILSEQ)
            {
              /* Skip the byte iconv cannot read and go on with the next. */
              g_string_append (out, REPLACEMENT_CHAR);
              inbuf++;
              inleft--;
            }
          else /* EINVAL: a truncated sequence at the end */
            {
              g_string_append (out, REPLACEMENT_CHAR);
              break;
            }
        }
    }

  {
    char *outbuf = buf;
    size_t outleft = sizeof buf;

    iconv (cd, NULL, NULL, &outbuf, &outleft);
    g_string_append_len (out, buf, outbuf - buf);
  }

  return steal_valid_utf8 (out);
}

static gboolean
is_utf8_name (const char *charset)
{
  return g_ascii_strcasecmp (charset, "utf-8") == 0 ||
         g_ascii_strcasecmp (charset, "utf8") == 0 ||
         g_ascii_strcasecmp (charset, "us-ascii") == 0 ||
         g_ascii_strcasecmp (charset, "ascii") == 0;
}

/**
 * tern_mime_text_to_utf8:
 * @data: the text in @charset
 * @len: its length in bytes
 * @charset: (nullable): its charset, as a MIME label (aliases such as
 *   `ks_c_5601-1987` are understood)
 *
 * Converts text from a mail part to UTF-8. Never fails: bytes that cannot be
 * converted become U+FFFD, an unknown charset is read as UTF-8 when the text is
 * valid UTF-8 and as Windows-1252 otherwise, and NUL bytes become spaces.
 *
 * Returns: (transfer full): valid UTF-8 text
 */
char *
tern_mime_text_to_utf8 (const char *data, gsize len, const char *charset)
{
  iconv_t cd;
  char *result;

  if (len == 0)
    return g_strdup ("");

  tern_mime_init ();

  if (charset == NULL || *charset == '\0' || is_utf8_name (charset))
    {
      /* Mail that says nothing (or ASCII) is often Latin-1 or UTF-8 in practice. */
      if (g_utf8_validate_len (data, len, NULL))
        {
          GString *s = g_string_new_len (data, len);
          return steal_valid_utf8 (s);
        }
      if (charset != NULL && *charset != '\0' &&
          (g_ascii_strcasecmp (charset, "utf-8") == 0 || g_ascii_strcasecmp (charset, "utf8") == 0))
        {
          GString *s = g_string_new_len (data, len);
          return steal_valid_utf8 (s);
        }
      charset = "windows-1252";
    }

  cd = g_mime_iconv_open ("UTF-8", charset);
  if (cd == (iconv_t) -1)
    {
      /* An unknown label: guess as above. */
      if (g_utf8_validate_len (data, len, NULL))
        return steal_valid_utf8 (g_string_new_len (data, len));
      cd = g_mime_iconv_open ("UTF-8", "windows-1252");
      if (cd == (iconv_t) -1)
        return steal_valid_utf8 (g_string_new_len (data, len));
    }

  result = convert_with_iconv (cd, data, len);
  g_mime_iconv_close (cd);

  return result;
}

/* ---- HTML to text ---------------------------------------------------------------- */

static const char * const latin1_entities[96] = {
  "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
  "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
  "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
  "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave",
  "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
  "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc",
  "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring",
  "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
  "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash",
  "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
};

static const struct
{
  const char *name;
  gunichar    c;
} other_entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
  { "euro", 0x20AC }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
  { "rsquo", 0x2019 }, { "sbquo", 0x201A }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
  { "bdquo", 0x201E }, { "hellip", 0x2026 }, { "bull", 0x2022 }, { "trade", 0x2122 },
  { "OElig", 0x152 }, { "oelig", 0x153 }, { "Scaron", 0x160 }, { "scaron", 0x161 },
  { "Yuml", 0x178 }, { "zwnj", 0x200C }, { "zwj", 0x200D }, { "lrm", 0x200E },
  { "rlm", 0x200F }, { "thinsp", 0x2009 }, { "ensp", 0x2002 }, { "emsp", 0x2003 },
  { "dagger", 0x2020 }, { "Dagger", 0x2021 }, { "permil", 0x2030 }, { "rarr", 0x2192 },
  { "larr", 0x2190 },
};

static gunichar
lookup_entity (const char *name, gsize len)
{
  for (guint i = 0; i < G_N_ELEMENTS (latin1_entities); i++)
    if (strlen (latin1_entities[i]) == len && strncmp (latin1_entities[i], name, len) == 0)
      return i == 0 ? ' ' : 160 + i;
  for (guint i = 0; i < G_N_ELEMENTS (other_entities); i++)
    if (strlen (other_entities[i].name) == len && strncmp (other_entities[i].name, name, len) == 0)
      return other_entities[i].c;
  return 0;
}

/* Decodes the entity at @p (which points at '&'); returns the bytes consumed, 0 if none. */
static gsize
decode_entity (const char *p, const char *end, gunichar *out)
{
  const char *q = p + 1;

  if (q < end && *q == '#')
    {
      guint64 v = 0;
      gboolean hex = FALSE;
      const char *digits;

      q++;
      if (q < end && (*q == 'x' || *q == 'X'))
        {
          hex = TRUE;
          q++;
        }
      digits = q;
      while (q < end && q - digits < 8 && (hex ? g_ascii_isxdigit (*q) : g_ascii_isdigit (*q)))
        {
          v = v * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (*q) : *q - '0');
          q++;
        }
      if (q == digits)
        return 0;
      if (q < end && *q == ';')
        q++;
      *out = (v == 0 || v > 0x10FFFF || !g_unichar_validate ((gunichar) v)) ? 0xFFFD : (gunichar) v;
      return q - p;
    }
  else
    {
      const char *name = q;
      gunichar c;

      while (q < end && q - name < 10 && g_ascii_isalnum (*q))
        q++;
      if (q == name)
        return 0;
      c = lookup_entity (name, q - name);
      if (c == 0)
        return 0;
      if (q < end && *q == ';')
        q++;
      *out = c;
      return q - p;
    }
}

static gboolean
tag_is (const char *name, gsize len, const char *what)
{
  return strlen (what) == len && g_ascii_strncasecmp (name, what, len) == 0;
}

static gboolean
tag_breaks_line (const char *name, gsize len)
{
  static const char * const block[] = {
    "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
    "hr", "pre", "ul", "ol", "dl", "dd", "dt", "section", "article", "header", "footer",
    "center", "address", "tbody", "thead", "title",
  };

  for (guint i = 0; i < G_N_ELEMENTS (block); i++)
    if (tag_is (name, len, block[i]))
      return TRUE;
  return FALSE;
}

static void
append_space (GString *out, gboolean newline)
{
  char last;

  if (out->len == 0)
    return;
  last = out->str[out->len - 1];
  if (newline)
    {
      /* At most one empty line in a row. */
      if (out->len >= 2 && out->str[out->len - 1] == '\n' && out->str[out->len - 2] == '\n')
        return;
      if (last == ' ')
        out->str[out->len - 1] = '\n';
      else
        g_string_append_c (out, '\n');
    }
  else if (last != ' ' && last != '\n')
    g_string_append_c (out, ' ');
}

/**
 * tern_mime_text_html_to_text:
 * @html: UTF-8 HTML
 * @len: its length in bytes
 *
 * Reduces HTML to plain text for indexing and previews: drops tags, comments,
 * scripts, styles and the head, turns block elements into line breaks, collapses
 * white space and decodes character references. Not a renderer; linear time.
 *
 * Returns: (transfer full): the text
 */
char *
tern_mime_text_html_to_text (const char *html, gsize len)
{
  GString *out = g_string_sized_new (len / 2 + 16);
  const char *p = html;
  const char *end = html + len;

  while (p < end)
    {
      if (*p == '<')
        {
          const char *name;
          gsize name_len;
          gboolean closing = FALSE;

          if (end - p >= 4 && strncmp (p, "<!--", 4) == 0)
            {
              const char *c = g_strstr_len (p + 4, end - p - 4, "-->");
              p = c != NULL ? c + 3 : end;
              continue;
            }

          p++;
          if (p < end && *p == '/')
            {
              closing = TRUE;
              p++;
            }
          name = p;
          while (p < end && (g_ascii_isalnum (*p) || *p == ':' || *p == '-'))
            p++;
          name_len = p - name;

          /* Skip to the end of the tag, honouring quoted attribute values. */
          {
            char quote = 0;

            while (p < end)
              {
                if (quote != 0)
                  {
                    if (*p == quote)
                      quote = 0;
                  }
                else if (*p == '"' || *p == '\'')
                  quote = *p;
                else if (*p == '>')
                  break;
                p++;
              }
            if (p < end)
              p++;
          }

          if (!closing && (tag_is (name, name_len, "script") || tag_is (name, name_len, "style") ||
                           tag_is (name, name_len, "head")))
            {
              /* Skip the element's content up to its end tag. */
              const char *q = p;
              const char *found = NULL;

              while (q < end && (q = memchr (q, '<', end - q)) != NULL)
                {
                  if (end - q > (gssize) (name_len + 2) && q[1] == '/' &&
                      g_ascii_strncasecmp (q + 2, name, name_len) == 0)
                    {
                      found = q;
                      break;
                    }
                  q++;
                }
              if (found != NULL)
                {
                  const char *gt = memchr (found, '>', end - found);
                  p = gt != NULL ? gt + 1 : end;
                }
              else if (tag_is (name, name_len, "head"))
                ; /* a <head> never closed: keep going after its start tag */
              else
                p = end;
              append_space (out, tag_is (name, name_len, "head"));
              continue;
            }

          if (name_len == 0)
            continue;
          if (tag_breaks_line (name, name_len))
            append_space (out, TRUE);
          else if (tag_is (name, name_len, "td") || tag_is (name, name_len, "th") ||
                   tag_is (name, name_len, "img"))
            append_space (out, FALSE);
        }
      else if (*p == '&')
        {
          gunichar c = 0;
          gsize n = decode_entity (p, end, &c);

          if (n == 0)
            {
              g_string_append_c (out, '&');
              p++;
            }
          else
            {
              if (g_unichar_isspace (c) || c == 0xA0)
                append_space (out, FALSE);
              else
                g_string_append_unichar (out, c);
              p += n;
            }
        }
      else if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f')
        {
          append_space (out, FALSE);
          p++;
        }
      else
        {
          g_string_append_c (out, *p);
          p++;
        }
    }

  while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\n'))
    g_string_truncate (out, out->len - 1);

  return steal_valid_utf8 (out);
}

/**
 * tern_mime_text_make_preview:
 * @text: UTF-8 body text
 * @max_chars: the maximum length of the preview, in characters
 *
 * Makes the one-line preview shown under a message's subject: quoted lines
 * (`> …`) and the signature (after a `-- ` line) are left out and white space is
 * collapsed.
 *
 * Returns: (transfer full): the preview, possibly empty
 */
char *
tern_mime_text_make_preview (const char *text, gsize max_chars)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  gsize chars = 0;

  while (*p != '\0' && chars < max_chars)
    {
      const char *eol = strchr (p, '\n');
      const char *line_end = eol != NULL ? eol : p + strlen (p);
      const char *q = p;

      while (q < line_end && (*q == ' ' || *q == '\t'))
        q++;

      if (strncmp (p, "-- \n", 4) == 0 || strncmp (p, "-- \r\n", 5) == 0 ||
          (line_end - p == 3 && strncmp (p, "-- ", 3) == 0))
        break;

      if (q < line_end && *q != '>')
        {
          while (q < line_end && chars < max_chars)
            {
              gunichar c = g_utf8_get_char (q);

              if (g_unichar_isspace (c) || c == 0xA0)
                {
                  if (out->len > 0 && out->str[out->len - 1] != ' ')
                    {
                      g_string_append_c (out, ' ');
                      chars++;
                    }
                }
              else if (!g_unichar_iscntrl (c))
                {
                  g_string_append_unichar (out, c);
                  chars++;
                }
              q = g_utf8_next_char (q);
            }
          if (out->len > 0 && out->str[out->len - 1] != ' ' && chars < max_chars)
            {
              g_string_append_c (out, ' ');
              chars++;
            }
        }

      if (eol == NULL)
        break;
      p = eol + 1;
    }

  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}
