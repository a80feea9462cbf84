/* fake-resolver.h: a GResolver answering from a fixture, for tests
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FAKE_TYPE_RESOLVER (fake_resolver_get_type ())

G_DECLARE_FINAL_TYPE (FakeResolver, fake_resolver, FAKE, RESOLVER, GResolver)

FakeResolver *fake_resolver_new         (void);

/* A host name that resolves to @address ("127.0.0.1"). */
void          fake_resolver_add_host    (FakeResolver *self,
                                         const char   *name,
                                         const char   *address);
/* An SRV record of @rrname ("_imaps._tcp.example.test"); @target "." means not offered. */
void          fake_resolver_add_srv     (FakeResolver *self,
                                         const char   *rrname,
                                         guint16       priority,
                                         guint16       weight,
                                         guint16       port,
                                         const char   *target);
void          fake_resolver_add_mx      (FakeResolver *self,
                                         const char   *domain,
                                         guint16       preference,
                                         const char   *exchange);
/* Record lookups of @rrname answer only after @delay_ms (or when cancelled). */
void          fake_resolver_set_delay   (FakeResolver *self,
                                         const char   *rrname,
                                         guint         delay_ms);

guint         fake_resolver_get_n_queries (FakeResolver *self);
gboolean      fake_resolver_was_asked   (FakeResolver *self,
                                         const char   *name);

G_END_DECLS
