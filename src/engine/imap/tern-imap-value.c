/* tern-imap-value.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-imap-value.h"

TernImapValueKind
tern_imap_value_get_kind (const TernImapValue *value)
{
  g_return_val_if_fail (value != NULL, TERN_IMAP_VALUE_NIL);

  return value->kind;
}

gboolean
tern_imap_value_is_list (const TernImapValue *value)
{
  return value != NULL && value->kind == TERN_IMAP_VALUE_LIST;
}

gboolean
tern_imap_value_is_nil (const TernImapValue *value)
{
  return value != NULL && value->kind == TERN_IMAP_VALUE_NIL;
}

/**
 * tern_imap_value_is_string:
 *
 * Returns: whether @value is a quoted string or a literal
 */
gboolean
tern_imap_value_is_string (const TernImapValue *value)
{
  return value != NULL &&
         (value->kind == TERN_IMAP_VALUE_STRING || value->kind == TERN_IMAP_VALUE_LITERAL);
}

/**
 * tern_imap_value_get_astring:
 * @length: (out) (optional): the length in bytes
 *
 * An astring is an atom, a number, a string or a literal; an atom NIL is the text "NIL"
 * (a mailbox may be called that).
 *
 * Returns: (nullable): the text, or %NULL for a list
 */
const char *
tern_imap_value_get_astring (const TernImapValue *value,
                             gsize               *length)
{
  if (value == NULL || value->kind == TERN_IMAP_VALUE_LIST)
    return NULL;
  if (length != NULL)
    *length = value->length;
  return value->data;
}

/**
 * tern_imap_value_get_nstring:
 * @length: (out) (optional): the length in bytes
 *
 * Returns: (nullable): the text of a string or literal, %NULL for NIL (or anything
 *   that is not a string)
 */
const char *
tern_imap_value_get_nstring (const TernImapValue *value,
                             gsize               *length)
{
  if (!tern_imap_value_is_string (value))
    return NULL;
  if (length != NULL)
    *length = value->length;
  return value->data;
}

gboolean
tern_imap_value_get_number (const TernImapValue *value,
                            guint64             *number)
{
  if (value == NULL || value->kind != TERN_IMAP_VALUE_NUMBER)
    return FALSE;
  if (number != NULL)
    *number = value->number;
  return TRUE;
}

gboolean
tern_imap_value_get_uint32 (const TernImapValue *value,
                            guint32             *number)
{
  if (value == NULL || value->kind != TERN_IMAP_VALUE_NUMBER || value->number > G_MAXUINT32)
    return FALSE;
  if (number != NULL)
    *number = (guint32) value->number;
  return TRUE;
}

/**
 * tern_imap_value_is_atom:
 *
 * Returns: whether @value is the atom @atom, compared case-insensitively
 */
gboolean
tern_imap_value_is_atom (const TernImapValue *value,
                         const char          *atom)
{
  if (value == NULL || (value->kind != TERN_IMAP_VALUE_ATOM && value->kind != TERN_IMAP_VALUE_NIL &&
                        value->kind != TERN_IMAP_VALUE_NUMBER))
    return FALSE;
  return g_ascii_strcasecmp (value->data, atom) == 0;
}

/**
 * tern_imap_value_dup_bytes:
 *
 * Returns: (transfer full) (nullable): the bytes of a string or literal; for a body
 *   read into its own buffer this is a new reference, not a copy
 */
GBytes *
tern_imap_value_dup_bytes (const TernImapValue *value)
{
  if (!tern_imap_value_is_string (value))
    return NULL;
  if (value->bytes != NULL)
    return g_bytes_ref (value->bytes);
  return g_bytes_new (value->data, value->length);
}

/**
 * tern_imap_value_dup_string:
 *
 * Returns: (transfer full) (nullable): a copy of the astring's text (cut at a NUL byte)
 */
char *
tern_imap_value_dup_string (const TernImapValue *value)
{
  const char *s;
  gsize len;

  s = tern_imap_value_get_astring (value, &len);
  return s != NULL ? g_strndup (s, len) : NULL;
}

guint
tern_imap_value_get_n_children (const TernImapValue *value)
{
  if (!tern_imap_value_is_list (value))
    return 0;
  return value->length;
}

/**
 * tern_imap_value_get_child:
 *
 * Returns: (nullable): the @index'th element of a list
 */
const TernImapValue *
tern_imap_value_get_child (const TernImapValue *value,
                           guint                index)
{
  const TernImapValue *child;

  if (!tern_imap_value_is_list (value) || index >= value->length)
    return NULL;

  child = value->children;
  while (index-- > 0 && child != NULL)
    child = child->next;
  return child;
}

/**
 * tern_imap_value_dup_atoms:
 *
 * Returns: (transfer full) (nullable): the elements of a list of atoms or strings
 *   (flags, capabilities) as text; %NULL when @list is not a list
 */
char **
tern_imap_value_dup_atoms (const TernImapValue *list)
{
  GPtrArray *out;

  if (!tern_imap_value_is_list (list))
    return NULL;

  out = g_ptr_array_sized_new (list->length + 1);
  for (const TernImapValue *v = list->children; v != NULL; v = v->next)
    {
      if (v->kind != TERN_IMAP_VALUE_LIST)
        g_ptr_array_add (out, g_strndup (v->data, v->length));
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
append_quoted (GString    *out,
               const char *data,
               gsize       length)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < length; i++)
    {
      guchar c = data[i];

      if (c == '"' || c == '\\')
        g_string_append_c (out, '\\');
      if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static void
append_value (GString             *out,
              const TernImapValue *value)
{
  switch (value->kind)
    {
    case TERN_IMAP_VALUE_NIL:
    case TERN_IMAP_VALUE_ATOM:
    case TERN_IMAP_VALUE_NUMBER:
      g_string_append_len (out, value->data, value->length);
      break;
    case TERN_IMAP_VALUE_STRING:
      append_quoted (out, value->data, value->length);
      break;
    case TERN_IMAP_VALUE_LITERAL:
      if (value->length <= 64)
        append_quoted (out, value->data, value->length);
      else
        g_string_append_printf (out, "{%u bytes}", value->length);
      break;
    case TERN_IMAP_VALUE_LIST:
      g_string_append_c (out, '(');
      for (const TernImapValue *c = value->children; c != NULL; c = c->next)
        {
          append_value (out, c);
          if (c->next != NULL)
            g_string_append_c (out, ' ');
        }
      g_string_append_c (out, ')');
      break;
    default:
      g_assert_not_reached ();
    }
}

/**
 * tern_imap_value_to_string:
 *
 * A readable form for logs and tests: strings quoted with C escapes, literals longer
 * than 64 bytes as their size.
 *
 * Returns: (transfer full): the text
 */
char *
tern_imap_value_to_string (const TernImapValue *value)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (value != NULL, g_string_free (out, FALSE));

  append_value (out, value);
  return g_string_free (out, FALSE);
}
