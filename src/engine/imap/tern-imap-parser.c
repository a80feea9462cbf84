/* tern-imap-parser.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-imap-error.h"
#include "tern-imap-parser.h"
#include "tern-imap-response-private.h"

/*
 * TernImapParser turns server responses (RFC 3501 and RFC 9051 section 7) into trees of
 * TernImapValue. It is a state machine over lines: a literal can only end a line, so a
 * response is a line, or a line ending in a literal announcement, the literal's bytes,
 * and another line, and so on. The state between lines is the stack of open lists.
 *
 * Two ways to drive it:
 *   - line by line (TernImapSession): feed_line(); on NEED_LITERAL the caller reads the
 *     literal straight into the buffer begin_literal() gives (a message body gets its
 *     own buffer, which becomes a GBytes without a copy), then calls end_literal();
 *   - by chunks cut anywhere (tests, the fuzzer): feed() splits lines and literals.
 *
 * Memory is bounded: a literal announcement above the limit is refused before
 * anything is allocated (max_literal for ordinary data, max_body for message sections
 * of a FETCH), a response's values may not outgrow max_response, lists nest at most
 * TERN_IMAP_PARSER_MAX_DEPTH deep, and feed() refuses lines longer than max_line.
 *
 * The lexer is lenient where real servers are sloppy (lower-case names, missing
 * spaces between lists, 8-bit bytes in atoms, odd response codes) and strict where
 * sloppiness would desynchronize the stream (literal syntax, unbalanced lists, control
 * characters).
 */

typedef enum
{
  STATE_START,      /* expecting the first line of a response */
  STATE_CONTINUE,   /* expecting the line after a literal */
  STATE_LITERAL,    /* expecting a literal's bytes */
  STATE_COMPLETE,   /* a response waits to be stolen */
  STATE_FAILED,
} State;

struct _TernImapParser
{
  GObject            parent_instance;

  gsize              max_literal;
  gsize              max_body;
  gsize              max_response;
  gsize              max_line;

  State              state;
  TernImapResponse  *response;     /* the response being built */
  TernImapResponse  *spare;        /* the last one handed out, reused when it comes back */

  TernImapValue     *stack[TERN_IMAP_PARSER_MAX_DEPTH + 1];
  TernImapValue     *tail[TERN_IMAP_PARSER_MAX_DEPTH + 1];
  guint              depth;

  TernImapValue     *literal;
  gsize              literal_size;
  gboolean           literal_body;
  guint8            *literal_buffer;
  gboolean           literal_buffer_owned;  /* g_malloc'ed (body) rather than arena */

  /* feed() */
  GByteArray        *input;
  gsize              scanned;
  gsize              literal_filled;
};

G_DEFINE_FINAL_TYPE (TernImapParser, tern_imap_parser, G_TYPE_OBJECT)

TernImapParser *
tern_imap_parser_new (void)
{
  return g_object_new (TERN_IMAP_TYPE_PARSER, NULL);
}

/**
 * tern_imap_parser_set_limits:
 * @max_literal: the largest literal accepted outside message sections
 * @max_body_literal: the largest message section (`BODY[...]`, `BINARY[...]`, `RFC822*`)
 *   of a FETCH response (at most 4 GiB - 1)
 * @max_response: the most memory the values of one response may take, message
 *   sections aside
 */
void
tern_imap_parser_set_limits (TernImapParser *self,
                             gsize           max_literal,
                             gsize           max_body_literal,
                             gsize           max_response)
{
  g_return_if_fail (TERN_IMAP_IS_PARSER (self));

  self->max_literal = max_literal;
  self->max_body = MIN (max_body_literal, (gsize) G_MAXUINT32 - 1);
  self->max_response = max_response;
}

/**
 * tern_imap_parser_set_max_line_length:
 *
 * The longest line tern_imap_parser_feed() accepts (the session's connection has its
 * own limit).
 */
void
tern_imap_parser_set_max_line_length (TernImapParser *self,
                                      gsize           max_line)
{
  g_return_if_fail (TERN_IMAP_IS_PARSER (self));

  self->max_line = max_line;
}

