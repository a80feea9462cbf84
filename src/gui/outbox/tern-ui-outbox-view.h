/* tern-ui-outbox-view.h: the messages waiting in an account's outbox
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_OUTBOX_VIEW (tern_ui_outbox_view_get_type ())
G_DECLARE_FINAL_TYPE (TernUiOutboxView, tern_ui_outbox_view, TERN_UI, OUTBOX_VIEW, GtkWidget)

GtkWidget *tern_ui_outbox_view_new         (void);
void       tern_ui_outbox_view_set_mail    (TernUiOutboxView *self,
                                            TernMail         *mail);
void       tern_ui_outbox_view_show        (TernUiOutboxView *self,
                                            TernMailAccount  *account);
void       tern_ui_outbox_view_refresh     (TernUiOutboxView *self);
guint      tern_ui_outbox_view_get_n_rows  (TernUiOutboxView *self);
GtkWidget *tern_ui_outbox_view_get_row     (TernUiOutboxView *self,
                                            guint             position);
char      *tern_ui_outbox_view_dup_state_text (TernUiOutboxView *self,
                                            guint             position);

G_END_DECLS
