/* fake-server.h: a scripted mail server on 127.0.0.1 for the POP3 and SMTP unit tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The server listens on 127.0.0.1 on a free port and runs a script for one client in a
 * thread of its own (in the manner of Geary's test/test-server.vala). Steps:
 *
 *   "S:text"        send text and CRLF
 *   "R:text"        send text as it is, after C escapes (\r, \n, \xNN as \NNN octal)
 *   "F:path"        send the file at path with its LF line ends made CRLF (corpus replays)
 *   "C:text"        read a line (CRLF removed) that must be exactly text
 *   "C~pattern"     read a line that must match the glob pattern
 *   "D:"            read message data up to the "." line and keep it, CRLFs included
 *   "ENDLESS:n"     send n KiB without any line end, then wait for the client to close
 *   "REPEAT:n:text" send text and CRLF n times
 *   "SLEEP:ms"      wait
 *   "CLOSE"         close the connection
 *   "WAIT_CLOSE"    read until the client closes; any line read is a failure
 *
 * A mismatch stops the script; fake_server_finish() reports it.
 */

typedef struct _FakeServer FakeServer;

FakeServer *fake_server_new        (const char * const *script);
guint16     fake_server_get_port   (FakeServer         *self);
gboolean    fake_server_finish     (FakeServer         *self,
                                    char              **failure);
GBytes     *fake_server_get_data   (FakeServer         *self,
                                    guint               index);
guint       fake_server_get_n_data (FakeServer         *self);
void        fake_server_free       (FakeServer         *self);

void        fake_server_assert_finished (FakeServer    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

G_END_DECLS