static void
drop_literal_buffer (TernImapParser *self)
{
  if (self->literal_buffer_owned)
    g_free (self->literal_buffer);
  self->literal_buffer = NULL;
  self->literal_buffer_owned = FALSE;
}

/**
 * tern_imap_parser_reset:
 *
 * Forgets any partial response and buffered input (after an error, or when the
 * connection is replaced).
 */
void
tern_imap_parser_reset (TernImapParser *self)
{
  g_return_if_fail (TERN_IMAP_IS_PARSER (self));

  drop_literal_buffer (self);
  g_clear_pointer (&self->response, tern_imap_response_unref);
  self->state = STATE_START;
  self->depth = 0;
  self->literal = NULL;
  self->literal_size = 0;
  self->literal_body = FALSE;
  self->scanned = 0;
  self->literal_filled = 0;
  if (self->input != NULL)
    g_byte_array_set_size (self->input, 0);
}

static TernImapParserResult
fail (TernImapParser  *self,
      GError         **error,
      int              code,
      const char      *format,
      ...) G_GNUC_PRINTF (4, 5);

static TernImapParserResult
fail (TernImapParser  *self,
      GError         **error,
      int              code,
      const char      *format,
      ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL && *error == NULL)
    *error = g_error_new_valist (TERN_IMAP_ERROR, code, format, args);
  va_end (args);

  drop_literal_buffer (self);
  self->state = STATE_FAILED;
  return TERN_IMAP_PARSER_ERROR;
}

/* An excerpt of the line around @p for error messages: printable, valid UTF-8. */
static char *
excerpt (const char *line,
         const char *end,
         const char *p)
{
  const char *from = p - line > 30 ? p - 30 : line;
  const char *to = end - p > 30 ? p + 30 : end;
  GString *out = g_string_new (NULL);

  for (const char *q = from; q < to; q++)
    {
      guchar c = *q;

      if (c < 0x20 || c >= 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  return g_string_free (out, FALSE);
}

#define PARSE_ERROR(what) \
  G_STMT_START { \
    g_autofree char *_context = excerpt (line, end, p); \
    return fail (self, error, TERN_IMAP_ERROR_PARSE, \
                 _("The server sent a malformed response (%s) near “%s”"), (what), _context); \
  } G_STMT_END

static gboolean
check_budget (TernImapParser  *self,
              gsize            more,
              GError         **error)
{
  if (self->response->arena_size + more <= self->max_response)
    return TRUE;

  fail (self, error, TERN_IMAP_ERROR_TOO_LARGE,
        _("The server sent a response larger than %" G_GSIZE_FORMAT " bytes"), self->max_response);
  return FALSE;
}

static TernImapResponse *
take_response (TernImapParser *self)
{
  TernImapResponse *response;

  if (self->spare != NULL && g_atomic_ref_count_compare (&self->spare->ref_count, 1))
    {
      response = g_steal_pointer (&self->spare);
      _tern_imap_response_reset (response);
      return response;
    }

  g_clear_pointer (&self->spare, tern_imap_response_unref);
  return _tern_imap_response_new ();
}

static void
append_value (TernImapParser *self,
              TernImapValue  *value)
{
  TernImapValue *list = self->stack[self->depth - 1];
  TernImapValue *tail = self->tail[self->depth - 1];

  if (tail == NULL)
    list->children = value;
  else
    tail->next = value;
  self->tail[self->depth - 1] = value;
  list->length++;
}

/* ---- lexing --------------------------------------------------------------------- */

static inline gboolean
is_atom_end (guchar c)
{
  return c == ' ' || c == '(' || c == ')';
}

/* Scans an atom from @p. In a response code, "]" ends it; elsewhere "[...]" is part of
 * it, spaces and parentheses included (BODY[HEADER.FIELDS (FROM TO)]<0>).
 * Returns the end, or NULL at a control character or an unclosed bracket. */
static const char *
scan_atom (const char *p,
           const char *end,
           gboolean    in_code)
{
  while (p < end)
    {
      guchar c = *p;

      if (is_atom_end (c))
        break;
      if (c < 0x20 || c == 0x7f)
        return NULL;
      if (in_code && c == ']')
        break;
      if (!in_code && c == '[')
        {
          int nesting = 1;

          p++;
          while (p < end && nesting > 0)
            {
              c = *p++;
              if (c == '[')
                nesting++;
              else if (c == ']')
                nesting--;
              else if (c < 0x20 || c == 0x7f)
                return NULL;
            }
          if (nesting > 0)
            return NULL;
          continue;
        }
      p++;
    }
  return p;
}

static TernImapValue *
make_atom (TernImapParser *self,
           const char     *start,
           gsize           length)
{
  TernImapValue *value;
  gboolean digits = length > 0 && length <= 19;

  for (gsize i = 0; digits && i < length; i++)
    digits = g_ascii_isdigit (start[i]);

  if (digits)
    {
      guint64 n = 0;

      for (gsize i = 0; i < length; i++)
        n = n * 10 + (start[i] - '0');
      value = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_NUMBER);
      value->number = n;
    }
  else if (length == 3 && g_ascii_strncasecmp (start, "NIL", 3) == 0)
    value = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_NIL);
  else
    value = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_ATOM);

  value->data = _tern_imap_response_strdup (self->response, start, length);
  value->length = length;
  return value;
}

