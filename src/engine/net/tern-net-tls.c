/* tern-net-tls.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-net-error.h"
#include "tern-net-tls.h"

/**
 * tern_net_tls_check_available:
 * @error: return location for a #TERN_NET_ERROR_NO_TLS_BACKEND error
 *
 * GIO loads its TLS implementation from a module (glib-networking). Without it
 * every TLS connection fails with a terse "TLS support is not available"; Tern
 * checks once at start-up and says what to install instead.
 *
 * Returns: %TRUE when TLS connections can be made
 */
gboolean
tern_net_tls_check_available (GError **error)
{
  GTlsBackend *backend = g_tls_backend_get_default ();

  if (backend != NULL && g_tls_backend_supports_tls (backend))
    return TRUE;

  g_set_error (error, TERN_NET_ERROR, TERN_NET_ERROR_NO_TLS_BACKEND,
               _("No TLS support is available, so Tern cannot connect to mail servers securely. "
                 "Install glib-networking (Debian and Ubuntu: glib-networking; Fedora: glib-networking)."));
  return FALSE;
}
