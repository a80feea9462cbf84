/* tern-autoconfig-server.h: one server found by account detection
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-autoconfig-types.h"
#include "tern-net-connection.h"

G_BEGIN_DECLS

/**
 * TernAutoconfigServer:
 * @protocol: IMAP, POP3 or SMTP
 * @host: the host name
 * @port: the TCP port
 * @security: how the connection is encrypted
 * @user: the login name for the address (a provider's template expanded, or the whole
 *   address when nothing better is known)
 * @auth: the login methods the provider database lists or the probe saw; 0: unknown
 * @mechanisms: (nullable): the SASL mechanisms a probe saw (after STARTTLS, if any)
 * @certificate: (nullable): the server's certificate when it did not validate (the
 *   user must see it and decide before any password is sent)
 * @certificate_errors: why @certificate did not validate
 *
 * A plain record: detection fills it, and the caller reads it.
 */
typedef struct
{
  TernAutoconfigProtocol  protocol;
  char                   *host;
  guint16                 port;
  TernNetSecurity         security;
  char                   *user;
  TernAutoconfigAuth      auth;
  char                  **mechanisms;
  GTlsCertificate        *certificate;
  GTlsCertificateFlags    certificate_errors;
} TernAutoconfigServer;

#define TERN_TYPE_AUTOCONFIG_SERVER (tern_autoconfig_server_get_type ())

GType                 tern_autoconfig_server_get_type (void) G_GNUC_CONST;

TernAutoconfigServer *tern_autoconfig_server_new      (TernAutoconfigProtocol      protocol,
                                                       const char                 *host,
                                                       guint16                     port,
                                                       TernNetSecurity             security,
                                                       const char                 *user);
TernAutoconfigServer *tern_autoconfig_server_copy     (const TernAutoconfigServer *server);
void                  tern_autoconfig_server_free     (TernAutoconfigServer       *server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TernAutoconfigServer, tern_autoconfig_server_free)

G_END_DECLS