/* Scans a quoted string at @p (the opening quote). Returns the position after the
 * closing quote, or NULL when it is not a valid quoted string. */
static const char *
scan_quoted (TernImapParser  *self,
             const char      *p,
             const char      *end,
             TernImapValue  **out)
{
  const char *start = ++p;
  gsize escapes = 0;
  TernImapValue *value;
  char *copy;
  gsize length;

  while (p < end && *p != '"')
    {
      guchar c = *p;

      if (c == '\\')
        {
          p++;
          escapes++;
          if (p >= end)
            return NULL;
          c = *p;
        }
      if (c == '\0' || c == '\r' || c == '\n')
        return NULL;
      p++;
    }
  if (p >= end)
    return NULL;

  length = (p - start) - escapes;
  value = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_STRING);
  copy = _tern_imap_response_alloc (self->response, length + 1);
  if (escapes == 0)
    memcpy (copy, start, length);
  else
    {
      gsize j = 0;

      for (const char *q = start; q < p; q++)
        {
          if (*q == '\\')
            q++;
          copy[j++] = *q;
        }
    }
  copy[length] = '\0';
  value->data = copy;
  value->length = length;
  *out = value;
  return p + 1;
}

/* A FETCH item whose value is message data goes into its own buffer, with the larger
 * limit. */
static gboolean
is_body_item (const TernImapValue *key)
{
  if (key == NULL || key->kind != TERN_IMAP_VALUE_ATOM)
    return FALSE;
  return g_ascii_strncasecmp (key->data, "BODY[", 5) == 0 ||
         g_ascii_strncasecmp (key->data, "BINARY[", 7) == 0 ||
         g_ascii_strncasecmp (key->data, "RFC822", 6) == 0;
}

/* ---- values: the data of untagged responses, across lines ------------------------ */

