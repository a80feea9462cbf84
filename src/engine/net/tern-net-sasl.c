/* tern-net-sasl.c: SASL client messages (RFC 4616 PLAIN, XOAUTH2, RFC 7628
 * OAUTHBEARER) for the IMAP, POP3 and SMTP sessions, and wiping secrets
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

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
  g_autoptr(GString) message = g_string_new (NULL);
  char *encoded;

  g_string_append_c (message, '\0');
  g_string_append (message, username);
  g_string_append_c (message, '\0');
  g_string_append (message, password);
  encoded = base64_of (message->str, message->len);
  explicit_bzero (message->str, message->len);
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
  g_autofree char *message = g_strdup_printf ("user=%s\001auth=Bearer %s\001\001", username, token);
  char *encoded = base64_of (message, strlen (message));

  explicit_bzero (message, strlen (message));
  return encoded;
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
  g_autofree char *message = NULL;
  char *encoded;

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

  message = g_strdup_printf ("n,a=%s,\001host=%s\001port=%u\001auth=Bearer %s\001\001",
                             authzid->str, host, port, token);
  encoded = base64_of (message, strlen (message));
  explicit_bzero (message, strlen (message));
  return encoded;
}

