/* tern-outbox-flowed.c: text/plain; format=flowed (RFC 3676), both ways
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the user wrote is one line per paragraph; what goes out is lines of at most
 * TERN_OUTBOX_FLOWED_WIDTH characters where a line ending in a space continues on the
 * next (a soft break), so that a reader joins them again to the width of its window,
 * and one without format=flowed still shows short lines. Quoted lines ("> ", ">> ")
 * keep their quote marks on each line they are wrapped to. A word longer than the
 * width stays whole. Lines beginning with a space or "From " are space-stuffed, hard
 * breaks lose their trailing spaces, and the signature separator "-- " stays as it is.
 *
 * Decoding does the opposite: it joins soft-broken lines of the same quote depth and
 * takes the stuffing off. The result has "\n" line ends and writes quotes as "> ".
 */
#include "config.h"

#include <string.h>

#include "tern-outbox-flowed.h"

#define MIN_CONTENT_WIDTH 20

static gboolean
is_signature_separator (const char *line, gsize length)
{
  return length == 3 && memcmp (line, "-- ", 3) == 0;
}

/* Appends @content (one hard line, without quote marks) wrapped after @prefix. */
static void
wrap_line (GString *out, const char *prefix, const char *content, guint width)
{
  guint prefix_chars = g_utf8_strlen (prefix, -1);
  guint max = width > prefix_chars + MIN_CONTENT_WIDTH ? width - prefix_chars : MIN_CONTENT_WIDTH;
  const char *p = content;

  do
    {
      const char *q = p, *last_break = NULL, *end;
      guint chars = 0;

      /* Walk to the width, remembering the last place after a run of spaces; a word
       * longer than the width runs on to its end. */
      while (*q != '\0')
        {
          if (*q == ' ')
            {
              while (*q == ' ')
                q++, chars++;
              if (*q == '\0' || (chars > max && last_break != NULL))
                break;
              last_break = q;
              if (chars >= max)
                break;
              continue;
            }
          q = g_utf8_next_char (q);
          chars++;
          if (chars > max && last_break != NULL)
            break;
        }
      end = *q == '\0' ? q : last_break;

      g_string_append (out, prefix);
      /* Space-stuffing: a line that begins with a space or "From " (unquoted). */
      if (*prefix == '\0' && (*p == ' ' || g_str_has_prefix (p, "From ")))
        g_string_append_c (out, ' ');
      g_string_append_len (out, p, end - p);
      g_string_append_c (out, '\n');
      p = end;
    }
  while (*p != '\0');
}

/**
 * tern_outbox_flowed_encode:
 * @text: the text as written, UTF-8, with "\n" (or "\r\n") line ends
 * @width: the longest line, quote marks included (0: TERN_OUTBOX_FLOWED_WIDTH)
 *
 * Returns: (transfer full): the text in format=flowed (DelSp=no), with "\n" line
 *   ends and a final line end
 */
char *
tern_outbox_flowed_encode (const char *text, guint width)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (text) + strlen (text) / 32 + 16);
  g_auto(GStrv) lines = NULL;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);

  if (width == 0)
    width = TERN_OUTBOX_FLOWED_WIDTH;
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  /* A final line end does not make one more, empty, line. */
  if (n > 0 && lines[n - 1][0] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      char *line = lines[i];
      gsize length = strlen (line);
      guint depth = 0;
      g_autofree char *prefix = NULL;
      const char *content;

      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      if (is_signature_separator (line, length))
        {
          g_string_append (out, "-- \n");
          continue;
        }
      /* A hard break never ends with a space. */
      while (length > 0 && (line[length - 1] == ' ' || line[length - 1] == '\t'))
        line[--length] = '\0';
      while (line[depth] == '>')
        depth++;
      content = line + depth;
      if (depth > 0 && *content == ' ')
        content++;
      if (*content == '\0')
        {
          /* An empty line, or a quote mark alone. */
          g_string_append_len (out, line, depth);
          g_string_append_c (out, '\n');
          continue;
        }
      prefix = depth > 0 ? g_strdup_printf ("%.*s ", (int) depth, line) : g_strdup ("");
      wrap_line (out, prefix, content, width);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * tern_outbox_flowed_decode:
 * @text: a text/plain; format=flowed body, UTF-8
 * @delsp: the DelSp=yes parameter: the space of a soft break is not part of the text
 *
 * Returns: (transfer full): the text as paragraphs, quotes written "> " and ">> ",
 *   with "\n" line ends
 */
char *
tern_outbox_flowed_decode (const char *text, gboolean delsp)
{
  g_autoptr(GString) out = g_string_sized_new (strlen (text));
  g_auto(GStrv) lines = NULL;
  gboolean open = FALSE;   /* the last line ended with a soft break */
  guint open_depth = 0;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);

  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  if (n > 0 && lines[n - 1][0] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      char *line = lines[i];
      gsize length = strlen (line);
      guint depth = 0;
      const char *content;
      gsize content_length;
      gboolean soft;

      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      while (line[depth] == '>')
        depth++;
      content = line + depth;
      if (*content == ' ')
        content++;   /* stuffing */
      content_length = strlen (content);
      soft = content_length > 0 && content[content_length - 1] == ' ' &&
             !is_signature_separator (content, content_length);

      if (open && depth != open_depth)
        {
          /* A soft break into another quote depth is a hard one (RFC 3676 4.5). */
          g_string_append_c (out, '\n');
          open = FALSE;
        }
      if (!open)
        {
          for (guint d = 0; d < depth; d++)
            g_string_append_c (out, '>');
          if (depth > 0 && content_length > 0)
            g_string_append_c (out, ' ');
        }
      if (soft && delsp)
        content_length--;
      g_string_append_len (out, content, content_length);
      if (soft)
        {
          open = TRUE;
          open_depth = depth;
        }
      else
        {
          g_string_append_c (out, '\n');
          open = FALSE;
        }
    }
  if (open)
    g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}