static TernImapParserResult
parse_values (TernImapParser  *self,
              const char      *line,
              const char      *p,
              const char      *end,
              GError         **error)
{
  for (;;)
    {
      guchar c;

      while (p < end && *p == ' ')
        p++;

      if (!check_budget (self, (end - p) + 2 * sizeof (TernImapValue), error))
        return TERN_IMAP_PARSER_ERROR;

      if (p == end)
        {
          if (self->depth > 1)
            PARSE_ERROR (_("a list is not closed"));
          self->state = STATE_COMPLETE;
          return TERN_IMAP_PARSER_COMPLETE;
        }

      c = *p;
      if (c == '(')
        {
          TernImapValue *list;

          if (self->depth > TERN_IMAP_PARSER_MAX_DEPTH)
            PARSE_ERROR (_("lists are nested too deep"));
          list = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_LIST);
          append_value (self, list);
          self->stack[self->depth] = list;
          self->tail[self->depth] = NULL;
          self->depth++;
          p++;
        }
      else if (c == ')')
        {
          if (self->depth <= 1)
            PARSE_ERROR (_("a list is closed that was not opened"));
          self->depth--;
          p++;
        }
      else if (c == '"')
        {
          TernImapValue *value = NULL;
          const char *next = scan_quoted (self, p, end, &value);

          if (next == NULL)
            PARSE_ERROR (_("a quoted string is not valid"));
          append_value (self, value);
          p = next;
        }
      else if (c == '{' || (c == '~' && p + 1 < end && p[1] == '{'))
        {
          const char *q = p + (c == '~' ? 2 : 1);
          guint64 size = 0;
          int n_digits = 0;
          TernImapValue *key = self->tail[self->depth - 1];
          gboolean body;

          while (q < end && g_ascii_isdigit (*q))
            {
              if (n_digits++ >= 19)
                PARSE_ERROR (_("a literal's size is not a number"));
              size = size * 10 + (*q++ - '0');
            }
          if (n_digits == 0)
            PARSE_ERROR (_("a literal's size is not a number"));
          if (q < end && (*q == '+' || *q == '-'))
            q++;
          if (q >= end || *q != '}')
            PARSE_ERROR (_("a literal's size is not closed with “}”"));
          if (q + 1 != end)
            PARSE_ERROR (_("a literal does not end its line"));

          /* The value of a message section of a FETCH is at depth 2 (the root, the
           * FETCH's list), and follows its key. */
          body = self->depth == 2 && g_str_equal (self->response->name, "FETCH") &&
                 (self->stack[1]->length % 2) == 1 && is_body_item (key);

          if (size > (body ? self->max_body : self->max_literal))
            {
              fail (self, error, TERN_IMAP_ERROR_TOO_LARGE,
                    _("The server announced a literal of %" G_GUINT64_FORMAT " bytes, more than the "
                      "limit of %" G_GSIZE_FORMAT " bytes"),
                    size, body ? self->max_body : self->max_literal);
              return TERN_IMAP_PARSER_ERROR;
            }
          if (!body && !check_budget (self, size + 1, error))
            return TERN_IMAP_PARSER_ERROR;

          self->literal = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_LITERAL);
          self->literal->data = "";
          append_value (self, self->literal);
          self->literal_size = size;
          self->literal_body = body;
          self->state = STATE_LITERAL;
          return TERN_IMAP_PARSER_NEED_LITERAL;
        }
      else
        {
          const char *next = scan_atom (p, end, FALSE);

          if (next == NULL)
            PARSE_ERROR (_("an atom holds a control character"));
          if (next == p)
            PARSE_ERROR (_("unexpected character"));
          append_value (self, make_atom (self, p, next - p));
          p = next;
        }
    }
}

/* ---- response codes: [NAME args] ------------------------------------------------- */

/* Parses "[...]" at @p; returns the position after "]" or NULL when the code cannot be
 * tokenized (then the caller takes everything as text). */
static const char *
parse_code (TernImapParser  *self,
            const char      *p,
            const char      *end,
            TernImapValue  **out)
{
  TernImapValue *stack[9];
  TernImapValue *tail[9];
  guint depth = 1;

  stack[0] = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_LIST);
  tail[0] = NULL;
  p++;

  for (;;)
    {
      TernImapValue *value = NULL;
      guchar c;

      while (p < end && *p == ' ')
        p++;
      if (p >= end)
        return NULL;

      c = *p;
      if (c == ']' && depth == 1)
        {
          p++;
          break;
        }
      if (c == '(')
        {
          if (depth >= G_N_ELEMENTS (stack))
            return NULL;
          value = _tern_imap_response_new_value (self->response, TERN_IMAP_VALUE_LIST);
          p++;
        }
      else if (c == ')')
        {
          if (depth <= 1)
            return NULL;
          depth--;
          p++;
          continue;
        }
      else if (c == '"')
        {
          p = scan_quoted (self, p, end, &value);
          if (p == NULL)
            return NULL;
        }
      else
        {
          const char *next = scan_atom (p, end, TRUE);

          if (next == NULL || next == p)
            return NULL;
          value = make_atom (self, p, next - p);
          p = next;
        }

      if (tail[depth - 1] == NULL)
        stack[depth - 1]->children = value;
      else
        tail[depth - 1]->next = value;
      tail[depth - 1] = value;
      stack[depth - 1]->length++;

      if (value->kind == TERN_IMAP_VALUE_LIST)
        {
          stack[depth] = value;
          tail[depth] = NULL;
          depth++;
        }
    }

  /* The code's name is an atom, in upper case. */
  if (stack[0]->children == NULL || stack[0]->children->kind != TERN_IMAP_VALUE_ATOM)
    return NULL;
  for (char *c = (char *) stack[0]->children->data; *c != '\0'; c++)
    *c = g_ascii_toupper (*c);
  *out = stack[0];
  return p;
}

