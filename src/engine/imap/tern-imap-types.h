/* tern-imap-types.h: forward declarations and shared enums of the IMAP client
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TernImapAddress        TernImapAddress;
typedef struct _TernImapBodyStructure  TernImapBodyStructure;
typedef struct _TernImapCommand        TernImapCommand;
typedef struct _TernImapEnvelope       TernImapEnvelope;
typedef struct _TernImapMailbox        TernImapMailbox;
typedef struct _TernImapNamespace      TernImapNamespace;
typedef struct _TernImapResponse       TernImapResponse;
typedef struct _TernImapUidSet         TernImapUidSet;

/**
 * TernImapResponseKind:
 * @TERN_IMAP_RESPONSE_UNTAGGED: `* ...`: data or a status the server volunteers
 * @TERN_IMAP_RESPONSE_TAGGED: `tag OK|NO|BAD ...`: the completion of a command
 * @TERN_IMAP_RESPONSE_CONTINUATION: `+ ...`: the server waits for more from the client
 */
typedef enum
{
  TERN_IMAP_RESPONSE_UNTAGGED,
  TERN_IMAP_RESPONSE_TAGGED,
  TERN_IMAP_RESPONSE_CONTINUATION,
} TernImapResponseKind;

/**
 * TernImapStatus:
 * @TERN_IMAP_STATUS_NONE: not a status response (untagged data, a continuation)
 */
typedef enum
{
  TERN_IMAP_STATUS_NONE,
  TERN_IMAP_STATUS_OK,
  TERN_IMAP_STATUS_NO,
  TERN_IMAP_STATUS_BAD,
  TERN_IMAP_STATUS_BYE,
  TERN_IMAP_STATUS_PREAUTH,
} TernImapStatus;

G_END_DECLS
