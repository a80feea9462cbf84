/* fuzz-smtp-reply.c: libFuzzer target for the SMTP reply parser
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is what a server sends: it is cut into lines at LF (a CR before it goes)
 * and fed to TernSmtpReply, one reply after the other; every complete reply is also
 * read as an EHLO reply (TernSmtpCapabilities) and turned into an error. The whole
 * input also goes through tern_smtp_scan_message(), as a message would. The invariants
 * below abort, and so do GLib criticals. See meson.build beside this file.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tern-smtp-capabilities.h"
#include "tern-smtp-reply.h"
#include "tern-smtp-session.h"

static void
check (gboolean condition)
{
  if (!condition)
    abort ();
}

static void
check_enhanced_code (TernSmtpReply *reply)
{
  const char *code = tern_smtp_reply_get_enhanced_code (reply);
  guint dots = 0;

  if (code == NULL)
    return;
  /* class.subject.detail, class the first digit of the reply code */
  check (code[0] - '0' == (int) tern_smtp_reply_get_code (reply) / 100);
  for (const char *p = code; *p != '\0'; p++)
    {
      check (g_ascii_isdigit (*p) || *p == '.');
      dots += *p == '.';
    }
  check (dots == 2 && strlen (code) <= 9);
}

static void
after_complete (TernSmtpReply *reply)
{
  g_autoptr(TernSmtpCapabilities) caps = tern_smtp_capabilities_new_from_reply (reply);
  g_autofree char *text = tern_smtp_reply_dup_text (reply);
  g_autofree char *shown = tern_smtp_reply_to_string (reply);
  g_autoptr(GError) error = NULL;
  guint code = tern_smtp_reply_get_code (reply);
  const char * const *mechanisms = tern_smtp_capabilities_get_auth_mechanisms (caps);

  check (code >= 100 && code <= 559);
  check (tern_smtp_reply_get_n_lines (reply) >= 1 && tern_smtp_reply_get_n_lines (reply) <= TERN_SMTP_MAX_REPLY_LINES);
  check (g_utf8_validate (shown, -1, NULL));
  check (text != NULL);
  check_enhanced_code (reply);
  check (mechanisms != NULL && g_strv_length ((char **) mechanisms) <= 65);
  tern_smtp_capabilities_has_keyword (caps, "PIPELINING");

  tern_smtp_reply_set_error (reply, "fuzz", &error);
  check (error != NULL && error->domain == TERN_SMTP_ERROR && g_utf8_validate (error->message, -1, NULL));
  check (tern_smtp_error_get_reply_code (error) == code);
}

int LLVMFuzzerTestOneInput (const uint8_t *input,
                            size_t         size);

int
LLVMFuzzerTestOneInput (const uint8_t *input,
                        size_t         size)
{
  static gboolean initialized;
  TernSmtpReply *reply = NULL;
  size_t start = 0;
  goffset wire_size = 0;

  if (!initialized)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      initialized = TRUE;
    }

  while (start < size)
    {
      const uint8_t *nl = memchr (input + start, '\n', size - start);
      size_t end = nl != NULL ? (size_t) (nl - input) : size;
      size_t length = end - start;
      g_autofree char *line = NULL;
      g_autoptr(GError) error = NULL;

      if (length > 0 && input[end - 1] == '\r')
        length--;
      line = g_malloc (length + 1);
      memcpy (line, input + start, length);
      line[length] = '\0';
      start = end + 1;

      if (reply == NULL)
        reply = tern_smtp_reply_new ();

      if (!tern_smtp_reply_feed_line (reply, line, length, &error))
        {
          check (error != NULL && error->domain == TERN_SMTP_ERROR && error->code == TERN_SMTP_ERROR_PARSE);
          check (g_utf8_validate (error->message, -1, NULL));
          g_clear_object (&reply);
          continue;
        }
      check (error == NULL);
      if (tern_smtp_reply_is_complete (reply))
        {
          after_complete (reply);
          g_clear_object (&reply);
        }
    }
  g_clear_object (&reply);

  tern_smtp_scan_message (input, size, &wire_size);
  check (wire_size >= 0 && (guint64) wire_size <= 2 * (guint64) size + 2);
  return 0;
}
