/* tern-autoconfig.h: find the mail servers of an e-mail address
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-autoconfig-error.h"
#include "tern-autoconfig-result.h"
#include "tern-autoconfig-server.h"
#include "tern-autoconfig-step.h"
#include "tern-autoconfig-types.h"
#include "tern-diagnosis.h"
#include "tern-probe.h"
#include "tern-provider-db.h"

G_BEGIN_DECLS

/* The whole detection, DNS and probes included, ends within this time. */
#define TERN_AUTOCONFIG_TIMEOUT_MS 10000

#define TERN_TYPE_AUTOCONFIG (tern_autoconfig_get_type ())

G_DECLARE_FINAL_TYPE (TernAutoconfig, tern_autoconfig, TERN, AUTOCONFIG, GObject)

TernAutoconfig       *tern_autoconfig_new             (void);

void                  tern_autoconfig_set_resolver    (TernAutoconfig       *self,
                                                       GResolver            *resolver);
GResolver            *tern_autoconfig_get_resolver    (TernAutoconfig       *self);
void                  tern_autoconfig_set_provider_db (TernAutoconfig       *self,
                                                       TernProviderDb       *db);
TernProviderDb       *tern_autoconfig_get_provider_db (TernAutoconfig       *self);

void                  tern_autoconfig_detect_async    (TernAutoconfig       *self,
                                                       const char           *address,
                                                       TernAutoconfigFlags   flags,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
TernAutoconfigResult *tern_autoconfig_detect_finish   (TernAutoconfig       *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

G_END_DECLS
