/* tern-smtp-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-net-error.h"
#include "tern-smtp-error.h"

/* An SMTP error carries the server's reply: its code, its RFC 3463 enhanced status
 * code and its text, so that the outbox can tell a temporary failure from a permanent
 * one and the user can see what the server said. */
typedef struct
{
  guint  reply_code;
  char  *enhanced_code;
  char  *text;
} TernSmtpErrorPrivate;

static void
tern_smtp_error_private_init (TernSmtpErrorPrivate *priv)
{
}

static void
tern_smtp_error_private_copy (const TernSmtpErrorPrivate *src,
                              TernSmtpErrorPrivate       *dest)
{
  dest->reply_code = src->reply_code;
  dest->enhanced_code = g_strdup (src->enhanced_code);
  dest->text = g_strdup (src->text);
}

static void
tern_smtp_error_private_clear (TernSmtpErrorPrivate *priv)
{
  g_clear_pointer (&priv->enhanced_code, g_free);
  g_clear_pointer (&priv->text, g_free);
}

/* The macro casts the error's private area back from bytes; GLib allocates it aligned. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (TernSmtpError, tern_smtp_error)
#pragma GCC diagnostic pop

void
tern_smtp_error_set_server_reply (GError     *error,
                                  guint       reply_code,
                                  const char *enhanced_code,
                                  const char *text)
{
  TernSmtpErrorPrivate *priv = tern_smtp_error_get_private (error);

  g_return_if_fail (priv != NULL);

  priv->reply_code = reply_code;
  g_free (priv->enhanced_code);
  priv->enhanced_code = g_strdup (enhanced_code);
  g_free (priv->text);
  priv->text = g_strdup (text);
}

/**
 * tern_smtp_error_get_reply_code:
 *
 * Returns: the server's three-digit reply code, or 0 when the error did not come from a
 *   reply (a size checked before sending, say)
 */
guint
tern_smtp_error_get_reply_code (const GError *error)
{
  TernSmtpErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_SMTP_ERROR)
    return 0;
  priv = tern_smtp_error_get_private (error);

  return priv ? priv->reply_code : 0;
}

/**
 * tern_smtp_error_get_enhanced_code:
 *
 * Returns: (nullable): the RFC 3463 enhanced status code ("5.1.1"), or %NULL
 */
const char *
tern_smtp_error_get_enhanced_code (const GError *error)
{
  TernSmtpErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_SMTP_ERROR)
    return NULL;
  priv = tern_smtp_error_get_private (error);

  return priv ? priv->enhanced_code : NULL;
}

/**
 * tern_smtp_error_get_server_text:
 *
 * Returns: (nullable): the text of the server's reply, lines joined with "\n", as sent
 */
const char *
tern_smtp_error_get_server_text (const GError *error)
{
  TernSmtpErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_SMTP_ERROR)
    return NULL;
  priv = tern_smtp_error_get_private (error);

  return priv ? priv->text : NULL;
}

/**
 * tern_smtp_error_is_temporary:
 *
 * Returns: whether trying again later may succeed: a 4yz reply, a closing server
 *   (421), a network failure or a timeout; not a certificate or security failure
 */
gboolean
tern_smtp_error_is_temporary (const GError *error)
{
  guint code;

  g_return_val_if_fail (error != NULL, FALSE);

  if (error->domain == G_IO_ERROR)
    return error->code != G_IO_ERROR_CANCELLED && error->code != G_IO_ERROR_INVALID_ARGUMENT;
  if (error->domain == G_RESOLVER_ERROR)
    return error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE;
  if (error->domain == TERN_NET_ERROR)
    return error->code == TERN_NET_ERROR_CLOSED;
  if (error->domain != TERN_SMTP_ERROR)
    return FALSE;

  code = tern_smtp_error_get_reply_code (error);
  if (code != 0)
    return code / 100 == 4;

  return error->code == TERN_SMTP_ERROR_TEMPORARY || error->code == TERN_SMTP_ERROR_SERVICE_UNAVAILABLE;
}

/**
 * tern_smtp_sanitize_text:
 *
 * Server text is neither trusted to be UTF-8 nor printable: this makes it fit for an
 * error message (valid UTF-8, control characters replaced, at most 300 bytes).
 *
 * Returns: (transfer full): the cleaned text
 */
char *
tern_smtp_sanitize_text (const char *text)
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
