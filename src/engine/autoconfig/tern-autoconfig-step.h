/* tern-autoconfig-step.h: one step that account detection tried
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tern-autoconfig-types.h"

G_BEGIN_DECLS

/**
 * TernAutoconfigStep:
 * @source: the source the step belongs to
 * @outcome: what came of it
 * @text: what was tried and what came of it, in words (translated)
 */
typedef struct
{
  TernAutoconfigSource       source;
  TernAutoconfigStepOutcome  outcome;
  char                      *text;
} TernAutoconfigStep;

#define TERN_TYPE_AUTOCONFIG_STEP (tern_autoconfig_step_get_type ())

GType               tern_autoconfig_step_get_type (void) G_GNUC_CONST;

TernAutoconfigStep *tern_autoconfig_step_new      (TernAutoconfigSource       source,
                                                   TernAutoconfigStepOutcome  outcome,
                                                   const char                *text);
TernAutoconfigStep *tern_autoconfig_step_copy     (const TernAutoconfigStep  *step);
void                tern_autoconfig_step_free     (TernAutoconfigStep        *step);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernAutoconfigStep, tern_autoconfig_step_free)

G_END_DECLS
