/* tern-net-sasl.h: SASL client messages, and wiping secrets
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void  tern_net_secret_free        (char       *secret);
char *tern_net_secret_printf      (const char *format,
                                   ...) G_GNUC_PRINTF (1, 2);
void  tern_net_secret_wipe_string (GString    *string);
void  tern_net_secret_string_reserve (GString **string,
                                      gsize     extra,
                                      gboolean  holds_secret);

/* g_autoptr(TernNetSecret) wipes a password, or a string made from one, when freed */
typedef char TernNetSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernNetSecret, tern_net_secret_free)

char *tern_net_sasl_plain        (const char *username,
                                  const char *password);
char *tern_net_sasl_xoauth2      (const char *username,
                                  const char *token);
char *tern_net_sasl_oauthbearer  (const char *username,
                                  const char *host,
                                  guint16     port,
                                  const char *token);

G_END_DECLS
