/* tern-imap-response.h: one server response, parsed, with typed accessors
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-imap-types.h"
#include "tern-imap-value.h"

G_BEGIN_DECLS

#define TERN_IMAP_TYPE_RESPONSE (tern_imap_response_get_type ())

GType                 tern_imap_response_get_type       (void) G_GNUC_CONST;

TernImapResponse     *tern_imap_response_ref            (TernImapResponse *self);
void                  tern_imap_response_unref          (TernImapResponse *self);

TernImapResponseKind  tern_imap_response_get_kind       (const TernImapResponse *self);
const char           *tern_imap_response_get_tag        (const TernImapResponse *self);
TernImapStatus        tern_imap_response_get_status     (const TernImapResponse *self);
const char           *tern_imap_response_get_name       (const TernImapResponse *self);
gboolean              tern_imap_response_is             (const TernImapResponse *self,
                                                         const char             *name);
gboolean              tern_imap_response_get_number     (const TernImapResponse *self,
                                                         guint32                *number);
const TernImapValue  *tern_imap_response_get_data       (const TernImapResponse *self);
const TernImapValue  *tern_imap_response_get_data_item  (const TernImapResponse *self,
                                                         guint                   index);
const char           *tern_imap_response_get_code_name  (const TernImapResponse *self);
const TernImapValue  *tern_imap_response_get_code_arg   (const TernImapResponse *self,
                                                         guint                   index);
const TernImapValue  *tern_imap_response_get_code       (const TernImapResponse *self);
const char           *tern_imap_response_get_text       (const TernImapResponse *self);
char                 *tern_imap_response_to_string      (const TernImapResponse *self);

/* FETCH items */
const TernImapValue  *tern_imap_response_get_fetch_item (const TernImapResponse *self,
                                                         const char             *item);
gboolean              tern_imap_response_get_fetch_uid  (const TernImapResponse *self,
                                                         guint32                *uid);
gboolean              tern_imap_response_get_fetch_modseq (const TernImapResponse *self,
                                                         guint64                *modseq);
gboolean              tern_imap_response_get_fetch_rfc822_size (const TernImapResponse *self,
                                                         guint64                *size);
char                **tern_imap_response_dup_fetch_flags (const TernImapResponse *self);
GDateTime            *tern_imap_response_dup_fetch_internaldate (const TernImapResponse *self);
TernImapEnvelope     *tern_imap_response_dup_fetch_envelope (const TernImapResponse *self);
TernImapBodyStructure *tern_imap_response_dup_fetch_body_structure (const TernImapResponse *self);
const char           *tern_imap_response_get_fetch_section (const TernImapResponse *self,
                                                         const char             *section,
                                                         gsize                  *length);
GBytes               *tern_imap_response_dup_fetch_section (const TernImapResponse *self,
                                                         const char             *section);
char                **tern_imap_response_dup_fetch_gmail_labels (const TernImapResponse *self);

GDateTime            *tern_imap_parse_date_time         (const char             *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapResponse, tern_imap_response_unref)

G_END_DECLS
