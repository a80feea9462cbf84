/* tern-pop3-capabilities.h: what a POP3 server announced in its CAPA list (RFC 2449)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_POP3_MAX_CAPABILITIES 256

#define TERN_POP3_TYPE_CAPABILITIES (tern_pop3_capabilities_get_type ())

G_DECLARE_FINAL_TYPE (TernPop3Capabilities, tern_pop3_capabilities, TERN_POP3, CAPABILITIES, GObject)

TernPop3Capabilities *tern_pop3_capabilities_new          (void);

gboolean              tern_pop3_capabilities_add_line     (TernPop3Capabilities *self,
                                                           const char           *line,
                                                           gsize                 length,
                                                           GError              **error);

gboolean              tern_pop3_capabilities_has          (TernPop3Capabilities *self,
                                                           const char           *name);
const char           *tern_pop3_capabilities_get_argument (TernPop3Capabilities *self,
                                                           const char           *name);
gboolean              tern_pop3_capabilities_has_sasl     (TernPop3Capabilities *self,
                                                           const char           *mechanism);
guint                 tern_pop3_capabilities_get_n_items  (TernPop3Capabilities *self);
char                 *tern_pop3_capabilities_to_string    (TernPop3Capabilities *self);

G_END_DECLS
