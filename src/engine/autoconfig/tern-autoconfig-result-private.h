/* tern-autoconfig-result-private.h: building a TernAutoconfigResult (TernAutoconfig only)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tern-autoconfig-result.h"

G_BEGIN_DECLS

TernAutoconfigResult *_tern_autoconfig_result_new         (const char                *address);
void                  _tern_autoconfig_result_set_source  (TernAutoconfigResult      *self,
                                                           TernAutoconfigSource       source,
                                                           const char                *provider_name);
void                  _tern_autoconfig_result_add_server  (TernAutoconfigResult      *self,
                                                           TernAutoconfigServer      *server);
void                  _tern_autoconfig_result_sort_by_security (TernAutoconfigResult *self);
gboolean              _tern_autoconfig_result_is_empty    (TernAutoconfigResult      *self);
void                  _tern_autoconfig_result_clear_servers (TernAutoconfigResult    *self);
TernAutoconfigStep   *_tern_autoconfig_result_add_step    (TernAutoconfigResult      *self,
                                                           TernAutoconfigSource       source,
                                                           TernAutoconfigStepOutcome  outcome,
                                                           const char                *text);

G_END_DECLS
