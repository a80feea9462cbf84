/* tern-smtp-send-result-private.h: for TernSmtpSession, which fills the result
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-smtp-send-result.h"

G_BEGIN_DECLS

TernSmtpSendResult *_tern_smtp_send_result_new          (void);
void                _tern_smtp_send_result_add_accepted (TernSmtpSendResult *self,
                                                         const char         *recipient);
void                _tern_smtp_send_result_add_rejected (TernSmtpSendResult *self,
                                                         const char         *recipient,
                                                         TernSmtpReply      *reply);
void                _tern_smtp_send_result_set_reply    (TernSmtpSendResult *self,
                                                         TernSmtpReply      *reply);

G_END_DECLS
