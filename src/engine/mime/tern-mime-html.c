/* tern-mime-html.c: an HTML body made ready for the reader: remote content found,
 * tracking images removed
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not a sanitizer: the reader's web view runs no page JavaScript and blocks every
 * load but cid: and data: (three layers, see src/gui/reader/tern-ui-html-body.c).
 * This pass does what those layers cannot: it removes tracking images for good, so
 * that they stay blocked even when the user lets the message load remote images,
 * and it tells the reader which kinds of remote content the message asks for, so
 * the banner can say what was blocked. One linear scan over the tags, robust to
 * malformed markup.
 */
#include "config.h"

#include <string.h>

#include "tern-mime-html.h"

typedef struct
{
  const char *name;
  gsize       name_len;
  const char *value;       /* NULL for an attribute without a value */
  gsize       value_len;
  const char *span_start;  /* the whole attribute, for removing it */
  const char *span_end;
} Attr;

#define MAX_ATTRS 64

typedef struct
{
  const char *start;       /* '<' */
  const char *end;         /* after '>' */
  const char *name;
  gsize       name_len;
  gboolean    closing;
  Attr        attrs[MAX_ATTRS];
  guint       n_attrs;
} Tag;

/* Hosts and paths of mail tracking services ("open" beacons). Matched as
 * substrings of the lower-cased URL. */
static const char * const tracker_patterns[] = {
  "/track/open", "/tracking/open", "/open.gif", "/open.aspx", "/open.php", "/open.html",
  "/wf/open", "/e/o/", "/e2t/o/", "/o.gif", "/pixel.gif", "/pixel.png", "/pixel?",
  "/beacon", "/trk/", "/imp?", "emltrk.com", "mailtrack.io", "mixmax.com/api/track",
  "sidekickopen", "getnotify.com", "bananatag.com", "yesware.com", "list-manage.com/track",
  "mandrillapp.com/track", "sendgrid.net/wf/open", "ct.sendgrid.net", "mailstat.us",
  "pixel.watch", "open.convertkit", "trk.klclick", "spacer.gif", "/email/open",
};

static gboolean
name_is (const char *name, gsize len, const char *what)
{
  return strlen (what) == len && g_ascii_strncasecmp (name, what, len) == 0;
}

static const Attr *
tag_attr (const Tag *tag, const char *name)
{
  for (guint i = 0; i < tag->n_attrs; i++)
    if (name_is (tag->attrs[i].name, tag->attrs[i].name_len, name))
      return &tag->attrs[i];
  return NULL;
}

/* The value of an attribute as the browser reads it: character references
 * decoded, ASCII tabs and line breaks dropped (URL parsers drop them too), lower
 * case (for matching only). */
static char *
normalize_value (const char *value, gsize len)
{
  GString *out = g_string_sized_new (len);
  const char *end = value + len;
  const char *p = value;

  while (p < end)
    {
      if (*p == '&')
        {
          const char *q = p + 1;
          gunichar c = 0;

          if (q < end && *q == '#')
            {
              gboolean hex = FALSE;
              guint64 v = 0;
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
              if (q > digits)
                c = v > 0 && v <= 0x10FFFF ? (gunichar) v : 0xFFFD;
            }
          else
            {
              static const struct { const char *name; char c; } named[] = {
                { "amp", '&' }, { "colon", ':' }, { "sol", '/' }, { "period", '.' },
                { "quest", '?' }, { "equals", '=' }, { "tab", '\t' }, { "newline", '\n' },
                { "lpar", '(' }, { "rpar", ')' }, { "quot", '"' }, { "apos", '\'' },
              };
              const char *name = q;

              while (q < end && q - name < 10 && g_ascii_isalpha (*q))
                q++;
              for (guint i = 0; i < G_N_ELEMENTS (named); i++)
                if (name_is (name, q - name, named[i].name))
                  {
                    c = (gunichar) named[i].c;
                    break;
                  }
            }
          if (c != 0)
            {
              if (q < end && *q == ';')
                q++;
              if (c != '\t' && c != '\n' && c != '\r')
                g_string_append_unichar (out, g_unichar_tolower (c));
              p = q;
              continue;
            }
        }
      if (*p != '\t' && *p != '\n' && *p != '\r')
        g_string_append_c (out, g_ascii_tolower (*p));
      p++;
    }

  /* Leading and trailing white space and C0 controls do not count either. */
  {
    gsize start = 0;

    while (start < out->len && (guchar) out->str[start] <= ' ')
      start++;
    g_string_erase (out, 0, start);
    while (out->len > 0 && (guchar) out->str[out->len - 1] <= ' ')
      g_string_truncate (out, out->len - 1);
  }
  return g_string_free (out, FALSE);
}

