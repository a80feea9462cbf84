/* tern-pop3-reply.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-pop3-reply.h"

/*
 * TernPop3Reply is a pure parser: the session reads lines from the connection and feeds
 * them here, one at a time, until the reply is complete. It never touches the network,
 * so the unit tests and the fuzzer drive it with byte strings.
 *
 * A reply is a status line (RFC 1939 "+OK"/"-ERR", with an RFC 2449 "[CODE]" after it)
 * and, for a positive answer to a multi-line command, data lines up to a line that is
 * just ".". Data lines come back dot-unstuffed, pointing into the caller's line, so a
 * message is never copied here (RETR streams it through).
 */

struct _TernPop3Reply
{
  GObject              parent_instance;

  TernPop3ReplyFlags   flags;
  TernPop3ReplyStatus  status;
  gboolean             multiline;
  gboolean             complete;
  char                *response_code;
  char                *text;
  char                *raw_text;   /* the text with the response code, for APOP */
  guint64              n_data_lines;
};

G_DEFINE_FINAL_TYPE (TernPop3Reply, tern_pop3_reply, G_TYPE_OBJECT)

TernPop3Reply *
tern_pop3_reply_new (TernPop3ReplyFlags flags)
{
  TernPop3Reply *self = g_object_new (TERN_POP3_TYPE_REPLY, NULL);

  self->flags = flags;
  return self;
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
  clean = tern_pop3_sanitize_text (shown);
  g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE, "%s (“%s”)", message, clean);
}

/* Matches the status indicator @word at the start of @line: it must be followed by the
 * end of the line or by white space. */
static gboolean
match_status (const char *line,
              gsize       length,
              const char *word,
              gsize      *after)
{
  gsize n = strlen (word);

  if (length < n || g_ascii_strncasecmp (line, word, n) != 0)
    return FALSE;
  if (length > n && line[n] != ' ' && line[n] != '\t')
    return FALSE;

  while (n < length && (line[n] == ' ' || line[n] == '\t'))
    n++;
  *after = n;
  return TRUE;
}

/* RFC 2449: resp-code = "[" resp-level *("/" resp-level) "]",
 * resp-level = 1*rchar, rchar = %x21-2E / %x30-5C / %x5E-7F */
static gboolean
valid_response_code (const char *code,
                     gsize       length)
{
  gboolean level_empty = TRUE;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = code[i];

      if (c == '/')
        {
          if (level_empty)
            return FALSE;
          level_empty = TRUE;
        }
      else if (c >= 0x21 && c <= 0x7f && c != ']')
        level_empty = FALSE;
      else
        return FALSE;
    }

  return !level_empty;
}

static void
parse_text (TernPop3Reply *self,
            const char    *text,
            gsize          length)
{
  self->raw_text = g_strndup (text, length);

  if (length > 2 && text[0] == '[')
    {
      const char *close = memchr (text, ']', length);

      if (close != NULL && valid_response_code (text + 1, close - text - 1))
        {
          const char *rest = close + 1;
          const char *end = text + length;

          self->response_code = g_strndup (text + 1, close - text - 1);
          while (rest < end && (*rest == ' ' || *rest == '\t'))
            rest++;
          self->text = g_strndup (rest, end - rest);
          return;
        }
    }

  self->text = g_strndup (text, length);
}

static TernPop3ReplyLine
feed_status (TernPop3Reply  *self,
             const char     *line,
             gsize           length,
             GError        **error)
{
  gsize after = 0;

  if (match_status (line, length, "+OK", &after))
    {
      self->status = TERN_POP3_REPLY_STATUS_OK;
      self->multiline = (self->flags & TERN_POP3_REPLY_FLAGS_MULTILINE) != 0;
    }
  else if (match_status (line, length, "-ERR", &after))
    {
      self->status = TERN_POP3_REPLY_STATUS_ERR;
    }
  else if ((self->flags & TERN_POP3_REPLY_FLAGS_CONTINUATION) != 0 &&
           length >= 1 && line[0] == '+' && (length == 1 || line[1] == ' '))
    {
      /* RFC 5034: "+" SP base64 challenge; Exchange sends a bare "+" */
      self->status = TERN_POP3_REPLY_STATUS_CONTINUATION;
      self->complete = TRUE;
      self->raw_text = g_strndup (line + MIN (length, 2), length - MIN (length, 2));
      self->text = g_strdup (self->raw_text);
      return TERN_POP3_REPLY_LINE_STATUS;
    }
  else
    {
      set_parse_error (error, line, length,
                       _("The POP3 server sent a line that is not a status (+OK or -ERR)"));
      return TERN_POP3_REPLY_LINE_ERROR;
    }

  parse_text (self, line + after, length - after);
  self->complete = !self->multiline;
  return TERN_POP3_REPLY_LINE_STATUS;
}

