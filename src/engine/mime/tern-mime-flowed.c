/* tern-mime-flowed.c: plain text bodies for reading: format=flowed, quote levels
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-mime-flowed.h"

/* Quote levels deeper than this are shown as this deep. */
#define MAX_DEPTH 32

/**
 * tern_mime_quote_depth:
 * @line: a line of plain text (not necessarily NUL-terminated)
 * @len: its length in bytes
 * @content_start: (out) (optional): where the text after the quote marks begins
 *
 * Counts the quote marks that begin a line of a reply: `>`, `> >`, `>>`, with
 * the space after the last mark counted as part of the marks.
 *
 * Returns: the quote depth, 0 for a line that is not quoted
 */
guint
tern_mime_quote_depth (const char *line, gsize len, gsize *content_start)
{
  guint depth = 0;
  gsize end = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (line[i] == '>')
        {
          depth++;
          end = i + 1;
        }
      else if (line[i] != ' ')
        break;
    }
  if (depth > 0 && end < len && line[end] == ' ')
    end++;
  if (content_start != NULL)
    *content_start = end;
  return MIN (depth, MAX_DEPTH);
}

/**
 * tern_mime_flowed_decode:
 * @text: the UTF-8 text of a `text/plain; format=flowed` part
 * @delsp: the part's `DelSp=yes` parameter
 *
 * Joins the soft line breaks of format=flowed text (RFC 3676): a line ending in a
 * space continues on the next line of the same quote depth. Space stuffing is
 * removed, quote marks are rewritten as one `>` per level followed by a space,
 * and the signature separator `-- ` stays a line of its own. Line ends become
 * `\n`.
 *
 * Returns: (transfer full): the text with one line per paragraph
 */
char *
tern_mime_flowed_decode (const char *text, gboolean delsp)
{
  GString *out = g_string_sized_new (strlen (text) + 16);
  const char *p = text;
  gboolean open = FALSE;  /* the previous line was flowed: this one continues it */
  guint open_depth = 0;

  while (*p != '\0')
    {
      const char *eol = strchr (p, '\n');
      gsize len = eol != NULL ? (gsize) (eol - p) : strlen (p);
      gsize start = 0;
      guint depth;
      const char *content;
      gsize content_len;
      gboolean flowed;
      gboolean signature;

      if (len > 0 && p[len - 1] == '\r')
        len--;

      /* The marks, without the optional space after them: RFC 3676 4.5. */
      depth = 0;
      while (start < len && p[start] == '>' && depth < MAX_DEPTH)
        {
          depth++;
          start++;
        }
      while (start < len && p[start] == '>')
        start++;
      /* Space stuffing (4.4): one space after the marks, or at the start. */
      if (start < len && p[start] == ' ')
        start++;

      content = p + start;
      content_len = len - start;
      signature = content_len == 3 && memcmp (content, "-- ", 3) == 0;
      flowed = !signature && content_len > 0 && content[content_len - 1] == ' ';
      if (flowed && delsp)
        content_len--;

      if (open && (depth != open_depth || signature))
        {
          /* A flowed line followed by another depth, or by the signature separator:
           * the paragraph ends (4.5). */
          g_string_append_c (out, '\n');
          open = FALSE;
        }
      if (!open)
        {
          for (guint i = 0; i < depth; i++)
            g_string_append_c (out, '>');
          if (depth > 0)
            g_string_append_c (out, ' ');
        }
      g_string_append_len (out, content, content_len);

      open = flowed;
      open_depth = depth;
      if (!open)
        g_string_append_c (out, '\n');

      if (eol == NULL)
        break;
      p = eol + 1;
    }

  if (open)
    g_string_append_c (out, '\n');
  /* The text ended without a line break: so does the result. */
  if (out->len > 0 && *text != '\0' && text[strlen (text) - 1] != '\n')
    g_string_truncate (out, out->len - 1);

  return g_string_free (out, FALSE);
}
