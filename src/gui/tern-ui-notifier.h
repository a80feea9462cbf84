/* tern-ui-notifier.h: desktop notifications of new mail
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_NOTIFIER_ID "new-mail"

#define TERN_UI_TYPE_NOTIFIER (tern_ui_notifier_get_type ())
G_DECLARE_FINAL_TYPE (TernUiNotifier, tern_ui_notifier, TERN_UI, NOTIFIER, GObject)

TernUiNotifier *tern_ui_notifier_new          (GApplication   *application,
                                               TernMail       *mail,
                                               GSettings      *settings);
void            tern_ui_notifier_withdraw     (TernUiNotifier *self);
guint           tern_ui_notifier_get_n_sent   (TernUiNotifier *self);
GNotification  *tern_ui_notifier_get_last     (TernUiNotifier *self);

G_END_DECLS
