/* tern-pop3-capabilities.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "tern-pop3-error.h"
#include "tern-pop3-capabilities.h"

/*
 * The data lines of a CAPA reply, one capability each: a tag and optional arguments
 * ("SASL PLAIN LOGIN", "LOGIN-DELAY 300", "PIPELINING"). Tags are case-insensitive.
 * A line that is not a capability is skipped (servers put odd things there), but the
 * list is bounded so that a hostile server cannot grow it without end.
 */

struct _TernPop3Capabilities
{
  GObject     parent_instance;

  GHashTable *items;   /* upper-case tag -> arguments ("" when none) */
  GPtrArray  *order;   /* upper-case tags as announced */
};

G_DEFINE_FINAL_TYPE (TernPop3Capabilities, tern_pop3_capabilities, G_TYPE_OBJECT)

TernPop3Capabilities *
tern_pop3_capabilities_new (void)
{
  return g_object_new (TERN_POP3_TYPE_CAPABILITIES, NULL);
}

/**
 * tern_pop3_capabilities_add_line:
 * @line: a data line of the CAPA reply (already dot-unstuffed)
 *
 * Returns: %FALSE with %TERN_POP3_ERROR_TOO_LARGE when the list is longer than
 *   %TERN_POP3_MAX_CAPABILITIES
 */
gboolean
tern_pop3_capabilities_add_line (TernPop3Capabilities  *self,
                                 const char            *line,
                                 gsize                  length,
                                 GError               **error)
{
  const char *end = line + length;
  const char *tag_end = line;
  const char *args;
  g_autofree char *tag = NULL;

  g_return_val_if_fail (TERN_POP3_IS_CAPABILITIES (self), FALSE);

  while (tag_end < end && (guchar) *tag_end > 0x20 && (guchar) *tag_end < 0x7f)
    tag_end++;
  if (tag_end == line || (tag_end < end && *tag_end != ' ' && *tag_end != '\t'))
    return TRUE;

  for (args = tag_end; args < end; args++)
    {
      if ((guchar) *args < 0x20 && *args != '\t')
        return TRUE;
    }
  args = tag_end;
  while (args < end && (*args == ' ' || *args == '\t'))
    args++;

  tag = g_ascii_strup (line, tag_end - line);
  if (g_hash_table_contains (self->items, tag))
    return TRUE;

  if (self->order->len >= TERN_POP3_MAX_CAPABILITIES)
    {
      g_set_error (error, TERN_POP3_ERROR, TERN_POP3_ERROR_TOO_LARGE,
                   _("The POP3 server announced more than %u capabilities"),
                   TERN_POP3_MAX_CAPABILITIES);
      return FALSE;
    }

  g_ptr_array_add (self->order, g_strdup (tag));
  g_hash_table_insert (self->items, g_steal_pointer (&tag), g_strndup (args, end - args));
  return TRUE;
}

gboolean
tern_pop3_capabilities_has (TernPop3Capabilities *self,
                            const char           *name)
{
  g_autofree char *tag = NULL;

  g_return_val_if_fail (TERN_POP3_IS_CAPABILITIES (self), FALSE);

  tag = g_ascii_strup (name, -1);
  return g_hash_table_contains (self->items, tag);
}

/**
 * tern_pop3_capabilities_get_argument:
 *
 * Returns: (nullable): the arguments of @name ("" when it has none), or %NULL when the
 *   server did not announce @name
 */
const char *
tern_pop3_capabilities_get_argument (TernPop3Capabilities *self,
                                     const char           *name)
{
  g_autofree char *tag = NULL;

  g_return_val_if_fail (TERN_POP3_IS_CAPABILITIES (self), NULL);

  tag = g_ascii_strup (name, -1);
  return g_hash_table_lookup (self->items, tag);
}

/**
 * tern_pop3_capabilities_has_sasl:
 *
 * Returns: whether "SASL" lists @mechanism (RFC 5034)
 */
gboolean
tern_pop3_capabilities_has_sasl (TernPop3Capabilities *self,
                                 const char           *mechanism)
{
  const char *args;
  g_auto(GStrv) mechanisms = NULL;

  g_return_val_if_fail (TERN_POP3_IS_CAPABILITIES (self), FALSE);

  args = tern_pop3_capabilities_get_argument (self, "SASL");
  if (args == NULL)
    return FALSE;

  mechanisms = g_strsplit_set (args, " \t", -1);
  for (guint i = 0; mechanisms[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (mechanisms[i], mechanism) == 0)
        return TRUE;
    }

  return FALSE;
}

guint
tern_pop3_capabilities_get_n_items (TernPop3Capabilities *self)
{
  g_return_val_if_fail (TERN_POP3_IS_CAPABILITIES (self), 0);

  return self->order->len;
}

/**
 * tern_pop3_capabilities_to_string:
 *
 * Returns: (transfer full): the capabilities as announced, one per line, for a log
 */
char *
tern_pop3_capabilities_to_string (TernPop3Capabilities *self)
{
  GString *out;

  g_return_val_if_fail (TERN_POP3_IS_CAPABILITIES (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->order->len; i++)
    {
      const char *tag = g_ptr_array_index (self->order, i);
      const char *args = g_hash_table_lookup (self->items, tag);

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, tag);
      if (*args != '\0')
        g_string_append_printf (out, " %s", args);
    }

  return g_string_free (out, FALSE);
}

static void
tern_pop3_capabilities_finalize (GObject *object)
{
  TernPop3Capabilities *self = TERN_POP3_CAPABILITIES (object);

  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->order, g_ptr_array_unref);

  G_OBJECT_CLASS (tern_pop3_capabilities_parent_class)->finalize (object);
}

static void
tern_pop3_capabilities_class_init (TernPop3CapabilitiesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_pop3_capabilities_finalize;
}

static void
tern_pop3_capabilities_init (TernPop3Capabilities *self)
{
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->order = g_ptr_array_new_with_free_func (g_free);
}