/**
 * tern_pop3_reply_feed_line:
 * @line: one line from the server, without its CRLF (may hold NUL bytes)
 * @length: its length
 * @data: (out) (optional): for %TERN_POP3_REPLY_LINE_DATA, the data line after
 *   dot-unstuffing; it points into @line
 * @data_length: (out) (optional): its length
 *
 * Returns: what the line was; %TERN_POP3_REPLY_LINE_ERROR with @error set when the line
 *   is not valid at this point (a reply that is already complete takes no more lines)
 */
TernPop3ReplyLine
tern_pop3_reply_feed_line (TernPop3Reply  *self,
                           const char     *line,
                           gsize           length,
                           const char    **data,
                           gsize          *data_length,
                           GError        **error)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), TERN_POP3_REPLY_LINE_ERROR);
  g_return_val_if_fail (line != NULL || length == 0, TERN_POP3_REPLY_LINE_ERROR);

  if (self->complete)
    {
      set_parse_error (error, line, length, _("The POP3 server sent more than it was asked for"));
      return TERN_POP3_REPLY_LINE_ERROR;
    }

  if (self->status == TERN_POP3_REPLY_STATUS_NONE)
    return feed_status (self, line, length, error);

  /* A data line of a multi-line response (RFC 1939 section 3). */
  if (length == 1 && line[0] == '.')
    {
      self->complete = TRUE;
      return TERN_POP3_REPLY_LINE_END;
    }

  if (length > 0 && line[0] == '.')
    {
      line++;
      length--;
    }

  self->n_data_lines++;
  if (data != NULL)
    *data = line;
  if (data_length != NULL)
    *data_length = length;
  return TERN_POP3_REPLY_LINE_DATA;
}

gboolean
tern_pop3_reply_is_complete (TernPop3Reply *self)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), FALSE);

  return self->complete;
}

/**
 * tern_pop3_reply_is_multiline:
 *
 * Returns: whether data lines follow (or followed) the status line
 */
gboolean
tern_pop3_reply_is_multiline (TernPop3Reply *self)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), FALSE);

  return self->multiline;
}

TernPop3ReplyStatus
tern_pop3_reply_get_status (TernPop3Reply *self)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), TERN_POP3_REPLY_STATUS_NONE);

  return self->status;
}

gboolean
tern_pop3_reply_is_ok (TernPop3Reply *self)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), FALSE);

  return self->status == TERN_POP3_REPLY_STATUS_OK;
}

/**
 * tern_pop3_reply_get_response_code:
 *
 * Returns: (nullable): the RFC 2449 response code without its brackets ("IN-USE",
 *   "SYS/TEMP"), or %NULL
 */
const char *
tern_pop3_reply_get_response_code (TernPop3Reply *self)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), NULL);

  return self->response_code;
}

/**
 * tern_pop3_reply_get_text:
 *
 * Returns: (nullable): the text of the status line after the indicator and the
 *   response code (the challenge, for a continuation); bytes as sent, not UTF-8-checked
 */
const char *
tern_pop3_reply_get_text (TernPop3Reply *self)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), NULL);

  return self->text;
}

guint64
tern_pop3_reply_get_n_data_lines (TernPop3Reply *self)
{
  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), 0);

  return self->n_data_lines;
}

