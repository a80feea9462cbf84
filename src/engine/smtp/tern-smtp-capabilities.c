/* tern-smtp-capabilities.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-smtp-capabilities.h"

/*
 * RFC 5321 section 4.1.1.1: the first line of a 250 reply to EHLO names the server;
 * each further line is "keyword *(SP param)". Keywords are case-insensitive. Lines that
 * are not keywords are skipped. A HELO session has no extensions at all.
 */

/* A bound on the AUTH list, so that a hostile reply cannot make the check quadratic. */
#define MAX_MECHANISMS 64

struct _TernSmtpCapabilities
{
  GObject            parent_instance;

  TernSmtpExtension  extensions;
  guint64            size_limit;
  char              *domain;
  GPtrArray         *keywords;     /* upper-case */
  GPtrArray         *mechanisms;   /* upper-case, NULL-terminated */
};

G_DEFINE_FINAL_TYPE (TernSmtpCapabilities, tern_smtp_capabilities, G_TYPE_OBJECT)

static const struct
{
  const char        *keyword;
  TernSmtpExtension  extension;
} known[] = {
  { "PIPELINING", TERN_SMTP_EXTENSION_PIPELINING },
  { "SIZE", TERN_SMTP_EXTENSION_SIZE },
  { "8BITMIME", TERN_SMTP_EXTENSION_8BITMIME },
  { "SMTPUTF8", TERN_SMTP_EXTENSION_SMTPUTF8 },
  { "STARTTLS", TERN_SMTP_EXTENSION_STARTTLS },
  { "AUTH", TERN_SMTP_EXTENSION_AUTH },
  { "ENHANCEDSTATUSCODES", TERN_SMTP_EXTENSION_ENHANCEDSTATUSCODES },
  { "DSN", TERN_SMTP_EXTENSION_DSN },
  { "CHUNKING", TERN_SMTP_EXTENSION_CHUNKING },
};

/**
 * tern_smtp_capabilities_new:
 *
 * Returns: (transfer full): capabilities with no extension (a HELO session)
 */
TernSmtpCapabilities *
tern_smtp_capabilities_new (void)
{
  return g_object_new (TERN_SMTP_TYPE_CAPABILITIES, NULL);
}

static gboolean
valid_keyword (const char *keyword)
{
  /* ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") */
  if (!g_ascii_isalnum (*keyword))
    return FALSE;
  for (const char *p = keyword; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '-')
        return FALSE;
    }
  return TRUE;
}

static void
add_mechanisms (TernSmtpCapabilities  *self,
                char                 **params)
{
  for (guint i = 0; params[i] != NULL; i++)
    {
      g_autofree char *mechanism = g_ascii_strup (params[i], -1);
      gboolean seen = FALSE;

      if (*mechanism == '\0')
        continue;
      if (self->mechanisms->len > MAX_MECHANISMS)
        return;
      for (guint j = 0; j + 1 < self->mechanisms->len; j++)
        seen |= g_str_equal (g_ptr_array_index (self->mechanisms, j), mechanism);
      if (!seen)
        g_ptr_array_insert (self->mechanisms, self->mechanisms->len - 1, g_steal_pointer (&mechanism));
    }
}

static void
add_line (TernSmtpCapabilities *self,
          const char           *line)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);
  g_autofree char *keyword = NULL;

  if (words[0] == NULL)
    return;

  /* Old servers announce "AUTH=LOGIN PLAIN" for clients of a draft of RFC 2554. */
  if (g_ascii_strncasecmp (words[0], "AUTH=", 5) == 0)
    {
      g_autofree char *first = g_strdup (words[0] + 5);
      char *shifted[] = { first, NULL };

      add_mechanisms (self, shifted);
      add_mechanisms (self, words + 1);
      return;
    }

  if (!valid_keyword (words[0]))
    return;
  keyword = g_ascii_strup (words[0], -1);

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      if (!g_str_equal (keyword, known[i].keyword))
        continue;

      self->extensions |= known[i].extension;
      if (known[i].extension == TERN_SMTP_EXTENSION_AUTH)
        add_mechanisms (self, words + 1);
      if (known[i].extension == TERN_SMTP_EXTENSION_SIZE && words[1] != NULL)
        {
          guint64 limit = 0;

          /* "SIZE" alone or "SIZE 0": no fixed limit */
          if (g_ascii_string_to_unsigned (words[1], 10, 0, G_MAXUINT64, &limit, NULL))
            self->size_limit = limit;
        }
    }

  for (guint i = 0; i < self->keywords->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->keywords, i), keyword))
        return;
    }
  g_ptr_array_add (self->keywords, g_steal_pointer (&keyword));
}

