/* tern-mime-mbox-reader.c: splits an mbox file into messages
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mbox has no reliable framing: a message starts at a line "From ..." (the
 * envelope). Writers are supposed to quote body lines that start with "From "
 * but many do not ("unmunged" mboxes), and writers that rely on Content-Length
 * put no empty line before the envelope. So a "From " line separates messages
 * when it starts the file, or when it looks like a postmark (a dash, one word,
 * or a word and a time) and the next line looks like a header field
 * ("Name: value"). An empty line before an envelope belongs to the mbox framing,
 * not to the message; everything else is kept byte for byte (">From " quoting
 * is left as it is).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "tern-mime-error.h"
#include "tern-mime-mbox-reader.h"

struct _TernMimeMboxReader
{
  FILE      *file;
  char      *path;
  char      *line;         /* getline() buffer */
  size_t     line_cap;
  GByteArray *pending;     /* a line read ahead, not yet used */
  goffset    pending_offset;
  goffset    offset;       /* file offset of the next unread byte */
  char      *envelope;     /* the envelope of the message being read */
  gboolean   started;
  gboolean   eof;
};

gboolean
tern_mime_mbox_is_envelope (const char *line, gsize len)
{
  return len >= 5 && memcmp (line, "From ", 5) == 0;
}

/* "From - ...", "From 1844347792267117879@xxx" (Gmail), "From bob@example.com
 * Sat Jan  3 01:05:34 1996": a dash, a single word, or a word then a time. Prose
 * such as "From Russia with love" is none of these. */
static gboolean
looks_like_postmark (const guint8 *line, gsize len)
{
  const guint8 *p = line + 5, *end = line + len;
  const guint8 *word_end;

  while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
    end--;
  if (p < end && *p == '-')
    return TRUE;
  word_end = p;
  while (word_end < end && *word_end != ' ' && *word_end != '\t')
    word_end++;
  if (word_end == p)
    return FALSE;
  if (word_end == end)
    return TRUE;
  for (const guint8 *q = word_end; q + 3 < end; q++)
    if (g_ascii_isdigit (q[0]) && q[1] == ':' && g_ascii_isdigit (q[2]) && g_ascii_isdigit (q[3]))
      return TRUE;
  return FALSE;
}

static gboolean
looks_like_header (const guint8 *line, gsize len)
{
  gsize i = 0;

  while (i < len && line[i] >= 0x21 && line[i] <= 0x7E && line[i] != ':')
    i++;
  if (i == 0)
    return FALSE;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  return i < len && line[i] == ':';
}

/**
 * tern_mime_mbox_reader_new:
 * @path: an mbox file
 * @error: return location for a %TERN_MIME_ERROR_OPEN
 *
 * Opens an mbox file for reading message by message; memory use is bounded by
 * the largest message.
 */
TernMimeMboxReader *
tern_mime_mbox_reader_new (const char *path, GError **error)
{
  TernMimeMboxReader *reader;
  FILE *file = g_fopen (path, "rbe");

  if (file == NULL)
    {
      int saved = errno;
      g_set_error (error, TERN_MIME_ERROR, TERN_MIME_ERROR_OPEN,
                   _("Cannot open “%s”: %s"), path, g_strerror (saved));
      return NULL;
    }

  reader = g_new0 (TernMimeMboxReader, 1);
  reader->file = file;
  reader->path = g_strdup (path);
  return reader;
}

void
tern_mime_mbox_reader_free (TernMimeMboxReader *reader)
{
  if (reader == NULL)
    return;
  fclose (reader->file);
  free (reader->line);
  if (reader->pending != NULL)
    g_byte_array_unref (reader->pending);
  g_free (reader->envelope);
  g_free (reader->path);
  g_free (reader);
}

/* Reads one line (with its newline) into a new array; NULL at the end. */
static GByteArray *
read_line (TernMimeMboxReader *reader, goffset *line_offset, GError **error)
{
  ssize_t n;
  GByteArray *array;

  if (reader->pending != NULL)
    {
      array = g_steal_pointer (&reader->pending);
      *line_offset = reader->pending_offset;
      return array;
    }
  if (reader->eof)
    return NULL;

  errno = 0;
  n = getline (&reader->line, &reader->line_cap, reader->file);
  if (n < 0)
    {
      if (ferror (reader->file))
        {
          int saved = errno;
          g_set_error (error, TERN_MIME_ERROR, TERN_MIME_ERROR_READ,
                       _("Cannot read “%s”: %s"), reader->path, g_strerror (saved));
        }
      reader->eof = TRUE;
      return NULL;
    }

  *line_offset = reader->offset;
  reader->offset += n;
  array = g_byte_array_sized_new (n);
  g_byte_array_append (array, (const guint8 *) reader->line, n);
  return array;
}

static void
strip_framing (GByteArray *message)
{
  guint len = message->len;
  const guint8 *d = message->data;

  if (len >= 4 && memcmp (d + len - 4, "\r\n\r\n", 4) == 0)
    g_byte_array_set_size (message, len - 2);
  else if (len >= 2 && d[len - 1] == '\n' && d[len - 2] == '\n')
    g_byte_array_set_size (message, len - 1);
}

