/* tern-sync-converters.c: the charset converters a sync's MIME work keeps loaded
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * glibc loads a charset converter (a gconv module) at iconv_open() and unloads it
 * again soon after the last iconv_close(): the MIME parsing of a sync, which opens
 * a converter per encoded header and text part, spent a tenth of its CPU time in
 * dlopen()/dlclose(). One descriptor per common charset, open while any sync parses
 * mail, keeps those modules loaded; the last sync to end closes them, so that nothing is
 * left behind once no sync runs (LeakSanitizer counted them as a leak of every sync
 * when they were kept for the life of the process). (The better fix is a converter
 * cache in the MIME layer.)
 */
#include "config.h"

#include <iconv.h>

#include "tern-sync-converters.h"

static GMutex converters_lock;
static guint converters_users;
static GArray *converters;   /* iconv_t */

/**
 * tern_sync_converters_pin:
 *
 * Keeps the common charset converters loaded until the matching
 * tern_sync_converters_unpin(). Any thread.
 */
void
tern_sync_converters_pin (void)
{
  static const char * const charsets[] = {
    "ISO-8859-1", "ISO-8859-2", "ISO-8859-5", "ISO-8859-7", "ISO-8859-9", "ISO-8859-15",
    "WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253", "WINDOWS-1254", "WINDOWS-1257",
    "KOI8-R", "KOI8-U", "ISO-2022-JP", "EUC-JP", "SHIFT_JIS", "GB2312", "GBK", "GB18030", "BIG5",
    "EUC-KR", "UTF-16", "UTF-7",
  };
  g_mutex_lock (&converters_lock);
  if (converters_users++ == 0)
    {
      converters = g_array_new (FALSE, FALSE, sizeof (iconv_t));
      for (guint i = 0; i < G_N_ELEMENTS (charsets); i++)
        {
          iconv_t cd = iconv_open ("UTF-8", charsets[i]);

          if (cd != (iconv_t) -1)
            g_array_append_val (converters, cd);
        }
    }
  g_mutex_unlock (&converters_lock);
}

/**
 * tern_sync_converters_unpin:
 *
 * Ends a tern_sync_converters_pin(); the last one closes the converters.
 */
void
tern_sync_converters_unpin (void)
{
  g_mutex_lock (&converters_lock);
  g_assert (converters_users > 0);
  if (--converters_users == 0)
    {
      for (guint i = 0; i < converters->len; i++)
        iconv_close (g_array_index (converters, iconv_t, i));
      g_clear_pointer (&converters, g_array_unref);
    }
  g_mutex_unlock (&converters_lock);
}
