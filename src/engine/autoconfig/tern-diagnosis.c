/* tern-diagnosis.c
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "tern-account-error.h"
#include "tern-autoconfig-error.h"
#include "tern-diagnosis.h"
#include "tern-imap-error.h"
#include "tern-net-error.h"
#include "tern-pop3-error.h"
#include "tern-smtp-error.h"

/*
 * TernDiagnosis turns the GError of a failed connection, probe or login into one of a
 * few classes, a short title and a sentence that says what happened and what to try.
 * For an untrusted certificate it also carries the certificate and what a person needs
 * to decide about it: fingerprint, subject, issuer, validity, and the names it covers.
 *
 * The classes come from the error's domain and code, never from its text:
 *  - GResolverError, GIOErrorEnum, GTlsError: name resolution, TCP and TLS;
 *  - TERN_NET_ERROR: the connection layer (certificate, STARTTLS, insecure login);
 *  - TERN_AUTOCONFIG_ERROR: probes;
 *  - the protocol clients' domains (IMAP, POP3, SMTP) for a rejected login, a missing
 *    login method and server errors;
 *  - the store's, the sync's and the MIME layer's domains, by name too (they are above
 *    this module): a failure on this computer, not on the network, which a sync
 *    reports through the same diagnosis. They are matched by the domain's registered name
 *    ("TernImapError", "TernPop3Error", "TernSmtpError", G_DEFINE_EXTENDED_ERROR's
 *    naming, or the "tern-...-error-quark" of G_DEFINE_QUARK): this module uses their
 *    enumerations, which are only constants, and none of their functions, so it does not
 *    need their code linked in.
 */

struct _TernDiagnosis
{
  GObject               parent_instance;

  TernDiagnosisKind     kind;
  char                 *title;
  char                 *explanation;
  char                 *detail;

  GTlsCertificate      *certificate;
  GTlsCertificateFlags  certificate_errors;
  char                 *fingerprint;
  char                 *subject;
  char                 *issuer;
  GDateTime            *not_before;
  GDateTime            *not_after;
  GStrv                 host_names;
};

G_DEFINE_FINAL_TYPE (TernDiagnosis, tern_diagnosis, G_TYPE_OBJECT)

const char *
tern_diagnosis_kind_to_string (TernDiagnosisKind kind)
{
  static const char * const names[] = {
    [TERN_DIAGNOSIS_HOST_NOT_FOUND] = "host-not-found",
    [TERN_DIAGNOSIS_CONNECTION_REFUSED] = "connection-refused",
    [TERN_DIAGNOSIS_TIMED_OUT] = "timed-out",
    [TERN_DIAGNOSIS_NETWORK_UNREACHABLE] = "network-unreachable",
    [TERN_DIAGNOSIS_TLS_FAILED] = "tls-failed",
    [TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED] = "certificate-untrusted",
    [TERN_DIAGNOSIS_STARTTLS_UNAVAILABLE] = "starttls-unavailable",
    [TERN_DIAGNOSIS_INSECURE] = "insecure",
    [TERN_DIAGNOSIS_LOGIN_REJECTED] = "login-rejected",
    [TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED] = "mechanism-unsupported",
    [TERN_DIAGNOSIS_SERVER_ERROR] = "server-error",
    [TERN_DIAGNOSIS_PROTOCOL_ERROR] = "protocol-error",
    [TERN_DIAGNOSIS_CONNECTION_LOST] = "connection-lost",
    [TERN_DIAGNOSIS_NO_TLS_BACKEND] = "no-tls-backend",
    [TERN_DIAGNOSIS_CANCELLED] = "cancelled",
    [TERN_DIAGNOSIS_LOCAL_ERROR] = "local-error",
    [TERN_DIAGNOSIS_OTHER] = "other",
  };

  g_return_val_if_fail (kind < G_N_ELEMENTS (names), NULL);

  return names[kind];
}

static gboolean
domain_is (const GError *error,
           const char   *extended_name,
           const char   *quark_name)
{
  const char *name = g_quark_to_string (error->domain);

  return g_strcmp0 (name, extended_name) == 0 || g_strcmp0 (name, quark_name) == 0;
}

