/* tern-ui-row-text.h: what a message list row says, as text
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tern_ui_row_text_names             (const char *addresses);
char *tern_ui_row_text_accessible_label  (const char *who,
                                          const char *subject,
                                          const char *date,
                                          guint       n_messages,
                                          gboolean    unread,
                                          gboolean    flagged,
                                          gboolean    attachment,
                                          gboolean    answered,
                                          gboolean    forwarded);

G_END_DECLS
