/* tern-imap-body-structure.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tern-imap-body-structure.h"

/*
 * body-type-mpart = 1*body SP media-subtype [SP body-fld-param [SP body-fld-dsp
 *                   [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]]]
 * body-type-1part = media SP body-fields [SP envelope SP body] [SP body-fld-lines]
 *                   [SP body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc ...]]]]
 *
 * The parser is lenient: servers send NIL where strings belong, numbers as strings, and
 * leave trailing fields out. The value tree's depth is bounded by the response parser.
 */

G_DEFINE_BOXED_TYPE (TernImapBodyStructure, tern_imap_body_structure,
                     tern_imap_body_structure_copy, tern_imap_body_structure_free)

static char *
dup_nstring (const TernImapValue *v)
{
  const char *s;
  gsize len;

  s = tern_imap_value_get_nstring (v, &len);
  if (s == NULL && v != NULL && v->kind == TERN_IMAP_VALUE_ATOM)
    s = tern_imap_value_get_astring (v, &len);
  return s != NULL ? g_strndup (s, len) : NULL;
}

static char *
dup_lower (const TernImapValue *v)
{
  g_autofree char *s = dup_nstring (v);

  return s != NULL ? g_ascii_strdown (s, -1) : NULL;
}

static guint64
get_number (const TernImapValue *v)
{
  guint64 n = 0;

  if (tern_imap_value_get_number (v, &n))
    return n;
  /* Some servers quote numbers. */
  if (tern_imap_value_is_string (v))
    n = g_ascii_strtoull (v->data, NULL, 10);
  return n;
}

/* body-fld-param: ("name" "value" ...) or NIL */
static char **
dup_params (const TernImapValue *list)
{
  GPtrArray *out;

  if (!tern_imap_value_is_list (list) || list->children == NULL)
    return NULL;

  out = g_ptr_array_new ();
  for (const TernImapValue *k = list->children; k != NULL && k->next != NULL; k = k->next->next)
    {
      char *name = dup_lower (k);
      char *value = dup_nstring (k->next);

      if (name == NULL || value == NULL)
        {
          g_free (name);
          g_free (value);
          continue;
        }
      g_ptr_array_add (out, name);
      g_ptr_array_add (out, value);
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

static char **
dup_languages (const TernImapValue *v)
{
  char **out;
  char *one;

  if (tern_imap_value_is_list (v))
    return tern_imap_value_dup_atoms (v);

  one = dup_nstring (v);
  if (one == NULL)
    return NULL;
  out = g_new0 (char *, 2);
  out[0] = one;
  return out;
}

/* [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]] from @v on */
static void
parse_extension_tail (TernImapBodyStructure *self,
                      const TernImapValue   *v)
{
  if (v == NULL)
    return;
  if (tern_imap_value_is_list (v) && v->children != NULL)
    {
      self->disposition = dup_lower (v->children);
      self->disposition_params = dup_params (v->children->next);
    }
  v = v->next;
  if (v == NULL)
    return;
  self->languages = dup_languages (v);
  v = v->next;
  if (v == NULL)
    return;
  self->location = dup_nstring (v);
}

static TernImapBodyStructure *
parse_body (const TernImapValue *value,
            const char          *part_id)
{
  g_autoptr(TernImapBodyStructure) self = NULL;
  const TernImapValue *v;

  if (!tern_imap_value_is_list (value) || value->children == NULL)
    return NULL;

  self = g_new0 (TernImapBodyStructure, 1);
  self->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_body_structure_free);
  self->part_id = g_strdup (part_id);
  v = value->children;

  if (tern_imap_value_is_list (v))
    {
      guint n = 0;

      self->type = g_strdup ("multipart");
      for (; tern_imap_value_is_list (v); v = v->next)
        {
          g_autofree char *child_id = NULL;
          TernImapBodyStructure *child;

          n++;
          child_id = part_id[0] == '\0' ? g_strdup_printf ("%u", n) : g_strdup_printf ("%s.%u", part_id, n);
          child = parse_body (v, child_id);
          if (child == NULL)
            return NULL;
          g_ptr_array_add (self->parts, child);
        }
      self->subtype = dup_lower (v);
      if (self->subtype == NULL)
        self->subtype = g_strdup ("mixed");
      if (v == NULL)
        return g_steal_pointer (&self);
      v = v->next;
      if (v == NULL)
        return g_steal_pointer (&self);
      self->params = dup_params (v);
      parse_extension_tail (self, v->next);
      return g_steal_pointer (&self);
    }

  /* A single part: type, subtype, params, id, description, encoding, size. */
  self->type = dup_lower (v);
  if (self->type == NULL)
    self->type = g_strdup ("text");
  v = v->next;
  self->subtype = dup_lower (v);
  if (self->subtype == NULL)
    self->subtype = g_strdup ("plain");
  if (v == NULL || (v = v->next) == NULL)
    return g_steal_pointer (&self);
  self->params = dup_params (v);
  if ((v = v->next) == NULL)
    return g_steal_pointer (&self);
  self->id = dup_nstring (v);
  if ((v = v->next) == NULL)
    return g_steal_pointer (&self);
  self->description = dup_nstring (v);
  if ((v = v->next) == NULL)
    return g_steal_pointer (&self);
  self->encoding = dup_nstring (v);
  if ((v = v->next) == NULL)
    return g_steal_pointer (&self);
  self->size = get_number (v);
  v = v->next;

  if (g_str_equal (self->type, "message") &&
      (g_str_equal (self->subtype, "rfc822") || g_str_equal (self->subtype, "global")) &&
      tern_imap_value_get_n_children (v) >= 10 && v->next != NULL && tern_imap_value_is_list (v->next))
    {
      const TernImapValue *inner = v->next;
      g_autofree char *inner_id = NULL;
      TernImapBodyStructure *body;

      self->envelope = tern_imap_envelope_new_from_value (v);
      inner_id = tern_imap_value_is_list (inner->children) ? g_strdup (part_id)
                                                           : g_strconcat (part_id, ".1", NULL);
      body = parse_body (inner, inner_id);
      if (body != NULL)
        g_ptr_array_add (self->parts, body);
      v = inner->next;
      if (v != NULL)
        {
          self->lines = get_number (v);
          v = v->next;
        }
    }
  else if (g_str_equal (self->type, "text") && v != NULL && !tern_imap_value_is_list (v))
    {
      self->lines = get_number (v);
      v = v->next;
    }

  if (v == NULL)
    return g_steal_pointer (&self);
  self->md5 = dup_nstring (v);
  parse_extension_tail (self, v->next);
  return g_steal_pointer (&self);
}

/**
 * tern_imap_body_structure_new_from_value:
 *
 * Returns: (transfer full) (nullable): the structure, or %NULL when @value is not a
 *   body
 */
TernImapBodyStructure *
tern_imap_body_structure_new_from_value (const TernImapValue *value)
{
  if (!tern_imap_value_is_list (value) || value->children == NULL)
    return NULL;

  return parse_body (value, tern_imap_value_is_list (value->children) ? "" : "1");
}

TernImapBodyStructure *
tern_imap_body_structure_copy (const TernImapBodyStructure *self)
{
  TernImapBodyStructure *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TernImapBodyStructure, 1);
  copy->type = g_strdup (self->type);
  copy->subtype = g_strdup (self->subtype);
  copy->params = g_strdupv (self->params);
  copy->part_id = g_strdup (self->part_id);
  copy->id = g_strdup (self->id);
  copy->description = g_strdup (self->description);
  copy->encoding = g_strdup (self->encoding);
  copy->size = self->size;
  copy->lines = self->lines;
  copy->md5 = g_strdup (self->md5);
  copy->disposition = g_strdup (self->disposition);
  copy->disposition_params = g_strdupv (self->disposition_params);
  copy->languages = g_strdupv (self->languages);
  copy->location = g_strdup (self->location);
  copy->envelope = self->envelope ? tern_imap_envelope_copy (self->envelope) : NULL;
  copy->parts = g_ptr_array_copy (self->parts, (GCopyFunc) tern_imap_body_structure_copy, NULL);
  return copy;
}