static TernDiagnosisKind
classify (const GError *error,
          gboolean     *tls_expected)
{
  *tls_expected = FALSE;

  if (error->domain == G_RESOLVER_ERROR)
    {
      if (error->code == G_RESOLVER_ERROR_NOT_FOUND || error->code == G_RESOLVER_ERROR_TEMPORARY_FAILURE)
        return TERN_DIAGNOSIS_HOST_NOT_FOUND;
      return TERN_DIAGNOSIS_OTHER;
    }

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_HOST_NOT_FOUND:
          return TERN_DIAGNOSIS_HOST_NOT_FOUND;
        case G_IO_ERROR_CONNECTION_REFUSED:
          return TERN_DIAGNOSIS_CONNECTION_REFUSED;
        case G_IO_ERROR_TIMED_OUT:
          return TERN_DIAGNOSIS_TIMED_OUT;
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          return TERN_DIAGNOSIS_NETWORK_UNREACHABLE;
        case G_IO_ERROR_BROKEN_PIPE:   /* = G_IO_ERROR_CONNECTION_CLOSED */
        case G_IO_ERROR_NOT_CONNECTED:
          return TERN_DIAGNOSIS_CONNECTION_LOST;
        case G_IO_ERROR_CANCELLED:
          return TERN_DIAGNOSIS_CANCELLED;
        default:
          return TERN_DIAGNOSIS_OTHER;
        }
    }

  if (error->domain == G_TLS_ERROR)
    {
      /* The end of the stream without close_notify: the TLS connection was up. */
      if (error->code == G_TLS_ERROR_EOF)
        return TERN_DIAGNOSIS_CONNECTION_LOST;
      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        return TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED;
      if (error->code == G_TLS_ERROR_UNAVAILABLE)
        return TERN_DIAGNOSIS_NO_TLS_BACKEND;
      return TERN_DIAGNOSIS_TLS_FAILED;
    }

  if (error->domain == TERN_NET_ERROR)
    {
      switch ((TernNetError) error->code)
        {
        case TERN_NET_ERROR_NO_TLS_BACKEND:
          return TERN_DIAGNOSIS_NO_TLS_BACKEND;
        case TERN_NET_ERROR_CERTIFICATE_UNTRUSTED:
          return TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED;
        case TERN_NET_ERROR_TLS_FAILED:
          return TERN_DIAGNOSIS_TLS_FAILED;
        case TERN_NET_ERROR_STARTTLS_UNAVAILABLE:
          return TERN_DIAGNOSIS_STARTTLS_UNAVAILABLE;
        case TERN_NET_ERROR_INSECURE:
          return TERN_DIAGNOSIS_INSECURE;
        case TERN_NET_ERROR_CLOSED:
          return TERN_DIAGNOSIS_CONNECTION_LOST;
        case TERN_NET_ERROR_LINE_TOO_LONG:
        case TERN_NET_ERROR_PROTOCOL:
          return TERN_DIAGNOSIS_PROTOCOL_ERROR;
        default:
          return TERN_DIAGNOSIS_OTHER;
        }
    }

  if (error->domain == TERN_AUTOCONFIG_ERROR)
    {
      switch ((TernAutoconfigError) error->code)
        {
        case TERN_AUTOCONFIG_ERROR_TLS_EXPECTED:
          *tls_expected = TRUE;
          return TERN_DIAGNOSIS_TLS_FAILED;
        case TERN_AUTOCONFIG_ERROR_SERVER:
          return TERN_DIAGNOSIS_SERVER_ERROR;
        case TERN_AUTOCONFIG_ERROR_PROTOCOL:
          return TERN_DIAGNOSIS_PROTOCOL_ERROR;
        case TERN_AUTOCONFIG_ERROR_INVALID_ADDRESS:
        case TERN_AUTOCONFIG_ERROR_NOT_FOUND:
        case TERN_AUTOCONFIG_ERROR_INVALID_DATABASE:
        default:
          return TERN_DIAGNOSIS_OTHER;
        }
    }

  if (domain_is (error, "TernImapError", "tern-imap-error-quark"))
    {
      switch (error->code)
        {
        case TERN_IMAP_ERROR_AUTHENTICATION_FAILED:
          return TERN_DIAGNOSIS_LOGIN_REJECTED;
        case TERN_IMAP_ERROR_UNSUPPORTED:
          return TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED;
        case TERN_IMAP_ERROR_NO:
        case TERN_IMAP_ERROR_BAD:
        case TERN_IMAP_ERROR_BYE:
          return TERN_DIAGNOSIS_SERVER_ERROR;
        case TERN_IMAP_ERROR_PARSE:
        case TERN_IMAP_ERROR_TOO_LARGE:
        case TERN_IMAP_ERROR_PROTOCOL:
          return TERN_DIAGNOSIS_PROTOCOL_ERROR;
        default:
          return TERN_DIAGNOSIS_OTHER;
        }
    }

  if (domain_is (error, "TernPop3Error", "tern-pop3-error-quark"))
    {
      switch (error->code)
        {
        case TERN_POP3_ERROR_AUTHENTICATION_FAILED:
          return TERN_DIAGNOSIS_LOGIN_REJECTED;
        case TERN_POP3_ERROR_NOT_SUPPORTED:
          return TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED;
        case TERN_POP3_ERROR_ERR:
        case TERN_POP3_ERROR_IN_USE:
        case TERN_POP3_ERROR_LOGIN_DELAY:
        case TERN_POP3_ERROR_TEMPORARY:
        case TERN_POP3_ERROR_PERMANENT:
          return TERN_DIAGNOSIS_SERVER_ERROR;
        case TERN_POP3_ERROR_PARSE:
        case TERN_POP3_ERROR_TOO_LARGE:
          return TERN_DIAGNOSIS_PROTOCOL_ERROR;
        default:
          return TERN_DIAGNOSIS_OTHER;
        }
    }

  if (domain_is (error, "TernSmtpError", "tern-smtp-error-quark"))
    {
      switch (error->code)
        {
        case TERN_SMTP_ERROR_AUTHENTICATION_FAILED:
          return TERN_DIAGNOSIS_LOGIN_REJECTED;
        case TERN_SMTP_ERROR_NOT_SUPPORTED:
          return TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED;
        case TERN_SMTP_ERROR_PARSE:
          return TERN_DIAGNOSIS_PROTOCOL_ERROR;
        case TERN_SMTP_ERROR_PERMANENT:
        case TERN_SMTP_ERROR_TEMPORARY:
        case TERN_SMTP_ERROR_SERVICE_UNAVAILABLE:
        case TERN_SMTP_ERROR_AUTHENTICATION_REQUIRED:
        case TERN_SMTP_ERROR_MESSAGE_TOO_LARGE:
        case TERN_SMTP_ERROR_SENDER_REJECTED:
        case TERN_SMTP_ERROR_RECIPIENTS_REJECTED:
          return TERN_DIAGNOSIS_SERVER_ERROR;
        default:
          return TERN_DIAGNOSIS_OTHER;
        }
    }

  if (domain_is (error, "TernStoreError", "tern-store-error-quark") ||
      domain_is (error, "TernSyncError", "tern-sync-error-quark") ||
      domain_is (error, "TernMimeError", "tern-mime-error-quark"))
    return TERN_DIAGNOSIS_LOCAL_ERROR;

  return TERN_DIAGNOSIS_OTHER;
}