/* resp-text = ["[" resp-text-code "]" SP] text */
static void
parse_resp_text (TernImapParser *self,
                 const char     *p,
                 const char     *end)
{
  if (p < end && *p == ' ')
    p++;

  if (p < end && *p == '[')
    {
      TernImapValue *code = NULL;
      const char *next = parse_code (self, p, end, &code);

      if (next != NULL)
        {
          self->response->code = code;
          p = next;
          if (p < end && *p == ' ')
            p++;
        }
    }

  self->response->text = _tern_imap_response_strdup (self->response, p, end - p);
}

static TernImapStatus
status_from_name (const char *name)
{
  static const struct { const char *name; TernImapStatus status; } statuses[] = {
    { "OK", TERN_IMAP_STATUS_OK },
    { "NO", TERN_IMAP_STATUS_NO },
    { "BAD", TERN_IMAP_STATUS_BAD },
    { "BYE", TERN_IMAP_STATUS_BYE },
    { "PREAUTH", TERN_IMAP_STATUS_PREAUTH },
  };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      if (strcmp (name, statuses[i].name) == 0)
        return statuses[i].status;
    }
  return TERN_IMAP_STATUS_NONE;
}

static const char *
upper_name (TernImapParser *self,
            const char     *start,
            gsize           length)
{
  char *name = (char *) _tern_imap_response_strdup (self->response, start, length);

  for (gsize i = 0; i < length; i++)
    name[i] = g_ascii_toupper (name[i]);
  return name;
}

