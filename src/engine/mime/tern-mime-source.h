/* tern-mime-source.h: a raw message as text a person can read (View Source)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *tern_mime_source_make_visible (const guint8 *data,
                                     gsize         len);

G_END_DECLS
