/* tern-imap-session-private.h: what the files of TernImapSession share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-imap-command-private.h"
#include "tern-imap-parser.h"
#include "tern-imap-session.h"

G_BEGIN_DECLS

struct _TernImapSession
{
  GObject                parent_instance;

  TernNetConnection     *connection;
  TernImapParser        *parser;

  char                  *username;
  char                  *secret;
  TernImapAuthMechanism  mechanism;
  gboolean               allow_insecure_auth;

  TernImapSessionState   state;
  GHashTable            *capabilities;       /* upper-case names */
  guint                  capabilities_generation;
  GHashTable            *disabled;           /* capabilities Tern must not use */
  GHashTable            *enabled;            /* ENABLEd extensions */

  guint                  next_tag;
  GQueue                 pending;            /* TernImapCommand in progress, oldest first */
  gboolean               want_continuation;
  TernImapResponse      *continuation;
  char                  *bye_text;
  GError                *broken;             /* why the connection is unusable */
  guint                  events;             /* EXISTS, EXPUNGE, FETCH, VANISHED seen */

  /* The selected mailbox */
  char                  *selected;
  gboolean               read_only;
  guint32                exists;
  guint32                recent;
  guint32                uidvalidity;
  guint32                uidnext;
  guint64                highest_modseq;
  char                 **flags;
  char                 **permanent_flags;

  /* tern_imap_session_run_async() */
  GMutex                 jobs_lock;
  GQueue                 jobs;
  gboolean               jobs_running;
};

enum
{
  SIGNAL_EXISTS,
  SIGNAL_EXPUNGE,
  SIGNAL_VANISHED,
  SIGNAL_FETCH,
  SIGNAL_ALERT,
  N_SIGNALS
};

extern guint _tern_imap_session_signals[N_SIGNALS];

gboolean _tern_imap_session_check_connected (TernImapSession  *self,
                                             GError          **error);
gboolean _tern_imap_session_check_state (TernImapSession  *self,
                                         gboolean          need_selected,
                                         GError          **error);
void     _tern_imap_session_set_selected (TernImapSession *self,
                                         const char      *mailbox,
                                         gboolean         selected);
gboolean _tern_imap_session_require     (TernImapSession  *self,
                                         const char       *capability,
                                         const char       *what,
                                         GError          **error);
gboolean _tern_imap_session_check_usable (TernImapSession  *self,
                                          GError          **error);
gboolean _tern_imap_session_simple_command (TernImapSession  *self,
                                            const char       *name,
                                            GCancellable     *cancellable,
                                            GError          **error);
TernImapResponse *_tern_imap_session_wait_continuation (TernImapSession  *self,
                                                        TernImapCommand  *command,
                                                        GCancellable     *cancellable,
                                                        GError          **error);

G_END_DECLS
