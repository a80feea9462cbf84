/* tern-pop3-session-private.h: what the files of TernPop3Session share
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-pop3-capabilities.h"
#include "tern-pop3-reply.h"
#include "tern-pop3-session.h"

G_BEGIN_DECLS

/* RFC 5034 section 4: an AUTH command with its initial response fits in 255 octets. */
#define MAX_AUTH_LINE     255

typedef enum
{
  STATE_DISCONNECTED,
  STATE_AUTHORIZATION,
  STATE_TRANSACTION,
} State;

struct _TernPop3Session
{
  GObject               parent_instance;

  TernNetConnection    *connection;
  State                 state;
  gboolean              allow_insecure_auth;
  gboolean              pipelining_enabled;
  TernPop3AuthMethod    auth_method;
  TernPop3AuthMethod    used_auth_method;

  char                 *greeting;
  char                 *apop_timestamp;
  TernPop3Capabilities *capabilities;   /* NULL when the server has no CAPA */
};

void           _tern_pop3_session_fail_connection      (TernPop3Session     *self);
gboolean       _tern_pop3_session_check_connected      (TernPop3Session     *self,
                                                        GError             **error);
gboolean       _tern_pop3_session_flush                (TernPop3Session     *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
TernPop3Reply *_tern_pop3_session_read_status          (TernPop3Session     *self,
                                                        TernPop3ReplyFlags   flags,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
gboolean       _tern_pop3_session_refresh_capabilities (TernPop3Session     *self,
                                                        GCancellable        *cancellable,
                                                        GError             **error);

G_END_DECLS
