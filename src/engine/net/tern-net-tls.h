/* tern-net-tls.h: TLS availability
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean tern_net_tls_check_available (GError **error);

G_END_DECLS
