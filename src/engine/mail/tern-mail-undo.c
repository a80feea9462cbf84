/* tern-mail-undo.c: what undoing an operation needs
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An operation's tern_mail_operation_finish() hands one out; tern_mail_undo_async()
 * does the opposite operation, through the journal like any other, so that the undo
 * is exact on the server whether or not the operation had reached it already. The
 * object holds ids and prior states only, no reference to the engine.
 */
#include "config.h"

#include "tern-mail-private.h"
#include "tern-sync-journal.h"

G_DEFINE_BOXED_TYPE (TernMailUndo, tern_mail_undo, tern_mail_undo_ref, tern_mail_undo_unref)

TernMailUndo *
_tern_mail_undo_new (TernMailUndoKind kind)
{
  TernMailUndo *undo = g_new0 (TernMailUndo, 1);

  g_atomic_ref_count_init (&undo->ref_count);
  undo->kind = kind;
  return undo;
}

TernMailUndo *
tern_mail_undo_ref (TernMailUndo *undo)
{
  g_return_val_if_fail (undo != NULL, NULL);
  g_atomic_ref_count_inc (&undo->ref_count);
  return undo;
}

void
tern_mail_undo_unref (TernMailUndo *undo)
{
  if (undo == NULL || !g_atomic_ref_count_dec (&undo->ref_count))
    return;
  g_clear_pointer (&undo->prior, g_array_unref);
  g_clear_pointer (&undo->ids, g_array_unref);
  g_free (undo->path);
  g_free (undo);
}

/**
 * tern_mail_undo_get_n_messages:
 *
 * Returns: how many messages the undo gives back (0 for a folder operation)
 */
guint
tern_mail_undo_get_n_messages (TernMailUndo *undo)
{
  g_return_val_if_fail (undo != NULL, 0);

  if (undo->kind == TERN_MAIL_UNDO_UNQUEUE)
    return 1;
  if (undo->prior != NULL)
    return undo->prior->len;
  if (undo->ids != NULL)
    return undo->ids->len;
  return undo->kind == TERN_MAIL_UNDO_UNQUEUE ? 1 : 0;
}
