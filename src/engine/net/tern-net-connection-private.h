/* tern-net-connection-private.h: what the tests may look at inside a connection
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-net-connection.h"

G_BEGIN_DECLS

const guint8 *_tern_net_connection_peek_write_buffer (TernNetConnection *self,
                                                      gsize             *allocated);

G_END_DECLS
