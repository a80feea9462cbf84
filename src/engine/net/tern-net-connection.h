/* tern-net-connection.h: a line-oriented client connection with TLS and STARTTLS
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * TernNetSecurity:
 * @TERN_NET_SECURITY_TLS: TLS from the first byte (ports 993, 995, 465)
 * @TERN_NET_SECURITY_STARTTLS: plain connection upgraded with STARTTLS/STLS before any
 *   credentials are sent; the connection fails when the server does not offer it
 * @TERN_NET_SECURITY_NONE: no encryption at all (only when the account allows it explicitly)
 */
typedef enum
{
  TERN_NET_SECURITY_TLS,
  TERN_NET_SECURITY_STARTTLS,
  TERN_NET_SECURITY_NONE,
} TernNetSecurity;

const char      *tern_net_security_to_string   (TernNetSecurity  security);
gboolean         tern_net_security_from_string (const char      *str,
                                                TernNetSecurity *security);

#define TERN_NET_DEFAULT_CONNECT_TIMEOUT 30
#define TERN_NET_DEFAULT_IO_TIMEOUT      60
#define TERN_NET_DEFAULT_MAX_LINE        (1024 * 1024)

/* The largest message Tern downloads, by IMAP or POP3 (README.md says so): a larger
 * one is refused with a message naming it, and stays on the server. It also bounds the
 * memory a hostile server can make Tern use for one message. */
#define TERN_NET_MAX_MESSAGE_SIZE        ((gsize) 512 * 1024 * 1024)

#define TERN_NET_TYPE_CONNECTION (tern_net_connection_get_type ())

G_DECLARE_FINAL_TYPE (TernNetConnection, tern_net_connection, TERN_NET, CONNECTION, GObject)

TernNetConnection *tern_net_connection_new                (const char         *host,
                                                           guint16             port,
                                                           TernNetSecurity     security);

const char        *tern_net_connection_get_host           (TernNetConnection  *self);
guint16            tern_net_connection_get_port           (TernNetConnection  *self);
TernNetSecurity    tern_net_connection_get_security       (TernNetConnection  *self);

void               tern_net_connection_set_timeouts       (TernNetConnection  *self,
                                                           guint               connect_seconds,
                                                           guint               io_seconds);
void               tern_net_connection_set_io_timeout     (TernNetConnection  *self,
                                                           guint               io_seconds);
guint              tern_net_connection_get_io_timeout     (TernNetConnection  *self);
void               tern_net_connection_set_max_line_length (TernNetConnection *self,
                                                           gsize               max_line);
gboolean           tern_net_connection_set_pinned_certificate (TernNetConnection *self,
                                                           const char         *pin,
                                                           GError            **error);
void               tern_net_connection_set_transcript     (TernNetConnection  *self,
                                                           const char         *log_domain);

gboolean           tern_net_connection_connect            (TernNetConnection  *self,
                                                           GCancellable       *cancellable,
                                                           GError            **error);
gboolean           tern_net_connection_start_tls          (TernNetConnection  *self,
                                                           GCancellable       *cancellable,
                                                           GError            **error);
gboolean           tern_net_connection_is_connected       (TernNetConnection  *self);
gboolean           tern_net_connection_is_encrypted       (TernNetConnection  *self);
GTlsCertificate   *tern_net_connection_get_peer_certificate (TernNetConnection *self);
void               tern_net_connection_close              (TernNetConnection  *self);

char              *tern_net_connection_read_line          (TernNetConnection  *self,
                                                           gsize              *length,
                                                           GCancellable       *cancellable,
                                                           GError            **error);
char              *tern_net_connection_read_data_line     (TernNetConnection  *self,
                                                           gsize              *length,
                                                           GCancellable       *cancellable,
                                                           GError            **error);
gboolean           tern_net_connection_read_exact         (TernNetConnection  *self,
                                                           void               *buffer,
                                                           gsize               count,
                                                           GCancellable       *cancellable,
                                                           GError            **error);
gboolean           tern_net_connection_skip_exact         (TernNetConnection  *self,
                                                           gsize               count,
                                                           GCancellable       *cancellable,
                                                           GError            **error);
gsize              tern_net_connection_get_buffered       (TernNetConnection  *self);

void               tern_net_connection_queue              (TernNetConnection  *self,
                                                           const void         *data,
                                                           gsize               length);
void               tern_net_connection_queue_secret       (TernNetConnection  *self,
                                                           const void         *data,
                                                           gsize               length);
void               tern_net_connection_queue_line         (TernNetConnection  *self,
                                                           const char         *line);
void               tern_net_connection_queue_secret_line  (TernNetConnection  *self,
                                                           const char         *line,
                                                           gsize               visible_prefix);
gboolean           tern_net_connection_flush              (TernNetConnection  *self,
                                                           GCancellable       *cancellable,
                                                           GError            **error);
gboolean           tern_net_connection_send_line          (TernNetConnection  *self,
                                                           const char         *line,
                                                           GCancellable       *cancellable,
                                                           GError            **error);

G_END_DECLS