static TernImapParserResult
parse_first_line (TernImapParser  *self,
                  const char      *line,
                  const char      *end,
                  GError         **error)
{
  TernImapResponse *response = self->response;
  const char *p = line;

  if (!check_budget (self, (end - p) + 4 * sizeof (TernImapValue), error))
    return TERN_IMAP_PARSER_ERROR;

  if (p < end && *p == '+')
    {
      p++;
      if (p < end && *p == ' ')
        p++;
      response->kind = TERN_IMAP_RESPONSE_CONTINUATION;
      response->text = _tern_imap_response_strdup (response, p, end - p);
      self->state = STATE_COMPLETE;
      return TERN_IMAP_PARSER_COMPLETE;
    }

  /* Exchange has been seen to send a response code alone, "[COPYUID 55 31 6]", for
   * "* OK [COPYUID ...]" (MailKit issue 115): read it as that. */
  if (p < end && *p == '[')
    {
      response->kind = TERN_IMAP_RESPONSE_UNTAGGED;
      response->name = "OK";
      response->status = TERN_IMAP_STATUS_OK;
      parse_resp_text (self, p, end);
      self->state = STATE_COMPLETE;
      return TERN_IMAP_PARSER_COMPLETE;
    }

  if (p < end && *p == '*')
    {
      const char *name;
      const char *next;

      p++;
      if (p >= end || *p != ' ')
        PARSE_ERROR (_("no space after “*”"));
      p++;
      response->kind = TERN_IMAP_RESPONSE_UNTAGGED;

      next = scan_atom (p, end, TRUE);
      if (next == NULL || next == p)
        PARSE_ERROR (_("an untagged response has no name"));

      if (g_ascii_isdigit (*p))
        {
          guint64 n = 0;

          for (const char *q = p; q < next; q++)
            {
              if (!g_ascii_isdigit (*q) || (n = n * 10 + (*q - '0')) > G_MAXUINT32)
                PARSE_ERROR (_("a message number is not valid"));
            }
          response->number = (guint32) n;
          response->has_number = TRUE;
          p = next;
          if (p >= end || *p != ' ')
            PARSE_ERROR (_("a message number is not followed by a name"));
          p++;
          next = scan_atom (p, end, TRUE);
          if (next == NULL || next == p)
            PARSE_ERROR (_("a message number is not followed by a name"));
        }

      name = upper_name (self, p, next - p);
      response->name = name;
      p = next;

      response->status = response->has_number ? TERN_IMAP_STATUS_NONE : status_from_name (name);
      if (response->status != TERN_IMAP_STATUS_NONE)
        {
          parse_resp_text (self, p, end);
          self->state = STATE_COMPLETE;
          return TERN_IMAP_PARSER_COMPLETE;
        }

      if (p < end && *p != ' ' && *p != '(')
        PARSE_ERROR (_("unexpected character after the response's name"));

      self->stack[0] = &response->data;
      self->tail[0] = NULL;
      self->depth = 1;
      return parse_values (self, line, p, end, error);
    }

  /* tag SP ("OK" / "NO" / "BAD") SP resp-text */
  {
    const char *tag_end = p;
    const char *name_end;

    while (tag_end < end && *tag_end != ' ')
      {
        guchar c = *tag_end;

        if (c <= 0x20 || c >= 0x7f || strchr ("(){%*\"\\+", c) != NULL)
          PARSE_ERROR (_("a tag holds a character tags cannot hold"));
        tag_end++;
      }
    if (tag_end == p || tag_end >= end)
      PARSE_ERROR (_("a line is neither tagged, untagged nor a continuation"));

    response->kind = TERN_IMAP_RESPONSE_TAGGED;
    response->tag = _tern_imap_response_strdup (response, p, tag_end - p);
    p = tag_end + 1;

    name_end = scan_atom (p, end, TRUE);
    if (name_end == NULL || name_end == p)
      PARSE_ERROR (_("a tagged response has no status"));
    response->name = upper_name (self, p, name_end - p);
    response->status = status_from_name (response->name);
    if (response->status != TERN_IMAP_STATUS_OK && response->status != TERN_IMAP_STATUS_NO &&
        response->status != TERN_IMAP_STATUS_BAD)
      PARSE_ERROR (_("a tagged response's status is not OK, NO or BAD"));

    parse_resp_text (self, name_end, end);
    self->state = STATE_COMPLETE;
    return TERN_IMAP_PARSER_COMPLETE;
  }
}

/**
 * tern_imap_parser_feed_line:
 * @line: one line, without its CRLF; it need not be NUL-terminated
 *
 * Parses the first line of a response, or the line after a literal.
 */
TernImapParserResult
tern_imap_parser_feed_line (TernImapParser  *self,
                            const char      *line,
                            gsize            length,
                            GError         **error)
{
  g_return_val_if_fail (TERN_IMAP_IS_PARSER (self), TERN_IMAP_PARSER_ERROR);
  g_return_val_if_fail (line != NULL || length == 0, TERN_IMAP_PARSER_ERROR);

  switch (self->state)
    {
    case STATE_COMPLETE:
      /* The caller did not steal the last response: drop it. */
      g_clear_pointer (&self->response, tern_imap_response_unref);
      self->state = STATE_START;
      G_GNUC_FALLTHROUGH;
    case STATE_START:
      g_assert (self->response == NULL);
      self->response = take_response (self);
      self->depth = 0;
      return parse_first_line (self, line, line + length, error);

    case STATE_CONTINUE:
      return parse_values (self, line, line, line + length, error);

    case STATE_LITERAL:
      g_critical ("%s: a literal was expected, not a line", G_STRFUNC);
      return fail (self, error, TERN_IMAP_ERROR_PROTOCOL, _("Internal error: a literal was expected"));

    case STATE_FAILED:
    default:
      return fail (self, error, TERN_IMAP_ERROR_PARSE, _("The response parser failed earlier"));
    }
}

/**
 * tern_imap_parser_get_literal_size:
 *
 * Returns: the size of the literal announced (after %TERN_IMAP_PARSER_NEED_LITERAL)
 */
gsize
tern_imap_parser_get_literal_size (TernImapParser *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_PARSER (self), 0);

  return self->literal_size;
}