static void
read_certificate (TernDiagnosis   *self,
                  GTlsCertificate *certificate)
{
  g_autoptr(GPtrArray) dns_names = NULL;
  g_autoptr(GPtrArray) ip_addresses = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  self->certificate = g_object_ref (certificate);
  self->fingerprint = tern_net_certificate_get_fingerprint (certificate);
  self->subject = g_tls_certificate_get_subject_name (certificate);
  self->issuer = g_tls_certificate_get_issuer_name (certificate);
  self->not_before = g_tls_certificate_get_not_valid_before (certificate);
  self->not_after = g_tls_certificate_get_not_valid_after (certificate);

  dns_names = g_tls_certificate_get_dns_names (certificate);
  for (guint i = 0; dns_names != NULL && i < dns_names->len; i++)
    {
      gsize size = 0;
      const char *data = g_bytes_get_data (dns_names->pdata[i], &size);

      if (data != NULL && g_utf8_validate_len (data, size, NULL))
        g_ptr_array_add (names, g_strndup (data, size));
    }

  ip_addresses = g_tls_certificate_get_ip_addresses (certificate);
  for (guint i = 0; ip_addresses != NULL && i < ip_addresses->len; i++)
    g_ptr_array_add (names, g_inet_address_to_string (ip_addresses->pdata[i]));

  g_ptr_array_add (names, NULL);
  self->host_names = (GStrv) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static void
explain (TernDiagnosis *self,
         const GError  *error,
         const char    *host,
         guint16        port,
         gboolean       tls_expected)
{
  g_autofree char *where = NULL;

  if (host != NULL && port != 0)
    where = g_strdup_printf ("%s:%u", host, port);
  else if (host != NULL)
    where = g_strdup (host);
  else
    where = g_strdup (_("the server"));

  switch (self->kind)
    {
    case TERN_DIAGNOSIS_HOST_NOT_FOUND:
      self->title = g_strdup (_("Server not found"));
      self->explanation = g_strdup_printf (_("The server name “%s” could not be found. Check its spelling; "
                                             "if it is right, this computer may be offline or its name "
                                             "servers may not be answering."),
                                           host != NULL ? host : where);
      break;

    case TERN_DIAGNOSIS_CONNECTION_REFUSED:
      self->title = g_strdup (_("Connection refused"));
      self->explanation = g_strdup_printf (_("The server was reached, but nothing accepts connections at %s. "
                                             "The port is probably wrong, or the mail service is down."),
                                           where);
      break;

    case TERN_DIAGNOSIS_TIMED_OUT:
      self->title = g_strdup (_("No answer"));
      self->explanation = g_strdup_printf (_("%s did not answer in time. A firewall may be dropping the "
                                             "connection, the port may be wrong, or the server is overloaded."),
                                           where);
      break;

    case TERN_DIAGNOSIS_NETWORK_UNREACHABLE:
      self->title = g_strdup (_("Network unreachable"));
      self->explanation = g_strdup_printf (_("This computer has no route to %s. Check the network connection."),
                                           where);
      break;

    case TERN_DIAGNOSIS_TLS_FAILED:
      self->title = g_strdup (_("Secure connection failed"));
      if (tls_expected)
        self->explanation = g_strdup_printf (_("%s expects an encrypted (TLS) connection from the first byte. "
                                               "Choose “TLS” for this server instead of STARTTLS or no encryption."),
                                             where);
      else
        self->explanation = g_strdup_printf (_("The encrypted (TLS) connection to %s could not be set up: %s. "
                                               "If this port expects STARTTLS, or TLS from the first byte, "
                                               "choose that instead."),
                                             where, error->message);
      break;

    case TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED:
      {
        g_autofree char *reasons = tern_net_describe_certificate_errors (self->certificate_errors);

        self->title = g_strdup (_("Certificate not trusted"));
        if (self->certificate != NULL)
          self->explanation = g_strdup_printf (_("The certificate of %s is not trusted: %s. Tern sent nothing "
                                                 "secret. If your provider confirms that this is its certificate "
                                                 "(compare the fingerprint), you can trust exactly this certificate."),
                                               host != NULL ? host : where, reasons);
        else
          self->explanation = g_strdup_printf (_("The certificate of %s is not trusted: %s"),
                                               host != NULL ? host : where, error->message);
        break;
      }

    case TERN_DIAGNOSIS_STARTTLS_UNAVAILABLE:
      self->title = g_strdup (_("STARTTLS not offered"));
      self->explanation = g_strdup_printf (_("%s does not offer STARTTLS, so the connection cannot be encrypted, "
                                             "and Tern does not fall back to an unencrypted one. Something on the "
                                             "network may be removing STARTTLS from the server’s answers, or the "
                                             "server expects TLS on another port (993, 995 or 465)."),
                                           where);
      break;

    case TERN_DIAGNOSIS_INSECURE:
      self->title = g_strdup (_("Encryption required"));
      self->explanation = g_strdup_printf (_("Logging in to %s would send your password unencrypted. Choose TLS "
                                             "or STARTTLS, or allow unencrypted login for this account explicitly."),
                                           where);
      break;

    case TERN_DIAGNOSIS_LOGIN_REJECTED:
      self->title = g_strdup (_("Login rejected"));
      self->explanation = g_strdup_printf (_("%s rejected the user name or the password. Check both; some "
                                             "providers require an app password for mail programs. "
                                             "The server said: %s"),
                                           where, error->message);
      break;

    case TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED:
      self->title = g_strdup (_("Login method not supported"));
      self->explanation = g_strdup_printf (_("%s does not offer a login method Tern can use for this account: %s"),
                                           where, error->message);
      break;

    case TERN_DIAGNOSIS_SERVER_ERROR:
      self->title = g_strdup (_("Server error"));
      self->explanation = g_strdup_printf (_("%s reported an error: %s"), where, error->message);
      break;

    case TERN_DIAGNOSIS_PROTOCOL_ERROR:
      self->title = g_strdup (_("Unexpected answer"));
      self->explanation = g_strdup_printf (_("%s does not answer like the expected kind of mail server: %s. "
                                             "The port may belong to another service."),
                                           where, error->message);
      break;

    case TERN_DIAGNOSIS_CONNECTION_LOST:
      self->title = g_strdup (_("Connection closed"));
      self->explanation = g_strdup_printf (_("%s closed the connection unexpectedly: %s"), where, error->message);
      break;

    case TERN_DIAGNOSIS_NO_TLS_BACKEND:
      self->title = g_strdup (_("No TLS support"));
      self->explanation = g_strdup (error->message);
      break;

    case TERN_DIAGNOSIS_CANCELLED:
      self->title = g_strdup (_("Cancelled"));
      self->explanation = g_strdup (_("The operation was cancelled."));
      break;

    case TERN_DIAGNOSIS_LOCAL_ERROR:
      self->title = g_strdup (_("Failed on this computer"));
      self->explanation = g_strdup_printf (_("Nothing failed on the network: %s"), error->message);
      break;

    case TERN_DIAGNOSIS_OTHER:
    default:
      self->title = g_strdup (_("Connection failed"));
      /* The account's own words (no password kept: asked at each start) name no
       * connection that failed. */
      if (error->domain == TERN_ACCOUNT_ERROR)
        self->explanation = g_strdup (error->message);
      else
        self->explanation = g_strdup_printf (_("The connection to %s failed: %s"), where, error->message);
      break;
    }
}

/**
 * tern_diagnosis_new_from_error:
 * @error: the error of a connection, a probe or a login
 * @host: (nullable): the server's host name, for the explanation (for a certificate
 *   error, the one the error carries is used when this is %NULL)
 * @port: the server's port, or 0
 *
 * Returns: (transfer full): the diagnosis
 */
TernDiagnosis *
tern_diagnosis_new_from_error (const GError *error,
                               const char   *host,
                               guint16       port)
{
  TernDiagnosis *self;
  gboolean tls_expected = FALSE;

  g_return_val_if_fail (error != NULL, NULL);

  self = g_object_new (TERN_TYPE_DIAGNOSIS, NULL);
  self->kind = classify (error, &tls_expected);
  self->detail = g_strdup (error->message);

  if (host == NULL)
    host = tern_net_error_get_host (error);

  if (self->kind == TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED)
    {
      GTlsCertificate *certificate = tern_net_error_get_certificate (error);

      self->certificate_errors = tern_net_error_get_certificate_errors (error);
      if (certificate != NULL)
        read_certificate (self, certificate);
    }

  explain (self, error, host, port, tls_expected);
  return self;
}

TernDiagnosisKind
tern_diagnosis_get_kind (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), TERN_DIAGNOSIS_OTHER);

  return self->kind;
}

