/* tern-imap-body-structure.h: the MIME structure of a message (BODYSTRUCTURE)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-imap-envelope.h"
#include "tern-imap-types.h"
#include "tern-imap-value.h"

G_BEGIN_DECLS

#define TERN_IMAP_TYPE_BODY_STRUCTURE (tern_imap_body_structure_get_type ())

/**
 * TernImapBodyStructure:
 * @type: the lower-case media type ("text", "multipart", ...)
 * @subtype: the lower-case subtype ("plain", "mixed", ...)
 * @params: (nullable): name/value pairs: names in lower case, then values, %NULL-ended
 * @part_id: the section for `BODY[...]`: "1", "2.1", ...; "" for the top multipart
 * @id, @description, @encoding: (nullable): Content-ID, -Description, -Transfer-Encoding
 * @size: the size in octets of a single part
 * @lines: the number of lines of a text or message/rfc822 part
 * @md5, @disposition, @disposition_params, @languages, @location: (nullable): extension
 *   data of BODYSTRUCTURE
 * @envelope: (nullable): the envelope of a message/rfc822 part
 * @parts: the parts of a multipart, or the one body of a message/rfc822 part (else
 *   empty)
 */
struct _TernImapBodyStructure
{
  char              *type;
  char              *subtype;
  char             **params;
  char              *part_id;
  char              *id;
  char              *description;
  char              *encoding;
  guint64            size;
  guint64            lines;
  char              *md5;
  char              *disposition;
  char             **disposition_params;
  char             **languages;
  char              *location;
  TernImapEnvelope  *envelope;
  GPtrArray         *parts;
};

GType                   tern_imap_body_structure_get_type        (void) G_GNUC_CONST;
TernImapBodyStructure  *tern_imap_body_structure_new_from_value  (const TernImapValue *value);
TernImapBodyStructure  *tern_imap_body_structure_copy            (const TernImapBodyStructure *self);
void                    tern_imap_body_structure_free            (TernImapBodyStructure *self);
const char             *tern_imap_body_structure_get_param       (const TernImapBodyStructure *self,
                                                                  const char                  *name);
gboolean                tern_imap_body_structure_is              (const TernImapBodyStructure *self,
                                                                  const char                  *type,
                                                                  const char                  *subtype);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapBodyStructure, tern_imap_body_structure_free)

G_END_DECLS
