/* tern-ui-attachment-list.h: the files attached to a message being written
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_ATTACHMENT_LIST (tern_ui_attachment_list_get_type ())
G_DECLARE_FINAL_TYPE (TernUiAttachmentList, tern_ui_attachment_list, TERN_UI, ATTACHMENT_LIST, GtkWidget)

GtkWidget *tern_ui_attachment_list_new             (void);
void       tern_ui_attachment_list_add             (TernUiAttachmentList       *self,
                                                    const TernOutboxAttachment *attachment);
void       tern_ui_attachment_list_add_files       (TernUiAttachmentList       *self,
                                                    GList                      *files);
void       tern_ui_attachment_list_remove          (TernUiAttachmentList       *self,
                                                    guint                       position);
GPtrArray *tern_ui_attachment_list_dup_attachments (TernUiAttachmentList       *self);
guint      tern_ui_attachment_list_get_n_attachments (TernUiAttachmentList     *self);
guint64    tern_ui_attachment_list_get_total_size  (TernUiAttachmentList       *self);
gboolean   tern_ui_attachment_list_get_loading     (TernUiAttachmentList       *self);

G_END_DECLS
