/* tern-engine.h: the engine's umbrella header
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-account-check.h"
#include "tern-account-sessions.h"
#include "tern-account-error.h"
#include "tern-account-manager.h"
#include "tern-credentials.h"
#include "tern-net-connection.h"
#include "tern-net-error.h"
#include "tern-net-tls.h"

G_BEGIN_DECLS

void         tern_engine_init        (void);
const char  *tern_engine_get_version (void);

G_END_DECLS
