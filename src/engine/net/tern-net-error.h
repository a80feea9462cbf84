/* tern-net-error.h: errors of the connection layer
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TERN_NET_ERROR (tern_net_error_quark ())

/**
 * TernNetError:
 * @TERN_NET_ERROR_NO_TLS_BACKEND: GIO has no TLS backend (glib-networking is missing)
 * @TERN_NET_ERROR_CERTIFICATE_UNTRUSTED: the server's certificate did not validate and is
 *   not the pinned one; tern_net_error_get_certificate() gives it, so that the user can see
 *   its fingerprint and pin exactly that certificate
 * @TERN_NET_ERROR_TLS_FAILED: the TLS handshake failed for another reason
 * @TERN_NET_ERROR_STARTTLS_UNAVAILABLE: STARTTLS was required but the server does not offer it
 *   (Tern never falls back to an unencrypted connection)
 * @TERN_NET_ERROR_INSECURE: the operation would send credentials over an unencrypted
 *   connection and the account does not allow it
 * @TERN_NET_ERROR_LINE_TOO_LONG: the server sent a line longer than the limit
 * @TERN_NET_ERROR_CLOSED: the server closed the connection
 * @TERN_NET_ERROR_PROTOCOL: the server sent something the protocol does not allow
 */
typedef enum
{
  TERN_NET_ERROR_NO_TLS_BACKEND,
  TERN_NET_ERROR_CERTIFICATE_UNTRUSTED,
  TERN_NET_ERROR_TLS_FAILED,
  TERN_NET_ERROR_STARTTLS_UNAVAILABLE,
  TERN_NET_ERROR_INSECURE,
  TERN_NET_ERROR_LINE_TOO_LONG,
  TERN_NET_ERROR_CLOSED,
  TERN_NET_ERROR_PROTOCOL,
} TernNetError;

GQuark                tern_net_error_quark            (void);

void                  tern_net_error_set_certificate  (GError               *error,
                                                       GTlsCertificate      *certificate,
                                                       GTlsCertificateFlags  errors,
                                                       const char           *host);
GTlsCertificate      *tern_net_error_get_certificate  (const GError         *error);
GTlsCertificateFlags  tern_net_error_get_certificate_errors (const GError   *error);
const char           *tern_net_error_get_host         (const GError         *error);

char                 *tern_net_certificate_get_fingerprint (GTlsCertificate *certificate);
char                 *tern_net_describe_certificate_errors (GTlsCertificateFlags errors);

G_END_DECLS
