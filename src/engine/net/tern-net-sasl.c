/* tern-net-sasl.c: SASL client messages (RFC 4616 PLAIN, XOAUTH2, RFC 7628
 * OAUTHBEARER) for the IMAP, POP3 and SMTP sessions, and wiping secrets
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gprintf.h>

#include "tern-net-sasl.h"

/**
 * tern_net_secret_free:
 * @secret: (nullable): a password, or a string made from one
 *
 * Overwrites @secret (explicit_bzero(), which the compiler may not drop), then
 * frees it.
 */
void
tern_net_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

/**
 * tern_net_secret_printf:
 *
 * Like g_strdup_printf() for a string that holds a secret: it is formatted straight
 * into one allocation of the right size, where g_strdup_printf() may grow its buffer
 * and leave parts of the secret in the memory it frees. Free it with
 * tern_net_secret_free().
 *
 * Returns: (transfer full): the formatted string
 */
char *
tern_net_secret_printf (const char *format,
                        ...)
{
  va_list args;
  gsize size;
  char *out;

  va_start (args, format);
  size = g_printf_string_upper_bound (format, args);
  va_end (args);

  out = g_malloc (size);
  va_start (args, format);
  g_vsnprintf (out, size, format, args);
  va_end (args);
  return out;
}

/**
 * tern_net_secret_wipe_string:
 * @string: (nullable): a GString that held a secret
 *
 * Overwrites all of @string's memory (what it holds and what it held before being
 * truncated), then frees it.
 */
void
tern_net_secret_wipe_string (GString *string)
{
  if (string == NULL)
    return;
  explicit_bzero (string->str, string->allocated_len);
  g_string_free (string, TRUE);
}

/**
 * tern_net_secret_string_reserve:
 * @string: (inout): a GString being built
 * @extra: how many more bytes will be appended
 * @holds_secret: whether *@string holds a secret already
 *
 * Makes room for @extra more bytes in *@string by hand (a new GString, the old one
 * wiped when it held a secret): a GString that grows by realloc() would leave a copy
 * of a password in the memory it frees.
 */
void
tern_net_secret_string_reserve (GString  **string,
                                gsize      extra,
                                gboolean   holds_secret)
{
  GString *old = *string;

  if (old->len + extra < old->allocated_len)
    return;
  *string = g_string_sized_new (MAX (old->len + extra, 2 * old->allocated_len));
  g_string_append_len (*string, old->str, old->len);
  if (holds_secret)
    tern_net_secret_wipe_string (old);
  else
    g_string_free (old, TRUE);
}

static char *
base64_of (const char *data,
           gsize       length)
{
  return g_base64_encode ((const guchar *) data, length);
}

/**
 * tern_net_sasl_plain:
 *
 * Returns: (transfer full): the base64 of "\0user\0password" (RFC 4616)
 */
char *
tern_net_sasl_plain (const char *username,
                      const char *password)
{
  gsize user_len = strlen (username), password_len = strlen (password);
  gsize length = 1 + user_len + 1 + password_len;
  g_autofree char *message = g_malloc (length);
  char *encoded;

  message[0] = '\0';
  memcpy (message + 1, username, user_len);
  message[1 + user_len] = '\0';
  memcpy (message + 2 + user_len, password, password_len);
  encoded = base64_of (message, length);
  explicit_bzero (message, length);
  return encoded;
}

/**
 * tern_net_sasl_xoauth2:
 *
 * Returns: (transfer full): the base64 of "user=U^Aauth=Bearer T^A^A"
 */
char *
tern_net_sasl_xoauth2 (const char *username,
                        const char *token)
{
  g_autoptr(TernNetSecret) message = tern_net_secret_printf ("user=%s\001auth=Bearer %s\001\001", username, token);

  return base64_of (message, strlen (message));
}

/**
 * tern_net_sasl_oauthbearer:
 *
 * Returns: (transfer full): the base64 of the RFC 7628 initial response:
 *   "n,a=U,^Ahost=H^Aport=P^Aauth=Bearer T^A^A"
 */
char *
tern_net_sasl_oauthbearer (const char *username,
                            const char *host,
                            guint16     port,
                            const char *token)
{
  g_autoptr(GString) authzid = g_string_new (NULL);
  g_autoptr(TernNetSecret) message = NULL;

  /* In the GS2 header, "," and "=" of the authorization identity are escaped. */
  for (const char *p = username; *p != '\0'; p++)
    {
      if (*p == ',')
        g_string_append (authzid, "=2C");
      else if (*p == '=')
        g_string_append (authzid, "=3D");
      else
        g_string_append_c (authzid, *p);
    }

  message = tern_net_secret_printf ("n,a=%s,\001host=%s\001port=%u\001auth=Bearer %s\001\001",
                                    authzid->str, host, port, token);
  return base64_of (message, strlen (message));
}

