/* tern-mime-mbox-writer.h: writing messages to an mbox file
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

gboolean tern_mime_mbox_write_message (FILE   *out,
                                       gint64  internal_date,
                                       GBytes *raw);

G_END_DECLS
