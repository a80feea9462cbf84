/* tern-imap-envelope.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-imap-envelope.h"

G_DEFINE_BOXED_TYPE (TernImapEnvelope, tern_imap_envelope, tern_imap_envelope_copy, tern_imap_envelope_free)

static GPtrArray *
addresses_from_value (const TernImapValue *list)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) tern_imap_address_free);

  if (!tern_imap_value_is_list (list))
    return out;

  for (const TernImapValue *v = list->children; v != NULL; v = v->next)
    {
      TernImapAddress *address = tern_imap_address_new_from_value (v);

      if (address != NULL)
        g_ptr_array_add (out, address);
    }
  return out;
}

static GPtrArray *
copy_addresses (GPtrArray *addresses)
{
  return g_ptr_array_copy (addresses, (GCopyFunc) tern_imap_address_copy, NULL);
}

/**
 * tern_imap_envelope_new_from_value:
 *
 * Returns: (transfer full) (nullable): the envelope, or %NULL when @value is not a list
 *   of ten fields
 */
TernImapEnvelope *
tern_imap_envelope_new_from_value (const TernImapValue *value)
{
  TernImapEnvelope *self;
  const TernImapValue *v;

  if (tern_imap_value_get_n_children (value) < 10)
    return NULL;

  self = g_new0 (TernImapEnvelope, 1);
  v = value->children;
  self->date = g_strdup (tern_imap_value_get_nstring (v, NULL));
  v = v->next;
  self->subject = g_strdup (tern_imap_value_get_nstring (v, NULL));
  v = v->next;
  self->from = addresses_from_value (v);
  v = v->next;
  self->sender = addresses_from_value (v);
  v = v->next;
  self->reply_to = addresses_from_value (v);
  v = v->next;
  self->to = addresses_from_value (v);
  v = v->next;
  self->cc = addresses_from_value (v);
  v = v->next;
  self->bcc = addresses_from_value (v);
  v = v->next;
  self->in_reply_to = g_strdup (tern_imap_value_get_nstring (v, NULL));
  v = v->next;
  self->message_id = g_strdup (tern_imap_value_get_nstring (v, NULL));
  return self;
}

TernImapEnvelope *
tern_imap_envelope_copy (const TernImapEnvelope *self)
{
  TernImapEnvelope *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (TernImapEnvelope, 1);
  copy->date = g_strdup (self->date);
  copy->subject = g_strdup (self->subject);
  copy->from = copy_addresses (self->from);
  copy->sender = copy_addresses (self->sender);
  copy->reply_to = copy_addresses (self->reply_to);
  copy->to = copy_addresses (self->to);
  copy->cc = copy_addresses (self->cc);
  copy->bcc = copy_addresses (self->bcc);
  copy->in_reply_to = g_strdup (self->in_reply_to);
  copy->message_id = g_strdup (self->message_id);
  return copy;
}

void
tern_imap_envelope_free (TernImapEnvelope *self)
{
  if (self == NULL)
    return;

  g_free (self->date);
  g_free (self->subject);
  g_ptr_array_unref (self->from);
  g_ptr_array_unref (self->sender);
  g_ptr_array_unref (self->reply_to);
  g_ptr_array_unref (self->to);
  g_ptr_array_unref (self->cc);
  g_ptr_array_unref (self->bcc);
  g_free (self->in_reply_to);
  g_free (self->message_id);
  g_free (self);
}
