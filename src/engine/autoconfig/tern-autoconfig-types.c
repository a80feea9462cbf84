/* tern-autoconfig-types.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "tern-autoconfig-error.h"
#include "tern-autoconfig-types.h"

const char *
tern_autoconfig_protocol_to_string (TernAutoconfigProtocol protocol)
{
  switch (protocol)
    {
    case TERN_AUTOCONFIG_PROTOCOL_IMAP:
      return "imap";
    case TERN_AUTOCONFIG_PROTOCOL_POP3:
      return "pop3";
    case TERN_AUTOCONFIG_PROTOCOL_SMTP:
      return "smtp";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
tern_autoconfig_protocol_from_string (const char             *str,
                                      TernAutoconfigProtocol *protocol)
{
  for (guint i = 0; str != NULL && i < TERN_AUTOCONFIG_N_PROTOCOLS; i++)
    {
      if (g_ascii_strcasecmp (str, tern_autoconfig_protocol_to_string (i)) == 0)
        {
          *protocol = i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
tern_autoconfig_source_to_string (TernAutoconfigSource source)
{
  switch (source)
    {
    case TERN_AUTOCONFIG_SOURCE_ISPDB:
      return "ispdb";
    case TERN_AUTOCONFIG_SOURCE_SRV:
      return "srv";
    case TERN_AUTOCONFIG_SOURCE_MX:
      return "mx";
    case TERN_AUTOCONFIG_SOURCE_GUESS:
      return "guess";
    default:
      g_return_val_if_reached (NULL);
    }
}

const char *
tern_autoconfig_step_outcome_to_string (TernAutoconfigStepOutcome outcome)
{
  switch (outcome)
    {
    case TERN_AUTOCONFIG_STEP_FOUND:
      return "found";
    case TERN_AUTOCONFIG_STEP_NOTHING:
      return "nothing";
    case TERN_AUTOCONFIG_STEP_FAILED:
      return "failed";
    case TERN_AUTOCONFIG_STEP_SKIPPED:
      return "skipped";
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The names are those of the compiled provider database (data/ispdb/README.md). */
static const struct
{
  TernAutoconfigAuth  flag;
  const char         *name;
} auth_names[] = {
  { TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT, "password-cleartext" },
  { TERN_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED, "password-encrypted" },
  { TERN_AUTOCONFIG_AUTH_OAUTH2, "oauth2" },
  { TERN_AUTOCONFIG_AUTH_NONE, "none" },
  { TERN_AUTOCONFIG_AUTH_GSSAPI, "gssapi" },
  { TERN_AUTOCONFIG_AUTH_NTLM, "ntlm" },
  { TERN_AUTOCONFIG_AUTH_CLIENT_IP_ADDRESS, "client-ip-address" },
  { TERN_AUTOCONFIG_AUTH_TLS_CLIENT_CERT, "tls-client-cert" },
  { TERN_AUTOCONFIG_AUTH_SMTP_AFTER_POP, "smtp-after-pop" },
};

/**
 * tern_autoconfig_auth_to_string:
 *
 * Returns: (transfer full): the names of the methods in @auth, separated by commas
 *   (an empty string for 0)
 */
char *
tern_autoconfig_auth_to_string (TernAutoconfigAuth auth)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (auth_names); i++)
    {
      if ((auth & auth_names[i].flag) == 0)
        continue;
      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, auth_names[i].name);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * tern_autoconfig_auth_from_string:
 * @name: one method name, as tern_autoconfig_auth_to_string() writes them
 *
 * Returns: its flag, or 0 for a name Tern does not know
 */
TernAutoconfigAuth
tern_autoconfig_auth_from_string (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (auth_names); i++)
    {
      if (g_ascii_strcasecmp (name, auth_names[i].name) == 0)
        return auth_names[i].flag;
    }

  return 0;
}

