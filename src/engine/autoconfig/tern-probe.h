/* tern-probe.h: what a mail server offers, learned without logging in
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-autoconfig-types.h"
#include "tern-net-connection.h"

G_BEGIN_DECLS

#define TERN_PROBE_DEFAULT_TIMEOUT 5

#define TERN_TYPE_PROBE (tern_probe_get_type ())

G_DECLARE_FINAL_TYPE (TernProbe, tern_probe, TERN, PROBE, GObject)

TernProbe              *tern_probe_new                      (TernAutoconfigProtocol  protocol,
                                                             const char             *host,
                                                             guint16                 port,
                                                             TernNetSecurity         security);

TernAutoconfigProtocol  tern_probe_get_protocol             (TernProbe              *self);
const char             *tern_probe_get_host                 (TernProbe              *self);
guint16                 tern_probe_get_port                 (TernProbe              *self);
TernNetSecurity         tern_probe_get_security             (TernProbe              *self);

void                    tern_probe_set_timeouts             (TernProbe              *self,
                                                             guint                   connect_seconds,
                                                             guint                   io_seconds);
void                    tern_probe_set_require_trusted      (TernProbe              *self,
                                                             gboolean                require_trusted);
gboolean                tern_probe_set_pinned_certificate   (TernProbe              *self,
                                                             const char             *pin,
                                                             GError                **error);

gboolean                tern_probe_run                      (TernProbe              *self,
                                                             GCancellable           *cancellable,
                                                             GError                **error);
void                    tern_probe_run_async                (TernProbe              *self,
                                                             GCancellable           *cancellable,
                                                             GAsyncReadyCallback     callback,
                                                             gpointer                user_data);
gboolean                tern_probe_run_finish               (TernProbe              *self,
                                                             GAsyncResult           *result,
                                                             GError                **error);

gboolean                tern_probe_get_reached              (TernProbe              *self);
const char             *tern_probe_get_greeting             (TernProbe              *self);
const char * const     *tern_probe_get_capabilities         (TernProbe              *self);
gboolean                tern_probe_has_capability           (TernProbe              *self,
                                                             const char             *name);
gboolean                tern_probe_get_starttls_offered     (TernProbe              *self);
gboolean                tern_probe_get_encrypted            (TernProbe              *self);
const char * const     *tern_probe_get_mechanisms           (TernProbe              *self);
TernAutoconfigAuth      tern_probe_get_auth                 (TernProbe              *self);
GTlsCertificate        *tern_probe_get_peer_certificate     (TernProbe              *self);
GTlsCertificate        *tern_probe_get_untrusted_certificate (TernProbe             *self);
GTlsCertificateFlags    tern_probe_get_certificate_errors   (TernProbe              *self);
const GError           *tern_probe_get_error                (TernProbe              *self);

G_END_DECLS
