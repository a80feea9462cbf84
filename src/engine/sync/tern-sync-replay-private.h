/* tern-sync-replay-private.h: one journal entry's replay, as the replay's files share it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tern-sync-replay.c replays the messages' entries and runs the journal;
 * tern-sync-replay-folders.c replays the folders' entries.
 */
#pragma once

#include "tern-imap-session.h"
#include "tern-store-db.h"
#include "tern-store-db-sync.h"

G_BEGIN_DECLS

/* One entry's replay. */
typedef struct
{
  TernStoreDb              *db;
  TernImapSession          *session;
  TernStoreDbJournalEntry  *entry;
  GCancellable             *cancellable;
  GError                   *refusal;   /* the first refusal the entry met, for the user */
  GPtrArray                *later;     /* TernStoreDbJournalEntry: the entries after it, once asked for */
} Replay;


void     _tern_sync_replay_note_refusal (Replay        *r,
                                         const GError  *error,
                                         const char    *what,
                                         const char    *outcome);
gboolean _tern_sync_replay_folder_op    (Replay        *r,
                                         char           delimiter,
                                         GError       **error);

G_END_DECLS
