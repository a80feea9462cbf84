/* fake-server.h: a scripted mail server on 127.0.0.1 for the unit tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A server that listens on 127.0.0.1 on a free port and serves each connection it
 * accepts on a thread of its own, in the manner of Geary's test/test-server.vala.
 * What it does is a script of steps, one string each (so that a script is data a
 * table can hold):
 *
 *   "S:text"         send text and CRLF
 *   "T:text"         send the tag of the last tagged command ("C#" below), a space,
 *                    text and CRLF (IMAP: "C#NOOP" then "T:OK done" answers it)
 *   "R:text"         send text as it is after C unescaping: \r \n \t \\ \" \NNN (octal,
 *                    \000 included) \xHH; nothing is added
 *   "F:path"         send the file at path with its bare LF line ends made CRLF
 *   "C:text"         read a line (CRLF removed) that must be exactly text
 *   "C~pattern"      read a line that must match the glob pattern (* and ?)
 *   "C#text"         read a tagged command: a line that must be a tag (any word), a
 *                    space and exactly text ("C#~pattern": text matching pattern)
 *   "D:"             read message data up to the "." line and keep it as it came
 *                    (see fake_server_get_data())
 *   "ENDLESS:n"      send n KiB of "a" without a line end (a client that gives up
 *                    stops it, which is no failure)
 *   "REPEAT:n:text"  send text and CRLF n times (idem)
 *   "SLEEP:ms"       wait
 *   "TLS"            start TLS as the server (after a STARTTLS reply, say)
 *   "CLOSE"          close the connection (the last step of a connection)
 *   "RESET"          cut the connection with a TCP reset (idem)
 *   "WAIT_CLOSE"     read until the client closes; any line read is a failure
 *   "DRAIN"          read and ignore everything until the client closes (a server that
 *                    never answers)
 *   "ACCEPT"         the steps after this one are for the next connection
 *
 * The n-th connection accepted runs the steps between the (n-1)-th and the n-th
 * "ACCEPT" (the first, those before any), so a script can say what happens over
 * several connections in turn: a connection cut in the middle of a command, then the
 * client's next attempt. A connection beyond the script's is a failure. With
 * FAKE_SERVER_EVERY_CONNECTION instead, every connection runs the whole script, as
 * many as come (a server probed several times at once).
 *
 * The first step that goes wrong ends its connection and is kept as the failure,
 * which fake_server_finish() reports, naming the connection and the step.
 *
 * For a server whose answers depend on what the client sends, a handler written
 * in C serves each connection through the FakeConnection calls below, and may run
 * script steps too.
 */

typedef enum
{
  FAKE_SERVER_FLAGS_NONE       = 0,
  FAKE_SERVER_TLS              = 1 << 0,   /* TLS from the first byte */
  FAKE_SERVER_EVERY_CONNECTION = 1 << 1,   /* each connection runs the whole script */
} FakeServerFlags;

typedef struct _FakeServer FakeServer;
typedef struct _FakeConnection FakeConnection;

typedef void (*FakeServerHandler) (FakeConnection *connection,
                                   gpointer        user_data);

FakeServer *fake_server_new               (const char * const *script);
FakeServer *fake_server_new_full          (FakeServerFlags     flags,
                                           GTlsCertificate    *certificate,
                                           const char * const *script);
FakeServer *fake_server_new_handler       (FakeServerFlags     flags,
                                           GTlsCertificate    *certificate,
                                           FakeServerHandler   handler,
                                           gpointer            user_data);

guint16     fake_server_get_port          (FakeServer         *self);
guint       fake_server_get_n_connections (FakeServer         *self);
char       *fake_server_dup_commands      (FakeServer         *self);
guint       fake_server_get_n_data        (FakeServer         *self);
GBytes     *fake_server_get_data          (FakeServer         *self,
                                           guint               index);
gboolean    fake_server_finish            (FakeServer         *self,
                                           char              **failure);
void        fake_server_assert_finished   (FakeServer         *self);
void        fake_server_free              (FakeServer         *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

/* For handlers; each call is made on the connection's own thread. */
guint       fake_connection_get_index     (FakeConnection     *self);
gboolean    fake_connection_send          (FakeConnection     *self,
                                           const char         *text);
gboolean    fake_connection_send_line     (FakeConnection     *self,
                                           const char         *line);
char       *fake_connection_read_line     (FakeConnection     *self);
gboolean    fake_connection_start_tls     (FakeConnection     *self);
gboolean    fake_connection_is_tls        (FakeConnection     *self);
gboolean    fake_connection_run_step      (FakeConnection     *self,
                                           const char         *step);
void        fake_connection_fail          (FakeConnection     *self,
                                           const char         *format,
                                           ...) G_GNUC_PRINTF (2, 3);

/* The self-signed certificate (with its key) of every TLS fake server that is given
 * none: CN=localhost, O=Tern Test, for DNS:localhost and IP:127.0.0.1, made once per
 * process with openssl. */
GTlsCertificate *fake_server_get_test_certificate (void);

/* A port nothing listens on (bound, then closed). */
guint16     fake_server_unused_port       (void);

G_END_DECLS
