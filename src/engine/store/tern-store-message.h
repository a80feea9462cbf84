/* tern-store-message.h: a message row of the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-store-types.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE_MESSAGE (tern_store_message_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreMessage, tern_store_message, TERN, STORE_MESSAGE, GObject)

gboolean        tern_store_message_is_loaded          (TernStoreMessage *self);
gint64          tern_store_message_get_id             (TernStoreMessage *self);
gint64          tern_store_message_get_folder_id      (TernStoreMessage *self);
guint32         tern_store_message_get_uid            (TernStoreMessage *self);
const char     *tern_store_message_get_uidl           (TernStoreMessage *self);
TernStoreFlags  tern_store_message_get_flags          (TernStoreMessage *self);
const char     *tern_store_message_get_keywords       (TernStoreMessage *self);
gint64          tern_store_message_get_internal_date  (TernStoreMessage *self);
gint64          tern_store_message_get_date           (TernStoreMessage *self);
int             tern_store_message_get_date_tz        (TernStoreMessage *self);
gint64          tern_store_message_get_size           (TernStoreMessage *self);
const char     *tern_store_message_get_from           (TernStoreMessage *self);
const char     *tern_store_message_get_to             (TernStoreMessage *self);
const char     *tern_store_message_get_cc             (TernStoreMessage *self);
const char     *tern_store_message_get_subject        (TernStoreMessage *self);
const char     *tern_store_message_get_message_id     (TernStoreMessage *self);
const char     *tern_store_message_get_in_reply_to    (TernStoreMessage *self);
gboolean        tern_store_message_get_has_attachments (TernStoreMessage *self);
gboolean        tern_store_message_get_has_body       (TernStoreMessage *self);
const char     *tern_store_message_get_preview        (TernStoreMessage *self);
gint64          tern_store_message_get_thread_id      (TernStoreMessage *self);
GDateTime      *tern_store_message_dup_date_time      (TernStoreMessage *self);

G_END_DECLS
