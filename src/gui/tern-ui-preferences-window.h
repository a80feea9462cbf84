/* tern-ui-preferences-window.h: Tern's preferences
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TERN_UI_TYPE_PREFERENCES_WINDOW (tern_ui_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TernUiPreferencesWindow, tern_ui_preferences_window, TERN_UI, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

TernUiPreferencesWindow *tern_ui_preferences_window_new (GtkWindow *parent,
                                                         GSettings *settings);

G_END_DECLS
