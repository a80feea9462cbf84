/* tern-ui-server-form.h: one server's settings, as rows: host, port, security, login
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tern-account.h"

G_BEGIN_DECLS

/**
 * TernUiServerKind:
 * The server's protocol, for its title and its ports' defaults.
 */
typedef enum
{
  TERN_UI_SERVER_IMAP,
  TERN_UI_SERVER_POP3,
  TERN_UI_SERVER_SMTP,
} TernUiServerKind;

#define TERN_UI_TYPE_SERVER_FORM (tern_ui_server_form_get_type ())
G_DECLARE_FINAL_TYPE (TernUiServerForm, tern_ui_server_form, TERN_UI, SERVER_FORM, AdwPreferencesGroup)

TernUiServerForm *tern_ui_server_form_new                 (void);
void              tern_ui_server_form_set_kind            (TernUiServerForm *self,
                                                           TernUiServerKind  kind);
TernUiServerKind  tern_ui_server_form_get_kind            (TernUiServerForm *self);
void              tern_ui_server_form_set_server          (TernUiServerForm *self,
                                                           const char       *host,
                                                           guint16           port,
                                                           TernNetSecurity   security,
                                                           const char       *user);
const char       *tern_ui_server_form_get_host            (TernUiServerForm *self);
guint16           tern_ui_server_form_get_port            (TernUiServerForm *self);
TernNetSecurity   tern_ui_server_form_get_security        (TernUiServerForm *self);
const char       *tern_ui_server_form_get_user            (TernUiServerForm *self);
gboolean          tern_ui_server_form_get_plaintext_confirmed (TernUiServerForm *self);
void              tern_ui_server_form_set_plaintext_confirmed (TernUiServerForm *self,
                                                           gboolean          confirmed);
gboolean          tern_ui_server_form_is_complete         (TernUiServerForm *self);

G_END_DECLS
