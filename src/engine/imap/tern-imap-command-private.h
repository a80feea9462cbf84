/* tern-imap-command-private.h
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-imap-command.h"

G_BEGIN_DECLS

typedef enum
{
  PART_TEXT,        /* copied as is */
  PART_STRING,      /* an astring: atom, quoted string or literal, as needed */
  PART_SECRET,      /* a string the transcript must not show */
  PART_LITERAL,     /* always a literal */
  PART_MAILBOX,     /* a mailbox name in UTF-8, encoded when sent */
  PART_SECRET_ATOM, /* text sent as is, hidden from the transcript (a SASL payload) */
} TernImapPartKind;

typedef struct
{
  TernImapPartKind  kind;
  char             *text;
  GBytes           *bytes;
} TernImapPart;

typedef enum
{
  TERN_IMAP_COMMAND_AUTH = 1 << 0,   /* NO means the credentials were refused */
} TernImapCommandFlags;

struct _TernImapCommand
{
  gatomicrefcount       ref_count;
  char                 *name;
  char                  tag[16];
  TernImapCommandFlags  flags;
  GArray               *parts;
  TernImapUntaggedFunc  untagged;
  gpointer              untagged_data;

  gboolean              sent;
  gboolean              done;
  TernImapStatus        status;
  TernImapResponse     *completion;
  GError               *error;        /* the connection failed before completion */
};

void _tern_imap_command_complete (TernImapCommand  *self,
                                  TernImapResponse *response);
void _tern_imap_command_add_secret_atom (TernImapCommand *self,
                                         const char      *text);
void _tern_imap_command_fail     (TernImapCommand  *self,
                                  const GError     *error);
void _tern_imap_command_wipe_secrets (TernImapCommand *self);

G_END_DECLS
