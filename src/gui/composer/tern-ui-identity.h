/* tern-ui-identity.h: an address to send from: an account's own, or one more of the
 * account's (the `identities` setting), with its signature
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-mail.h"

G_BEGIN_DECLS

#define TERN_UI_TYPE_IDENTITY (tern_ui_identity_get_type ())
G_DECLARE_FINAL_TYPE (TernUiIdentity, tern_ui_identity, TERN_UI, IDENTITY, GObject)

TernMailAccount *tern_ui_identity_get_account   (TernUiIdentity *self);
const char      *tern_ui_identity_get_name      (TernUiIdentity *self);
const char      *tern_ui_identity_get_address   (TernUiIdentity *self);
const char      *tern_ui_identity_get_signature (TernUiIdentity *self);
gboolean         tern_ui_identity_get_is_account (TernUiIdentity *self);
char            *tern_ui_identity_dup_from      (TernUiIdentity *self);

GListStore      *tern_ui_identity_list_new      (TernMail       *mail,
                                                 GSettings      *settings);
guint            tern_ui_identity_list_find     (GListModel     *identities,
                                                 const char     *address);
void             tern_ui_identity_set_signature (GSettings      *settings,
                                                 const char     *address,
                                                 const char     *signature);
void             tern_ui_identity_add           (GSettings      *settings,
                                                 const char     *account,
                                                 const char     *name,
                                                 const char     *address);
void             tern_ui_identity_remove        (GSettings      *settings,
                                                 const char     *address);
void             tern_ui_identity_sync_engine   (TernMail       *mail,
                                                 GSettings      *settings);

G_END_DECLS
