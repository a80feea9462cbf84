/* tern-imap-parser.h: IMAP server responses, from bytes to response trees
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-imap-response.h"
#include "tern-net-connection.h"
#include "tern-imap-types.h"

G_BEGIN_DECLS

/**
 * TernImapParserResult:
 * @TERN_IMAP_PARSER_ERROR: the input is not IMAP, or breaks a limit; the error says why
 *   and the parser must be reset before it is used again
 * @TERN_IMAP_PARSER_COMPLETE: a response is complete: take it with
 *   tern_imap_parser_steal_response()
 * @TERN_IMAP_PARSER_NEED_LITERAL: the line announced a literal: give its bytes
 *   (tern_imap_parser_begin_literal(), then tern_imap_parser_end_literal()), then the
 *   line that follows it
 */
typedef enum
{
  TERN_IMAP_PARSER_ERROR,
  TERN_IMAP_PARSER_COMPLETE,
  TERN_IMAP_PARSER_NEED_LITERAL,
} TernImapParserResult;

#define TERN_IMAP_PARSER_DEFAULT_MAX_LITERAL   (1024 * 1024)
#define TERN_IMAP_PARSER_DEFAULT_MAX_BODY      TERN_NET_MAX_MESSAGE_SIZE
#define TERN_IMAP_PARSER_DEFAULT_MAX_RESPONSE  (16 * 1024 * 1024)
#define TERN_IMAP_PARSER_DEFAULT_MAX_LINE      (1024 * 1024)
#define TERN_IMAP_PARSER_MAX_DEPTH             64


#define TERN_IMAP_TYPE_PARSER (tern_imap_parser_get_type ())

G_DECLARE_FINAL_TYPE (TernImapParser, tern_imap_parser, TERN_IMAP, PARSER, GObject)

/**
 * TernImapParserFunc:
 * @response: (transfer none): a complete response
 *
 * Returns: %FALSE with @error set to stop feeding
 */
typedef gboolean (*TernImapParserFunc) (TernImapParser    *parser,
                                        TernImapResponse  *response,
                                        gpointer           user_data,
                                        GError           **error);

TernImapParser       *tern_imap_parser_new               (void);
void                  tern_imap_parser_set_limits        (TernImapParser  *self,
                                                          gsize            max_literal,
                                                          gsize            max_body_literal,
                                                          gsize            max_response);
void                  tern_imap_parser_set_max_line_length (TernImapParser *self,
                                                          gsize            max_line);
void                  tern_imap_parser_reset             (TernImapParser  *self);

/* Driven line by line (the session reads lines and literals from the connection). */
TernImapParserResult  tern_imap_parser_feed_line         (TernImapParser  *self,
                                                          const char      *line,
                                                          gsize            length,
                                                          GError         **error);
gsize                 tern_imap_parser_get_literal_size  (TernImapParser  *self);
gboolean              tern_imap_parser_literal_is_body   (TernImapParser  *self);
guint8               *tern_imap_parser_begin_literal     (TernImapParser  *self,
                                                          GError         **error);
void                  tern_imap_parser_end_literal       (TernImapParser  *self);
TernImapResponse     *tern_imap_parser_steal_response    (TernImapParser  *self);

/* Driven by chunks of bytes cut anywhere. */
gboolean              tern_imap_parser_feed              (TernImapParser      *self,
                                                          const void          *data,
                                                          gsize                length,
                                                          TernImapParserFunc   func,
                                                          gpointer             user_data,
                                                          GError             **error);
gboolean              tern_imap_parser_is_between_responses (TernImapParser *self);

G_END_DECLS
