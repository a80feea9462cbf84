/* tern-account.h: one mail account's settings
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-net-connection.h"

G_BEGIN_DECLS

typedef enum
{
  TERN_ACCOUNT_PROTOCOL_IMAP,
  TERN_ACCOUNT_PROTOCOL_POP3,
} TernAccountProtocol;

const char *tern_account_protocol_to_string   (TernAccountProtocol  protocol);
gboolean    tern_account_protocol_from_string (const char          *str,
                                               TernAccountProtocol *protocol);

guint16     tern_account_default_port         (TernAccountProtocol  protocol,
                                               TernNetSecurity      security);
guint16     tern_account_default_smtp_port    (TernNetSecurity      security);

/**
 * TernServer:
 * @host: host name or address
 * @port: TCP port
 * @security: how the connection is encrypted
 * @user: the login name
 *
 * Where and how to reach one server.
 */
typedef struct
{
  char            *host;
  guint16          port;
  TernNetSecurity  security;
  char            *user;
} TernServer;

#define TERN_TYPE_ACCOUNT (tern_account_get_type ())

G_DECLARE_FINAL_TYPE (TernAccount, tern_account, TERN, ACCOUNT, GObject)

TernAccount         *tern_account_new                    (const char          *email,
                                                          TernAccountProtocol  protocol);

const char          *tern_account_get_email              (TernAccount         *self);
const char          *tern_account_get_name               (TernAccount         *self);
void                 tern_account_set_name               (TernAccount         *self,
                                                          const char          *name);
TernAccountProtocol  tern_account_get_protocol           (TernAccount         *self);

const TernServer    *tern_account_get_incoming           (TernAccount         *self);
void                 tern_account_set_incoming           (TernAccount         *self,
                                                          const char          *host,
                                                          guint16              port,
                                                          TernNetSecurity      security,
                                                          const char          *user);
const TernServer    *tern_account_get_outgoing           (TernAccount         *self);
void                 tern_account_set_outgoing           (TernAccount         *self,
                                                          const char          *host,
                                                          guint16              port,
                                                          TernNetSecurity      security,
                                                          const char          *user);

const char          *tern_account_get_pinned_certificate (TernAccount         *self);
void                 tern_account_set_pinned_certificate (TernAccount         *self,
                                                          const char          *sha256_fingerprint);
const char          *tern_account_get_password_command   (TernAccount         *self);
void                 tern_account_set_password_command   (TernAccount         *self,
                                                          const char          *command);
gboolean             tern_account_get_allow_plaintext_auth (TernAccount       *self);
void                 tern_account_set_allow_plaintext_auth (TernAccount       *self,
                                                          gboolean             allow);
gboolean             tern_account_get_backup             (TernAccount         *self);
void                 tern_account_set_backup             (TernAccount         *self,
                                                          gboolean             backup);
gboolean             tern_account_get_sent_copy_by_server (TernAccount        *self);
void                 tern_account_set_sent_copy_by_server (TernAccount        *self,
                                                          gboolean             by_server);

gboolean             tern_account_get_leave_on_server    (TernAccount         *self);
void                 tern_account_set_leave_on_server    (TernAccount         *self,
                                                          gboolean             leave);
guint                tern_account_get_delete_after_days  (TernAccount         *self);
void                 tern_account_set_delete_after_days  (TernAccount         *self,
                                                          guint                days);
gboolean             tern_account_get_delete_when_deleted (TernAccount        *self);
void                 tern_account_set_delete_when_deleted (TernAccount        *self,
                                                          gboolean             delete_too);

guint                tern_account_get_body_days          (TernAccount         *self);
void                 tern_account_set_body_days          (TernAccount         *self,
                                                          guint                days);

const char          *tern_account_get_signature          (TernAccount         *self);
void                 tern_account_set_signature          (TernAccount         *self,
                                                          const char          *signature);
gboolean             tern_account_get_ask_password       (TernAccount         *self);
void                 tern_account_set_ask_password       (TernAccount         *self,
                                                          gboolean             ask);
const TernServer    *tern_account_get_imap_switch        (TernAccount         *self);
void                 tern_account_set_imap_switch        (TernAccount         *self,
                                                          const char          *host,
                                                          guint16              port,
                                                          TernNetSecurity      security,
                                                          const char          *user);

TernNetConnection   *tern_account_new_connection         (TernAccount         *self,
                                                          const TernServer    *server,
                                                          GError             **error);

G_END_DECLS