/**
 * tern_autoconfig_auth_from_mechanisms:
 * @mechanisms: (nullable): SASL mechanism names (RFC 4422), as a server lists them
 *
 * Returns: the login methods the mechanisms amount to
 */
TernAutoconfigAuth
tern_autoconfig_auth_from_mechanisms (const char * const *mechanisms)
{
  TernAutoconfigAuth auth = 0;

  for (guint i = 0; mechanisms != NULL && mechanisms[i] != NULL; i++)
    {
      const char *m = mechanisms[i];

      if (g_ascii_strcasecmp (m, "PLAIN") == 0 || g_ascii_strcasecmp (m, "LOGIN") == 0)
        auth |= TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT;
      else if (g_ascii_strcasecmp (m, "CRAM-MD5") == 0 || g_ascii_strcasecmp (m, "DIGEST-MD5") == 0 ||
               g_ascii_strncasecmp (m, "SCRAM-", 6) == 0)
        auth |= TERN_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED;
      else if (g_ascii_strcasecmp (m, "XOAUTH2") == 0 || g_ascii_strcasecmp (m, "OAUTHBEARER") == 0)
        auth |= TERN_AUTOCONFIG_AUTH_OAUTH2;
      else if (g_ascii_strcasecmp (m, "GSSAPI") == 0)
        auth |= TERN_AUTOCONFIG_AUTH_GSSAPI;
      else if (g_ascii_strcasecmp (m, "NTLM") == 0)
        auth |= TERN_AUTOCONFIG_AUTH_NTLM;
      else if (g_ascii_strcasecmp (m, "EXTERNAL") == 0)
        auth |= TERN_AUTOCONFIG_AUTH_TLS_CLIENT_CERT;
    }

  return auth;
}

static gboolean
is_domain_label (const char *label,
                 gsize       length)
{
  if (length == 0 || length > 63 || label[0] == '-' || label[length - 1] == '-')
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isalnum (label[i]) && label[i] != '-')
        return FALSE;
    }

  return TRUE;
}

/**
 * tern_autoconfig_split_address:
 * @address: an e-mail address, local-part@domain
 * @local_part: (out) (optional): the part before the last "@"
 * @domain: (out) (optional): the domain in lower case, in its ASCII (IDNA) form, without
 *   a final dot
 *
 * Returns: %FALSE with %TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS when @address is not an
 *   address Tern can look up
 */
gboolean
tern_autoconfig_split_address (const char  *address,
                               char       **local_part,
                               char       **domain,
                               GError     **error)
{
  g_autofree char *local = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *lower = NULL;
  const char *at;
  const char *p;

  g_return_val_if_fail (address != NULL, FALSE);

  at = strrchr (address, '@');
  if (!g_utf8_validate (address, -1, NULL) || at == NULL || at == address || at[1] == '\0')
    goto invalid;

  for (p = address; p < at; p++)
    {
      if ((guchar) *p <= 0x20 || *p == 0x7f)
        goto invalid;
    }

  local = g_strndup (address, at - address);
  ascii = g_hostname_to_ascii (at + 1);
  if (ascii == NULL)
    goto invalid;
  lower = g_ascii_strdown (ascii, -1);
  if (g_str_has_suffix (lower, "."))
    lower[strlen (lower) - 1] = '\0';
  if (lower[0] == '\0' || strlen (lower) > 253)
    goto invalid;

  for (const char *label = lower; ; )
    {
      const char *dot = strchr (label, '.');
      gsize length = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (!is_domain_label (label, length))
        goto invalid;
      if (dot == NULL)
        break;
      label = dot + 1;
    }

  if (local_part != NULL)
    *local_part = g_steal_pointer (&local);
  if (domain != NULL)
    *domain = g_steal_pointer (&lower);
  return TRUE;

invalid:
  g_set_error (error, TERN_AUTOCONFIG_ERROR, TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS,
               _("“%s” is not an e-mail address (name@example.com)"), address);
  return FALSE;
}