/**
 * tern_smtp_capabilities_new_from_reply:
 * @ehlo: a complete positive reply to EHLO
 *
 * Returns: (transfer full): the extensions @ehlo announces
 */
TernSmtpCapabilities *
tern_smtp_capabilities_new_from_reply (TernSmtpReply *ehlo)
{
  TernSmtpCapabilities *self;
  guint n;

  g_return_val_if_fail (TERN_SMTP_IS_REPLY (ehlo), NULL);

  self = tern_smtp_capabilities_new ();
  n = tern_smtp_reply_get_n_lines (ehlo);
  if (n == 0)
    return self;

  self->domain = g_strdup (tern_smtp_reply_get_line (ehlo, 0));
  for (guint i = 1; i < n; i++)
    add_line (self, tern_smtp_reply_get_line (ehlo, i));

  return self;
}

TernSmtpExtension
tern_smtp_capabilities_get_extensions (TernSmtpCapabilities *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_CAPABILITIES (self), 0);

  return self->extensions;
}

gboolean
tern_smtp_capabilities_has (TernSmtpCapabilities *self,
                            TernSmtpExtension     extension)
{
  g_return_val_if_fail (TERN_SMTP_IS_CAPABILITIES (self), FALSE);

  return (self->extensions & extension) == extension;
}

/**
 * tern_smtp_capabilities_has_keyword:
 *
 * Returns: whether the server announced @keyword ("DSN", "X-EXPS", ...)
 */
gboolean
tern_smtp_capabilities_has_keyword (TernSmtpCapabilities *self,
                                    const char           *keyword)
{
  g_return_val_if_fail (TERN_SMTP_IS_CAPABILITIES (self), FALSE);

  for (guint i = 0; i < self->keywords->len; i++)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (self->keywords, i), keyword) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * tern_smtp_capabilities_get_size_limit:
 *
 * Returns: the largest message the server accepts (RFC 1870 SIZE), or 0 for no limit
 *   announced
 */
guint64
tern_smtp_capabilities_get_size_limit (TernSmtpCapabilities *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_CAPABILITIES (self), 0);

  return self->size_limit;
}

gboolean
tern_smtp_capabilities_has_auth (TernSmtpCapabilities *self,
                                 const char           *mechanism)
{
  g_return_val_if_fail (TERN_SMTP_IS_CAPABILITIES (self), FALSE);

  for (guint i = 0; i + 1 < self->mechanisms->len; i++)
    {
      if (g_ascii_strcasecmp (g_ptr_array_index (self->mechanisms, i), mechanism) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * tern_smtp_capabilities_get_auth_mechanisms:
 *
 * Returns: (transfer none): the SASL mechanisms announced with AUTH, upper-case
 */
const char * const *
tern_smtp_capabilities_get_auth_mechanisms (TernSmtpCapabilities *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_CAPABILITIES (self), NULL);

  return (const char * const *) self->mechanisms->pdata;
}

/**
 * tern_smtp_capabilities_get_domain:
 *
 * Returns: (nullable): the first line of the EHLO reply (the server's name and greeting)
 */
const char *
tern_smtp_capabilities_get_domain (TernSmtpCapabilities *self)
{
  g_return_val_if_fail (TERN_SMTP_IS_CAPABILITIES (self), NULL);

  return self->domain;
}

static void
tern_smtp_capabilities_finalize (GObject *object)
{
  TernSmtpCapabilities *self = TERN_SMTP_CAPABILITIES (object);

  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->keywords, g_ptr_array_unref);
  g_clear_pointer (&self->mechanisms, g_ptr_array_unref);

  G_OBJECT_CLASS (tern_smtp_capabilities_parent_class)->finalize (object);
}

static void
tern_smtp_capabilities_class_init (TernSmtpCapabilitiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_smtp_capabilities_finalize;
}

static void
tern_smtp_capabilities_init (TernSmtpCapabilities *self)
{
  self->keywords = g_ptr_array_new_with_free_func (g_free);
  self->mechanisms = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->mechanisms, NULL);
}
