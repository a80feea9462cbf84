/* tern-pop3-reply.h: one POP3 response, parsed from the lines the server sent
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-pop3-error.h"

G_BEGIN_DECLS

/**
 * TernPop3ReplyFlags:
 * @TERN_POP3_REPLY_FLAGS_NONE: a single status line
 * @TERN_POP3_REPLY_FLAGS_MULTILINE: a positive status line is followed by data lines up to
 *   a line that is just "." (CAPA, LIST, UIDL, TOP, RETR without argument)
 * @TERN_POP3_REPLY_FLAGS_CONTINUATION: a "+ " SASL challenge is allowed (during AUTH)
 */
typedef enum
{
  TERN_POP3_REPLY_FLAGS_NONE         = 0,
  TERN_POP3_REPLY_FLAGS_MULTILINE    = 1 << 0,
  TERN_POP3_REPLY_FLAGS_CONTINUATION = 1 << 1,
} TernPop3ReplyFlags;

typedef enum
{
  TERN_POP3_REPLY_STATUS_NONE,
  TERN_POP3_REPLY_STATUS_OK,
  TERN_POP3_REPLY_STATUS_ERR,
  TERN_POP3_REPLY_STATUS_CONTINUATION,
} TernPop3ReplyStatus;

/**
 * TernPop3ReplyLine:
 * @TERN_POP3_REPLY_LINE_ERROR: the line is not valid here; the error says why
 * @TERN_POP3_REPLY_LINE_STATUS: the status line; the reply may be complete now
 * @TERN_POP3_REPLY_LINE_DATA: a data line of a multi-line reply, dot-unstuffed
 * @TERN_POP3_REPLY_LINE_END: the "." that ends a multi-line reply
 */
typedef enum
{
  TERN_POP3_REPLY_LINE_ERROR,
  TERN_POP3_REPLY_LINE_STATUS,
  TERN_POP3_REPLY_LINE_DATA,
  TERN_POP3_REPLY_LINE_END,
} TernPop3ReplyLine;

#define TERN_POP3_MAX_UID_LENGTH 70

#define TERN_POP3_TYPE_REPLY (tern_pop3_reply_get_type ())

G_DECLARE_FINAL_TYPE (TernPop3Reply, tern_pop3_reply, TERN_POP3, REPLY, GObject)

TernPop3Reply       *tern_pop3_reply_new            (TernPop3ReplyFlags  flags);

TernPop3ReplyLine    tern_pop3_reply_feed_line      (TernPop3Reply      *self,
                                                     const char         *line,
                                                     gsize               length,
                                                     const char        **data,
                                                     gsize              *data_length,
                                                     GError            **error);

gboolean             tern_pop3_reply_is_complete    (TernPop3Reply      *self);
gboolean             tern_pop3_reply_is_multiline   (TernPop3Reply      *self);
TernPop3ReplyStatus  tern_pop3_reply_get_status     (TernPop3Reply      *self);
gboolean             tern_pop3_reply_is_ok          (TernPop3Reply      *self);
const char          *tern_pop3_reply_get_response_code (TernPop3Reply   *self);
const char          *tern_pop3_reply_get_text       (TernPop3Reply      *self);
guint64              tern_pop3_reply_get_n_data_lines (TernPop3Reply    *self);

char                *tern_pop3_reply_dup_apop_timestamp (TernPop3Reply  *self);

void                 tern_pop3_reply_set_error      (TernPop3Reply      *self,
                                                     TernPop3Error       fallback,
                                                     const char         *what,
                                                     GError            **error);

gboolean             tern_pop3_reply_parse_stat     (TernPop3Reply      *self,
                                                     guint              *count,
                                                     guint64            *size,
                                                     GError            **error);
gboolean             tern_pop3_parse_scan_listing   (const char         *line,
                                                     gsize               length,
                                                     guint              *msgno,
                                                     guint64            *size,
                                                     GError            **error);
gboolean             tern_pop3_parse_uid_listing    (const char         *line,
                                                     gsize               length,
                                                     guint              *msgno,
                                                     char              **uid,
                                                     GError            **error);

G_END_DECLS
