/* ui-screenshot.h: the ui tests' screenshots, WebKit warmed up for them, and waiting on the main loop
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
void  ui_watchdog_start  (void);

void     ui_settle     (guint      ms);
gboolean ui_wait_until (gboolean (*cond) (gpointer),
                        gpointer   data,
                        guint      timeout_ms);

G_END_DECLS
