/* tern-imap-envelope.h: the ENVELOPE of a message
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-imap-address.h"
#include "tern-imap-types.h"
#include "tern-imap-value.h"

G_BEGIN_DECLS

#define TERN_IMAP_TYPE_ENVELOPE (tern_imap_envelope_get_type ())

/**
 * TernImapEnvelope:
 *
 * The fields as the server sent them: strings are raw header text (RFC 2047 words are
 * not decoded, and 8-bit bytes are possible); absent fields are %NULL. The address
 * arrays hold #TernImapAddress, and are empty (never %NULL) when the field is NIL.
 */
struct _TernImapEnvelope
{
  char      *date;
  char      *subject;
  GPtrArray *from;
  GPtrArray *sender;
  GPtrArray *reply_to;
  GPtrArray *to;
  GPtrArray *cc;
  GPtrArray *bcc;
  char      *in_reply_to;
  char      *message_id;
};

GType              tern_imap_envelope_get_type        (void) G_GNUC_CONST;
TernImapEnvelope  *tern_imap_envelope_new_from_value  (const TernImapValue    *value);
TernImapEnvelope  *tern_imap_envelope_copy            (const TernImapEnvelope *self);
void               tern_imap_envelope_free            (TernImapEnvelope       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapEnvelope, tern_imap_envelope_free)

G_END_DECLS
