/* tern-ui-application.h
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"
#include "tern-ui-notifier.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_APPLICATION (tern_ui_application_get_type ())

G_DECLARE_FINAL_TYPE (TernUiApplication, tern_ui_application, TERN_UI, APPLICATION, AdwApplication)

TernUiApplication *tern_ui_application_new          (void);
GSettings         *tern_ui_application_get_settings (TernUiApplication *self);
const GError      *tern_ui_application_get_tls_error (TernUiApplication *self);
TernMail          *tern_ui_application_get_mail      (TernUiApplication *self);
gboolean           tern_ui_application_get_syncing   (TernUiApplication *self);
void               tern_ui_application_sync          (TernUiApplication *self);
void               tern_ui_application_start_mail    (TernUiApplication *self);
void               tern_ui_application_add_account   (TernUiApplication *self);
TernUiNotifier    *tern_ui_application_get_notifier  (TernUiApplication *self);

G_END_DECLS