static char *
attr_value (const Tag *tag, const char *name)
{
  const Attr *a = tag_attr (tag, name);

  if (a == NULL || a->value == NULL)
    return NULL;
  return normalize_value (a->value, a->value_len);
}

/**
 * tern_mime_url_is_remote:
 * @url: a URL from a message, normalized (lower case, no white space)
 *
 * Whether loading @url would reach the network: any URL with a scheme other
 * than `cid:`, `data:`, `about:` and `mailto:`, and protocol-relative URLs
 * (`//host/path`). Relative URLs have nothing to resolve against in a message.
 */
gboolean
tern_mime_url_is_remote (const char *url)
{
  const char *p;

  if (url == NULL || *url == '\0')
    return FALSE;
  if (g_str_has_prefix (url, "//") || g_str_has_prefix (url, "\\\\"))
    return TRUE;
  for (p = url; *p != '\0' && (g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.'); p++)
    ;
  if (*p != ':' || p == url)
    return FALSE;
  return !(g_ascii_strncasecmp (url, "cid:", 4) == 0 || g_ascii_strncasecmp (url, "data:", 5) == 0 ||
           g_ascii_strncasecmp (url, "about:", 6) == 0 || g_ascii_strncasecmp (url, "mailto:", 7) == 0);
}

/* A length of at most one pixel: "0", "1", "1px", "0.5", " 1 ". */
static gboolean
is_tiny_length (const char *value)
{
  char *end = NULL;
  double v;

  if (value == NULL)
    return FALSE;
  while (*value == ' ')
    value++;
  if (!g_ascii_isdigit (*value) && *value != '.')
    return FALSE;
  v = g_ascii_strtod (value, &end);
  if (end == value)
    return FALSE;
  while (*end == ' ')
    end++;
  if (g_str_has_prefix (end, "px"))
    end += 2;
  while (*end == ' ')
    end++;
  if (g_str_has_prefix (end, "!important"))
    end += strlen ("!important");
  while (*end == ' ')
    end++;
  return *end == '\0' && v <= 1.0;
}

/* Whether an inline style hides the element or makes it at most 1 px wide or high. */
static gboolean
style_hides (const char *style)
{
  g_auto(GStrv) decls = NULL;

  if (style == NULL)
    return FALSE;
  decls = g_strsplit (style, ";", 64);
  for (guint i = 0; decls[i] != NULL; i++)
    {
      char *colon = strchr (decls[i], ':');
      g_autofree char *prop = NULL;
      g_autofree char *value = NULL;

      if (colon == NULL)
        continue;
      prop = g_strstrip (g_strndup (decls[i], colon - decls[i]));
      value = g_strstrip (g_strdup (colon + 1));
      if ((g_str_equal (prop, "width") || g_str_equal (prop, "height") ||
           g_str_equal (prop, "max-width") || g_str_equal (prop, "max-height")) &&
          is_tiny_length (value))
        return TRUE;
      if (g_str_equal (prop, "display") && g_str_has_prefix (value, "none"))
        return TRUE;
      if (g_str_equal (prop, "visibility") && g_str_has_prefix (value, "hidden"))
        return TRUE;
      if (g_str_equal (prop, "opacity") && is_tiny_length (value) && g_ascii_strtod (value, NULL) == 0.0)
        return TRUE;
    }
  return FALSE;
}

/**
 * tern_mime_html_is_tracking_image:
 * @src: (nullable): the image's normalized URL
 * @width: (nullable): its width attribute
 * @height: (nullable): its height attribute
 * @style: (nullable): its normalized style attribute
 *
 * The tracking-image heuristic: a remote image that is at most 1 px wide or
 * high (attributes or inline style), or hidden by its inline style, or whose URL
 * matches a known tracking service or a typical "open" beacon path.
 *
 * Returns: whether the image is a tracker, to be removed even when remote
 *   content is allowed
 */
gboolean
tern_mime_html_is_tracking_image (const char *src,
                                  const char *width,
                                  const char *height,
                                  const char *style)
{
  if (!tern_mime_url_is_remote (src))
    return FALSE;
  if (is_tiny_length (width) || is_tiny_length (height) || style_hides (style))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (tracker_patterns); i++)
    if (strstr (src, tracker_patterns[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* Remote URLs in CSS text (a style element or attribute, normalized). */
static TernMimeRemoteKinds
scan_css (const char *css)
{
  TernMimeRemoteKinds kinds = TERN_MIME_REMOTE_NONE;
  gboolean font_face = strstr (css, "@font-face") != NULL;
  const char *p = css;

  while ((p = strstr (p, "url(")) != NULL)
    {
      const char *u = p + 4;
      g_autofree char *url = NULL;
      const char *e;

      while (*u == ' ' || *u == '"' || *u == '\'')
        u++;
      e = u;
      while (*e != '\0' && *e != ')' && *e != '"' && *e != '\'' && *e != ' ')
        e++;
      url = g_strndup (u, e - u);
      {
        /* "@import url(...)" is a style sheet, counted below */
        const char *b = p;

        while (b > css && b[-1] == ' ')
          b--;
        if (b - css >= 7 && strncmp (b - 7, "@import", 7) == 0)
          {
            p = e;
            continue;
          }
      }
      if (tern_mime_url_is_remote (url))
        kinds |= font_face ? (TERN_MIME_REMOTE_FONTS | TERN_MIME_REMOTE_IMAGES) : TERN_MIME_REMOTE_IMAGES;
      p = e;
    }

  p = css;
  while ((p = strstr (p, "@import")) != NULL)
    {
      const char *u = p + 7;

      while (*u == ' ' || *u == '"' || *u == '\'' )
        u++;
      if (g_str_has_prefix (u, "url("))
        u += 4;
      while (*u == ' ' || *u == '"' || *u == '\'')
        u++;
      if (tern_mime_url_is_remote (u))
        kinds |= TERN_MIME_REMOTE_STYLES;
      p = u;
    }

  /* The image kind found inside @font-face was a font. */
  if (font_face && (kinds & TERN_MIME_REMOTE_FONTS) && strstr (css, "background") == NULL)
    kinds &= ~TERN_MIME_REMOTE_IMAGES;
  return kinds;
}

static gboolean
attr_is_remote (const Tag *tag, const char *name)
{
  g_autofree char *v = attr_value (tag, name);

  return tern_mime_url_is_remote (v);
}

/* Parses the tag at @p ('<' followed by a letter or '/'); fills @tag and returns
 * TRUE, or FALSE when it is no tag. */
static gboolean
parse_tag (const char *p, const char *end, Tag *tag)
{
  const char *q = p + 1;

  memset (tag, 0, sizeof *tag);
  tag->start = p;
  if (q < end && *q == '/')
    {
      tag->closing = TRUE;
      q++;
    }
  if (q >= end || !g_ascii_isalpha (*q))
    return FALSE;
  tag->name = q;
  while (q < end && (g_ascii_isalnum (*q) || *q == '-' || *q == ':' || *q == '_'))
    q++;
  tag->name_len = q - tag->name;

  while (q < end && *q != '>')
    {
      Attr a = { 0 };

      if (g_ascii_isspace (*q) || *q == '/')
        {
          q++;
          continue;
        }
      a.span_start = q;
      a.name = q;
      while (q < end && !g_ascii_isspace (*q) && *q != '>' && *q != '=' && *q != '/')
        q++;
      if (q == a.name)
        q++;  /* a stray '=' */
      a.name_len = q - a.name;
      while (q < end && g_ascii_isspace (*q))
        q++;
      if (q < end && *q == '=')
        {
          q++;
          while (q < end && g_ascii_isspace (*q))
            q++;
          if (q < end && (*q == '"' || *q == '\''))
            {
              char quote = *q++;

              a.value = q;
              while (q < end && *q != quote)
                q++;
              a.value_len = q - a.value;
              if (q < end)
                q++;
            }
          else
            {
              a.value = q;
              while (q < end && !g_ascii_isspace (*q) && *q != '>')
                q++;
              a.value_len = q - a.value;
            }
        }
      a.span_end = q;
      if (tag->n_attrs < MAX_ATTRS)
        tag->attrs[tag->n_attrs++] = a;
    }
  tag->end = q < end ? q + 1 : end;
  return TRUE;
}

/* The end of the raw text element @name (script, style...) whose content starts at
 * @p: the '<' of its end tag, or @end. */
static const char *
find_end_tag (const char *p, const char *end, const char *name)
{
  gsize n = strlen (name);

  while (p < end && (p = memchr (p, '<', end - p)) != NULL)
    {
      if ((gsize) (end - p) > n + 2 && p[1] == '/' && g_ascii_strncasecmp (p + 2, name, n) == 0 &&
          !g_ascii_isalnum (p[2 + n]))
        return p;
      p++;
    }
  return end;
}

static const char *
skip_past (const char *p, const char *end, char c)
{
  const char *q = memchr (p, c, end - p);

  return q != NULL ? q + 1 : end;
}

/* Appends @tag without the attributes named in @drop (NULL-terminated). Returns the
 * number of attributes dropped. */
static guint
append_tag_without (GString *out, const Tag *tag, const char * const *drop)
{
  const char *p = tag->start;
  guint dropped = 0;

  for (guint i = 0; i < tag->n_attrs; i++)
    {
      const Attr *a = &tag->attrs[i];
      gboolean remove = FALSE;

      for (guint j = 0; drop[j] != NULL; j++)
        if (name_is (a->name, a->name_len, drop[j]))
          remove = TRUE;
      if (remove)
        {
          g_string_append_len (out, p, a->span_start - p);
          p = a->span_end;
          dropped++;
        }
    }
  g_string_append_len (out, p, tag->end - p);
  return dropped;
}

static gboolean
rel_has (const char *rel, const char *what)
{
  g_auto(GStrv) words = NULL;

  if (rel == NULL)
    return FALSE;
  words = g_strsplit_set (rel, " \t\n\f\r", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_equal (words[i], what))
      return TRUE;
  return FALSE;
}

/**
 * tern_mime_html_prepare:
 * @html: a UTF-8 HTML body
 * @len: its length in bytes
 * @report: (out caller-allocates) (optional): what was found and removed
 *
 * Prepares an HTML body for the reader. Removes for good:
 * - tracking images (see tern_mime_html_is_tracking_image());
 * - scripts, `<base>`, `<meta>` refresh and charset declarations (the reader
 *   gives the web view UTF-8), links that prefetch, preconnect, preload or name an
 *   icon, `ping` attributes, and the start tags of frames and embedded objects
 *   (which never load);
 * and reports which kinds of remote content the rest still asks for: images,
 * style sheets, fonts, frames, media.
 *
 * Returns: (transfer full): the prepared HTML
 */
char *
tern_mime_html_prepare (const char *html, gsize len, TernMimeHtmlReport *report)
{
  static const char * const no_ping[] = { "ping", NULL };
  TernMimeHtmlReport r = { 0 };
  GString *out = g_string_sized_new (len + 64);
  const char *p = html;
  const char *end = html + len;

  while (p < end)
    {
      const char *lt = memchr (p, '<', end - p);
      Tag tag;

      if (lt == NULL)
        {
          g_string_append_len (out, p, end - p);
          break;
        }
      g_string_append_len (out, p, lt - p);
      p = lt;

      if (end - p >= 4 && memcmp (p, "<!--", 4) == 0)
        {
          const char *c = g_strstr_len (p + 4, end - p - 4, "-->");
          const char *ce = c != NULL ? c + 3 : end;

          g_string_append_len (out, p, ce - p);
          p = ce;
          continue;
        }
      if (end - p >= 2 && (p[1] == '!' || p[1] == '?'))
        {
          /* a doctype or processing instruction */
          const char *ce = skip_past (p, end, '>');

          g_string_append_len (out, p, ce - p);
          p = ce;
          continue;
        }
      if (!parse_tag (p, end, &tag))
        {
          g_string_append_c (out, '<');
          p++;
          continue;
        }
      p = tag.end;

      if (tag.closing)
        {
          g_string_append_len (out, tag.start, tag.end - tag.start);
          continue;
        }

      if (name_is (tag.name, tag.name_len, "script"))
        {
          const char *close = find_end_tag (p, end, "script");

          p = close < end ? skip_past (close, end, '>') : end;
          r.n_removed++;
          continue;
        }

      if (name_is (tag.name, tag.name_len, "style"))
        {
          const char *close = find_end_tag (p, end, "style");
          g_autofree char *css = normalize_value (p, close - p);

          r.remote |= scan_css (css);
          g_string_append_len (out, tag.start, close - tag.start);
          p = close;
          continue;
        }

      if (name_is (tag.name, tag.name_len, "img") || name_is (tag.name, tag.name_len, "image"))
        {
          g_autofree char *src = attr_value (&tag, "src");
          g_autofree char *width = attr_value (&tag, "width");
          g_autofree char *height = attr_value (&tag, "height");
          g_autofree char *style = attr_value (&tag, "style");

          /* SVG's <image> names its source with href */
          if (src == NULL)
            src = attr_value (&tag, "href");
          if (src == NULL)
            src = attr_value (&tag, "xlink:href");
          if (tern_mime_html_is_tracking_image (src, width, height, style))
            {
              r.n_trackers++;
              continue;
            }
          if (tern_mime_url_is_remote (src) || attr_is_remote (&tag, "srcset") ||
              attr_is_remote (&tag, "lowsrc") || attr_is_remote (&tag, "dynsrc"))
            r.remote |= TERN_MIME_REMOTE_IMAGES;
        }
      else if (name_is (tag.name, tag.name_len, "link"))
        {
          g_autofree char *rel = attr_value (&tag, "rel");

          if (rel_has (rel, "prefetch") || rel_has (rel, "preconnect") || rel_has (rel, "dns-prefetch") ||
              rel_has (rel, "preload") || rel_has (rel, "prerender") || rel_has (rel, "modulepreload") ||
              rel_has (rel, "icon") || rel_has (rel, "manifest") || rel_has (rel, "apple-touch-icon"))
            {
              r.n_removed++;
              continue;
            }
          if (attr_is_remote (&tag, "href"))
            r.remote |= rel_has (rel, "stylesheet") ? TERN_MIME_REMOTE_STYLES : TERN_MIME_REMOTE_NONE;
        }
      else if (name_is (tag.name, tag.name_len, "meta"))
        {
          g_autofree char *equiv = attr_value (&tag, "http-equiv");

          if (tag_attr (&tag, "charset") != NULL ||
              (equiv != NULL && (g_str_equal (equiv, "refresh") || g_str_equal (equiv, "content-type") ||
                                 g_str_equal (equiv, "set-cookie") || g_str_equal (equiv, "x-dns-prefetch-control"))))
            {
              r.n_removed++;
              continue;
            }
        }
      else if (name_is (tag.name, tag.name_len, "base"))
        {
          r.n_removed++;
          continue;
        }
      else if (name_is (tag.name, tag.name_len, "iframe") || name_is (tag.name, tag.name_len, "frame") ||
               name_is (tag.name, tag.name_len, "object") || name_is (tag.name, tag.name_len, "embed") ||
               name_is (tag.name, tag.name_len, "applet") || name_is (tag.name, tag.name_len, "portal"))
        {
          /* Never loaded, even with remote content allowed (the policy has no
           * frame-src and no object-src): an empty box is all they would show. */
          if (attr_is_remote (&tag, "src") || attr_is_remote (&tag, "data") || attr_is_remote (&tag, "code"))
            r.remote |= TERN_MIME_REMOTE_FRAMES;
          r.n_removed++;
          continue;
        }
      else if (name_is (tag.name, tag.name_len, "video") || name_is (tag.name, tag.name_len, "audio") ||
               name_is (tag.name, tag.name_len, "source") || name_is (tag.name, tag.name_len, "track"))
        {
          if (attr_is_remote (&tag, "src") || attr_is_remote (&tag, "srcset"))
            r.remote |= TERN_MIME_REMOTE_MEDIA;
          if (attr_is_remote (&tag, "poster"))
            r.remote |= TERN_MIME_REMOTE_IMAGES;
        }
      else if (name_is (tag.name, tag.name_len, "input"))
        {
          if (attr_is_remote (&tag, "src"))
            r.remote |= TERN_MIME_REMOTE_IMAGES;
        }

      if (attr_is_remote (&tag, "background"))
        r.remote |= TERN_MIME_REMOTE_IMAGES;
      {
        g_autofree char *style = attr_value (&tag, "style");

        if (style != NULL)
          r.remote |= scan_css (style);
      }

      if (tag_attr (&tag, "ping") != NULL)
        r.n_removed += append_tag_without (out, &tag, no_ping);
      else
        g_string_append_len (out, tag.start, tag.end - tag.start);
    }

  if (report != NULL)
    *report = r;
  return g_string_free (out, FALSE);
}

/**
 * tern_mime_html_sniff_charset:
 * @data: the start of an HTML document, in its own charset
 * @len: its length in bytes
 *
 * Finds the charset an HTML document declares in a `<meta charset>` or
 * `<meta http-equiv="Content-Type" content="...; charset=...">` element within its
 * first 4 KiB, for an HTML part whose Content-Type gives none.
 *
 * Returns: (transfer full) (nullable): the charset label, or %NULL
 */
char *
tern_mime_html_sniff_charset (const char *data, gsize len)
{
  const char *end;
  const char *p = data;

  /* An empty part's bytes may be NULL (and NULL + 0 is undefined). */
  if (data == NULL || len == 0)
    return NULL;
  end = data + MIN (len, 4096);

  while (p < end && (p = memchr (p, '<', end - p)) != NULL)
    {
      Tag tag;

      if (!parse_tag (p, end, &tag) || tag.closing || !name_is (tag.name, tag.name_len, "meta"))
        {
          p++;
          continue;
        }
      p = tag.end;
      {
        g_autofree char *charset = attr_value (&tag, "charset");
        g_autofree char *content = NULL;
        const char *c;

        if (charset != NULL && *charset != '\0')
          return g_steal_pointer (&charset);
        content = attr_value (&tag, "content");
        if (content != NULL && (c = strstr (content, "charset=")) != NULL)
          {
            const char *s = c + strlen ("charset=");
            const char *e;

            while (*s == '"' || *s == '\'' || *s == ' ')
              s++;
            e = s;
            while (g_ascii_isalnum (*e) || *e == '-' || *e == '_' || *e == '.' || *e == ':')
              e++;
            if (e > s)
              return g_strndup (s, e - s);
          }
      }
    }
  return NULL;
}
