/* tern-mail-account-builder.h: an account from detected and typed settings
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-account.h"
#include "tern-autoconfig-result.h"

G_BEGIN_DECLS

#define TERN_TYPE_MAIL_ACCOUNT_BUILDER (tern_mail_account_builder_get_type ())
G_DECLARE_FINAL_TYPE (TernMailAccountBuilder, tern_mail_account_builder, TERN, MAIL_ACCOUNT_BUILDER, GObject)

TernMailAccountBuilder *tern_mail_account_builder_new              (const char            *email);
TernMailAccountBuilder *tern_mail_account_builder_new_for_account  (TernAccount           *account);

const char *tern_mail_account_builder_get_email            (TernMailAccountBuilder *self);
gboolean    tern_mail_account_builder_is_new               (TernMailAccountBuilder *self);
void        tern_mail_account_builder_set_name             (TernMailAccountBuilder *self,
                                                            const char             *name);
void        tern_mail_account_builder_set_protocol         (TernMailAccountBuilder *self,
                                                            TernAccountProtocol     protocol);
gboolean    tern_mail_account_builder_get_protocol         (TernMailAccountBuilder *self,
                                                            TernAccountProtocol    *protocol);
void        tern_mail_account_builder_set_detected         (TernMailAccountBuilder *self,
                                                            TernAutoconfigResult   *detected);
void        tern_mail_account_builder_set_incoming         (TernMailAccountBuilder *self,
                                                            const char             *host,
                                                            guint16                 port,
                                                            int                     security,
                                                            const char             *user);
void        tern_mail_account_builder_set_outgoing         (TernMailAccountBuilder *self,
                                                            const char             *host,
                                                            guint16                 port,
                                                            int                     security,
                                                            const char             *user);
void        tern_mail_account_builder_set_password         (TernMailAccountBuilder *self,
                                                            const char             *password);
const char *tern_mail_account_builder_get_password         (TernMailAccountBuilder *self);
void        tern_mail_account_builder_set_password_command (TernMailAccountBuilder *self,
                                                            const char             *command);
gboolean    tern_mail_account_builder_set_pinned_certificate (TernMailAccountBuilder *self,
                                                            const char             *pin,
                                                            GError                **error);
void        tern_mail_account_builder_pin_certificate      (TernMailAccountBuilder *self,
                                                            GTlsCertificate        *certificate);
void        tern_mail_account_builder_set_allow_plaintext  (TernMailAccountBuilder *self,
                                                            gboolean                allow);
void        tern_mail_account_builder_set_signature        (TernMailAccountBuilder *self,
                                                            const char             *signature);
void        tern_mail_account_builder_set_ask_password     (TernMailAccountBuilder *self,
                                                            gboolean                ask);

void        tern_mail_account_builder_set_body_days        (TernMailAccountBuilder *self,
                                                            guint                   days);
void        tern_mail_account_builder_set_server_files_sent (TernMailAccountBuilder *self,
                                                            gboolean                by_server);
void        tern_mail_account_builder_set_leave_on_server  (TernMailAccountBuilder *self,
                                                            gboolean                leave);
void        tern_mail_account_builder_set_delete_after_days (TernMailAccountBuilder *self,
                                                            guint                   days);
void        tern_mail_account_builder_set_delete_when_deleted (TernMailAccountBuilder *self,
                                                            gboolean                delete_too);
void        tern_mail_account_builder_set_backup           (TernMailAccountBuilder *self,
                                                            gboolean                backup);

gboolean    tern_mail_account_builder_needs_plaintext      (TernMailAccountBuilder *self);
TernAccount *tern_mail_account_builder_build               (TernMailAccountBuilder *self,
                                                            GError                **error);

G_END_DECLS