void
tern_imap_body_structure_free (TernImapBodyStructure *self)
{
  if (self == NULL)
    return;

  g_free (self->type);
  g_free (self->subtype);
  g_strfreev (self->params);
  g_free (self->part_id);
  g_free (self->id);
  g_free (self->description);
  g_free (self->encoding);
  g_free (self->md5);
  g_free (self->disposition);
  g_strfreev (self->disposition_params);
  g_strfreev (self->languages);
  g_free (self->location);
  g_clear_pointer (&self->envelope, tern_imap_envelope_free);
  g_clear_pointer (&self->parts, g_ptr_array_unref);
  g_free (self);
}

/**
 * tern_imap_body_structure_get_param:
 * @name: a parameter's name, such as "charset" (case-insensitive)
 *
 * Returns: (nullable): the value of a Content-Type parameter
 */
const char *
tern_imap_body_structure_get_param (const TernImapBodyStructure *self,
                                    const char                  *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; self->params != NULL && self->params[i] != NULL && self->params[i + 1] != NULL; i += 2)
    {
      if (g_ascii_strcasecmp (self->params[i], name) == 0)
        return self->params[i + 1];
    }
  return NULL;
}

/**
 * tern_imap_body_structure_is:
 * @subtype: (nullable): %NULL matches any subtype
 */
gboolean
tern_imap_body_structure_is (const TernImapBodyStructure *self,
                             const char                  *type,
                             const char                  *subtype)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return g_ascii_strcasecmp (self->type, type) == 0 &&
         (subtype == NULL || g_ascii_strcasecmp (self->subtype, subtype) == 0);
}
