/* tern-imap-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-imap-error.h"

/* An IMAP error carries the response code and the server's text, so that callers can
 * act on them ([TRYCREATE] on APPEND, say) without parsing the message. */
typedef struct
{
  char *response_code;
  char *text;
} TernImapErrorPrivate;

static void
tern_imap_error_private_init (TernImapErrorPrivate *priv)
{
}

static void
tern_imap_error_private_copy (const TernImapErrorPrivate *src,
                              TernImapErrorPrivate       *dest)
{
  dest->response_code = g_strdup (src->response_code);
  dest->text = g_strdup (src->text);
}

static void
tern_imap_error_private_clear (TernImapErrorPrivate *priv)
{
  g_clear_pointer (&priv->response_code, g_free);
  g_clear_pointer (&priv->text, g_free);
}

/* GLib's macro casts a byte pointer to the aligned private struct; clang warns. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (TernImapError, tern_imap_error)
#pragma GCC diagnostic pop

/**
 * tern_imap_error_set_server_reply:
 * @response_code: (nullable): the response code's atom, such as "TRYCREATE"
 * @text: (nullable): the server's text
 */
void
tern_imap_error_set_server_reply (GError     *error,
                                  const char *response_code,
                                  const char *text)
{
  TernImapErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == TERN_IMAP_ERROR);

  priv = tern_imap_error_get_private (error);
  g_return_if_fail (priv != NULL);

  g_free (priv->response_code);
  priv->response_code = g_strdup (response_code);
  g_free (priv->text);
  priv->text = g_strdup (text);
}

/**
 * tern_imap_error_get_response_code:
 *
 * Returns: (nullable): the upper-case response code of the server's reply, such as
 *   "TRYCREATE", "ALREADYEXISTS" or "AUTHENTICATIONFAILED"
 */
const char *
tern_imap_error_get_response_code (const GError *error)
{
  TernImapErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_IMAP_ERROR)
    return NULL;
  priv = tern_imap_error_get_private (error);

  return priv != NULL ? priv->response_code : NULL;
}

/**
 * tern_imap_error_get_server_text:
 *
 * Returns: (nullable): the server's text (valid UTF-8)
 */
const char *
tern_imap_error_get_server_text (const GError *error)
{
  TernImapErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_IMAP_ERROR)
    return NULL;
  priv = tern_imap_error_get_private (error);

  return priv != NULL ? priv->text : NULL;
}

/**
 * tern_imap_sanitize_text:
 * @length: the length of @text, or -1 when it is NUL-terminated
 *
 * Makes server text fit for a message: valid UTF-8, no control characters, at most
 * 500 bytes.
 *
 * Returns: (transfer full): the cleaned text
 */
char *
tern_imap_sanitize_text (const char *text,
                         gssize      length)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (text == NULL)
    return g_strdup ("");
  if (length < 0)
    length = strlen (text);

  valid = g_utf8_make_valid (text, MIN ((gsize) length, 500));
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p++)
    g_string_append_c (out, ((guchar) *p < 0x20 || *p == 0x7f) ? ' ' : *p);

  /* Cutting at 500 bytes may have split a character: make_valid left U+FFFD there. */
  return g_string_free (out, FALSE);
}
