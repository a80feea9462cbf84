/* tern-store-db-correspondents.h: what writing a message reads from the store: the
 * people one writes to, and the messages a reply answers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-store-db.h"

G_BEGIN_DECLS

/**
 * TernStoreCorrespondent:
 * @name: (nullable): the name last seen with the address
 * @address: the address, as written
 * @sent: how many messages in the Sent folders went to it (To, Cc or Bcc)
 * @received: how many messages came from it (outside Junk)
 * @last: the date of the latest of those (Unix time)
 */
typedef struct
{
  char   *name;
  char   *address;
  guint   sent;
  guint   received;
  gint64  last;
} TernStoreCorrespondent;

void                    tern_store_correspondent_free        (TernStoreCorrespondent *self);
TernStoreCorrespondent *tern_store_correspondent_copy        (const TernStoreCorrespondent *self);
char                   *tern_store_correspondent_to_string   (const TernStoreCorrespondent *self);
int                     tern_store_correspondent_compare     (const TernStoreCorrespondent *a,
                                                              const TernStoreCorrespondent *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernStoreCorrespondent, tern_store_correspondent_free)

GPtrArray *tern_store_db_list_correspondents (TernStoreDb  *self,
                                              guint         max_messages,
                                              GError      **error);
GArray    *tern_store_db_find_message_id     (TernStoreDb  *self,
                                              const char   *message_id,
                                              GError      **error);

G_END_DECLS