/**
 * tern_imap_parser_literal_is_body:
 *
 * Returns: whether the literal announced is message data of a FETCH (`BODY[...]`,
 *   `BINARY[...]`, `RFC822*`), which gets its own buffer
 */
gboolean
tern_imap_parser_literal_is_body (TernImapParser *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_PARSER (self), FALSE);

  return self->literal_body;
}

/**
 * tern_imap_parser_begin_literal:
 *
 * Returns: (transfer none) (nullable): where the literal's tern_imap_parser_get_literal_size()
 *   bytes go; %NULL with %TERN_IMAP_ERROR_TOO_LARGE when the memory is not available
 */
guint8 *
tern_imap_parser_begin_literal (TernImapParser  *self,
                                GError         **error)
{
  g_return_val_if_fail (TERN_IMAP_IS_PARSER (self), NULL);
  g_return_val_if_fail (self->state == STATE_LITERAL, NULL);
  g_return_val_if_fail (self->literal_buffer == NULL, NULL);

  if (self->literal_body)
    {
      self->literal_buffer = g_try_malloc (self->literal_size + 1);
      if (self->literal_buffer == NULL)
        {
          fail (self, error, TERN_IMAP_ERROR_TOO_LARGE,
                _("Not enough memory for a message of %" G_GSIZE_FORMAT " bytes"), self->literal_size);
          return NULL;
        }
      self->literal_buffer_owned = TRUE;
    }
  else
    {
      self->literal_buffer = _tern_imap_response_alloc (self->response, self->literal_size + 1);
      self->literal_buffer_owned = FALSE;
    }

  return self->literal_buffer;
}

/**
 * tern_imap_parser_end_literal:
 *
 * The buffer from tern_imap_parser_begin_literal() is full; the parser now expects the
 * rest of the line.
 */
void
tern_imap_parser_end_literal (TernImapParser *self)
{
  TernImapValue *value;

  g_return_if_fail (TERN_IMAP_IS_PARSER (self));
  g_return_if_fail (self->state == STATE_LITERAL && self->literal_buffer != NULL);

  value = self->literal;
  self->literal_buffer[self->literal_size] = '\0';
  value->data = (const char *) self->literal_buffer;
  value->length = self->literal_size;
  if (self->literal_buffer_owned)
    {
      /* The NUL after the data stays in the buffer, outside the GBytes. */
      value->bytes = g_bytes_new_take (self->literal_buffer, self->literal_size);
      _tern_imap_response_own_bytes (self->response, value->bytes);
    }

  self->literal_buffer = NULL;
  self->literal_buffer_owned = FALSE;
  self->literal = NULL;
  self->state = STATE_CONTINUE;
}

/**
 * tern_imap_parser_steal_response:
 *
 * Returns: (transfer full) (nullable): the response completed by the last call, or
 *   %NULL when none is complete
 */
TernImapResponse *
tern_imap_parser_steal_response (TernImapParser *self)
{
  TernImapResponse *response;

  g_return_val_if_fail (TERN_IMAP_IS_PARSER (self), NULL);

  if (self->state != STATE_COMPLETE)
    return NULL;

  response = g_steal_pointer (&self->response);
  self->state = STATE_START;
  self->depth = 0;

  /* Keep a reference: when the caller drops its own, the next response reuses this
   * one's memory. */
  g_clear_pointer (&self->spare, tern_imap_response_unref);
  self->spare = tern_imap_response_ref (response);
  return response;
}

/**
 * tern_imap_parser_feed:
 * @func: (scope call): called for every complete response
 *
 * Parses bytes that may be cut anywhere: within a line, a literal, a CRLF. Lines end
 * with CRLF (or a bare LF).
 *
 * Returns: %FALSE on a parse error, a broken limit, or when @func failed
 */
