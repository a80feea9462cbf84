/* tern-mime-source.c: a raw message as text a person can read (View Source)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-mime-source.h"

/* Characters that change how the text around them looks without being seen:
 * bidirectional overrides and isolates ("Trojan Source"), and the C1 controls. */
static gboolean
is_invisible_control (gunichar c)
{
  return (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0x200E || c == 0x200F || c == 0x061C || c == 0xFEFF;
}

/**
 * tern_mime_source_make_visible:
 * @data: raw message bytes
 * @len: their length
 *
 * Turns a raw message into UTF-8 text that shows every byte: line ends are kept
 * (CRLF and LF both become a line break), tabs stay tabs, other C0 controls and
 * DEL become their Unicode control pictures (U+2400 ␀ and following, U+2421 ␡),
 * a lone CR becomes ␍, bytes that are not UTF-8 become `\xNN`, and invisible
 * formatting characters (bidirectional overrides, C1 controls) become `<U+XXXX>`.
 *
 * Returns: (transfer full): the text
 */
char *
tern_mime_source_make_visible (const guint8 *data, gsize len)
{
  GString *out = g_string_sized_new (len + len / 16 + 16);
  const char *p = (const char *) data;
  const char *end = p + len;

  while (p < end)
    {
      guchar b = (guchar) *p;

      if (b < 0x80)
        {
          if (b == '\n' || b == '\t')
            g_string_append_c (out, b);
          else if (b == '\r' && p + 1 < end && p[1] == '\n')
            ; /* CRLF: the LF makes the break */
          else if (b < 0x20)
            g_string_append_unichar (out, 0x2400 + b);
          else if (b == 0x7F)
            g_string_append_unichar (out, 0x2421);
          else
            g_string_append_c (out, b);
          p++;
        }
      else
        {
          gunichar c = g_utf8_get_char_validated (p, end - p);

          if (c == (gunichar) -1 || c == (gunichar) -2)
            {
              g_string_append_printf (out, "\\x%02X", b);
              p++;
            }
          else
            {
              const char *next = g_utf8_next_char (p);

              if (is_invisible_control (c))
                g_string_append_printf (out, "<U+%04X>", c);
              else
                g_string_append_len (out, p, next - p);
              p = next;
            }
        }
    }

  return g_string_free (out, FALSE);
}
