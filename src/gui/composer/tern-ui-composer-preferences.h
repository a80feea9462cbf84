/* tern-ui-composer-preferences.h: the Composing page of the preferences
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_COMPOSER_PREFERENCES (tern_ui_composer_preferences_get_type ())
G_DECLARE_FINAL_TYPE (TernUiComposerPreferences, tern_ui_composer_preferences, TERN_UI, COMPOSER_PREFERENCES,
                      AdwPreferencesPage)

AdwPreferencesPage *tern_ui_composer_preferences_new (GSettings *settings,
                                                      TernMail  *mail);

G_END_DECLS
