/* tern-autoconfig-result.h: what account detection found, and how
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-autoconfig-server.h"
#include "tern-autoconfig-step.h"
#include "tern-autoconfig-types.h"

G_BEGIN_DECLS

#define TERN_TYPE_AUTOCONFIG_RESULT (tern_autoconfig_result_get_type ())

G_DECLARE_FINAL_TYPE (TernAutoconfigResult, tern_autoconfig_result, TERN, AUTOCONFIG_RESULT, GObject)

const char                 *tern_autoconfig_result_get_address        (TernAutoconfigResult   *self);
TernAutoconfigSource        tern_autoconfig_result_get_source         (TernAutoconfigResult   *self);
const char                 *tern_autoconfig_result_get_provider_name  (TernAutoconfigResult   *self);

const TernAutoconfigServer *tern_autoconfig_result_get_server         (TernAutoconfigResult   *self,
                                                                       TernAutoconfigProtocol  protocol);
GPtrArray                  *tern_autoconfig_result_get_servers        (TernAutoconfigResult   *self,
                                                                       TernAutoconfigProtocol  protocol);
const TernAutoconfigServer *tern_autoconfig_result_get_incoming       (TernAutoconfigResult   *self,
                                                                       TernAutoconfigProtocol  preferred);
GPtrArray                  *tern_autoconfig_result_get_steps          (TernAutoconfigResult   *self);
const TernAutoconfigServer *tern_autoconfig_result_get_untrusted_server (TernAutoconfigResult *self);

gboolean                    tern_autoconfig_result_apply              (TernAutoconfigResult   *self,
                                                                       TernAccount            *account,
                                                                       GError                **error);

G_END_DECLS