/**
 * tern_diagnosis_get_title:
 *
 * Returns: a few words, such as "Certificate not trusted"
 */
const char *
tern_diagnosis_get_title (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->title;
}

/**
 * tern_diagnosis_get_explanation:
 *
 * Returns: what happened and what to try, in one or two sentences
 */
const char *
tern_diagnosis_get_explanation (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->explanation;
}

/**
 * tern_diagnosis_get_detail:
 *
 * Returns: the original error message, for a "details" section
 */
const char *
tern_diagnosis_get_detail (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->detail;
}

/**
 * tern_diagnosis_get_certificate:
 *
 * Returns: (transfer none) (nullable): the certificate that was not trusted
 */
GTlsCertificate *
tern_diagnosis_get_certificate (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->certificate;
}

GTlsCertificateFlags
tern_diagnosis_get_certificate_errors (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), 0);

  return self->certificate_errors;
}

/**
 * tern_diagnosis_get_fingerprint:
 *
 * Returns: (nullable): "sha256:" and the certificate's SHA-256 in hex, the form
 *   `tern-cli account add --pin-certificate` takes
 */
const char *
tern_diagnosis_get_fingerprint (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->fingerprint;
}

/**
 * tern_diagnosis_get_subject:
 *
 * Returns: (nullable): whom the certificate was issued to (a distinguished name)
 */
