/* tern-imap-response-private.h: building responses (for the parser)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-imap-response.h"

G_BEGIN_DECLS

typedef struct _TernImapArenaBlock TernImapArenaBlock;

struct _TernImapResponse
{
  gatomicrefcount       ref_count;
  TernImapResponseKind  kind;
  TernImapStatus        status;
  const char           *tag;
  const char           *name;
  guint32               number;
  gboolean              has_number;
  TernImapValue        *code;       /* a list: the code's name, then its arguments */
  const char           *text;
  TernImapValue         data;       /* a list of everything after the name */

  /* Every value and string lives in the arena, which is emptied (not freed) when the
   * parser reuses the response: a steady stream of responses allocates nothing. */
  TernImapArenaBlock   *blocks;
  gsize                 arena_size;
  GPtrArray            *owned_bytes; /* literals read into their own buffers */
};

TernImapResponse *_tern_imap_response_new        (void);
void              _tern_imap_response_reset      (TernImapResponse *self);
gpointer          _tern_imap_response_alloc      (TernImapResponse *self,
                                                  gsize             size);
TernImapValue    *_tern_imap_response_new_value  (TernImapResponse *self,
                                                  TernImapValueKind kind);
const char       *_tern_imap_response_strdup     (TernImapResponse *self,
                                                  const char       *data,
                                                  gsize             length);
void              _tern_imap_response_own_bytes  (TernImapResponse *self,
                                                  GBytes           *bytes);

G_END_DECLS
