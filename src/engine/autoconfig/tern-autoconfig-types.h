/* tern-autoconfig-types.h: the enumerations of account detection
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * TernAutoconfigProtocol:
 * @TERN_AUTOCONFIG_PROTOCOL_IMAP: incoming mail over IMAP
 * @TERN_AUTOCONFIG_PROTOCOL_POP3: incoming mail over POP3
 * @TERN_AUTOCONFIG_PROTOCOL_SMTP: outgoing mail (message submission)
 */
typedef enum
{
  TERN_AUTOCONFIG_PROTOCOL_IMAP,
  TERN_AUTOCONFIG_PROTOCOL_POP3,
  TERN_AUTOCONFIG_PROTOCOL_SMTP,
} TernAutoconfigProtocol;

#define TERN_AUTOCONFIG_N_PROTOCOLS 3

/**
 * TernAutoconfigSource:
 * @TERN_AUTOCONFIG_SOURCE_ISPDB: the provider database shipped with Tern, by the
 *   address's domain
 * @TERN_AUTOCONFIG_SOURCE_SRV: the domain's RFC 6186 SRV records
 * @TERN_AUTOCONFIG_SOURCE_MX: the provider database, by the host name of the domain's
 *   MX server or one of its parent domains
 * @TERN_AUTOCONFIG_SOURCE_GUESS: probes of the usual host names and ports
 */
typedef enum
{
  TERN_AUTOCONFIG_SOURCE_ISPDB,
  TERN_AUTOCONFIG_SOURCE_SRV,
  TERN_AUTOCONFIG_SOURCE_MX,
  TERN_AUTOCONFIG_SOURCE_GUESS,
} TernAutoconfigSource;

/**
 * TernAutoconfigFlags:
 * @TERN_AUTOCONFIG_FLAGS_NONE: every source
 * @TERN_AUTOCONFIG_FLAGS_OFFLINE: only the shipped provider database: no DNS query and
 *   no connection at all
 */
typedef enum
{
  TERN_AUTOCONFIG_FLAGS_NONE    = 0,
  TERN_AUTOCONFIG_FLAGS_OFFLINE = 1 << 0,
} TernAutoconfigFlags;

/**
 * TernAutoconfigAuth:
 *
 * How a server lets users log in, as the provider database lists it or as a probe's
 * capabilities show it. 0 means unknown.
 */
typedef enum
{
  TERN_AUTOCONFIG_AUTH_PASSWORD_CLEARTEXT = 1 << 0,   /* PLAIN, LOGIN, USER/PASS */
  TERN_AUTOCONFIG_AUTH_PASSWORD_ENCRYPTED = 1 << 1,   /* CRAM-MD5, SCRAM-*, DIGEST-MD5 */
  TERN_AUTOCONFIG_AUTH_OAUTH2             = 1 << 2,   /* XOAUTH2, OAUTHBEARER */
  TERN_AUTOCONFIG_AUTH_NONE               = 1 << 3,   /* no login at all */
  TERN_AUTOCONFIG_AUTH_GSSAPI             = 1 << 4,
  TERN_AUTOCONFIG_AUTH_NTLM               = 1 << 5,
  TERN_AUTOCONFIG_AUTH_CLIENT_IP_ADDRESS  = 1 << 6,
  TERN_AUTOCONFIG_AUTH_TLS_CLIENT_CERT    = 1 << 7,
  TERN_AUTOCONFIG_AUTH_SMTP_AFTER_POP     = 1 << 8,
} TernAutoconfigAuth;

/**
 * TernAutoconfigStepOutcome:
 * @TERN_AUTOCONFIG_STEP_FOUND: the step found settings (not necessarily the winners)
 * @TERN_AUTOCONFIG_STEP_NOTHING: the step worked and found nothing (no such record,
 *   domain not listed, service not offered)
 * @TERN_AUTOCONFIG_STEP_FAILED: the step could not be completed (timeout, refused, ...)
 * @TERN_AUTOCONFIG_STEP_SKIPPED: the step was not tried (offline, or an earlier source won)
 */
typedef enum
{
  TERN_AUTOCONFIG_STEP_FOUND,
  TERN_AUTOCONFIG_STEP_NOTHING,
  TERN_AUTOCONFIG_STEP_FAILED,
  TERN_AUTOCONFIG_STEP_SKIPPED,
} TernAutoconfigStepOutcome;

const char *tern_autoconfig_protocol_to_string     (TernAutoconfigProtocol    protocol);
gboolean    tern_autoconfig_protocol_from_string   (const char               *str,
                                                    TernAutoconfigProtocol   *protocol);
const char *tern_autoconfig_source_to_string       (TernAutoconfigSource      source);
const char *tern_autoconfig_step_outcome_to_string (TernAutoconfigStepOutcome outcome);
char       *tern_autoconfig_auth_to_string         (TernAutoconfigAuth        auth);
TernAutoconfigAuth tern_autoconfig_auth_from_string (const char              *name);
TernAutoconfigAuth tern_autoconfig_auth_from_mechanisms (const char * const  *mechanisms);

gboolean    tern_autoconfig_split_address          (const char               *address,
                                                    char                    **local_part,
                                                    char                    **domain,
                                                    GError                  **error);

G_END_DECLS
