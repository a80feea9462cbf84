/* tern-autoconfig-private.h: hooks for tests of TernAutoconfig
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-autoconfig.h"

G_BEGIN_DECLS

/* Guessing probes @standard_port (993, 143, 995, 110, 465, 587, 25) on @actual_port
 * instead, so that tests need neither root nor the real ports. */
void _tern_autoconfig_set_port_override (TernAutoconfig *self,
                                         guint16         standard_port,
                                         guint16         actual_port);

/* The time budget: the whole detection, the DNS stage, and each probe's connect and I/O
 * timeouts. 0 keeps the default. */
void _tern_autoconfig_set_timeouts      (TernAutoconfig *self,
                                         guint           total_ms,
                                         guint           dns_ms,
                                         guint           probe_seconds);

G_END_DECLS
