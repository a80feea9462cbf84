/* tern-mime-mbox-writer.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-mime-mbox-writer.h"

/* The envelope line's date as asctime() writes it, in ASCII whatever the locale:
 * "Sun Dec  6 10:00:00 2026", the day of the month padded with a space. (GLib's
 * "%e" pads with U+2007 FIGURE SPACE, which mbox readers reject, and "%a %b" follow
 * the locale.) */
static char *
format_envelope_date (gint64 unix_time)
{
  static const char days[7][4] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
  static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (unix_time);

  if (date == NULL)
    date = g_date_time_new_from_unix_utc (0);
  return g_strdup_printf ("%s %s %2d %02d:%02d:%02d %d",
                          days[g_date_time_get_day_of_week (date) - 1],
                          months[g_date_time_get_month (date) - 1],
                          g_date_time_get_day_of_month (date), g_date_time_get_hour (date),
                          g_date_time_get_minute (date), g_date_time_get_second (date),
                          g_date_time_get_year (date));
}

/**
 * tern_mime_mbox_write_message:
 *
 * Writes one message as mboxrd (lines matching /^>*From / get one more '>'), the
 * "From " line dated with @internal_date (Unix time, UTC) in asctime()'s form:
 * "From MAILER-DAEMON Sun Dec  6 10:00:00 2026".
 *
 * Returns: %FALSE when writing failed (errno tells why)
 */
gboolean
tern_mime_mbox_write_message (FILE   *out,
                              gint64  internal_date,
                              GBytes *raw)
{
  g_autofree char *when = format_envelope_date (internal_date);
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