gboolean
tern_imap_parser_feed (TernImapParser      *self,
                       const void          *data,
                       gsize                length,
                       TernImapParserFunc   func,
                       gpointer             user_data,
                       GError             **error)
{
  gsize pos = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (TERN_IMAP_IS_PARSER (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (self->state == STATE_FAILED)
    {
      fail (self, error, TERN_IMAP_ERROR_PARSE, _("The response parser failed earlier"));
      return FALSE;
    }

  /* Nothing new: everything fed before was processed as far as it could be. (And an
   * input buffer that never held a byte has no data pointer to offset.) */
  if (length == 0)
    return TRUE;

  if (self->input == NULL)
    self->input = g_byte_array_new ();
  g_byte_array_append (self->input, data, length);

  while (ok)
    {
      const guint8 *start = self->input->data + pos;
      gsize avail = self->input->len - pos;

      if (self->state == STATE_LITERAL)
        {
          gsize n;

          if (self->literal_buffer == NULL && tern_imap_parser_begin_literal (self, error) == NULL)
            {
              ok = FALSE;
              break;
            }
          n = MIN (avail, self->literal_size - self->literal_filled);
          memcpy (self->literal_buffer + self->literal_filled, start, n);
          self->literal_filled += n;
          pos += n;
          if (self->literal_filled < self->literal_size)
            break;
          tern_imap_parser_end_literal (self);
          self->literal_filled = 0;
          continue;
        }

      {
        const guint8 *nl = avail > self->scanned ? memchr (start + self->scanned, '\n', avail - self->scanned)
                                                 : NULL;
        gsize line_length;
        TernImapParserResult result;

        if (nl == NULL)
          {
            self->scanned = avail;
            /* The line may still end with CR LF: allow for its CR. */
            if (avail > self->max_line + 1)
              {
                fail (self, error, TERN_IMAP_ERROR_TOO_LARGE,
                      _("The server sent a line longer than %" G_GSIZE_FORMAT " bytes"), self->max_line);
                ok = FALSE;
              }
            break;
          }

        line_length = nl - start;
        pos += line_length + 1;
        self->scanned = 0;
        if (line_length > 0 && start[line_length - 1] == '\r')
          line_length--;
        if (line_length > self->max_line)
          {
            fail (self, error, TERN_IMAP_ERROR_TOO_LARGE,
                  _("The server sent a line longer than %" G_GSIZE_FORMAT " bytes"), self->max_line);
            ok = FALSE;
            break;
          }

        result = tern_imap_parser_feed_line (self, (const char *) start, line_length, error);
        if (result == TERN_IMAP_PARSER_ERROR)
          ok = FALSE;
        else if (result == TERN_IMAP_PARSER_COMPLETE)
          {
            g_autoptr(TernImapResponse) response = tern_imap_parser_steal_response (self);

            if (func != NULL && !func (self, response, user_data, error))
              {
                self->state = STATE_FAILED;
                ok = FALSE;
              }
          }
        else
          self->literal_filled = 0;
      }
    }

  if (!ok)
    {
      g_byte_array_set_size (self->input, 0);
      self->scanned = 0;
      return FALSE;
    }

  g_byte_array_remove_range (self->input, 0, pos);
  return TRUE;
}

/**
 * tern_imap_parser_is_between_responses:
 *
 * Returns: whether the input fed so far ends exactly at the end of a response
 */
gboolean
tern_imap_parser_is_between_responses (TernImapParser *self)
{
  g_return_val_if_fail (TERN_IMAP_IS_PARSER (self), FALSE);

  return self->state == STATE_START && (self->input == NULL || self->input->len == 0);
}

static void
tern_imap_parser_finalize (GObject *object)
{
  TernImapParser *self = TERN_IMAP_PARSER (object);

  tern_imap_parser_reset (self);
  g_clear_pointer (&self->spare, tern_imap_response_unref);
  g_clear_pointer (&self->input, g_byte_array_unref);

  G_OBJECT_CLASS (tern_imap_parser_parent_class)->finalize (object);
}

static void
tern_imap_parser_class_init (TernImapParserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_imap_parser_finalize;
}

static void
tern_imap_parser_init (TernImapParser *self)
{
  self->max_literal = TERN_IMAP_PARSER_DEFAULT_MAX_LITERAL;
  self->max_body = TERN_IMAP_PARSER_DEFAULT_MAX_BODY;
  self->max_response = TERN_IMAP_PARSER_DEFAULT_MAX_RESPONSE;
  self->max_line = TERN_IMAP_PARSER_DEFAULT_MAX_LINE;
  self->state = STATE_START;
}
