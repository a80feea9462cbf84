/* tern-smtp-capabilities.h: the ESMTP extensions a server announced in its EHLO reply
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-smtp-reply.h"

G_BEGIN_DECLS

/**
 * TernSmtpExtension:
 * @TERN_SMTP_EXTENSION_PIPELINING: RFC 2920
 * @TERN_SMTP_EXTENSION_SIZE: RFC 1870
 * @TERN_SMTP_EXTENSION_8BITMIME: RFC 6152
 * @TERN_SMTP_EXTENSION_SMTPUTF8: RFC 6531
 * @TERN_SMTP_EXTENSION_STARTTLS: RFC 3207
 * @TERN_SMTP_EXTENSION_AUTH: RFC 4954
 * @TERN_SMTP_EXTENSION_ENHANCEDSTATUSCODES: RFC 2034
 * @TERN_SMTP_EXTENSION_DSN: RFC 3461
 * @TERN_SMTP_EXTENSION_CHUNKING: RFC 3030
 */
typedef enum
{
  TERN_SMTP_EXTENSION_NONE                = 0,
  TERN_SMTP_EXTENSION_PIPELINING          = 1 << 0,
  TERN_SMTP_EXTENSION_SIZE                = 1 << 1,
  TERN_SMTP_EXTENSION_8BITMIME            = 1 << 2,
  TERN_SMTP_EXTENSION_SMTPUTF8            = 1 << 3,
  TERN_SMTP_EXTENSION_STARTTLS            = 1 << 4,
  TERN_SMTP_EXTENSION_AUTH                = 1 << 5,
  TERN_SMTP_EXTENSION_ENHANCEDSTATUSCODES = 1 << 6,
  TERN_SMTP_EXTENSION_DSN                 = 1 << 7,
  TERN_SMTP_EXTENSION_CHUNKING            = 1 << 8,
} TernSmtpExtension;

#define TERN_SMTP_TYPE_CAPABILITIES (tern_smtp_capabilities_get_type ())

G_DECLARE_FINAL_TYPE (TernSmtpCapabilities, tern_smtp_capabilities, TERN_SMTP, CAPABILITIES, GObject)

TernSmtpCapabilities *tern_smtp_capabilities_new            (void);
TernSmtpCapabilities *tern_smtp_capabilities_new_from_reply (TernSmtpReply        *ehlo);

TernSmtpExtension     tern_smtp_capabilities_get_extensions (TernSmtpCapabilities *self);
gboolean              tern_smtp_capabilities_has            (TernSmtpCapabilities *self,
                                                             TernSmtpExtension     extension);
gboolean              tern_smtp_capabilities_has_keyword    (TernSmtpCapabilities *self,
                                                             const char           *keyword);
guint64               tern_smtp_capabilities_get_size_limit (TernSmtpCapabilities *self);
gboolean              tern_smtp_capabilities_has_auth       (TernSmtpCapabilities *self,
                                                             const char           *mechanism);
const char * const   *tern_smtp_capabilities_get_auth_mechanisms (TernSmtpCapabilities *self);
const char           *tern_smtp_capabilities_get_domain     (TernSmtpCapabilities *self);

G_END_DECLS
