/* tern-imap-namespace.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-imap-mailbox.h"
#include "tern-imap-namespace.h"

G_DEFINE_BOXED_TYPE (TernImapNamespace, tern_imap_namespace, tern_imap_namespace_copy, tern_imap_namespace_free)

TernImapNamespace *
tern_imap_namespace_copy (const TernImapNamespace *self)
{
  TernImapNamespace *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TernImapNamespace, 1);
  copy->prefix = g_strdup (self->prefix);
  copy->delimiter = self->delimiter;
  return copy;
}

void
tern_imap_namespace_free (TernImapNamespace *self)
{
  if (self == NULL)
    return;

  g_free (self->prefix);
  g_free (self);
}

/**
 * tern_imap_namespace_list_from_value:
 * @value: one of the three parts of NAMESPACE: `(("" "/")("#shared/" "/"))` or NIL
 *
 * Prefixes that do not decode are kept as the server sent them (made valid UTF-8).
 *
 * Returns: (transfer full) (element-type TernImapNamespace): the namespaces (empty for
 *   NIL)
 */
GPtrArray *
tern_imap_namespace_list_from_value (const TernImapValue *value,
                                     gboolean             utf8_names)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_namespace_free);

  if (!tern_imap_value_is_list (value))
    return out;

  for (const TernImapValue *ns = value->children; ns != NULL; ns = ns->next)
    {
      const TernImapValue *prefix = tern_imap_value_get_child (ns, 0);
      const TernImapValue *delimiter = tern_imap_value_get_child (ns, 1);
      TernImapNamespace *item;
      const char *raw;
      gsize length;

      raw = tern_imap_value_get_astring (prefix, &length);
      if (raw == NULL)
        continue;
      item = g_new0 (TernImapNamespace, 1);
      item->prefix = tern_imap_mailbox_decode_name (raw, length, utf8_names, NULL);
      if (item->prefix == NULL)
        item->prefix = g_utf8_make_valid (raw, length);
      if (tern_imap_value_is_string (delimiter) && delimiter->length == 1)
        item->delimiter = delimiter->data[0];
      g_ptr_array_add (out, item);
    }
  return out;
}
