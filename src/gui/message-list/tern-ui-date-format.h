/* tern-ui-date-format.h: a message's date as the message list shows it
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tern_ui_date_format_short (gint64     unix_time,
                                 GDateTime *now,
                                 gboolean   clock_24h);
char *tern_ui_date_format_long  (gint64     unix_time,
                                 gboolean   clock_24h);
gboolean tern_ui_date_format_prefers_24h (void);

G_END_DECLS
