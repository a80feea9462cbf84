/* tern-diagnosis.h: why a connection or a login failed, in words a person understands
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TernDiagnosisKind:
 * @TERN_DIAGNOSIS_HOST_NOT_FOUND: the server name does not resolve
 * @TERN_DIAGNOSIS_CONNECTION_REFUSED: nothing listens on the port
 * @TERN_DIAGNOSIS_TIMED_OUT: the server did not answer in time
 * @TERN_DIAGNOSIS_NETWORK_UNREACHABLE: no route to the server (offline?)
 * @TERN_DIAGNOSIS_TLS_FAILED: the TLS handshake failed (or the port wants TLS from the
 *   start and got a plain connection)
 * @TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED: the certificate did not validate; the
 *   diagnosis carries it
 * @TERN_DIAGNOSIS_STARTTLS_UNAVAILABLE: STARTTLS was required and is not offered
 * @TERN_DIAGNOSIS_INSECURE: the login would cross an unencrypted connection
 * @TERN_DIAGNOSIS_LOGIN_REJECTED: the server refused the user name or password
 * @TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED: the server offers no login method Tern can use
 * @TERN_DIAGNOSIS_SERVER_ERROR: the server refused with an error of its own (its text
 *   is in the explanation)
 * @TERN_DIAGNOSIS_PROTOCOL_ERROR: the server does not speak the expected protocol
 * @TERN_DIAGNOSIS_CONNECTION_LOST: the connection was closed or reset
 * @TERN_DIAGNOSIS_NO_TLS_BACKEND: GIO has no TLS support (glib-networking missing)
 * @TERN_DIAGNOSIS_CANCELLED: the operation was cancelled
 * @TERN_DIAGNOSIS_LOCAL_ERROR: nothing failed on the network: the local mail store (a
 *   full disk, say), the sync's bookkeeping or the MIME layer failed; the explanation
 *   holds the error's message
 * @TERN_DIAGNOSIS_OTHER: anything else; the explanation holds the error's message
 */
typedef enum
{
  TERN_DIAGNOSIS_HOST_NOT_FOUND,
  TERN_DIAGNOSIS_CONNECTION_REFUSED,
  TERN_DIAGNOSIS_TIMED_OUT,
  TERN_DIAGNOSIS_NETWORK_UNREACHABLE,
  TERN_DIAGNOSIS_TLS_FAILED,
  TERN_DIAGNOSIS_CERTIFICATE_UNTRUSTED,
  TERN_DIAGNOSIS_STARTTLS_UNAVAILABLE,
  TERN_DIAGNOSIS_INSECURE,
  TERN_DIAGNOSIS_LOGIN_REJECTED,
  TERN_DIAGNOSIS_MECHANISM_UNSUPPORTED,
  TERN_DIAGNOSIS_SERVER_ERROR,
  TERN_DIAGNOSIS_PROTOCOL_ERROR,
  TERN_DIAGNOSIS_CONNECTION_LOST,
  TERN_DIAGNOSIS_NO_TLS_BACKEND,
  TERN_DIAGNOSIS_CANCELLED,
  TERN_DIAGNOSIS_LOCAL_ERROR,
  TERN_DIAGNOSIS_OTHER,
} TernDiagnosisKind;

const char *tern_diagnosis_kind_to_string (TernDiagnosisKind kind);

#define TERN_TYPE_DIAGNOSIS (tern_diagnosis_get_type ())

G_DECLARE_FINAL_TYPE (TernDiagnosis, tern_diagnosis, TERN, DIAGNOSIS, GObject)

TernDiagnosis        *tern_diagnosis_new_from_error           (const GError   *error,
                                                               const char     *host,
                                                               guint16         port);

TernDiagnosisKind     tern_diagnosis_get_kind                 (TernDiagnosis  *self);
const char           *tern_diagnosis_get_title                (TernDiagnosis  *self);
const char           *tern_diagnosis_get_explanation          (TernDiagnosis  *self);
const char           *tern_diagnosis_get_detail               (TernDiagnosis  *self);

GTlsCertificate      *tern_diagnosis_get_certificate          (TernDiagnosis  *self);
GTlsCertificateFlags  tern_diagnosis_get_certificate_errors   (TernDiagnosis  *self);
const char           *tern_diagnosis_get_fingerprint          (TernDiagnosis  *self);
const char           *tern_diagnosis_get_subject              (TernDiagnosis  *self);
const char           *tern_diagnosis_get_issuer               (TernDiagnosis  *self);
GDateTime            *tern_diagnosis_get_not_valid_before     (TernDiagnosis  *self);
GDateTime            *tern_diagnosis_get_not_valid_after      (TernDiagnosis  *self);
const char * const   *tern_diagnosis_get_host_names           (TernDiagnosis  *self);

char                 *tern_diagnosis_format                   (TernDiagnosis  *self);

G_END_DECLS
