/* imap-fake-server.h: a scripted IMAP server on 127.0.0.1 for the session tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Listens on 127.0.0.1 on a free port and runs a script for one client in a thread of
 * its own (in the manner of Geary's test/test-server.vala). Steps:
 *
 *   "S:text"        send text and CRLF
 *   "R:text"        send text after C unescaping (\r, \n, \377...), nothing added
 *   "C:text"        read a line (CRLF removed) that must be exactly text
 *   "C~pattern"     read a line that must match the glob pattern
 *   "ENDLESS:n"     send n KiB of "a" without a line end (write errors are ignored)
 *   "SLEEP:ms"      wait
 *   "CLOSE"         close the connection
 *   "WAIT_CLOSE"    read until the client closes; any line read is a failure
 *
 * A mismatch stops the script; imap_fake_server_finish() reports it.
 */

typedef struct _ImapFakeServer ImapFakeServer;

ImapFakeServer *imap_fake_server_new      (const char * const *script);
guint16         imap_fake_server_get_port (ImapFakeServer     *self);
char           *imap_fake_server_finish   (ImapFakeServer     *self);
void            imap_fake_server_free     (ImapFakeServer     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImapFakeServer, imap_fake_server_free)

#define imap_fake_server_assert_ok(server) \
  G_STMT_START { \
    g_autofree char *_failure = imap_fake_server_finish (server); \
    if (_failure != NULL) \
      g_error ("fake server: %s", _failure); \
  } G_STMT_END

G_END_DECLS
