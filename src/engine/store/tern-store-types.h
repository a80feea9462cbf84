/* tern-store-types.h: enums and forward declarations of the store
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * TernStoreFlags:
 *
 * The IMAP system flags of a message, as stored (the values are part of the
 * schema: do not change them).
 */
typedef enum
{
  TERN_STORE_FLAG_NONE     = 0,
  TERN_STORE_FLAG_SEEN     = 1 << 0,
  TERN_STORE_FLAG_ANSWERED = 1 << 1,
  TERN_STORE_FLAG_FLAGGED  = 1 << 2,
  TERN_STORE_FLAG_DELETED  = 1 << 3,
  TERN_STORE_FLAG_DRAFT    = 1 << 4,
} TernStoreFlags;

#define TERN_STORE_FLAGS_ALL 0x1f

/**
 * TernStoreFolderRole:
 *
 * The special use of a folder (RFC 6154), as stored.
 */
typedef enum
{
  TERN_STORE_FOLDER_ROLE_NONE = 0,
  TERN_STORE_FOLDER_ROLE_INBOX,
  TERN_STORE_FOLDER_ROLE_SENT,
  TERN_STORE_FOLDER_ROLE_DRAFTS,
  TERN_STORE_FOLDER_ROLE_TRASH,
  TERN_STORE_FOLDER_ROLE_JUNK,
  TERN_STORE_FOLDER_ROLE_ARCHIVE,
  TERN_STORE_FOLDER_ROLE_OUTBOX,
} TernStoreFolderRole;

/**
 * TernStoreAccountKind:
 */
typedef enum
{
  TERN_STORE_ACCOUNT_LOCAL = 0,
  TERN_STORE_ACCOUNT_IMAP,
  TERN_STORE_ACCOUNT_POP3,
} TernStoreAccountKind;

/**
 * TernStoreJournalOp:
 *
 * A server operation waiting to be replayed (the values are stored).
 */
typedef enum
{
  TERN_STORE_JOURNAL_FLAGS = 1,
  TERN_STORE_JOURNAL_MOVE,
  TERN_STORE_JOURNAL_COPY,
  TERN_STORE_JOURNAL_DELETE,
  TERN_STORE_JOURNAL_APPEND,
  TERN_STORE_JOURNAL_FOLDER_CREATE,
  TERN_STORE_JOURNAL_FOLDER_RENAME,
  TERN_STORE_JOURNAL_FOLDER_DELETE,
  TERN_STORE_JOURNAL_FOLDER_SUBSCRIBE,
  TERN_STORE_JOURNAL_FOLDER_UNSUBSCRIBE,
} TernStoreJournalOp;

/* The built-in account that holds Local Folders. */
#define TERN_STORE_LOCAL_ACCOUNT "local"

const char          *tern_store_folder_role_to_string   (TernStoreFolderRole  role);
TernStoreFolderRole  tern_store_folder_role_from_string (const char          *name);
char               **tern_store_flags_to_strv           (TernStoreFlags       flags);
gboolean             tern_store_flag_from_string        (const char          *name,
                                                         TernStoreFlags      *flag);

G_END_DECLS
