/* tern-autoconfig-step.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-autoconfig-step.h"

G_DEFINE_BOXED_TYPE (TernAutoconfigStep, tern_autoconfig_step,
                     tern_autoconfig_step_copy, tern_autoconfig_step_free)

TernAutoconfigStep *
tern_autoconfig_step_new (TernAutoconfigSource       source,
                          TernAutoconfigStepOutcome  outcome,
                          const char                *text)
{
  TernAutoconfigStep *step = g_new0 (TernAutoconfigStep, 1);

  step->source = source;
  step->outcome = outcome;
  step->text = g_strdup (text);

  return step;
}

TernAutoconfigStep *
tern_autoconfig_step_copy (const TernAutoconfigStep *step)
{
  g_return_val_if_fail (step != NULL, NULL);

  return tern_autoconfig_step_new (step->source, step->outcome, step->text);
}

void
tern_autoconfig_step_free (TernAutoconfigStep *step)
{
  if (step == NULL)
    return;

  g_free (step->text);
  g_free (step);
}
