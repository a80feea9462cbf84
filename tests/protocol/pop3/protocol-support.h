/* protocol-support.h: helpers for the POP3 and SMTP tests against the real Dovecot and
 * Postfix of tests/servers/tern-test-servers
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

const char *support_env          (const char          *name);
guint16     support_port         (const char          *name);
char       *support_run          (const char * const  *argv,
                                  const char          *input,
                                  gsize                input_length);
char       *support_doveadm      (const char          *input,
                                  gsize                input_length,
                                  ...) G_GNUC_NULL_TERMINATED;
char       *support_certificate_fingerprint (void);

/* A log writer that keeps the messages of one log domain (a transcript). */
void        support_capture_start (const char         *log_domain);
char       *support_capture_stop  (void);
void        support_install_log_writer (void);

/*
 * A relay on 127.0.0.1 between the client under test and a real server, for one
 * connection:
 *   RELAY_STRIP_STLS      drops "STLS" from the server's CAPA lists
 *   RELAY_STRIP_STARTTLS  drops "STARTTLS" from the server's EHLO replies
 *   RELAY_TLS_FRONT       speaks TLS to the client (the harness's certificate) and plain
 *                         to the server: implicit TLS in front of a plain port
 */
typedef enum
{
  RELAY_STRIP_STLS,
  RELAY_STRIP_STARTTLS,
  RELAY_TLS_FRONT,
} RelayMode;

typedef struct _Relay Relay;

Relay      *relay_new            (guint16    target_port,
                                  RelayMode  mode);
guint16     relay_get_port       (Relay     *self);
guint       relay_get_n_stripped (Relay     *self);
void        relay_free           (Relay     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Relay, relay_free)

G_END_DECLS
