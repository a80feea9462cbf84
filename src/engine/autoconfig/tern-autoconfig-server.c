/* tern-autoconfig-server.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tern-autoconfig-server.h"

G_DEFINE_BOXED_TYPE (TernAutoconfigServer, tern_autoconfig_server,
                     tern_autoconfig_server_copy, tern_autoconfig_server_free)

TernAutoconfigServer *
tern_autoconfig_server_new (TernAutoconfigProtocol  protocol,
                            const char             *host,
                            guint16                 port,
                            TernNetSecurity         security,
                            const char             *user)
{
  TernAutoconfigServer *server;

  g_return_val_if_fail (host != NULL, NULL);

  server = g_new0 (TernAutoconfigServer, 1);
  server->protocol = protocol;
  server->host = g_strdup (host);
  server->port = port;
  server->security = security;
  server->user = g_strdup (user);

  return server;
}

TernAutoconfigServer *
tern_autoconfig_server_copy (const TernAutoconfigServer *server)
{
  TernAutoconfigServer *copy;

  g_return_val_if_fail (server != NULL, NULL);

  copy = tern_autoconfig_server_new (server->protocol, server->host, server->port,
                                     server->security, server->user);
  copy->auth = server->auth;
  copy->mechanisms = g_strdupv (server->mechanisms);
  copy->certificate = server->certificate ? g_object_ref (server->certificate) : NULL;
  copy->certificate_errors = server->certificate_errors;

  return copy;
}

void
tern_autoconfig_server_free (TernAutoconfigServer *server)
{
  if (server == NULL)
    return;

  g_free (server->host);
  g_free (server->user);
  g_strfreev (server->mechanisms);
  g_clear_object (&server->certificate);
  g_free (server);
}
