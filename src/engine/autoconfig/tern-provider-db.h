/* tern-provider-db.h: the provider database shipped with Tern (from the Thunderbird ISPDB)
 *
 * Copyright 2026 The Tern developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tern-autoconfig-server.h"

G_BEGIN_DECLS

#define TERN_TYPE_PROVIDER_DB (tern_provider_db_get_type ())

G_DECLARE_FINAL_TYPE (TernProviderDb, tern_provider_db, TERN, PROVIDER_DB, GObject)

TernProviderDb  *tern_provider_db_get_default      (void);
TernProviderDb  *tern_provider_db_new_from_bytes   (GBytes          *data,
                                                    GError         **error);

guint            tern_provider_db_get_n_providers  (TernProviderDb  *self);
guint            tern_provider_db_get_n_skipped    (TernProviderDb  *self);
char           **tern_provider_db_dup_domains      (TernProviderDb  *self);
gboolean         tern_provider_db_contains         (TernProviderDb  *self,
                                                    const char      *domain);

GPtrArray       *tern_provider_db_lookup           (TernProviderDb  *self,
                                                    const char      *domain,
                                                    const char      *address,
                                                    char           **provider_name,
                                                    GPtrArray      **notes);

char            *tern_provider_db_expand_template  (const char      *template_,
                                                    const char      *address,
                                                    GError         **error);

G_END_DECLS
