/* tern-outbox-reply.h: replies and forwards of a message
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-outbox-composition.h"

G_BEGIN_DECLS

/**
 * TernOutboxReplyKind:
 * @TERN_OUTBOX_REPLY_SENDER: to the Reply-To, or the From
 * @TERN_OUTBOX_REPLY_ALL: to the sender and every other recipient, but oneself
 * @TERN_OUTBOX_FORWARD_INLINE: the text in the body, the attachments kept
 * @TERN_OUTBOX_FORWARD_ATTACHMENT: the whole message as a message/rfc822 attachment
 */
typedef enum
{
  TERN_OUTBOX_REPLY_SENDER,
  TERN_OUTBOX_REPLY_ALL,
  TERN_OUTBOX_FORWARD_INLINE,
  TERN_OUTBOX_FORWARD_ATTACHMENT,
} TernOutboxReplyKind;

TernOutboxComposition *tern_outbox_composition_new_reply (GBytes              *original,
                                                          TernOutboxReplyKind  kind,
                                                          const char * const  *own_addresses,
                                                          GError             **error);
char                  *tern_outbox_reply_subject         (const char          *subject,
                                                          gboolean             forward);
char                  *tern_outbox_quote_text            (const char          *text);
char                  *tern_outbox_dup_message_text      (GBytes              *message);

G_END_DECLS
