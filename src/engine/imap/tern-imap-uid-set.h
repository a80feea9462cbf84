/* tern-imap-uid-set.h: a set of UIDs (or message numbers) as ranges: 1:5,7,10:12
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-imap-types.h"
#include "tern-imap-value.h"

G_BEGIN_DECLS

#define TERN_IMAP_TYPE_UID_SET (tern_imap_uid_set_get_type ())

GType            tern_imap_uid_set_get_type        (void) G_GNUC_CONST;
TernImapUidSet  *tern_imap_uid_set_new             (void);
TernImapUidSet  *tern_imap_uid_set_parse           (const char           *text,
                                                    gssize                length);
TernImapUidSet  *tern_imap_uid_set_new_from_value  (const TernImapValue  *value);
TernImapUidSet  *tern_imap_uid_set_ref             (TernImapUidSet       *self);
void             tern_imap_uid_set_unref           (TernImapUidSet       *self);
void             tern_imap_uid_set_add_range       (TernImapUidSet       *self,
                                                    guint32               first,
                                                    guint32               last);
void             tern_imap_uid_set_add             (TernImapUidSet       *self,
                                                    guint32               uid);
guint            tern_imap_uid_set_get_n_ranges    (const TernImapUidSet *self);
void             tern_imap_uid_set_get_range       (const TernImapUidSet *self,
                                                    guint                 index,
                                                    guint32              *first,
                                                    guint32              *last);
guint64          tern_imap_uid_set_get_count       (const TernImapUidSet *self);
gboolean         tern_imap_uid_set_contains        (const TernImapUidSet *self,
                                                    guint32               uid);
GArray          *tern_imap_uid_set_to_array        (const TernImapUidSet *self,
                                                    guint                 max_count);
char            *tern_imap_uid_set_to_string       (const TernImapUidSet *self);
gboolean         tern_imap_uid_set_is_valid_text   (const char           *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernImapUidSet, tern_imap_uid_set_unref)

G_END_DECLS
