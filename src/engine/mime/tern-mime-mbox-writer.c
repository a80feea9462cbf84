/* tern-mime-mbox-writer.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-mime-mbox-writer.h"

/**
 * tern_mime_mbox_write_message:
 *
 * Writes one message as mboxrd (lines matching /^>*From / get one more '>'), the
 * "From " line dated with @internal_date (Unix time, UTC).
 *
 * Returns: %FALSE when writing failed (errno tells why)
 */
gboolean
tern_mime_mbox_write_message (FILE   *out,
                              gint64  internal_date,
                              GBytes *raw)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (internal_date);
  g_autofree char *when = date != NULL ? g_date_time_format (date, "%a %b %e %H:%M:%S %Y")
                                       : g_strdup ("Thu Jan  1 00:00:00 1970");
  gsize len = 0;
  const char *data = g_bytes_get_data (raw, &len);
  const char *p = data, *end = data + len;

  if (fprintf (out, "From MAILER-DAEMON %s\n", when) < 0)
    return FALSE;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl + 1 : end;
      const char *q = p;

      while (q < line_end && *q == '>')
        q++;
      if (line_end - q >= 5 && memcmp (q, "From ", 5) == 0 && fputc ('>', out) == EOF)
        return FALSE;
      if (fwrite (p, 1, line_end - p, out) != (gsize) (line_end - p))
        return FALSE;
      p = line_end;
    }
  if (len > 0 && data[len - 1] != '\n' && fputc ('\n', out) == EOF)
    return FALSE;
  return fputc ('\n', out) != EOF;
}
