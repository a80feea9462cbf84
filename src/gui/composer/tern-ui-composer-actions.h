/* tern-ui-composer-actions.h: the main window's ways into the composer
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail.h"

G_BEGIN_DECLS

void tern_ui_composer_actions_install (GtkWidgetClass   *window_class);
void tern_ui_composer_actions_update  (GtkWidget        *window,
                                       TernStoreMessage *message);
gboolean tern_ui_composer_actions_open_draft (GtkWidget  *window,
                                       TernStoreMessage *message);

G_END_DECLS