/**
 * tern_pop3_reply_dup_apop_timestamp:
 *
 * RFC 1939 section 7: a server that supports APOP puts a msg-id like
 * "<1896.697170952@dbc.mtview.ca.us>" in its greeting.
 *
 * Returns: (transfer full) (nullable): the timestamp with its angle brackets, or %NULL
 */
char *
tern_pop3_reply_dup_apop_timestamp (TernPop3Reply *self)
{
  const char *start;
  const char *end;
  gboolean at = FALSE;

  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), NULL);

  if (self->status != TERN_POP3_REPLY_STATUS_OK || self->raw_text == NULL)
    return NULL;

  start = strchr (self->raw_text, '<');
  if (start == NULL)
    return NULL;
  end = strchr (start + 1, '>');
  if (end == NULL || end - start < 3 || end - start > 250)
    return NULL;

  for (const char *p = start + 1; p < end; p++)
    {
      guchar c = *p;

      if (c < 0x21 || c > 0x7e || c == '<')
        return NULL;
      if (c == '@')
        at = TRUE;
    }
  if (!at)
    return NULL;

  return g_strndup (start, end - start + 1);
}

/**
 * tern_pop3_reply_set_error:
 * @fallback: the error code when the response code does not say more
 * @what: what failed, translated ("Login failed")
 *
 * Sets @error from a negative reply: the RFC 2449/3206 response code picks the error
 * code, and the message shows the server's text.
 */
void
tern_pop3_reply_set_error (TernPop3Reply  *self,
                           TernPop3Error   fallback,
                           const char     *what,
                           GError        **error)
{
  TernPop3Error code = fallback;
  const char *rc;
  g_autofree char *clean = NULL;

  g_return_if_fail (TERN_POP3_IS_REPLY (self));

  if (error == NULL)
    return;

  rc = self->response_code;
  if (rc == NULL)
    ;
  else if (g_ascii_strcasecmp (rc, "AUTH") == 0)
    code = TERN_POP3_ERROR_AUTHENTICATION_FAILED;
  else if (g_ascii_strcasecmp (rc, "IN-USE") == 0)
    code = TERN_POP3_ERROR_IN_USE;
  else if (g_ascii_strcasecmp (rc, "LOGIN-DELAY") == 0)
    code = TERN_POP3_ERROR_LOGIN_DELAY;
  else if (g_ascii_strncasecmp (rc, "SYS/TEMP", 8) == 0)
    code = TERN_POP3_ERROR_TEMPORARY;
  else if (g_ascii_strncasecmp (rc, "SYS/PERM", 8) == 0)
    code = TERN_POP3_ERROR_PERMANENT;

  clean = tern_pop3_sanitize_text (self->text);
  if (self->status != TERN_POP3_REPLY_STATUS_ERR)
    g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE,
                 _("%s: unexpected reply from the POP3 server"), what);
  else if (*clean == '\0')
    g_set_error (error, TERN_POP3_ERROR, code, _("%s (the POP3 server gave no reason)"), what);
  else
    g_set_error (error, TERN_POP3_ERROR, code, _("%s: the POP3 server said “%s”"), what, clean);

  tern_pop3_error_set_server_reply (*error, self->response_code, self->text);
}

/* Parses a decimal number of at most @max from @p; advances @p. */
static gboolean
parse_number (const char **p,
              const char  *end,
              guint64      max,
              guint64     *out)
{
  guint64 value = 0;
  const char *q = *p;

  if (q >= end || !g_ascii_isdigit (*q))
    return FALSE;

  for (; q < end && g_ascii_isdigit (*q); q++)
    {
      guint digit = *q - '0';

      if (value > (max - digit) / 10)
        return FALSE;
      value = value * 10 + digit;
    }

  *p = q;
  *out = value;
  return TRUE;
}

static const char *
skip_spaces (const char *p,
             const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  return p;
}

/* "n size": a count or message number, white space, a size, then the end or white
 * space (RFC 1939 allows more after the size). */
