/* tern-smtp-reply.h: one SMTP reply, parsed from the lines the server sent
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-smtp-error.h"

G_BEGIN_DECLS

/* RFC 5321 limits a reply line to 512 octets; these bound what a hostile server can
 * make Tern keep for one reply. */
#define TERN_SMTP_MAX_REPLY_LINES 256
#define TERN_SMTP_MAX_REPLY_SIZE  (64 * 1024)

#define TERN_SMTP_TYPE_REPLY (tern_smtp_reply_get_type ())

G_DECLARE_FINAL_TYPE (TernSmtpReply, tern_smtp_reply, TERN_SMTP, REPLY, GObject)

TernSmtpReply *tern_smtp_reply_new               (void);

gboolean       tern_smtp_reply_feed_line         (TernSmtpReply  *self,
                                                  const char     *line,
                                                  gsize           length,
                                                  GError        **error);
gboolean       tern_smtp_reply_is_complete       (TernSmtpReply  *self);

guint          tern_smtp_reply_get_code          (TernSmtpReply  *self);
const char    *tern_smtp_reply_get_enhanced_code (TernSmtpReply  *self);
guint          tern_smtp_reply_get_n_lines       (TernSmtpReply  *self);
const char    *tern_smtp_reply_get_line          (TernSmtpReply  *self,
                                                  guint           index);
char          *tern_smtp_reply_dup_text          (TernSmtpReply  *self);

gboolean       tern_smtp_reply_is_positive       (TernSmtpReply  *self);
gboolean       tern_smtp_reply_is_intermediate   (TernSmtpReply  *self);
gboolean       tern_smtp_reply_is_transient      (TernSmtpReply  *self);
gboolean       tern_smtp_reply_is_permanent      (TernSmtpReply  *self);

TernSmtpError  tern_smtp_reply_get_error_code    (TernSmtpReply  *self);
void           tern_smtp_reply_set_error         (TernSmtpReply  *self,
                                                  const char     *what,
                                                  GError        **error);
void           tern_smtp_reply_set_error_full    (TernSmtpReply  *self,
                                                  TernSmtpError   code,
                                                  const char     *what,
                                                  GError        **error);
char          *tern_smtp_reply_to_string         (TernSmtpReply  *self);

G_END_DECLS
