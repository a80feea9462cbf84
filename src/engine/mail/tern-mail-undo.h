/* tern-mail-undo.h: what undoing an operation needs
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _TernMailUndo TernMailUndo;

#define TERN_TYPE_MAIL_UNDO (tern_mail_undo_get_type ())

GType         tern_mail_undo_get_type       (void) G_GNUC_CONST;
TernMailUndo *tern_mail_undo_ref            (TernMailUndo *undo);
void          tern_mail_undo_unref          (TernMailUndo *undo);
guint         tern_mail_undo_get_n_messages (TernMailUndo *undo);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernMailUndo, tern_mail_undo_unref)

G_END_DECLS
