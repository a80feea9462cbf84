/* tern-imap-utf7.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-error.h"
#include "tern-imap-utf7.h"

/*
 * Modified UTF-7: printable US-ASCII stands for itself, "&" is "&-", and every run of
 * other characters is UTF-16, in base64 with "," for "/", without padding, between "&"
 * and "-". The decoder is strict, as RFC 3501 asks: a name has exactly one spelling,
 * so that "INBOX" cannot hide behind "&AEkATgBCAE8AWA-".
 */

static const char b64_chars[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
b64_value (guchar c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == ',')
    return 63;
  return -1;
}

static void
flush_utf16 (GString      *out,
             const guint16 *units,
             gsize          n_units)
{
  guint32 bits = 0;
  int n_bits = 0;

  g_string_append_c (out, '&');
  for (gsize i = 0; i < n_units; i++)
    {
      bits = (bits << 16) | units[i];
      n_bits += 16;
      while (n_bits >= 6)
        {
          n_bits -= 6;
          g_string_append_c (out, b64_chars[(bits >> n_bits) & 0x3f]);
        }
    }
  if (n_bits > 0)
    g_string_append_c (out, b64_chars[(bits << (6 - n_bits)) & 0x3f]);
  g_string_append_c (out, '-');
}

/**
 * tern_imap_utf7_encode:
 * @utf8: a mailbox name in UTF-8
 *
 * Returns: (transfer full): the name in modified UTF-7, as IMAP4rev1 sends it
 */
char *
tern_imap_utf7_encode (const char *utf8)
{
  GString *out;
  GArray *units;

  g_return_val_if_fail (utf8 != NULL, NULL);
  g_return_val_if_fail (g_utf8_validate (utf8, -1, NULL), NULL);

  out = g_string_sized_new (strlen (utf8) + 8);
  units = g_array_new (FALSE, FALSE, sizeof (guint16));

  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 0x20 && c <= 0x7e)
        {
          if (units->len > 0)
            {
              flush_utf16 (out, &g_array_index (units, guint16, 0), units->len);
              g_array_set_size (units, 0);
            }
          if (c == '&')
            g_string_append (out, "&-");
          else
            g_string_append_c (out, (char) c);
          continue;
        }

      if (c >= 0x10000)
        {
          guint16 pair[2];

          pair[0] = 0xd800 + ((c - 0x10000) >> 10);
          pair[1] = 0xdc00 + ((c - 0x10000) & 0x3ff);
          g_array_append_vals (units, pair, 2);
        }
      else
        {
          guint16 unit = c;

          g_array_append_val (units, unit);
        }
    }

  if (units->len > 0)
    flush_utf16 (out, &g_array_index (units, guint16, 0), units->len);

  g_array_unref (units);
  return g_string_free (out, FALSE);
}

static gboolean
invalid (GError     **error,
         const char  *utf7,
         gsize        length,
         const char  *why)
{
  g_autofree char *shown = g_utf8_make_valid (utf7, MIN (length, 200));

  g_set_error (error, TERN_IMAP_ERROR, TERN_IMAP_ERROR_INVALID_NAME,
               _("The mailbox name “%s” is not valid modified UTF-7: %s"), shown, why);
  return FALSE;
}

/**
 * tern_imap_utf7_decode:
 * @utf7: a mailbox name in modified UTF-7
 * @length: its length, or -1 when it is NUL-terminated
 *
 * Returns: (transfer full) (nullable): the name in UTF-8, or %NULL with
 *   %TERN_IMAP_ERROR_INVALID_NAME when @utf7 is not valid modified UTF-7
 */
char *
tern_imap_utf7_decode (const char  *utf7,
                       gssize       length,
                       GError     **error)
{
  g_autoptr(GString) out = NULL;
  gsize len;
  gsize i = 0;
  gsize run_end = 0;

  g_return_val_if_fail (utf7 != NULL, NULL);

  len = length < 0 ? strlen (utf7) : (gsize) length;
  out = g_string_sized_new (len);

  while (i < len)
    {
      guchar c = utf7[i];
      gboolean after_run = i > 0 && utf7[i - 1] == '-' && run_end == i;
      guint32 bits = 0;
      int n_bits = 0;
      gunichar high = 0;
      gsize n_chars = 0;

      if (c != '&')
        {
          if (c < 0x20 || c > 0x7e)
            {
              invalid (error, utf7, len, _("it holds a character that must be encoded"));
              return NULL;
            }
          g_string_append_c (out, c);
          i++;
          continue;
        }

      i++;
      if (i < len && utf7[i] == '-')
        {
          g_string_append_c (out, '&');
          i++;
          continue;
        }

      /* Two encoded runs in a row would be one run in the only valid spelling. */
      if (after_run)
        {
          invalid (error, utf7, len, _("two encoded parts follow each other"));
          return NULL;
        }

      for (;;)
        {
          int v;

          if (i >= len)
            {
              invalid (error, utf7, len, _("an encoded part does not end with “-”"));
              return NULL;
            }
          if (utf7[i] == '-')
            {
              i++;
              break;
            }

          v = b64_value (utf7[i]);
          if (v < 0)
            {
              invalid (error, utf7, len, _("an encoded part holds a character outside base64"));
              return NULL;
            }
          i++;
          bits = (bits << 6) | (guint32) v;
          n_bits += 6;
          if (n_bits < 16)
            continue;

          n_bits -= 16;
          {
            gunichar unit = (bits >> n_bits) & 0xffff;

            bits &= (1u << n_bits) - 1;
            if (high != 0)
              {
                if (unit < 0xdc00 || unit > 0xdfff)
                  {
                    invalid (error, utf7, len, _("it holds a broken surrogate pair"));
                    return NULL;
                  }
                g_string_append_unichar (out, 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00));
                high = 0;
              }
            else if (unit >= 0xd800 && unit <= 0xdbff)
              high = unit;
            else if (unit >= 0xdc00 && unit <= 0xdfff)
              {
                invalid (error, utf7, len, _("it holds a broken surrogate pair"));
                return NULL;
              }
            else if (unit == 0 || (unit >= 0x20 && unit <= 0x7e))
              {
                invalid (error, utf7, len, _("it encodes a character that must stand for itself"));
                return NULL;
              }
            else
              g_string_append_unichar (out, unit);
            n_chars++;
          }
        }

      /* Leftover bits must be fewer than 6 and zero; a run must not be empty. */
      if (high != 0 || n_bits >= 6 || bits != 0 || n_chars == 0)
        {
          invalid (error, utf7, len, _("an encoded part is not complete"));
          return NULL;
        }
      run_end = i;
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}
