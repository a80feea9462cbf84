/* tern-imap-address.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-imap-address.h"

G_DEFINE_BOXED_TYPE (TernImapAddress, tern_imap_address, tern_imap_address_copy, tern_imap_address_free)

/**
 * tern_imap_address_new_from_value:
 * @value: `(name adl mailbox host)`
 *
 * Returns: (transfer full) (nullable): the address, or %NULL when @value does not have
 *   that shape
 */
TernImapAddress *
tern_imap_address_new_from_value (const TernImapValue *value)
{
  TernImapAddress *self;
  const TernImapValue *v;

  if (tern_imap_value_get_n_children (value) < 4)
    return NULL;

  v = value->children;
  self = g_new0 (TernImapAddress, 1);
  self->name = g_strdup (tern_imap_value_get_nstring (v, NULL));
  v = v->next;
  self->adl = g_strdup (tern_imap_value_get_nstring (v, NULL));
  v = v->next;
  self->mailbox = g_strdup (tern_imap_value_get_nstring (v, NULL));
  v = v->next;
  self->host = g_strdup (tern_imap_value_get_nstring (v, NULL));
  return self;
}

TernImapAddress *
tern_imap_address_copy (const TernImapAddress *self)
{
  TernImapAddress *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TernImapAddress, 1);
  copy->name = g_strdup (self->name);
  copy->adl = g_strdup (self->adl);
  copy->mailbox = g_strdup (self->mailbox);
  copy->host = g_strdup (self->host);
  return copy;
}

void
tern_imap_address_free (TernImapAddress *self)
{
  if (self == NULL)
    return;

  g_free (self->name);
  g_free (self->adl);
  g_free (self->mailbox);
  g_free (self->host);
  g_free (self);
}

gboolean
tern_imap_address_is_group_start (const TernImapAddress *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->mailbox != NULL && self->host == NULL;
}

gboolean
tern_imap_address_is_group_end (const TernImapAddress *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->mailbox == NULL && self->host == NULL;
}

/**
 * tern_imap_address_dup_addr_spec:
 *
 * Returns: (transfer full) (nullable): "mailbox@host", or %NULL for a group marker
 */
char *
tern_imap_address_dup_addr_spec (const TernImapAddress *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (self->mailbox == NULL || self->host == NULL)
    return NULL;
  if (self->host[0] == '\0')
    return g_strdup (self->mailbox);
  return g_strconcat (self->mailbox, "@", self->host, NULL);
}
