/* tern-ui-attachments.h: a message's attachments: listed, opened, saved
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mime-message.h"

G_BEGIN_DECLS

GtkWidget *tern_ui_attachment_row_new                  (TernMimePart         *part,
                                                        guint                 index);
void       tern_ui_attachment_open                     (GtkWidget            *from,
                                                        TernMimePart         *part);
void       tern_ui_attachment_save                     (GtkWidget            *from,
                                                        TernMimePart         *part);
void       tern_ui_attachment_save_all                 (GtkWidget            *from,
                                                        GPtrArray            *parts);

void       tern_ui_attachment_write_private_copy_async (TernMimePart         *part,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GFile     *tern_ui_attachment_write_private_copy_finish (GAsyncResult        *result,
                                                        GError              **error);
void       tern_ui_attachment_save_all_to_async        (GPtrArray            *parts,
                                                        GFile                *folder,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
guint      tern_ui_attachment_save_all_to_finish       (GAsyncResult         *result,
                                                        GError              **error);

G_END_DECLS
