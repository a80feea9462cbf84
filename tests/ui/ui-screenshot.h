/* ui-screenshot.h: the ui tests' screenshots, and WebKit warmed up for them
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *ui_screenshot_save (GtkWidget  *widget,
                          const char *name);
void  ui_webkit_warm_up  (void);

G_END_DECLS
