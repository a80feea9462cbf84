/* tern-mime-mbox-reader.h: splits an mbox file into messages
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-mime-error.h"

G_BEGIN_DECLS

typedef struct _TernMimeMboxReader TernMimeMboxReader;

TernMimeMboxReader *tern_mime_mbox_reader_new   (const char          *path,
                                                 GError             **error);
gboolean            tern_mime_mbox_reader_next  (TernMimeMboxReader  *reader,
                                                 GByteArray         **message,
                                                 char               **envelope,
                                                 goffset             *offset,
                                                 GError             **error);
goffset             tern_mime_mbox_reader_tell  (TernMimeMboxReader  *reader);
void                tern_mime_mbox_reader_free  (TernMimeMboxReader  *reader);

gboolean            tern_mime_mbox_is_envelope  (const char          *line,
                                                 gsize                len);
gint64              tern_mime_mbox_envelope_date (const char         *envelope);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMimeMboxReader, tern_mime_mbox_reader_free)

G_END_DECLS
