/* fake-mail-server.h: small IMAP, POP3 and SMTP servers in a thread, for probe tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  FAKE_IMAP,
  FAKE_POP3,
  FAKE_SMTP,
} FakeProtocol;

typedef enum
{
  FAKE_MODE_TLS,        /* TLS from the first byte; offers AUTH PLAIN */
  FAKE_MODE_STARTTLS,   /* plain, offers STARTTLS; AUTH only after it */
  FAKE_MODE_PLAIN,      /* plain, no STARTTLS, offers AUTH PLAIN */
  FAKE_MODE_SILENT,     /* accepts connections and never writes */
  FAKE_MODE_REFUSE,     /* greets with a refusal (* BYE, -ERR, 554) */
} FakeMode;

typedef struct _FakeServer FakeServer;

FakeServer *fake_server_start          (FakeProtocol  protocol,
                                        FakeMode      mode,
                                        const char   *cert_file,
                                        const char   *key_file);
guint16     fake_server_get_port       (FakeServer   *server);
guint       fake_server_get_n_connections (FakeServer *server);
char       *fake_server_dup_commands   (FakeServer   *server);
void        fake_server_stop           (FakeServer   *server);

/* A port nothing listens on (bound, then closed). */
guint16     fake_unused_port           (void);

/* A self-signed certificate for localhost and 127.0.0.1 made with openssl in @dir. */
void        fake_make_certificate      (const char   *dir,
                                        const char   *name,
                                        char        **cert_file,
                                        char        **key_file);

G_END_DECLS
