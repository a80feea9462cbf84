/* tern-ui-reader-pane.h: the window's reader pane until TernUiMessageView lands: a
 * message's headers and plain text, read only
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_READER_PANE (tern_ui_reader_pane_get_type ())
G_DECLARE_FINAL_TYPE (TernUiReaderPane, tern_ui_reader_pane, TERN_UI, READER_PANE, GtkWidget)

TernUiReaderPane *tern_ui_reader_pane_new            (void);
void              tern_ui_reader_pane_set_mail       (TernUiReaderPane *self,
                                                      TernMail         *mail);
void              tern_ui_reader_pane_show_message   (TernUiReaderPane *self,
                                                      TernStoreMessage *message);
void              tern_ui_reader_pane_show_selection (TernUiReaderPane *self,
                                                      guint             n_selected);
void              tern_ui_reader_pane_clear          (TernUiReaderPane *self);
gint64            tern_ui_reader_pane_get_message_id (TernUiReaderPane *self);
const char       *tern_ui_reader_pane_get_body_text  (TernUiReaderPane *self);

G_END_DECLS
