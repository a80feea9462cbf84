/* tern-ui-composer.h: the window where a message is written
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-mail.h"
#include "tern-ui-application.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_COMPOSER (tern_ui_composer_get_type ())
G_DECLARE_FINAL_TYPE (TernUiComposer, tern_ui_composer, TERN_UI, COMPOSER, AdwApplicationWindow)

TernUiComposer        *tern_ui_composer_new               (TernUiApplication           *application);
TernUiComposer        *tern_ui_composer_open              (TernUiApplication           *application);
TernUiComposer        *tern_ui_composer_open_composition  (TernUiApplication           *application,
                                                           const TernOutboxComposition *composition,
                                                           gboolean                     add_signature);
TernUiComposer        *tern_ui_composer_open_reply        (TernUiApplication           *application,
                                                           gint64                       message_id,
                                                           TernOutboxReplyKind          kind);
TernUiComposer        *tern_ui_composer_open_draft        (TernUiApplication           *application,
                                                           gint64                       message_id);
TernUiComposer        *tern_ui_composer_open_mailto       (TernUiApplication           *application,
                                                           const char                  *uri);
TernUiComposer        *tern_ui_composer_open_outbox_entry (TernUiApplication           *application,
                                                           gint64                       outbox_id);

void                   tern_ui_composer_set_composition   (TernUiComposer              *self,
                                                           const TernOutboxComposition *composition,
                                                           gboolean                     add_signature);
TernOutboxComposition *tern_ui_composer_dup_composition   (TernUiComposer              *self);
gboolean               tern_ui_composer_get_ready         (TernUiComposer              *self);
gint64                 tern_ui_composer_get_draft_id      (TernUiComposer              *self);
gboolean               tern_ui_composer_get_busy          (TernUiComposer              *self);
void                   tern_ui_composer_add_files         (TernUiComposer              *self,
                                                           GList                       *files);
GtkDropTarget         *tern_ui_composer_get_drop_target   (TernUiComposer              *self);

G_END_DECLS