const char *
tern_diagnosis_get_subject (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->subject;
}

/**
 * tern_diagnosis_get_issuer:
 *
 * Returns: (nullable): who issued the certificate (a distinguished name)
 */
const char *
tern_diagnosis_get_issuer (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->issuer;
}

/**
 * tern_diagnosis_get_not_valid_before:
 *
 * Returns: (transfer none) (nullable): the start of the certificate's validity
 */
GDateTime *
tern_diagnosis_get_not_valid_before (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->not_before;
}

/**
 * tern_diagnosis_get_not_valid_after:
 *
 * Returns: (transfer none) (nullable): the end of the certificate's validity
 */
GDateTime *
tern_diagnosis_get_not_valid_after (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return self->not_after;
}

/**
 * tern_diagnosis_get_host_names:
 *
 * Returns: (transfer none) (nullable): the DNS names and IP addresses the certificate
 *   is valid for
 */
const char * const *
tern_diagnosis_get_host_names (TernDiagnosis *self)
{
  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  return (const char * const *) self->host_names;
}

static char *
format_time (GDateTime *time)
{
  if (time == NULL)
    return g_strdup (_("unknown"));

  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S UTC");
}

/**
 * tern_diagnosis_format:
 *
 * Returns: (transfer full): the title, the explanation and, for a certificate, its
 *   details, one per line, for a terminal
 */
