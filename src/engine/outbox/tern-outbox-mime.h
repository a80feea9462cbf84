/* tern-outbox-mime.h: build and prepare messages for sending
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"

G_BEGIN_DECLS

GBytes *tern_outbox_build_message   (TernAccount         *account,
                                     const char * const  *to,
                                     const char * const  *cc,
                                     const char * const  *bcc,
                                     const char          *subject,
                                     const char          *body,
                                     const char * const  *attachments,
                                     GError             **error);

GBytes *tern_outbox_prepare_message (TernAccount         *account,
                                     GBytes              *message,
                                     char              ***recipients,
                                     char              **subject,
                                     GError             **error);

char   *tern_outbox_dup_subject     (GBytes              *message);

G_END_DECLS
