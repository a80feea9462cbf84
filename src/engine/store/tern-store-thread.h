/* tern-store-thread.h: a conversation, as a list of conversations shows it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-store-message.h"

G_BEGIN_DECLS

#define TERN_TYPE_STORE_THREAD (tern_store_thread_get_type ())
G_DECLARE_FINAL_TYPE (TernStoreThread, tern_store_thread, TERN, STORE_THREAD, GObject)

gboolean          tern_store_thread_is_loaded           (TernStoreThread *self);
gint64            tern_store_thread_get_id              (TernStoreThread *self);
guint             tern_store_thread_get_n_messages      (TernStoreThread *self);
guint             tern_store_thread_get_n_unread        (TernStoreThread *self);
gboolean          tern_store_thread_get_flagged         (TernStoreThread *self);
gboolean          tern_store_thread_get_has_attachments (TernStoreThread *self);
gboolean          tern_store_thread_get_answered        (TernStoreThread *self);
const char       *tern_store_thread_get_participants    (TernStoreThread *self);
TernStoreMessage *tern_store_thread_get_latest          (TernStoreThread *self);

G_END_DECLS