static gboolean
parse_two_numbers (const char **p,
                   const char  *end,
                   guint64     *first,
                   guint64     *second)
{
  const char *q = *p;

  if (!parse_number (&q, end, G_MAXUINT, first))
    return FALSE;
  if (q >= end || (*q != ' ' && *q != '\t'))
    return FALSE;
  q = skip_spaces (q, end);
  if (!parse_number (&q, end, G_MAXUINT64, second))
    return FALSE;
  if (q < end && *q != ' ' && *q != '\t')
    return FALSE;

  *p = q;
  return TRUE;
}

/**
 * tern_pop3_reply_parse_stat:
 *
 * Parses the drop listing of a positive STAT reply: "+OK nn mm".
 */
gboolean
tern_pop3_reply_parse_stat (TernPop3Reply  *self,
                            guint          *count,
                            guint64        *size,
                            GError        **error)
{
  const char *p;
  const char *end;
  guint64 n = 0;
  guint64 octets = 0;

  g_return_val_if_fail (TERN_POP3_IS_REPLY (self), FALSE);

  if (self->status != TERN_POP3_REPLY_STATUS_OK || self->text == NULL)
    {
      g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_PARSE,
                   _("The POP3 server did not answer STAT with a drop listing"));
      return FALSE;
    }

  p = self->text;
  end = p + strlen (p);
  if (!parse_two_numbers (&p, end, &n, &octets))
    {
      set_parse_error (error, self->text, strlen (self->text),
                       _("The POP3 server answered STAT with an invalid drop listing"));
      return FALSE;
    }

  if (count != NULL)
    *count = n;
  if (size != NULL)
    *size = octets;
  return TRUE;
}

/**
 * tern_pop3_parse_scan_listing:
 *
 * Parses "msg size" from a LIST reply (a data line, or the text of "+OK msg size").
 * RFC 1939 allows more information after the size; it is ignored.
 */
gboolean
tern_pop3_parse_scan_listing (const char  *line,
                              gsize        length,
                              guint       *msgno,
                              guint64     *size,
                              GError     **error)
{
  const char *p = line;
  const char *end = line + length;
  guint64 n = 0;
  guint64 octets = 0;

  if (!parse_two_numbers (&p, end, &n, &octets) || n == 0)
    {
      set_parse_error (error, line, length, _("The POP3 server sent an invalid scan listing"));
      return FALSE;
    }

  if (msgno != NULL)
    *msgno = n;
  if (size != NULL)
    *size = octets;
  return TRUE;
}

/**
 * tern_pop3_parse_uid_listing:
 * @uid: (out) (optional) (transfer full): the unique-id
 *
 * Parses "msg unique-id" from a UIDL reply. RFC 1939: the unique-id is 1 to 70
 * characters in the range 0x21 to 0x7E.
 */
gboolean
tern_pop3_parse_uid_listing (const char  *line,
                             gsize        length,
                             guint       *msgno,
                             char       **uid,
                             GError     **error)
{
  const char *p = line;
  const char *end = line + length;
  const char *uid_start;
  guint64 n = 0;

  if (!parse_number (&p, end, G_MAXUINT, &n) || n == 0 || p >= end || (*p != ' ' && *p != '\t'))
    goto invalid;

  uid_start = p = skip_spaces (p, end);
  while (p < end && (guchar) *p >= 0x21 && (guchar) *p <= 0x7e)
    p++;
  if (p == uid_start || p - uid_start > TERN_POP3_MAX_UID_LENGTH)
    goto invalid;
  if (skip_spaces (p, end) != end)
    goto invalid;

  if (msgno != NULL)
    *msgno = n;
  if (uid != NULL)
    *uid = g_strndup (uid_start, p - uid_start);
  return TRUE;

invalid:
  set_parse_error (error, line, length, _("The POP3 server sent an invalid unique-id listing"));
  return FALSE;
}

static void
tern_pop3_reply_finalize (GObject *object)
{
  TernPop3Reply *self = TERN_POP3_REPLY (object);

  g_clear_pointer (&self->response_code, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->raw_text, g_free);

  G_OBJECT_CLASS (tern_pop3_reply_parent_class)->finalize (object);
}

static void
tern_pop3_reply_class_init (TernPop3ReplyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_pop3_reply_finalize;
}

static void
tern_pop3_reply_init (TernPop3Reply *self)
{
}
