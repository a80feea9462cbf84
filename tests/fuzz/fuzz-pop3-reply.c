/* fuzz-pop3-reply.c: libFuzzer target for the POP3 reply parser
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is what a server sends: it is cut into lines at LF (a CR before it goes)
 * and fed to TernPop3Reply, one reply after the other, under each combination of
 * flags; every data line also goes through the listing and capability parsers, every
 * status through the STAT, APOP and error code paths. The invariants below abort, and
 * so do GLib criticals. See meson.build beside this file for how to build and run it.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tern-pop3-capabilities.h"
#include "tern-pop3-reply.h"

static void
check (gboolean condition)
{
  if (!condition)
    abort ();
}

static void
after_status (TernPop3Reply *reply)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *timestamp = tern_pop3_reply_dup_apop_timestamp (reply);
  const char *text = tern_pop3_reply_get_text (reply);
  const char *code = tern_pop3_reply_get_response_code (reply);
  guint count = 0;
  guint64 size = 0;

  check (text != NULL);
  if (timestamp != NULL)
    check (timestamp[0] == '<' && timestamp[strlen (timestamp) - 1] == '>' && strchr (timestamp, '@') != NULL);
  if (code != NULL)
    check (*code != '\0' && strchr (code, ']') == NULL && strchr (code, ' ') == NULL);

  if (!tern_pop3_reply_parse_stat (reply, &count, &size, &error))
    check (error != NULL && error->domain == TERN_POP3_ERROR);
  g_clear_error (&error);

  if (tern_pop3_reply_get_status (reply) == TERN_POP3_REPLY_STATUS_ERR)
    {
      tern_pop3_reply_set_error (reply, TERN_POP3_ERROR_ERR, "fuzz", &error);
      check (error != NULL && g_utf8_validate (error->message, -1, NULL));
    }
}

static void
after_data (TernPop3Capabilities *capabilities,
            const char           *data,
            gsize                 length)
{
  g_autofree char *uid = NULL;
  guint msgno = 0;
  guint64 size = 0;

  if (tern_pop3_parse_scan_listing (data, length, &msgno, &size, NULL))
    check (msgno > 0);
  if (tern_pop3_parse_uid_listing (data, length, &msgno, &uid, NULL))
    check (msgno > 0 && strlen (uid) >= 1 && strlen (uid) <= TERN_POP3_MAX_UID_LENGTH);
  tern_pop3_capabilities_add_line (capabilities, data, length, NULL);
  check (tern_pop3_capabilities_get_n_items (capabilities) <= TERN_POP3_MAX_CAPABILITIES);
}

static void
run (const uint8_t      *input,
     size_t              size,
     TernPop3ReplyFlags  flags)
{
  g_autoptr(TernPop3Capabilities) capabilities = tern_pop3_capabilities_new ();
  TernPop3Reply *reply = NULL;
  size_t start = 0;

  while (start < size)
    {
      const uint8_t *nl = memchr (input + start, '\n', size - start);
      size_t end = nl != NULL ? (size_t) (nl - input) : size;
      size_t length = end - start;
      g_autofree char *line = NULL;
      const char *data = NULL;
      gsize data_length = 0;
      g_autoptr(GError) error = NULL;
      TernPop3ReplyLine kind;

      if (length > 0 && input[end - 1] == '\r')
        length--;
      /* the connection hands over a copy, NUL-terminated, that may hold NULs */
      line = g_malloc (length + 1);
      memcpy (line, input + start, length);
      line[length] = '\0';
      start = end + 1;

      if (reply == NULL || tern_pop3_reply_is_complete (reply))
        {
          g_clear_object (&reply);
          reply = tern_pop3_reply_new (flags);
        }

      kind = tern_pop3_reply_feed_line (reply, line, length, &data, &data_length, &error);
      switch (kind)
        {
        case TERN_POP3_REPLY_LINE_ERROR:
          check (error != NULL && error->domain == TERN_POP3_ERROR && g_utf8_validate (error->message, -1, NULL));
          /* the session gives up on the connection here; start afresh */
          g_clear_object (&reply);
          break;
        case TERN_POP3_REPLY_LINE_STATUS:
          check (error == NULL);
          after_status (reply);
          break;
        case TERN_POP3_REPLY_LINE_DATA:
          check (data >= line && data + data_length == line + length);
          check (data_length + (line[0] == '.' ? 1 : 0) == length);
          after_data (capabilities, data, data_length);
          break;
        case TERN_POP3_REPLY_LINE_END:
          check (length == 1 && line[0] == '.' && tern_pop3_reply_is_complete (reply));
          break;
        default:
          abort ();
        }
    }

  g_clear_object (&reply);
}

int LLVMFuzzerTestOneInput (const uint8_t *input,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *input,
                        size_t         size)
{
  static gboolean initialized;

  if (!initialized)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialized = TRUE;
    }

  run (input, size, TERN_POP3_REPLY_FLAGS_NONE);
  run (input, size, TERN_POP3_REPLY_FLAGS_MULTILINE);
  run (input, size, TERN_POP3_REPLY_FLAGS_CONTINUATION);
  run (input, size, TERN_POP3_REPLY_FLAGS_MULTILINE | TERN_POP3_REPLY_FLAGS_CONTINUATION);
  return 0;
}