char *
tern_diagnosis_format (TernDiagnosis *self)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (TERN_IS_DIAGNOSIS (self), NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out, "%s\n%s\n", self->title, self->explanation);

  if (self->certificate != NULL)
    {
      g_autofree char *from = format_time (self->not_before);
      g_autofree char *until = format_time (self->not_after);
      g_autofree char *names = self->host_names != NULL && self->host_names[0] != NULL
                               ? g_strjoinv (", ", self->host_names) : g_strdup (_("none"));

      g_string_append_printf (out, "  %s %s\n", _("Fingerprint:"), self->fingerprint);
      g_string_append_printf (out, "  %s %s\n", _("Issued to:"), self->subject ? self->subject : _("unknown"));
      g_string_append_printf (out, "  %s %s\n", _("Issued by:"), self->issuer ? self->issuer : _("unknown"));
      g_string_append_printf (out, "  %s %s – %s\n", _("Valid:"), from, until);
      g_string_append_printf (out, "  %s %s\n", _("Host names:"), names);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
tern_diagnosis_finalize (GObject *object)
{
  TernDiagnosis *self = TERN_DIAGNOSIS (object);

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->explanation, g_free);
  g_clear_pointer (&self->detail, g_free);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->fingerprint, g_free);
  g_clear_pointer (&self->subject, g_free);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);
  g_clear_pointer (&self->host_names, g_strfreev);

  G_OBJECT_CLASS (tern_diagnosis_parent_class)->finalize (object);
}

static void
tern_diagnosis_class_init (TernDiagnosisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tern_diagnosis_finalize;
}

static void
tern_diagnosis_init (TernDiagnosis *self)
{
}