/**
 * tern_mime_mbox_reader_next:
 * @reader: the reader
 * @message: (out) (transfer full): the message bytes, without the envelope line
 * @envelope: (out) (optional) (transfer full): the envelope line, without its newline
 * @offset: (out) (optional): the file offset of the message's first byte
 * @error: return location for a %TERN_MIME_ERROR_READ
 *
 * Returns: %TRUE with the next message, %FALSE at the end of the file (with
 *   @error unset) or on a read error (with @error set)
 */
gboolean
tern_mime_mbox_reader_next (TernMimeMboxReader  *reader,
                            GByteArray         **message,
                            char               **envelope,
                            goffset             *offset,
                            GError             **error)
{
  GByteArray *body = NULL;
  goffset body_offset = -1;
  GError *local_error = NULL;

  *message = NULL;

  for (;;)
    {
      goffset line_offset = 0;
      GByteArray *line = read_line (reader, &line_offset, &local_error);
      gboolean separator = FALSE;

      if (line == NULL)
        break;

      /* A byte order mark before the first envelope is not part of anything. */
      if (!reader->started && line_offset == 0 && line->len >= 3 &&
          line->data[0] == 0xEF && line->data[1] == 0xBB && line->data[2] == 0xBF)
        {
          g_byte_array_remove_range (line, 0, 3);
          line_offset = 3;
        }

      if (tern_mime_mbox_is_envelope ((const char *) line->data, line->len))
        {
          goffset next_offset = 0;
          GByteArray *next = read_line (reader, &next_offset, &local_error);

          separator = !reader->started ||
                      (looks_like_postmark (line->data, line->len) &&
                       next != NULL && looks_like_header (next->data, next->len));
          if (next != NULL)
            {
              reader->pending = next;
              reader->pending_offset = next_offset;
            }
        }

      if (separator)
        {
          gsize n = line->len;

          while (n > 0 && (line->data[n - 1] == '\n' || line->data[n - 1] == '\r'))
            n--;

          if (reader->started && body != NULL)
            {
              /* The end of the current message: keep this envelope for the next call. */
              char *next_envelope = g_strndup ((const char *) line->data, n);
              if (envelope != NULL)
                *envelope = g_steal_pointer (&reader->envelope);
              else
                g_free (reader->envelope);
              reader->envelope = next_envelope;
              g_byte_array_unref (line);
              strip_framing (body);
              *message = body;
              if (offset != NULL)
                *offset = body_offset;
              return TRUE;
            }

          reader->started = TRUE;
          g_free (reader->envelope);
          reader->envelope = g_strndup ((const char *) line->data, n);
          body = g_byte_array_new ();
          body_offset = line_offset + line->len;
          g_byte_array_unref (line);
          continue;
        }

      if (!reader->started)
        {
          /* Not an mbox: the file is one message. */
          reader->started = TRUE;
          body = g_byte_array_new ();
          body_offset = line_offset;
        }
      else if (body == NULL)
        {
          body = g_byte_array_new ();
          body_offset = line_offset;
        }

      g_byte_array_append (body, line->data, line->len);
      g_byte_array_unref (line);
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      if (body != NULL)
        g_byte_array_unref (body);
      return FALSE;
    }

  if (body != NULL)
    {
      strip_framing (body);
      *message = body;
      if (offset != NULL)
        *offset = body_offset;
      if (envelope != NULL)
        *envelope = g_steal_pointer (&reader->envelope);
      return TRUE;
    }

  return FALSE;
}

goffset
tern_mime_mbox_reader_tell (TernMimeMboxReader *reader)
{
  return reader->offset;
}

/**
 * tern_mime_mbox_envelope_date:
 * @envelope: an envelope line such as "From bob@example.com Sat Jan  3 01:05:34 1996"
 *
 * Returns: the date of the envelope as Unix time (UTC), or 0 if there is none
 */
gint64
tern_mime_mbox_envelope_date (const char *envelope)
{
  static const char * const months[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  };
  g_auto(GStrv) words = NULL;
  guint n;

  if (envelope == NULL)
    return 0;
  words = g_strsplit_set (envelope, " \t", -1);
  n = g_strv_length (words);

  /* Look for "Mon DD HH:MM:SS YYYY" anywhere after the sender. */
  for (guint i = 2; i + 3 < n + 1; i++)
    {
      int month = -1;
      guint j = i;
      int day, hour, minute, second, year;
      g_autoptr(GDateTime) dt = NULL;

      for (int m = 0; m < 12; m++)
        if (g_strcmp0 (words[j], months[m]) == 0)
          month = m + 1;
      if (month < 0)
        continue;
      j++;
      while (j < n && *words[j] == '\0')
        j++;
      if (j + 2 > n)
        break;
      day = atoi (words[j++]);
      if (sscanf (words[j++], "%d:%d:%d", &hour, &minute, &second) != 3)
        continue;
      while (j < n && *words[j] == '\0')
        j++;
      if (j >= n)
        break;
      year = atoi (words[j]);
      dt = g_date_time_new_utc (year, month, day, hour, minute, second);
      if (dt != NULL)
        return g_date_time_to_unix (dt);
    }
  return 0;
}
