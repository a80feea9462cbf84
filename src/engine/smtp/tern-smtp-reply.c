/* tern-smtp-reply.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-smtp-reply.h"

/*
 * TernSmtpReply is a pure parser: the session feeds it the lines it reads until the
 * reply is complete; the unit tests and the fuzzer feed it byte strings.
 *
 * RFC 5321 section 4.2: every line starts with the same three-digit code, followed by
 * "-" on all lines but the last and by a space (or nothing) on the last. RFC 3463/2034:
 * the text may start with an enhanced status code "class.subject.detail" whose class
 * is the code's first digit; it is taken out of the text and kept apart.
 */

struct _TernSmtpReply
{
  GObject    parent_instance;

  guint      code;
  char      *enhanced_code;
  GPtrArray *lines;
  gsize      size;
  gboolean   complete;
};

G_DEFINE_FINAL_TYPE (TernSmtpReply, tern_smtp_reply, G_TYPE_OBJECT)

TernSmtpReply *
tern_smtp_reply_new (void)
{
  return g_object_new (TERN_SMTP_TYPE_REPLY, NULL);
}

static void
set_parse_error (GError     **error,
                 const char  *line,
                 gsize        length,
                 const char  *message)
{
  g_autofree char *shown = NULL;
  g_autofree char *clean = NULL;

  if (error == NULL)
    return;

  shown = g_strndup (line, MIN (length, 80));
  clean = tern_smtp_sanitize_text (shown);
  g_set_error (error, TERN_SMTP_ERROR, TERN_SMTP_ERROR_PARSE, "%s (“%s”)", message, clean);
}

/* Length of an enhanced status code "c.sss.ddd" of class @class at the start of @text
 * (followed by a space or the end), or 0. */
static gsize
match_enhanced_code (const char *text,
                     gsize       length,
                     char        class)
{
  gsize i = 0;

  if (length < 5 || text[0] != class || text[1] != '.')
    return 0;
  i = 2;
  for (int part = 0; part < 2; part++)
    {
      gsize digits = 0;

      while (i < length && g_ascii_isdigit (text[i]) && digits < 4)
        {
          i++;
          digits++;
        }
      if (digits == 0 || digits > 3)
        return 0;
      if (part == 0)
        {
          if (i >= length || text[i] != '.')
            return 0;
          i++;
        }
    }

  if (i < length && text[i] != ' ')
    return 0;
  return i;
}

/**
 * tern_smtp_reply_feed_line:
 * @line: one line from the server, without its CRLF (may hold NUL bytes)
 *
 * Returns: %FALSE with %TERN_SMTP_ERROR_PARSE when the line is not a valid reply line
 *   here: no three-digit code, a code that differs from the reply's first line, a
 *   reply longer than %TERN_SMTP_MAX_REPLY_LINES lines or %TERN_SMTP_MAX_REPLY_SIZE
 *   bytes, or a line after the last one
 */
gboolean
tern_smtp_reply_feed_line (TernSmtpReply  *self,
                           const char     *line,
                           gsize           length,
                           GError        **error)
{
  const char *text;
  gsize text_length;
  gsize enhanced;
  guint code;

  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), FALSE);
  g_return_val_if_fail (line != NULL || length == 0, FALSE);

  if (self->complete)
    {
      set_parse_error (error, line, length, _("The SMTP server sent more than it was asked for"));
      return FALSE;
    }

  /* RFC 5321 section 4.2: Reply-code = %x32-35 %x30-35 %x30-39; 1yz is accepted here and
   * left to the session, which never expects it. */
  if (length < 3 ||
      line[0] < '1' || line[0] > '5' ||
      line[1] < '0' || line[1] > '5' ||
      !g_ascii_isdigit (line[2]) ||
      (length > 3 && line[3] != ' ' && line[3] != '-'))
    {
      set_parse_error (error, line, length, _("The SMTP server sent a line that is not a reply"));
      return FALSE;
    }

  code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (self->lines->len > 0 && code != self->code)
    {
      set_parse_error (error, line, length, _("The SMTP server changed the reply code within a reply"));
      return FALSE;
    }

  self->size += length;
  if (self->lines->len >= TERN_SMTP_MAX_REPLY_LINES || self->size > TERN_SMTP_MAX_REPLY_SIZE)
    {
      set_parse_error (error, line, length, _("The SMTP server sent a reply that is too long"));
      return FALSE;
    }

  self->code = code;
  self->complete = length == 3 || line[3] == ' ';

  text = length > 4 ? line + 4 : "";
  text_length = length > 4 ? length - 4 : 0;
  if (line[0] != '1' && line[0] != '3' &&
      (enhanced = match_enhanced_code (text, text_length, line[0])) > 0)
    {
      if (self->enhanced_code == NULL)
        self->enhanced_code = g_strndup (text, enhanced);
      text += enhanced;
      text_length -= enhanced;
      while (text_length > 0 && *text == ' ')
        {
          text++;
          text_length--;
        }
    }

  g_ptr_array_add (self->lines, g_strndup (text, text_length));
  return TRUE;
}

gboolean
tern_smtp_reply_is_complete (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), FALSE);

  return self->complete;
}

/**
 * tern_smtp_reply_get_code:
 *
 * Returns: the three-digit reply code, or 0 before the first line
 */
guint
tern_smtp_reply_get_code (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), 0);

  return self->code;
}

/**
 * tern_smtp_reply_get_enhanced_code:
 *
 * Returns: (nullable): the enhanced status code ("2.1.5"), or %NULL
 */
