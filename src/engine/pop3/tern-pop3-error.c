/* tern-pop3-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-pop3-error.h"

/* A POP3 error carries the server's RFC 2449 response code and text, so that callers
 * can act on them (retry after [LOGIN-DELAY], say) without parsing the message. */
typedef struct
{
  char *response_code;
  char *text;
} TernPop3ErrorPrivate;

static void
tern_pop3_error_private_init (TernPop3ErrorPrivate *priv)
{
}

static void
tern_pop3_error_private_copy (const TernPop3ErrorPrivate *src,
                              TernPop3ErrorPrivate       *dest)
{
  dest->response_code = g_strdup (src->response_code);
  dest->text = g_strdup (src->text);
}

static void
tern_pop3_error_private_clear (TernPop3ErrorPrivate *priv)
{
  g_clear_pointer (&priv->response_code, g_free);
  g_clear_pointer (&priv->text, g_free);
}

/* The macro casts the error's private area back from bytes; GLib allocates it aligned. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (TernPop3Error, tern_pop3_error)
#pragma GCC diagnostic pop

void
tern_pop3_error_set_server_reply (GError     *error,
                                  const char *response_code,
                                  const char *text)
{
  TernPop3ErrorPrivate *priv = tern_pop3_error_get_private (error);

  g_return_if_fail (priv != NULL);

  g_free (priv->response_code);
  priv->response_code = g_strdup (response_code);
  g_free (priv->text);
  priv->text = g_strdup (text);
}

/**
 * tern_pop3_error_get_response_code:
 *
 * Returns: (nullable): the RFC 2449 response code of the server's -ERR ("IN-USE",
 *   "SYS/TEMP", ...), or %NULL
 */
const char *
tern_pop3_error_get_response_code (const GError *error)
{
  TernPop3ErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_POP3_ERROR)
    return NULL;
  priv = tern_pop3_error_get_private (error);

  return priv ? priv->response_code : NULL;
}

/**
 * tern_pop3_error_get_server_text:
 *
 * Returns: (nullable): the server's text, as it sent it (not necessarily UTF-8)
 */
const char *
tern_pop3_error_get_server_text (const GError *error)
{
  TernPop3ErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_POP3_ERROR)
    return NULL;
  priv = tern_pop3_error_get_private (error);

  return priv ? priv->text : NULL;
}

/**
 * tern_pop3_sanitize_text:
 *
 * Server text is neither trusted to be UTF-8 nor printable: this makes it fit for an
 * error message (valid UTF-8, control characters replaced, at most 300 bytes).
 *
 * Returns: (transfer full): the cleaned text
 */
char *
tern_pop3_sanitize_text (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (out->len >= 300)
        {
          g_string_append (out, "…");
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}
