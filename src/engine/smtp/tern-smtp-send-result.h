/* tern-smtp-send-result.h: what became of each recipient of one message
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-smtp-reply.h"

G_BEGIN_DECLS

#define TERN_SMTP_TYPE_SEND_RESULT (tern_smtp_send_result_get_type ())

G_DECLARE_FINAL_TYPE (TernSmtpSendResult, tern_smtp_send_result, TERN_SMTP, SEND_RESULT, GObject)

guint          tern_smtp_send_result_get_n_accepted        (TernSmtpSendResult *self);
const char    *tern_smtp_send_result_get_accepted          (TernSmtpSendResult *self,
                                                            guint               index);
guint          tern_smtp_send_result_get_n_rejected        (TernSmtpSendResult *self);
const char    *tern_smtp_send_result_get_rejected          (TernSmtpSendResult *self,
                                                            guint               index);
TernSmtpReply *tern_smtp_send_result_get_rejected_reply    (TernSmtpSendResult *self,
                                                            guint               index);
TernSmtpReply *tern_smtp_send_result_get_reply             (TernSmtpSendResult *self);
char          *tern_smtp_send_result_describe_rejections   (TernSmtpSendResult *self);

G_END_DECLS