const char *
tern_smtp_reply_get_enhanced_code (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), NULL);

  return self->enhanced_code;
}

guint
tern_smtp_reply_get_n_lines (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), 0);

  return self->lines->len;
}

/**
 * tern_smtp_reply_get_line:
 *
 * Returns: the text of line @index, without the code, the separator and the enhanced
 *   status code; bytes as sent, not UTF-8-checked
 */
const char *
tern_smtp_reply_get_line (TernSmtpReply *self,
                          guint          index)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), NULL);
  g_return_val_if_fail (index < self->lines->len, NULL);

  return g_ptr_array_index (self->lines, index);
}

/**
 * tern_smtp_reply_dup_text:
 *
 * Returns: (transfer full): the text of all lines, joined with "\n"
 */
char *
tern_smtp_reply_dup_text (TernSmtpReply *self)
{
  GString *text;

  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->lines->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_ptr_array_index (self->lines, i));
    }

  return g_string_free (text, FALSE);
}

/**
 * tern_smtp_reply_to_string:
 *
 * Returns: (transfer full): "code enhanced-code text" on one line, cleaned up for a
 *   message to the user
 */
char *
tern_smtp_reply_to_string (TernSmtpReply *self)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *text = NULL;

  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), NULL);

  g_string_append_printf (out, "%03u", self->code);
  if (self->enhanced_code != NULL)
    g_string_append_printf (out, " %s", self->enhanced_code);
  for (guint i = 0; i < self->lines->len; i++)
    {
      const char *line = g_ptr_array_index (self->lines, i);

      if (*line != '\0')
        g_string_append_printf (out, " %s", line);
    }

  text = g_string_free (g_steal_pointer (&out), FALSE);
  return tern_smtp_sanitize_text (text);
}

gboolean
tern_smtp_reply_is_positive (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), FALSE);

  return self->code / 100 == 2;
}

gboolean
tern_smtp_reply_is_intermediate (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), FALSE);

  return self->code / 100 == 3;
}

gboolean
tern_smtp_reply_is_transient (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), FALSE);

  return self->code / 100 == 4;
}

gboolean
tern_smtp_reply_is_permanent (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), FALSE);

  return self->code / 100 == 5;
}

static gboolean
enhanced_is (TernSmtpReply *self,
             const char    *subject_detail)
{
  return self->enhanced_code != NULL && g_str_equal (self->enhanced_code + 1, subject_detail);
}

/**
 * tern_smtp_reply_get_error_code:
 *
 * Returns: the #TernSmtpError a negative reply stands for (421 closing, 530 login
 *   needed, 535 login refused, 552 or x.3.4 too large, else by class 4 or 5)
 */
TernSmtpError
tern_smtp_reply_get_error_code (TernSmtpReply *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_REPLY (self), TERN_SMTP_ERROR_PARSE);

  if (self->code == 421)
    return TERN_SMTP_ERROR_SERVICE_UNAVAILABLE;
  if (self->code == 530)
    return TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED;
  if (self->code == 535 || enhanced_is (self, ".7.8"))
    return TERN_SMTP_ERROR_AUTHENTICATION_FAILED;
  if (enhanced_is (self, ".3.4") || (self->code == 552 && !enhanced_is (self, ".2.2")))
    return TERN_SMTP_ERROR_MESSAGE_TOO_LARGE;
  if (self->code / 100 == 4)
    return TERN_SMTP_ERROR_TEMPORARY;
  if (self->code / 100 == 5)
    return TERN_SMTP_ERROR_PERMANENT;

  return TERN_SMTP_ERROR_PARSE;
}

/**
 * tern_smtp_reply_set_error:
 * @what: what failed, translated ("Sending failed")
 *
 * Sets @error from a negative reply, with tern_smtp_reply_get_error_code().
 */
void
tern_smtp_reply_set_error (TernSmtpReply  *self,
                           const char     *what,
                           GError        **error)
{
  tern_smtp_reply_set_error_full (self, tern_smtp_reply_get_error_code (self), what, error);
}

/**
 * tern_smtp_reply_set_error_full:
 *
 * Sets @error with @code; the message holds the reply, and the error carries its code,
 * enhanced code and text.
 */
void
tern_smtp_reply_set_error_full (TernSmtpReply  *self,
                                TernSmtpError   code,
                                const char     *what,
                                GError        **error)
{
  g_autofree char *shown = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (TERN_SMTP_IS_REPLY (self));

  if (error == NULL)
    return;

  shown = tern_smtp_reply_to_string (self);
  if (self->code / 100 == 4 || self->code / 100 == 5)
    g_set_error (error, TERN_SMTP_ERROR, code, _("%s: the SMTP server said “%s”"), what, shown);
  else
    g_set_error (error, TERN_SMTP_ERROR, code, _("%s: unexpected reply from the SMTP server: “%s”"),
                 what, shown);

  text = tern_smtp_reply_dup_text (self);
  tern_smtp_error_set_server_reply (*error, self->code, self->enhanced_code, text);
}

static void
tern_smtp_reply_finalize (GObject *object)
{
  TernSmtpReply *self = TERN_SMTP_REPLY (object);

  g_clear_pointer (&self->enhanced_code, g_free);
  g_clear_pointer (&self->lines, g_ptr_array_unref);

  G_OBJECT_CLASS (tern_smtp_reply_parent_class)->finalize (object);
}

static void
tern_smtp_reply_class_init (TernSmtpReplyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_smtp_reply_finalize;
}

static void
tern_smtp_reply_init (TernSmtpReply *self)
{
  self->lines = g_ptr_array_new_with_free_func (g_free);
}
