/* tern-net-error.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-net-error.h"

/* The extended error lets a certificate failure carry the certificate itself, so that
 * the user interface can show it and pin exactly that one. */
typedef struct
{
  GTlsCertificate      *certificate;
  GTlsCertificateFlags  errors;
  char                 *host;
} TernNetErrorPrivate;

static void
tern_net_error_private_init (TernNetErrorPrivate *priv)
{
}

static void
tern_net_error_private_copy (const TernNetErrorPrivate *src,
                             TernNetErrorPrivate       *dest)
{
  dest->certificate = src->certificate ? g_object_ref (src->certificate) : NULL;
  dest->errors = src->errors;
  dest->host = g_strdup (src->host);
}

static void
tern_net_error_private_clear (TernNetErrorPrivate *priv)
{
  g_clear_object (&priv->certificate);
  g_clear_pointer (&priv->host, g_free);
}

/* GLib's macro casts a byte pointer to the aligned private struct; clang warns. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wcast-align"
G_DEFINE_EXTENDED_ERROR (TernNetError, tern_net_error)
#pragma GCC diagnostic pop

void
tern_net_error_set_certificate (GError               *error,
                                GTlsCertificate      *certificate,
                                GTlsCertificateFlags  errors,
                                const char           *host)
{
  TernNetErrorPrivate *priv = tern_net_error_get_private (error);

  g_return_if_fail (priv != NULL);

  g_set_object (&priv->certificate, certificate);
  priv->errors = errors;
  g_free (priv->host);
  priv->host = g_strdup (host);
}

/**
 * tern_net_error_get_certificate:
 *
 * Returns: (transfer none) (nullable): the certificate a %TERN_NET_ERROR_CERTIFICATE_UNTRUSTED
 *   error is about
 */
GTlsCertificate *
tern_net_error_get_certificate (const GError *error)
{
  TernNetErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_NET_ERROR)
    return 0;
  priv = tern_net_error_get_private (error);

  return priv ? priv->certificate : NULL;
}

GTlsCertificateFlags
tern_net_error_get_certificate_errors (const GError *error)
{
  TernNetErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_NET_ERROR)
    return 0;
  priv = tern_net_error_get_private (error);

  return priv ? priv->errors : 0;
}

const char *
tern_net_error_get_host (const GError *error)
{
  TernNetErrorPrivate *priv;

  if (error == NULL || error->domain != TERN_NET_ERROR)
    return 0;
  priv = tern_net_error_get_private (error);

  return priv ? priv->host : NULL;
}

/**
 * tern_net_certificate_get_fingerprint:
 *
 * Returns: (transfer full): "sha256:" and the lower-case hex SHA-256 of the
 *   certificate's DER encoding, the form `tern-cli --pin-certificate` accepts
 */
char *
tern_net_certificate_get_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;

  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strconcat ("sha256:", hex, NULL);
}

/**
 * tern_net_describe_certificate_errors:
 *
 * Returns: (transfer full): the validation failures in words, separated by "; "
 */
char *
tern_net_describe_certificate_errors (GTlsCertificateFlags errors)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (parts, (gpointer) _("it is not signed by a known authority"));
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (parts, (gpointer) _("it was issued for a different server name"));
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (parts, (gpointer) _("it is not valid yet"));
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (parts, (gpointer) _("it has expired"));
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (parts, (gpointer) _("it has been revoked"));
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (parts, (gpointer) _("it uses insecure cryptography"));
  if (errors & G_TLS_CERTIFICATE_GENERIC_ERROR || parts->len == 0)
    g_ptr_array_add (parts, (gpointer) _("it could not be validated"));

  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
}
